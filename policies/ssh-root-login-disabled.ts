import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { sshRootLogin } from "../src/model/facts/ssh.js";
import type { Evidence } from "../src/model/index.js";
import { appendAll } from "../src/util/arrays.js";
import { entryPointSubject, sshHostFact, unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "ssh-root-login-disabled",
    title: "SSH refuses root logins, or lets root in only with two factors",
    severity: "high",
    sources: ["ssh"],
    subject: "entry-point",
    rationale:
      "root is the same account name on every host and owns everything on it; one stolen key or password is enough when sshd lets root in with a single factor. PermitRootLogin prohibit-password (the OpenSSH default, also spelt without-password) still lets root in with a key alone, and keyboard-interactive via PAM can bypass it (sshd_config's own comment).",
    evidence:
      "Effective PermitRootLogin for the uid-0 account from each source range (sshd -T -C user=root,…), root's login shell, and the MFA verdict of root's access paths.",
    remediation:
      "Set PermitRootLogin no (in the global section and in every Match block), give administrators named accounts that log in with two factors and use sudo; where root must log in (backups), restrict it to forced commands from one source address and require two factors there.",
    references: [
      {
        title: "sshd_config(5): PermitRootLogin",
        url: "https://man.openbsd.org/sshd_config#PermitRootLogin",
      },
      {
        title: "CIS Distribution Independent Linux Benchmark: Ensure SSH root login is disabled",
        url: "https://www.cisecurity.org/benchmark/distribution_independent_linux",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const paths = new Map(inventory.accessPaths.map((p) => [p.id, p]));
    const hosts = inventory.entryPoints.filter((e) => e.source === "ssh" && e.kind === "ssh");
    const verdicts = hosts.map((entryPoint): Verdict => {
      const read = sshHostFact(inventory, entryPoint, sshRootLogin, "PermitRootLogin");
      if ("unknown" in read) return read.unknown;
      const { fact, data } = read;
      const subject = entryPointSubject(entryPoint);
      const evidence: Evidence[] = [...fact.evidence];
      const unknown = data.sources.filter((s) => s.permitRootLogin === null);
      if (data.sources.length === 0 || unknown.length > 0) {
        return {
          subject,
          status: "unknown",
          message: `PermitRootLogin for root not known from ${unknown.map((s) => s.source).join(", ") || "any source"}`,
          mfa: null,
          evidence,
        };
      }
      const open = data.sources.filter((s) => s.permitRootLogin !== "no");
      if (open.length === 0)
        return {
          subject,
          status: "pass",
          message: "PermitRootLogin no from every source",
          mfa: null,
          evidence,
        };
      const values = [...new Set(open.map((s) => s.permitRootLogin))].join("/");
      const where = open.map((s) => s.source).join(", ");
      if (data.rootAccount === "no-login-shell" || data.rootAccount === "not-found") {
        return {
          subject,
          status: "fail",
          severity: "low",
          message: `PermitRootLogin ${values} from ${where}, though root has ${data.rootAccount === "not-found" ? "no account" : "no login shell"} today`,
          mfa: null,
          evidence,
        };
      }
      const rootPaths = open.flatMap((s) => (s.accessPath ? (paths.get(s.accessPath) ?? []) : []));
      for (const p of rootPaths) appendAll(evidence, p.mfa.evidence);
      const weakest =
        rootPaths.find((p) => p.mfa.state === "none") ??
        rootPaths.find((p) => p.mfa.state === "bypassable") ??
        rootPaths.find((p) => p.mfa.state === "unknown");
      if (!weakest) {
        return {
          subject,
          status: "pass",
          message: rootPaths.length
            ? `PermitRootLogin ${values} from ${where}, but every root login needs two factors`
            : `PermitRootLogin ${values} from ${where}, but no authentication method can complete for root`,
          mfa: rootPaths[0] ? { state: rootPaths[0].mfa.state, strength: rootPaths[0].mfa.strength } : null,
          evidence,
        };
      }
      const mfa = { state: weakest.mfa.state, strength: weakest.mfa.strength };
      if (weakest.mfa.state === "unknown") {
        return {
          subject,
          status: "unknown",
          message: `root may log in (PermitRootLogin ${values}): ${weakest.mfa.reason}`,
          mfa,
          evidence,
        };
      }
      const severity =
        open.some((s) => s.permitRootLogin === "yes") && weakest.mfa.state === "none"
          ? "critical"
          : open.every((s) => s.permitRootLogin === "forced-commands-only")
            ? "medium"
            : "high";
      return {
        subject,
        status: "fail",
        severity,
        message: `PermitRootLogin ${values} from ${where}; ${weakest.mfa.reason}`,
        mfa,
        evidence,
      };
    });
    // A host without the fact is unknown above; a connection with no host at all is unknown here.
    return [
      ...verdicts,
      ...unreportedVerdicts(inventory, sshRootLogin, new Set(hosts.map((e) => e.connection))),
    ];
  },
});
