import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lineChart, scoreRing, stackedBars } from "../../../src/export/html/charts.js";
import { escapeHtml, html, jsonForScript, slug, visible } from "../../../src/export/html/escape.js";
import { figures, headline, score, scoreMethod, toHtml } from "../../../src/export/html/index.js";
import { contentSecurityPolicy } from "../../../src/export/html/layout.js";
import { script } from "../../../src/export/html/script.js";
import { outputFormats, render } from "../../../src/export/index.js";
import { coverage } from "../../helpers/inventory.js";
import { hostileReport, report, result, smallTenant, withAccounts } from "../../helpers/report.js";

function shown(page: string, testId: string): string | undefined {
  return new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(page)?.[1];
}

describe("figures", () => {
  it("counts each account once and only failing none/optional/bypassable results as without a second factor", () => {
    const f = figures(smallTenant());
    expect(f.accountsJudged).toBe(4);
    expect(f.accountsRead).toBe(5);
    expect(f.accounts).toBe(5); // max(read 5, judged 4)
    expect(f.withoutSecondFactor).toBe(2); // boss (bypassable) and sam (optional); not sms (enforced, weak)
    expect(f.adminsWithoutSecondFactor).toBe(1); // boss fails an admin policy
    expect(f.fail).toBe(4);
    expect(f.complete).toBe(true);
  });

  it("uses the judged count when a provider read fewer accounts than the policies judged", () => {
    const f = figures(report(smallTenant().results, [withAccounts(coverage("google-workspace"), 1)]));
    expect(f.accounts).toBe(4);
  });

  it("counts a critical failure as an administrator, but neither unknown nor excepted results as without", () => {
    const f = figures(
      report(
        [
          result({ name: "root@t1.example", severity: "critical", mfa: { state: "none", strength: null } }),
          result({ name: "maybe@t1.example", status: "unknown", mfa: { state: "unknown", strength: null } }),
          result({
            name: "leave@t1.example",
            status: "excepted",
            exception: { reason: "on leave", approvedBy: "sec@msp.example", expires: "2027-01-31" },
          }),
          result({ name: "legacy@t1.example", mfa: null }),
        ],
        [coverage("google-workspace")],
      ),
    );
    expect(f.withoutSecondFactor).toBe(1);
    expect(f.adminsWithoutSecondFactor).toBe(1);
    expect(f.exceptedAccounts).toBe(1);
    expect(f.undecidedAccounts).toBe(1);
    expect(f.complete).toBe(false);
  });

  it("counts entry points and access paths that let a login in with a password alone", () => {
    const f = figures(
      report(
        [
          result({
            kind: "entry-point",
            id: "app1",
            name: "FortiGate SSL VPN",
            severity: "medium",
            mfa: { state: "bypassable", strength: null },
          }),
          result({
            kind: "entry-point",
            id: "app1",
            name: "FortiGate SSL VPN",
            policy: "other",
            mfa: { state: "bypassable", strength: null },
          }),
          result({
            kind: "access-path",
            id: "key1",
            name: "API key 'sync'",
            mfa: { state: "enforced", strength: "app" },
          }),
        ],
        [coverage("google-workspace")],
      ),
    );
    expect(f.openPaths).toBe(1);
    expect(f.accounts).toBe(0);
  });
});

describe("the summary sentence", () => {
  const title = (s: string) => (s === "google-workspace" ? "Google Workspace" : s);

  it("states N of M and the administrators", () => {
    const h = headline(figures(smallTenant()), title);
    expect(h.lead).toBe("2 of 5 accounts can sign in without a second factor; 1 is an administrator.");
    expect(h.notChecked).toBeNull();
  });

  it("says 'of the accounts we could read' and what was not checked when coverage is incomplete", () => {
    const r = smallTenant();
    const partial = report(
      [...r.results, result({ name: "who@t1.example", status: "unknown", mfa: null })],
      [
        ...r.coverage,
        {
          ...coverage("okta", "failed"),
          reason: "permission missing: GET users: forbidden (missing: okta.users.read)",
        },
      ],
    );
    const h = headline(figures(partial), title);
    expect(h.lead).toBe(
      "2 of 5 accounts we could read can sign in without a second factor; 1 is an administrator.",
    );
    expect(h.notChecked).toContain("okta (connection “okta”) could not be read");
    expect(h.notChecked).toContain("1 account could not be fully judged");
  });

  it("never reads as all clear when nothing fails but a connection was not read", () => {
    const h = headline(
      figures(
        report(
          [result({ name: "ok@t1.example", status: "pass", mfa: { state: "enforced", strength: "app" } })],
          [withAccounts(coverage("google-workspace"), 1), coverage("okta", "partial")],
        ),
      ),
      title,
    );
    expect(h.lead).toBe("None of the 1 account we could read can sign in without a second factor.");
    expect(h.notChecked).toBe("Not checked: okta (connection “okta”) was only partly read.");
  });

  it("names each system when more than one has accounts without a second factor", () => {
    const r = report(
      [
        result({ name: "a@t1.example" }),
        result({
          name: "vpnuser",
          id: "vpnuser",
          subject: {
            kind: "account",
            id: "vpnuser",
            name: "vpnuser",
            source: "fortigate",
            connection: "fw1",
          },
        }),
      ],
      [coverage("google-workspace"), coverage("fortigate", "complete", "fw1")],
    );
    expect(headline(figures(r), title).details).toContain(
      "Accounts without a second factor by system: fortigate 1, Google Workspace 1.",
    );
  });
});

describe("per-system counts say what they count (#18 item 7)", () => {
  it("counts accounts by system, not the paths one account opens", () => {
    const fw = { source: "fortigate", connection: "fw1" };
    const vpnPath = (id: string) =>
      result({
        id,
        name: `SSL VPN ${id}`,
        policy: "vpn-login-requires-mfa",
        subject: { kind: "access-path", id, name: `SSL VPN ${id}`, ...fw },
      });
    const r = report(
      [
        result({ name: "a@t1.example" }),
        result({
          name: "vpnuser",
          policy: "firewall-admin-two-factor-enabled",
          subject: { kind: "account", id: "vpnuser", name: "vpnuser", ...fw },
        }),
        // The same VPN user through two gateways' paths: two open paths, still one account.
        vpnPath("gw1/vpnuser"),
        vpnPath("gw2/vpnuser"),
      ],
      [coverage("google-workspace"), coverage("fortigate", "complete", "fw1")],
    );
    const f = figures(r);
    expect(f.openPaths).toBe(2);
    expect(f.withoutSecondFactor).toBe(2);
    const { details } = headline(f, (s: string) => (s === "google-workspace" ? "Google Workspace" : s));
    expect(details).toContain("Accounts without a second factor by system: fortigate 1, Google Workspace 1.");
    expect(details).toContain(
      "2 entry points or access paths let at least one login in with a password alone.",
    );
  });
});

describe("score", () => {
  const cov = [coverage("google-workspace")];
  it("is 100 (A) when every weighted check passes and null when nothing is weighted", () => {
    const s = score([result({ status: "pass" })], cov);
    expect([s.value, s.band?.letter, s.provisional]).toEqual([100, "A", false]);
    expect(score([], cov).value).toBeNull();
    expect(score([result({ severity: "info" })], cov).value).toBeNull();
  });

  it("weights by severity and gives an unknown half credit", () => {
    // high pass 5 + high unknown 2.5 + medium fail 0 = 7.5 of 13 → 57
    const s = score(
      [result({ status: "pass" }), result({ status: "unknown" }), result({ severity: "medium" })],
      cov,
    );
    expect(s.value).toBe(57);
    expect(s.band?.letter).toBe("D");
  });

  it("caps at 59 while a critical check fails and at 74 (provisional) while coverage is incomplete", () => {
    const many = Array.from({ length: 40 }, (_, i) => result({ name: `u${i}@t1.example`, status: "pass" }));
    const critical = score([...many, result({ severity: "critical" })], cov);
    expect(critical.uncapped).toBeGreaterThan(90);
    expect(critical.value).toBe(59);
    const partial = score(many, [...cov, coverage("entra"), coverage("okta", "failed")]);
    expect([partial.value, partial.provisional, partial.band?.letter]).toEqual([74, true, "C"]);
  });

  it("never scores an excepted check as a pass: it earns nothing and a critical one caps like a failure", () => {
    const many = Array.from({ length: 9 }, (_, i) => result({ name: `u${i}@t1.example`, status: "pass" }));
    const exception = { reason: "pilot", approvedBy: "it@msp.example", expires: "2027-01-01" };
    // 9 × high 5 passing = 45 of 50 with one high excepted → 90, not 100.
    expect(score([...many, result({ status: "excepted", exception })], cov).value).toBe(90);
    expect(score([...many, result({ status: "pass" })], cov).value).toBe(100);
    const critical = score([...many, result({ severity: "critical", status: "excepted", exception })], cov);
    expect(critical.value).toBe(59);
    expect(critical.caps.join(" ")).toContain("accepted as a risk");
  });

  it("gives no grade when too little was read, and says why", () => {
    const undecided = Array.from({ length: 4 }, (_, i) =>
      result({ name: `u${i}@t1.example`, status: "unknown", mfa: null }),
    );
    // All unknown would otherwise be 50 · D: nothing was shown to be safe or unsafe.
    const blind = score(undecided, cov);
    expect([blind.value, blind.band]).toEqual([null, null]);
    expect(blind.notGraded).toBe("only 0% of what was checked (weighted by severity) could be decided");
    // Just enough decided: 2 of 4 equal checks.
    const half = score(
      [...undecided.slice(0, 2), result({ status: "pass" }), result({ name: "x", status: "fail" })],
      cov,
    );
    expect([half.value, half.notGraded]).toEqual([50, null]);
    expect(score([result({ status: "pass" })], [coverage("entra", "failed")]).notGraded).toBe(
      "its one system could not be read",
    );
    expect(
      score([result({ status: "pass" })], [...cov, coverage("entra", "failed"), coverage("okta", "failed")])
        .notGraded,
    ).toBe("2 of its 3 systems could not be read");
    expect(score([result({ status: "pass" })], []).notGraded).toBe("no system was read");
    const page = toHtml(report(undecided, [coverage("google-workspace", "failed")]));
    expect(shown(page, "not-graded")).toBe(
      "Not enough could be read to grade this tenant: its one system could not be read.",
    );
    expect(page).toMatch(/data-testid="score-band">.*<span>Not graded<\/span>/);
    expect(page).not.toMatch(/\b50 \/ 100|· D\b/);
  });

  it("explains itself with the same numbers it uses", () => {
    const text = scoreMethod().join(" ");
    expect(text).toContain("critical 10, high 5, medium 3, low 1, info 0");
    expect(text).toContain("at most 59");
    expect(text).toContain("at most 74");
  });
});

describe("escaping", () => {
  it("escapes text and attributes, and shows control and direction characters", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;",
    );
    expect(visible("red\x1b[31m\x07 evil\u202Egpj.exe\u200b")).toBe(
      "red\\x1b[31m\\x07 evil\\u202egpj.exe\\u200b",
    );
    expect(html`<p title="${'"><script>'}">${"<b>"}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;</p>',
    );
  });

  it("keeps embedded JSON from ending its script element", () => {
    const json = jsonForScript({ name: "</script><script>alert(1)</script><!--", sep: "\u2028" }).value;
    expect(json).not.toMatch(/[<>]/);
    expect(json).not.toContain("\u2028");
    expect(JSON.parse(json)).toEqual({ name: "</script><script>alert(1)</script><!--", sep: "\u2028" });
  });

  it("makes ids from tenant data that can only contain [a-z0-9-] and keeps different inputs apart", () => {
    for (const text of ['"><img src=x>', "a b", "a-b", "\u202e", ""])
      expect(slug(text)).toMatch(/^[a-z0-9-]+$/);
    expect(slug("a b")).not.toBe(slug("a-b"));
  });
});

describe("toHtml", () => {
  it("names files the technician's machine read by their file name only (issue #24)", () => {
    const local = "/home/tech/customers/acme/asa-running-config.txt";
    const r = report(
      [
        result({
          message: `${local} line 3 lets a local user in with a password alone`,
          evidence: [
            { source: "cisco-asa", connection: "asa", file: local, line: 3, field: "aaa", value: local },
            { source: "ssh", connection: "ssh", file: "/etc/pam.d/sshd", line: 1, note: `see ${local}` },
            { source: "entra", connection: "entra", endpoint: "GET /users/{id}/authentication/methods" },
          ],
        }),
      ],
      [{ ...coverage("okta", "partial"), reason: "cannot read C:\\Users\\tech\\acme\\okta.json (ENOENT)" }],
    );
    const page = toHtml(r);
    expect(page).not.toContain("/home/tech");
    expect(page).not.toContain("Users\\tech");
    expect(page).toContain("asa-running-config.txt:3");
    expect(page).toContain("pam.d/sshd:1");
    expect(page).toContain("cannot read okta.json (ENOENT)");
    expect(page).toContain("GET /users/{id}/authentication/methods");
    // The machine-readable report keeps the technician's paths.
    expect(JSON.stringify(r)).toContain(local);
  });

  it("lists finding groups in severity order, whether they fail or could not be decided", () => {
    const r = report(
      [
        result({ name: "a@t1.example", policy: "p-medium-fail", severity: "medium" }),
        result({
          name: "b@t1.example",
          policy: "p-critical-unknown",
          severity: "critical",
          status: "unknown",
        }),
        result({ name: "c@t1.example", policy: "p-high-fail", severity: "high" }),
        result({ name: "d@t1.example", policy: "p-low-fail", severity: "low" }),
      ],
      [withAccounts(coverage("google-workspace"), 4)],
    );
    const order = [...toHtml(r).matchAll(/id="check-(p-[a-z]+-[a-z]+)/g)].map((m) => m[1]);
    expect(order).toEqual(["p-critical-unknown", "p-high-fail", "p-medium-fail", "p-low-fail"]);
  });

  it("counts in each headline figure what its label says", () => {
    const r = report(
      [
        result({ name: "a@t1.example", status: "unknown", mfa: null }),
        result({ name: "b@t1.example", status: "unknown", mfa: null }),
        result({ name: "c@t1.example" }),
        result({ name: "d@t1.example", status: "pass", mfa: { state: "enforced", strength: "app" } }),
      ],
      [withAccounts(coverage("google-workspace"), 4), coverage("okta", "partial"), coverage("entra")],
    );
    const page = toHtml(r);
    // "checks could not be decided": the undecided checks, not checks plus systems.
    expect(shown(page, "kpi-unchecked")).toBe("2");
    expect(page).toContain("+ 1 system not fully read");
    expect(shown(page, "kpi-fail")).toBe("1");
  });

  it("shows the computed figures on the first screen", () => {
    const r = smallTenant();
    const page = toHtml(r);
    const f = figures(r);
    expect(shown(page, "kpi-without")).toBe(String(f.withoutSecondFactor));
    expect(shown(page, "kpi-admins")).toBe(String(f.adminsWithoutSecondFactor));
    expect(shown(page, "kpi-fail")).toBe(String(f.fail));
    expect(shown(page, "score-value")).toBe(String(f.score.value));
    expect(shown(page, "headline")).toBe(headline(f, () => "Google Workspace").lead);
    expect(page).toContain('data-testid="top-risks"');
    const data = JSON.parse(
      /<script type="application\/json" id="mfasweep-figures">([^<]*)<\/script>/.exec(page)![1]!,
    );
    expect(data).toMatchObject({
      withoutSecondFactor: 2,
      accounts: 5,
      adminsWithoutSecondFactor: 1,
      score: f.score.value,
    });
  });

  it("is one self-contained file whose only script is the one the CSP names by hash", () => {
    const page = toHtml(hostileReport());
    expect(page).toMatch(/^<!doctype html>/);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/
      .exec(page)?.[1]
      ?.replaceAll("&#39;", "'");
    expect(csp).toBe(contentSecurityPolicy());
    expect(csp).toContain("default-src 'none'");
    const hash = createHash("sha256").update(script).digest("base64");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[1])).toEqual([' type="application/json" id="mfasweep-figures"', ""]);
    expect(scripts[1]![2]).toBe(script);
    // Nothing that would load: no src/srcset, no stylesheet links, no CSS url()/@import, only in-page hrefs.
    // Attribute names of every tag, with quoted values blanked (they may quote hostile text, escaped).
    const tags = [...page.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(
      tags.filter((t) => /\s(src|srcset|action|formaction|poster|background|on[a-z]+)=/i.test(t)),
    ).toEqual([]);
    expect(page).not.toMatch(/<link\b|<iframe|<object|<embed|<img|@import|url\(/i);
    for (const m of page.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z0-9-]+$/);
  });

  it("escapes hostile tenant strings in text, attributes and embedded data", () => {
    const page = toHtml(hostileReport());
    expect(page).not.toContain("<script>window.__pwned");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("\x1b");
    expect(page).not.toContain("\x07");
    expect(page).not.toContain("\u202e");
    expect(page).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    expect(page).toContain("&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;");
    expect(page).toContain("o&#39;brien&quot;quoted&quot; &#96;tick&#96;");
    expect(page).toContain("\\x1b[31mred\\x1b[0m\\x07bell");
    expect(page).toContain("evil\\u202egpj.exe");
    // Every element is one of ours: tag names never come from the data.
    const tags = new Set([...page.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const ours =
      "html head meta title style body header div h1 h2 h3 main p strong section svg circle text span dl dt dd a ol li figure figcaption g rect ul table caption colgroup col thead tr th tbody td code article label input select option button footer em script br line path small";
    expect([...tags].filter((t) => !ours.split(" ").includes(t))).toEqual([]);
    // Attribute values never contain a raw quote or angle bracket from the data.
    for (const m of page.matchAll(/\s[a-z-]+="([^"]*)"/g)) expect(m[1]).not.toMatch(/[<>]/);
    const data = /<script type="application\/json" id="mfasweep-figures">([^<]*)<\/script>/.exec(page)![1]!;
    expect(JSON.parse(data).tenants[0].name).toContain("<script>window.__pwned=1</script>");
  });

  it("states plainly what was not checked", () => {
    const page = toHtml(hostileReport());
    expect(page).toContain('data-testid="not-checked"');
    expect(page).toContain("What we could not check");
    expect(page).toContain("could not be decided");
    expect(page).toContain("Provisional: part of the tenant could not be read.");
  });

  it("is what render() returns for --format html", () => {
    const r = smallTenant();
    expect(outputFormats).toContain("html");
    expect(render(r, "html", { color: false, width: 80, all: false })).toBe(toHtml(r));
  });

  it("lists every tenant with its own score in a multi-tenant report, lowest first", () => {
    const a = smallTenant().results;
    const b = [
      result({
        tenant: "t2",
        name: "fine@t2.example",
        status: "pass",
        mfa: { state: "enforced", strength: "app" },
      }),
    ];
    const page = toHtml(
      report(
        [...a, ...b],
        [
          withAccounts(coverage("google-workspace"), 5),
          { ...withAccounts(coverage("google-workspace"), 1), tenant: "t2" },
        ],
        [
          { id: "t1", name: "Tenant One", role: "customer" },
          { id: "t2", name: "Tenant Two", role: "customer" },
        ],
      ),
    );
    const cards = [
      ...page.matchAll(/data-testid="tenant-card">[\s\S]*?<h3>([^<]*)<\/h3><p><strong>([^<]*)</g),
    ].map((m) => [m[1], m[2]]);
    expect(cards).toEqual([
      [
        "Tenant One",
        `${figures({ coverage: [withAccounts(coverage("google-workspace"), 5)], results: a }).score.value} / 100`,
      ],
      ["Tenant Two", "100 / 100"],
    ]);
  });
});

describe("charts", () => {
  it("write every number as text and escape labels", () => {
    const svg = stackedBars({
      id: "x",
      title: "MFA <state>",
      unit: "accounts",
      series: [
        { key: "none", label: "None", tone: "mfa-none" },
        { key: "enforced", label: "Enforced", tone: "enforced" },
      ],
      rows: [{ label: '<img src=x onerror="1">', values: { none: 3, enforced: 9 } }],
    }).value;
    expect(svg).not.toContain("<img");
    expect(svg).toContain("MFA &lt;state&gt;");
    expect(svg).toMatch(/None <strong>3<\/strong>/);
    expect(svg).toMatch(/>12<\/text>/); // the row total
  });

  it("writes each bar's label in full on its own line, above the bar (no clipped system names)", () => {
    const names = ["ConnectWise Automate", "Microsoft Entra ID (workforce)", "Palo Alto GlobalProtect"];
    const svg = stackedBars({
      id: "long",
      title: "MFA state",
      unit: "accounts",
      series: [{ key: "none", label: "None", tone: "mfa-none" }],
      rows: names.map((label) => ({ label, values: { none: 2 } })),
    }).value;
    const labels = [...svg.matchAll(/<text class="axis-label row-label" x="0" y="([\d.]+)">([^<]*)</g)];
    expect(labels.map((m) => m[2])).toEqual(names);
    const bars = [...svg.matchAll(/<rect[^>]* y="([\d.]+)"/g)].map((m) => Number(m[1]));
    for (const [i, m] of labels.entries()) expect(Number(m[1])).toBeLessThan(bars[i]!);
  });

  it("draws a trend with one point per sweep, and a ring without a score", () => {
    const line = lineChart({
      id: "t",
      title: "Open findings",
      points: [3, 5, 2].map((v, i) => ({ label: `w${i}`, value: v })),
    }).value;
    expect(line.match(/<circle/g)).toHaveLength(3);
    expect(line).toContain('aria-label="Open findings: w0: 3; w1: 5; w2: 2"');
    expect(
      scoreRing({ value: null, band: null, uncapped: null, caps: [], provisional: false, notGraded: null })
        .value,
    ).toContain("not graded");
  });
});
