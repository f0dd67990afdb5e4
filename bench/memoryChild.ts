// Child process of measureMemory: a fresh Node process (run with --expose-gc) that imports the
// handler bundle, builds one delivery, and processes it twice (cold, then warm) through the real
// handler with a sink that samples memory while the decoded batch and the diagnoses are alive.
import { pathToFileURL } from 'node:url';
import type { PayloadKind } from './buildPayload';

interface HandlerModule {
  readonly createHandler: (deps: {
    readonly sink: { accept(diagnoses: readonly unknown[]): Promise<void> };
    readonly lookup: null;
  }) => (event: unknown) => Promise<{ readonly status: string; readonly diagnoses: number }>;
}

async function main(): Promise<void> {
  const [bundle, kind, target] = process.argv.slice(2);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (bundle === undefined || kind === undefined || gc === undefined) {
    throw new Error('usage: node --expose-gc memoryChild <bundle.mjs> <kind> <bytes>');
  }
  const mod = (await import(pathToFileURL(bundle).href)) as HandlerModule;
  const { buildPayload } = await import('./buildPayload.js');
  const { event, dataMessageBytes } = buildPayload(kind as PayloadKind, {
    targetBytes: Number(target),
  });
  let peakHeap = 0;
  let peakExternal = 0;
  let peakRssSampled = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRssSampled = Math.max(peakRssSampled, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external + usage.arrayBuffers);
  };
  const handler = mod.createHandler({
    sink: { accept: async () => sample() },
    lookup: null,
  });
  gc();
  gc();
  const before = process.memoryUsage();
  peakHeap = before.heapUsed;
  peakRssSampled = before.rss;
  peakExternal = before.external + before.arrayBuffers;
  for (let i = 0; i < 2; i++) {
    const summary = await handler(event);
    sample();
    if (summary.status !== 'processed' || summary.diagnoses === 0) {
      throw new Error(`memory run: ${JSON.stringify(summary)}`);
    }
  }
  gc();
  const after = process.memoryUsage();
  process.send?.({
    dataMessageBytes,
    rssBefore: before.rss,
    // the kernel's high-water mark of the process, as Lambda's "Max Memory Used"
    peakRss: process.resourceUsage().maxRSS * 1024,
    peakRssSampled,
    heapBefore: before.heapUsed,
    peakHeap,
    heapAfterGc: after.heapUsed,
    externalBefore: before.external + before.arrayBuffers,
    peakExternal,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
