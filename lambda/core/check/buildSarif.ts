/**
 * The findings of a check as a SARIF 2.1.0 log, the format GitHub code scanning (and most CI
 * dashboards) read: one run, the rules with their stable ids, one result per finding located at
 * the template line, and the fix snippets in the result's properties. A "cannot tell" is a result
 * of kind `open` (level `none`, as SARIF requires for kinds other than `fail`).
 */
import { deterministicId } from '../fixes/deterministicId';
import type { SourceLocation } from './CheckGraph';
import { CHECK_RULE_IDS, CHECK_RULES } from './checkRules';
import type { CheckReport } from './runCheck';

/** What the SARIF log needs from outside the core. */
export interface SarifOptions {
  readonly toolVersion: string;
  /** The artifact URI of a finding's file: relative to the repository root where possible. */
  readonly uri: (file: string) => string;
}

function physical(location: SourceLocation, uri: SarifOptions['uri']) {
  return {
    artifactLocation: { uri: uri(location.file) },
    region: {
      startLine: location.line ?? 1,
      ...(location.column ? { startColumn: location.column } : {}),
    },
  };
}

function logical(location: SourceLocation) {
  const name = location.resource;
  return {
    name,
    fullyQualifiedName: location.stack ? `${location.stack}/${name}` : name,
    kind: 'resource',
  };
}

/** Builds the SARIF log of a report. */
export function buildSarif(report: CheckReport, options: SarifOptions): Record<string, unknown> {
  const rules = CHECK_RULE_IDS.map((id) => {
    const rule = CHECK_RULES[id];
    return {
      id,
      name: rule.name,
      shortDescription: { text: rule.summary },
      fullDescription: { text: `${rule.summary} ${rule.explanation}` },
      defaultConfiguration: { level: rule.level },
      help: { text: `${rule.summary} ${rule.explanation} See docs/check.md (${id}).` },
    };
  });
  const results = report.findings.map((f) => {
    const fix = f.fix;
    const snippets = fix
      ? Object.fromEntries(
          (['command', 'cloudformation', 'cdk', 'terraform'] as const)
            .filter((k) => typeof fix[k] === 'string' && fix[k] !== '')
            .map((k) => [k, fix[k]]),
        )
      : {};
    const fixText = fix ? `\n\nFix: ${fix.description}` : '';
    return {
      ruleId: f.ruleId,
      ruleIndex: CHECK_RULE_IDS.indexOf(f.ruleId),
      kind: f.kind === 'fail' ? 'fail' : 'open',
      level: f.kind === 'fail' ? f.level : 'none',
      message: { text: `${f.message}${fixText}` },
      locations: [
        {
          physicalLocation: physical(f.location, options.uri),
          logicalLocations: [logical(f.location)],
        },
      ],
      ...(f.related.length > 0
        ? {
            relatedLocations: f.related.map((r, i) => ({
              id: i + 1,
              physicalLocation: physical(r.location, options.uri),
              message: { text: `${r.message}: ${r.location.resource}` },
            })),
          }
        : {}),
      partialFingerprints: {
        'invokeDoctorFinding/v1': deterministicId([
          f.ruleId,
          f.location.file,
          f.location.stack ?? '',
          f.location.resource,
          f.message,
        ]),
      },
      ...(fix
        ? { properties: { fix: { kind: fix.kind, description: fix.description, ...snippets } } }
        : {}),
    };
  });
  return {
    $schema:
      'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'invoke-doctor',
            semanticVersion: options.toolVersion,
            version: options.toolVersion,
            rules,
          },
        },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}
