import { consoleInventory, failedCheck, unreadOf, validRecords } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { paths, TeamViewerUser, viewUsersPermission } from "./api.js";
import { TeamViewerClient } from "./client.js";
import { TeamViewerSettings } from "./settings.js";
import { companyEntryPoint, type MappingContext, signInPath, source, toAccount } from "./transform.js";

type Ctx = CollectContext<TeamViewerSettings>;

async function connect(ctx: Ctx): Promise<TeamViewerClient> {
  return new TeamViewerClient(ctx, (await ctx.secret(ctx.settings.auth.token)).reveal());
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = {
      connection: ctx.connectionId,
      ...(ctx.settings.sso ? { sso: ctx.settings.sso } : {}),
    };
    ctx.progress("users");
    const raws = await client.users();
    const label = `GET ${paths.users}`;
    const users = validRecords(ctx, raws, TeamViewerUser, "user", label);
    const read = { items: users, skipped: raws.length - users.length };
    return consoleInventory(
      mapping,
      users,
      { entryPoint: companyEntryPoint, toAccount, signInPath },
      unreadOf(read, "user", label),
    );
  } finally {
    await client.close();
  }
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await connect(ctx);
  const label = `GET ${paths.users}?full_list=true`;
  try {
    const users = await client.users();
    return [{ check: label, ok: true, detail: `readable (${users.length} users)` }];
  } catch (err) {
    return [failedCheck(label, err)];
  } finally {
    await client.close();
  }
}

export const teamviewer = defineProvider<TeamViewerSettings>({
  type: source,
  title: "TeamViewer",
  connectionSchema: TeamViewerSettings,
  permissions: [
    `TeamViewer Management Console > Edit profile > Apps > Create script token, with only '${viewUsersPermission}' (read-only).`,
    "The token belongs to a company administrator's account; mfasweep reads GET /api/v1/users?full_list=true.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
