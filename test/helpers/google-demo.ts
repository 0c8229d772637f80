import { providers } from "../../providers/index.js";
import type { ProviderDemo } from "../../src/collect/provider.js";
import { parseConfig } from "../../src/composition.js";
import type { Config } from "../../src/config/load.js";
import { demoConfigText, demoPortfolio } from "../../src/demo/index.js";

/**
 * The demo portfolio's Google Workspace tenants alone, on the real SDK and the Google emulator: the
 * smallest portfolio that gives the distributed-sweep tests real collections (three tenants, one
 * connection each, tokens in `env:` references).
 */
export interface GoogleDemo {
  demo: ProviderDemo;
  /** The config file's text. */
  yaml: string;
  /** The values of its `env:` references: what a worker's machine holds. */
  secrets: Record<string, string>;
  config(yaml?: string): Config;
}

export async function startGoogleDemo(now: Date): Promise<GoogleDemo> {
  const google = providers.find((p) => p.type === "google-workspace");
  if (!google?.demo) throw new Error("the Google Workspace provider has no demo");
  const demo = await google.demo(demoPortfolio);
  const yaml = demoConfigText([demo], now);
  return {
    demo,
    yaml,
    secrets: demo.env,
    config: (text = yaml) => parseConfig(text, "demo.yaml", now).config,
  };
}
