import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";

/** The `duo.windows-logon` fact (validated with the policy's own schema). */
const WindowsLogonFact = z.union([
  z.object({ host: z.string(), file: z.string(), unread: z.string() }),
  z.object({
    host: z.string(),
    file: z.string(),
    failOpen: z.union([z.boolean(), z.null(), z.literal("unknown")]),
    failOpenFrom: z.enum(["policy", "local"]).nullable(),
    offlineAvailable: z.union([z.boolean(), z.null(), z.literal("unknown")]),
  }),
]);

export default definePolicy({
  meta: {
    id: "duo-windows-logon-fails-secure",
    title: "Duo for Windows Logon fails closed (FailOpen=0)",
    severity: "high",
    sources: ["duo"],
    subject: "setting",
    rationale:
      'Duo for Windows Logon with fail open ("Bypass Duo authentication when offline") lets the Windows password alone through whenever the host cannot reach Duo: blocking the host\'s outbound HTTPS turns RDP and console logons into password-only logins.',
    evidence:
      "Registry export of HKLM\\SOFTWARE\\Duo Security\\DuoCredProv and HKLM\\SOFTWARE\\Policies\\Duo Security\\DuoCredProv (a Group Policy value wins): the FailOpen value with its line.",
    remediation:
      "Set FailOpen to 0 (the Group Policy setting for fail mode, or the DuoCredProv registry value), and enable offline access if users must log on while Duo is unreachable: offline access still asks for a Duo Mobile passcode or security key.",
    references: [
      { title: "Duo Authentication for Windows Logon and RDP", url: "https://duo.com/docs/rdp" },
      { title: "Duo for Windows Logon FAQ", url: "https://duo.com/docs/rdp-faq" },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    return inventory.facts.flatMap((fact): Verdict[] => {
      if (fact.kind !== "duo.windows-logon" || fact.source !== "duo") return [];
      const parsed = WindowsLogonFact.safeParse(fact.data);
      const name = parsed.success ? `Duo Windows Logon on ${parsed.data.host}` : fact.id;
      const base = {
        subject: {
          kind: "setting" as const,
          id: fact.id,
          name,
          source: fact.source,
          connection: fact.connection,
        },
        mfa: null,
        evidence: fact.evidence,
      };
      if (!parsed.success)
        return [
          {
            ...base,
            status: "unknown",
            message: `${name}: the Windows Logon fact does not match its schema`,
          },
        ];
      const data = parsed.data;
      if ("unread" in data)
        return [
          { ...base, status: "unknown", message: `${name}: ${data.file} was not read (${data.unread})` },
        ];
      const where = data.failOpenFrom === "policy" ? " (set by Group Policy)" : "";
      if (data.failOpen === true)
        return [
          {
            ...base,
            status: "fail",
            message: `${name} has FailOpen=1${where}: when the host cannot reach Duo, the Windows password alone signs in (bypassable)`,
          },
        ];
      if (data.failOpen === false)
        return [
          {
            ...base,
            status: "pass",
            message: `${name} has FailOpen=0${where}: when Duo cannot be reached, logons are refused${data.offlineAvailable === true ? " unless completed with offline access (a Duo Mobile passcode or security key)" : ""}`,
          },
        ];
      return [
        {
          ...base,
          status: "unknown",
          message:
            data.failOpen === null
              ? `${name}: FailOpen is not set in the export, and the installer's default depends on its version (fail open up to 4.2.2, fail closed from 4.3.0)`
              : `${name}: FailOpen holds a value that is neither 0 nor 1`,
        },
      ];
    });
  },
});
