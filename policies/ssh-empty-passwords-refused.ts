import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { sshEmptyPasswords } from "../src/model/facts/ssh.js";
import { entryPointSubject, sshHostFact, unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "ssh-empty-passwords-refused",
    title: "SSH refuses accounts with empty passwords (PermitEmptyPasswords no)",
    severity: "high",
    sources: ["ssh"],
    subject: "entry-point",
    rationale:
      "With PermitEmptyPasswords yes, an account whose password is empty logs in with no secret at all, even through sshd's 'none' method; such accounts appear from scripts and appliances and are found by every scanner on the internet.",
    evidence:
      "Effective PermitEmptyPasswords per principal and source range (sshd -T -C), and accounts whose password is empty (passwd -S -a status NP).",
    remediation:
      "Set PermitEmptyPasswords no globally and in every Match block; give every account a password or lock it (passwd -l), and remove nullok from pam_unix in the PAM stack.",
    references: [
      {
        title: "sshd_config(5): PermitEmptyPasswords",
        url: "https://man.openbsd.org/sshd_config#PermitEmptyPasswords",
      },
      {
        title: "CIS Distribution Independent Linux Benchmark: Ensure SSH PermitEmptyPasswords is disabled",
        url: "https://www.cisecurity.org/benchmark/distribution_independent_linux",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const hosts = inventory.entryPoints.filter((e) => e.source === "ssh" && e.kind === "ssh");
    const verdicts = hosts.map((entryPoint): Verdict => {
      const read = sshHostFact(inventory, entryPoint, sshEmptyPasswords, "PermitEmptyPasswords");
      if ("unknown" in read) return read.unknown;
      const { fact, data } = read;
      const subject = entryPointSubject(entryPoint);
      const evidence = fact.evidence;
      if (data.permitted.length === 0) {
        if (data.notKnown.length > 0)
          return {
            subject,
            status: "unknown",
            message: `PermitEmptyPasswords not known for ${data.notKnown.slice(0, 3).join("; ")}`,
            mfa: null,
            evidence,
          };
        return {
          subject,
          status: "pass",
          message: "PermitEmptyPasswords no for every login",
          mfa: null,
          evidence,
        };
      }
      const who = [...new Set(data.permitted.map((p) => p.principal ?? "every account"))];
      const empty = (data.emptyPasswordAccounts ?? []).filter((a) =>
        data.permitted.some((p) => p.principal === a || p.principal === null),
      );
      const exposed = empty.length
        ? `; ${empty.join(", ")} ${empty.length === 1 ? "has" : "have"} an empty password and log${empty.length === 1 ? "s" : ""} in with no secret`
        : data.emptyPasswordAccounts === null
          ? "; which accounts have empty passwords was not read"
          : "";
      return {
        subject,
        status: "fail",
        severity: empty.length ? "critical" : "high",
        message: `PermitEmptyPasswords yes for ${who.slice(0, 5).join(", ")}${who.length > 5 ? ` and ${who.length - 5} more` : ""}${exposed}`,
        mfa: null,
        evidence,
      };
    });
    // A host without the fact is unknown above; a connection with no host at all is unknown here.
    return [
      ...verdicts,
      ...unreportedVerdicts(inventory, sshEmptyPasswords, new Set(hosts.map((e) => e.connection))),
    ];
  },
});
