import type { z } from "zod";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { BeyondTrustUser, paths, SecurityProvider } from "./api.js";
import { BeyondTrustClient, configApiPermission } from "./client.js";
import { BeyondTrustSettings } from "./settings.js";
import { type MappingContext, signInPath, siteEntryPoint, source, toAccount } from "./transform.js";

type Ctx = CollectContext<BeyondTrustSettings>;

async function connect(ctx: Ctx): Promise<BeyondTrustClient> {
  return new BeyondTrustClient(ctx, (await ctx.secret(ctx.settings.auth.clientSecret)).reveal());
}

/** All records of a list; bad ones skipped and counted; a failure after the first page is a gap. */
async function readAll<T>(
  ctx: Ctx,
  client: BeyondTrustClient,
  path: string,
  what: string,
  schema: z.ZodType<T>,
): Promise<T[]> {
  const items: T[] = [];
  let page = 0;
  try {
    for await (const raws of client.list(path, ctx.settings.perPage)) {
      page++;
      for (const [i, raw] of raws.entries()) {
        const parsed = schema.safeParse(raw);
        if (parsed.success) items.push(parsed.data);
        else {
          const issue = parsed.error.issues[0];
          ctx.skip(
            `${what} record ${i + 1} on page ${page}`,
            `GET ${path}: ${issue?.message ?? "invalid"} at ${issue?.path.join(".")}`,
          );
        }
      }
    }
  } catch (err) {
    if (page === 0) throw err;
    ctx.gap(`${what}s after page ${page}`, describeError(err));
  }
  return items;
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = {
      connection: ctx.connectionId,
      consoleUrl: `https://${ctx.settings.site}`,
      product: ctx.settings.product,
      ...(ctx.settings.sso ? { sso: ctx.settings.sso } : {}),
    };
    ctx.progress("users");
    const users = await readAll(ctx, client, paths.users, "user", BeyondTrustUser);
    ctx.progress("security providers");
    try {
      const providers = await readAll(
        ctx,
        client,
        paths.securityProviders,
        "security provider",
        SecurityProvider,
      );
      mapping.providers = new Map(providers.map((p) => [p.id, p]));
    } catch (err) {
      mapping.providersUnreadable = describeError(err);
      ctx.gap("security providers", mapping.providersUnreadable);
    }
    const entryPoint = siteEntryPoint(mapping);
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
  const checks: DoctorCheck[] = [];
  try {
    for (const path of [paths.users, paths.securityProviders]) {
      const label = `GET ${path}`;
      try {
        for await (const _ of client.list(path, 1)) break;
        checks.push({ check: label, ok: true, detail: "readable" });
      } catch (err) {
        const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
        checks.push({ check: label, ok: false, ...(missing ? { missing } : {}), detail: describeError(err) });
      }
    }
  } finally {
    await client.close();
  }
  return checks;
}

export const beyondtrust = defineProvider<BeyondTrustSettings>({
  type: source,
  title: "BeyondTrust Remote Support / Privileged Remote Access",
  connectionSchema: BeyondTrustSettings,
  permissions: [
    `${configApiPermission}: create an API account, allow the Configuration API (read-only is enough), and use its OAuth client id and secret.`,
    "mfasweep reads GET /api/config/v1/user and /api/config/v1/security-provider. SAML/RADIUS users are linked to their identity provider; local and LDAP users have no MFA state in the API (needs attestation).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
