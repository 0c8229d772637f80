import { afterEach, describe, expect, it } from "vitest";
import { checkTicketTarget } from "../../../../src/export/ticketing/check.js";
import { startHaloEmulator } from "../../../../src/export/ticketing/emulators/halopsa.js";
import { startJiraEmulator } from "../../../../src/export/ticketing/emulators/jira.js";
import type { TargetCommon } from "../../../../src/export/ticketing/sync.js";
import { ticketing } from "./helpers.js";

/** `doctor` on ticketing targets (issue #23 item 8): one read-only request each, failures as checks. */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const target = (entry: unknown) => ticketing([entry])[0] as unknown as TargetCommon;

async function jira() {
  const emulator = await startJiraEmulator({
    email: "bot@msp.example",
    apiToken: "tok-1",
    projects: ["ACME"],
  });
  closers.push(emulator.close);
  return {
    emulator,
    target: target({
      id: "jira",
      type: "jira",
      endpoint: emulator.url,
      auth: { email: "bot@msp.example", apiToken: "env:JIRA" },
      tenants: { acme: { projectKey: "ACME" } },
    }),
  };
}

describe("checkTicketTarget", () => {
  it("reachable and signed in: one lookup (GET), nothing written", async () => {
    const { emulator, target: t } = await jira();
    const check = await checkTicketTarget(t, { env: { JIRA: "tok-1" } });
    expect(check).toMatchObject({ check: "ticketing jira", ok: true });
    expect(check.detail).toMatch(/signed in: looked a ticket up in the project of tenant 'acme'/);
    expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("refused credentials fail the check, naming the target; the token never appears", async () => {
    const { target: t } = await jira();
    const check = await checkTicketTarget(t, { env: { JIRA: "wrong-token" } });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/jira \(jira\).*(credentials refused|HTTP 401)/);
    expect(check.detail).not.toContain("wrong-token");
  });

  it("a system that is down fails the check at once (one attempt, no retries)", async () => {
    const { emulator, target: t } = await jira();
    await emulator.close();
    const check = await checkTicketTarget(t, { env: { JIRA: "tok-1" } });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/gave up after 1 attempts \(connection refused\)/);
  });

  it("an unresolvable secret reference fails the check", async () => {
    const { target: t } = await jira();
    const check = await checkTicketTarget(t, { env: {} });
    expect(check.ok).toBe(false);
    expect(check.detail).toContain("JIRA");
  });

  it("HaloPSA has no read-only lookup: the token request proves reach and sign-in", async () => {
    const emulator = await startHaloEmulator({ clientId: "app", clientSecret: "halo-s3cret", clients: [12] });
    closers.push(emulator.close);
    const halo = target({
      id: "halo",
      type: "halopsa",
      endpoint: emulator.url,
      auth: { clientId: "app", clientSecret: "env:HALO" },
      tenants: { acme: { clientId: 12 } },
    });
    expect(await checkTicketTarget(halo, { env: { HALO: "halo-s3cret" } })).toMatchObject({ ok: true });
    expect(emulator.tokensIssued()).toBe(1);
    expect(await checkTicketTarget(halo, { env: { HALO: "nope" } })).toMatchObject({ ok: false });
  });

  it("a webhook has no read-only request: not checked, and nothing is sent", async () => {
    const hook = target({
      id: "hook",
      type: "webhook",
      endpoint: "http://127.0.0.1:9/hooks",
      auth: { secret: "env:HOOK" },
      tenants: { acme: {} },
    });
    const check = await checkTicketTarget(hook, { env: { HOOK: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } });
    expect(check).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^not checked: webhook has no read-only request/),
    });
  });
});
