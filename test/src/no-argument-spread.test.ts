import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Issue #19 item 3: a spread argument passes each element as one argument, and V8 throws ("Maximum call
 * stack size exceeded") somewhere above ~125k of them. An array that grows with a tenant (accounts,
 * verdicts, records of a page, lines of a file) must never be spread into a call; these calls exist only
 * to take many arguments, so a spread into them is refused outright, wherever the array comes from.
 */
const variadic = new Set([
  "push",
  "unshift",
  "splice",
  "max",
  "min",
  "fromCharCode",
  "fromCodePoint",
  "concat",
]);

const root = join(import.meta.dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

function spreadCalls(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      variadic.has(node.expression.name.text) &&
      node.arguments.some(ts.isSpreadElement)
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${relative(root, file)}:${line + 1}: ${node.getText().split("\n")[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("no array is spread into a variadic call", () => {
  it("in src/, providers/ and policies/", () => {
    const offenders = ["src", "providers", "policies"].flatMap((d) =>
      sources(join(root, d)).flatMap(spreadCalls),
    );
    expect(offenders).toEqual([]);
  });
});
