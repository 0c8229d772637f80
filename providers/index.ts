import type { Provider } from "../src/collect/provider.js";
import { googleWorkspace } from "./google-workspace/index.js";

/**
 * The one registry of providers (knip's model): config validation, collection, `doctor` and the demo
 * all read this list. Adding a provider = adding its folder and one line here.
 */
export const providers: ReadonlyArray<Provider<unknown>> = [googleWorkspace];

export function findProvider(type: string): Provider<unknown> | undefined {
  return providers.find((p) => p.type === type);
}
