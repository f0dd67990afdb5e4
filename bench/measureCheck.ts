import { readFileSync, rmSync } from 'node:fs';
import { readCheckSources } from '../bin/check/readCheckSources';
import { checkSources } from '../lambda/core/check/checkSources';
import { buildCheckTemplate } from './buildCheckTemplate';
import { median } from './median';

/** `invoke-doctor check` on the 500-resource template. */
export interface CheckResult {
  readonly resources: number;
  readonly templateBytes: number;
  readonly callers: number;
  readonly grants: number;
  readonly findings: number;
  readonly rounds: number;
  /** Read (YAML/JSON parse with positions) + graph + evaluation, median per round. */
  readonly checkMedianMs: number;
  readonly checkMinMs: number;
  /** The baseline measured in the same rounds: `JSON.parse` of the same template text. */
  readonly jsonParseMedianMs: number;
  readonly checkOverJsonParse: number;
}

/**
 * Times the check of a 500-resource synthesized template as the CLI runs it (reading the cloud
 * assembly included), against JSON.parse of the same text measured in the same rounds.
 */
export function measureCheck(rounds: number): CheckResult {
  const template = buildCheckTemplate();
  try {
    const text = readFileSync(template.templateFile, 'utf8');
    const checks: number[] = [];
    const parses: number[] = [];
    let report = checkSources(readCheckSources([template.dir]));
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      JSON.parse(text);
      parses.push(performance.now() - t);
      t = performance.now();
      report = checkSources(readCheckSources([template.dir]));
      checks.push(performance.now() - t);
    }
    const checkMedianMs = median(checks);
    const jsonParseMedianMs = median(parses);
    return {
      resources: template.resources,
      templateBytes: template.bytes,
      callers: report.counts.callers,
      grants: report.counts.grants,
      findings: report.findings.length,
      rounds,
      checkMedianMs,
      checkMinMs: Math.min(...checks),
      jsonParseMedianMs,
      checkOverJsonParse: checkMedianMs / jsonParseMedianMs,
    };
  } finally {
    rmSync(template.dir, { recursive: true, force: true });
  }
}
