import { policies } from "../policies/index.js";
import { providers } from "../providers/index.js";
import { type LoadedConfig, loadConfigWith, parseConfigWith } from "./config/load.js";
import type { ConfigRegistries } from "./config/registries.js";
import { configJsonSchemaWith } from "./config/schema.js";

/**
 * The composition root: the one place that hands the provider and policy registries to the config layer.
 * The CLI and `src/index.ts` load configs through here; `src/config/` itself imports no registry, so
 * nothing a provider or policy imports can lead back to them (no import cycle, issue #25 item 6).
 */
export const registries: ConfigRegistries = { providers, policies };

/** Parses and validates a config's text against the registered providers and policies. */
export function parseConfig(text: string, file?: string, now?: Date): LoadedConfig {
  return parseConfigWith(registries, text, file, now);
}

/** Reads and validates a config file against the registered providers and policies. */
export function loadConfig(file: string, now?: Date): Promise<LoadedConfig> {
  return loadConfigWith(registries, file, now);
}

/** The config's JSON Schema with every registered provider's connection schema. */
export function configJsonSchema(): unknown {
  return configJsonSchemaWith(providers);
}
