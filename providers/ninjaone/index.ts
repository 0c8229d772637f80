import { consoleInventory, failedCheck, validRecords } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError } from "../../src/errors.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { EndUser, paths, readScope, Technician } from "./api.js";
import { NinjaOneClient } from "./client.js";
import { NinjaOneSettings } from "./settings.js";
import {
  consoleEntryPoint,
  type MappingContext,
  type NinjaOneUser,
  signInPath,
  source,
  toAccount,
} from "./transform.js";

type Ctx = CollectContext<NinjaOneSettings>;

async function connect(ctx: Ctx): Promise<NinjaOneClient> {
  const secret = await ctx.secret(ctx.settings.auth.clientSecret);
  return new NinjaOneClient(ctx, secret.reveal());
}

/** Each record validated on its own: one bad record is counted and listed, the rest are mapped. */
function parseUsers(ctx: Ctx, raws: unknown[], kind: NinjaOneUser["kind"]): NinjaOneUser[] {
  const schema = kind === "technician" ? Technician : EndUser;
  const label = `GET ${kind === "technician" ? paths.technicians : paths.endUsers}`;
  return validRecords(ctx, raws, schema, kind, label).map((user) => ({ ...user, kind }) as NinjaOneUser);
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await connect(ctx);
  try {
    const mapping: MappingContext = {
      connection: ctx.connectionId,
      consoleUrl: client.consoleUrl(),
      ...(ctx.settings.sso ? { sso: ctx.settings.sso } : {}),
    };
    ctx.progress("technicians");
    // Without the technicians nothing is known: a failure here fails the connection.
    const users = parseUsers(ctx, await client.technicians(), "technician");
    if (ctx.settings.includeEndUsers) {
      ctx.progress("end users");
      try {
        appendAll(users, parseUsers(ctx, await client.endUsers(), "member"));
      } catch (err) {
        ctx.gap("end users", describeError(err));
      }
    }
    return consoleInventory(mapping, users, { entryPoint: consoleEntryPoint, toAccount, signInPath });
  } finally {
    await client.close();
  }
}

/** Gets a token, then calls each user list once; a 403 names the scope. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await connect(ctx);
  const checks: DoctorCheck[] = [];
  try {
    const probes: Array<[string, () => Promise<unknown[]>]> = [
      [`GET ${paths.technicians}`, () => client.technicians()],
      ...(ctx.settings.includeEndUsers
        ? [[`GET ${paths.endUsers}`, () => client.endUsers()] as [string, () => Promise<unknown[]>]]
        : []),
    ];
    for (const [label, probe] of probes) {
      try {
        const list = await probe();
        checks.push({ check: label, ok: true, detail: `readable (${list.length} users)` });
      } catch (err) {
        checks.push(failedCheck(label, err));
      }
    }
  } finally {
    await client.close();
  }
  return checks;
}

export const ninjaone = defineProvider<NinjaOneSettings>({
  type: source,
  title: "NinjaOne",
  connectionSchema: NinjaOneSettings,
  permissions: [
    "NinjaOne: Administration > Apps > API > Client App IDs > Add: Application Platform 'API Services (machine-to-machine)', grant type Client Credentials, scope 'Monitoring' only (read-only).",
    `Configure auth.clientId and auth.clientSecret (env:/file:); mfasweep requests scope '${readScope}' and reads GET /v2/user/technicians and /v2/user/end-users.`,
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
