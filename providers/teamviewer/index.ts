import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
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
    const users = raws.flatMap((raw, i): TeamViewerUser[] => {
      const parsed = TeamViewerUser.safeParse(raw);
      if (parsed.success) return [parsed.data];
      const issue = parsed.error.issues[0];
      ctx.skip(
        `user record ${i + 1}`,
        `GET ${paths.users}: ${issue?.message ?? "invalid"} at ${issue?.path.join(".")}`,
      );
      return [];
    });
    const entryPoint = companyEntryPoint(mapping);
    return {
      accounts: users.map((u) => toAccount(u, mapping)),
      entryPoints: [entryPoint],
      accessPaths: users.map((u) => signInPath(entryPoint, u, mapping)),
      settings: [],
      facts: [],
    };
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
    const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
    return [{ check: label, ok: false, ...(missing ? { missing } : {}), detail: describeError(err) }];
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
