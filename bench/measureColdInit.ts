import { fork } from 'node:child_process';
import { join } from 'node:path';
import { median } from './median';

/** What one child process reported, plus the wall time the parent saw. */
interface ChildRun {
  readonly readyMs: number;
  readonly importMs: number;
  readonly firstInvokeMs: number;
  readonly wallMs: number;
}

/** Cold-start figures: medians over `runs` fresh processes. */
export interface ColdInitResult {
  readonly runs: number;
  /** `await import(bundle)` inside the child. */
  readonly importMedianMs: number;
  readonly importMinMs: number;
  readonly importMaxMs: number;
  /** Process start to handler ready (Node bootstrap + import), from the child's clock. */
  readonly readyMedianMs: number;
  /** Spawn to exit, seen by the parent (includes the first invocation and process teardown). */
  readonly wallMedianMs: number;
  /** The same child without the import: Node's own start on this machine. */
  readonly baselineReadyMedianMs: number;
  readonly baselineWallMedianMs: number;
  /** First invocation (16 KB delivery, default wiring: Powertools Logger and Metrics created). */
  readonly firstInvokeMedianMs: number;
  /** Packages outside the bundle that it imports at load (see BundleResult.staticExternals). */
  readonly staticExternals: readonly string[];
  /** Importing just those packages in a fresh process (0 when there are none). */
  readonly externalsImportMedianMs: number;
}

function runChild(
  bundle: string,
  mode: 'import' | 'baseline' | 'externals',
  externals: readonly string[] = [],
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let report: Omit<ChildRun, 'wallMs'> | undefined;
    const child = fork(join(__dirname, 'coldInitChild.js'), [bundle, mode, externals.join(',')], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: [],
      // no AWS settings: importing and the first invocation must not need any
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    });
    child.on('message', (message) => {
      report = message as Omit<ChildRun, 'wallMs'>;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 || report === undefined) {
        reject(new Error(`cold-init child exited with ${code} without a report`));
        return;
      }
      resolve({ ...report, wallMs: performance.now() - started });
    });
  });
}

/**
 * Starts `runs` fresh Node processes that import the handler bundle, interleaved with as many that
 * do not (Node's own start-up cost) and, when the bundle imports packages it does not contain at
 * load, as many that import only those, one process at a time.
 */
export async function measureColdInit(
  bundle: string,
  runs: number,
  staticExternals: readonly string[],
): Promise<ColdInitResult> {
  const measured: ChildRun[] = [];
  const baseline: ChildRun[] = [];
  const externals: ChildRun[] = [];
  // one unmeasured start of each: the first spawn pays for reading files into the page cache
  await runChild(bundle, 'import');
  await runChild(bundle, 'baseline');
  for (let i = 0; i < runs; i++) {
    measured.push(await runChild(bundle, 'import'));
    baseline.push(await runChild(bundle, 'baseline'));
    // a breakdown, not a target: every third round is enough
    if (staticExternals.length > 0 && i % 3 === 0) {
      externals.push(await runChild(bundle, 'externals', staticExternals));
    }
  }
  const imports = measured.map((run) => run.importMs);
  return {
    runs,
    importMedianMs: median(imports),
    importMinMs: Math.min(...imports),
    importMaxMs: Math.max(...imports),
    readyMedianMs: median(measured.map((run) => run.readyMs)),
    wallMedianMs: median(measured.map((run) => run.wallMs)),
    baselineReadyMedianMs: median(baseline.map((run) => run.readyMs)),
    baselineWallMedianMs: median(baseline.map((run) => run.wallMs)),
    firstInvokeMedianMs: median(measured.map((run) => run.firstInvokeMs)),
    staticExternals,
    externalsImportMedianMs:
      externals.length > 0 ? median(externals.map((run) => run.importMs)) : 0,
  };
}
