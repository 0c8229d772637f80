import { consoleInventory, failedCheck, unreadOf, validRecords } from "../../src/collect/console-accounts.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError } from "../../src/errors.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { EndUser, type Organization, paths, readScope, Technician } from "./api.js";
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
    const organization = ctx.settings.organizationId;
    let users: NinjaOneUser[];
    let unread: ReturnType<typeof unreadOf> = [];
    if (organization !== undefined) {
      // One customer's organization: its end users are all there is, so a failure fails the connection.
      ctx.progress(`end users of organization ${organization}`);
      users = parseUsers(ctx, await client.endUsers(), "member").filter(
        (u) => "organizationId" in u && u.organizationId === organization,
      );
    } else {
      ctx.progress("technicians");
      // Without the technicians nothing is known: a failure here fails the connection.
      const raws = await client.technicians();
      users = parseUsers(ctx, raws, "technician");
      // Technicians whose record could not be read may sign in: one unknown path says so.
      const read = { items: users, skipped: raws.length - users.length };
      unread = unreadOf(read, "technician", `GET ${paths.technicians}`);
      if (ctx.settings.includeEndUsers) {
        ctx.progress("end users");
        try {
          appendAll(users, parseUsers(ctx, await client.endUsers(), "member"));
        } catch (err) {
          ctx.gap("end users", describeError(err));
        }
      }
    }
    return consoleInventory(mapping, users, { entryPoint: consoleEntryPoint, toAccount, signInPath }, unread);
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
      ...(ctx.settings.organizationId === undefined
        ? [[`GET ${paths.technicians}`, () => client.technicians()] as [string, () => Promise<unknown[]>]]
        : []),
      ...(ctx.settings.includeEndUsers || ctx.settings.organizationId !== undefined
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

/**
 * Reads only the organizations, through the MSP's NinjaOne connection: what `tenants discover --from
 * ninjaone` runs, with the collector's retries, quotas and coverage. The list goes to `found`; the
 * inventory stays empty.
 */
export function ninjaOneOrganizations(found: (organizations: Organization[]) => void) {
  return defineProvider<NinjaOneSettings>({
    type: source,
    title: "NinjaOne (organizations only)",
    connectionSchema: NinjaOneSettings,
    permissions: [`scope '${readScope}': GET /${paths.organizations}`],
    async collect(ctx) {
      const client = await connect(ctx);
      try {
        ctx.progress("organizations");
        found(await client.organizations());
        return { accounts: [], entryPoints: [], accessPaths: [], settings: [], facts: [] };
      } finally {
        await client.close();
      }
    },
  });
}
