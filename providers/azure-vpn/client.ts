import { ConfigError } from "../../src/errors.js";
import { type JsonPath, lineAt, parseJsonWithLines } from "../../src/util/json-lines.js";
import { readTextFile } from "../../src/util/text-file.js";
import { VirtualNetworkGateway } from "./api.js";

export interface ReadGateway {
  gateway: VirtualNetworkGateway;
  file: string;
  /** JSON path of the gateway object in the file. */
  path: JsonPath;
  /** Line of a JSON path inside the file (nearest ancestor when the path is absent). */
  lineOf(path: JsonPath): number | undefined;
}

export interface GatewayExport {
  file: string;
  gateways: ReadGateway[];
  /** Records that do not look like a gateway: counted and listed, the others still count. */
  skipped: Array<{ line: number; reason: string }>;
}

/** Parses an export's text. Throws a ConfigError with `file:line` when it is not JSON or holds no gateway list. */
export function parseGatewayExport(text: string, file: string): GatewayExport {
  const parsed = parseJsonWithLines(text);
  if (!parsed.ok)
    throw new ConfigError(`not JSON: ${parsed.error}`, `${file}:${parsed.line}:${parsed.column}`);
  const root = parsed.value;
  let items: unknown[];
  let base: JsonPath;
  if (Array.isArray(root)) {
    items = root;
    base = [];
  } else if (root && typeof root === "object" && Array.isArray((root as { value?: unknown }).value)) {
    items = (root as { value: unknown[] }).value;
    base = ["value"];
  } else if (root && typeof root === "object") {
    items = [root];
    base = [];
  } else {
    throw new ConfigError(
      "expected a gateway object, an array of gateways, or { value: [...] }",
      `${file}:1`,
    );
  }
  const single = !Array.isArray(root) && base.length === 0;
  const out: GatewayExport = { file, gateways: [], skipped: [] };
  items.forEach((item, i) => {
    const path: JsonPath = single ? [] : [...base, i];
    const g = VirtualNetworkGateway.safeParse(item);
    const line = lineAt(parsed.lines, path) ?? 1;
    if (!g.success) {
      const issue = g.error.issues[0];
      out.skipped.push({
        line:
          lineAt(parsed.lines, [
            ...path,
            ...(issue?.path ?? []).map((p) => (typeof p === "number" ? p : String(p))),
          ]) ?? line,
        reason: `not a virtual network gateway: ${issue?.path.join(".") || "record"}: ${issue?.message}`,
      });
      return;
    }
    out.gateways.push({ gateway: g.data, file, path, lineOf: (p) => lineAt(parsed.lines, [...path, ...p]) });
  });
  return out;
}

export async function readGatewayExport(file: string): Promise<GatewayExport> {
  const { text } = await readTextFile(file, { maxBytes: 16 * 1024 * 1024, what: "gateway export" });
  return parseGatewayExport(text, file);
}
