import { writeFileSync } from "node:fs";

/**
 * Loaded into each benchmark worker process (`--import`): when the worker exits after its SIGTERM drain,
 * it writes its own CPU time and peak RSS to MFASWEEP_BENCH_USAGE, so bench/workers.ts can report them
 * per process.
 */
const file = process.env.MFASWEEP_BENCH_USAGE;
if (file)
  process.on("exit", () => {
    const cpu = process.cpuUsage();
    writeFileSync(
      file,
      JSON.stringify({
        cpuS: Math.round((cpu.user + cpu.system) / 10_000) / 100,
        // resourceUsage().maxRSS is in kilobytes.
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  });
