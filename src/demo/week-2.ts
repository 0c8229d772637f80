import type { EntraTenantSeed } from "../../providers/entra/emulator.js";
import {
  type GoogleTenantSeed,
  seedUser as googleUser,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";
import type { DemoRevision } from "../collect/provider.js";
import { appendAll } from "../util/arrays.js";

/**
 * What happened at the demo's customers in the week after the first sweep (`demo --week 2`): a small,
 * named set of changes to the week-1 seeds, so a second sweep shows what a sweep reports. Each change is
 * what an administrator did; what the sweep makes of it follows from the policies, not from here.
 */
export interface WeekChange extends DemoRevision {
  kind: "fix" | "regression" | "new account";
  /** What changed, in the words of the customer's administrator. */
  what: string;
}

function change<Seed>(
  provider: string,
  tenant: string,
  kind: WeekChange["kind"],
  what: string,
  revise: (seed: Seed) => void,
): WeekChange {
  // The provider's demo hands over its own seed type; the test of week 2 proves every change lands.
  return { provider, tenant, kind, what, revise: (seed) => revise(seed as Seed) };
}

function googleAccount(seed: GoogleTenantSeed, email: string) {
  const user = seed.users.find((u) => u.primaryEmail === email);
  if (!user) throw new Error(`demo week 2: no Google account ${email}`);
  return user;
}

export const weekTwo: WeekChange[] = [
  change<GoogleTenantSeed>(
    "google-workspace",
    "northwind",
    "fix",
    "helpdesk@northwind.example enrolled in 2-Step Verification (already enforced for the account)",
    (seed) => {
      googleAccount(seed, "helpdesk@northwind.example").isEnrolledIn2Sv = true;
    },
  ),
  change<EntraTenantSeed>(
    "entra",
    "northwind",
    "fix",
    "j.leverling@northwind.example registered Microsoft Authenticator, so the MFA policy can challenge her",
    (seed) => {
      const user = seed.users.find((u) => u.userPrincipalName === "j.leverling@northwind.example");
      if (!user) throw new Error("demo week 2: no Entra user j.leverling@northwind.example");
      user.methodsRegistered = ["microsoftAuthenticatorPush"];
    },
  ),
  change<GoogleTenantSeed>(
    "google-workspace",
    "fabrikam-legal",
    "regression",
    "Fabrikam Legal's /Staff organizational unit got its own 2-Step Verification setting, enforcement off, for a filing deadline",
    (seed) => {
      const staff = seed.orgUnits.find((o) => o.orgUnitPath === "/Staff");
      if (!staff) throw new Error("demo week 2: no Google organizational unit /Staff at fabrikam-legal");
      appendAll(seed.policies, twoStepPolicies(staff.orgUnitId, { allowEnrollment: true }));
      // The Directory API reports each user's effective enforcement, which the OU setting now turns off.
      googleAccount(seed, "paralegal@fabrikam-legal.example").isEnforcedIn2Sv = false;
    },
  ),
  change<GoogleTenantSeed>(
    "google-workspace",
    "contoso-dental",
    "new account",
    "Contoso Dental hired a hygienist: hygienist@contoso-dental.example, no 2-Step Verification yet",
    (seed) => {
      seed.users.push(googleUser("hygienist@contoso-dental.example", { orgUnitPath: "/Front Desk" }));
    },
  ),
];
