import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { PayloadKind } from './buildPayload';
import type { StreamKind } from './buildStreamBatch';

/**
 * Memory of the responder function (lib/constructs/InvokeDoctorFunction.ts: `memorySize` default
 * 256, which the responder keeps). Keep in step; test/bench checks it against the construct.
 */
export const LAMBDA_MEMORY_MB = 256;

/** Memory used by one fresh process processing one delivery (twice). */
export interface MemoryResult {
  readonly kind: PayloadKind;
  readonly dataMessageBytes: number;
  /** Resident set after imports, payload built and a full GC, before processing (bytes). */
  readonly rssBefore: number;
  /**
   * Peak resident set of the process (kernel high-water mark, as Lambda's Max Memory Used); it may
   * have been reached while loading modules rather than while processing.
   */
  readonly peakRss: number;
  /** Highest resident set sampled while processing (at the sink and after each invocation). */
  readonly processingRss: number;
  /** Peak JS heap sampled while processing (at the sink and after each invocation) minus before. */
  readonly heapDelta: number;
  /** Heap still held after processing and a full GC minus before (a leak would show here). */
  readonly heapRetained: number;
  /** Peak external + ArrayBuffer memory (gzip buffers) minus before. */
  readonly externalDelta: number;
  /** Configured Lambda memory (MiB) minus peak RSS, in MiB. */
  readonly marginMb: number;
}

interface ChildReport {
  readonly dataMessageBytes: number;
  readonly rssBefore: number;
  readonly peakRss: number;
  readonly peakRssSampled: number;
  readonly heapBefore: number;
  readonly peakHeap: number;
  readonly heapAfterGc: number;
  readonly externalBefore: number;
  readonly peakExternal: number;
}

/** Processes one delivery of `kind` in a fresh Node process and reports its memory. */
export async function measureMemory(
  bundle: string,
  kind: PayloadKind,
  targetBytes: number,
): Promise<MemoryResult> {
  const r = await runChild('memoryChild.js', [bundle, kind, String(targetBytes)]);
  return { kind, ...figures(r) };
}

/** Memory of the central responder processing one stream batch (see streamMemoryChild). */
export interface StreamMemoryResult extends Omit<MemoryResult, 'kind'> {
  readonly kind: StreamKind;
}

/** Processes one 100-record batch of `kind` with the stream handler bundle in a fresh process. */
export async function measureStreamMemory(
  bundle: string,
  kind: StreamKind,
  infoRecordBytes: number,
): Promise<StreamMemoryResult> {
  const r = await runChild('streamMemoryChild.js', [bundle, kind, String(infoRecordBytes)]);
  return { kind, ...figures(r) };
}

function figures(r: ChildReport): Omit<MemoryResult, 'kind'> {
  return {
    dataMessageBytes: r.dataMessageBytes,
    rssBefore: r.rssBefore,
    peakRss: r.peakRss,
    processingRss: r.peakRssSampled,
    heapDelta: r.peakHeap - r.heapBefore,
    heapRetained: r.heapAfterGc - r.heapBefore,
    externalDelta: r.peakExternal - r.externalBefore,
    marginMb: LAMBDA_MEMORY_MB - r.peakRss / 2 ** 20,
  };
}

function runChild(script: string, args: readonly string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    let report: ChildReport | undefined;
    const child = fork(join(__dirname, script), [...args], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: ['--expose-gc'],
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    });
    child.on('message', (message) => {
      report = message as ChildReport;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 || report === undefined) {
        reject(new Error(`memory child ${script} exited with ${code} without a report`));
        return;
      }
      resolve(report);
    });
  });
}
