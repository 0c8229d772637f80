import { stringify } from "yaml";
import { providers } from "../../providers/index.js";
import type { DemoPortfolio, ProviderDemo } from "../collect/provider.js";
import { parseConfig } from "../composition.js";
import type { Config } from "../config/load.js";
import type { Branding } from "../export/html/branding.js";
import type { ScanReport } from "../report.js";
import { type ScanOptions, scan } from "../scan.js";
import { type SweepOptions, type SweepOutcome, sweep } from "../sweep.js";
import { weekTwo } from "./week-2.js";

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

/** A week, for `demo --week 2`: the second sweep is dated this long after the first. */
export const demoWeekMs = 7 * 86_400_000;

export interface DemoWeekOptions {
  /** 2: the portfolio a week later, with the changes of src/demo/week-2.ts (default 1). */
  week?: 1 | 2;
}

/**
 * Starts every provider's emulator on loopback with the week's seeds, builds the demo config, runs `use`,
 * and stops the emulators. `now` is the first week's date: the config (and its exceptions' expiry) is the
 * same in both weeks; only what the emulators serve, and the date of the scan, move on.
 */
async function withDemo<T>(
  week: 1 | 2,
  firstWeek: Date,
  env: NodeJS.ProcessEnv,
  use: (config: Config, env: NodeJS.ProcessEnv, now: Date) => Promise<T>,
): Promise<T> {
  const portfolio = week === 2 ? { ...demoPortfolio, revisions: weekTwo } : demoPortfolio;
  const demos: ProviderDemo[] = [];
  try {
    for (const provider of providers) if (provider.demo) demos.push(await provider.demo(portfolio));
    const now = new Date(firstWeek.getTime() + (week - 1) * demoWeekMs);
    const { config } = parseConfig(demoConfigText(demos, firstWeek), "demo.yaml", now);
    return await use(config, Object.assign({}, env, ...demos.map((d) => d.env)), now);
  } finally {
    await Promise.all(demos.map((d) => d.close()));
  }
}

/**
 * Scans the demo portfolio through the real client libraries against the emulators. Nothing leaves the
 * machine; no rate limits or latency.
 */
export function runDemo(options: Omit<ScanOptions, "kind"> = {}): Promise<ScanReport> {
  return withDemo(1, options.now ?? new Date(), options.env ?? process.env, (config, env, now) =>
    // The demo shows Microsoft's second opinion too (issue #18 item 12): the emulator answers What If.
    scan(config, {
      enforceQuotas: false,
      verify: { sample: demoVerifySample },
      ...options,
      now,
      env,
      kind: "demo",
    }),
  );
}

/**
 * The demo as a sweep into `options.store`: the same emulators and portfolio, reconciled into the queue,
 * so a new user can try `queue list/show/accept` and sweep again to see the diff. Week 2 is dated a week
 * after `now` (and after the real clock, for the sweep's own record).
 */
export function runDemoSweep(options: Omit<SweepOptions, "kind"> & DemoWeekOptions): Promise<SweepOutcome> {
  const { week = 1, ...rest } = options;
  const later = (week - 1) * demoWeekMs;
  return withDemo(week, options.now ?? new Date(), options.env ?? process.env, (config, env, now) =>
    sweep(config, {
      enforceQuotas: false,
      clock: () => new Date(Date.now() + later),
      ...rest,
      now,
      env,
      kind: "demo",
    }),
  );
}
