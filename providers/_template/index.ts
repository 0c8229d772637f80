import { consoleInventory, failedCheck, readPages, unreadOf } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { ExampleUser, paths, readUsersPermission } from "./api.js";
import { ExampleClient } from "./client.js";
import { ExampleSettings } from "./settings.js";
import { consoleEntryPoint, type MappingContext, signInPath, source, toAccount } from "./transform.js";

/**
 * TEMPLATE: a provider is a plain object (DESIGN.md §4, knip's model). Copy this folder to
 * `providers/<type>/`, rename, and add one line to `providers/index.ts`; see README.md for the checklist.
 */

type Ctx = CollectContext<ExampleSettings>;

async function connect(ctx: Ctx): Promise<ExampleClient> {
  return new ExampleClient(ctx, (await ctx.secret(ctx.settings.auth.token)).reveal());
}

/**
 * Reads, maps, returns. Without the first page nothing is known, so its failure fails the connection;
 * a later page's failure keeps what was read and marks coverage partial (`readPages`).
 */
async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = { connection: ctx.connectionId };
    const users = await readPages(ctx, client.users(), ExampleUser, "user", `GET ${paths.users}`);
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

/** One call per permission, naming what is missing. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await connect(ctx);
  const label = `GET ${paths.users}`;
  try {
    for await (const page of client.users())
      return [{ check: label, ok: true, detail: `readable (${page.length} users on the first page)` }];
    return [{ check: label, ok: true, detail: "readable (no users)" }];
  } catch (err) {
    return [failedCheck(label, err)];
  } finally {
    await client.close();
  }
}

export const exampleConsole = defineProvider<ExampleSettings>({
  type: source,
  title: "Example Console (template)",
  connectionSchema: ExampleSettings,
  permissions: [`An API token with only '${readUsersPermission}' (read-only).`],
  collect,
  doctor,
});
