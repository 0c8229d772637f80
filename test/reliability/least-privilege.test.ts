import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedTenant, seedUser, startEntraEmulator } from "../../providers/entra/emulator.js";
import { providers } from "../../providers/index.js";
import { allOktaScopes } from "../../providers/okta/api.js";
import { scenarioOrg, startOktaEmulator } from "../../providers/okta/emulator.js";
import { doctorCommand } from "../../src/cli/doctor.js";
import { isWritePermission, jwtClaims, leastPrivilegeCheck } from "../../src/collect/least-privilege.js";
import { doctor } from "../../src/doctor.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { inProcess } from "../helpers/cli.js";
import { rsaKeyPair } from "../providers/okta/harness.js";
import { configOf, configText, scratch } from "./harness.js";

/**
 * Issue #12, least privilege: `doctor` names the write permissions a credential holds but does not need,
 * where the credential shows them (Entra: the Graph token's `roles`/`scp` claims; Okta: the scopes the
 * OAuth token was granted). And every provider's README says what to grant, read-only.
 */

const work = scratch("mfsw-least-privilege-");
const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((e) => e.close()));
  work.remove();
});

/** An unsigned JWT with these claims (Graph's emulator accepts any token it was seeded with). */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ typ: "JWT", alg: "none" })}.${part({ aud: "https://graph.microsoft.com", ...claims })}.sig`;
}

describe("which permissions are writes", () => {
  it("Graph, Okta and generic names; whole words only", () => {
    for (const p of [
      "Directory.ReadWrite.All",
      "Mail.Send",
      "okta.users.manage",
      "Sites.FullControl.All",
      "User.Invite.All",
    ])
      expect(isWritePermission(p), p).toBe(true);
    for (const p of [
      "User.Read.All",
      "okta.users.read",
      "DeviceManagementManagedDevices.Read.All",
      "AuditLog.Read.All",
      "RoleManagement.Read.Directory",
    ])
      expect(isWritePermission(p), p).toBe(false);
  });

  it("reads JWT claims without trusting them, and refuses what is not a JWT", () => {
    expect(jwtClaims(jwt({ roles: ["A"] }))?.roles).toEqual(["A"]);
    for (const t of [
      "ya29.opaque",
      "a.b.c",
      "x.!!!.y",
      "",
      `${Buffer.from("1").toString("base64url")}.${Buffer.from("[1]").toString("base64url")}.s`,
    ])
      expect(jwtClaims(t)).toBeUndefined();
  });

  it("a warning, not a failure: ok stays true and excess names only unneeded writes", () => {
    const check = leastPrivilegeCheck({
      check: "x",
      granted: [
        "User.Read.All",
        "Mail.Read",
        "Directory.ReadWrite.All",
        "User.ReadWrite.All",
        "User.ReadWrite.All",
      ],
      needed: ["User.Read.All"],
      where: "the app",
    });
    expect(check).toMatchObject({ ok: true, excess: ["Directory.ReadWrite.All", "User.ReadWrite.All"] });
    expect(
      leastPrivilegeCheck({
        check: "x",
        granted: ["User.Read.All"],
        needed: ["User.Read.All"],
        where: "the app",
      }).excess,
    ).toBeUndefined();
  });
});

describe("doctor warns about write permissions", () => {
  it("Entra: the Graph token's roles claim holds ReadWrite permissions: named, with where to remove them", async () => {
    const broad = jwt({
      roles: ["User.Read.All", "Policy.Read.All", "Directory.ReadWrite.All", "Mail.Send"],
    });
    const narrow = jwt({ roles: ["User.Read.All", "Policy.Read.All", "AuditLog.Read.All"] });
    const emulator = await startEntraEmulator({
      tls: true,
      tenants: [
        seedTenant("broad.example", broad, { users: [seedUser("a@broad.example")] }),
        seedTenant("narrow.example", narrow, { users: [seedUser("a@narrow.example")] }),
      ],
    });
    running.push(emulator);
    const caBundle = join(work.dir, "entra-ca.pem");
    writeFileSync(caBundle, emulator.certificate ?? "", { mode: 0o600 });
    const connection = (tenantId: string, variable: string) => ({
      type: "entra",
      tenantId,
      endpoint: emulator.url,
      caBundle,
      auth: { method: "access-token", token: `env:${variable}` },
    });
    const tenants = [
      { id: "broad", name: "Broad", connections: [connection("broad.example", "BROAD_TOKEN")] },
      { id: "narrow", name: "Narrow", connections: [connection("narrow.example", "NARROW_TOKEN")] },
    ];
    const env = { BROAD_TOKEN: broad, NARROW_TOKEN: narrow };
    const reports = await doctor(configOf(tenants), { env });
    const check = (tenant: string) =>
      reports.find((r) => r.tenant === tenant)?.checks.find((c) => /roles\/scp/.test(c.check));
    expect(check("broad")).toMatchObject({
      ok: true,
      excess: ["Directory.ReadWrite.All", "Mail.Send"],
      detail: expect.stringMatching(
        /remove Directory\.ReadWrite\.All, Mail\.Send from the app registration's API permissions/,
      ),
    });
    expect(check("narrow")?.excess).toBeUndefined();
    expect(check("narrow")?.ok).toBe(true);

    // The CLI shows it as a warning with what to revoke; the exit code follows the checks, not the warning.
    const file = join(work.dir, "entra.yaml");
    writeFileSync(file, configText(tenants), { mode: 0o600 });
    const run = await inProcess(doctorCommand(), ["doctor", "--config", file, "--tenant", "broad"], env);
    expect(run.stdout).toMatch(
      / {2}warn permissions in the Graph access token \(roles\/scp claims\): .*\n {7}revoke: Directory\.ReadWrite\.All, Mail\.Send\n/,
    );
  });

  it("Okta: a service app whose token was granted a .manage scope", async () => {
    const keys = rsaKeyPair();
    const host = "acme.okta.example";
    const seed = {
      ...scenarioOrg(host, "00unused"),
      clients: [
        { clientId: "0oabroad", publicKey: keys.publicPem, scopes: [...allOktaScopes, "okta.users.manage"] },
      ],
    };
    const emulator = await startOktaEmulator({ orgs: [seed] });
    running.push(emulator);
    const connection = (scopes: string[]) => ({
      type: "okta",
      orgUrl: `https://${host}`,
      endpoint: emulator.url,
      auth: { method: "private-key", clientId: "0oabroad", privateKey: "env:OKTA_KEY", scopes },
    });
    const [broad, narrow] = await doctor(
      configOf([
        { id: "broad", name: "Broad", connections: [connection([...allOktaScopes, "okta.users.manage"])] },
        { id: "narrow", name: "Narrow", connections: [connection(allOktaScopes)] },
      ]),
      { env: { OKTA_KEY: keys.privatePem } },
    );
    const lp = (r: typeof broad) => r?.checks.find((c) => c.check === "scopes in the OAuth token");
    expect(lp(broad)).toMatchObject({ ok: true, excess: ["okta.users.manage"] });
    expect(lp(narrow)).toMatchObject({ ok: true });
    expect(lp(narrow)?.excess).toBeUndefined();
  });
});

describe("every provider's README says what to grant, read-only", () => {
  /** Permission names: dotted identifiers (Graph, Okta) and Google scope URLs. */
  const identifiers = (text: string) => [
    ...(text.match(/https:\/\/www\.googleapis\.com\/auth\/[\w.-]+/g) ?? []),
    ...(text.replace(/https:\/\/\S+/g, "").match(/\b[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*){2,}\b/g) ??
      []),
  ];

  it.each(providers.map((p) => [p.type, p] as const))("%s", (type, provider) => {
    const readme = new URL(`../../providers/${type}/README.md`, import.meta.url);
    expect(existsSync(readme), `providers/${type}/README.md`).toBe(true);
    const text = readFileSync(readme, "utf8");
    const section =
      /^(#+ .*(permissions|granting access).*|permissions:.*)$[\s\S]*?(?=^#+ |(?![\s\S]))/im.exec(text);
    expect(section, "a Permissions section (or a 'Permissions:' paragraph)").not.toBeNull();
    expect(provider.permissions.length).toBeGreaterThan(0);
    // Nothing that writes, neither in what doctor prints nor in the README's permissions section.
    for (const id of identifiers(provider.permissions.join("\n")))
      expect(isWritePermission(id), `${type} asks for ${id}`).toBe(false);
    for (const id of identifiers(section?.[0] ?? ""))
      expect(isWritePermission(id), `${type} README grants ${id}`).toBe(false);
  });
});
