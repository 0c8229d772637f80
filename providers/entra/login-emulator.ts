import { randomBytes } from "node:crypto";
import type { EmulatorRequest, EmulatorResponse } from "../../src/emulator/server.js";

/**
 * The sign-in host's part of the Entra emulator: the OAuth 2.0 client-credentials flow of a multi-tenant
 * app, per customer tenant. What is stated here is Microsoft's documented behaviour: MSAL first reads
 * `/{tenant}/v2.0/.well-known/openid-configuration`, then posts `grant_type=client_credentials` with
 * `scope=<resource>/.default` to `/{tenant}/oauth2/v2.0/token`; the access token's `roles` claim lists the
 * application permissions consented in that tenant. An app without a service principal in the tenant
 * (never consented there) is refused with AADSTS700016, a wrong secret with AADSTS7000215, an unknown
 * tenant with AADSTS90002.
 */

/** An app consented in a tenant: its client id, secret and the application permissions granted. */
export interface SeedConsentedApp {
  clientId: string;
  secret: string;
  permissions: string[];
}

export interface LoginTenant {
  tenantId: string;
  apps?: SeedConsentedApp[];
}

function oauthError(status: number, error: string, code: number, description: string): EmulatorResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: 00000000-0000-0000-0000-000000000000 Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: 2026-12-07 10:00:00Z`,
      error_codes: [code],
      timestamp: "2026-12-07 10:00:00Z",
      trace_id: "00000000-0000-0000-0000-000000000000",
      correlation_id: "00000000-0000-0000-0000-000000000000",
    },
  };
}

/** An unsigned JWT carrying the claims Graph reads (tid, appid, roles). */
function mint(tenantId: string, app: SeedConsentedApp, audience: string): string {
  return graphAccessToken(tenantId, { appId: app.clientId, roles: app.permissions, audience });
}

/**
 * A Graph access token as Entra issues one for an app in `tenantId`: a JWT whose `tid` claim is the GUID
 * of the issuing directory and whose `iss` names it (learn.microsoft.com/entra/identity-platform/
 * access-token-claims-reference). Unsigned (the emulator is the only party that checks it); the
 * signature part is random, so two tokens for one tenant differ. For tests that hand mfasweep a token
 * "minted elsewhere" (`auth.method: access-token`).
 */
export function graphAccessToken(
  tenantId: string,
  claims: { appId?: string; roles?: string[]; audience?: string } = {},
): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ typ: "JWT", alg: "none" })}.${part({
    aud: claims.audience ?? "https://graph.microsoft.com",
    iss: `https://sts.windows.net/${tenantId}/`,
    tid: tenantId,
    appid: claims.appId ?? "00000000-0000-0000-0000-00000000a11d",
    roles: claims.roles ?? [],
    exp: Math.floor(Date.now() / 1000) + 3600,
  })}.${randomBytes(16).toString("base64url")}`;
}

/**
 * Answers a sign-in path, or undefined when `req` is not one. `issued` is told about each token minted,
 * so the Graph side can accept it for that tenant with exactly the consented permissions.
 */
export function loginRoute(
  req: EmulatorRequest,
  tenants: LoginTenant[],
  issued: (token: string, tenant: LoginTenant, permissions: string[]) => void,
): EmulatorResponse | undefined {
  const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(req.path);
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.path);
  const tenantId = decodeURIComponent((discovery ?? token)?.[1] ?? "");
  if (!tenantId) return undefined;
  const tenant = tenants.find((t) => t.tenantId.toLowerCase() === tenantId.toLowerCase());
  if (!tenant)
    return oauthError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  const base = `${req.baseUrl}/${tenant.tenantId}`;
  if (discovery)
    return {
      status: 200,
      body: {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
      },
    };
  if (req.method !== "POST")
    return oauthError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
  const form = new URLSearchParams(req.body);
  if (form.get("grant_type") !== "client_credentials")
    return oauthError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  const scope = form.get("scope") ?? "";
  if (!scope.endsWith("/.default"))
    return oauthError(
      400,
      "invalid_scope",
      1002012,
      "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
    );
  const clientId = form.get("client_id") ?? "";
  const app = tenant.apps?.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  if (!app)
    return oauthError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  if (form.get("client_secret") !== app.secret)
    return oauthError(
      401,
      "invalid_client",
      7000215,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
    );
  const accessToken = mint(tenant.tenantId, app, scope.replace(/\/\.default$/, ""));
  issued(accessToken, tenant, app.permissions);
  return {
    status: 200,
    body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
  };
}
