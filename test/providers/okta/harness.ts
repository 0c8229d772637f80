import { generateKeyPairSync } from "node:crypto";
import {
  type OktaEmulatorOptions,
  type OktaOrgSeed,
  startOktaEmulator,
} from "../../../providers/okta/emulator.js";
import { OktaSettings } from "../../../providers/okta/settings.js";
import { type CollectOptions, collectConnection } from "../../../src/collect/index.js";
import { mergeCollections } from "../../../src/collect/merge.js";
import { QuotaDomain, type QuotaLimits, QuotaRegistry } from "../../../src/collect/quota.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { link } from "../../../src/link/index.js";

/**
 * Runs the real Okta provider (real SDK) against the emulator. The emulator's clock is the test's: the
 * `sleep` given to collect advances it instead of waiting, so rate-limit windows reset without real time.
 */

export const host = "acme.okta.example";
export const token = "00test-api-token-acme";

/** A quota registry whose domains record every pause and wait it out on the test's clock. */
export class RecordingQuotas extends QuotaRegistry {
  readonly pauses: Array<{ domain: string; ms: number }> = [];
  readonly #domains = new Map<string, QuotaDomain>();
  constructor(private readonly wait: (ms: number) => Promise<void>) {
    super(false);
  }
  override get(name: string, limits: QuotaLimits): QuotaDomain {
    let domain = this.#domains.get(name);
    if (!domain) {
      const pauses = this.pauses;
      const wait = this.wait;
      domain = new (class extends QuotaDomain {
        override pauseFor(ms: number): void {
          pauses.push({ domain: name, ms });
          super.pauseFor(ms, wait);
        }
      })(name, { concurrency: limits.concurrency });
      this.#domains.set(name, domain);
    }
    return domain;
  }
}

export interface Run {
  emulator: RunningEmulator;
  collection: Awaited<ReturnType<typeof collectConnection>>;
  slept: number[];
  quotas: RecordingQuotas;
  clock: { now: number };
}

let running: RunningEmulator[] = [];
export async function closeAll(): Promise<void> {
  await Promise.all(running.map((e) => e.close()));
  running = [];
}

export async function startEmulator(
  options: Omit<OktaEmulatorOptions, "clock">,
  clock = { now: Date.parse("2026-11-24T12:00:00Z") },
) {
  const emulator = await startOktaEmulator({ ...options, clock: () => clock.now });
  running.push(emulator);
  return { emulator, clock };
}

export async function run(
  org: OktaOrgSeed | OktaOrgSeed[],
  options: {
    emulator?: Omit<OktaEmulatorOptions, "orgs" | "clock">;
    settings?: Record<string, unknown>;
    collect?: Partial<CollectOptions>;
    env?: Record<string, string>;
    /** Whether a paused quota domain waits (on the test's clock) or only records the pause. */
    pauses?: "wait" | "record";
  } = {},
): Promise<Run> {
  const { emulator, clock } = await startEmulator({
    orgs: Array.isArray(org) ? org : [org],
    ...options.emulator,
  });
  const slept: number[] = [];
  const advance = async (ms: number) => {
    slept.push(ms);
    clock.now += ms;
    await new Promise((r) => setImmediate(r));
  };
  const quotas = new RecordingQuotas(async (ms) => {
    if (options.pauses !== "record") clock.now += ms;
    await new Promise((r) => setImmediate(r));
  });
  const settings = OktaSettings.parse({
    type: "okta",
    orgUrl: `https://${host}`,
    endpoint: emulator.url,
    auth: { method: "api-token", token: "env:TEST_OKTA_TOKEN" },
    ...options.settings,
  });
  const collection = await collectConnection(
    { id: "acme", name: "Acme" },
    { id: "okta", type: "okta", settings },
    {
      quotas,
      env: { TEST_OKTA_TOKEN: token, ...options.env },
      sleep: advance,
      now: new Date(clock.now),
      ...options.collect,
    },
  );
  return { emulator, collection, slept, quotas, clock };
}

/** The collection merged into a tenant inventory and linked (the Okta linker fills the verdicts). */
export function linked(collection: Run["collection"]) {
  const [inventory] = mergeCollections(
    {
      tenants: [
        { id: collection.tenant, name: "Acme", role: "customer", profile: "standard", connections: [] },
      ],
    },
    [collection],
  );
  return link(inventory!);
}

export function rsaKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privatePem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  };
}
