import { Command } from "commander";
import { recordJsonSchema } from "../export/record.js";

/** `mfasweep schema record`: the finding record's JSON Schema (README: "Finding record"). */
export function schemaCommand(): Command {
  const schema = new Command("schema").description("Print the JSON Schema of an output");
  schema
    .command("record")
    .description("The flat finding record (one row of CSV, one line of NDJSON)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(recordJsonSchema(), null, 2)}\n`);
    });
  return schema;
}
