import { PAYLOAD_KINDS } from './buildPayload';
import { type CliMemoryOptions, type CliMemoryResult, measureCliMemory } from './measureCliMemory';
import { type CliThroughputResult, measureCliThroughput } from './measureCliThroughput';
import { renderTable } from './renderTable';
import type { Verdict } from './run';
import type { RoundOptions } from './timeRounds';

/** What to measure of the CLI path. */
export interface CliPathOptions {
  readonly throughput: RoundOptions & { readonly targetBytes: number };
  readonly memory: CliMemoryOptions;
}

/** The CLI path's figures: throughput against its floor, and the CLI's memory as input grows. */
export interface CliPathResults {
  readonly throughput: readonly CliThroughputResult[];
  readonly memory: CliMemoryResult;
}

// Targets: the CLI path within 1.15× of the decode floor on the deliveries the handler's target is
// on, and peak memory for 20 times the input within 1.3× of the peak for 1×.
const MAX_CLI_OVER_FLOOR = 1.15;
const MAX_MEMORY_GROWTH = 1.3;
/** Payloads with a throughput target (the handler's are on the same two). */
const GATED = new Set<string>(['apigw-info', 'lambda-mixed']);

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

const gated = (t: CliThroughputResult) => t.form === 'delivery' && GATED.has(t.kind);

/** Measures the CLI path: throughput of every payload kind in both forms, then memory. */
export async function measureCliPath(
  options: CliPathOptions,
  progress: (text: string) => void,
): Promise<CliPathResults> {
  const throughput: CliThroughputResult[] = [];
  for (const kind of PAYLOAD_KINDS) {
    progress(`cli path throughput ${kind}`);
    throughput.push(...(await measureCliThroughput(kind, options.throughput)));
  }
  progress(`cli memory at 1× and ${options.memory.factor}×`);
  const memory = await measureCliMemory(options.memory);
  return { throughput, memory };
}

/** The CLI path's targets and whether this run met them. */
export function cliPathVerdicts(results: CliPathResults): Verdict[] {
  const out: Verdict[] = results.throughput.filter(gated).map((t) => ({
    target: `${t.kind}: CLI path on the delivery file / floor ≤ ${MAX_CLI_OVER_FLOOR}`,
    measured: ratio(t.cliOverFloor),
    pass: t.cliOverFloor <= MAX_CLI_OVER_FLOOR,
  }));
  const m = results.memory;
  out.push({
    target: `CLI peak RSS at ${m.factor}× the input ≤ ${MAX_MEMORY_GROWTH}× its peak at 1×`,
    measured: `${ratio(m.growth)} (${mib(m.base.peakRss)} for ${mib(m.base.inputBytes)}, ${mib(m.large.peakRss)} for ${mib(m.large.inputBytes)})`,
    pass: m.growth <= MAX_MEMORY_GROWTH,
  });
  return out;
}

/** The CLI path's section of the report. */
export function renderCliPath(results: CliPathResults): string {
  const parts: string[] = [];
  parts.push(
    '\nCLI path (readInput + StreamingAnalysis on a file, as diagnose and replay read it; floor: read the file + what its format needs, timed in the same rounds)',
  );
  parts.push(
    renderTable(
      ['payload', 'file', 'size', 'events', 'CLI path', 'MB/s', 'floor', 'CLI / floor', 'target'],
      results.throughput.map((t) => [
        t.kind,
        t.form === 'delivery' ? 'subscription event JSON' : 'plain text lines',
        kib(t.fileBytes),
        int(t.events),
        ms(t.methods.cli.medianMs),
        t.methods.cli.megabytesPerSecond.toFixed(1),
        ms(t.methods.floor.medianMs),
        ratio(t.cliOverFloor),
        gated(t) ? `≤ ${MAX_CLI_OVER_FLOOR}×` : '—',
      ]),
    ),
  );
  const m = results.memory;
  parts.push(
    '\nCLI peak memory (`invoke-doctor diagnose --json FILE`, a fresh process each, on an API Gateway execution log at INFO level, 2% of requests failing)',
  );
  const row = (label: string, run: CliMemoryResult['base']) => [
    label,
    run.inputBytes === 0 ? '—' : mib(run.inputBytes),
    run.log === null ? '—' : int(run.log.lines),
    mib(run.peakRss),
    ms(run.wallMs),
    ms(run.cpuMs),
    run.inputBytes === 0 ? '—' : (run.inputBytes / 1e6 / (run.wallMs / 1000)).toFixed(1),
  ];
  parts.push(
    renderTable(
      ['run', 'input', 'lines', 'peak RSS', 'wall', 'CPU', 'MB/s'],
      [
        row('--version (loaded, nothing read)', m.loaded),
        row('1×', m.base),
        row(`${m.factor}×`, m.large),
      ],
    ),
  );
  parts.push(`peak RSS ${m.factor}× / 1×: ${ratio(m.growth)} (target ≤ ${MAX_MEMORY_GROWTH}×)`);
  return parts.join('\n');
}
