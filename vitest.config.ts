import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests start emulators and real sshd processes; give them room on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default leaves one of CI's two cores idle; most of the suite's time is spent waiting on child
    // processes (the CLI, sshd, Chromium), so two forks keep both cores busy.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
