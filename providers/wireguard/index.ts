import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { mergeInto } from "../../src/collect/vpn.js";
import { describeError } from "../../src/errors.js";
import { emptyInventory, type ProviderInventory } from "../../src/model/index.js";
import { interfaceName, readInterface } from "./client.js";
import { WireGuardSettings } from "./settings.js";
import { interfaceInventory, source, unreadInterfaceInventory } from "./transform.js";

type Ctx = CollectContext<WireGuardSettings>;

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const inventory = emptyInventory();
  for (const [i, settings] of ctx.settings.interfaces.entries()) {
    ctx.progress("interfaces", i, ctx.settings.interfaces.length);
    const name = interfaceName(settings);
    try {
      const { config } = await readInterface(settings);
      for (const p of config.problems) ctx.skip(`${config.file}:${p.line}`, p.message);
      if (config.interfaceLine === null && config.peers.length === 0)
        ctx.gap(settings.file, "no [Interface] or [Peer] section: is this a WireGuard configuration?");
      // "Nobody can connect" only when the file truly has no peer section; unreadable ones are unknown paths.
      if (config.peers.length === 0 && config.unreadablePeers.length === 0)
        ctx.note(`${name}: no peers are configured, so nobody can connect`);
      mergeInto(
        inventory,
        interfaceInventory({ connection: ctx.connectionId, name, host: settings.host, config }),
      );
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(settings.file, reason);
      mergeInto(
        inventory,
        unreadInterfaceInventory(ctx.connectionId, name, settings.host, settings.file, reason),
      );
    }
  }
  return inventory;
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const settings of ctx.settings.interfaces) {
    try {
      const { config } = await readInterface(settings);
      checks.push({
        check: `read ${settings.file}`,
        ok: config.problems.length === 0,
        detail:
          config.problems.length === 0
            ? `${config.peers.length} peer(s)`
            : config.problems.map((p) => `${settings.file}:${p.line}: ${p.message}`).join("; "),
      });
    } catch (err) {
      checks.push({ check: `read ${settings.file}`, ok: false, detail: describeError(err) });
    }
  }
  return checks;
}

export const wireguard = defineProvider<WireGuardSettings>({
  type: source,
  title: "WireGuard",
  connectionSchema: WireGuardSettings,
  permissions: [
    "No credentials: config-only. On the gateway, root (or CAP_NET_ADMIN) runs `wg showconf <interface>` for each interface, or copies /etc/wireguard/<interface>.conf; save the output and name the file here.",
    "PrivateKey and PresharedKey lines are skipped by the parser and never stored; you may strip them before copying.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
