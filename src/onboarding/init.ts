import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { parseConfig } from "../composition.js";
import { ConfigError } from "../errors.js";
import { consentUrl } from "./consent.js";
import { type DiscoveryResult, discoverFromGdap } from "./discover.js";

/** What `init --from gdap` needs to know about the MSP's own tenant and its multi-tenant app. */
export interface MspAppOptions {
  tenantId: string;
  clientId: string;
  /** `env:NAME`/`file:PATH` of the app's client secret, or of its PEM certificate with key. */
  secret?: string;
  certificate?: string;
  /** Overrides for proxies and national-cloud front ends (as on any Entra connection). */
  endpoint?: string;
  authorityHost?: string;
  caBundle?: string;
}

/** A config with only the MSP's own tenant: its Entra connection is the app that reaches the customers. */
export function mspOnlyConfig(o: MspAppOptions): string {
  if (!o.secret === !o.certificate)
    throw new ConfigError(
      "init --from gdap needs exactly one of --secret or --certificate (env:NAME or file:PATH)",
    );
  const auth = o.secret
    ? { method: "client-secret", clientId: o.clientId, secret: o.secret }
    : { method: "client-certificate", clientId: o.clientId, certificate: o.certificate };
  const connection = {
    type: "entra",
    tenantId: o.tenantId,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.authorityHost ? { authorityHost: o.authorityHost } : {}),
    ...(o.caBundle ? { caBundle: o.caBundle } : {}),
    auth,
  };
  const body = stringify(
    { version: 1, tenants: [{ id: "msp", name: "Our MSP", role: "msp", connections: [connection] }] },
    { lineWidth: 0 },
  );
  const text = `# mfasweep configuration, started by: mfasweep init --from gdap. Customers below the MSP's own tenant
# were found through GDAP; run mfasweep tenants discover --from gdap again when customers change.
# Every connection type, commented: mfasweep init -o example.yaml
${body}`;
  parseConfig(text); // a bad tenant id or secret reference is refused here, before anything is written
  return text;
}

/** Writes a new config file (mode 600: it sits next to secrets), never over one unless `force`. */
export async function writeNewConfig(file: string, text: string, force: boolean): Promise<void> {
  try {
    await writeFile(file, text, { flag: force ? "w" : "wx", mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "EEXIST" ? `${file} exists; use --force to overwrite it` : `cannot write ${file} (${code})`,
    );
  }
}

/**
 * `init --from gdap`: writes the MSP-only config, adds every GDAP customer (tenants discover --from gdap)
 * and returns the admin-consent URL of the app for each customer added.
 */
export async function initFromGdap(
  file: string,
  options: MspAppOptions & { force?: boolean; env?: NodeJS.ProcessEnv },
): Promise<DiscoveryResult & { consentUrls: Array<{ tenant: string; url: string }> }> {
  await writeNewConfig(file, mspOnlyConfig(options), options.force ?? false);
  const result = await discoverFromGdap(file, options.env ? { env: options.env } : {});
  const { config } = parseConfig(result.text, file);
  return {
    ...result,
    consentUrls: result.added.map((t) => ({ tenant: t.id, url: consentUrl(config, t.id) })),
  };
}
