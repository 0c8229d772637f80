import { describe, expect, it } from "vitest";
import type { ExceptionEntry } from "../../../src/config/schema.js";
import { ExceptionUse, type SeenSubject } from "../../../src/evaluate/exceptions.js";

/**
 * Issue #23 item 5: an exception whose subject matches nothing is reported, but only where absence is
 * proven (every tenant it names read completely), and once per exception.
 */

const exception = (match: Partial<ExceptionEntry["match"]>): ExceptionEntry => ({
  match: { tenant: "acme", policy: "p1", subject: "*", ...match },
  reason: "kiosk account",
  approvedBy: "lead@msp.example",
  expires: "2099-01-01",
});

const subject = (id: string, name: string, connection = "okta", source = "okta") => ({
  id,
  name,
  connection,
  source,
});
const alice: SeenSubject = { policy: "p1", subject: subject("00u1", "alice@acme.example") };
const bob: SeenSubject = { policy: "p2", subject: subject("00u2", "bob@acme.example") };
const carol: SeenSubject = {
  policy: "p1",
  subject: subject("c-9", "carol@beta.example", "google", "google-workspace"),
};

interface Case {
  name: string;
  match: Partial<ExceptionEntry["match"]>;
  /** What each tenant reported, in order: [tenant, read completely, subjects]. */
  seen: Array<[string, boolean, SeenSubject[]]>;
  /** The tenants it is reported in, or null when it is not reported. */
  reported: string[] | null;
}

const cases: Case[] = [
  {
    name: "an id that is there",
    match: { subject: "00u1" },
    seen: [["acme", true, [alice]]],
    reported: null,
  },
  {
    name: "a misspelt id",
    match: { subject: "00u7" },
    seen: [["acme", true, [alice, bob]]],
    reported: ["acme"],
  },
  {
    name: "a name within its connection",
    match: { subject: "alice@acme.example", connection: "okta" },
    seen: [["acme", true, [alice]]],
    reported: null,
  },
  {
    name: "a name within another connection",
    match: { subject: "alice@acme.example", connection: "google" },
    seen: [["acme", true, [alice]]],
    reported: ["acme"],
  },
  {
    name: "a name without its connection (the engine already says it is not applied)",
    match: { subject: "alice@acme.example" },
    seen: [["acme", true, [alice]]],
    reported: null,
  },
  {
    name: "a subject that is there under another policy only",
    match: { subject: "00u2" },
    seen: [["acme", true, [alice, bob]]],
    reported: ["acme"],
  },
  {
    name: "a misspelt id in a tenant read partly: absence is not proven",
    match: { subject: "00u7" },
    seen: [["acme", false, [alice]]],
    reported: null,
  },
  {
    name: "a tenant read completely by one connection and partly by another",
    match: { subject: "00u7" },
    seen: [
      ["acme", true, [alice]],
      ["acme", false, []],
    ],
    reported: null,
  },
  {
    name: "a tenant this run did not read",
    match: { subject: "00u7" },
    seen: [["beta", true, [carol]]],
    reported: null,
  },
  {
    name: "every tenant: there in one of them",
    match: { tenant: "*", subject: "c-9" },
    seen: [
      ["acme", true, [alice]],
      ["beta", true, [carol]],
    ],
    reported: null,
  },
  {
    name: "every tenant: in none, each read completely",
    match: { tenant: "*", subject: "nobody" },
    seen: [
      ["acme", true, [alice]],
      ["beta", true, [carol]],
    ],
    reported: ["acme", "beta"],
  },
  {
    name: "every tenant, but this run read only one of them (--tenant)",
    match: { tenant: "*", subject: "nobody" },
    seen: [["acme", true, [alice]]],
    reported: null,
  },
  {
    name: "a source filter that excludes the subject",
    match: { subject: "00u1", source: "google-workspace" },
    seen: [["acme", true, [alice]]],
    reported: ["acme"],
  },
  {
    name: "every subject of a policy with no result in the tenant",
    match: { policy: "p3" },
    seen: [["acme", true, [alice, bob]]],
    reported: ["acme"],
  },
];

describe("ExceptionUse: which exceptions matched nothing", () => {
  it.each(cases)("$name", ({ match, seen, reported }) => {
    const use = new ExceptionUse([{ index: 4, exception: exception(match) }]);
    for (const [tenant, complete, subjects] of seen) use.record(tenant, complete, subjects);
    const out = use.unmatched(["acme", "beta"]);
    expect(out.length ? out[0]?.tenants : null).toEqual(reported);
    if (reported) expect(out).toEqual([expect.objectContaining({ index: 4 })]);
  });

  it("reports each exception once, and only those that matched nothing", () => {
    const use = new ExceptionUse([
      { index: 0, exception: exception({ subject: "00u1" }) },
      { index: 1, exception: exception({ subject: "gone" }) },
      { index: 2, exception: exception({ tenant: "*", subject: "gone" }) },
    ]);
    use.record("acme", true, [alice]);
    use.record("beta", true, [carol]);
    expect(use.unmatched(["acme", "beta"]).map((u) => [u.index, u.tenants])).toEqual([
      [1, ["acme"]],
      [2, ["acme", "beta"]],
    ]);
  });
});
