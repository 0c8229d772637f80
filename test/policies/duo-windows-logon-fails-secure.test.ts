import policy from "../../policies/duo-windows-logon-fails-secure.js";
import { typicalWindowsLogonValues, windowsLogonExport } from "../../providers/duo/emulator.js";
import { unreadWindowsLogonFact, windowsLogonFact } from "../../providers/duo/transform.js";
import { windowsLogonSettings } from "../../providers/duo/windows-logon.js";
import { duoWindowsLogon } from "../../src/model/facts/duo.js";
import { decodeText } from "../../src/util/text-file.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ctx = { connection: "duo", apiHost: "api-9f8e7d6c.duosecurity.com" };

/** The inventory of one host whose export holds these installer (and Group Policy) values. */
function host(local: Record<string, string | number>, gpo?: Record<string, string | number>) {
  const settings = windowsLogonSettings(
    decodeText(windowsLogonExport(typicalWindowsLogonValues(local), gpo)).text,
    "rdsh01.reg",
  );
  if ("error" in settings) throw new Error(settings.error);
  return inventory({ facts: [windowsLogonFact(ctx, "rdsh01", settings)] });
}

// Duo: "Bypass Duo authentication when offline" (FailOpen) lets the Windows logon continue without Duo when
// the service cannot be contacted; a Group Policy value overrides the installer's; offline access is MFA.
testPolicy(policy, {
  pass: [
    { name: "FailOpen=0", inventory: host({ FailOpen: 0 }), message: ["FailOpen=0", "refused"] },
    {
      name: "FailOpen=1 locally but 0 by Group Policy (GPO wins)",
      inventory: host({ FailOpen: 1 }, { FailOpen: 0 }),
      message: ["FailOpen=0", "Group Policy"],
    },
    {
      name: "FailOpen=0 with offline access: offline access still asks for a factor",
      inventory: host({ FailOpen: 0, OfflineAvailable: 1 }),
      message: ["offline access"],
    },
  ],
  fail: [
    {
      name: "FailOpen=1: the Windows password alone when Duo is unreachable",
      inventory: host({ FailOpen: 1 }),
      severity: "high",
      message: ["FailOpen=1", "password alone", "bypassable"],
    },
    {
      name: "FailOpen=0 locally but 1 by Group Policy",
      inventory: host({ FailOpen: 0 }, { FailOpen: 1 }),
      severity: "high",
      message: ["FailOpen=1", "Group Policy"],
    },
  ],
  unknown: [
    {
      name: "FailOpen not set: the default depends on the version",
      inventory: host({}),
      message: ["not set"],
    },
    { name: "FailOpen neither 0 nor 1", inventory: host({ FailOpen: 7 }), message: ["neither 0 nor 1"] },
    {
      name: "the export was not read",
      inventory: inventory({
        facts: [unreadWindowsLogonFact(ctx, "rdsh01", "rdsh01.reg", "cannot read (ENOENT)")],
      }),
      message: ["was not read", "ENOENT"],
    },
  ],
});

testAbsentFacts(policy, duoWindowsLogon);
