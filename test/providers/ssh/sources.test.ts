import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addressInside,
  addressOutside,
  formatAddress,
  type Listener,
  listenersOf,
  parseAddressEntry,
  portsOf,
  sourcesFor,
} from "../../../providers/ssh/sources.js";
import {
  addrMatchList,
  buildRawConfig,
  parseSshdT,
  tokenizeConfigFile,
} from "../../../providers/ssh/sshd-config.js";

const raw = (text: string) => buildRawConfig(tokenizeConfigFile(text, "/etc/ssh/sshd_config"), () => []);

const dual: Listener[] = [
  { laddr: "0.0.0.0", lport: 22, family: 4, wildcard: true },
  { laddr: "::", lport: 22, family: 6, wildcard: true },
];
const v4only: Listener[] = [dual[0]!];

const sources = (text: string, listeners = v4only, extra: string[] = []) =>
  sourcesFor(raw(text), { lport: 22, listeners, extra }).sources;

describe("sources: every named range, negated or not, plus elsewhere", () => {
  it("probes the negated inside range of 'Match Address *,!10.0.0.0/8' (MFA outside, key alone inside)", () => {
    const s = sources(
      "Match Address *,!10.0.0.0/8\n  AuthenticationMethods publickey,keyboard-interactive\n",
    );
    const inside = s.find((x) => x.key === "addr=10.0.0.0/8");
    expect(inside?.addr).toBe("10.0.0.1");
    const star = s.find((x) => x.key === "addr=*");
    // The probe for `*` steps outside 10.0.0.0/8, so it stands for "the rest".
    expect(star && addrMatchList(star.addr, "10.0.0.0/8")).toBe(0);
    // `*` names every address: there is no "elsewhere" left to probe.
    expect(s.some((x) => x.key.startsWith("addr=other"))).toBe(false);
  });

  it("keeps overlapping ranges apart: a /16 is probed outside the /24 named inside it", () => {
    const s = sources("Match Address 10.20.0.0/16,!10.20.5.0/24\n  AuthenticationMethods publickey\n");
    expect(s.map((x) => [x.key, x.addr])).toEqual([
      ["addr=10.20.0.0/16", "10.20.0.1"],
      ["addr=10.20.5.0/24", "10.20.5.1"],
      ["addr=other", "203.0.113.10"],
    ]);
    const first = sources("Match Address 10.20.0.0/16,!10.20.0.0/24\n  AuthenticationMethods publickey\n");
    expect(first.find((x) => x.key === "addr=10.20.0.0/16")?.addr).toBe("10.20.1.0");
  });

  it("chooses elsewhere outside the named ranges, not a fixed address", () => {
    const s = sources("Match Address 203.0.113.0/24,198.51.100.0/24\n  PasswordAuthentication yes\n");
    expect(s.find((x) => x.key === "addr=other")?.addr).toBe("192.0.2.10");
    const wide = sources("Match Address 128.0.0.0/1,0.0.0.0/2,192.0.0.0/3\n  PasswordAuthentication yes\n");
    const other = wide.find((x) => x.key === "addr=other")!;
    for (const r of ["128.0.0.0/1", "0.0.0.0/2", "192.0.0.0/3"]) expect(addrMatchList(other.addr, r)).toBe(0);
  });

  it("probes IPv4 and IPv6 separately when sshd listens on both, and says which address stood for elsewhere", () => {
    const s = sources("Match Address 0.0.0.0/0\n  AuthenticationMethods publickey,password\n", dual);
    expect(s.map((x) => [x.key, x.label, x.addr])).toEqual([
      ["addr=0.0.0.0/0", "0.0.0.0/0", "0.0.0.1"],
      ["addr=other-ipv6", "any other IPv6 address", "2001:db8::10"],
    ]);
    const none = sourcesFor(undefined, { lport: 22, listeners: dual }).sources;
    expect(none.map((x) => x.label)).toEqual(["any IPv4 address", "any IPv6 address"]);
  });

  it("names the ranges of AllowUsers/DenyUsers user@host, and address-like Host patterns", () => {
    const s = sources(
      "AllowUsers alice@10.1.0.0/16 bob\nMatch Host 192.168.*\n  PasswordAuthentication yes\n",
    );
    expect(s.find((x) => x.key === "addr=10.1.0.0/16")?.addr).toBe("10.1.0.1");
    expect(s.find((x) => x.key === "addr=192.168.*")?.addr).toMatch(/^192\.168\./);
    expect(s.some((x) => x.key === "host=192.168.*")).toBe(true);
  });

  it("makes a range it cannot pick an address in unknown, never drops it", () => {
    const s = sources("Match Address 10.0.0.0/33\n  AuthenticationMethods publickey\n");
    expect(s.find((x) => x.key === "addr=10.0.0.0/33")?.unevaluable).toMatch(/no address/);
  });

  it("evaluates each LocalAddress entry (negated too) and another local address on a wildcard listener", () => {
    const s = sources("Match LocalAddress !192.0.2.1,*\n  AuthenticationMethods publickey\n");
    expect(s.map((x) => x.key)).toEqual(["addr=any,laddr=192.0.2.1", "addr=any,laddr=*"]);
    expect(s.find((x) => x.key === "addr=any,laddr=*")?.laddr).not.toBe("192.0.2.1");
    const fixed = sourcesFor(raw("Match LocalAddress 10.0.0.1\n  PasswordAuthentication yes\n"), {
      lport: 22,
      listeners: [{ laddr: "10.0.0.2", lport: 22, family: 4, wildcard: false }],
    }).sources;
    expect(fixed.map((x) => [x.key, x.laddr])).toEqual([["addr=any,laddr=10.0.0.2", "10.0.0.2"]]);
  });

  it("passes rdomain only when the configuration has Match RDomain ('' outside a VRF)", () => {
    expect(sources("Match RDomain blue\n  PasswordAuthentication yes\n")[0]?.rdomain).toBe("");
    expect(sources("Match User x\n  PasswordAuthentication yes\n")[0]?.rdomain).toBeUndefined();
  });
});

describe("listeners and ports", () => {
  it("reads sshd -T listenaddress lines; each port is its own", () => {
    const g = parseSshdT(
      "port 22\nport 2222\naddressfamily any\nlistenaddress [::]:22\nlistenaddress 0.0.0.0:22\nlistenaddress 127.0.0.1:2222\npubkeyauthentication yes\npasswordauthentication no\npermitrootlogin no\n",
    );
    if (!g.ok) throw new Error(g.error);
    const l = listenersOf(g.value);
    expect(l.map((x) => `${x.laddr}/${x.lport}/${x.family}/${x.wildcard}`)).toEqual([
      "::/22/6/true",
      "0.0.0.0/22/4/true",
      "127.0.0.1/2222/4/false",
    ]);
    expect(portsOf(l, 2222)).toEqual([2222, 22]);
    expect(portsOf(l, 8022)).toEqual([22, 2222]);
  });
});

describe("address arithmetic", () => {
  it("prints addresses as sshd does (inet_ntop)", () => {
    expect(formatAddress(6, 0x20010db8000000000000000000000010n)).toBe("2001:db8::10");
    expect(formatAddress(6, 0x20010db8000000010000000000000001n)).toBe("2001:db8:0:1::1");
    expect(formatAddress(6, 0x20010db8000100010001000100010001n)).toBe("2001:db8:1:1:1:1:1:1");
    expect(formatAddress(4, 0x0a000001n)).toBe("10.0.0.1");
  });

  it("property: a probe inside a CIDR block is inside it (OpenSSH's addr_match_list agrees)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, bits) => {
        const entry = parseAddressEntry(`${ip}/${bits}`)!;
        const addr = addressInside(entry, [], 4);
        expect(addr).toBeDefined();
        expect(addrMatchList(addr!, entry.text)).toBe(1);
      }),
    );
  });
});

/** A random address-list entry: a CIDR block (IPv4 or IPv6) or an IPv4 wildcard pattern. */
const entryArb = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 16, max: 128 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc
    .tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.boolean())
    .map(([a, b, q]) => (q ? `${a}.${b}.?.*` : `${a}.${b}.*`)),
);
const listArb = fc.array(fc.tuple(fc.boolean(), entryArb), { minLength: 1, maxLength: 4 });
const criterionArb = fc.oneof(
  listArb.map((l) => ({ name: "Address", list: l })),
  fc
    .tuple(fc.constantFrom("alice", "*", "!root,*"), listArb)
    .map(([u, l]) => ({ name: `User ${u} Address`, list: l })),
);

describe("property: random Match criteria with negations", () => {
  it("every named range is evaluated inside itself, and elsewhere matches no criterion", () => {
    fc.assert(
      fc.property(fc.array(criterionArb, { minLength: 1, maxLength: 4 }), (criteria) => {
        const lists = criteria.map((c) => c.list.map(([neg, e]) => `${neg ? "!" : ""}${e}`).join(","));
        const text = criteria
          .map((c, i) => `Match ${c.name} ${lists[i]}\n  AuthenticationMethods publickey\n`)
          .join("");
        const s = sources(text, dual);
        const named = [...new Set(criteria.flatMap((c) => c.list.map(([, e]) => e)))];
        for (const entry of named) {
          const probes = s.filter((x) => x.key === `addr=${entry}` || x.key.startsWith(`addr=${entry}/`));
          expect(probes.length, `a source for ${entry}`).toBeGreaterThan(0);
          for (const p of probes) {
            expect(p.unevaluable).toBeUndefined();
            expect(addrMatchList(p.addr, entry), `${p.addr} inside ${entry}`).toBe(1);
          }
        }
        const elsewhere = s.filter((x) => x.key.startsWith("addr=other"));
        // Entries of at least /8 (IPv4) and /16 (IPv6), at most 16 of them, cannot name a whole family.
        expect(elsewhere.map((x) => x.key).sort()).toEqual(["addr=other", "addr=other-ipv6"]);
        for (const e of elsewhere) {
          for (const list of lists) expect(addrMatchList(e.addr, list), `${e.addr} vs ${list}`).toBe(0);
          expect(e.label).toMatch(/any other IPv[46] address/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("elsewhere is outside every range, for any set of IPv4 blocks that leaves room", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 32 })).map(([ip, b]) => `${ip}/${b}`),
          { minLength: 1, maxLength: 12 },
        ),
        (blocks) => {
          const entries = blocks.map((b) => parseAddressEntry(b)!);
          const out = addressOutside(entries, 4);
          if (out === undefined) {
            // Only when the blocks cover the whole IPv4 space: both halves must be named.
            expect(blocks.some((b) => b.endsWith("/1"))).toBe(true);
            return;
          }
          for (const b of blocks) expect(addrMatchList(out, b)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
