import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  caPolicy,
  type EntraTenantSeed,
  guid,
  seedGroup,
  seedTenant,
  seedUser,
  startEntraEmulator,
} from "../../providers/entra/emulator.js";
import type { Coverage } from "../../src/model/index.js";
import { openStore } from "../../src/queue/index.js";
import { runMain } from "../helpers/cli.js";
import { configText, scratch } from "./harness.js";

/**
 * Issue #19 item 2: missing objects are not empty ones. A Conditional Access policy requires MFA of every
 * user but excludes the group "Travel exemption" (bob). In week one the group is read: bob is excluded, his
 * finding opens. In week two Graph answers 404 for the group (deleted, not yet replicated, or a hostile
 * answer: the same 404). Before, the group "matched nobody", bob counted as covered, and his finding was
 * resolved though nobody had seen who the exclusion holds. Now the connection is `partial`, bob is
 * `unknown`, and his finding stays open. Through the real CLI against the Entra emulator, which answers a
 * group it does not hold as Graph does (404 Request_ResourceNotFound).
 */

const cliTimeout = 300_000;
const work = scratch("mfsw-missing-");
afterAll(() => work.remove());

const token = "eyJ0eXAiOiJKV1QifQ.missing-objects-test";
const domain = "missing.example";
const ann = seedUser(`ann@${domain}`, { methodsRegistered: ["fido2"] });
const bob = seedUser(`bob@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] });
const exemption = seedGroup("Travel exemption", [bob.id]);

function tenantSeed(withGroup: boolean): EntraTenantSeed {
  return seedTenant(domain, token, {
    tenantId: guid(`tenant:missing:${domain}`),
    users: [ann, bob],
    groups: withGroup ? [exemption] : [],
    policies: [
      caPolicy("MFA for everyone", { users: { includeUsers: ["All"], excludeGroups: [exemption.id] } }),
    ],
  });
}

async function sweepOnce(withGroup: boolean, db: string) {
  const emulator = await startEntraEmulator({ tls: true, tenants: [tenantSeed(withGroup)] });
  try {
    const ca = join(work.dir, "ca.pem");
    writeFileSync(ca, emulator.certificate ?? "", { mode: 0o600 });
    const file = join(work.dir, "mfasweep.yaml");
    const connection = {
      type: "entra",
      id: "entra",
      tenantId: guid(`tenant:missing:${domain}`),
      endpoint: emulator.url,
      caBundle: ca,
      auth: { method: "access-token", token: "env:MISSING_TOKEN" },
    };
    writeFileSync(file, configText([{ id: "missing", name: "Missing", connections: [connection] }]), {
      mode: 0o600,
    });
    const run = await runMain(["sweep", "--config", file, "--store", db, "--format", "json"], {
      env: { MISSING_TOKEN: token },
    });
    return { run, out: JSON.parse(run.stdout) as { coverage: Coverage[] } };
  } finally {
    await emulator.close();
  }
}

describe("a group Graph answers 404 for", () => {
  it(
    "leaves the users it excluded unknown and the connection partial; their findings are not resolved",
    async () => {
      const db = join(work.dir, "queue.db");
      const week1 = await sweepOnce(true, db);
      expect(week1.out.coverage.map((c) => c.status)).toEqual(["complete"]);
      const bobFinding = async () => {
        const store = await openStore(db);
        try {
          return (await store.findItems({ policies: ["entra-user-mfa-enforced"] })).filter(
            (i) => i.subject.id === bob.id,
          );
        } finally {
          await store.close();
        }
      };
      const opened = await bobFinding();
      expect(opened.map((i) => i.state)).toEqual(["open"]);

      const week2 = await sweepOnce(false, db);
      expect(week2.run.code, week2.run.stderr).toBe(2);
      const [coverage] = week2.out.coverage;
      expect(coverage?.status).toBe("partial");
      expect(coverage?.gaps.map((g) => `${g.what}: ${g.reason}`).join(" ")).toContain(
        `group ${exemption.id}, named as a group by a policy or an assignment: not found (HTTP 404)`,
      );
      const after = await bobFinding();
      expect(after.map((i) => i.state)).toEqual(["open"]);
      expect(week2.run.stdout).toContain(`group ${exemption.id} was not found (HTTP 404)`);
      expect(week2.run.stderr).not.toMatch(/\n\s+at /);
    },
    cliTimeout,
  );
});
