import { describe, expect, it } from "vitest";
import type { PsaCompany } from "../../../src/export/ticketing/types.js";
import {
  matchCompanies,
  normaliseName,
  type TenantForMatch,
  websiteDomain,
} from "../../../src/onboarding/psa-match.js";

describe("normaliseName", () => {
  it.each([
    ["Contoso Ltd", "contoso"],
    ["The Contoso Group, Ltd.", "contoso group"],
    ["Société Générale S.A.", "societe generale"],
    ["Smith & Sons, Inc", "smith and sons"],
    ["  FABRIKAM   gmbh ", "fabrikam"],
    ["Ltd", "ltd"],
    ["The", "the"],
  ])("%s → %s", (name, want) => expect(normaliseName(name)).toBe(want));
});

describe("websiteDomain", () => {
  it.each([
    ["https://www.Contoso.com/about", "contoso.com"],
    ["contoso.com", "contoso.com"],
    ["http://shop.contoso.com:8080", "shop.contoso.com"],
    ["www.fabrikam.example.", "fabrikam.example"],
    ["", undefined],
    ["not a url at all", undefined],
    ["localhost", undefined],
    [undefined, undefined],
  ])("%s → %s", (website, want) => expect(websiteDomain(website)).toBe(want));
});

const companies: PsaCompany[] = [
  { id: 1, name: "Contoso Limited", website: "https://www.contoso.com" },
  { id: 2, name: "Contoso Ltd", website: "contoso-old.example" }, // same name as the tenant, other domain
  { id: 3, name: "Fabrikam, Inc." },
  { id: 4, name: "Twin One", website: "twins.example" },
  { id: 5, name: "Twin Two", website: "https://twins.example/" },
  { id: 6, name: "Northwind Traders" },
  { id: 7, name: "Northwind Traders Ltd" },
  { id: 8, name: "Adatum Corporation", identifier: "ADATUM-01" },
  { id: 9, name: "Shared Co" },
  { id: 10, name: "Held Already", website: "held.example" },
];

const tenant = (id: string, name: string, domains: string[] = [], mapped?: number): TenantForMatch => ({
  id,
  name,
  domains,
  ...(mapped !== undefined ? { mapped } : {}),
});

describe("matchCompanies", () => {
  const result = matchCompanies(
    [
      tenant("contoso", "Contoso Ltd", ["contoso.com"]), // domain beats the exact name of company 2
      tenant("fabrikam", "Fabrikam"), // name, legal form dropped
      tenant("twins", "Twins", ["twins.example"]), // two companies by domain: ambiguous
      tenant("northwind", "Northwind Traders"), // two companies by name: ambiguous
      tenant("adatum01", "A. Datum"), // identifier only
      tenant("shared-a", "Shared Co"), // one company, two tenants: both ambiguous
      tenant("shared-b", "Shared Company"),
      tenant("held", "Held", ["held.example"]), // company already mapped to another tenant
      tenant("owner", "Owner", [], 10),
      tenant("gone", "Gone", [], 99), // mapped to a company the PSA does not list
      tenant("nobody", "Nobody Here", ["nobody.example"]),
    ],
    companies,
  );
  const proposedFor = (id: string) => result.proposed.find((p) => p.tenant === id);
  const reasonFor = (id: string) => result.unmatched.find((u) => u.tenant === id)?.reason;

  it.each([
    ["contoso", 1, "domain", "contoso.com"],
    ["fabrikam", 3, "name", "fabrikam"],
    ["adatum01", 8, "identifier", "adatum01"],
  ])("%s → company %i by %s", (id, company, confidence, because) => {
    expect(proposedFor(id)).toMatchObject({ company: { id: company }, confidence, because });
  });

  it.each([
    ["twins", /ambiguous: 2 companies match by domain \(Twin One #4, Twin Two #5\)/],
    ["northwind", /ambiguous: 2 companies match by name/],
    ["shared-a", /Shared Co #9 also matches tenant 'shared-b'/],
    ["shared-b", /Shared Co #9 also matches tenant 'shared-a'/],
    ["held", /also matches tenant 'owner' \(already mapped\)/],
    ["nobody", /no company matches/],
  ])("%s stays unmatched: %s", (id, reason) => {
    expect(proposedFor(id)).toBeUndefined();
    expect(reasonFor(id)).toMatch(reason);
  });

  it("keeps existing mappings and says when their company is not listed", () => {
    expect(result.kept).toEqual([
      { tenant: "owner", companyId: 10, found: true },
      { tenant: "gone", companyId: 99, found: false },
    ]);
    expect(result.proposed.map((p) => p.tenant).sort()).toEqual(["adatum01", "contoso", "fabrikam"]);
  });
});
