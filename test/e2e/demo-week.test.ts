import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SweepSummary } from "../../src/queue/model.js";
import { runMain } from "../helpers/cli.js";

/**
 * `demo --week 2` as a user runs it (issue #24 item 5): the portfolio a week later, with two fixes, a
 * regression and a new account (src/demo/week-2.ts). The second sweep reports exactly what those changes
 * mean and nothing else: the emulators' ids are stable, and the config is the same in both weeks.
 */
const day = 86_400_000;

/** What each planned change must do to the queue, stated here from the policies' meaning. */
const expected = [
  // helpdesk@ enrolled in 2SV: as an admin and as a user.
  "resolved northwind google-admin-2sv-enrolled helpdesk@northwind.example",
  "resolved northwind google-user-2sv-enforced helpdesk@northwind.example",
  // j.leverling registered Authenticator: her Entra sign-in, and the two VPNs that sign in through Entra.
  "resolved northwind entra-mfa-method-registered j.leverling@northwind.example",
  "resolved northwind entra-user-mfa-enforced j.leverling@northwind.example",
  "resolved northwind vpn-login-requires-mfa j.leverling@northwind.example @ FortiGate hq-fw01 SSL-VPN",
  "resolved northwind vpn-login-requires-mfa j.leverling@northwind.example @ rdg.northwind.example (RD Gateway, NPS extension on nps01.northwind.example)",
  // /Staff no longer enforced: the OU, and its one user who is enrolled but can now turn it off.
  "new fabrikam-legal google-ou-2sv-enforced /Staff",
  "new fabrikam-legal google-user-2sv-enforced paralegal@fabrikam-legal.example",
  // The new hire without 2SV.
  "new contoso-dental google-user-2sv-enforced hygienist@contoso-dental.example",
].sort();

let dir: string;
let store: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-e2e-demo-week-"));
  store = join(dir, "demo.db");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const summaryOf = (stdout: string) => SweepSummary.parse(JSON.parse(stdout).queue);

describe("demo --week 2", () => {
  it("into a store after week 1: exactly the planned fixes resolved, the regression and the new account new, dated a week later", async () => {
    const first = await runMain(["demo", "--store", store, "--format", "json"]);
    expect(first.code, first.stderr).toBe(0);
    const week1 = summaryOf(first.stdout);
    expect(week1.totals.new).toBeGreaterThan(100);

    const second = await runMain(["demo", "--store", store, "--week", "2", "--format", "json"]);
    expect(second.code, second.stderr).toBe(0);
    const week2 = summaryOf(second.stdout);
    expect(week2.changes.map((c) => `${c.kind} ${c.tenant} ${c.policy} ${c.subject}`).sort()).toEqual(
      expected,
    );
    expect(week2.totals).toMatchObject({ new: 3, resolved: 6, regressed: 0, reopened: 0, newlyAccepted: 0 });
    expect(week2.totals.open).toBe(week1.totals.open - 6 + 3);
    // Dated a week after the first sweep (an injected clock, not the real one): what `report` shows as a week.
    const gap = Date.parse(week2.sweep.startedAt) - Date.parse(week1.sweep.startedAt);
    expect(gap).toBeGreaterThanOrEqual(7 * day);
    expect(gap).toBeLessThan(7 * day + 10 * 60_000);
  }, 300_000);

  it("without a store: sweeps both weeks into a temporary one and prints the week's changes and the diff", async () => {
    const run = await runMain(["demo", "--week", "2"], { env: { TMPDIR: dir } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Week 2: what changed at the customers since week 1\n/);
    for (const kind of ["fix", "regression", "new account"]) expect(run.stdout).toContain(`  ${kind} `);
    expect(run.stdout).toContain("3 new, 0 regressed, 0 reopened, 6 resolved");
    expect(run.stdout).toContain("mfasweep demo --store demo.db --week 2");
    // The temporary store is gone; only the first test's store is left.
    expect((await readdir(dir)).filter((f) => f.startsWith("mfasweep-demo-"))).toEqual([]);
  }, 300_000);
});
