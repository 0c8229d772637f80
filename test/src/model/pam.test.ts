import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { debianCommonAuth } from "../../../providers/ssh/emulator.js";
import {
  analyzeAuthStack,
  buildPamStack,
  duoUsernameFor,
  type PamEnvironment,
  type PamFileState,
  type PamMode,
  type PamSubject,
  parseDuoConfig,
  parsePamFile,
} from "../../../src/model/pam/index.js";

/** Builds the auth stack of /etc/pam.d/sshd from file texts (paths relative to /etc/pam.d). */
function stackOf(files: Record<string, string>) {
  const map = new Map<string, PamFileState>();
  for (const [name, text] of Object.entries(files)) {
    const path = name.startsWith("/") ? name : `/etc/pam.d/${name}`;
    map.set(path, { kind: "parsed", file: parsePamFile(text, path) });
  }
  return buildPamStack("/etc/pam.d/sshd", map);
}

const subject = (fields: Partial<PamSubject> = {}): PamSubject => ({
  user: "alice",
  uid: 1000,
  groups: ["alice"],
  password: "usable",
  emptyPasswordsPermitted: false,
  ...fields,
});

interface Shape {
  factors: string[];
  bypasses: string[];
  because: string[];
}

/** Outcomes as sorted plain shapes: factors and the settings of the switches relied on. */
function ways(
  files: Record<string, string>,
  s: PamSubject = subject(),
  env: PamEnvironment = {},
  mode: PamMode = "prompts",
): Shape[] {
  const stack = stackOf(files);
  expect(stack.unreadable).toEqual([]);
  const a = analyzeAuthStack(stack.nodes, s, env, mode);
  expect(a.error).toBeUndefined();
  return a.outcomes
    .map((o) => ({
      factors: [...o.factors].sort(),
      bypasses: o.bypasses.map((c) => c.setting),
      because: o.because.map((c) => c.setting),
    }))
    .sort(
      (x, y) =>
        x.factors.length - y.factors.length ||
        x.factors.join().localeCompare(y.factors.join()) ||
        x.bypasses.join().localeCompare(y.bypasses.join()),
    );
}

const w = (factors: string[], bypasses: string[] = [], because: string[] = []): Shape => ({
  factors,
  bypasses,
  because,
});
const ga = "auth required pam_google_authenticator.so";

describe("PAM files", () => {
  it("parses controls, bracket arguments, continuations, @include and silent modules", () => {
    const f = parsePamFile(
      [
        "# comment",
        "auth [success=1 default=ignore] pam_unix.so nullok # trailing",
        "auth required pam_google_authenticator.so [authtok_prompt=Your code: ] \\",
        "   nullok",
        "-auth optional pam_gnome_keyring.so",
        "@include common-auth",
        "auth substack /etc/pam.d/mfa",
        "account include common-account",
        "auth frobnicate pam_x.so",
      ].join("\n"),
      "/etc/pam.d/sshd",
    );
    expect(
      f.entries.map((e) =>
        e.kind === "module" ? `${e.type}:${e.module}:${e.args.join("|")}` : `${e.mode}:${e.type}:${e.target}`,
      ),
    ).toEqual([
      "auth:pam_unix.so:nullok",
      "auth:pam_google_authenticator.so:[authtok_prompt=Your code: ]|nullok",
      "auth:pam_gnome_keyring.so:",
      "include:all:/etc/pam.d/common-auth",
      "substack:auth:/etc/pam.d/mfa",
      "include:account:/etc/pam.d/common-account",
    ]);
    expect(f.entries[0]).toMatchObject({
      line: 2,
      control: { kind: "bracket", actions: { success: "1", default: "ignore" } },
    });
    expect(f.entries[1]).toMatchObject({ line: 3 });
    expect(f.problems).toEqual(["/etc/pam.d/sshd:9: unknown control 'frobnicate'"]);
  });

  it("flags include loops and unreadable includes instead of looping or guessing", () => {
    const loop = stackOf({ sshd: "@include a", a: "@include sshd\nauth required pam_unix.so" });
    expect(loop.problems.join()).toMatch(/include loop/);
    const missing = buildPamStack(
      "/etc/pam.d/sshd",
      new Map<string, PamFileState>([
        [
          "/etc/pam.d/sshd",
          { kind: "parsed", file: parsePamFile("@include common-auth", "/etc/pam.d/sshd") },
        ],
      ]),
    );
    expect(missing.unreadable).toEqual([{ file: "/etc/pam.d/common-auth", reason: "not read" }]);
  });

  it("an include tree that multiplies (each file including the next three times) is cut off as unreadable, not unrolled", () => {
    const files: Record<string, string> = { sshd: "@include f0" };
    for (let i = 0; i < 20; i++)
      files[`f${i}`] = `@include f${i + 1}\n`.repeat(3) + "auth required pam_unix.so";
    const stack = stackOf(files);
    expect(stack.unreadable[0]?.reason).toMatch(/more than 512 PAM files included in all/);
    // The opposite: the same shape, shallow, is read whole.
    const small = stackOf({
      sshd: "@include f0",
      f0: "@include f1\n@include f1\n@include f1",
      f1: "auth required pam_unix.so",
    });
    expect(small.unreadable).toEqual([]);
    expect(small.nodes).toHaveLength(3);
  });

  it("a stack too long to run under every combination of its switches is an error (unknown), not minutes of work", () => {
    // Twelve switches (RADIUS unreachable, per line) and the RADIUS factor: 8,192 combinations.
    const radius = "auth required pam_radius_auth.so localifdown\n".repeat(12);
    const long = `${radius}${"auth required pam_env.so\n".repeat(1000)}`;
    const analysis = analyzeAuthStack(stackOf({ sshd: long }).nodes, subject(), {}, "prompts");
    expect(analysis.error).toMatch(/1012 modules with 13 factors and switches; too many to analyse/);
    // The opposite: the same switches in a short stack are analysed.
    const short = analyzeAuthStack(stackOf({ sshd: radius }).nodes, subject(), {}, "prompts");
    expect(short.error).toBeUndefined();
    expect(short.outcomes.length).toBeGreaterThan(0);
  });

  it("reads only Duo's switches and the integration key (never skey) and defaults failmode to safe", () => {
    const { config } = parseDuoConfig(
      "[duo]\nikey = DIXXX\nskey = secret\nhost = api.example\n",
      "/etc/duo/pam_duo.conf",
    );
    expect(config).toEqual({
      file: "/etc/duo/pam_duo.conf",
      failmode: { value: "safe" },
      ikey: { value: "DIXXX", line: 2 },
    });
    expect(JSON.stringify(config)).not.toContain("secret");
    const grep = parseDuoConfig(
      "7:failmode = secure\n9:groups = admins,!contractors  staff\n",
      "/etc/duo/pam_duo.conf",
    );
    expect(grep.config.failmode).toEqual({ value: "secure", line: 7 });
    expect(grep.config.groups).toEqual({ patterns: ["admins,!contractors", "staff"], line: 9 });
  });

  // duo_unix pam_duo.c: with send_gecos, or gecos_username_pos (1-based, split at gecos_delim, default ','),
  // the GECOS field (or that part of it) is sent to Duo instead of the login name; an empty field or part
  // falls back to the login name. lib/util.c: booleans are exactly yes/true/on/1.
  it.each([
    ["no GECOS setting: the login name", "", "Alice Ng,,,", "alice"],
    ["send_gecos = yes: the whole field", "send_gecos = yes", "a.ng", "a.ng"],
    [
      "send_gecos = Yes is not yes (duo_set_boolean_option compares exactly)",
      "send_gecos = Yes",
      "a.ng",
      "alice",
    ],
    [
      "gecos_username_pos = 2: the second comma-separated part",
      "gecos_username_pos = 2",
      "Alice Ng,a.ng,,",
      "a.ng",
    ],
    ["gecos_delim = / with position 1", "gecos_delim = /\ngecos_username_pos = 1", "a.ng/Room 4", "a.ng"],
    ["an empty part falls back to the login name", "gecos_username_pos = 3", "Alice Ng,a.ng,,", "alice"],
    ["an empty GECOS field falls back to the login name", "send_gecos = yes", "", "alice"],
  ])("the name Duo is asked about: %s", (_, lines, gecos, expected) => {
    const { config } = parseDuoConfig(`[duo]\n${lines}\n`, "/etc/duo/pam_duo.conf");
    expect(duoUsernameFor(config, "alice", gecos)).toBe(expected);
  });
});

describe("running the auth stack", () => {
  it("Debian's common-auth asks for the password", () => {
    expect(ways({ sshd: "@include common-auth", "common-auth": debianCommonAuth })).toEqual([
      w(["password"]),
    ]);
  });

  it("google-authenticator required asks for the code, and enrolment known false without nullok never succeeds", () => {
    expect(ways({ sshd: ga })).toEqual([w(["otp"])]);
    expect(ways({ sshd: ga }, subject({ otpEnrolled: () => false }))).toEqual([]);
  });

  it("nullok: users without a secret file skip the code; it is a bypass while enrolment is unknown", () => {
    const files = { sshd: `${ga} nullok\nauth required pam_permit.so` };
    expect(ways(files)).toEqual([w([], ["nullok"]), w(["otp"])]);
    expect(ways(files, subject({ otpEnrolled: () => true }))).toEqual([w(["otp"])]);
    expect(ways(files, subject({ otpEnrolled: () => false }))).toEqual([w([], [], ["nullok"])]);
    // The README: with only nullok saying IGNORE, no module says SUCCESS and the stack fails.
    expect(ways({ sshd: `${ga} nullok` }, subject({ otpEnrolled: () => false }))).toEqual([]);
  });

  it("a sufficient first factor before the OTP module makes the OTP optional", () => {
    expect(ways({ sshd: `auth sufficient pam_unix.so\n${ga}` })).toEqual([w(["otp"]), w(["password"])]);
    expect(ways({ sshd: `auth required pam_unix.so\n${ga}` })).toEqual([w(["otp", "password"])]);
  });

  it("pam_succeed_if jumps are decided from the account when they can be", () => {
    const files = {
      sshd: `auth [success=1 default=ignore] pam_succeed_if.so user ingroup nomfa\n${ga}\nauth required pam_permit.so`,
    };
    expect(ways(files, subject({ groups: ["nomfa"] }))).toEqual([w([], [], ["user ingroup nomfa"])]);
    expect(ways(files, subject({ groups: ["staff"] }))).toEqual([w(["otp"])]);
    const { groups: _, ...noGroups } = subject();
    expect(ways(files, noGroups)).toEqual([w([], ["user ingroup nomfa"]), w(["otp"])]);
  });

  it("Duo: failmode safe (the default) and groups= are bypasses; a missing pam_duo.conf lets everyone through", () => {
    const files = { sshd: "auth required pam_unix.so\nauth required pam_duo.so" };
    const duo = (text: string | null): PamEnvironment => ({
      duo: () =>
        text === null
          ? { kind: "missing" }
          : { kind: "ok", config: parseDuoConfig(text, "/etc/duo/pam_duo.conf").config },
    });
    expect(ways(files, subject(), duo("failmode = secure"))).toEqual([w(["password", "push"])]);
    expect(ways(files, subject(), duo(""))).toEqual([
      w(["password"], ["failmode = safe (default)"]),
      w(["password", "push"]),
    ]);
    expect(ways(files, subject({ groups: ["staff"] }), duo("failmode = secure\ngroups = admins"))).toEqual([
      w(["password"], [], ["groups = admins"]),
    ]);
    expect(ways(files, subject({ groups: ["admins"] }), duo("failmode = secure\ngroups = admins"))).toEqual([
      w(["password", "push"]),
    ]);
    expect(ways(files, subject(), duo(null))).toEqual([w(["password"], [], ["failmode"])]);
    const unreadable = analyzeAuthStack(
      stackOf(files).nodes,
      subject(),
      { duo: () => ({ kind: "error", reason: "Permission denied" }) },
      "prompts",
    );
    expect(unreadable.problems.join()).toMatch(/Permission denied/);
  });

  it("RADIUS localifdown, u2f nouserok/alwaysok and oath user_unknown=ignore are found", () => {
    expect(ways({ sshd: "auth required pam_radius_auth.so localifdown\nauth required pam_unix.so" })).toEqual(
      [w(["password"], ["localifdown"]), w(["password", "radius"])],
    );
    expect(ways({ sshd: "auth required pam_unix.so\nauth required pam_u2f.so nouserok" })).toEqual([
      w(["password"], ["nouserok"]),
      w(["password", "security-key"]),
    ]);
    expect(ways({ sshd: "auth required pam_unix.so\nauth required pam_u2f.so alwaysok" })).toEqual([
      w(["password"], [], ["alwaysok"]),
    ]);
    expect(
      ways({
        sshd: "auth [user_unknown=ignore success=ok] pam_oath.so usersfile=/etc/users.oath\nauth required pam_unix.so",
      }),
    ).toEqual([w(["password"], ["user_unknown"]), w(["otp", "password"])]);
  });

  it("pam_permit in auth lets anyone in; sufficient pam_rootok too (sshd runs PAM as root)", () => {
    expect(ways({ sshd: `auth sufficient pam_permit.so\nauth required pam_unix.so\n${ga}` })).toEqual([
      w([]),
    ]);
    expect(ways({ sshd: `auth sufficient pam_rootok.so\n${ga}` })).toEqual([w([])]);
  });

  it("done inside a substack ends only the substack; through include it ends the stack", () => {
    const inner = "auth sufficient pam_permit.so\nauth required pam_deny.so";
    expect(ways({ sshd: "auth substack mfa\nauth required pam_unix.so", mfa: inner })).toEqual([
      w(["password"]),
    ]);
    expect(ways({ sshd: "auth include mfa\nauth required pam_unix.so", mfa: inner })).toEqual([w([])]);
  });

  it("jumps skip entries, and a substack counts as one", () => {
    expect(
      ways({
        sshd: `auth [success=2 default=ignore] pam_unix.so\nauth substack mfa\nauth requisite pam_deny.so\nauth required pam_permit.so`,
        mfa: ga,
      }),
    ).toEqual([w(["password"])]);
  });

  it("the password method answers every prompt with one string: the code check fails unless forward_pass", () => {
    const files = { sshd: `auth required pam_unix.so\n${ga}` };
    expect(ways(files, subject(), {}, "single-answer")).toEqual([]);
    expect(
      ways(
        { sshd: `${ga} forward_pass\nauth required pam_unix.so use_first_pass` },
        subject(),
        {},
        "single-answer",
      ),
    ).toEqual([w(["otp", "password"])]);
  });

  it("empty and locked passwords: pam_unix nullok with PermitEmptyPasswords yes needs nothing; a locked one never succeeds", () => {
    const files = { sshd: "auth required pam_unix.so nullok" };
    expect(ways(files, subject({ password: "empty", emptyPasswordsPermitted: true }))).toEqual([
      w([], [], ["nullok"]),
    ]);
    expect(ways(files, subject({ password: "empty", emptyPasswordsPermitted: false }))).toEqual([]);
    expect(ways(files, subject({ password: "locked" }))).toEqual([]);
  });

  it("a module it does not model is an unknown factor, never a pass", () => {
    expect(
      ways({
        sshd: "auth required pam_unix.so\nauth required pam_exec.so expose_authtok /usr/local/bin/check",
      }),
    ).toEqual([w(["password", "unknown"])]);
  });
});

describe("properties", () => {
  const modules = [
    "pam_unix.so",
    "pam_unix.so nullok",
    "pam_google_authenticator.so",
    "pam_google_authenticator.so nullok",
    "pam_permit.so",
    "pam_deny.so",
    "pam_duo.so",
    "pam_succeed_if.so user ingroup wheel",
    "pam_radius_auth.so localifdown",
    "pam_u2f.so nouserok",
    "pam_env.so",
    "pam_exec.so /bin/true",
  ];
  const controls = [
    "required",
    "requisite",
    "sufficient",
    "optional",
    "[success=1 default=ignore]",
    "[success=ok default=bad]",
    "[default=die]",
    "[success=done default=ignore]",
    "[ignore=reset default=bad]",
  ];
  const line = fc
    .tuple(fc.constantFrom(...controls), fc.constantFrom(...modules))
    .map(([c, m]) => `auth ${c} ${m}`);
  const stackText = fc.array(line, { minLength: 1, maxLength: 8 }).map((l) => l.join("\n"));
  const env: PamEnvironment = {
    duo: () => ({ kind: "ok", config: parseDuoConfig("failmode = safe", "/etc/duo/pam_duo.conf").config }),
  };

  it("parsing arbitrary text never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        const f = parsePamFile(text, "/etc/pam.d/sshd");
        expect(Array.isArray(f.entries)).toBe(true);
      }),
    );
  });

  it("analysis never throws and returns minimal outcomes using only the stack's factors", () => {
    fc.assert(
      fc.property(stackText, fc.constantFrom<PamMode>("prompts", "single-answer"), (text, mode) => {
        const stack = stackOf({ sshd: text });
        const a = analyzeAuthStack(stack.nodes, subject(), env, mode);
        const present = new Set(a.factorLines.map((f) => f.factor));
        for (const o of a.outcomes) for (const f of o.factors) expect(present.has(f)).toBe(true);
        const keyOf = (o: (typeof a.outcomes)[number]) => ({
          f: new Set(o.factors),
          c: new Set(o.bypasses.map((b) => b.id)),
        });
        for (const x of a.outcomes)
          for (const y of a.outcomes) {
            if (x === y) continue;
            const kx = keyOf(x);
            const ky = keyOf(y);
            const dominated =
              [...kx.f].every((f) => ky.f.has(f)) &&
              [...kx.c].every((c) => ky.c.has(c)) &&
              (kx.f.size < ky.f.size || kx.c.size < ky.c.size);
            expect(dominated, "no outcome is a strict improvement of another").toBe(false);
          }
      }),
    );
  });

  it("a leading `sufficient pam_permit.so` always lets anyone in; a leading `requisite pam_deny.so` never does", () => {
    fc.assert(
      fc.property(stackText, (text) => {
        const open = analyzeAuthStack(
          stackOf({ sshd: `auth sufficient pam_permit.so\n${text}` }).nodes,
          subject(),
          env,
          "prompts",
        );
        expect(open.outcomes.map((o) => o.factors.length)).toEqual([0]);
        expect(open.outcomes[0]!.bypasses).toEqual([]);
        const closed = analyzeAuthStack(
          stackOf({ sshd: `auth requisite pam_deny.so\n${text}` }).nodes,
          subject(),
          env,
          "prompts",
        );
        expect(closed.outcomes).toEqual([]);
      }),
    );
  });
});
