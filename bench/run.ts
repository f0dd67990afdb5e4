import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { NEAR_1_MB, PAYLOAD_KINDS, type PayloadKind } from './buildPayload';
import {
  STREAM_ACCOUNTS,
  STREAM_BATCH_RECORDS,
  STREAM_KINDS,
  type StreamKind,
} from './buildStreamBatch';
import {
  type BundleResult,
  HANDLER_ENTRY,
  measureBundle,
  STREAM_HANDLER_ENTRY,
} from './measureBundle';
import { type CheckResult, measureCheck } from './measureCheck';
import {
  type CliPathResults,
  cliPathVerdicts,
  measureCliPath,
  renderCliPath,
} from './measureCliPath';
import { type ColdInitResult, measureColdInit } from './measureColdInit';
import { type MatcherResult, measureMatchers } from './measureMatchers';
import {
  LAMBDA_MEMORY_MB,
  type MemoryResult,
  measureMemory,
  measureStreamMemory,
  type StreamMemoryResult,
} from './measureMemory';
import { measureStorm, type StormComparison } from './measureStorm';
import { measureStreamStore, type StreamStoreResult } from './measureStreamStore';
import {
  measureStreamThroughput,
  STREAM_METHODS,
  type StreamThroughputResult,
} from './measureStreamThroughput';
import { METHODS, measureThroughput, type ThroughputResult } from './measureThroughput';
import { measureVerification, type VerificationCost } from './measureVerification';
import { parseArgs } from './parseArgs';
import { renderTable } from './renderTable';

/** One benchmark target and whether this run met it. */
export interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** Everything `--json` writes. */
export interface BenchResults {
  readonly meta: {
    readonly quick: boolean;
    readonly date: string;
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    /** 1-minute load average at start and end: the machine is shared. */
    readonly loadAverage: readonly [number, number];
    readonly durationMs: number;
    readonly targetBytes: number;
  };
  readonly throughput: readonly ThroughputResult[];
  readonly bundle: Omit<BundleResult, 'dir' | 'file'>;
  readonly coldInit: ColdInitResult;
  readonly memory: readonly MemoryResult[];
  /** The CLI's streaming path: throughput against its floor, peak memory as the input grows. */
  readonly cli: CliPathResults;
  readonly storm: StormComparison;
  /** Each format family on adversarial lines: time per KiB as lines grow. */
  readonly matchers: readonly MatcherResult[];
  /** `invoke-doctor check` on a 500-resource synthesized template. */
  readonly check: CheckResult;
  /** The central responder on 100-record Kinesis batches. */
  readonly stream: {
    readonly throughput: readonly StreamThroughputResult[];
    readonly memory: readonly StreamMemoryResult[];
    /** Minified bytes of the stream handler bundle. */
    readonly bundleBytes: number;
    /** DynamoDB calls of consecutive outage batches. */
    readonly store: StreamStoreResult;
  };
  /** AWS read calls and added alert latency of verification, per scenario. */
  readonly verification: VerificationCost;
  readonly targets: readonly Verdict[];
}

const SETTINGS = {
  full: {
    targetBytes: NEAR_1_MB,
    throughput: { rounds: 15, timeMs: 100, warmupMs: 200 },
    coldInitRuns: 21,
    cli: { textBytes: 8 * 2 ** 20, factor: 20 },
    stormSizes: [100, 1000],
    stormDeliveries: 40,
    verifyRuns: 3,
    matchers: { sizes: [256 * 1024, 1024 * 1024], calls: 9 },
    checkRounds: 15,
    streamInfoRecordBytes: 16_384,
    streamStoreBatches: 20,
  },
  quick: {
    targetBytes: 32_768,
    throughput: { rounds: 1, timeMs: 20, warmupMs: 5 },
    coldInitRuns: 2,
    cli: { textBytes: 256 * 1024, factor: 20 },
    stormSizes: [20, 100],
    stormDeliveries: 4,
    verifyRuns: 1,
    matchers: { sizes: [16 * 1024, 64 * 1024], calls: 2 },
    checkRounds: 2,
    streamInfoRecordBytes: 4096,
    streamStoreBatches: 3,
  },
} as const;

// Targets of the responder.
const MAX_RATIO_TO_FLOOR = 1.5;
const MAX_BUNDLE_BYTES = 1_000_000;
const MAX_COLD_INIT_MS = 150;
// "With room to spare": the peak must leave at least half the configured memory unused.
const MIN_MEMORY_MARGIN = 0.5;
// Linear matching: time per KiB of an adversarial line may not grow by more than this from the
// smallest to the largest line (a quadratic matcher grows 4x from 256 KiB to 1 MiB).
const MAX_MATCHER_GROWTH = 1.5;
// "Well under a second" for a 500-resource template, read from disk and checked.
const MAX_CHECK_MS = 250;
// Verification: read calls for a new incident (as in AWS, where IAM's simulation answers).
const MAX_READS_PER_NEW_INCIDENT = 8;

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const mark = (pass: boolean) => (pass ? 'met' : 'MISSED');

const LABEL: Readonly<Record<PayloadKind, string>> = {
  'apigw-info': '(a) API Gateway INFO, ~2% requests failing',
  'lambda-mixed': '(b) Lambda logs, ~1% invoke denials',
  'all-denials': '(c) every line a denial',
};

const STREAM_LABEL: Readonly<Record<StreamKind, string>> = {
  'stream-outage': 'outage: failure lines only, as members stream them',
  'stream-info': 'unfiltered API Gateway INFO logs, ~2% of requests failing',
};

function verdicts(
  throughput: readonly ThroughputResult[],
  bundle: BundleResult,
  coldInit: ColdInitResult,
  memory: readonly MemoryResult[],
  storm: StormComparison,
  stream: BenchResults['stream'],
  check: CheckResult,
  verification: VerificationCost,
  matchers: readonly MatcherResult[],
): Verdict[] {
  const out: Verdict[] = [];
  for (const result of throughput) {
    const gated = result.kind !== 'all-denials';
    if (gated) {
      out.push({
        target: `${result.kind}: full handler path / floor ≤ ${MAX_RATIO_TO_FLOOR}`,
        measured: ratio(result.handlerOverFloor),
        pass: result.handlerOverFloor <= MAX_RATIO_TO_FLOOR,
      });
    }
    out.push({
      target: `${result.kind}: full handler path faster than the Powertools decode alone`,
      measured: ratio(result.handlerOverPowertools),
      pass: result.handlerOverPowertools < 1,
    });
  }
  out.push({
    target: `handler bundle ≤ ${int(MAX_BUNDLE_BYTES)} bytes minified`,
    measured: `${int(bundle.bytes)} bytes`,
    pass: bundle.bytes <= MAX_BUNDLE_BYTES,
  });
  out.push({
    target: `cold init (import of the bundle) median ≤ ${MAX_COLD_INIT_MS} ms`,
    measured: ms(coldInit.importMedianMs),
    pass: coldInit.importMedianMs <= MAX_COLD_INIT_MS,
  });
  const worst = memory.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));
  out.push({
    target: `peak RSS of a 1 MB delivery ≤ ${MIN_MEMORY_MARGIN * 100}% of ${LAMBDA_MEMORY_MB} MB`,
    measured: `${mib(worst.peakRss)} (${worst.kind}), margin ${worst.marginMb.toFixed(0)} MiB`,
    pass: worst.peakRss <= (1 - MIN_MEMORY_MARGIN) * LAMBDA_MEMORY_MB * 2 ** 20,
  });
  const sizes = storm.sizes.map(
    (s) => `${s.writesPerDelivery.toFixed(2)} @ ${s.eventsPerDelivery}`,
  );
  out.push({
    target: 'storm: DynamoDB writes per delivery do not grow with events per delivery',
    measured: sizes.join(', '),
    pass: !storm.writesGrowWithEvents,
  });
  const worstBatch = stream.memory.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));
  out.push({
    target: `peak RSS of a ${STREAM_BATCH_RECORDS}-record stream batch ≤ ${MIN_MEMORY_MARGIN * 100}% of ${LAMBDA_MEMORY_MB} MB`,
    measured: `${mib(worstBatch.peakRss)} (${worstBatch.kind}), margin ${worstBatch.marginMb.toFixed(0)} MiB`,
    pass: worstBatch.peakRss <= (1 - MIN_MEMORY_MARGIN) * LAMBDA_MEMORY_MB * 2 ** 20,
  });
  out.push({
    target: `check: ${check.resources}-resource template read and checked, median ≤ ${MAX_CHECK_MS} ms`,
    measured: `${ms(check.checkMedianMs)} (${ratio(check.checkOverJsonParse)} JSON.parse of it)`,
    pass: check.checkMedianMs <= MAX_CHECK_MS,
  });
  out.push(...verificationVerdicts(verification));
  const growth = (m: MatcherResult) => Math.max(m.findGrowth, m.engineGrowth);
  const steepest = matchers.reduce((a, b) => (growth(b) > growth(a) ? b : a));
  out.push({
    target: `matchers: time per KiB of every adversarial line grows ≤ ${MAX_MATCHER_GROWTH}× with its length`,
    measured: `worst ${ratio(growth(steepest))} (${steepest.family}: ${steepest.name})`,
    pass: matchers.every((m) => growth(m) <= MAX_MATCHER_GROWTH),
  });
  return out;
}

function verificationVerdicts(v: VerificationCost): Verdict[] {
  if (v.skipped !== null) {
    return [
      { target: 'verification (needs moto)', measured: `skipped: ${v.skipped}`, pass: false },
    ];
  }
  const asInAws = v.scenarios.filter((s) => s.simulation !== false);
  const worst = asInAws.reduce((a, b) => (b.newIncidentReads > a.newIncidentReads ? b : a));
  const repeated = Math.max(...v.scenarios.map((s) => s.repeatedReads));
  const slowest = Math.max(...v.scenarios.map((s) => s.openedMs - s.baselineMs));
  return [
    {
      target: `verification: AWS read calls per new incident ≤ ${MAX_READS_PER_NEW_INCIDENT}`,
      measured: `max ${worst.newIncidentReads} (scenario ${worst.id})`,
      pass: worst.newIncidentReads <= MAX_READS_PER_NEW_INCIDENT,
    },
    {
      target: 'verification: AWS read calls per repeated delivery of a known incident = 0',
      measured: String(repeated),
      pass: repeated === 0,
    },
    {
      target: `verification: the OPENED alert delayed by at most the ${v.budgetMs} ms budget`,
      measured: `median +${ms(v.addedLatencyMs)} (${ratio(v.latencyRatio)}), worst +${ms(slowest)}`,
      pass: slowest <= v.budgetMs,
    },
  ];
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

// Failure lines, with the ratio the payload was built for (requests for (a), lines otherwise).
function failureShare(t: ThroughputResult): string {
  const p = t.payload;
  return t.kind === 'apigw-info'
    ? `${int(p.failureEvents)} (${percent(p.failedUnits, p.units)} of ${int(p.units)} requests)`
    : `${int(p.failureEvents)} (${percent(p.failureEvents, p.events)} of lines)`;
}

function report(results: BenchResults): string {
  const parts: string[] = [];
  const m = results.meta;
  parts.push(
    `invoke-doctor benchmark${m.quick ? ' (--quick: smoke run, figures not meaningful)' : ''}: ` +
      `node ${m.node} ${m.platform}/${m.arch}, ${m.cpus} × ${m.cpuModel}, ` +
      `load ${m.loadAverage[0].toFixed(1)} → ${m.loadAverage[1].toFixed(1)}, ${(m.durationMs / 1000).toFixed(1)} s`,
  );

  parts.push('\nPayloads (awslogs deliveries; size = uncompressed DATA_MESSAGE JSON)');
  parts.push(
    renderTable(
      ['payload', 'events', 'failure lines', 'DATA_MESSAGE', 'gzip', 'Lambda event', 'diagnoses'],
      results.throughput.map((t) => [
        LABEL[t.kind],
        int(t.payload.events),
        failureShare(t),
        kib(t.payload.dataMessageBytes),
        kib(t.payload.gzipBytes),
        kib(t.payload.eventBytes),
        String(t.diagnoses),
      ]),
    ),
  );

  parts.push(
    '\nThroughput (median of per-round medians; every round times all methods on the same payload)',
  );
  const rows: string[][] = [];
  for (const t of results.throughput) {
    for (const method of METHODS) {
      const timing = t.methods[method];
      rows.push([
        method === 'handler' ? t.kind : '',
        method === 'handler'
          ? 'invoke-doctor handler (decode+detect+correlate+diagnose)'
          : method === 'floor'
            ? 'floor: gunzip + JSON.parse'
            : method === 'floor-ascii'
              ? 'floor, ASCII decoded as Latin-1'
              : 'Powertools CloudWatchLogsSchema.parse',
        ms(timing.medianMs),
        int(timing.eventsPerSecond),
        timing.megabytesPerSecond.toFixed(1),
      ]);
    }
  }
  parts.push(renderTable(['payload', 'method', 'per delivery', 'events/s', 'MB/s'], rows));
  parts.push(
    `\n${renderTable(
      [
        'payload',
        'handler / floor',
        'target',
        'handler / Powertools',
        'target',
        'handler / ASCII floor',
      ],
      results.throughput.map((t) => [
        t.kind,
        ratio(t.handlerOverFloor),
        t.kind === 'all-denials' ? '—' : `≤ ${MAX_RATIO_TO_FLOOR}×`,
        ratio(t.handlerOverPowertools),
        '< 1×',
        ratio(t.handlerOverAsciiFloor),
      ]),
    )}`,
  );

  const b = results.bundle;
  parts.push(
    `\nHandler bundle (${HANDLER_ENTRY}, esbuild as in InvokeDoctorFunction): ${int(b.bytes)} bytes minified (${kib(b.bytes)}), source map ${kib(b.sourceMapBytes)}, built in ${ms(b.buildMs)}`,
  );
  parts.push(
    renderTable(
      ['largest inputs', 'bytes in bundle'],
      b.largestInputs.map((input) => [input.path, int(input.bytes)]),
    ),
  );
  parts.push(
    `by package: ${b.packages
      .slice(0, 8)
      .map((p) => `${p.path} ${kib(p.bytes)}`)
      .join(', ')}`,
  );

  const c = results.coldInit;
  parts.push(`\nCold init (${c.runs} fresh node processes importing the bundle)`);
  parts.push(
    renderTable(
      ['measure', 'median', 'note'],
      [
        [
          'await import(bundle)',
          ms(c.importMedianMs),
          `min ${ms(c.importMinMs)}, max ${ms(c.importMaxMs)}`,
        ],
        ...(c.staticExternals.length > 0
          ? [
              [
                'the SDK packages it imports at load, alone',
                ms(c.externalsImportMedianMs),
                c.staticExternals.join(', '),
              ],
            ]
          : []),
        [
          'process start → handler ready',
          ms(c.readyMedianMs),
          `bare node: ${ms(c.baselineReadyMedianMs)}`,
        ],
        [
          'first invocation (16 KB delivery)',
          ms(c.firstInvokeMedianMs),
          'creates Logger + Metrics',
        ],
        ['spawn → exit', ms(c.wallMedianMs), `bare node: ${ms(c.baselineWallMedianMs)}`],
      ],
    ),
  );

  parts.push(
    `\nPeak memory (fresh process, bundle, one ${kib(results.meta.targetBytes)} delivery processed twice; Lambda memory ${LAMBDA_MEMORY_MB} MB)`,
  );
  parts.push(
    renderTable(
      [
        'payload',
        'RSS before',
        'RSS processing',
        'process peak RSS',
        'heap Δ peak',
        'heap retained',
        'buffers Δ',
        'margin',
      ],
      results.memory.map((r) => [
        r.kind,
        mib(r.rssBefore),
        mib(r.processingRss),
        mib(r.peakRss),
        mib(r.heapDelta),
        mib(r.heapRetained),
        mib(r.externalDelta),
        `${r.marginMb.toFixed(0)} MiB`,
      ]),
    ),
  );

  parts.push(renderCliPath(results.cli));

  parts.push(
    '\nStorm cost (IncidentService + DynamoDbIncidentRepository on dynalite; writes counted in the client middleware)',
  );
  parts.push(
    renderTable(
      [
        'events/delivery',
        'deliveries',
        'occurrences',
        'incidents',
        'writes/delivery',
        'max',
        'reads/delivery',
      ],
      results.storm.sizes.map((s) => [
        int(s.eventsPerDelivery),
        String(s.deliveries),
        int(s.failures),
        String(s.incidents),
        s.writesPerDelivery.toFixed(2),
        String(s.maxWritesPerDelivery),
        s.readsPerDelivery.toFixed(2),
      ]),
    ),
  );

  const st = results.stream;
  parts.push(
    `\nKinesis stream responder (${STREAM_HANDLER_ENTRY}, bundle ${int(st.bundleBytes)} bytes): ${STREAM_BATCH_RECORDS}-record batches from ${STREAM_ACCOUNTS} accounts`,
  );
  parts.push(
    renderTable(
      [
        'batch',
        'events',
        'failure lines',
        'DATA_MESSAGEs',
        'gzip (stream bytes)',
        'Lambda event',
        'diagnoses',
      ],
      st.throughput.map((t) => [
        STREAM_LABEL[t.kind],
        int(t.batch.events),
        int(t.batch.failureEvents),
        kib(t.batch.dataMessageBytes),
        kib(t.batch.gzipBytes),
        kib(t.batch.eventBytes),
        String(t.diagnoses),
      ]),
    ),
  );
  const streamRows: string[][] = [];
  for (const t of st.throughput) {
    for (const method of STREAM_METHODS) {
      const timing = t.methods[method];
      streamRows.push([
        method === 'handler' ? t.kind : '',
        method === 'handler'
          ? 'stream handler (decode+group by account+detect+diagnose)'
          : method === 'floor'
            ? 'floor: per record base64 + gunzip + JSON.parse'
            : 'floor, ASCII decoded as Latin-1',
        ms(timing.medianMs),
        int(timing.recordsPerSecond),
        int(timing.eventsPerSecond),
        timing.megabytesPerSecond.toFixed(1),
      ]);
    }
  }
  parts.push(
    renderTable(['batch', 'method', 'per batch', 'records/s', 'events/s', 'MB/s'], streamRows),
  );
  parts.push(
    renderTable(
      ['batch', 'handler / floor', 'handler / ASCII floor'],
      st.throughput.map((t) => [t.kind, ratio(t.handlerOverFloor), ratio(t.handlerOverAsciiFloor)]),
    ),
  );
  parts.push(
    renderTable(
      [
        'batch',
        'RSS before',
        'RSS processing',
        'process peak RSS',
        'heap Δ peak',
        'buffers Δ',
        'margin',
      ],
      st.memory.map((r) => [
        r.kind,
        mib(r.rssBefore),
        mib(r.processingRss),
        mib(r.peakRss),
        mib(r.heapDelta),
        mib(r.externalDelta),
        `${r.marginMb.toFixed(0)} MiB`,
      ]),
    ),
  );

  parts.push(
    `\nStream batches into the incident store (IncidentService + DynamoDbIncidentRepository on dynalite): ${st.store.batches} consecutive outage batches of ${st.store.recordsPerBatch} records, ${st.store.incidents} incidents (one per account and finding)`,
  );
  parts.push(
    renderTable(
      ['first batch: writes', 'later batches: writes/batch', 'reads/batch'],
      [
        [
          String(st.store.firstBatchWrites),
          st.store.laterBatchWrites.toFixed(2),
          st.store.readsPerBatch.toFixed(2),
        ],
      ],
    ),
  );

  const k = results.check;
  parts.push(
    `\nStatic check (invoke-doctor check on a synthesized ${k.resources}-resource template, ${kib(k.templateBytes)}; median of ${k.rounds} rounds)`,
  );
  parts.push(
    renderTable(
      [
        'callers',
        'grants',
        'findings',
        'read + check',
        'min',
        'JSON.parse of the text',
        'check / JSON.parse',
      ],
      [
        [
          String(k.callers),
          String(k.grants),
          String(k.findings),
          ms(k.checkMedianMs),
          ms(k.checkMinMs),
          ms(k.jsonParseMedianMs),
          ratio(k.checkOverJsonParse),
        ],
      ],
    ),
  );

  const v = results.verification;
  parts.push(
    `\nVerification cost (responder composition: IncidentService + AWS verifier; Lambda, API Gateway, IAM on moto, CloudTrail and IAM simulation on a local stand-in; ${v.runs} run(s) per scenario)`,
  );
  if (v.skipped !== null) {
    parts.push(`skipped: ${v.skipped}`);
  } else {
    parts.push(
      renderTable(
        [
          'scenario',
          'IAM simulation',
          'verdict',
          'reads, new incident',
          'reads, repeated',
          'to OPENED',
          'without verify',
          'added',
        ],
        v.scenarios.map((s) => [
          `${s.id}: ${s.title}`,
          s.simulation === null ? '—' : s.simulation ? 'answered' : 'unavailable',
          s.status === 'confirmed' || s.status === 'refuted'
            ? `${s.status}: ${s.rootCause}`
            : s.status,
          String(s.newIncidentReads),
          String(s.repeatedReads),
          ms(s.openedMs),
          ms(s.baselineMs),
          `+${ms(s.openedMs - s.baselineMs)}`,
        ]),
      ),
    );
    parts.push(
      `Added latency to the OPENED alert: median +${ms(v.addedLatencyMs)} (${ratio(v.latencyRatio)} of the alert path without verification); budget ${v.budgetMs} ms. Loopback to moto: AWS round trips are longer.`,
    );
  }

  const lineSizes = results.matchers[0]?.timings.map((t) => kib(t.bytes)) ?? [];
  parts.push(
    `\nMatchers on adversarial lines (µs per KiB; each family's find, then the whole engine with its ${kib(256 * 1024)} cap)`,
  );
  parts.push(
    renderTable(
      [
        'family',
        'line',
        ...lineSizes.map((s) => `find @ ${s}`),
        'growth',
        ...lineSizes.map((s) => `engine @ ${s}`),
        'growth',
      ],
      results.matchers.map((m) => [
        m.family,
        m.name,
        ...m.timings.map((t) => t.findUsPerKib.toFixed(2)),
        ratio(m.findGrowth),
        ...m.timings.map((t) => t.engineUsPerKib.toFixed(2)),
        ratio(m.engineGrowth),
      ]),
    ),
  );

  parts.push('\nTargets');
  parts.push(
    renderTable(
      ['target', 'measured', 'result'],
      results.targets.map((v) => [v.target, v.measured, mark(v.pass)]),
    ),
  );
  return parts.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings = args.quick ? SETTINGS.quick : SETTINGS.full;
  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

  const throughput: ThroughputResult[] = [];
  for (const kind of PAYLOAD_KINDS) {
    progress(`throughput ${kind}`);
    throughput.push(
      await measureThroughput(kind, { ...settings.throughput, targetBytes: settings.targetBytes }),
    );
  }
  progress('bundle');
  const bundle = await measureBundle();
  try {
    progress('cold init');
    const coldInit = await measureColdInit(
      bundle.file,
      settings.coldInitRuns,
      bundle.staticExternals,
    );
    const memory: MemoryResult[] = [];
    for (const kind of PAYLOAD_KINDS) {
      progress(`memory ${kind}`);
      memory.push(await measureMemory(bundle.file, kind, settings.targetBytes));
    }
    const cli = await measureCliPath(
      {
        throughput: { ...settings.throughput, targetBytes: settings.targetBytes },
        memory: { baseBytes: settings.cli.textBytes, factor: settings.cli.factor },
      },
      progress,
    );
    progress('storm');
    const storm = await measureStorm(settings.stormSizes, settings.stormDeliveries);
    const streamThroughput: StreamThroughputResult[] = [];
    for (const kind of STREAM_KINDS) {
      progress(`stream throughput ${kind}`);
      streamThroughput.push(
        await measureStreamThroughput(kind, {
          ...settings.throughput,
          infoRecordBytes: settings.streamInfoRecordBytes,
        }),
      );
    }
    progress('stream bundle and memory');
    const streamBundle = await measureBundle(10, STREAM_HANDLER_ENTRY);
    const streamMemory: StreamMemoryResult[] = [];
    try {
      for (const kind of STREAM_KINDS) {
        streamMemory.push(
          await measureStreamMemory(streamBundle.file, kind, settings.streamInfoRecordBytes),
        );
      }
    } finally {
      rmSync(streamBundle.dir, { recursive: true, force: true });
    }
    progress('stream store');
    const store = await measureStreamStore(settings.streamStoreBatches);
    const stream = {
      throughput: streamThroughput,
      memory: streamMemory,
      bundleBytes: streamBundle.bytes,
      store,
    };
    progress('check');
    const check = measureCheck(settings.checkRounds);
    progress('verification');
    const verification = await measureVerification(settings.verifyRuns);
    progress('matchers');
    const matchers = measureMatchers(settings.matchers);
    const { dir: _dir, file: _file, ...bundleFigures } = bundle;
    const cpu = cpus();
    const results: BenchResults = {
      meta: {
        quick: args.quick,
        date: new Date().toISOString(),
        node: process.versions.node,
        platform: process.platform,
        arch: process.arch,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? 'unknown',
        loadAverage: [loadStart, loadavg()[0] ?? 0],
        durationMs: performance.now() - started,
        targetBytes: settings.targetBytes,
      },
      throughput,
      bundle: bundleFigures,
      coldInit,
      memory,
      cli,
      storm,
      stream,
      check,
      verification,
      matchers,
      targets: [
        ...verdicts(
          throughput,
          bundle,
          coldInit,
          memory,
          storm,
          stream,
          check,
          verification,
          matchers,
        ),
        ...cliPathVerdicts(cli),
      ],
    };
    process.stdout.write(`${report(results)}\n`);
    if (args.json !== null) {
      writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
      progress(`results written to ${args.json}`);
    }
  } finally {
    rmSync(bundle.dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
