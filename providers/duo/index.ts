import { failedCheck, readPages } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError, ProviderAuthError } from "../../src/errors.js";
import type { Fact, ProviderInventory } from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { readTextFile } from "../../src/util/text-file.js";
import { DuoIntegration, DuoUser, paths, permissionFor } from "./api.js";
import { parseAuthProxyConfig } from "./authproxy.js";
import { DuoClient } from "./client.js";
import { DuoSettings } from "./settings.js";
import {
  duoInventory,
  type MappingContext,
  proxyFacts,
  source,
  unreadProxyFact,
  unreadWindowsLogonFact,
  windowsLogonFact,
} from "./transform.js";
import { windowsLogonSettings } from "./windows-logon.js";

type Ctx = CollectContext<DuoSettings>;

async function connect(ctx: Ctx): Promise<DuoClient> {
  const ikey = (await ctx.secret(ctx.settings.auth.integrationKey)).reveal();
  const skey = (await ctx.secret(ctx.settings.auth.secretKey)).reveal();
  return new DuoClient(ctx, ikey, skey);
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    ctx.progress("users");
    // A list cut short leaves users out: the gateways' linker then judges them as new users (never enforced).
    const users = (await readPages(ctx, client.list("users"), DuoUser, "user", `GET /${paths.users}`)).items;
    ctx.progress("applications");
    let applications: DuoIntegration[] = [];
    try {
      applications = (
        await readPages(
          ctx,
          client.list("integrations"),
          DuoIntegration,
          "application",
          `GET /${paths.integrations}`,
        )
      ).items;
    } catch (err) {
      // Without the applications, new-user policies are unknown; the users still count.
      if (err instanceof ProviderAuthError) throw err;
      ctx.gap(`GET /${paths.integrations}`, describeError(err));
    }
    const mapping: MappingContext = { connection: ctx.connectionId, apiHost: ctx.settings.apiHost };
    const inventory = duoInventory(mapping, users, applications);
    for (const proxy of ctx.settings.authProxies)
      appendAll(inventory.facts, await readProxy(ctx, mapping, proxy));
    for (const host of ctx.settings.windowsLogon)
      inventory.facts.push(await readWindowsLogon(ctx, mapping, host));
    return inventory;
  } finally {
    await client.close();
  }
}

async function readProxy(
  ctx: Ctx,
  mapping: MappingContext,
  proxy: { file: string; host: string },
): Promise<Fact[]> {
  ctx.progress(`authentication proxy ${proxy.host}`);
  try {
    const { text } = await readTextFile(proxy.file, { maxBytes: 1024 * 1024, what: "authproxy.cfg" });
    const config = parseAuthProxyConfig(text, proxy.file);
    for (const p of config.problems) ctx.skip(`${proxy.file}:${p.line}`, p.message);
    if (config.servers.length === 0)
      ctx.gap(
        proxy.file,
        "no server section ([radius_server_auto], [ldap_server_auto], …): is this an authproxy.cfg?",
      );
    return proxyFacts(mapping, proxy.host, config);
  } catch (err) {
    const reason = describeError(err);
    ctx.gap(proxy.file, reason);
    return [unreadProxyFact(mapping, proxy.host, proxy.file, reason)];
  }
}

async function readWindowsLogon(
  ctx: Ctx,
  mapping: MappingContext,
  entry: { file: string; host: string },
): Promise<Fact> {
  ctx.progress(`Windows Logon ${entry.host}`);
  try {
    const { text } = await readTextFile(entry.file, { maxBytes: 1024 * 1024, what: "registry export" });
    const settings = windowsLogonSettings(text, entry.file);
    if ("error" in settings) {
      ctx.gap(entry.file, settings.error);
      return unreadWindowsLogonFact(mapping, entry.host, entry.file, settings.error);
    }
    return windowsLogonFact(mapping, entry.host, settings);
  } catch (err) {
    const reason = describeError(err);
    ctx.gap(entry.file, reason);
    return unreadWindowsLogonFact(mapping, entry.host, entry.file, reason);
  }
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await connect(ctx);
  const checks: DoctorCheck[] = [];
  try {
    for (const what of ["users", "integrations"] as const) {
      const label = `GET /${paths[what]}`;
      try {
        for await (const page of client.list(what)) {
          checks.push({ check: label, ok: true, detail: `readable (${page.length} on the first page)` });
          break;
        }
        if (!checks.some((c) => c.check === label))
          checks.push({ check: label, ok: true, detail: "readable (none)" });
      } catch (err) {
        checks.push(failedCheck(label, err));
        if (err instanceof ProviderAuthError) break;
      }
    }
  } finally {
    await client.close();
  }
  return checks;
}

export const duo = defineProvider<DuoSettings>({
  type: source,
  title: "Cisco Duo",
  connectionSchema: DuoSettings,
  permissions: [
    `An Admin API application (Admin Panel > Applications > Protect an Application > Admin API) with "${permissionFor.users}" only; its integration key and secret key go in auth (env:/file: references), its API hostname in apiHost.`,
    `Optional: "${permissionFor.integrations}" to read each application's new-user policy (enroll_policy). Duo documents no read-only form of it; without it the new-user policies are a coverage gap (unknown).`,
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
