import type { z } from "zod";

/**
 * What validating a config needs to know of the provider and policy registries. The registries themselves
 * are passed in by the composition root (`src/composition.ts`): config/ imports neither `providers/` nor
 * `policies/`, so no provider or policy can reach the config loader back through an import.
 */
export interface ConfigRegistries {
  /** Each connection type and the schema its settings are validated by. */
  providers: ReadonlyArray<{ readonly type: string; readonly connectionSchema: z.ZodType }>;
  /** Each policy id and the options it takes (`options` absent: none). */
  policies: ReadonlyArray<{
    readonly meta: { readonly id: string };
    readonly options?: z.ZodType | undefined;
    readonly defaultOptions: unknown;
  }>;
}
