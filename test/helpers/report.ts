import { createHash } from "node:crypto";
import type { Coverage, Result } from "../../src/model/index.js";
import { type ScanReport, summarize } from "../../src/report.js";
import { coverage } from "./inventory.js";

/** Fixture builders: documented result shapes with only what a case is about spelled out. */
export function result(
  fields: Partial<Result> & { name?: string; id?: string; kind?: Result["subject"]["kind"] },
): Result {
  const { name = "ann@t1.example", id = name, kind = "account", ...rest } = fields;
  return {
    fingerprint: createHash("sha256")
      .update(`${rest.tenant ?? "t1"}|${rest.policy ?? "google-user-2sv-enforced"}|${id}`)
      .digest("hex")
      .slice(0, 32),
    policy: "google-user-2sv-enforced",
    title: "Every active Google Workspace account has 2-Step Verification enforced and enrolled",
    severity: "high",
    status: "fail",
    tenant: "t1",
    subject: { kind, id, name, source: "google-workspace", connection: "google-workspace" },
    mfa: { state: "none", strength: null },
    message: `${name}: 2-Step Verification is neither enforced nor enrolled`,
    evidence: [
      {
        source: "google-workspace",
        connection: "google-workspace",
        endpoint: "GET admin/directory/v1/users",
        objectId: id,
        field: "isEnforcedIn2Sv",
        value: false,
      },
    ],
    remediation: "Turn on 2SV enforcement for the user's organizational unit.",
    ...rest,
  };
}

export function report(results: Result[], cov: Coverage[], tenants?: ScanReport["tenants"]): ScanReport {
  return {
    schemaVersion: 1,
    tool: { name: "mfasweep", version: "0.1.0" },
    sweep: {
      id: "0f8e7d6c-aaaa-bbbb-cccc-1234567890ab",
      kind: "scan",
      startedAt: "2026-11-24T10:00:00.000Z",
      finishedAt: "2026-11-24T10:00:05.000Z",
    },
    tenants: tenants ?? [{ id: "t1", name: "Tenant One", role: "customer" }],
    coverage: cov,
    summary: summarize(results, cov),
    results,
  };
}

export function withAccounts(c: Coverage, accounts: number): Coverage {
  return { ...c, counts: { ...c.counts, accounts } };
}

/** A small tenant: 5 accounts read, 2 without a second factor (1 an admin), one enforced, one weak. */
export function smallTenant(): ScanReport {
  return report(
    [
      result({
        name: "boss@t1.example",
        policy: "google-admin-2sv-enrolled",
        severity: "critical",
        mfa: { state: "bypassable", strength: null },
      }),
      result({ name: "boss@t1.example", severity: "medium", mfa: { state: "bypassable", strength: null } }),
      result({ name: "sam@t1.example", mfa: { state: "optional", strength: null } }),
      result({ name: "ok@t1.example", status: "pass", mfa: { state: "enforced", strength: "app" } }),
      result({
        name: "ok@t1.example @ Google sign-in",
        id: "ok@t1.example",
        policy: "mfa-factor-strength-sufficient",
        severity: "medium",
        status: "pass",
        mfa: { state: "enforced", strength: "app" },
      }),
      // Fails, but MFA is enforced: a weak factor is a finding, not "without a second factor".
      result({
        name: "sms@t1.example",
        policy: "mfa-factor-strength-sufficient",
        severity: "medium",
        mfa: { state: "enforced", strength: "weak" },
      }),
    ],
    [withAccounts(coverage("google-workspace"), 5)],
  );
}

export const hostileNames = [
  "<script>window.__pwned=1</script>",
  '"><img src=x onerror="window.__pwned=1">',
  'o\'brien"quoted" `tick`',
  "\x1b[31mred\x1b[0m\x07bell",
  "evil\u202Egpj.exe",
  `${"verylongname".repeat(40)}@t1.example`,
];

/** A report in which every tenant-controlled string is hostile. */
export function hostileReport(): ScanReport {
  const bad = hostileNames.join(" ");
  const results = hostileNames.map((name, i) =>
    result({
      name,
      id: `id-${i}-${name}`,
      tenant: "t1",
      severity: i === 0 ? "critical" : "high",
      policy: i === 0 ? "google-admin-2sv-enrolled" : "google-user-2sv-enforced",
      message: `${name} can sign in with a password alone`,
      evidence: [
        {
          source: "ssh",
          connection: name,
          file: `/etc/ssh/${name}`,
          line: 7,
          field: name,
          value: { [name]: name },
          note: name,
        },
      ],
      remediation: `Fix ${name}`,
      ...(i === 2
        ? { status: "excepted", exception: { reason: name, approvedBy: name, expires: "2027-01-01" } }
        : {}),
    }),
  );
  results.push(
    result({
      kind: "entry-point",
      id: "ep",
      name: hostileNames[1]!,
      title: bad,
      policy: `p-${hostileNames[0]}`,
      mfa: { state: "bypassable", strength: null },
    }),
    result({
      name: hostileNames[0]!,
      id: "u-unknown",
      status: "unknown",
      mfa: null,
      subject: {
        kind: "account",
        id: "u-unknown",
        name: hostileNames[0]!,
        source: hostileNames[1]!,
        connection: hostileNames[3]!,
      },
    }),
  );
  const cov: Coverage[] = [
    withAccounts(coverage("google-workspace"), 9),
    {
      ...coverage(hostileNames[1]!, "partial", hostileNames[0]!),
      reason: bad,
      gaps: [{ what: hostileNames[0]!, reason: hostileNames[1]! }],
      notes: [hostileNames[3]!],
    },
  ];
  return report(results, cov, [
    { id: "t1", name: `Tenant ${hostileNames[0]} ${hostileNames[1]}`, role: "customer" },
  ]);
}
