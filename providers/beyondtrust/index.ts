import type { z } from "zod";
import { consoleInventory, failedCheck, readPages, unreadOf } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError } from "../../src/errors.js";
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
function readAll<T>(ctx: Ctx, client: BeyondTrustClient, path: string, what: string, schema: z.ZodType<T>) {
  return readPages(ctx, client.list(path, ctx.settings.perPage), schema, what, `GET ${path}`);
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
      mapping.providers = new Map(providers.items.map((p) => [p.id, p]));
    } catch (err) {
      mapping.providersUnreadable = describeError(err);
      ctx.gap("security providers", mapping.providersUnreadable);
    }
    return consoleInventory(
      mapping,
      users.items,
      { entryPoint: siteEntryPoint, toAccount, signInPath },
      unreadOf(users, "user", `GET ${paths.users}`),
    );
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
        checks.push(failedCheck(label, err));
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
