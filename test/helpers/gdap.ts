import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  allPermissions,
  type EntraTenantSeed,
  guid,
  seedGroup,
  seedTenant,
  seedUser,
  startEntraEmulator,
} from "../../providers/entra/emulator.js";
import { partnerRelationships } from "../../providers/entra/gdap-emulator.js";
import type { SeedConsentedApp } from "../../providers/entra/login-emulator.js";
import type { FaultRule, RunningEmulator } from "../../src/emulator/server.js";

/**
 * A partner (MSP) tenant and its customers on one Entra emulator: the MSP's multi-tenant app consented in
 * each tenant (client-credentials sign-in), and GDAP relationships with one customer per case: least
 * privilege through a group, Global Administrator (auto-extending), expired, no access assignment.
 */
export const mspApp = { clientId: guid("app:mfasweep-msp"), secret: "msp-app-secret" };

/** What mfasweep reads (application permissions), as the emulator's tenants grant them. */
const readPermissions = allPermissions.filter((p) => p !== "DelegatedAdminRelationship.Read.All");

export interface Partner {
  emulator: RunningEmulator;
  caBundle: string;
  msp: EntraTenantSeed;
  customers: {
    leastPrivileged: EntraTenantSeed;
    globalAdmin: EntraTenantSeed;
    expired: EntraTenantSeed;
    unassigned: EntraTenantSeed;
  };
  names: Record<"leastPrivileged" | "globalAdmin" | "expired" | "unassigned", string>;
  groups: { helpdesk: string; admins: string };
  env: Record<string, string>;
}

function consented(permissions: string[]): SeedConsentedApp[] {
  return [{ ...mspApp, permissions }];
}

export async function startPartner(
  options: {
    faults?: FaultRule[];
    /** Permissions of the MSP app in its own tenant (default: everything incl. GDAP reads). */
    mspPermissions?: string[];
    /** Change a seed before the emulator starts (a group that no longer exists, a consent withdrawn). */
    edit?: (p: Omit<Partner, "emulator" | "caBundle" | "env">) => void;
  } = {},
): Promise<Partner> {
  const names = {
    leastPrivileged: "Northwind Traders",
    globalAdmin: "Fabrikam Legal",
    expired: "Adventure Works",
    unassigned: "Contoso Dental",
  };
  const customer = (domain: string, permissions: string[]) =>
    seedTenant(domain, `unused-${domain}`, {
      tokens: [],
      apps: consented(permissions),
      users: [seedUser(`owner@${domain}`, { methodsRegistered: ["fido2"] })],
    });
  const customers = {
    leastPrivileged: customer("northwind.example", readPermissions),
    // Consented with one permission more than mfasweep reads (doctor calls it excessive).
    globalAdmin: customer("fabrikam.example", [...readPermissions, "User.ReadWrite.All"]),
    expired: customer("adventure-works.example", readPermissions),
    // Consented without the registration report's permission (doctor calls it missing).
    unassigned: customer(
      "contoso-dental.example",
      readPermissions.filter((p) => p !== "AuditLog.Read.All"),
    ),
  };
  const agent = seedUser("s.patel@msp.example", { methodsRegistered: ["microsoftAuthenticatorPush"] });
  const admin = seedUser("d.okafor@msp.example", { methodsRegistered: ["fido2"] });
  const helpdesk = seedGroup("GDAP Helpdesk Agents", [agent.id]);
  const admins = seedGroup("GDAP Admins", [admin.id]);
  const groups = { helpdesk: helpdesk.id, admins: admins.id };
  const ref = (k: keyof typeof customers) => ({ tenantId: customers[k].tenantId, displayName: names[k] });
  const msp = seedTenant("msp.example", "unused-msp", {
    tokens: [],
    apps: consented(options.mspPermissions ?? allPermissions),
    users: [agent, admin],
    groups: [helpdesk, admins],
    gdap: partnerRelationships(
      {
        leastPrivileged: ref("leastPrivileged"),
        globalAdmin: ref("globalAdmin"),
        expired: ref("expired"),
        unassigned: ref("unassigned"),
      },
      groups,
    ),
  });
  options.edit?.({ msp, customers, names, groups });
  const emulator = await startEntraEmulator({
    tenants: [msp, ...Object.values(customers)],
    faults: options.faults,
  });
  const dir = mkdtempSync(join(tmpdir(), "mfasweep-gdap-"));
  const caBundle = join(dir, "emulator-ca.pem");
  writeFileSync(caBundle, emulator.certificate ?? "");
  return { emulator, caBundle, msp, customers, names, groups, env: { MSP_APP_SECRET: mspApp.secret } };
}

/** The MSP's own Entra connection, signing in as the multi-tenant app. */
export function mspConnection(p: Partner): Record<string, unknown> {
  return {
    type: "entra",
    id: "entra",
    tenantId: p.msp.tenantId,
    endpoint: p.emulator.url,
    authorityHost: p.emulator.url,
    caBundle: p.caBundle,
    auth: { method: "client-secret", clientId: mspApp.clientId, secret: "env:MSP_APP_SECRET" },
  };
}
