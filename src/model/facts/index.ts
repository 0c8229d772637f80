/**
 * The facts contract between providers, linkers and policies (issue #25 item 4): one module per source
 * declares each fact kind it emits. `factKinds` lists every kind, for checks that span them.
 */
import type { FactKind } from "./kind.js";
import { screenconnectVersion } from "./screenconnect.js";

export * from "./kind.js";
export * from "./screenconnect.js";

export const factKinds: ReadonlyArray<FactKind<unknown>> = [screenconnectVersion];
