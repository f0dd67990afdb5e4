import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TextLogSummary, textLog } from './buildPayload';

/** The built CLI and the preload that reports its peak memory (both from `npm run build`). */
const CLI = join(__dirname, '..', 'bin', 'cli.js');
const PRELOAD = join(__dirname, 'peakRssOnExit.js');

/** How much input the two runs read: 1× and `factor` times as much. */
export interface CliMemoryOptions {
  /** Bytes of the 1× log. */
  readonly baseBytes: number;
  /** The large input is this many times the 1× log (20). */
  readonly factor: number;
}

/** One run of the built CLI. */
export interface CliRun {
  /** Bytes of input read (0 for the run that reads nothing). */
  readonly inputBytes: number;
  /** Peak resident set of the CLI process (bytes). */
  readonly peakRss: number;
  /** Spawn to exit (ms). */
  readonly wallMs: number;
  /** User + system CPU time of the process (ms). */
  readonly cpuMs: number;
  /** What the input held. */
  readonly log: TextLogSummary | null;
}

/** Peak memory of `invoke-doctor diagnose` at 1× and at `factor`× the input. */
export interface CliMemoryResult {
  readonly factor: number;
  /** `invoke-doctor --version`: the CLI loaded, nothing read. */
  readonly loaded: CliRun;
  readonly base: CliRun;
  readonly large: CliRun;
  /** Peak RSS of the large run / peak RSS of the 1× run. */
  readonly growth: number;
}

/** Writes the API Gateway execution log of `bytes` bytes to `file`, chunk by chunk. */
function writeLog(file: string, bytes: number): TextLogSummary {
  const fd = openSync(file, 'w');
  try {
    const log = textLog('apigw-info', { targetBytes: bytes });
    for (let next = log.next(); ; next = log.next()) {
      if (next.done === true) return next.value;
      writeSync(fd, next.value);
    }
  } finally {
    closeSync(fd);
  }
}

interface Diagnosed {
  readonly occurrences: number;
  readonly function: { readonly name: string | null };
  readonly api: { readonly httpMethod: string | null } | null;
}

/** Runs the built CLI with the preload; returns its report, stdout and wall time. */
function runCli(
  args: readonly string[],
): Promise<{ stdout: string; report: CliReport; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', PRELOAD, CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const fd3: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => fd3.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0 || fd3.length === 0) {
        reject(
          new Error(`invoke-doctor ${args.join(' ')} exited with ${code}: ${Buffer.concat(err)}`),
        );
        return;
      }
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        report: JSON.parse(Buffer.concat(fd3).toString('utf8')) as CliReport,
        wallMs,
      });
    });
  });
}

interface CliReport {
  readonly peakRss: number;
  readonly cpuMs: number;
}

/** `diagnose --json FILE` on a log; checks it found every failure with its function and route. */
async function diagnoseLog(file: string, log: TextLogSummary): Promise<CliRun> {
  const { stdout, report, wallMs } = await runCli(['diagnose', '--json', file]);
  const diagnoses = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Diagnosed);
  const [only] = diagnoses;
  if (
    diagnoses.length !== 1 ||
    only?.occurrences !== log.failureLines ||
    only.function.name === null ||
    only.api?.httpMethod !== 'GET'
  ) {
    throw new Error(
      `diagnose on ${log.bytes} bytes: expected one diagnosis of ${log.failureLines} failures with its function and route, got ${stdout.slice(0, 500)}`,
    );
  }
  return { inputBytes: log.bytes, peakRss: report.peakRss, wallMs, cpuMs: report.cpuMs, log };
}

/**
 * Runs the built CLI (`invoke-doctor diagnose --json FILE`, a fresh process each) on an API Gateway
 * execution log (bench/buildPayload.ts `textLog`: whole requests at INFO level, 2% of them refused
 * with `Invalid permissions on Lambda function`) of `baseBytes` and of `factor` times as much,
 * written to a temporary file and deleted afterwards, and reports each process's peak RSS.
 */
export async function measureCliMemory(options: CliMemoryOptions): Promise<CliMemoryResult> {
  if (!existsSync(CLI) || !existsSync(PRELOAD)) {
    throw new Error(`${CLI} or ${PRELOAD} is missing: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-bench-memory-'));
  try {
    const loadedRun = await runCli(['--version']);
    const loaded: CliRun = {
      inputBytes: 0,
      peakRss: loadedRun.report.peakRss,
      wallMs: loadedRun.wallMs,
      cpuMs: loadedRun.report.cpuMs,
      log: null,
    };
    const file = join(dir, 'execution.log');
    const base = await diagnoseLog(file, writeLog(file, options.baseBytes));
    rmSync(file);
    const large = await diagnoseLog(file, writeLog(file, options.baseBytes * options.factor));
    rmSync(file);
    return { factor: options.factor, loaded, base, large, growth: large.peakRss / base.peakRss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
