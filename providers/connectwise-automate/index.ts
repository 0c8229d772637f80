import { consoleInventory, failedCheck, readPages, unreadOf } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { AutomateUser, paths } from "./api.js";
import { ConnectWiseAutomateClient, viewUsersPermission } from "./client.js";
import { ConnectWiseAutomateSettings } from "./settings.js";
import { consoleEntryPoint, type MappingContext, signInPath, source, toAccount } from "./transform.js";

type Ctx = CollectContext<ConnectWiseAutomateSettings>;

async function connect(ctx: Ctx): Promise<ConnectWiseAutomateClient> {
  const auth = ctx.settings.auth;
  const credentials =
    auth.method === "token"
      ? { token: (await ctx.secret(auth.token)).reveal() }
      : { username: auth.username, password: (await ctx.secret(auth.password)).reveal() };
  return new ConnectWiseAutomateClient(ctx, credentials);
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = {
      connection: ctx.connectionId,
      consoleUrl: `https://${ctx.settings.server}`,
      ...(ctx.settings.sso ? { sso: ctx.settings.sso } : {}),
    };
    ctx.progress("users");
    const pages = client.users(ctx.settings.pageSize);
    const users = await readPages(ctx, pages, AutomateUser, "user", `GET ${paths.users}`);
    return consoleInventory(
      mapping,
      users.items,
      { entryPoint: consoleEntryPoint, toAccount, signInPath },
      unreadOf(users, "user", `GET ${paths.users}`),
    );
  } finally {
    await client.close();
  }
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await connect(ctx);
  const label = `GET ${paths.users}?page=1&pageSize=1`;
  try {
    for await (const _ of client.users(1)) break;
    return [
      {
        check: label,
        ok: true,
        detail: "readable; Automate exposes no MFA state, so non-SSO users need attestation",
      },
    ];
  } catch (err) {
    return [failedCheck(label, err)];
  } finally {
    await client.close();
  }
}

export const connectwiseAutomate = defineProvider<ConnectWiseAutomateSettings>({
  type: source,
  title: "ConnectWise Automate",
  connectionSchema: ConnectWiseAutomateSettings,
  permissions: [
    "A ConnectWise partner client id (developer.connectwise.com/ClientID), sent as the clientId header.",
    `Credentials of ${viewUsersPermission}; an integrator user (API only, no 2FA passcode) is recommended, or a bearer token minted elsewhere (auth.method: token).`,
    "mfasweep only reads GET /cwa/api/v1/Users. Automate exposes no MFA state: non-SSO users are 'unknown' (needs attestation).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
