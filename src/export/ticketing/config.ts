import { z } from "zod";
import { AutotaskTarget } from "./targets/autotask.js";
import { ConnectWiseTarget } from "./targets/connectwise.js";
import { HaloTarget } from "./targets/halopsa.js";
import { JiraTarget } from "./targets/jira.js";
import { ServiceNowTarget } from "./targets/servicenow.js";
import { WebhookTarget } from "./targets/webhook.js";

/**
 * The `ticketing:` section of the config, for `src/config/schema.ts`: the connectors' target schemas,
 * without the registry or the sync engine (which reads the queue and the loaded config), so the config
 * schema does not import the queue (issue #25 item 6). A connector added to the registry in index.ts
 * adds its target here too; a test holds the two lists equal.
 */

/** One `ticketing[]` entry: the schema of the connector its `type` names. */
export const TicketTarget = z.discriminatedUnion("type", [
  ConnectWiseTarget,
  AutotaskTarget,
  HaloTarget,
  JiraTarget,
  ServiceNowTarget,
  WebhookTarget,
]);
export type TicketTarget = { type: string; id: string } & Record<string, unknown>;

/** The `ticketing:` list: target ids are unique (they key the ledger). */
export const TicketingConfig = z
  .array(TicketTarget)
  .default([])
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      const id = (t as { id: string }).id;
      if (seen.has(id))
        ctx.addIssue({
          code: "custom",
          path: [i, "id"],
          message: `ticketing target '${id}' is listed twice`,
        });
      seen.add(id);
    });
  });
