import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Result } from "../../src/model/index.js";
import { runMain } from "../helpers/cli.js";
import { configText, scratch, type TenantEntry, within } from "./harness.js";
import { type Instance, stack, type TenantSpec } from "./stacks.js";

/**
 * Issue #19 item 10: an exception covers what it names and no more. Acme has the same account name,
 * kiosk@acme.example, in Google Workspace and in Okta, without a second factor in either. An exception
 * written for the Google kiosk must not hide the Okta one; a name without its connection hides nothing
 * (it says so); `*` for tenant, policy and subject together and a misspelt policy id are config errors.
 * Through the real CLI against the Google and Okta emulators.
 */

const cliTimeout = 300_000;
const work = scratch("mfsw-exceptions-");
const spec: TenantSpec = {
  id: "acme",
  domain: "acme.example",
  people: [
    { local: "kiosk", mfa: false },
    { local: "ann", mfa: true },
  ],
};
const instances: Instance[] = [];
let tenants: TenantEntry[] = [];
let env: Record<string, string> = {};

beforeAll(async () => {
  for (const type of ["google-workspace", "okta"]) {
    const s = stack(type);
    instances.push(await s.start(s.seed(spec)));
  }
  env = Object.assign({}, ...instances.map((i) => i.env));
  tenants = [{ id: "acme", name: "Acme", connections: instances.map((i) => i.connection) }];
});

afterAll(async () => {
  for (const i of instances) await i.close();
  work.remove();
});

const entry = (match: Record<string, string>) => ({
  match,
  reason: "Shared kiosk, sign-in limited by Context-Aware Access",
  approvedBy: "security@msp.example",
  expires: "2099-01-31",
});

function write(name: string, exceptions: unknown[]): string {
  const file = join(work.dir, name);
  writeFileSync(file, configText(tenants, { exceptions, maxExceptionDays: 40_000 }), { mode: 0o600 });
  return file;
}

async function scan(
  file: string,
  format = "json",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = await within(
    120_000,
    "the scan",
    runMain(["scan", "--config", file, "--format", format, "--all"], { env }),
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return run;
}

const kioskResults = (stdout: string) =>
  (JSON.parse(stdout) as { results: Result[] }).results.filter(
    (r) => r.subject.name === "kiosk@acme.example",
  );

describe("exceptions cover what they name (issue #19 item 10)", () => {
  it(
    "a Google kiosk exception leaves the Okta kiosk failing; a name without its connection hides nothing",
    async () => {
      const file = write("scoped.yaml", [
        entry({
          tenant: "acme",
          policy: "google-user-2sv-enforced",
          subject: "kiosk@acme.example",
          connection: "google",
        }),
        // A name alone, every policy: today it would hide the kiosk in every source of the tenant.
        entry({ tenant: "acme", policy: "*", subject: "kiosk@acme.example" }),
      ]);
      const run = await scan(file);
      const kiosk = kioskResults(run.stdout);
      const google = kiosk.filter((r) => r.subject.source === "google-workspace");
      const okta = kiosk.filter((r) => r.subject.source === "okta");
      expect(google.length, run.stdout).toBeGreaterThan(0);
      expect(okta.length, run.stdout).toBeGreaterThan(0);
      const googleUser = google.find((r) => r.policy === "google-user-2sv-enforced");
      expect(googleUser?.status).toBe("excepted");
      expect(googleUser?.exception?.approvedBy).toBe("security@msp.example");
      // The Okta kiosk is still a finding, and says why the name-only exception was not applied.
      const oktaUser = okta.find((r) => r.policy === "okta-user-mfa-enforced");
      expect(oktaUser?.status).toBe("fail");
      expect(oktaUser?.message).toContain(
        "an exception names 'kiosk@acme.example' without its connection, so it is not applied: add connection: okta",
      );
      expect(okta.every((r) => r.status !== "excepted")).toBe(true);
    },
    cliTimeout,
  );

  it(
    "an exception by subject id applies in its own source only (ids are the source's)",
    async () => {
      const first = await scan(write("by-name.yaml", []));
      const id = kioskResults(first.stdout).find((r) => r.subject.source === "okta")?.subject.id;
      expect(id).toBeTruthy();
      const run = await scan(
        write("by-id.yaml", [entry({ tenant: "acme", policy: "*", subject: String(id) })]),
      );
      const kiosk = kioskResults(run.stdout);
      expect(
        kiosk.filter((r) => r.subject.source === "okta" && r.status === "excepted").length,
      ).toBeGreaterThan(0);
      expect(kiosk.filter((r) => r.subject.source === "google-workspace" && r.status === "excepted")).toEqual(
        [],
      );
    },
    cliTimeout,
  );

  it(
    "in the customer's HTML report an excepted result is an accepted risk, never a pass",
    async () => {
      const file = write("report.yaml", [
        entry({
          tenant: "acme",
          policy: "google-user-2sv-enforced",
          subject: "kiosk@acme.example",
          connection: "google",
        }),
      ]);
      const html = join(work.dir, "report.html");
      const run = await within(
        120_000,
        "the html scan",
        runMain(["scan", "--config", file, "--format", "html", "--output", html], { env }),
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const page = readFileSync(html, "utf8");
      expect(page).toContain("Accepted risk until 2099-01-31, approved by security@msp.example");
      // The JSON of the same scan counts it apart from the passes.
      const json = JSON.parse((await scan(file)).stdout) as {
        summary: { excepted: number; pass: number };
        results: Result[];
      };
      expect(json.summary.excepted).toBe(json.results.filter((r) => r.status === "excepted").length);
      expect(json.summary.excepted).toBeGreaterThan(0);
      expect(json.summary.pass).toBe(json.results.filter((r) => r.status === "pass").length);
    },
    cliTimeout,
  );

  it(
    "`*` for tenant, policy and subject, a misspelt policy and an unknown connection are config errors at file:line",
    async () => {
      const file = write("bad.yaml", [
        entry({ tenant: "*", policy: "*", subject: "*" }),
        entry({
          tenant: "acme",
          policy: "google-user-2sv-enforce",
          subject: "kiosk@acme.example",
          connection: "google",
        }),
        entry({ tenant: "acme", policy: "*", subject: "kiosk@acme.example", connection: "gogle" }),
      ]);
      const text = readFileSync(file, "utf8").split("\n");
      const lineOf = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
      for (const args of [["config", "validate"], ["scan"]]) {
        const run = await within(120_000, args.join(" "), runMain([...args, "--config", file], { env }));
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toMatch(
          /bad\.yaml:\d+ exceptions\[0\]\.match: tenant, policy and subject are all '\*'; an exception must name at least one of them/,
        );
        expect(run.stderr).toContain(
          `bad.yaml:${lineOf("policy: google-user-2sv-enforce\n") || lineOf("google-user-2sv-enforce")} exceptions[1].match.policy: no policy 'google-user-2sv-enforce' (did you mean google-user-2sv-enforced?)`,
        );
        expect(run.stderr).toContain(
          `bad.yaml:${lineOf("connection: gogle")} exceptions[2].match.connection: tenant 'acme' has no connection 'gogle' (known: google, okta)`,
        );
      }
    },
    cliTimeout,
  );
});
