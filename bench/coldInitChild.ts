// Child process of measureColdInit: a fresh Node process that imports the handler bundle the way
// the Lambda Node.js runtime does (dynamic import of the ESM file), then runs one small delivery.
// Results go to the parent over the IPC channel; stdout (the handler's log lines) is discarded.
import { pathToFileURL } from 'node:url';

interface HandlerModule {
  readonly handler: (event: unknown) => Promise<{ readonly status: string }>;
}

async function main(): Promise<void> {
  const [bundle, mode, externals] = process.argv.slice(2);
  if (bundle === undefined) {
    throw new Error('usage: coldInitChild <bundle.mjs> [import | baseline | externals <a,b,...>]');
  }
  if (mode === 'baseline') {
    // Same process without the import: what Node itself costs on this machine.
    process.send?.({ readyMs: performance.now(), importMs: 0, firstInvokeMs: 0 });
    return;
  }
  if (mode === 'externals') {
    // Only the packages the bundle imports statically but does not contain (the AWS SDK, which the
    // Lambda runtime provides): how much of the bundle's import time they account for.
    const started = performance.now();
    for (const name of (externals ?? '').split(',').filter(Boolean)) await import(name);
    const imported = performance.now();
    process.send?.({ readyMs: imported, importMs: imported - started, firstInvokeMs: 0 });
    return;
  }
  const started = performance.now();
  const mod = (await import(pathToFileURL(bundle).href)) as HandlerModule;
  const imported = performance.now();
  // Loaded only now so that nothing it pulls in is counted in the import.
  const { buildPayload } = await import('./buildPayload.js');
  const { event } = buildPayload('all-denials', { targetBytes: 16_384 });
  const invokeStart = performance.now();
  const summary = await mod.handler(event);
  const invoked = performance.now();
  if (summary.status !== 'processed') throw new Error(`first invocation: ${summary.status}`);
  process.send?.({
    // performance.now() counts from process start: Node bootstrap + import
    readyMs: imported,
    importMs: imported - started,
    firstInvokeMs: invoked - invokeStart,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
