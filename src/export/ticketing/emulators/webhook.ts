import { type RunningEmulator, startEmulator } from "../../../emulator/server.js";
import type { TicketEmulatorOptions } from "./common.js";

/**
 * A webhook receiver: answers 204 to every POST on `/hooks` and keeps what it received (headers and the
 * exact body bytes) for tests to verify. It does not verify signatures itself: the tests do, with a
 * verifier written from the Standard Webhooks specification.
 */
export async function startWebhookReceiver(options: TicketEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator(
    (req) =>
      req.method === "POST" && req.path === "/hooks"
        ? { status: 204 }
        : { status: 404, body: { error: "not found" } },
    options,
  );
}
