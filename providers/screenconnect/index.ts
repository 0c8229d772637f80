import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { unreadPath } from "../../src/collect/unread.js";
import { describeError } from "../../src/errors.js";
import type { AccessPath, Account } from "../../src/model/index.js";
import { cve20241709 } from "./api.js";
import { pathIn, readUserFile, readVersionFile } from "./client.js";
import { ScreenConnectSettings } from "./settings.js";
import {
  entryPoint,
  internalPath,
  type MappingContext,
  type ResolvedVersion,
  source,
  sourcePath,
  toAccount,
  versionFact,
} from "./transform.js";

type Ctx = CollectContext<ScreenConnectSettings>;

/** The version from the binary when one is named (it wins: it is what is installed), else from settings. */
async function resolveVersion(ctx: Ctx): Promise<ResolvedVersion> {
  const { version, versionFile } = ctx.settings;
  if (versionFile) {
    try {
      const read = await readVersionFile(ctx.settings, versionFile);
      if (version && version !== read.version && !read.version.startsWith(`${version}.`))
        ctx.note(`versionFile says ${read.version}, the settings say ${version}: using the file`);
      return { version: read.version, from: "file", file: read.path };
    } catch (err) {
      ctx.gap("installed version", describeError(err));
      if (version) return { version, from: "settings", reason: `versionFile unreadable; from the settings` };
      return { version: null, from: null, reason: `versionFile unreadable: ${describeError(err)}` };
    }
  }
  if (version) return { version, from: "settings" };
  return {
    version: null,
    from: null,
    reason: `no version given: set \`version\` or \`versionFile\` to check ${cve20241709.id}`,
  };
}

async function collect(ctx: Ctx) {
  const mapping: MappingContext = { connection: ctx.connectionId, settings: ctx.settings };
  const version = await resolveVersion(ctx);
  const ep = entryPoint(mapping, version);
  const accounts: Account[] = [];
  const accessPaths: AccessPath[] = [];
  try {
    const read = await readUserFile(ctx.settings);
    for (const s of read.skipped) ctx.skip(`${read.path}:${s.line}`, s.reason);
    if (read.users.length === 0 && read.skipped.length > 0)
      ctx.gap(
        "internal users",
        `no record under <${read.root}> has a '${ctx.settings.userFields.name}' field: check userFields against the file (README)`,
      );
    const seen = new Map<string, number>();
    for (const user of read.users) {
      const first = seen.get(user.name.toLowerCase());
      if (first !== undefined) {
        ctx.skip(`${read.path}:${user.line}`, `user ${user.name} is listed again (first on line ${first})`);
        continue;
      }
      seen.set(user.name.toLowerCase(), user.line);
      accounts.push(toAccount(user, mapping, read.path));
      accessPaths.push(internalPath(ep, user, mapping, read.path));
    }
  } catch (err) {
    // The version check stands on its own: a missing or malformed User.xml leaves the users unread, not it.
    const reason = describeError(err);
    ctx.gap("internal users (User.xml)", reason);
    // Internal users may still sign in with a password: one unknown path says so, rather than none.
    accessPaths.push(
      unreadPath(
        ep,
        `the internal users (${ctx.settings.userFile}) could not be read (${reason}): who signs in with a ScreenConnect password is not known`,
        { key: "internal-users", chain: { factors: ["password"] } },
      ),
    );
  }
  for (const s of ctx.settings.userSources) accessPaths.push(sourcePath(ep, s, mapping));
  return {
    accounts,
    entryPoints: [ep],
    accessPaths,
    settings: [],
    facts: [versionFact(mapping, version, ep)],
  };
}

/** No live system to call: checks that the copied files are there and readable. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const userFile = pathIn(ctx.settings, ctx.settings.userFile);
  try {
    const read = await readUserFile(ctx.settings);
    checks.push({
      check: `read ${userFile}`,
      ok: read.users.length > 0 || read.skipped.length === 0,
      detail: `${read.users.length} user record(s) with a ${ctx.settings.userFields.name} field, ${read.skipped.length} without`,
    });
  } catch (err) {
    checks.push({ check: `read ${userFile}`, ok: false, detail: describeError(err) });
  }
  if (ctx.settings.versionFile) {
    try {
      const read = await readVersionFile(ctx.settings, ctx.settings.versionFile);
      checks.push({ check: `version of ${read.path}`, ok: true, detail: read.version });
    } catch (err) {
      checks.push({ check: `version of ${ctx.settings.versionFile}`, ok: false, detail: describeError(err) });
    }
  } else
    checks.push({
      check: "installed version",
      ok: Boolean(ctx.settings.version),
      detail: ctx.settings.version
        ? `${ctx.settings.version} (from the settings)`
        : `set version or versionFile to check ${cve20241709.id}`,
    });
  return checks;
}

export const screenconnect = defineProvider<ScreenConnectSettings>({
  type: source,
  title: "ConnectWise ScreenConnect (on-premises)",
  connectionSchema: ScreenConnectSettings,
  permissions: [
    "ScreenConnect has no API for users or MFA: no token or role. Copy from the server (read access to the installation folder, e.g. a backup):",
    "App_Data\\User.xml (internal users) and, for the version check, a ScreenConnect binary such as the service executable (versionFile), or state `version`.",
    "MFA of internal users is not in a confirmed format: record it in the tenant's attestation file (type: attestation).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
