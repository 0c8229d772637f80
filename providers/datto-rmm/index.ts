import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
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

/** Users, page by page; each record validated on its own so one bad record is counted, not fatal. */
async function listUsers(ctx: Ctx, client: DattoRmmClient): Promise<AuthUser[]> {
  const label = `GET ${paths.users}`;
  const users: AuthUser[] = [];
  let page = 0;
  try {
    for await (const data of client.users()) {
      page++;
      for (const [i, raw] of (data.users ?? []).entries()) {
        const user = AuthUser.safeParse(raw);
        if (user.success) users.push(user.data);
        else {
          const issue = user.error.issues[0];
          ctx.skip(
            `user record ${i + 1} on page ${page}`,
            `${label}: ${issue?.message ?? "invalid"} at ${issue?.path.join(".")}`,
          );
        }
      }
      ctx.progress("users", users.length);
    }
  } catch (err) {
    // Without the first page nothing is known; after it, keep what was read and say the list is cut short.
    if (page === 0) throw err;
    ctx.gap(`users after page ${page}`, describeError(err));
  }
  return users;
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = { connection: ctx.connectionId, platform: ctx.settings.platform };
    ctx.progress("users");
    const users = await listUsers(ctx, client);
    const entryPoint = consoleEntryPoint(mapping);
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
    const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
    return [{ check: label, ok: false, ...(missing ? { missing } : {}), detail: describeError(err) }];
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
