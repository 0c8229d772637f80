import { stringify } from "yaml";
import { providers } from "../../providers/index.js";
import type { DemoPortfolio, ProviderDemo } from "../collect/provider.js";
import { parseConfig } from "../config/load.js";
import type { Branding } from "../export/html/branding.js";
import type { ScanReport } from "../report.js";
import { type ScanOptions, scan } from "../scan.js";
import { type SweepOptions, type SweepOutcome, sweep } from "../sweep.js";

/**
 * The fictional MSP's customers, and the MSP's own tenant (issue #13: its technicians reach every
 * customer, so it is judged under the msp-self profile). Every provider's demo seeds data for some of them.
 */
export const demoPortfolio: DemoPortfolio = {
  tenants: [
    { id: "northwind", name: "Northwind Traders", domain: "northwind.example" },
    { id: "contoso-dental", name: "Contoso Dental", domain: "contoso-dental.example" },
    { id: "fabrikam-legal", name: "Fabrikam Legal", domain: "fabrikam-legal.example" },
    { id: "msp", name: "Northwind IT Services", domain: "msp.example", role: "msp" },
  ],
};

/** Users the demo asks What If about beyond every admin and excluded account, per Entra tenant. */
export const demoVerifySample = 2;

/** How the fictional MSP brands its reports (what `report:` in a config gives). */
export const demoBranding: Branding = {
  msp: { name: "Northwind IT Services", contact: "security@msp.example · +1 555 0100" },
};

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The demo's config as YAML: what a user would write for these tenants, pointing at the emulators. */
export function demoConfigText(demos: ProviderDemo[], now: Date): string {
  const raw = {
    tenants: demoPortfolio.tenants
      .map((t) => ({
        id: t.id,
        name: t.name,
        // role msp: the config then defaults the tenant to the msp-self profile.
        ...(t.role ? { role: t.role } : {}),
        connections: demos.flatMap((d) =>
          d.connections.filter((c) => c.tenant === t.id).map((c) => c.connection),
        ),
      }))
      .filter((t) => t.connections.length > 0),
    exceptions: [
      {
        match: {
          tenant: "northwind",
          policy: "google-user-2sv-enforced",
          subject: "m.peacock@northwind.example",
          // A name counts only within its connection (the same name may exist in another source).
          connection: "google",
        },
        reason: "On leave; sign-in blocked by a Context-Aware Access rule until return",
        approvedBy: "security@msp.example",
        expires: isoDate(new Date(now.getTime() + 60 * 86_400_000)),
      },
    ],
  };
  return stringify(raw);
}

/**
 * Starts every provider's emulator on loopback, scans the demo portfolio through the real client
 * libraries, and stops the emulators. Nothing leaves the machine; no rate limits or latency.
 */
export async function runDemo(options: Omit<ScanOptions, "kind"> = {}): Promise<ScanReport> {
  const now = options.now ?? new Date();
  const demos: ProviderDemo[] = [];
  try {
    for (const provider of providers) if (provider.demo) demos.push(await provider.demo(demoPortfolio));
    const { config } = parseConfig(demoConfigText(demos, now), "demo.yaml", now);
    const env = Object.assign({}, options.env ?? process.env, ...demos.map((d) => d.env));
    // The demo shows Microsoft's second opinion too (issue #18 item 12): the emulator answers What If.
    return await scan(config, {
      enforceQuotas: false,
      verify: { sample: demoVerifySample },
      ...options,
      now,
      env,
      kind: "demo",
    });
  } finally {
    await Promise.all(demos.map((d) => d.close()));
  }
}

/**
 * The demo as a sweep into `options.store`: the same emulators and portfolio, reconciled into the queue,
 * so a new user can try `queue list/show/accept` and sweep again to see the diff.
 */
export async function runDemoSweep(options: Omit<SweepOptions, "kind">): Promise<SweepOutcome> {
  const now = options.now ?? new Date();
  const demos: ProviderDemo[] = [];
  try {
    for (const provider of providers) if (provider.demo) demos.push(await provider.demo(demoPortfolio));
    const { config } = parseConfig(demoConfigText(demos, now), "demo.yaml", now);
    const env = Object.assign({}, options.env ?? process.env, ...demos.map((d) => d.env));
    return await sweep(config, { enforceQuotas: false, ...options, now, env, kind: "demo" });
  } finally {
    await Promise.all(demos.map((d) => d.close()));
  }
}
