import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { mergeInto } from "../../src/collect/vpn.js";
import { describeError } from "../../src/errors.js";
import { emptyInventory, type ProviderInventory } from "../../src/model/index.js";
import { type PamRead, readAccessServer, readPamService, readServerConf } from "./client.js";
import { authSettings } from "./server-conf.js";
import type { CommunityServerSettings, OpenVpnSettings } from "./settings.js";
import { OpenVpnSettings as Schema } from "./settings.js";
import { accessServerInventory, communityInventory, source, unreadServerInventory } from "./transform.js";

type Ctx = CollectContext<OpenVpnSettings>;

async function collectCommunity(ctx: Ctx, server: CommunityServerSettings): Promise<ProviderInventory> {
  const conf = await readServerConf(server.config);
  for (const p of conf.problems) ctx.skip(`${p.file}:${p.line}`, p.message);
  const auth = authSettings(conf);
  for (const p of auth.problems) ctx.skip(`${p.file}:${p.line}`, p.message);
  if (auth.role !== "server") ctx.gap(server.config, "not an OpenVPN server configuration");
  const pam = new Map<string, PamRead>();
  const services = [
    ...new Set(auth.verifiers.flatMap((v) => (v.kind === "pam" && v.service ? [v.service] : []))),
  ];
  let pamMissing: string | undefined;
  if (services.length > 0 && !server.pamDir) {
    pamMissing = "pamDir is not set for this server";
    ctx.gap(
      `${server.name}: PAM service ${services.join(", ")}`,
      `${pamMissing}; copy /etc/pam.d to read it`,
    );
  }
  if (server.pamDir) {
    for (const service of services) {
      const read = await readPamService(server.pamDir, service);
      pam.set(service, read);
      if ("error" in read) ctx.gap(`${server.name}: PAM service ${service}`, read.error);
      else for (const p of read.stack.problems) ctx.skip(`${server.name}: PAM`, p);
    }
  }
  return communityInventory({
    connection: ctx.connectionId,
    name: server.name,
    conf,
    auth,
    pam,
    ...(pamMissing ? { pamMissing } : {}),
  });
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const inventory = emptyInventory();
  for (const [i, server] of ctx.settings.servers.entries()) {
    ctx.progress("servers", i, ctx.settings.servers.length);
    try {
      if (server.edition === "community") mergeInto(inventory, await collectCommunity(ctx, server));
      else {
        const dump = await readAccessServer(server);
        mergeInto(inventory, accessServerInventory({ connection: ctx.connectionId, settings: server, dump }));
      }
    } catch (err) {
      const reason = describeError(err);
      const file = server.edition === "community" ? server.config : server.configQuery;
      ctx.gap(`${server.name} (${file})`, reason);
      mergeInto(inventory, unreadServerInventory(ctx.connectionId, server.name, file, reason));
    }
  }
  return inventory;
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const server of ctx.settings.servers) {
    try {
      if (server.edition === "community") {
        const conf = await readServerConf(server.config);
        const auth = authSettings(conf);
        const problems = [...conf.problems, ...auth.problems].map((p) => `${p.file}:${p.line}: ${p.message}`);
        if (auth.role !== "server") problems.push(`${server.config}: not a server configuration`);
        checks.push({
          check: `read ${server.config}`,
          ok: problems.length === 0,
          detail: problems.length
            ? problems.join("; ")
            : `${auth.verifiers.length} username/password check(s)`,
        });
      } else {
        const dump = await readAccessServer(server);
        checks.push({
          check: `read ${server.configQuery} and ${server.userProps}`,
          ok: true,
          detail: `${Object.keys(dump.entries).length} user/group entries`,
        });
      }
    } catch (err) {
      checks.push({ check: `read ${server.name}`, ok: false, detail: describeError(err) });
    }
  }
  return checks;
}

export const openvpn = defineProvider<OpenVpnSettings>({
  type: source,
  title: "OpenVPN (community server and Access Server)",
  connectionSchema: Schema,
  permissions: [
    "No credentials: config-only. Community server: copy server.conf (and any file it includes with `config`) and, with the auth-pam plugin, /etc/pam.d; inline <key>/<tls-crypt> blocks are skipped by the parser and may be removed before copying.",
    "Access Server: as root on the server, save `sacli ConfigQuery` and `sacli UserPropGet` (read-only). Only the MFA-relevant keys are kept: bind passwords, private keys, password digests and TOTP secrets in these dumps are dropped at parse time.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});
