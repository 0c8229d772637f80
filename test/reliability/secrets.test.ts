import { randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startDuoEmulator } from "../../providers/duo/emulator.js";
import { providers } from "../../providers/index.js";
import { debianCommonFiles, writeSnapshot } from "../../providers/ssh/emulator.js";
import { doctorCommand } from "../../src/cli/doctor.js";
import { exportCommand } from "../../src/cli/export.js";
import { scanCommand } from "../../src/cli/scan.js";
import { sweepCommand } from "../../src/cli/sweep.js";
import { ticketsCommand } from "../../src/cli/tickets.js";
import { collectConnection } from "../../src/collect/index.js";
import type { ProviderDemo } from "../../src/collect/provider.js";
import { QuotaRegistry } from "../../src/collect/quota.js";
import { SecretRef } from "../../src/config/secrets.js";
import { demoPortfolio } from "../../src/demo/index.js";
import { doctor } from "../../src/doctor.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { render } from "../../src/export/index.js";
import { recordsFromStore } from "../../src/export/items.js";
import { recordsToOcsf } from "../../src/export/ocsf.js";
import {
  findingRecordsCsv,
  findingRecordsJson,
  findingRecordsNdjson,
  storeRecords,
} from "../../src/export/record.js";
import type { TicketEmulator } from "../../src/export/ticketing/emulators/common.js";
import {
  connectwiseBasePath,
  startConnectWiseEmulator,
} from "../../src/export/ticketing/emulators/connectwise.js";
import { startHaloEmulator } from "../../src/export/ticketing/emulators/halopsa.js";
import { startJiraEmulator } from "../../src/export/ticketing/emulators/jira.js";
import { type CliOutput, inProcess, runMain } from "../helpers/cli.js";
import { type FakeHost, startFakeHost } from "../providers/ssh/fake-host.js";
import { type FakePostgres, startFakePostgres } from "./fake-postgres.js";
import { configOf, configText, recordedSweep, scratch, type TenantEntry, withStore } from "./harness.js";

/**
 * Issue #12, secrets: a canary secret for every connection type must never reach stdout, stderr, logs,
 * the database (WAL included), exports, reports or error messages.
 *
 * Registry-driven: every provider's demo hook yields real connections whose `env:` references the
 * emulators accept. Those values (random per run) are canaries on the success path. Each connection is
 * then copied into a `refused-*` tenant with every reference pointing at a fresh canary the emulator
 * refuses (the error paths). Half of all references become `file:` references. Providers whose demo
 * configures no secret but whose settings take one (SSH, Tactical RMM) get a canary connection from the
 * small table below; a provider added later with a secret field and neither is a failing test.
 */

const work = scratch("mfsw-secrets-");
const secretsDir = join(work.dir, "secrets");
mkdirSync(secretsDir, { mode: 0o700 });

/** Every secret value the run configured, by a label naming where it was used. */
const canaries = new Map<string, string>();
const env: Record<string, string> = {};
let counter = 0;
const toggles = new Map<string, number>();
/** A secret file others may read, to check the warning. */
let looseSecretFile = "";

/** Registers `value` as a canary and returns a reference to it: env: or file:, alternately. */
function reference(label: string, value: string): string {
  const n = ++counter;
  canaries.set(canaries.has(label) ? `${label} #${n}` : label, value);
  const name = `CANARY_${n}`;
  // Alternate env: and file: within each group (accepted, refused, extra), so each group has both.
  const group = / refused /.test(label) ? "refused" : / demo secret /.test(label) ? "accepted" : "extra";
  const turn = (toggles.get(group) ?? 0) + 1;
  toggles.set(group, turn);
  if (turn % 2 === 0) {
    env[name] = value;
    return `env:${name}`;
  }
  const path = join(secretsDir, name);
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  // One secret file of the refused Northwind copy is readable by others: every command must warn.
  if (!looseSecretFile && label.startsWith("google-workspace refused")) {
    chmodSync(path, 0o644);
    looseSecretFile = path;
  }
  return `file:${path}`;
}

const isRef = (v: unknown): v is string => typeof v === "string" && SecretRef.safeParse(v).success;

/** The connection with every secret reference replaced by `replace(ref, path)`. */
function mapRefs(value: unknown, replace: (ref: string, path: string) => string, path = ""): unknown {
  if (isRef(value)) return replace(value, path);
  if (Array.isArray(value)) return value.map((v, i) => mapRefs(v, replace, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mapRefs(v, replace, path ? `${path}.${k}` : k)]),
    );
  return value;
}

function refsIn(value: unknown): string[] {
  const found: string[] = [];
  mapRefs(value, (ref) => {
    found.push(ref);
    return ref;
  });
  return found;
}

/** Whether a provider's connection schema has any field that takes a secret reference. */
const secretPattern = (z.toJSONSchema(SecretRef, { io: "input" }) as { pattern: string }).pattern;
function takesSecrets(schema: z.ZodType): boolean {
  return JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })).includes(
    JSON.stringify(secretPattern),
  );
}

let sshHost: FakeHost;
let psa: Record<"connectwise" | "halo" | "jira", TicketEmulator> | undefined;
let postgres: FakePostgres;
let duoApi: RunningEmulator;

/**
 * Canary connections for providers whose demo configures no secret. Each function gets `secret(label)`
 * (a fresh canary, returned as a reference) and returns raw connections.
 */
const canaryConnections: Record<
  string,
  (secret: (label: string) => string) => Array<Record<string, unknown>>
> = {
  ssh: (secret) => [
    {
      type: "ssh",
      id: "ssh-password",
      username: "audit",
      auth: { method: "password", password: secret("ssh password") },
      timeoutSeconds: 5,
      hosts: [
        { host: "127.0.0.1", port: sshHost.port, hostKey: sshHost.fingerprint, sshdPath: sshHost.sshdPath },
      ],
    },
    {
      type: "ssh",
      id: "ssh-key",
      username: "audit",
      auth: {
        method: "private-key",
        privateKey: secret("ssh private key (not a key)"),
        passphrase: secret("ssh key passphrase"),
      },
      timeoutSeconds: 5,
      hosts: [
        { host: "127.0.0.1", port: sshHost.port, hostKey: sshHost.fingerprint, sshdPath: sshHost.sshdPath },
      ],
    },
  ],
  // No Duo demo yet: its Admin API keys are canaries the emulator refuses (401, signature unknown).
  duo: (secret) => [
    {
      type: "duo",
      id: "duo-admin-api",
      apiHost: "api-00000000.duosecurity.com",
      endpoint: duoApi.url,
      timeoutSeconds: 5,
      auth: {
        method: "hmac",
        integrationKey: secret("duo integration key"),
        secretKey: secret("duo secret key"),
      },
    },
  ],
  "tactical-rmm": (secret) => [
    {
      type: "tactical-rmm",
      id: "trmm-url",
      url: secret(`postgres URL`),
      timeoutSeconds: 5,
    },
    {
      type: "tactical-rmm",
      id: "trmm-password",
      database: { host: "127.0.0.1", port: postgres.port, user: "mfasweep", ssl: "disable" },
      timeoutSeconds: 5,
    },
  ],
};

const demos: ProviderDemo[] = [];
let tenants: TenantEntry[] = [];
const outputs = new Map<string, string>();
let configFile = "";

function canaryValue(label: string): string {
  return `mfsw-canary-${label.replace(/\W+/g, "-")}-${randomBytes(9).toString("hex")}`;
}

beforeAll(async () => {
  sshHost = await startFakeHost({
    snapshotDir: await writeSnapshot(join(work.dir, "ssh-snap"), "h", {
      sshdT: { passwordauthentication: "yes" },
      files: { "/etc/ssh/sshd_config": "PasswordAuthentication yes\n", ...debianCommonFiles },
      accounts: [{ name: "alice", uid: 1000 }],
    }),
  });
  postgres = await startFakePostgres();
  duoApi = await startDuoEmulator({
    account: { apiHost: "api-00000000.duosecurity.com", keys: [], users: [], integrations: [] },
  });
  for (const provider of providers) if (provider.demo) demos.push(await provider.demo(demoPortfolio));

  // Accepted: the demo's own values, now canaries, behind env: or file: references.
  const byTenant = new Map<string, Array<Record<string, unknown>>>();
  const refused = new Map<string, Array<Record<string, unknown>>>();
  for (const demo of demos) {
    for (const { tenant, connection } of demo.connections) {
      const type = String(connection.type);
      const accepted = mapRefs(connection, (ref) => {
        const value = ref.startsWith("env:") ? demo.env[ref.slice(4)] : undefined;
        if (value === undefined) throw new Error(`demo of ${type} uses ${ref} without a value`);
        return reference(`${type} demo secret ${ref}`, value);
      }) as Record<string, unknown>;
      byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), accepted]);
      if (refsIn(connection).length === 0) continue;
      // Refused: the same connection with canaries the emulator does not know.
      const wrong = mapRefs(connection, (_ref, path) =>
        reference(`${type} refused ${path}`, canaryValue(`${type}-${path}`)),
      ) as Record<string, unknown>;
      refused.set(tenant, [...(refused.get(tenant) ?? []), wrong]);
    }
  }
  const extras = Object.values(canaryConnections).flatMap((make) =>
    make((label) => {
      if (label !== "postgres URL") return reference(label, canaryValue(label));
      // The URL is the secret; its password is a canary of its own (a leak may print only that part).
      const password = canaryValue("pg-url-password");
      canaries.set("postgres URL password", password);
      return reference(
        label,
        `postgres://mfasweep:${password}@127.0.0.1:${postgres.port}/tacticalrmm?sslmode=disable`,
      );
    }),
  );
  // The password connection of Tactical RMM names its secret inside `database`.
  const trmm = extras.find((c) => c.id === "trmm-password")!;
  (trmm.database as Record<string, unknown>).password = reference("tactical-rmm password", canaryValue("pg"));
  tenants = [
    ...demoPortfolio.tenants.map((t) => ({ id: t.id, name: t.name, connections: byTenant.get(t.id) ?? [] })),
    ...[...refused].map(([t, connections]) => ({ id: `refused-${t}`, name: `Refused ${t}`, connections })),
    { id: "canary-extras", name: "Canary extras", connections: extras },
  ].filter((t) => t.connections.length > 0);
  // Ticketing targets are connections too: their secrets are canaries, one target's are refused.
  const cw = {
    pub: canaryValue("cw-public"),
    priv: canaryValue("cw-private"),
    client: canaryValue("cw-client"),
  };
  const haloSecret = canaryValue("halo-secret");
  const jiraToken = canaryValue("jira-token");
  psa = {
    connectwise: await startConnectWiseEmulator({
      companyId: "msp",
      publicKey: cw.pub,
      privateKey: cw.priv,
      clientId: cw.client,
      companies: [250, 260, 270],
    }),
    halo: await startHaloEmulator({ clientId: "mfasweep", clientSecret: haloSecret, clients: [12, 13, 14] }),
    jira: await startJiraEmulator({
      email: "bot@msp.example",
      apiToken: jiraToken,
      projects: ["NW", "CD", "FL"],
    }),
  };
  const [nw, cd, fl] = demoPortfolio.tenants.map((t) => t.id) as [string, string, string];
  const ticketing = [
    {
      id: "cw",
      type: "connectwise",
      endpoint: `${psa.connectwise.url}${connectwiseBasePath}`,
      apiVersion: "2022.1",
      auth: {
        companyId: "msp",
        publicKey: reference("connectwise public key", cw.pub),
        privateKey: reference("connectwise private key", cw.priv),
        clientId: reference("connectwise client id", cw.client),
      },
      tenants: { [nw]: { companyId: 250 }, [cd]: { companyId: 260 }, [fl]: { companyId: 270 } },
    },
    {
      id: "halo",
      type: "halopsa",
      endpoint: psa.halo.url,
      auth: { clientId: "mfasweep", clientSecret: reference("halo client secret", haloSecret) },
      tenants: { [nw]: { clientId: 12 }, [cd]: { clientId: 13 }, [fl]: { clientId: 14 } },
    },
    {
      id: "jira",
      type: "jira",
      endpoint: psa.jira.url,
      auth: { email: "bot@msp.example", apiToken: reference("jira api token", jiraToken) },
      tenants: { [nw]: { projectKey: "NW" }, [cd]: { projectKey: "CD" }, [fl]: { projectKey: "FL" } },
    },
    {
      id: "jira-refused",
      type: "jira",
      endpoint: psa.jira.url,
      auth: {
        email: "bot@msp.example",
        apiToken: reference("jira refused token", canaryValue("jira-refused")),
      },
      tenants: { [nw]: { projectKey: "NW" } },
    },
  ];
  configFile = join(work.dir, "mfasweep.yaml");
  writeFileSync(configFile, configText(tenants, { store: { path: join(work.dir, "cli.db") }, ticketing }), {
    mode: 0o600,
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([
    ...demos.map((d) => d.close()),
    sshHost?.close(),
    postgres?.close(),
    duoApi?.close(),
    ...Object.values(psa ?? {}).map((e) => e.close()),
  ]);
  work.remove();
});

/** Every file the run wrote (databases with their WAL, exports, reports), but not the secret files. */
function writtenFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (path === secretsDir) return [];
    return statSync(path).isDirectory() ? writtenFiles(path) : [path];
  });
}

/** Where each canary (and anything shaped like a credential header) turns up. */
function leaks(texts: Map<string, string | Buffer>): string[] {
  const found: string[] = [];
  for (const [where, text] of texts) {
    const haystack = typeof text === "string" ? text : text.toString("latin1");
    for (const [label, value] of canaries) if (haystack.includes(value)) found.push(`${label} in ${where}`);
    const header = /\b(Bearer|SSWS|Basic)\s+[A-Za-z0-9+/=._~-]{12,}/.exec(haystack);
    if (header) found.push(`a credential header (${header[1]} …) in ${where}`);
  }
  return found;
}

function keep<T extends Pick<CliOutput, "stdout" | "stderr">>(where: string, run: T): T {
  outputs.set(`${where} stdout`, run.stdout);
  outputs.set(`${where} stderr`, run.stderr);
  return run;
}

describe("a canary secret for every connection type", () => {
  it("every provider that takes a secret gets a canary: from its demo, or from the table here", () => {
    const fromDemo = new Set(
      demos.flatMap((d) =>
        d.connections.filter((c) => refsIn(c.connection).length > 0).map((c) => String(c.connection.type)),
      ),
    );
    const uncovered = providers
      .filter((p) => takesSecrets(p.connectionSchema))
      .map((p) => p.type)
      .filter((type) => !fromDemo.has(type) && !(type in canaryConnections));
    expect(uncovered, "give these providers' demo an env: secret, or add them to canaryConnections").toEqual(
      [],
    );
    expect(canaries.size).toBeGreaterThan(10);
  });

  it("the leak finder finds a planted canary and a planted bearer header (the check can fail)", () => {
    const [label, value] = [...canaries][0]!;
    expect(leaks(new Map([["planted", `x ${value} y`]]))).toEqual([`${label} in planted`]);
    expect(leaks(new Map([["planted", "Authorization: Bearer abcdefghijklmnop"]]))).toHaveLength(1);
  });

  it("library: sweep, every output format, every export, doctor: no canary anywhere", async () => {
    const config = configOf(tenants);
    const log: string[] = [];
    const db = join(work.dir, "library.db");
    await withStore(db, async (store) => {
      const run = await recordedSweep(config, store, env, {
        onWarning: (m) => log.push(`warning: ${m}`),
        onProgress: (p) => log.push(JSON.stringify(p)),
      });
      const { report } = run.outcome;
      // The canaries were really used: accepted ones read their systems, refused ones were refused.
      const status = (tenant: string) => report.coverage.filter((c) => c.tenant === tenant);
      for (const t of demoPortfolio.tenants)
        for (const c of status(t.id))
          expect(c.status, `${t.id}/${c.connection}: ${c.reason}`).not.toBe("failed");
      const refusedCoverage = report.coverage.filter((c) => c.tenant.startsWith("refused-"));
      expect(refusedCoverage.length).toBeGreaterThanOrEqual(5);
      for (const c of refusedCoverage)
        expect(c.reason, `${c.tenant}/${c.connection}`).toMatch(/refused|^permission missing: /);
      const extras = new Map(status("canary-extras").map((c) => [c.connection, c]));
      expect(extras.get("ssh-password")?.status).not.toBe("failed");
      expect(
        extras
          .get("ssh-key")
          ?.gaps.map((g) => g.reason)
          .join(),
      ).toMatch(/private key could not be used/);
      expect(extras.get("trmm-url")?.reason).toMatch(/refused the login/);
      expect(extras.get("trmm-password")?.reason).toMatch(/refused the login/);
      expect(postgres.passwords).toEqual(expect.arrayContaining([canaries.get("tactical-rmm password")]));
      expect(log.join("\n")).toContain(`secret file ${looseSecretFile} is readable by group or others`);
      // The WAL is checkpointed away on close: keep a copy of it as it is now, to search it too.
      if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${db}-wal.copy`);

      outputs.set("sweep log", log.join("\n"));
      outputs.set("sweep outcome", JSON.stringify(run.outcome));
      for (const format of ["table", "json", "csv", "html"] as const)
        outputs.set(`scan report ${format}`, render(report, format, { color: true, width: 200, all: true }));
      const records = await recordsFromStore(store, {
        states: ["open", "ticketed", "reopened", "accepted", "resolved"],
      });
      expect(records.length).toBeGreaterThan(20);
      const flat = await storeRecords(store, records, { now: new Date() });
      outputs.set("export csv", findingRecordsCsv(flat));
      outputs.set("export json", findingRecordsJson(flat, new Date()));
      outputs.set("export ndjson", findingRecordsNdjson(flat));
      outputs.set("export ocsf", recordsToOcsf(records, new Date()));
    });
    const doctorLog: string[] = [];
    // Doctor keeps to each vendor's documented pace (Entra's Conditional Access: 1 request/s): tenants at once.
    const reports = (
      await Promise.all(
        config.tenants.map((t) =>
          doctor(config, { tenants: [t.id], env, onWarning: (m) => doctorLog.push(m) }),
        ),
      )
    ).flat();
    expect(reports.some((r) => r.checks.some((c) => !c.ok))).toBe(true);
    expect(doctorLog.join("\n")).toContain(`secret file ${looseSecretFile} is readable by group or others`);
    outputs.set("doctor", JSON.stringify(reports));
    outputs.set("doctor log", doctorLog.join("\n"));
  });

  it("CLI: sweep, scan (html), export (csv, ocsf), doctor: no canary in stdout, stderr or files; the loose secret file is warned about", async () => {
    const cliEnv = { ...env, NO_COLOR: "1" };
    const sweep = keep(
      "sweep",
      await inProcess(sweepCommand(), ["sweep", "--config", configFile, "--format", "json"], cliEnv),
    );
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain(
      `secret file ${looseSecretFile} is readable by group or others; chmod 600 it`,
    );
    expect(sweep.stdout).toMatch(/"refused-northwind"/);
    // Tickets from that queue, into three PSAs (and one whose token is refused).
    const tickets = keep(
      "tickets sync",
      await inProcess(ticketsCommand(), ["tickets", "sync", "--config", configFile], cliEnv),
    );
    expect(tickets.code).toBe(2);
    expect(tickets.stdout + tickets.stderr).toMatch(/jira-refused/);
    for (const [name, emulator] of Object.entries(psa ?? {})) {
      expect(emulator.tickets.length, name).toBeGreaterThan(0);
      outputs.set(`${name} tickets (bodies and notes)`, JSON.stringify(emulator.tickets));
    }
    for (const tenant of ["refused-northwind", "canary-extras", "northwind"]) {
      keep(
        `scan ${tenant}`,
        await inProcess(
          scanCommand(),
          [
            "scan",
            "--config",
            configFile,
            "--tenant",
            tenant,
            "--format",
            "html",
            "--output",
            join(work.dir, `${tenant}.html`),
          ],
          cliEnv,
        ),
      );
    }
    keep(
      "export ocsf",
      await inProcess(
        exportCommand(),
        ["export", "--config", configFile, "--format", "ocsf", "--output", join(work.dir, "items.ocsf.json")],
        cliEnv,
      ),
    );
    keep(
      "export csv",
      await inProcess(exportCommand(), ["export", "--config", configFile, "--format", "csv"], cliEnv),
    );
    const doctorRun = keep(
      "doctor",
      await inProcess(
        doctorCommand(),
        ["doctor", "--config", configFile, "--tenant", "refused-northwind"],
        cliEnv,
      ),
    );
    expect(doctorRun.code).toBe(2);
    expect(doctorRun.stdout).toMatch(/FAIL/);
    expect(doctorRun.stderr).toContain(`secret file ${looseSecretFile} is readable by group or others`);
    keep(
      "doctor json",
      await inProcess(
        doctorCommand(),
        ["doctor", "--config", configFile, "--tenant", "canary-extras", "--format", "json"],
        cliEnv,
      ),
    );
  });

  it("the CLI's main function with --debug (runMain): the error paths print no canary and no stack for refused credentials", async () => {
    const run = keep(
      "main --debug sweep",
      await runMain(["--debug", "sweep", "--config", configFile, "--store", join(work.dir, "debug.db")], {
        env: { ...env, HOME: work.dir },
      }),
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/failed: .*refused/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // A secret pasted into the config instead of a reference: refused, and the error never repeats it.
    const broken = join(secretsDir, "broken.yaml");
    const [name, value] = Object.entries(env)[0]!;
    writeFileSync(broken, readFileSync(configFile, "utf8").replace(`env:${name}\n`, `${value}\n`), {
      mode: 0o600,
    });
    const bad = keep(
      "main --debug config error",
      await runMain(["--debug", "doctor", "--config", broken], { env }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mfasweep: invalid configuration\n.*expected env:NAME or file:PATH/);
  });

  it("nothing the run wrote or printed holds a canary or a credential header (database and WAL included)", () => {
    const files = writtenFiles(work.dir);
    expect(files.some((f) => f.endsWith(".db"))).toBe(true);
    expect(files.some((f) => f.endsWith(".html"))).toBe(true);
    const texts = new Map<string, string | Buffer>(outputs);
    for (const file of files) texts.set(file, readFileSync(file));
    expect(outputs.size).toBeGreaterThan(15);
    expect(leaks(texts)).toEqual([]);
  });

  it("databases and written reports are readable by their owner only (0600)", () => {
    for (const file of writtenFiles(work.dir).filter((f) => /\.(db|html|json)$/.test(f)))
      expect((statSync(file).mode & 0o077).toString(8), file).toBe("0");
  });
});

describe("secrets inside the files mfasweep reads (config-only providers, from each demo)", () => {
  /** Known secret fields of the formats read: the value is replaced by a canary. */
  const secretFields: RegExp[] = [
    /^(\s*(?:PrivateKey|PresharedKey)\s*=\s*)(\S+)/gm, // WireGuard
    /^(\s*skey\s*=\s*)(\S+)/gm, // Duo's pam_duo.conf / login_duo.conf
    /(<(?:key|tls-crypt|tls-auth|secret|pkcs12)>\s*)([\s\S]*?)(?=\s*<\/)/g, // OpenVPN inline blocks
    /^(\s*(?:enable|username \S+) password\s+)(\S+)/gm, // Cisco ASA passwords (hashes, or masked)
    /^(\s*(?:ikev[12] (?:local-authentication |remote-authentication )?pre-shared-key|key)\s+)(\S+)/gm, // ASA keys
    /("(?:radiusServerSecret|sharedSecret|secret)"\s*:\s*")([^"]+)(?=")/g, // Azure exports (JSON)
  ];

  it("keys and shared secrets in them never reach the inventory or any output", async () => {
    const planted = new Map<string, string>();
    const restore: Array<[string, string]> = [];
    const texts = new Map<string, string>();
    try {
      for (const demo of demos) {
        for (const { tenant, connection } of demo.connections) {
          const files: string[] = [];
          const walk = (v: unknown) => {
            if (typeof v === "string" && v.startsWith("/") && existsSync(v)) {
              if (statSync(v).isFile()) files.push(v);
              else if (statSync(v).isDirectory()) for (const f of writtenFiles(v)) files.push(f);
            } else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
          };
          walk(connection);
          let changed = false;
          for (const file of files) {
            const original = readFileSync(file, "utf8");
            let text = original;
            for (const field of secretFields)
              text = text.replace(field, (_m, head: string) => {
                const value = canaryValue(`in-file-${basename(file)}`);
                planted.set(`${basename(file)} secret #${planted.size + 1}`, value);
                return `${head}${value}`;
              });
            if (text !== original) {
              restore.push([file, original]);
              writeFileSync(file, text);
              changed = true;
            }
          }
          if (!changed) continue;
          const config = configOf([{ id: tenant, name: tenant, connections: [connection] }]);
          const collected = await collectConnection(
            { id: tenant, name: tenant },
            config.tenants[0]!.connections[0]!,
            {
              quotas: new QuotaRegistry(false),
              env: demo.env,
              sleep: async () => {},
            },
          );
          texts.set(`${String(connection.type)} inventory and coverage`, JSON.stringify(collected));
        }
      }
      expect(planted.size, "secrets planted in the demos' files").toBeGreaterThanOrEqual(4);
      const found: string[] = [];
      for (const [where, text] of texts)
        for (const [label, value] of planted)
          if (text.includes(value)) {
            const at = text.indexOf(value);
            found.push(
              `${label} in ${where}: …${text.slice(Math.max(0, at - 120), at + value.length + 20)}…`,
            );
          }
      expect(found).toEqual([]);
    } finally {
      for (const [file, original] of restore) writeFileSync(file, original);
    }
  });
});
