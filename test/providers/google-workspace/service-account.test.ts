import { generateKeyPairSync } from "node:crypto";
import { admin_directory_v1 } from "@googleapis/admin";
import { afterEach, describe, expect, it } from "vitest";
import { allScopes, directoryScopes, groupMembersScope } from "../../../providers/google-workspace/api.js";
import { createGoogleAuth } from "../../../providers/google-workspace/client.js";
import { seedTenant, seedUser, startGoogleEmulator } from "../../../providers/google-workspace/emulator.js";
import { GoogleWorkspaceSettings } from "../../../providers/google-workspace/settings.js";
import { Secret } from "../../../src/config/secrets.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";

/**
 * google-auth-library's JWT client posts its assertion to a fixed Google URL. Here its transport sends that
 * one request to the emulator, which verifies the RS256 signature and the claims as Google does; the
 * signing, claims and token handling are the library's own.
 */
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const clientEmail = "mfasweep-audit@msp-tools-123.iam.gserviceaccount.com";
const keyFile = JSON.stringify({
  type: "service_account",
  client_email: clientEmail,
  private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
  private_key_id: "k1",
});

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(delegatedScopes: string[], extra: Record<string, unknown> = {}) {
  emulator = await startGoogleEmulator({
    tenants: [
      seedTenant("acme.example", "unused", () => ({
        users: [
          seedUser("audit@acme.example", { isAdmin: true, isEnrolledIn2Sv: true }),
          seedUser("b@acme.example"),
        ],
      })),
    ],
    serviceAccounts: [
      {
        clientEmail,
        publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
        delegatedScopes,
      },
    ],
  });
  const url = emulator.url;
  const redirectTokenRequest = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    fetch(String(input) === "https://oauth2.googleapis.com/token" ? `${url}/token` : input, init);
  const settings = GoogleWorkspaceSettings.parse({
    type: "google-workspace",
    auth: {
      method: "service-account",
      serviceAccountKey: "file:/unused/key.json",
      subject: "audit@acme.example",
    },
    ...extra,
  });
  const secret = async (ref: string) => new Secret(keyFile, ref);
  return createGoogleAuth(settings, secret, { fetchImplementation: redirectTokenRequest as typeof fetch });
}

function tokenRequestClaims(): Record<string, unknown> {
  const body = new URLSearchParams(emulator?.requests.find((r) => r.path === "/token")?.body ?? "");
  const payload = body.get("assertion")?.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("google-workspace service account with domain-wide delegation", () => {
  it("signs an assertion for the subject with exactly the read-only scopes, and lists users with the token", async () => {
    const { auth, principal } = await setup(allScopes);
    expect(principal).toBe(`${clientEmail} as audit@acme.example`);
    const directory = new admin_directory_v1.Admin({ auth, rootUrl: `${emulator?.url}/`, retry: false });
    const users = await directory.users.list({ customer: "my_customer" });
    expect(users.data.users?.map((u) => u.primaryEmail)).toEqual(["audit@acme.example", "b@acme.example"]);

    const claims = tokenRequestClaims();
    expect(claims.iss).toBe(clientEmail);
    expect(claims.sub).toBe("audit@acme.example");
    expect(claims.aud).toBe("https://oauth2.googleapis.com/token");
    expect(String(claims.scope).split(" ").sort()).toEqual([...allScopes].sort());
  });

  it("asks for the group member scope only when customerAccessGroups are named", async () => {
    const wanted = [...allScopes, groupMembersScope];
    const { auth } = await setup(wanted, { customerAccessGroups: ["customer-access@acme.example"] });
    await auth.getAccessToken();
    expect(String(tokenRequestClaims().scope).split(" ").sort()).toEqual(wanted.sort());
  });

  it("a scope not delegated in the Admin console is refused at the token step", async () => {
    const { auth } = await setup([directoryScopes.users]);
    await expect(auth.getAccessToken()).rejects.toThrow(/unauthorized_client/);
  });
});
