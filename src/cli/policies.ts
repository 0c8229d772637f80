import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { policies } from "../../policies/index.js";
import { ConfigError } from "../errors.js";
import { policyCatalogMarkdown } from "../evaluate/catalog.js";
import { profiles } from "../evaluate/profiles.js";
import { renderGrid } from "../export/grid.js";
import { layout } from "./shared.js";

export function policiesCommand(): Command {
  const command = new Command("policies").description("List and explain the policies");
  command
    .command("list")
    .description("Every policy: id, severity, sources, title")
    .option("--format <format>", "table or json", "table")
    .action((options: { format: string }) => {
      if (options.format === "json")
        return void process.stdout.write(
          `${JSON.stringify(
            policies.map((p) => p.meta),
            null,
            2,
          )}\n`,
        );
      const lines = renderGrid(
        policies.map((p) => p.meta),
        [
          { header: "POLICY", value: (m) => m.id },
          { header: "SEVERITY", value: (m) => m.severity },
          { header: "SOURCES", value: (m) => m.sources.join(","), shrink: true },
          { header: "TITLE", value: (m) => m.title, shrink: true },
        ],
        layout(),
      );
      process.stdout.write(`${lines.join("\n")}\n`);
    });
  command
    .command("show <id>")
    .description("What a policy checks, why, from which evidence, and how to fix a failure")
    .action((id: string) => {
      const policy = policies.find((p) => p.meta.id === id);
      if (!policy) throw new ConfigError(`no policy '${id}' (see: mfasweep policies list)`);
      const m = policy.meta;
      process.stdout.write(
        [
          `${m.id}: ${m.title}`,
          `severity: ${m.severity}    sources: ${m.sources.join(", ")}    subject: ${m.subject}`,
          "",
          `Why: ${m.rationale}`,
          `Evidence: ${m.evidence}`,
          `Fix: ${m.remediation}`,
          ...Object.entries(m.remediationBySource ?? {}).map(([source, text]) => `  ${source}: ${text}`),
          "References:",
          ...m.references.map((r) => `  - ${r.title}: ${r.url}`),
          "",
        ].join("\n"),
      );
    });
  command
    .command("profiles")
    .description("The built-in profiles and what each changes")
    .action(() => {
      for (const p of Object.values(profiles)) {
        process.stdout.write(`${p.name}: ${p.description}\n`);
        for (const [id, s] of Object.entries(p.policies))
          process.stdout.write(`  ${id}: ${JSON.stringify(s)}\n`);
      }
    });
  command
    .command("docs")
    .description("Write the policy catalog as Markdown (docs/policies.md)")
    .option("-o, --output <file>", "file to write (default: stdout)")
    .action(async (options: { output?: string }) => {
      const text = policyCatalogMarkdown();
      if (options.output) await writeFile(options.output, text);
      else process.stdout.write(text);
    });
  return command;
}
