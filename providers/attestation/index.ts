import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { mergeInto } from "../../src/collect/vpn.js";
import { describeError } from "../../src/errors.js";
import { type EntryProblem, type ReadEntry, readAttestations } from "./client.js";
import { AttestationSettings } from "./settings.js";
import {
  entryPointId,
  isCurrent,
  type MappingContext,
  source,
  toInventory,
  unreadEntry,
} from "./transform.js";

type Ctx = CollectContext<AttestationSettings>;

/** One statement per tool and console: a second one for the same pair is refused, not merged. */
function unique(ctx: Ctx, mapping: MappingContext, entries: ReadEntry[]): ReadEntry[] {
  const seen = new Map<string, number>();
  return entries.filter((read) => {
    const id = entryPointId(mapping, read.entry);
    const first = seen.get(id);
    if (first !== undefined) {
      ctx.skip(
        `${ctx.settings.file}:${read.line}`,
        `a second attestation for ${read.entry.tool}${read.entry.console ? ` ${read.entry.console}` : ""} (first on line ${first}); give each a distinct console`,
      );
      return false;
    }
    seen.set(id, read.line);
    return true;
  });
}

async function collect(ctx: Ctx) {
  const read = await readAttestations(ctx.settings);
  // A bad entry is counted and listed with its line; the others still count (coverage becomes partial).
  for (const p of read.problems) ctx.skip(`${read.file}:${p.line} ${p.where}`, p.message);
  const mapping: MappingContext = { connection: ctx.connectionId, file: read.file, now: ctx.now };
  const entries = unique(ctx, mapping, read.entries);
  if (entries.length === 0 && read.problems.length === 0) ctx.note(`${read.file} attests no tool`);
  const inventory = toInventory(entries, mapping);
  // An entry that could not be read still names a tool someone signs in to: unknown, never absent.
  const byEntry = new Map<string, EntryProblem[]>();
  for (const p of read.problems) byEntry.set(p.where, [...(byEntry.get(p.where) ?? []), p]);
  for (const [where, problems] of byEntry) mergeInto(inventory, unreadEntry(mapping, where, problems));
  return inventory;
}

/** No credentials: checks the file parses and says which statements are out of date. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  try {
    const read = await readAttestations(ctx.settings);
    const stale = read.entries.filter((r) => !isCurrent(r.entry.validUntil, ctx.now));
    const checks: DoctorCheck[] = [
      {
        check: `read ${read.file}`,
        ok: read.problems.length === 0,
        detail:
          read.problems.length === 0
            ? `${read.entries.length} attestation(s)`
            : read.problems.map((p) => `${read.file}:${p.line} ${p.where}: ${p.message}`).join("; "),
      },
    ];
    for (const r of stale)
      checks.push({
        check: `${r.entry.tool}${r.entry.console ? ` ${r.entry.console}` : ""} (line ${r.line})`,
        ok: false,
        detail: r.entry.validUntil
          ? `expired on ${r.entry.validUntil}: check again and renew`
          : "no validUntil",
      });
    return checks;
  } catch (err) {
    return [{ check: `read ${ctx.settings.file}`, ok: false, detail: describeError(err) }];
  }
}

export const attestation = defineProvider<AttestationSettings>({
  type: source,
  title: "Attestation (tools without an MFA API)",
  connectionSchema: AttestationSettings,
  permissions: [
    "No token or role: Kaseya VSA, N-able, Atera, AnyDesk, Splashtop, Syncro and similar expose no per-user MFA state, so someone checks each tool's admin console and records it here.",
    "Per tool: mfa (enforced, sso, none, ...), method, checkedBy, checkedAt and validUntil; renew before validUntil. Results say 'attested', never 'verified'.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
