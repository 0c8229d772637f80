import { z } from "zod";
import { defineFactKind } from "./kind.js";

/** One Tactical RMM API key (never the key itself) with its owner's state. */
export const TacticalRmmApiKey = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  username: z.string().nullable(),
  userActive: z.boolean().nullable(),
  userIsAdmin: z.boolean().nullable(),
  expiration: z.string().nullable(),
  created: z.string().nullable(),
});
export type TacticalRmmApiKey = z.infer<typeof TacticalRmmApiKey>;

export const tacticalRmmApiKey = defineFactKind({
  name: "tactical-rmm-api-key",
  sources: ["tactical-rmm"],
  schema: TacticalRmmApiKey,
  presence: { every: "none", noneMeans: "the instance has no API keys (accounts_apikey is empty)" },
});
