import { describe, expect, it } from "vitest";
import { commandNamed, commandTable, program } from "../../../src/cli/program.js";

describe("the lazily loaded command table", () => {
  it("names the command the arguments run or ask help for", () => {
    expect(commandNamed([])).toBeUndefined();
    expect(commandNamed(["--version"])).toBeUndefined();
    expect(commandNamed(["scan", "-c", "x.yaml"])).toBe("scan");
    expect(commandNamed(["--wide", "--debug", "queue", "list"])).toBe("queue");
    expect(commandNamed(["help", "sweep"])).toBe("sweep");
  });

  it("each summary is the description the loaded command gives itself", async () => {
    for (const entry of commandTable) {
      const command = await entry.load();
      expect(command.name()).toBe(entry.name);
      expect(command.description(), entry.name).toBe(entry.summary);
    }
  });

  it("loads only the named command; the others stand in by name", async () => {
    const cli = await program(["queue", "list"]);
    const queue = cli.commands.find((c) => c.name() === "queue");
    const scan = cli.commands.find((c) => c.name() === "scan");
    expect(queue?.commands.map((c) => c.name())).toContain("list");
    expect(scan?.options).toEqual([]);
    expect(cli.commands.map((c) => c.name())).toEqual(commandTable.map((e) => e.name));
  });
});
