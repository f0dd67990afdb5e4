// Preloaded (node --require) into a CLI process by measureCliMemory: when the process exits, writes
// its peak resident set (the kernel's high-water mark, as `time -v` reports it) and CPU time as
// JSON to file descriptor 3, which the parent opened as a pipe. Synchronous, so it runs on exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  try {
    writeSync(
      3,
      JSON.stringify({
        peakRss: usage.maxRSS * 1024,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      }),
    );
  } catch {
    // no descriptor 3: not run by the benchmark
  }
});
