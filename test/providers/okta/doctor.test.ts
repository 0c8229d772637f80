import { afterEach, describe, expect, it } from "vitest";
import { allOktaScopes } from "../../../providers/okta/api.js";
import { scenarioOrg } from "../../../providers/okta/emulator.js";
import { parseConfig } from "../../../src/composition.js";
import { doctor } from "../../../src/doctor.js";
import { closeAll, host, rsaKeyPair, startEmulator, token } from "./harness.js";

afterEach(closeAll);

function config(endpoint: string, auth: string): ReturnType<typeof parseConfig>["config"] {
  return parseConfig(
    `tenants:
  - id: acme
    name: Acme
    connections:
      - type: okta
        orgUrl: https://${host}
        endpoint: ${endpoint}
        auth: ${auth}
`,
  ).config;
}

describe("okta doctor", () => {
  it("names the OAuth scopes the service app lacks, from the token and from each refused endpoint", async () => {
    const keys = rsaKeyPair();
    const granted = allOktaScopes.filter((s) => s !== "okta.roles.read" && s !== "okta.groups.read");
    const seed = {
      ...scenarioOrg(host, token),
      clients: [{ clientId: "0oadoctor", publicKey: keys.publicPem, scopes: granted }],
    };
    const { emulator } = await startEmulator({ orgs: [seed] });
    const [report] = await doctor(
      config(emulator.url, "{ method: private-key, clientId: 0oadoctor, privateKey: env:OKTA_KEY }"),
      { env: { OKTA_KEY: keys.privatePem } },
    );
    const checks = new Map(report!.checks.map((c) => [c.check, c]));
    expect(checks.get("POST /oauth2/v1/token")).toMatchObject({
      ok: false,
      missing: ["okta.groups.read", "okta.roles.read"].sort(
        (a, b) => allOktaScopes.indexOf(a) - allOktaScopes.indexOf(b),
      ),
    });
    expect(checks.get("GET /api/v1/iam/assignees/users")).toMatchObject({
      ok: false,
      missing: ["okta.roles.read"],
    });
    expect(checks.get("GET /api/v1/groups")).toMatchObject({ ok: false, missing: ["okta.groups.read"] });
    for (const ok of [
      "GET /api/v1/users",
      "GET /api/v1/apps",
      "GET /api/v1/zones",
      "GET /api/v1/policies?type=OKTA_SIGN_ON",
    ])
      expect(checks.get(ok)?.ok, ok).toBe(true);
    expect(report!.permissions.join(" ")).toContain("okta.policies.read");
  });

  it("names the admin role an API token lacks (E0000006)", async () => {
    const seed = scenarioOrg(host, token);
    seed.tokens = [{ token, denied: [/^\/api\/v1\/policies/] }];
    const { emulator } = await startEmulator({ orgs: [seed] });
    const [report] = await doctor(config(emulator.url, "{ method: api-token, token: env:OKTA_TOKEN }"), {
      env: { OKTA_TOKEN: token },
    });
    const failing = report!.checks.filter((c) => !c.ok);
    expect(failing.map((c) => c.check)).toEqual([
      "GET /api/v1/policies?type=OKTA_SIGN_ON",
      "GET /api/v1/policies?type=ACCESS_POLICY",
      "GET /api/v1/policies?type=MFA_ENROLL",
    ]);
    expect(failing[0]?.missing?.[0]).toMatch(/admin role .*policies and rules.*Read-Only Administrator/);
    expect(report!.checks.find((c) => c.check === "GET /api/v1/users")?.ok).toBe(true);
  });

  it("reports refused credentials as a failed check, not a crash", async () => {
    const { emulator } = await startEmulator({ orgs: [scenarioOrg(host, token)] });
    const [report] = await doctor(config(emulator.url, "{ method: api-token, token: env:OKTA_TOKEN }"), {
      env: { OKTA_TOKEN: "00nope" },
    });
    expect(report!.checks.every((c) => !c.ok)).toBe(true);
    expect(report!.checks[0]?.detail).toMatch(/refused the credentials \(HTTP 401 E0000011/);
  });
});
