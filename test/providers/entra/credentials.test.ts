import type { TokenCredentialOptions } from "@azure/identity";
import { generate } from "selfsigned";
import { describe, expect, it } from "vitest";
import { createCredential, resolveEndpoints } from "../../../providers/entra/client.js";
import { type Cloud, EntraSettings } from "../../../providers/entra/settings.js";
import { ProviderAuthError } from "../../../src/errors.js";

/**
 * MSAL refuses non-https authorities, so no emulator can stand in for the sign-in host. Instead the real
 * credential classes get an `httpClient` that records MSAL's token request and answers it in-process:
 * what goes on the wire (host, tenant path, scope, grant) is checked without any network.
 */

interface Sent {
  url: URL;
  body: URLSearchParams;
}

type HttpClient = NonNullable<TokenCredentialOptions["httpClient"]>;

function recordingHttpClient(sent: Sent[]): HttpClient {
  const headers = (values: Record<string, string>) => {
    const map = new Map(Object.entries(values));
    return {
      get: (name: string) => map.get(name.toLowerCase()),
      has: (name: string) => map.has(name.toLowerCase()),
      set: (name: string, value: string | number | boolean) =>
        void map.set(name.toLowerCase(), String(value)),
      delete: (name: string) => void map.delete(name.toLowerCase()),
      toJSON: () => Object.fromEntries(map),
      [Symbol.iterator]: () => map.entries(),
    };
  };
  // Only what MSAL's network client reads of a pipeline response is implemented.
  const client = {
    async sendRequest(request: { url: string; body?: unknown }) {
      sent.push({
        url: new URL(request.url),
        body: new URLSearchParams(typeof request.body === "string" ? request.body : ""),
      });
      return {
        request,
        status: 200,
        headers: headers({ "content-type": "application/json" }),
        bodyAsText: JSON.stringify({
          token_type: "Bearer",
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: "minted-token",
        }),
      };
    },
  };
  return client as unknown as HttpClient;
}

const tenantId = "11111111-2222-4333-8444-555555555555";
const clientId = "66666666-7777-4888-9999-000000000000";

function settings(cloud: Cloud, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return EntraSettings.parse({ type: "entra", tenantId, cloud, auth: { clientId, ...auth }, ...extra });
}

/**
 * `login` is the authority we configure; `wire` is where MSAL sends the token request. For China, MSAL's
 * built-in instance metadata lists login.chinacloudapi.cn as an alias whose preferred network is
 * login.partner.microsoftonline.cn, so that is the host on the wire.
 */
const expected: Record<Cloud, { graph: string; login: string; wire: string }> = {
  global: {
    graph: "https://graph.microsoft.com",
    login: "login.microsoftonline.com",
    wire: "login.microsoftonline.com",
  },
  usgov: {
    graph: "https://graph.microsoft.us",
    login: "login.microsoftonline.us",
    wire: "login.microsoftonline.us",
  },
  "usgov-dod": {
    graph: "https://dod-graph.microsoft.us",
    login: "login.microsoftonline.us",
    wire: "login.microsoftonline.us",
  },
  china: {
    graph: "https://microsoftgraph.chinacloudapi.cn",
    login: "login.chinacloudapi.cn",
    wire: "login.partner.microsoftonline.cn",
  },
};

const secret = async (ref: string) => ({
  reveal: () => (ref === "env:CERT" ? certificatePem : "s3cret-value"),
});
const pems = await generate([{ name: "commonName", value: "mfasweep-test-app" }], {
  keySize: 2048,
  algorithm: "sha256",
});
const certificatePem = `${pems.cert}\n${pems.private}`;

describe("Entra credentials per cloud (no network)", () => {
  for (const cloud of Object.keys(expected) as Cloud[]) {
    it(`${cloud}: Graph root and sign-in host`, () => {
      const e = resolveEndpoints(settings(cloud, { method: "client-secret", secret: "env:S" }));
      expect(e.graphBaseUrl).toBe(expected[cloud].graph);
      expect(e.authorityHost).toBe(`https://${expected[cloud].login}`);
      expect(e.scope).toBe(`${expected[cloud].graph}/.default`);
    });

    it(`${cloud}: a client secret requests a client-credentials token from the cloud's sign-in host`, async () => {
      const sent: Sent[] = [];
      const { credential, principal } = await createCredential(
        settings(cloud, { method: "client-secret", secret: "env:S" }),
        secret,
        {
          httpClient: recordingHttpClient(sent),
        },
      );
      const token = await credential.getToken(
        resolveEndpoints(settings(cloud, { method: "client-secret", secret: "env:S" })).scope,
      );
      expect(token?.token).toBe("minted-token");
      const request = sent.at(-1)!;
      expect(request.url.host).toBe(expected[cloud].wire);
      expect(request.url.pathname).toBe(`/${tenantId}/oauth2/v2.0/token`);
      expect(request.body.get("grant_type")).toBe("client_credentials");
      expect(request.body.get("scope")).toBe(`${expected[cloud].graph}/.default`);
      expect(request.body.get("client_id")).toBe(clientId);
      expect(request.body.get("client_secret")).toBe("s3cret-value");
      expect(principal).not.toContain("s3cret");
    });

    it(`${cloud}: a certificate signs a client assertion for the cloud's sign-in host`, async () => {
      const sent: Sent[] = [];
      const s = settings(cloud, { method: "client-certificate", certificate: "env:CERT" });
      const { credential } = await createCredential(s, secret, { httpClient: recordingHttpClient(sent) });
      await credential.getToken(resolveEndpoints(s).scope);
      const request = sent.at(-1)!;
      expect(request.url.host).toBe(expected[cloud].wire);
      expect(request.body.get("client_assertion_type")).toBe(
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      );
      const [, payload] = (request.body.get("client_assertion") ?? "").split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as {
        aud: string;
        iss: string;
      };
      expect(claims.iss).toBe(clientId);
      expect(claims.aud).toContain(expected[cloud].wire);
      expect(request.body.get("client_secret")).toBeNull();
    });
  }

  it("an endpoint override moves Graph (a proxy) but keeps the cloud's token scope", () => {
    const e = resolveEndpoints(
      settings(
        "usgov",
        { method: "client-secret", secret: "env:S" },
        { endpoint: "https://graph-proxy.msp.example/", authorityHost: "https://login.proxy.example" },
      ),
    );
    expect(e).toMatchObject({
      graphBaseUrl: "https://graph-proxy.msp.example",
      authorityHost: "https://login.proxy.example",
      scope: "https://graph.microsoft.us/.default",
    });
  });

  it("a ready token is used as is, without any token request", async () => {
    const { credential, principal } = await createCredential(
      EntraSettings.parse({ type: "entra", tenantId, auth: { method: "access-token", token: "env:T" } }),
      async () => ({ reveal: () => "ready-token" }),
    );
    expect((await credential.getToken("https://graph.microsoft.com/.default"))?.token).toBe("ready-token");
    expect(principal).toBe("access token");
  });

  it("a certificate file without the private key is refused before any request", async () => {
    await expect(
      createCredential(
        settings("global", { method: "client-certificate", certificate: "env:C" }),
        async () => ({ reveal: () => pems.cert }),
      ),
    ).rejects.toThrow(ProviderAuthError);
  });

  it("the config refuses http authorities (MSAL would) and unknown clouds", () => {
    expect(() =>
      settings(
        "global",
        { method: "client-secret", secret: "env:S" },
        { authorityHost: "http://127.0.0.1:1" },
      ),
    ).toThrow();
    expect(() =>
      EntraSettings.parse({
        type: "entra",
        tenantId,
        cloud: "germany",
        auth: { method: "access-token", token: "env:T" },
      }),
    ).toThrow();
    expect(() =>
      EntraSettings.parse({
        type: "entra",
        tenantId,
        auth: { method: "client-secret", clientId, secret: "plain-secret" },
      }),
    ).toThrow(/env:NAME or file:PATH/);
  });
});
