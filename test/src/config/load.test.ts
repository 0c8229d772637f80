import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { configJsonSchema, parseConfig } from "../../../src/composition.js";
import { exampleConfig } from "../../../src/config/example.js";
import { resolveSecret, Secret } from "../../../src/config/secrets.js";
import { ConfigError } from "../../../src/errors.js";

const now = new Date("2026-11-24T12:00:00Z");

function problems(text: string): string {
  try {
    parseConfig(text, "mfasweep.yaml", now);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const valid = `tenants:
  - id: contoso
    name: Contoso
    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:CONTOSO_TOKEN }
`;

describe("config loading", () => {
  it("accepts a valid config and applies defaults", () => {
    const { config, warnings } = parseConfig(valid, "mfasweep.yaml", now);
    expect(warnings).toEqual([]);
    expect(config.failOn).toBe("low");
    expect(config.tenants[0]).toMatchObject({
      id: "contoso",
      role: "customer",
      connections: [{ id: "google-workspace", type: "google-workspace" }],
    });
    expect(config.tenants[0]?.connections[0]?.settings).toMatchObject({
      customer: "my_customer",
      timeoutSeconds: 60,
      readPolicies: true,
    });
  });

  it("the example that init writes is valid", () => {
    expect(() => parseConfig(exampleConfig, "mfasweep.yaml", now)).not.toThrow();
  });

  it("reports an inline secret with its line and path", () => {
    const text = valid.replace("env:CONTOSO_TOKEN", "ya29.a-real-looking-token");
    const message = problems(text);
    expect(message).toContain(
      "mfasweep.yaml:6 tenants[0].connections[0].auth.token: expected env:NAME or file:PATH",
    );
    expect(message).not.toContain("ya29.a-real-looking-token");
  });

  it("reports a missing field at its parent's line", () => {
    const message = problems(valid.replace("    name: Contoso\n", ""));
    expect(message).toMatch(/mfasweep\.yaml:2 tenants\[0\]\.name: /);
  });

  it("reports an unknown field (a typo) at its own line", () => {
    const message = problems(valid.replace("        auth:", "        custmer: C123\n        auth:"));
    expect(message).toContain("mfasweep.yaml:6 tenants[0].connections[0].custmer: unknown field");
  });

  it("reports an unknown connection type and lists the known ones", () => {
    const message = problems(valid.replace("type: google-workspace", "type: gsuite"));
    expect(message).toMatch(
      /mfasweep\.yaml:5 tenants\[0\]\.connections\[0\]\.type: unknown connection type 'gsuite' \(known: .*google-workspace/,
    );
  });

  it("reports every problem at once", () => {
    const text = `tenants:
  - id: Bad Id
    name: X
    connections:
      - type: google-workspace
        auth: { method: access-token, token: plain }
`;
    const message = problems(text);
    expect(message).toContain("tenants[0].id");
    expect(message).toContain("tenants[0].connections[0].auth.token");
  });

  it("refuses a tenant listed twice and duplicate connection ids", () => {
    const twice = `${valid}  - id: contoso\n    name: Again\n    connections:\n      - type: google-workspace\n        auth: { method: access-token, token: env:X }\n`;
    expect(problems(twice)).toMatch(/mfasweep\.yaml:7 tenants\[1\]\.id: tenant 'contoso' is listed twice/);
    const dup =
      valid + "      - type: google-workspace\n        auth: { method: access-token, token: env:Y }\n";
    expect(problems(dup)).toContain("connection id 'google-workspace' is used twice in tenant 'contoso'");
  });

  it("warns when a customer tenant names customer-access groups, which only the MSP's tenant is judged by", () => {
    const tenant = (role: string) => `tenants:
  - id: contoso
    name: Contoso
    role: ${role}
    connections:
      - type: okta
        orgUrl: https://contoso.okta.com
        customerAccessGroups: [00g1delegatedadmins0]
        auth: { method: api-token, token: env:T }
`;
    expect(parseConfig(tenant("customer"), "mfasweep.yaml", now).warnings).toEqual([
      "mfasweep.yaml:8 tenants[0].connections[0].customerAccessGroups: only a tenant with role: msp is judged for customer access; tenant 'contoso' is a customer",
    ]);
    expect(parseConfig(tenant("msp"), "mfasweep.yaml", now).warnings).toEqual([]);
  });

  it("refuses an exception without expiry, or beyond the maximum, and warns on an expired one", () => {
    const base = `${valid}exceptions:\n  - match: { tenant: contoso, policy: google-user-2sv-enforced, subject: a@contoso.example }\n    reason: Kiosk account\n    approvedBy: sec@msp.example\n`;
    expect(problems(base)).toMatch(/mfasweep\.yaml:8 exceptions\[0\]\.expires: /);
    expect(problems(`${base}    expires: 2028-01-01\n`)).toContain(
      "exceptions[0].expires: more than 180 days ahead",
    );
    const { warnings } = parseConfig(`${base}    expires: 2026-01-31\n`, "mfasweep.yaml", now);
    expect(warnings[0]).toContain("exception expired on 2026-01-31");
    expect(
      problems(`${base.replace("tenant: contoso", "tenant: nobody")}    expires: 2026-12-31\n`),
    ).toContain("no tenant 'nobody'");
  });

  it("reports YAML syntax errors with their line, not a stack", () => {
    const message = problems("tenants:\n  - id: a\n   name: b\n");
    expect(message).toMatch(/invalid YAML\nmfasweep\.yaml:\d+ /);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it("publishes a JSON Schema that includes each provider's connection", () => {
    const schema = JSON.stringify(configJsonSchema());
    expect(schema).toContain('"google-workspace"');
    expect(schema).toContain("env:NAME or file:PATH");
  });
});

describe("secret references", () => {
  it("resolves env: and file:, and never prints the value", async () => {
    const secret = await resolveSecret("env:S1", { env: { S1: "hunter2-value" } });
    expect(secret.reveal()).toBe("hunter2-value");
    expect(`${secret}`).toBe("[secret env:S1]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[secret env:S1]"}');
    expect(inspect(secret)).not.toContain("hunter2");

    const dir = await mkdtemp(join(tmpdir(), "mfasweep-"));
    const file = join(dir, "token");
    await writeFile(file, "file-secret\n", { mode: 0o644 });
    const warnings: string[] = [];
    const fromFile = await resolveSecret(`file:${file}`, { warn: (m) => warnings.push(m) });
    expect(fromFile.reveal()).toBe("file-secret");
    expect(warnings[0]).toContain("readable by group or others");

    // Windows decides access by ACLs and Node reports 0o666 for any writable file: no warning there.
    const onWindows: string[] = [];
    await resolveSecret(`file:${file}`, { warn: (m) => onWindows.push(m), platform: "win32" });
    expect(onWindows).toEqual([]);
  });

  it("names the reference when it cannot be resolved", async () => {
    await expect(resolveSecret("env:MISSING_X", { env: {} })).rejects.toThrow(
      "environment variable MISSING_X is not set",
    );
    await expect(resolveSecret("file:/nonexistent/secret")).rejects.toThrow(
      "cannot read secret file /nonexistent/secret (ENOENT)",
    );
    expect(new Secret("v", "env:A").toString()).toBe("[secret env:A]");
  });
});
