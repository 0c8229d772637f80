import { consoleInventory, failedCheck, readPages, unreadOf } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { AuthUser, paths } from "./api.js";
import { apiAccessPermission, DattoRmmClient } from "./client.js";
import { DattoRmmSettings } from "./settings.js";
import { consoleEntryPoint, type MappingContext, signInPath, source, toAccount } from "./transform.js";

type Ctx = CollectContext<DattoRmmSettings>;

async function connect(ctx: Ctx): Promise<DattoRmmClient> {
  const key = (await ctx.secret(ctx.settings.auth.apiKey)).reveal();
  const secret = (await ctx.secret(ctx.settings.auth.apiSecret)).reveal();
  return new DattoRmmClient(ctx, key, secret);
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = { connection: ctx.connectionId, platform: ctx.settings.platform };
    ctx.progress("users");
    const users = await readPages(ctx, client.userRecords(), AuthUser, "user", `GET ${paths.users}`);
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
  const label = `GET ${paths.users}`;
  try {
    for await (const page of client.users()) {
      return [
        {
          check: label,
          ok: true,
          detail: `readable (${page.pageDetails?.totalCount ?? page.users?.length ?? 0} users); Datto RMM exposes no MFA state, so every user needs attestation`,
        },
      ];
    }
    return [{ check: label, ok: true, detail: "readable (no users)" }];
  } catch (err) {
    return [failedCheck(label, err)];
  } finally {
    await client.close();
  }
}

export const dattoRmm = defineProvider<DattoRmmSettings>({
  type: source,
  title: "Datto RMM",
  connectionSchema: DattoRmmSettings,
  permissions: [
    `${apiAccessPermission}.`,
    "Use a dedicated API user whose security level can view users; mfasweep only reads GET /api/v2/account/users.",
    "Datto RMM's API exposes no MFA state: results are 'unknown' (needs attestation) until an attestation covers them.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
