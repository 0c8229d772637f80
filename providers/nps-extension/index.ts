import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { mergeInto } from "../../src/collect/vpn.js";
import { describeError } from "../../src/errors.js";
import { emptyInventory, type ProviderInventory } from "../../src/model/index.js";
import { azureMfaKey } from "./api.js";
import { readRegistryExport } from "./client.js";
import { NpsExtensionSettings } from "./settings.js";
import { frontEndInventory, source, unreadFrontEndInventory } from "./transform.js";

type Ctx = CollectContext<NpsExtensionSettings>;

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const inventory = emptyInventory();
  for (const [i, settings] of ctx.settings.frontEnds.entries()) {
    ctx.progress("front ends", i, ctx.settings.frontEnds.length);
    try {
      const { reg, settings: azureMfa } = await readRegistryExport(settings.registryExport);
      for (const p of reg.problems) ctx.skip(`${reg.file}:${p.line}`, p.message);
      if ("error" in azureMfa) {
        ctx.gap(settings.registryExport, azureMfa.error);
        mergeInto(inventory, unreadFrontEndInventory(ctx.connectionId, settings, azureMfa.error));
        continue;
      }
      if (azureMfa.requireUserMatch.value === "unknown")
        ctx.note(
          `${settings.npsServer}: REQUIRE_USER_MATCH is '${azureMfa.requireUserMatch.raw}', which is neither TRUE nor FALSE`,
        );
      mergeInto(inventory, frontEndInventory({ connection: ctx.connectionId, settings, azureMfa }));
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(settings.registryExport, reason);
      mergeInto(inventory, unreadFrontEndInventory(ctx.connectionId, settings, reason));
    }
  }
  return inventory;
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const settings of ctx.settings.frontEnds) {
    try {
      const { reg, settings: azureMfa } = await readRegistryExport(settings.registryExport);
      const problems = [
        ...reg.problems.map((p) => `${reg.file}:${p.line}: ${p.message}`),
        ...("error" in azureMfa ? [azureMfa.error] : []),
      ];
      checks.push({
        check: `read ${settings.registryExport}`,
        ok: problems.length === 0,
        detail: problems.length === 0 ? `${azureMfaKey} read` : problems.join("; "),
      });
    } catch (err) {
      checks.push({ check: `read ${settings.registryExport}`, ok: false, detail: describeError(err) });
    }
  }
  return checks;
}

export const npsExtension = defineProvider<NpsExtensionSettings>({
  type: source,
  title: "NPS extension for Microsoft Entra MFA (RRAS VPN, RD Gateway)",
  connectionSchema: NpsExtensionSettings,
  permissions: [
    "No credentials: config-only. On each NPS server, an administrator runs `reg export HKLM\\SOFTWARE\\Microsoft\\AzureMfa azuremfa.reg` (read-only) and copies the file; UTF-16LE (regedit's default) and UTF-8 both work.",
    "Per-user verdicts come from the tenant's Entra connection (MFA registration details: AuditLog.Read.All or UserAuthenticationMethod.Read.All, as that provider documents).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
