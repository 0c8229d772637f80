import { definePolicy } from "../src/evaluate/policy.js";
import { duoWindowsLogon } from "../src/model/facts/duo.js";
import { type SettingJudgement, settingVerdicts } from "./helpers.js";

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
    return settingVerdicts(inventory, {
      kind: duoWindowsLogon,
      name: (d) => `Duo Windows Logon on ${d.host}`,
      judge: (data, name): SettingJudgement => {
        const where = data.failOpenFrom === "policy" ? " (set by Group Policy)" : "";
        if (data.failOpen === true)
          return {
            status: "fail",
            message: `${name} has FailOpen=1${where}: when the host cannot reach Duo, the Windows password alone signs in (bypassable)`,
          };
        if (data.failOpen === false)
          return {
            status: "pass",
            message: `${name} has FailOpen=0${where}: when Duo cannot be reached, logons are refused${data.offlineAvailable === true ? " unless completed with offline access (a Duo Mobile passcode or security key)" : ""}`,
          };
        return {
          status: "unknown",
          message:
            data.failOpen === null
              ? `${name}: FailOpen is not set in the export, and the installer's default depends on its version (fail open up to 4.2.2, fail closed from 4.3.0)`
              : `${name}: FailOpen holds a value that is neither 0 nor 1`,
        };
      },
    });
  },
});
