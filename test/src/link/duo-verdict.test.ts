import { describe, expect, it } from "vitest";
import { type DuoUserView, duoUserOutcome } from "../../../src/link/duo/index.js";
import type { FactorStrength } from "../../../src/model/index.js";

/**
 * What Duo asks of one user at one application (src/link/duo/verdict.ts), from Duo's documented user
 * statuses (Admin API "Retrieve Users": active, bypass, disabled, locked out) and the application's
 * new-user policy (`enroll_policy`: enroll | allow | deny).
 */
const evidence = (field: string, value: string | boolean) => ({
  source: "duo",
  connection: "duo",
  field,
  value,
});

function user(fields: {
  status?: string;
  enrolled?: boolean | "unknown";
  methods?: Array<{ method: string; strength: FactorStrength }>;
}): DuoUserView {
  const status = fields.status ?? "active";
  const enrolled = fields.enrolled ?? true;
  return {
    username: "pat",
    status,
    enrolled,
    methods: fields.methods ?? (enrolled === true ? [{ method: "duo-push", strength: "app" }] : []),
    evidence: { status: evidence("status", status), enrolled: evidence("is_enrolled", String(enrolled)) },
  };
}
const app = (enrollPolicy: string | null) => ({ name: "VPN", enrollPolicy, evidence: [] });

describe("what Duo asks of a user (duoUserOutcome)", () => {
  it.each([
    ["bypass status", user({ status: "bypass" }), app("enroll"), "none"],
    // Enrolled is not enforced: Duo's policies, which can skip the second factor, are not read.
    ["active, push", user({}), app("deny"), "unknown"],
    [
      "active, WebAuthn only",
      user({ methods: [{ method: "webauthn", strength: "phishing-resistant" }] }),
      app("deny"),
      "unknown",
    ],
    ["unenrolled, new-user policy allow", user({ enrolled: false }), app("allow"), "bypassable"],
    ["unenrolled, new-user policy enroll", user({ enrolled: false }), app("enroll"), "bypassable"],
    ["unenrolled, new-user policy deny", user({ enrolled: false }), app("deny"), "unknown"],
    ["unenrolled, new-user policy not read", user({ enrolled: false }), undefined, "unknown"],
    ["enrolment not said", user({ enrolled: "unknown" }), app("enroll"), "unknown"],
    ["locked out", user({ status: "locked out" }), app("deny"), "unknown"],
  ] as const)("%s", (_label, u, application, state) => {
    const outcome = duoUserOutcome(u, application);
    expect(outcome.kind).toBe("path");
    if (outcome.kind !== "path") return;
    expect(outcome.verdict.state).toBe(state);
    expect(outcome.verdict.strength).toBeNull();
    expect(outcome.verdict.evidence.length).toBeGreaterThan(0);
  });

  it("refuses a disabled user: no path", () => {
    expect(duoUserOutcome(user({ status: "disabled" }), app("enroll"))).toMatchObject({ kind: "refused" });
  });

  it("names the weakest enrolled method of an active, enrolled user", () => {
    const outcome = duoUserOutcome(
      user({
        methods: [
          { method: "webauthn", strength: "phishing-resistant" },
          { method: "sms", strength: "weak" },
        ],
      }),
      app("enroll"),
    );
    expect(outcome.kind === "path" && outcome.verdict.reason).toMatch(/the weakest is weak/);
  });
});
