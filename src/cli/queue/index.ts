import { Command } from "commander";
import { acceptCommand } from "./accept.js";
import { listCommand } from "./list.js";
import { pruneCommand } from "./prune.js";
import { reopenCommand } from "./reopen.js";
import { showCommand } from "./show.js";

/** `mfasweep queue`: one file per subcommand; what they share is in common.ts. */
export function queueCommand(): Command {
  const queue = new Command("queue").description(
    "The remediation queue that sweeps keep: list, show, accept, reopen, prune",
  );
  listCommand(queue);
  showCommand(queue);
  acceptCommand(queue);
  reopenCommand(queue);
  pruneCommand(queue);
  return queue;
}
