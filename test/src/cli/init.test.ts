import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { providers } from "../../../providers/index.js";
import { configCommand } from "../../../src/cli/config.js";
import { initCommand } from "../../../src/cli/init.js";
import { parseConfig } from "../../../src/composition.js";
import { inProcess } from "../../helpers/cli.js";

describe("mfasweep init", () => {
  it("writes an example with the MSP's own tenant and every connection type, which config validate accepts without a warning", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "mfasweep-init-")), "mfasweep.yaml");
    const init = await inProcess(initCommand(), ["init", "-o", file]);
    expect(init.code, init.stderr).toBe(0);
    const validate = await inProcess(configCommand(), ["config", "validate", "-c", file]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(": 2 tenant(s)");
    expect(validate.stdout).toContain("valid");
    // The MSP's multi-tenant app in every directory is no shared-credential mistake.
    expect(validate.stderr).toBe("");

    const { config } = parseConfig(readFileSync(file, "utf8"), file);
    expect(config.tenants.filter((t) => t.role === "msp").map((t) => t.connections[0]?.type)).toEqual([
      "entra",
    ]);
    const shown = new Set(config.tenants.flatMap((t) => t.connections.map((c) => c.type)));
    expect(providers.map((p) => p.type).filter((type) => !shown.has(type))).toEqual([]);
  });
});
