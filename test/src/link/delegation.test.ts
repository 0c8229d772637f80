import { describe, expect, it } from "vitest";
import { delegationLinker } from "../../../src/link/delegation.js";
import { link } from "../../../src/link/index.js";
import { type EntraFactData, entraFact, entraFactKinds } from "../../../src/model/facts/entra.js";
import type { AccessPath, Fact, TenantInventory } from "../../../src/model/index.js";
import { connection, entraInventory, seedUser } from "../../helpers/entra.js";
import { account, entryPoint, inventory } from "../../helpers/inventory.js";
import { applyLinker } from "../../helpers/link.js";

const alice = seedUser("alice@acme.example");
const bob = seedUser("bob@acme.example");
const appId = "11111111-2222-4333-8444-555555555555";
const entity = "https://vpn.acme.example/remote/saml/metadata";
const mfaForAll = {
  id: "p1",
  displayName: "MFA for everyone",
  state: "enabled",
  conditions: {
    users: { includeUsers: ["All"], excludeUsers: [bob.id] },
    applications: { includeApplications: ["All"] },
    clientAppTypes: ["all"],
  },
  grantControls: { operator: "OR", builtInControls: ["mfa"] },
};

type ServicePrincipalItem = EntraFactData<typeof entraFactKinds.servicePrincipals>["items"][number];

function spFact(items: ServicePrincipalItem[], status: "read" | "unavailable" = "read"): Fact {
  return entraFact(
    entraFactKinds.servicePrincipals,
    connection,
    { status, ...(status === "read" ? {} : { reason: "HTTP 403" }), items },
    [{ source: "entra", connection, endpoint: "GET /servicePrincipals" }],
  );
}

const sp = (fields: Partial<ServicePrincipalItem> = {}): ServicePrincipalItem => ({
  id: "sp1",
  appId,
  displayName: "VPN",
  servicePrincipalNames: [entity, appId],
  appRoleAssignmentRequired: false,
  accountEnabled: true,
  assignments: { status: "not-needed", principals: [] },
  ...fields,
});

const vpn = entryPoint({ id: "fgt:vpn", source: "fortigate", kind: "vpn", name: "fw SSL-VPN" });
const samlPath = (target = entity, targetSource: string | undefined = "entra"): AccessPath => ({
  id: "fgt:vpn/saml/sso",
  entryPoint: vpn.id,
  accounts: [],
  chain: { factors: [], delegation: { protocol: "saml", target, ...(targetSource ? { targetSource } : {}) } },
  mfa: {
    state: "unknown",
    strength: null,
    reason: "delegated, pending",
    evidence: [{ source: "fortigate", connection: "fortigate", field: "entity-id", value: target }],
  },
});

function tenantWith(extra: {
  facts?: Fact[];
  paths?: AccessPath[];
  accounts?: TenantInventory["accounts"];
}): TenantInventory {
  const base = entraInventory({ users: [alice, bob], policies: [mfaForAll] });
  return {
    ...base,
    accounts: [...base.accounts, ...(extra.accounts ?? [])],
    entryPoints: [
      ...base.entryPoints,
      vpn,
      entryPoint({ id: "ninja:console", source: "ninjaone", kind: "rmm-console" }),
    ],
    accessPaths: [...base.accessPaths, ...(extra.paths ?? [])],
    facts: [...base.facts, ...(extra.facts ?? [])],
  };
}

const vpnPaths = (inv: TenantInventory) => inv.accessPaths.filter((p) => p.entryPoint === vpn.id);

describe("delegation linker", () => {
  it("replaces an account-less SAML path by one path per user the Entra app lets in, with accountsFrom and via", () => {
    const linked = applyLinker(
      delegationLinker,
      tenantWith({ facts: [spFact([sp()])], paths: [samlPath()] }),
    );
    const paths = vpnPaths(linked);
    expect(paths.map((p) => p.id).sort()).toEqual(
      [`fgt:vpn/saml/sso/${alice.id}`, `fgt:vpn/saml/sso/${bob.id}`].sort(),
    );
    const a = paths.find((p) => p.accounts[0] === alice.id)!;
    expect(a.accountsFrom).toEqual({ source: "entra", connection });
    expect(a.mfa).toMatchObject({ state: "enforced", via: [`entra:${connection}:app/${appId}`] });
    expect(a.mfa.reason).toMatch(/assignment not required/);
    expect(a.mfa.evidence[0]).toMatchObject({ field: "entity-id" });
    const b = paths.find((p) => p.accounts[0] === bob.id)!;
    expect(["none", "optional"]).toContain(b.mfa.state);
  });

  it("is idempotent: linking again changes nothing", () => {
    const once = link(tenantWith({ facts: [spFact([sp()])], paths: [samlPath()] }));
    expect(link(once)).toEqual(once);
  });

  it("with assignment required: only assigned users (directly or through groups); unread assignments are unknown", () => {
    const assigned = sp({
      appRoleAssignmentRequired: true,
      assignments: { status: "read", principals: [{ id: alice.id, type: "user" }] },
    });
    expect(
      vpnPaths(
        applyLinker(delegationLinker, tenantWith({ facts: [spFact([assigned])], paths: [samlPath()] })),
      ).map((p) => p.accounts),
    ).toEqual([[alice.id]]);
    const unread = sp({
      appRoleAssignmentRequired: true,
      assignments: { status: "unavailable", reason: "HTTP 403", principals: [] },
    });
    const [path] = vpnPaths(
      applyLinker(delegationLinker, tenantWith({ facts: [spFact([unread])], paths: [samlPath()] })),
    );
    expect(path!.mfa).toMatchObject({ state: "unknown" });
    expect(path!.mfa.reason).toMatch(/who is assigned to Entra app 'VPN' could not be read \(HTTP 403\)/);
  });

  it("an assigned group Graph answered 404 for is one unknown path, never a group of nobody (#19 item 2)", () => {
    const groupId = "9d9d9d9d-0000-4000-8000-000000000001";
    const assigned = sp({
      appRoleAssignmentRequired: true,
      assignments: {
        status: "read",
        principals: [
          { id: alice.id, type: "user" },
          { id: groupId, type: "group" },
        ],
      },
    });
    const base = entraInventory({
      users: [alice, bob],
      policies: [mfaForAll],
      groups: [{ id: groupId, memberIds: [], status: "not-found" }],
    });
    const linked = applyLinker(delegationLinker, {
      ...base,
      entryPoints: [...base.entryPoints, vpn],
      accessPaths: [...base.accessPaths, samlPath()],
      facts: [...base.facts, spFact([assigned])],
    });
    const paths = vpnPaths(linked);
    expect(paths.map((p) => p.accounts)).toEqual([[alice.id], []]);
    const unread = paths.find((p) => p.id.endsWith(`/group/${groupId}`))!;
    expect(unread.mfa.state).toBe("unknown");
    expect(unread.mfa.reason).toContain(
      `members of assigned group ${groupId} could not be read (not found (HTTP 404))`,
    );
  });

  it("an app id target (Azure VPN audience) is found by appId", () => {
    const linked = applyLinker(
      delegationLinker,
      tenantWith({ facts: [spFact([sp()])], paths: [samlPath(appId)] }),
    );
    expect(vpnPaths(linked)).toHaveLength(2);
  });

  it("never enforced when the app or the target system cannot be found: unknown with the exact reason", () => {
    const cases: Array<[Fact[], AccessPath, RegExp]> = [
      [
        [spFact([sp()])],
        samlPath("https://other/saml"),
        /no enterprise app has the identifier 'https:\/\/other\/saml'/,
      ],
      [[spFact([], "unavailable")], samlPath(), /enterprise apps could not be read \(HTTP 403\)/],
      [[], samlPath(), /enterprise apps were not collected/],
      [
        [spFact([sp()])],
        samlPath(entity, "okta"),
        /delegated to Okta, but this tenant has no okta connection/,
      ],
      [[spFact([sp()])], samlPath(entity, "duo"), /delegated to duo, which no linker resolves/],
    ];
    for (const [facts, path, reason] of cases) {
      const [out, ...rest] = vpnPaths(applyLinker(delegationLinker, tenantWith({ facts, paths: [path] })));
      expect(rest).toEqual([]);
      expect(out!.mfa.state).toBe("unknown");
      expect(out!.mfa.reason).toMatch(reason);
      expect(out!.mfa.evidence.length).toBeGreaterThan(0);
    }
  });

  it("an RMM SSO account keeps its path and takes its IdP user's verdict, matched by email", () => {
    const tech = account({
      id: "7",
      source: "ninjaone",
      name: "Alice",
      email: "ALICE@acme.example",
      kind: "technician",
    });
    const stranger = account({
      id: "8",
      source: "ninjaone",
      name: "Zed",
      email: "zed@acme.example",
      kind: "technician",
    });
    const rmm = (id: string, target: string): AccessPath => ({
      id: `ninja:console/${id}`,
      entryPoint: "ninja:console",
      accounts: [id],
      chain: { factors: [], delegation: { protocol: "saml", target, targetSource: "entra" } },
      mfa: {
        state: "unknown",
        strength: null,
        reason: "SSO",
        evidence: [{ source: "ninjaone", connection: "ninjaone", field: "authType", value: "SSO" }],
      },
    });
    const linked = applyLinker(
      delegationLinker,
      tenantWith({
        facts: [spFact([sp()])],
        accounts: [tech, stranger],
        paths: [rmm("7", "https://app.ninjarmm.com"), rmm("8", entity)],
      }),
    );
    const byId = new Map(linked.accessPaths.map((p) => [p.id, p]));
    const viaAll = byId.get("ninja:console/7")!;
    expect(viaAll.accounts).toEqual(["7"]);
    expect(viaAll.accountsFrom).toBeUndefined();
    expect(viaAll.mfa).toMatchObject({ state: "enforced", via: [`entra:${connection}:all-apps`] });
    expect(viaAll.mfa.reason).toMatch(/app not identified; the IdP's all-apps policy applied/);
    const noUser = byId.get("ninja:console/8")!;
    expect(noUser.mfa).toMatchObject({ state: "unknown" });
    expect(noUser.mfa.reason).toMatch(/no Microsoft Entra ID user zed@acme.example/);
  });

  it("RADIUS: a malformed NPS settings fact, or a path of named accounts, is unknown with the reason", () => {
    const radius = (accounts: string[]): AccessPath => ({
      ...samlPath(),
      id: `fgt:vpn/radius${accounts.length}`,
      accounts,
      chain: { factors: ["password"], delegation: { protocol: "radius", target: "10.0.0.9" } },
    });
    const malformed: Fact = {
      kind: "nps-extension.settings",
      id: "nps:x",
      source: "nps-extension",
      connection: "nps",
      data: { entryPoint: "elsewhere", server: "nps01", radiusAddresses: ["10.0.0.9"] },
      evidence: [],
    };
    const wellFormed: Fact = {
      ...malformed,
      data: {
        entryPoint: "elsewhere",
        frontEnd: "rras",
        server: "nps01",
        file: "nps.reg",
        requireUserMatch: { value: true, raw: null, line: null },
        ipWhitelist: { entries: [], raw: null, line: null },
        alternateLoginId: null,
        nasAddresses: [],
        radiusAddresses: ["10.0.0.9"],
      },
    };
    // A fact that does not match the schema is not taken for an NPS extension at all.
    const [bad] = vpnPaths(
      applyLinker(delegationLinker, tenantWith({ facts: [malformed], paths: [radius([])] })),
    );
    expect(bad!.mfa).toMatchObject({ state: "unknown" });
    expect(bad!.mfa.reason).toMatch(/MFA depends on the RADIUS server/);
    // The NPS provider's own front end with a malformed fact: unknown, naming the schema problem.
    const own: AccessPath = {
      ...radius([]),
      chain: {
        factors: ["password"],
        delegation: { protocol: "radius", target: "nps-extension", targetSource: "entra" },
      },
    };
    const [ownBad] = vpnPaths(
      applyLinker(
        delegationLinker,
        tenantWith({ facts: [{ ...malformed, data: { entryPoint: vpn.id } }], paths: [own] }),
      ),
    );
    expect(ownBad!.mfa).toMatchObject({ state: "unknown" });
    expect(ownBad!.mfa.reason).toMatch(/nps-extension\.settings fact is malformed/);
    const [named] = vpnPaths(
      applyLinker(delegationLinker, tenantWith({ facts: [wellFormed], paths: [radius(["x"])] })),
    );
    expect(named!.mfa).toMatchObject({ state: "unknown" });
    expect(named!.mfa.reason).toMatch(/named accounts are not matched to Entra users/);
    const perUser = vpnPaths(
      applyLinker(delegationLinker, tenantWith({ facts: [wellFormed], paths: [radius([])] })),
    );
    expect(perUser.map((p) => p.accounts[0]).sort()).toEqual([alice.id, bob.id].sort());
  });

  it("leaves LDAP delegations and already-judged paths alone", () => {
    const ldap: AccessPath = {
      ...samlPath(),
      chain: { factors: [], delegation: { protocol: "ldap", target: "dc1" } },
    };
    const judged: AccessPath = { ...samlPath(), id: "judged", mfa: { ...samlPath().mfa, state: "none" } };
    const inv = inventory({ entryPoints: [vpn], accessPaths: [ldap, judged] });
    expect(applyLinker(delegationLinker, inv).accessPaths).toEqual([ldap, judged]);
  });
});
