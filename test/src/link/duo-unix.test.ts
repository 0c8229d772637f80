import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { newDuoKeys, seedDuoUser, startDuoEmulator } from "../../../providers/duo/emulator.js";
import {
  debianCommonFiles,
  type HostSnapshot,
  type SnapshotAccount,
  writeSnapshot,
} from "../../../providers/ssh/emulator.js";
import { collect } from "../../../src/collect/index.js";
import { mergeCollections } from "../../../src/collect/merge.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { link } from "../../../src/link/index.js";
import { duoUnixLogin } from "../../../src/model/facts/index.js";
import type { AccessPath } from "../../../src/model/index.js";

/**
 * SSH host → pam_duo → Duo application → Duo user, end to end: saved host configurations (config-only SSH
 * connection) and a Duo account behind the Admin API emulator (real SDK signer), collected and linked.
 *
 * duo_unix behaviour the expectations rest on (duosecurity/duo_unix@7930c66):
 * - pam_duo.c: the user is sent to Duo by login name (or, with send_gecos/gecos_username_pos, from the
 *   GECOS field, which pam_duo.8 warns users can often edit with chfn); a user whose groups do not match
 *   `groups` returns PAM_SUCCESS without asking Duo ("bypassed Duo 2FA due to user's UNIX group").
 * - lib/duo.c: `/auth/v2/preauth` answering `allow` is DUO_OK, a login with no second factor (Duo's answer
 *   for a user with status bypass: "bypass secondary authentication after completing primary
 *   authentication", duo_api_csharp DuoUserModel.cs); `enroll` and `deny` refuse.
 * - pam_duo.8 / lib/util.c: failmode defaults to safe, "allow access" on service errors.
 * Real Duo logins need Duo's cloud, so none is made: the real-sshd harness is not used here, and the
 * verdicts rest on these documented semantics.
 */

const now = new Date("2026-12-01T12:00:00Z");
const apiHost = "api-5e6f7a8b.duosecurity.com";
const sshIkey = "DILINUXSSH0000000001";
const key = newDuoKeys(["Grant read resource", "Grant applications"]);
const env = { DUO_IKEY: key.ikey, DUO_SKEY: key.skey };

let duo: RunningEmulator;
let dir: string;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-duo-unix-"));
  duo = await startDuoEmulator({
    account: {
      apiHost,
      keys: [key],
      users: [
        seedDuoUser("alice", { capabilities: ["push"] }),
        seedDuoUser("bob", { status: "bypass" }),
        seedDuoUser("carol", { enrolled: false }),
        seedDuoUser("dave", { status: "disabled" }),
        seedDuoUser("e.smith", { capabilities: ["push"], aliases: ["erin"] }),
        seedDuoUser("Grace", { capabilities: ["push"] }),
      ],
      integrations: [{ integration_key: sshIkey, name: "Linux SSH", type: "unix", enroll_policy: "allow" }],
    },
  });
});
afterAll(async () => {
  await duo?.close();
  await rm(dir, { recursive: true, force: true });
});

const keyThenDuo = {
  kbdinteractiveauthentication: "yes",
  passwordauthentication: "no",
  authenticationmethods: "publickey,keyboard-interactive",
};
const accounts: SnapshotAccount[] = [
  { name: "alice", uid: 1000 },
  { name: "bob", uid: 1001 },
  { name: "carol", uid: 1002 },
  { name: "dave", uid: 1003 },
  { name: "erin", uid: 1004 },
  { name: "frank", uid: 1005 },
  { name: "grace", uid: 1006 },
  { name: "ops", uid: 1007, groups: ["operators"] },
];

function host(options: {
  conf?: string;
  auth?: string;
  sshdT?: HostSnapshot["sshdT"];
  users?: SnapshotAccount[];
}) {
  return {
    sshdT: options.sshdT ?? keyThenDuo,
    files: {
      "/etc/pam.d/sshd": `${options.auth ?? "auth required pam_duo.so"}\n@include common-account\n`,
      ...debianCommonFiles,
      ...(options.conf === undefined ? {} : { "/etc/duo/pam_duo.conf": options.conf }),
    },
    accounts: options.users ?? accounts,
  } satisfies HostSnapshot;
}

const conf = (extra: string, ikey: string | null = sshIkey) =>
  `[duo]\n${ikey ? `ikey = ${ikey}\n` : ""}skey = never-kept-duo-unix\nhost = ${apiHost}\n${extra}`;

async function linked(hosts: Record<string, HostSnapshot>, withDuo = true) {
  const snapshots = join(dir, String(runs++));
  for (const [name, snap] of Object.entries(hosts)) await writeSnapshot(snapshots, name, snap);
  const connections: Array<Record<string, unknown>> = [
    { type: "ssh", id: "ssh", snapshotDir: snapshots },
    ...(withDuo
      ? [
          {
            type: "duo",
            id: "duo",
            apiHost,
            endpoint: duo.url,
            auth: { method: "hmac", integrationKey: "env:DUO_IKEY", secretKey: "env:DUO_SKEY" },
          },
        ]
      : []),
  ];
  const config = parseConfig(
    stringify({ tenants: [{ id: "t", name: "T", connections }] }),
    "t.yaml",
    now,
  ).config;
  const collections = await collect(config, { enforceQuotas: false, env, now });
  const [inventory] = mergeCollections(config, collections);
  return { before: inventory!, after: link(inventory!) };
}

function pathOf(paths: AccessPath[], user: string, hostName: string): AccessPath {
  const found = paths.filter((p) => p.accounts.includes(`${user}@${hostName}`));
  expect(found, `one path for ${user}@${hostName}`).toHaveLength(1);
  return found[0]!;
}

const states = (paths: AccessPath[], hostName: string, users: string[]) =>
  Object.fromEntries(users.map((u) => [u, pathOf(paths, u, hostName).mfa.state]));

describe("Duo Unix linker: pam_duo → Duo application → Duo user", () => {
  it("failmode=secure, key then Duo: each login takes what Duo asks of that user, never more than before", async () => {
    const { before, after } = await linked({ h1: host({ conf: conf("failmode = secure\n") }) });
    const users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"];
    // The SSH provider alone counts Duo's approval as a second factor.
    expect(Object.values(states(before.accessPaths, "h1", users))).toEqual(users.map(() => "enforced"));
    expect(states(after.accessPaths, "h1", users)).toEqual({
      // Active and enrolled: Duo's policies (Bypass 2FA, authorized networks) are not read.
      alice: "unknown",
      // Status bypass: preauth answers allow, the key alone logs in.
      bob: "none",
      // Not enrolled under new-user policy allow: MFA required, nothing enrolled.
      carol: "bypassable",
      // Disabled: Duo refuses, so every way in that completes needs two factors: unchanged.
      dave: "enforced",
      // Found by alias 'erin' (Duo user e.smith): active and enrolled.
      erin: "unknown",
      // Not in Duo: a new user under policy allow.
      frank: "bypassable",
      // 'Grace' differs only in case: whether Duo folds case is not read.
      grace: "unknown",
    });
    const bob = pathOf(after.accessPaths, "bob", "h1");
    expect(bob.mfa.reason).toMatch(/one factor logs bob in: a key/);
    expect(bob.mfa.reason).toMatch(/Duo's approval does not count here: .*Linux SSH.*has status bypass/);
    expect(bob.mfa.via).toEqual(["duo-unix:/etc/duo/pam_duo.conf", `duo:duo:application/${sshIkey}`]);
    expect(bob.mfa.evidence.some((e) => e.connection === "duo" && e.field === "status")).toBe(true);
    expect(bob.mfa.evidence.some((e) => e.field === "ikey" && e.value === sshIkey && e.line === 2)).toBe(
      true,
    );
    expect(pathOf(after.accessPaths, "erin", "h1").mfa.reason).toMatch(/Duo user 'e\.smith' is active/);
    expect(pathOf(after.accessPaths, "grace", "h1").mfa.reason).toMatch(/differs only in case/);
    expect(pathOf(after.accessPaths, "dave", "h1").mfa.reason).toMatch(/dave' is disabled: Duo refuses/);
    expect(JSON.stringify(after)).not.toContain("never-kept-duo-unix");
  });

  it("stays enforced when the login needs two factors besides Duo (password and key), even for a bypass user", async () => {
    // pam_unix then pam_duo, after a key: Duo's status bypass removes Duo's factor, and key + password remain.
    const { before, after } = await linked({
      h2: host({
        conf: conf("failmode = secure\n"),
        auth: "@include common-auth\nauth required pam_duo.so",
      }),
    });
    const bob = pathOf(after.accessPaths, "bob", "h2");
    expect(bob.mfa.state).toBe("enforced");
    expect(bob).toEqual(pathOf(before.accessPaths, "bob", "h2"));
    expect(after.facts.some((f) => f.kind === duoUnixLogin.name)).toBe(true);
  });

  it("failmode=safe stays bypassable with the setting as evidence, and a bypass user is none", async () => {
    const { after } = await linked({ h3: host({ conf: conf("") }) });
    const alice = pathOf(after.accessPaths, "alice", "h3");
    expect(alice.mfa.state).toBe("bypassable");
    expect(alice.mfa.reason).toMatch(/failmode is safe/);
    expect(alice.mfa.evidence.some((e) => e.value === "failmode = safe (default)")).toBe(true);
    expect(pathOf(after.accessPaths, "bob", "h3").mfa.state).toBe("none");
  });

  it("a user outside groups skips Duo (none) whatever Duo says; a member takes Duo's verdict", async () => {
    const { after } = await linked({ h4: host({ conf: conf("failmode = secure\ngroups = operators\n") }) });
    expect(states(after.accessPaths, "h4", ["ops", "alice"])).toEqual({ ops: "bypassable", alice: "none" });
    expect(pathOf(after.accessPaths, "alice", "h4").mfa.reason).toMatch(/not in Duo's groups/);
  });

  it("unknown when the application, the ikey or the Duo account cannot be read", async () => {
    const other = await linked({ h5: host({ conf: conf("failmode = secure\n", "DINOTINTHISACCOUNT01") }) });
    const a5 = pathOf(other.after.accessPaths, "bob", "h5");
    expect(a5.mfa.state).toBe("unknown");
    expect(a5.mfa.reason).toMatch(
      /no Duo application of connection duo has the integration key DINOTINTHISACCOUNT01/,
    );

    const noIkey = await linked({ h6: host({ conf: conf("failmode = secure\n", null) }) });
    expect(pathOf(noIkey.after.accessPaths, "bob", "h6").mfa.reason).toMatch(/has no ikey line/);
    expect(pathOf(noIkey.after.accessPaths, "bob", "h6").mfa.state).toBe("unknown");

    const noDuo = await linked({ h7: host({ conf: conf("failmode = secure\n") }) }, false);
    const bob7 = pathOf(noDuo.after.accessPaths, "bob", "h7");
    expect(bob7.mfa.state).toBe("unknown");
    expect(bob7.mfa.reason).toMatch(/no duo connection/);
  });

  it("a Duo Unix fact that does not match its schema makes its path unknown, never leaves it enforced", async () => {
    const { before } = await linked({ h9: host({ conf: conf("failmode = secure\n") }) });
    const broken = {
      ...before,
      facts: before.facts.map((f) =>
        f.kind === duoUnixLogin.name ? { ...f, data: { ...(f.data as object), withoutDuo: "none" } } : f,
      ),
    };
    const alice = pathOf(link(broken).accessPaths, "alice", "h9");
    expect(alice.mfa.state).toBe("unknown");
    expect(alice.mfa.reason).toMatch(/does not match its schema at withoutDuo/);
  });

  it("send_gecos: the GECOS name is what Duo is asked about, and never better than unknown", async () => {
    const { after } = await linked({
      h8: host({
        conf: conf("failmode = secure\nsend_gecos = yes\n"),
        users: [
          { name: "hank", uid: 1010, gecos: "alice" },
          { name: "ivan", uid: 1011, gecos: "bob" },
        ],
      }),
    });
    const hank = pathOf(after.accessPaths, "hank", "h8");
    expect(hank.mfa.state).toBe("unknown");
    expect(hank.mfa.reason).toMatch(/Duo user 'alice' is active.*GECOS field.*chfn/);
    expect(pathOf(after.accessPaths, "ivan", "h8").mfa.state).toBe("none");
  });
});
