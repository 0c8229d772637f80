import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addrMatchList,
  applyMatchBlocks,
  authenticationMethods,
  buildRawConfig,
  type ConnectionSpec,
  first,
  kbdInteractiveEnabled,
  locate,
  matchBlockApplies,
  matchPattern,
  matchPatternList,
  parseMatchCriteria,
  parseSshdT,
  permitRootLogin,
  splitConfigLine,
  tokenizeConfigFile,
} from "../../../providers/ssh/sshd-config.js";

const minimal =
  "port 22\npubkeyauthentication yes\npasswordauthentication no\npermitrootlogin without-password\n";

function parsed(text: string) {
  const r = parseSshdT(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function raw(text: string, includes: Record<string, string> = {}) {
  return buildRawConfig(tokenizeConfigFile(text, "/etc/ssh/sshd_config"), (pattern) => {
    const hits = Object.keys(includes)
      .filter((p) => matchPattern(p, pattern))
      .sort();
    return hits.map((p) => tokenizeConfigFile(includes[p]!, p));
  });
}

const spec = (fields: Partial<ConnectionSpec> = {}): ConnectionSpec => ({
  user: "alice",
  host: "203.0.113.10",
  addr: "203.0.113.10",
  laddr: "192.0.2.1",
  lport: 22,
  ...fields,
});

describe("sshd -T output", () => {
  it("reads keyword/value lines with their line numbers", () => {
    const c = parsed(`${minimal}authenticationmethods publickey,keyboard-interactive publickey,password\n`);
    expect(first(c, "passwordauthentication")).toEqual({
      keyword: "passwordauthentication",
      value: "no",
      line: 3,
    });
    expect(authenticationMethods(c)).toEqual([
      { text: "publickey,keyboard-interactive", methods: ["publickey", "keyboard-interactive"] },
      { text: "publickey,password", methods: ["publickey", "password"] },
    ]);
  });

  it("maps without-password (still printed by 9.2) to prohibit-password", () => {
    expect(permitRootLogin(parsed(minimal))).toBe("prohibit-password");
  });

  it("treats a missing authenticationmethods (OpenSSH < 6.2) and `any` as any single method", () => {
    expect(authenticationMethods(parsed(minimal))).toBe("any");
    expect(authenticationMethods(parsed(`${minimal}authenticationmethods any\n`))).toBe("any");
  });

  it("needs both kbdinteractive and challengeresponse (≤ 8.6 printed both) to allow keyboard-interactive", () => {
    expect(
      kbdInteractiveEnabled(
        parsed(`${minimal}kbdinteractiveauthentication yes\nchallengeresponseauthentication no\n`),
      ),
    ).toBe(false);
    expect(kbdInteractiveEnabled(parsed(`${minimal}kbdinteractiveauthentication yes\n`))).toBe(true);
    expect(kbdInteractiveEnabled(parsed(minimal))).toBeUndefined();
  });

  it("refuses text that is not -T output, quoting how it starts", () => {
    const r = parseSshdT("sshd: no hostkeys available -- exiting.\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/not sshd -T output.*no hostkeys available/);
    expect(parseSshdT("").ok).toBe(false);
  });

  it("reports stray lines (sshd warnings) without failing", () => {
    const r = parseSshdT(
      `Disabled method "password" in AuthenticationMethods list "publickey,password"\n${minimal}`,
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings[0]).toMatch(/line 1|:1:/);
  });

  it("property: never throws; ok exactly when the required keywords are present", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = parseSshdT(text);
        if (r.ok)
          for (const k of ["pubkeyauthentication", "passwordauthentication", "permitrootlogin"])
            expect(first(r.value, k)).toBeDefined();
        else expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });

  it("property: every well-formed keyword line comes back as written", () => {
    const line = fc.tuple(
      fc.stringMatching(/^[a-z][a-z0-9]{0,20}$/),
      fc.stringMatching(/^[!-~][ -~]{0,30}$/),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = minimal + lines.map(([k, v]) => `${k} ${v}`).join("\n");
        const r = parseSshdT(text);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        for (const [i, [k, v]] of lines.entries()) {
          const got = r.value.lines.find((l) => l.line === i + 5);
          expect(got).toEqual({ keyword: k, value: v.trim(), line: i + 5 });
        }
      }),
    );
  });
});

describe("raw sshd_config", () => {
  it("splits words with quotes, '=' and trailing comments", () => {
    expect(splitConfigLine('AuthorizedKeysFile "/etc/ssh/keys/%u" .ssh/authorized_keys # two files')).toEqual(
      ["AuthorizedKeysFile", "/etc/ssh/keys/%u", ".ssh/authorized_keys"],
    );
    expect(splitConfigLine("PasswordAuthentication=no")).toEqual(["PasswordAuthentication", "no"]);
    expect(splitConfigLine("  # only a comment")).toEqual([]);
    expect(splitConfigLine('Banner "unterminated')).toBeUndefined();
  });

  it("puts keywords under the Match block they follow, Includes in place (conditional inside a Match)", () => {
    const r = raw(
      "PasswordAuthentication no\nInclude /etc/ssh/sshd_config.d/*.conf\nMatch User bob\n  Include /etc/ssh/bob.conf\nPermitRootLogin no\n",
      {
        "/etc/ssh/sshd_config.d/10-a.conf":
          "KbdInteractiveAuthentication yes\nMatch Address 10.0.0.0/8\n  AuthenticationMethods publickey\n",
        "/etc/ssh/bob.conf": "PasswordAuthentication yes\n",
      },
    );
    expect(r.global.map((l) => l.keyword)).toEqual([
      "passwordauthentication",
      "kbdinteractiveauthentication",
    ]);
    expect(r.matches.map((m) => m.criteria)).toEqual([
      [{ name: "address", value: "10.0.0.0/8" }],
      [{ name: "user", value: "bob" }],
    ]);
    // The Match in the included file ends with that file; bob's block holds its include and what follows.
    expect(r.matches[1]!.lines.map((l) => `${l.file}:${l.keyword}`)).toEqual([
      "/etc/ssh/bob.conf:passwordauthentication",
      "/etc/ssh/sshd_config:permitrootlogin",
    ]);
  });

  it("an Include loop is a problem naming the file (sshd refuses such a configuration), not a walk until the depth limit", () => {
    const r = raw("Include /etc/ssh/a.conf\nPasswordAuthentication no\n", {
      "/etc/ssh/a.conf": "Include /etc/ssh/b.conf\n",
      "/etc/ssh/b.conf": "Include /etc/ssh/a.conf\nKbdInteractiveAuthentication no\n",
    });
    expect(r.problems).toEqual(["/etc/ssh/b.conf:1: Include /etc/ssh/a.conf: loop back to /etc/ssh/a.conf"]);
    expect(r.global.map((l) => l.keyword)).toEqual([
      "kbdinteractiveauthentication",
      "passwordauthentication",
    ]);
  });

  it("an include tree that multiplies (each file including the next three times) stops with a problem", () => {
    const includes: Record<string, string> = {};
    for (let i = 0; i < 15; i++)
      includes[`/etc/ssh/f${i}.conf`] = `Include /etc/ssh/f${i + 1}.conf\n`.repeat(3);
    const r = raw("Include /etc/ssh/f0.conf\n", includes);
    expect(r.problems.some((p) => /more than 512 files included in all/.test(p))).toBe(true);
    expect(r.files.length).toBeLessThanOrEqual(513);
  });

  it("parses Match criteria and refuses unknown ones", () => {
    expect(parseMatchCriteria(["User", "alice,bob", "Address", "10.0.0.0/8"])).toEqual({
      criteria: [
        { name: "user", value: "alice,bob" },
        { name: "address", value: "10.0.0.0/8" },
      ],
    });
    expect(parseMatchCriteria(["all"])).toEqual({ criteria: [{ name: "all", value: "" }] });
    expect(parseMatchCriteria(["Colour", "blue"])).toEqual({ error: "unknown Match criterion 'colour'" });
    expect(parseMatchCriteria(["User"])).toEqual({ error: "Match User has no value" });
  });

  it("property: tokenizing and building never throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 200 }), (main, inc) => {
        const r = raw(main, { "/etc/ssh/sshd_config.d/x.conf": inc });
        expect(Array.isArray(r.global)).toBe(true);
      }),
    );
  });
});

describe("OpenSSH pattern and address matching", () => {
  it("matches wildcards and negations like match.c", () => {
    expect(matchPattern("alice", "a*")).toBe(true);
    expect(matchPattern("alice", "?lice")).toBe(true);
    expect(matchPattern("alice", "*z*")).toBe(false);
    expect(matchPatternList("alice", "bob,al*")).toBe(1);
    expect(matchPatternList("alice", "*,!alice")).toBe(-1);
    expect(matchPatternList("Host.Example", "host.example", true)).toBe(1);
  });

  it("matches CIDR lists with negation, and reports malformed entries", () => {
    expect(addrMatchList("10.1.2.3", "10.0.0.0/8")).toBe(1);
    expect(addrMatchList("10.1.2.3", "10.0.0.0/8,!10.1.0.0/16")).toBe(-1);
    expect(addrMatchList("192.168.1.1", "10.0.0.0/8")).toBe(0);
    expect(addrMatchList("2001:db8::1", "2001:db8::/32")).toBe(1);
    expect(addrMatchList("10.1.2.3", "10.*")).toBe(1);
    expect(addrMatchList("10.1.2.3", "10.0.0.0/33")).toBe(-2);
  });
});

describe("Match evaluation (config-only mode)", () => {
  const global = parsed(
    `${minimal}authenticationmethods publickey,keyboard-interactive\nkbdinteractiveauthentication yes\n`,
  );

  it("applies the first matching block's value for each keyword", () => {
    const r = raw(
      "AuthenticationMethods publickey,keyboard-interactive\nMatch User alice Address 10.0.0.0/8\n  AuthenticationMethods publickey\nMatch User alice\n  AuthenticationMethods password\n  PasswordAuthentication yes\n",
    );
    const inside = applyMatchBlocks(global, r, spec({ addr: "10.1.1.1" }));
    const outside = applyMatchBlocks(global, r, spec());
    expect(inside.ok && first(inside.config, "authenticationmethods")?.value).toBe("publickey");
    expect(inside.ok && first(inside.config, "passwordauthentication")?.value).toBe("yes");
    expect(outside.ok && first(outside.config, "authenticationmethods")?.value).toBe("password");
    const bob = applyMatchBlocks(global, r, spec({ user: "bob" }));
    expect(bob.ok && first(bob.config, "authenticationmethods")?.value).toBe(
      "publickey,keyboard-interactive",
    );
  });

  it("needs the user's groups for Match Group, and says so when they are not known", () => {
    const r = raw("Match Group admins\n  AuthenticationMethods publickey\n");
    expect(matchBlockApplies(r.matches[0]!, spec({ groups: ["admins"] }))).toBe(true);
    expect(matchBlockApplies(r.matches[0]!, spec({ groups: ["staff"] }))).toBe(false);
    const unknown = applyMatchBlocks(global, r, spec());
    expect(unknown.ok).toBe(false);
  });

  it("locates the file and line that set a keyword for a login", () => {
    const r = raw("PasswordAuthentication no\nMatch Address 10.0.0.0/8\n  PasswordAuthentication yes\n");
    expect(locate(r, "passwordauthentication", spec({ addr: "10.9.9.9" }))).toMatchObject({
      value: "yes",
      at: { file: "/etc/ssh/sshd_config", line: 3, match: { line: 2 } },
    });
    expect(locate(r, "passwordauthentication", spec())).toMatchObject({ value: "no", at: { line: 1 } });
    expect(locate(r, "pubkeyauthentication", spec())).toBeUndefined();
  });
});
