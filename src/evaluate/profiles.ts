import { z } from "zod";
import type { Severity } from "../model/index.js";

/**
 * Baselines an MSP picks per tenant (issue #13). A profile sets, per policy, whether it runs, its
 * severity and its options; a tenant's own `policies:` overrides come on top and are shown in every
 * report, so nobody can quietly weaken the bar.
 */
export interface PolicySetting {
  enabled?: boolean;
  severity?: Severity;
  options?: Record<string, unknown>;
}

export interface Profile {
  name: ProfileName;
  description: string;
  policies: Record<string, PolicySetting>;
}

export const ProfileName = z.enum(["standard", "strict", "msp-self"]);
export type ProfileName = z.infer<typeof ProfileName>;

/** Policies that judge the MSP's delegated access (GDAP): only under the msp-self profile. */
const mspSelfOnly: Record<string, PolicySetting> = {
  "gdap-no-global-administrator": { enabled: false },
  "gdap-access-through-groups": { enabled: false },
};

export const profiles: Record<ProfileName, Profile> = {
  standard: {
    name: "standard",
    description:
      "MFA everywhere; SMS, voice and email codes are accepted for users but reported as weak; an administrator needs at least an authenticator app (push or one-time code): an administrator whose weakest accepted factor is SMS, voice or email is critical. Phishing-resistant MFA for administrators is a strict matter.",
    policies: {
      ...mspSelfOnly,
      "mfa-factor-strength-sufficient": { options: { default: "weak", admin: "app", byEntryPoint: {} } },
      "entra-admin-phishing-resistant-mfa-enforced": { options: { required: "app" } },
    },
  },
  strict: {
    name: "strict",
    description:
      "Phishing-resistant MFA for administrators and remote access (VPN, RMM, remote support, RD gateways); SMS, voice and email codes fail; SSH needs a hardware-backed key or key plus one-time code.",
    policies: {
      ...mspSelfOnly,
      "mfa-factor-strength-sufficient": {
        severity: "high",
        options: {
          default: "app",
          admin: "phishing-resistant",
          byEntryPoint: {
            vpn: "phishing-resistant",
            "rmm-console": "phishing-resistant",
            "remote-support": "phishing-resistant",
            "rd-gateway": "phishing-resistant",
            ssh: "app",
          },
        },
      },
      "entra-admin-phishing-resistant-mfa-enforced": { options: { required: "phishing-resistant" } },
    },
  },
  "msp-self": {
    name: "msp-self",
    description:
      "For the MSP's own tenant (AA22-131A): every account that can reach customers must have phishing-resistant MFA enforced; everything strict demands, with severities raised.",
    policies: {
      "mfa-factor-strength-sufficient": {
        severity: "critical",
        options: { default: "phishing-resistant", admin: "phishing-resistant", byEntryPoint: { ssh: "app" } },
      },
      "entra-admin-phishing-resistant-mfa-enforced": { options: { required: "phishing-resistant" } },
    },
  },
};

/** Where a tenant's settings for one policy came from, for the report. */
export interface AppliedOverride {
  policy: string;
  change: string;
  source: "profile" | "tenant";
}

export interface TenantPolicyOverrides {
  disable?: string[];
  severity?: Record<string, Severity>;
  options?: Record<string, Record<string, unknown>>;
}

/** Profile settings, then the tenant's overrides; each tenant override is listed so reports can show it. */
export function resolvePolicySettings(
  profile: ProfileName,
  overrides: TenantPolicyOverrides | undefined,
): { settings: Map<string, PolicySetting>; applied: AppliedOverride[] } {
  const settings = new Map<string, PolicySetting>(
    Object.entries(profiles[profile].policies).map(([id, s]) => [id, { ...s }]),
  );
  const applied: AppliedOverride[] = [];
  const edit = (id: string) => settings.get(id) ?? settings.set(id, {}).get(id)!;
  for (const id of overrides?.disable ?? []) {
    edit(id).enabled = false;
    applied.push({ policy: id, change: "disabled", source: "tenant" });
  }
  for (const [id, severity] of Object.entries(overrides?.severity ?? {})) {
    edit(id).severity = severity;
    applied.push({ policy: id, change: `severity ${severity}`, source: "tenant" });
  }
  for (const [id, options] of Object.entries(overrides?.options ?? {})) {
    const setting = edit(id);
    setting.options = { ...setting.options, ...options };
    applied.push({ policy: id, change: `options ${JSON.stringify(options)}`, source: "tenant" });
  }
  return { settings, applied };
}
