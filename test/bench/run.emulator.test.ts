import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAYLOAD_KINDS } from '../../bench/buildPayload';
import { STREAM_BATCH_RECORDS, STREAM_KINDS } from '../../bench/buildStreamBatch';
import { CONSTRUCT_BUNDLING } from '../../bench/measureBundle';
import { LAMBDA_MEMORY_MB } from '../../bench/measureMemory';
import type { BenchResults } from '../../bench/run';
import { ROOT } from '../helpers/paths';

const RUN = join(ROOT, 'dist', 'bench', 'run.js');

function positive(value: number): void {
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThan(0);
}

describe('npm run bench -- --quick --json FILE', () => {
  let dir: string;
  let results: BenchResults;
  let stdout: string;
  let code: number | null;

  beforeAll(() => {
    if (!existsSync(RUN)) {
      throw new Error(`${RUN} is missing: run \`npm run build\` (npm test does it) before jest.`);
    }
    dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-bench-test-'));
    const file = join(dir, 'results.json');
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--quick', '--json', file], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    code = run.status;
    stdout = run.stdout;
    if (code !== 0) throw new Error(`bench failed (${code}): ${run.stderr}`);
    results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  }, 150_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('prints every section as a table', () => {
    expect(code).toBe(0);
    for (const heading of [
      'Payloads',
      'Throughput',
      'Handler bundle',
      'Cold init',
      'Peak memory',
      'CLI path',
      'CLI peak memory',
      'Storm cost',
      'Matchers on adversarial lines',
      'Kinesis stream responder',
      'Stream batches into the incident store',
      'Static check',
      'Verification cost',
      'Targets',
    ]) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toMatch(/^\| payload +\| method +\| per delivery/m);
  });

  test('writes throughput for every payload kind and method, with both ratios', () => {
    // Assert
    expect(results.meta.quick).toBe(true);
    expect(results.throughput.map((t) => t.kind)).toEqual([...PAYLOAD_KINDS]);
    for (const t of results.throughput) {
      expect(t.payload.events).toBeGreaterThan(0);
      expect(t.payload.failureEvents).toBeGreaterThan(0);
      expect(t.diagnoses).toBeGreaterThan(0);
      expect(Object.keys(t.methods).sort()).toEqual([
        'floor',
        'floor-ascii',
        'handler',
        'powertools',
      ]);
      for (const timing of Object.values(t.methods)) {
        positive(timing.medianMs);
        positive(timing.eventsPerSecond);
        positive(timing.megabytesPerSecond);
        expect(timing.roundMediansMs).toHaveLength(1);
      }
      positive(t.handlerOverFloor);
      positive(t.handlerOverPowertools);
      positive(t.handlerOverAsciiFloor);
    }
  });

  test('times both batch kinds against the decode floor, and measures memory per batch', () => {
    expect(results.stream.throughput.map((t) => t.kind)).toEqual([...STREAM_KINDS]);
    for (const t of results.stream.throughput) {
      expect(t.batch.records).toBe(STREAM_BATCH_RECORDS);
      expect(t.diagnoses).toBeGreaterThan(0);
      expect(Object.keys(t.methods).sort()).toEqual(['floor', 'floor-ascii', 'handler']);
      for (const timing of Object.values(t.methods)) {
        positive(timing.medianMs);
        positive(timing.recordsPerSecond);
        positive(timing.eventsPerSecond);
      }
      positive(t.handlerOverFloor);
    }
    expect(results.stream.memory.map((m) => m.kind)).toEqual([...STREAM_KINDS]);
    for (const m of results.stream.memory) positive(m.peakRss);
    positive(results.stream.bundleBytes);
    // One conditional write per incident and batch once the incidents are open.
    const store = results.stream.store;
    expect(store.batches).toBe(3);
    expect(store.incidents).toBeGreaterThan(0);
    expect(store.firstBatchWrites).toBeGreaterThanOrEqual(store.incidents);
    expect(store.laterBatchWrites).toBeLessThanOrEqual(store.incidents);
    expect(results.targets.map((v) => v.target)).toContain(
      `peak RSS of a ${STREAM_BATCH_RECORDS}-record stream batch ≤ 50% of ${LAMBDA_MEMORY_MB} MB`,
    );
  });

  test('writes the bundle, cold-init, memory and storm figures and a verdict per target', () => {
    // Assert
    positive(results.bundle.bytes);
    expect(results.bundle.largestInputs.length).toBeGreaterThan(0);
    expect(results.bundle.largestInputs.length).toBeLessThanOrEqual(10);
    expect(results.bundle.largestInputs.some((i) => i.path.startsWith('lambda/'))).toBe(true);
    expect(results.bundle.staticExternals.every((p) => p.startsWith('@aws-sdk/'))).toBe(true);
    expect(results.coldInit.runs).toBe(2);
    positive(results.coldInit.importMedianMs);
    positive(results.coldInit.readyMedianMs);
    expect(results.memory.map((m) => m.kind)).toEqual([...PAYLOAD_KINDS]);
    for (const m of results.memory) {
      positive(m.rssBefore);
      positive(m.processingRss);
      positive(m.peakRss);
    }
    expect(results.storm.sizes.map((s) => s.eventsPerDelivery)).toEqual([20, 100]);
    for (const size of results.storm.sizes) {
      positive(size.writesPerDelivery);
      expect(size.incidents).toBeGreaterThan(0);
    }
    // every format family is timed on at least two adversarial lines, at both sizes
    const families = new Set(results.matchers.map((m) => m.family));
    expect(families).toEqual(
      new Set(['iam-sentence', 'rest-execution-log', 'http-api-access-log']),
    );
    for (const m of results.matchers) {
      expect(m.timings.map((t) => t.bytes)).toEqual([expect.any(Number), expect.any(Number)]);
      for (const t of m.timings) expect(Number.isFinite(t.findUsPerKib)).toBe(true);
    }
    expect(results.targets.length).toBeGreaterThanOrEqual(11);
    for (const verdict of results.targets) expect(typeof verdict.pass).toBe('boolean');
  });
  test('writes the CLI path against its floor in every form, and the CLI memory at 1× and 20×', () => {
    // Assert
    const { throughput, memory } = results.cli;
    expect(throughput.map((t) => `${t.kind}/${t.form}`)).toEqual(
      PAYLOAD_KINDS.flatMap((kind) => [`${kind}/delivery`, `${kind}/text`]),
    );
    for (const t of throughput) {
      positive(t.fileBytes);
      positive(t.events);
      expect(t.diagnoses).toBeGreaterThan(0);
      positive(t.methods.cli.medianMs);
      positive(t.methods.floor.medianMs);
      positive(t.cliOverFloor);
    }
    expect(memory.factor).toBe(20);
    expect(memory.large.inputBytes).toBeGreaterThan(19 * memory.base.inputBytes);
    expect(memory.large.log?.failureLines).toBeGreaterThan(memory.base.log?.failureLines ?? 0);
    for (const run of [memory.loaded, memory.base, memory.large]) positive(run.peakRss);
    expect(memory.growth).toBeCloseTo(memory.large.peakRss / memory.base.peakRss, 10);
    const targets = results.targets.map((v) => v.target);
    expect(targets).toContain('CLI peak RSS at 20× the input ≤ 1.3× its peak at 1×');
    expect(targets.filter((t) => t.includes('CLI path on the delivery file'))).toHaveLength(2);
  });

  test('verification: every scenario, reads for a new and a repeated delivery, latency vs baseline', () => {
    // The emulator tier has moto, so the section is measured, not skipped.
    const v = results.verification;
    expect(v.skipped).toBeNull();
    expect(new Set(v.scenarios.map((s) => s.id))).toEqual(
      new Set(['1', '2', '3', '4', '5', '6', '7', '7b', '8', '9', 'websocket']),
    );
    for (const s of v.scenarios) {
      expect(s.newIncidentReads).toBeGreaterThan(0);
      expect(s.repeatedReads).toBe(0);
      positive(s.openedMs);
      positive(s.baselineMs);
    }
    expect(results.targets.filter((t) => t.target.startsWith('verification:'))).toHaveLength(3);
  });

  test('checks the 500-resource template with no findings, and times it against JSON.parse', () => {
    expect(results.check).toMatchObject({ resources: 500, findings: 0 });
    expect(results.check.callers).toBeGreaterThan(50);
    positive(results.check.checkMedianMs);
    positive(results.check.jsonParseMedianMs);
    expect(results.targets.some((t) => t.target.startsWith('check: 500-resource template'))).toBe(
      true,
    );
  });
});

describe('bench settings follow the stack', () => {
  // The bench must build and size the function the way the CDK construct does.
  const construct = readFileSync(
    join(ROOT, 'lib', 'constructs', 'InvokeDoctorFunction.ts'),
    'utf8',
  );

  test('the esbuild options are those of InvokeDoctorFunction', () => {
    expect(construct).toContain('format: OutputFormat.ESM');
    expect(construct).toContain(`target: '${CONSTRUCT_BUNDLING.target}'`);
    expect(construct).toContain(
      `mainFields: [${CONSTRUCT_BUNDLING.mainFields.map((f) => `'${f}'`).join(', ')}]`,
    );
    expect(construct).toContain(`minify: ${CONSTRUCT_BUNDLING.minify}`);
    expect(construct).toContain(`sourceMap: ${CONSTRUCT_BUNDLING.sourcemap}`);
    expect(construct).toContain(`sourcesContent: ${CONSTRUCT_BUNDLING.sourcesContent}`);
    expect(construct).toContain(`externalModules: ['${CONSTRUCT_BUNDLING.external[0]}']`);
    expect(construct.replace(/\s+/g, ' ')).toContain(JSON.stringify(CONSTRUCT_BUNDLING.banner.js));
  });

  test('the memory is the responder function memory', () => {
    const responder = readFileSync(join(ROOT, 'lib', 'constructs', 'InvokeDoctor.ts'), 'utf8');
    expect(construct).toContain(`memorySize: props.memorySize ?? ${LAMBDA_MEMORY_MB}`);
    const block = responder.slice(responder.indexOf("new InvokeDoctorFunction(this, 'Responder'"));
    expect(block.slice(0, block.indexOf('});'))).not.toContain('memorySize');
  });
});
