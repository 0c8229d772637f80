import { describe, expect, it } from "vitest";
import { toHtml } from "../../../src/export/html/index.js";
import { toTable } from "../../../src/export/table.js";
import { coverage } from "../../helpers/inventory.js";
import { report, result } from "../../helpers/report.js";

/** Issue #13: every override of a tenant's profile is shown, so nobody can quietly weaken the bar. */
const weakened = report(
  [result({})],
  [coverage("google-workspace")],
  [
    {
      id: "t1",
      name: "Tenant One",
      role: "customer",
      profile: "strict",
      overrides: [
        { policy: "google-ou-2sv-enforced", change: "disabled", source: "tenant" },
        { policy: "google-user-2sv-enforced", change: "severity low", source: "tenant" },
      ],
    },
  ],
);

describe("the baseline each tenant was judged by", () => {
  it("is listed in the terminal table with every override", () => {
    const table = toTable(weakened, { color: false, width: 160, all: false });
    expect(table).toContain(
      "Baseline:\n  t1: profile strict; google-ou-2sv-enforced disabled (tenant); google-user-2sv-enforced severity low (tenant)",
    );
  });

  it("is listed in the HTML report with every override", () => {
    const page = toHtml(weakened);
    const baseline = /<div data-testid="baseline">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? "";
    expect(baseline).toContain("profile <code>strict</code>, with 2 overrides");
    expect(baseline).toContain("<code>google-ou-2sv-enforced</code> disabled (tenant)");
    expect(baseline).toContain("<code>google-user-2sv-enforced</code> severity low (tenant)");
  });

  it("says so when there is none", () => {
    const plain = report([result({})], [coverage("google-workspace")]);
    expect(toTable(plain, { color: false, width: 160, all: false })).toContain(
      "  t1: profile standard, no overrides",
    );
    expect(toHtml(plain)).toContain("profile <code>standard</code>, no overrides");
  });
});
