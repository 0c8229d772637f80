import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo.js";
import { doctorCommand } from "../../src/cli/doctor.js";
import { sweepCommand } from "../../src/cli/sweep.js";
import { describeError } from "../../src/errors.js";
import { inProcess } from "../helpers/cli.js";

/**
 * Users never read a class name (issue #23, BRIEF "no class names in user messages"): not in what
 * `describeError` makes of any error class mfasweep declares, and not in what the demo, a sweep that
 * cannot read its connections, and doctor print.
 */

const root = resolve(import.meta.dirname, "../..");
const className = /\b[A-Z]\w+Error\b/;

/** Every exported `class …Error` in src/ and providers/, with the module that declares it. */
function errorClasses(): Array<{ file: string; name: string }> {
  const out: Array<{ file: string; name: string }> = [];
  for (const dir of ["src", "providers"])
    for (const e of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!e.isFile() || !e.name.endsWith(".ts")) continue;
      const file = join(e.parentPath, e.name);
      for (const m of readFileSync(file, "utf8").matchAll(/^export class (\w+Error) extends \w+/gm))
        out.push({ file, name: m[1]! });
    }
  return out;
}

describe("no class names in user messages", () => {
  it("describeError of every error class mfasweep declares says its message, never its class", async () => {
    const classes = errorClasses();
    expect(classes.length).toBeGreaterThan(20);
    for (const { file, name } of classes) {
      const module = (await import(pathToFileURL(file).href)) as Record<
        string,
        new (
          ...a: unknown[]
        ) => Error
      >;
      const ErrorClass = module[name]!;
      // Message first; the lists fill the classes that name what is missing, or a host's keys.
      const error = new ErrorClass("tenant 'acme', connection 'okta': GET users: it went wrong", [], []);
      const said = describeError(error);
      expect(said, `${relative(root, file)} ${name}`).not.toMatch(className);
      expect(said, name).toContain("it went wrong");
    }
    expect(describeError(new TypeError("x is not a function"))).toBe("internal error: x is not a function");
  });

  describe("through the CLI", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "mfasweep-messages-"));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("the demo swept into a store prints no class name", async () => {
      const run = await inProcess(demoCommand(), ["demo", "--store", join(dir, "demo.db")]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Sweep [0-9a-f-]{36} \(demo\): /);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(className);
    }, 120_000);

    it("a sweep and doctor whose connections cannot be read print reasons, no class name", async () => {
      const config = join(dir, "mfasweep.yaml");
      await writeFile(
        config,
        `tenants:
  - id: acme
    name: Acme
    connections:
      - type: google-workspace
        id: google
        endpoint: http://127.0.0.1:9
        auth: { method: access-token, token: env:MFASWEEP_TEST_UNSET_TOKEN }
      - type: okta
        id: okta
        orgUrl: https://acme.okta.com
        auth: { method: api-token, token: file:${join(dir, "no-such-token")} }
`,
      );
      const sweep = await inProcess(sweepCommand(), ["sweep", "-c", config, "--store", join(dir, "q.db")]);
      expect(sweep.code).toBe(2);
      expect(sweep.stdout).toContain("environment variable MFASWEEP_TEST_UNSET_TOKEN is not set");
      expect(sweep.stdout).toContain("no-such-token");
      expect(`${sweep.stdout}${sweep.stderr}`).not.toMatch(className);
      const doctor = await inProcess(doctorCommand(), ["doctor", "-c", config, "--format", "json"]);
      expect(doctor.code).toBe(2);
      expect(doctor.stdout).toContain("MFASWEEP_TEST_UNSET_TOKEN");
      expect(`${doctor.stdout}${doctor.stderr}`).not.toMatch(className);
    }, 60_000);
  });
});
