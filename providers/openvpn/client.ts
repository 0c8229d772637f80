import { dirname, isAbsolute, join, posix, resolve } from "node:path";
import { ConfigError } from "../../src/errors.js";
import {
  buildPamStack,
  pamDir as etcPamD,
  includeTargets,
  type PamFileState,
  type PamStack,
  parsePamFile,
} from "../../src/model/pam/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { type JsonPath, lineAt, parseJsonWithLines } from "../../src/util/json-lines.js";
import { FileReadError, readTextFile } from "../../src/util/text-file.js";
import { ConfigQuery, type PropBag, pickConfig, pickProps, UserProps } from "./api.js";
import { parseServerConf, type ServerConf } from "./server-conf.js";
import type { AccessServerSettings } from "./settings.js";

/**
 * Reads the files an OpenVPN connection names. Community: server.conf and the files it pulls in with
 * `config`, and the auth-pam plugin's PAM service from a copy of /etc/pam.d (parsed with the SSH
 * provider's PAM parser). Access Server: the two `sacli` JSON dumps. A file that cannot be read is a
 * ConfigError naming it.
 */

const maxIncludeDepth = 8;

/** server.conf with every `config <file>` expanded in place (relative paths from the including file's directory). */
export async function readServerConf(path: string): Promise<ServerConf> {
  const merged: ServerConf = { file: path, directives: [], inlineBlocks: [], problems: [] };
  const visit = async (file: string, chain: string[]): Promise<void> => {
    const { text } = await readTextFile(file, { maxBytes: 1024 * 1024, what: "server config" });
    const conf = parseServerConf(text, file);
    appendAll(merged.inlineBlocks, conf.inlineBlocks);
    appendAll(merged.problems, conf.problems);
    for (const d of conf.directives) {
      if (d.name !== "config") {
        merged.directives.push(d);
        continue;
      }
      const target = d.args[0];
      if (!target) {
        merged.problems.push({ file, line: d.line, message: "config without a file" });
        continue;
      }
      const included = isAbsolute(target) ? target : resolve(dirname(file), target);
      if (chain.includes(included) || chain.length >= maxIncludeDepth) {
        merged.problems.push({
          file,
          line: d.line,
          message: `config ${target}: include loop or nesting too deep`,
        });
        continue;
      }
      try {
        await visit(included, [...chain, included]);
      } catch (err) {
        merged.problems.push({
          file,
          line: d.line,
          message: `config ${target} could not be read (${err instanceof ConfigError ? err.message : "error"}); its options are not known`,
        });
      }
    }
  };
  await visit(path, [resolve(path)]);
  return merged;
}

export type PamRead = { stack: PamStack } | { error: string };

/**
 * The `auth` stack of PAM service `service` from `pamDir`, a copy of the server's /etc/pam.d. Includes are
 * followed inside that directory only; an include elsewhere makes the stack incomplete (listed as
 * unreadable), never a read outside `pamDir`.
 */
export async function readPamService(pamDir: string, service: string): Promise<PamRead> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(service) || service.startsWith("."))
    return { error: `'${service.slice(0, 40)}' is not a PAM service name` };
  const files = new Map<string, PamFileState>();
  const start = posix.join(etcPamD, service);
  const queue = [start];
  while (queue.length > 0 && files.size < 64) {
    const abs = queue.shift()!;
    if (files.has(abs)) continue;
    const rel = posix.relative(etcPamD, abs);
    if (rel.startsWith("..") || rel.includes("/") || rel === "") {
      files.set(abs, { kind: "error", reason: "outside /etc/pam.d; not in the copied directory" });
      continue;
    }
    try {
      const { text } = await readTextFile(join(pamDir, rel), { maxBytes: 512 * 1024, what: "PAM file" });
      const parsed = parsePamFile(text, abs);
      files.set(abs, { kind: "parsed", file: parsed });
      appendAll(queue, includeTargets(parsed));
    } catch (err) {
      const code = err instanceof FileReadError ? err.code : undefined;
      files.set(
        abs,
        code === "ENOENT"
          ? { kind: "missing" }
          : { kind: "error", reason: err instanceof Error ? err.message : String(err) },
      );
    }
  }
  if (files.get(start)?.kind === "missing")
    return { error: `PAM service file ${service} is not in ${pamDir}` };
  return { stack: buildPamStack(start, files, "auth") };
}

export interface AccessServerDump {
  configFile: string;
  userFile: string;
  /** Only the ConfigQuery keys mfasweep reads. */
  config: Record<string, string>;
  configLine(key: string): number | undefined;
  /** Only the user-property keys mfasweep reads, per user, group and `__DEFAULT__`. */
  entries: Record<string, PropBag>;
  userLine(name: string, key?: string): number | undefined;
}

async function readJson(
  file: string,
): Promise<{ value: unknown; lineOf: (path: JsonPath) => number | undefined }> {
  const { text } = await readTextFile(file, { maxBytes: 32 * 1024 * 1024, what: "Access Server dump" });
  const parsed = parseJsonWithLines(text);
  if (!parsed.ok)
    throw new ConfigError(`not JSON: ${parsed.error}`, `${file}:${parsed.line}:${parsed.column}`);
  return { value: parsed.value, lineOf: (path) => lineAt(parsed.lines, path) };
}

export async function readAccessServer(settings: AccessServerSettings): Promise<AccessServerDump> {
  const config = await readJson(settings.configQuery);
  const checkedConfig = ConfigQuery.safeParse(config.value);
  if (!checkedConfig.success)
    throw new ConfigError(
      "expected the JSON object that `sacli ConfigQuery` prints",
      `${settings.configQuery}:1`,
    );
  const users = await readJson(settings.userProps);
  const checkedUsers = UserProps.safeParse(users.value);
  if (!checkedUsers.success) {
    const at = checkedUsers.error.issues[0]?.path.map((p) => (typeof p === "number" ? p : String(p))) ?? [];
    throw new ConfigError(
      "expected the JSON object that `sacli UserPropGet` prints (names to objects of properties)",
      `${settings.userProps}:${users.lineOf(at) ?? 1}`,
    );
  }
  const entries: Record<string, PropBag> = {};
  for (const [name, raw] of Object.entries(checkedUsers.data)) {
    const { props, unreadable } = pickProps(raw);
    if (unreadable.length > 0)
      throw new ConfigError(
        `property ${unreadable[0]} of '${name.slice(0, 64)}' is not a string, number or boolean`,
        `${settings.userProps}:${users.lineOf([name, unreadable[0]!]) ?? 1}`,
      );
    Object.defineProperty(entries, name, {
      value: props,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    configFile: settings.configQuery,
    userFile: settings.userProps,
    config: pickConfig(checkedConfig.data),
    configLine: (key) => config.lineOf([key]),
    entries,
    userLine: (name, key) => users.lineOf(key ? [name, key] : [name]),
  };
}
