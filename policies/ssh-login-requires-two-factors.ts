import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";

const Options = z.strictObject({
  /**
   * Count a FIDO security key with user verification (sk-* key, verify-required: possession plus PIN or
   * biometric) as two factors on its own, as NIST SP 800-63B does for multi-factor cryptographic devices.
   */
  acceptVerifiedSecurityKeys: z.boolean(),
});
type Options = z.infer<typeof Options>;

export default definePolicy<Options>({
  meta: {
    id: "ssh-login-requires-two-factors",
    title: "Every SSH login needs two independent factors, from every source address",
    severity: "high",
    sources: ["ssh"],
    subject: "access-path",
    rationale:
      "An SSH server that accepts a key alone, a password alone, or lets a PAM switch (nullok, Duo failmode=safe, a sufficient module before the OTP) skip the code is a way into the customer's network with one stolen secret. AA22-131A asks MSPs to enforce MFA on remote access and on every account that reaches customer environments; Match blocks often exempt a user or an 'internal' range, which attackers on that range inherit.",
    evidence:
      "sshd -T -C for each principal and each source range named in Match blocks (AuthenticationMethods, PubkeyAuthentication, PasswordAuthentication, KbdInteractiveAuthentication, PermitRootLogin, UsePAM), the PAM auth stack of /etc/pam.d/sshd with its includes, and /etc/duo/*.conf, each cited by file and line.",
    remediation:
      "Set AuthenticationMethods publickey,keyboard-interactive (or publickey,password) with KbdInteractiveAuthentication yes and a PAM auth stack whose OTP module has no nullok and no sufficient module or pam_permit before it; set Duo's failmode = secure; remove Match blocks that relax AuthenticationMethods for users or address ranges; enroll every user before enforcing.",
    references: [
      { title: "sshd_config(5): AuthenticationMethods, Match", url: "https://man.openbsd.org/sshd_config" },
      {
        title: "google-authenticator-libpam: nullok and PAM stacking",
        url: "https://github.com/google/google-authenticator-libpam",
      },
      { title: "Duo Unix: failmode", url: "https://duo.com/docs/duounix" },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  options: Options,
  defaultOptions: { acceptVerifiedSecurityKeys: true },
  evaluate({ inventory, options }) {
    const entryPoints = new Map(
      inventory.entryPoints.filter((e) => e.source === "ssh" && e.kind === "ssh").map((e) => [e.id, e]),
    );
    const accounts = new Map(
      inventory.accounts.filter((a) => a.source === "ssh").map((a) => [`${a.connection}\u0000${a.id}`, a]),
    );
    return inventory.accessPaths.flatMap((path): Verdict[] => {
      const entryPoint = entryPoints.get(path.entryPoint);
      if (!entryPoint) return [];
      const members = path.accounts.flatMap(
        (id) => accounts.get(`${entryPoint.connection}\u0000${id}`) ?? [],
      );
      const admin = members.some((a) => a.admin.isAdmin === true);
      const subject = {
        kind: "access-path" as const,
        id: path.id,
        name: members.length === 1 ? members[0]!.name : `${entryPoint.name} (all accounts)`,
        source: entryPoint.source,
        connection: entryPoint.connection,
      };
      const mfa = { state: path.mfa.state, strength: path.mfa.strength };
      const base = { subject, mfa, evidence: path.mfa.evidence };
      const onlyVerifiedKey =
        path.chain.factors.length === 1 && path.chain.factors[0] === "security-key-verified";
      switch (path.mfa.state) {
        case "enforced":
          if (onlyVerifiedKey && !options.acceptVerifiedSecurityKeys) {
            return [
              {
                ...base,
                status: "fail",
                severity: "medium",
                message: `${path.mfa.reason}; this tenant does not count a verified security key as two factors`,
              },
            ];
          }
          return [{ ...base, status: "pass", message: path.mfa.reason }];
        case "unknown":
          return [{ ...base, status: "unknown", message: path.mfa.reason }];
        case "bypassable":
          return [{ ...base, status: "fail", severity: admin ? "high" : "medium", message: path.mfa.reason }];
        default: {
          // No factor at all (an empty password) is as bad as an administrator's single factor.
          const noFactor = path.chain.factors.length === 1 && path.chain.factors[0] === "none";
          return [
            {
              ...base,
              status: "fail",
              severity: admin || noFactor ? "critical" : "high",
              message: path.mfa.reason,
            },
          ];
        }
      }
    });
  },
});
