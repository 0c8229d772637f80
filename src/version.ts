import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Its own module, so `mfasweep --version` loads nothing else (issue #23).

/** Our package.json is the first one above this file, whether it runs from src/ or dist/src/. */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "0.0.0";
  }
  return "0.0.0";
}
export const version = packageVersion();
