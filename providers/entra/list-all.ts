import type { z } from "zod";
import type { CollectContext } from "../../src/collect/provider.js";
import type { Endpoint } from "./api.js";
import type { EntraClient } from "./client.js";
import type { EntraSettings } from "./settings.js";

type Ctx = CollectContext<EntraSettings>;

/** Every record of a paged collection, each validated on its own: a bad record is counted, not fatal. */
export async function listAll<T>(
  ctx: Ctx,
  client: EntraClient,
  endpoint: Endpoint,
  first: string,
  schema: z.ZodType<T>,
  what: string,
): Promise<T[]> {
  const out: T[] = [];
  let page = 0;
  for await (const items of client.pages(endpoint, first)) {
    page++;
    for (const [i, raw] of items.entries()) {
      const parsed = schema.safeParse(raw);
      if (parsed.success) out.push(parsed.data);
      else
        ctx.skip(
          `${what} record ${i + 1} on page ${page}`,
          `${endpoint.label}: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".")}`,
        );
    }
  }
  return out;
}
