import { z } from "zod";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/server.js";

/**
 * A Microsoft Teams Workflows webhook ("When a Teams webhook request is received"), on loopback. Vendor
 * facts, stated here and not taken from the sender (Microsoft Learn, "Create and send messages"
 * (webhooks-and-connectors/how-to/connectors-using) and the Adaptive Card schema):
 * - the URL is the credential: `…/workflows/{id}/triggers/manual/paths/invoke?api-version=…&sig=…`;
 * - the body is a message whose attachments are Adaptive Cards only (MessageCard is not supported):
 *   `{ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive",
 *   contentUrl: null, content: { type: "AdaptiveCard", version, body } }] }`;
 * - a Teams message is at most 28 KB;
 * - a run is accepted with HTTP 202 (the flow then posts the card).
 * Unlike the real service, which accepts first and fails the flow run later, this receiver refuses a
 * payload that breaks the documented shape with HTTP 400 and the problems, so a test sees them at once.
 */

const TextBlock = z.looseObject({ type: z.literal("TextBlock"), text: z.string().min(1) });
const FactSet = z.looseObject({
  type: z.literal("FactSet"),
  facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1),
});
const CardElement = z.discriminatedUnion("type", [TextBlock, FactSet]);
export const WorkflowsMessage = z.strictObject({
  type: z.literal("message"),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal("application/vnd.microsoft.card.adaptive"),
        contentUrl: z.null().optional(),
        content: z.looseObject({
          type: z.literal("AdaptiveCard"),
          $schema: z.string().optional(),
          version: z.string().regex(/^1\.[0-5]$/),
          body: z.array(CardElement).min(1),
        }),
      }),
    )
    .min(1),
});
export type WorkflowsMessage = z.infer<typeof WorkflowsMessage>;

export const teamsMessageLimitBytes = 28 * 1024;

export interface TeamsReceiver extends RunningEmulator {
  /** The webhook URL to configure (carries the signature). */
  webhookUrl: string;
  /** Cards accepted, in order. */
  accepted: WorkflowsMessage[];
}

export async function startTeamsReceiver(
  options: EmulatorOptions & { sig?: string } = {},
): Promise<TeamsReceiver> {
  const sig = options.sig ?? "s3cr3t-workflow-signature";
  const path = "/workflows/0b6f4a7e1c2d4e5f8a9b0c1d2e3f4a5b/triggers/manual/paths/invoke";
  const accepted: WorkflowsMessage[] = [];
  const emulator = await startEmulator((req) => {
    if (req.method !== "POST" || req.path !== path)
      return { status: 404, body: { error: { code: "TriggerNotFound", message: "not found" } } };
    if (req.query.get("sig") !== sig)
      return { status: 401, body: { error: { code: "DirectApiAuthorizationRequired", message: "bad sig" } } };
    if (Buffer.byteLength(req.body) > teamsMessageLimitBytes)
      return { status: 400, body: { error: { code: "MessageTooLarge", message: "over 28 KB" } } };
    let json: unknown;
    try {
      json = JSON.parse(req.body);
    } catch {
      return { status: 400, body: { error: { code: "InvalidRequestContent", message: "not JSON" } } };
    }
    const parsed = WorkflowsMessage.safeParse(json);
    if (!parsed.success)
      return {
        status: 400,
        body: {
          error: {
            code: "InvalidRequestContent",
            message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
          },
        },
      };
    accepted.push(parsed.data);
    return { status: 202 };
  }, options);
  return Object.assign(emulator, {
    webhookUrl: `${emulator.url}${path}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`,
    accepted,
  });
}
