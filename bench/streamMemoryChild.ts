// Child process of measureStreamMemory: a fresh Node process (run with --expose-gc) that imports the
// central responder's bundle, builds one 100-record stream batch, and processes it twice (cold, then
// warm) through the real handler with a sink that samples memory while the decoded records and the
// diagnoses are alive.
import { pathToFileURL } from 'node:url';
import type { StreamKind } from './buildStreamBatch';

interface HandlerModule {
  readonly createHandler: (deps: {
    readonly sink: { accept(diagnoses: readonly unknown[]): Promise<void> };
  }) => (event: unknown) => Promise<{ readonly batchItemFailures: readonly unknown[] }>;
}

async function main(): Promise<void> {
  const [bundle, kind, infoBytes] = process.argv.slice(2);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (bundle === undefined || kind === undefined || gc === undefined) {
    throw new Error('usage: node --expose-gc streamMemoryChild <bundle.mjs> <kind> <bytes>');
  }
  const mod = (await import(pathToFileURL(bundle).href)) as HandlerModule;
  const { buildStreamBatch } = await import('./buildStreamBatch.js');
  const { event, dataMessageBytes } = buildStreamBatch(kind as StreamKind, {
    infoRecordBytes: Number(infoBytes),
  });
  let peakHeap = 0;
  let peakExternal = 0;
  let peakRssSampled = 0;
  let diagnoses = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRssSampled = Math.max(peakRssSampled, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external + usage.arrayBuffers);
  };
  const handler = mod.createHandler({
    sink: {
      accept: async (d) => {
        diagnoses += d.length;
        sample();
      },
    },
  });
  gc();
  gc();
  const before = process.memoryUsage();
  peakHeap = before.heapUsed;
  peakRssSampled = before.rss;
  peakExternal = before.external + before.arrayBuffers;
  for (let i = 0; i < 2; i++) {
    const response = await handler(event);
    sample();
    if (response.batchItemFailures.length > 0 || diagnoses === 0) {
      throw new Error(`stream memory run: ${JSON.stringify(response)}, ${diagnoses} diagnoses`);
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
