import type { DoctorCheck } from "../collect/provider.js";
import { describeError } from "../errors.js";
import { openStore, storeLabel } from "./index.js";

/**
 * `doctor`'s store check: the store opens (reachable, logged in, an mfasweep store at a schema this
 * build knows) and answers a read. Never creates one; a failure is a check, not a throw.
 */
export async function checkStore(location: string): Promise<DoctorCheck> {
  const check = `store ${storeLabel(location)}`;
  try {
    const store = await openStore(location, { create: false, timeoutMs: 5000 });
    try {
      const [last] = await store.listSweeps({ limit: 1 });
      return {
        check,
        ok: true,
        detail: `${store.location} opens and reads${last ? `; last sweep ${last.id} (${last.status}, started ${last.startedAt})` : "; no sweep yet"}`,
      };
    } finally {
      await store.close();
    }
  } catch (err) {
    return { check, ok: false, detail: describeError(err) };
  }
}
