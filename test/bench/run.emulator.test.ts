import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAYLOAD_KINDS } from '../../bench/buildPayload';
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
    expect(results.targets.length).toBeGreaterThanOrEqual(8);
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
