/**
 * OpenVPN (community) configuration files: the `--option` names without dashes, one per line, arguments
 * split on whitespace with "double" and 'single' quotes and backslash escapes, `#` or `;` where a word would
 * start begins a comment, and inline files between `<name>` and `</name>` (openvpn(8) "options", "inline
 * files"). Pure; never throws: what it cannot read is listed in `problems` with `file:line`.
 *
 * Only directives that decide who can connect are kept with their arguments. Inline blocks (`<ca>`,
 * `<key>`, `<tls-crypt>` ...) hold keys: their content is skipped, only the block's name and line are
 * kept. Plugin arguments are dropped unless the plugin is auth-pam (some plugins take secrets as
 * arguments, e.g. an API secret key).
 */

export interface Directive {
  name: string;
  args: string[];
  file: string;
  line: number;
}

export interface ServerConf {
  file: string;
  directives: Directive[];
  inlineBlocks: Array<{ name: string; file: string; line: number }>;
  problems: Array<{ file: string; line: number; message: string }>;
}

/** Directives whose arguments are kept (none of them carries a secret). */
const argDirectives = new Set([
  "mode",
  "server",
  "server-bridge",
  "client",
  "remote",
  "tls-server",
  "tls-client",
  "verify-client-cert",
  "client-cert-not-required",
  "auth-user-pass-verify",
  "auth-user-pass-optional",
  "management-client-auth",
  "auth-gen-token",
  "reneg-sec",
  "username-as-common-name",
  "config",
  "static-challenge",
  "script-security",
  "duplicate-cn",
  "port",
  "proto",
  "dev",
  "local",
]);

export function isAuthPamPlugin(module: string): boolean {
  const base = module.split(/[\\/]/).pop() ?? module;
  return /auth-pam/i.test(base);
}

/** Splits one line into words the way OpenVPN's parse_line does; `[]` for a blank or comment line. */
export function splitOpenVpnLine(text: string): string[] | { error: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (c === "\\" && i + 1 < text.length) {
      word += text[i + 1];
      inWord = true;
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    if (!inWord && (c === "#" || c === ";")) break;
    word += c;
    inWord = true;
  }
  if (quote) return { error: `unterminated ${quote === '"' ? "double" : "single"} quote` };
  if (inWord) words.push(word);
  return words;
}

export function parseServerConf(text: string, file: string): ServerConf {
  const conf: ServerConf = { file, directives: [], inlineBlocks: [], problems: [] };
  if (typeof text !== "string") {
    conf.problems.push({ file, line: 1, message: "not text" });
    return conf;
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const trimmed = lines[n]!.trim();
    const open = /^<([A-Za-z0-9_-]+)>$/.exec(trimmed);
    if (open) {
      const name = open[1]!.toLowerCase();
      const close = `</${name}>`;
      let end = n + 1;
      while (end < lines.length && lines[end]!.trim().toLowerCase() !== close) end++;
      if (end >= lines.length) {
        conf.problems.push({ file, line: lineNo, message: `<${name}> is never closed` });
        break;
      }
      conf.inlineBlocks.push({ name, file, line: lineNo });
      n = end;
      continue;
    }
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const words = splitOpenVpnLine(trimmed);
    if ("error" in words) {
      conf.problems.push({ file, line: lineNo, message: words.error });
      continue;
    }
    if (words.length === 0) continue;
    // A config file may also spell options with the command line's leading dashes.
    const name = words[0]!.replace(/^--/, "").toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      conf.problems.push({ file, line: lineNo, message: `'${name.slice(0, 40)}' is not an option name` });
      continue;
    }
    let args: string[] = [];
    if (argDirectives.has(name)) args = words.slice(1).map((a) => a.slice(0, 500));
    else if (name === "plugin") {
      const module = words[1] ?? "";
      // auth-pam's init string is the PAM service and name/value pairs; other plugins' may hold secrets.
      args = isAuthPamPlugin(module)
        ? [module, ...words.slice(2).flatMap((w) => w.split(/\s+/).filter(Boolean))].map((a) =>
            a.slice(0, 200),
          )
        : [module];
    }
    conf.directives.push({ name, args, file, line: lineNo });
  }
  return conf;
}

// ---------------------------------------------------------------------------------------------------
// What the directives mean for authentication (openvpn(8) server options, auth-pam README).

export type Verifier =
  | {
      kind: "pam";
      module: string;
      /** PAM service; undefined when the plugin line names none (auth-pam then refuses to start). */
      service: string | undefined;
      /** Name/value pairs answering PAM prompts; empty = answer by echo on/off. */
      pairs: Array<{ name: string; value: string }>;
      /** Whether a prompt is answered with the static-challenge response (`OTP`). */
      mapsOtp: boolean;
      at: Directive;
    }
  | { kind: "script"; command: string; method: string | undefined; at: Directive }
  | { kind: "plugin"; module: string; at: Directive }
  | { kind: "management"; at: Directive };

export interface AuthToken {
  /** Seconds; 0 = "the token will never expire" (also when not set). */
  lifetime: number;
  /** Seconds; null = reneg-sec. */
  renewal: number | null;
  externalAuth: boolean;
  at: Directive;
}

export interface AuthSettings {
  /** Whether the file configures a server at all (`server`, `server-bridge`, `mode server`). */
  role: "server" | "client" | "unknown";
  roleAt?: Directive;
  verifyClientCert: { value: "none" | "optional" | "require"; at?: Directive; problem?: string };
  verifiers: Verifier[];
  authUserPassOptional?: Directive;
  authGenToken?: AuthToken;
  renegSec: { value: number; at?: Directive };
  problems: Array<{ file: string; line: number; message: string }>;
}

/** Plugins that never verify a username/password (they do not register the auth-user-pass-verify hook). */
const nonAuthPlugins = [/down-root/i];

function last(conf: ServerConf, name: string): Directive | undefined {
  return conf.directives.filter((d) => d.name === name).at(-1);
}

function seconds(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

export function authSettings(conf: ServerConf): AuthSettings {
  const problems: AuthSettings["problems"] = [];
  const problem = (d: Directive, message: string) => problems.push({ file: d.file, line: d.line, message });

  const clientAt = last(conf, "client") ?? last(conf, "remote") ?? last(conf, "tls-client");
  const serverAt =
    last(conf, "server") ??
    last(conf, "server-bridge") ??
    conf.directives.filter((d) => d.name === "mode" && d.args[0]?.toLowerCase() === "server").at(-1);
  const role: AuthSettings["role"] = serverAt ? "server" : clientAt ? "client" : "unknown";

  let verifyClientCert: AuthSettings["verifyClientCert"] = { value: "require" };
  for (const d of conf.directives) {
    if (d.name === "client-cert-not-required") verifyClientCert = { value: "none", at: d };
    else if (d.name === "verify-client-cert") {
      const v = d.args[0]?.toLowerCase();
      if (v === "none" || v === "optional" || v === "require") verifyClientCert = { value: v, at: d };
      else {
        problem(d, `verify-client-cert '${d.args[0] ?? ""}' is not none, optional or require`);
        verifyClientCert = { value: "none", at: d, problem: "not understood" };
      }
    }
  }

  const verifiers: Verifier[] = [];
  for (const d of conf.directives) {
    if (d.name === "auth-user-pass-verify") {
      if (!d.args[0]) problem(d, "auth-user-pass-verify without a command");
      verifiers.push({ kind: "script", command: d.args[0] ?? "", method: d.args[1], at: d });
    } else if (d.name === "management-client-auth") {
      verifiers.push({ kind: "management", at: d });
    } else if (d.name === "plugin") {
      const module = d.args[0] ?? "";
      if (!module) {
        problem(d, "plugin without a module");
        continue;
      }
      if (nonAuthPlugins.some((r) => r.test(module))) continue;
      if (isAuthPamPlugin(module)) {
        const [service, ...rest] = d.args.slice(1);
        if (!service) problem(d, "the auth-pam plugin needs a PAM service name");
        if (rest.length % 2 === 1) problem(d, "auth-pam name/value list has an odd number of words");
        const pairs: Array<{ name: string; value: string }> = [];
        for (let i = 0; i + 1 < rest.length; i += 2) pairs.push({ name: rest[i]!, value: rest[i + 1]! });
        verifiers.push({
          kind: "pam",
          module,
          service,
          pairs,
          mapsOtp: pairs.some((p) => p.value.includes("OTP")),
          at: d,
        });
      } else verifiers.push({ kind: "plugin", module, at: d });
    }
  }

  let authGenToken: AuthToken | undefined;
  const token = last(conf, "auth-gen-token");
  if (token) {
    const words = token.args.filter((a) => a.toLowerCase() !== "external-auth");
    const lifetime = words[0] === undefined ? 0 : seconds(words[0]);
    const renewal = words[1] === undefined ? null : (seconds(words[1]) ?? null);
    if (lifetime === undefined)
      problem(token, `auth-gen-token lifetime '${words[0]}' is not a number of seconds`);
    authGenToken = {
      lifetime: lifetime ?? 0,
      renewal,
      externalAuth: token.args.some((a) => a.toLowerCase() === "external-auth"),
      at: token,
    };
  }
  const reneg = last(conf, "reneg-sec");
  // reneg-sec's server default is 3600 s (openvpn(8)); a second argument is a client-side maximum.
  const renegSec = { value: seconds(reneg?.args[0]) ?? 3600, ...(reneg ? { at: reneg } : {}) };

  return {
    role,
    ...(serverAt ? { roleAt: serverAt } : clientAt ? { roleAt: clientAt } : {}),
    verifyClientCert,
    verifiers,
    ...(last(conf, "auth-user-pass-optional")
      ? { authUserPassOptional: last(conf, "auth-user-pass-optional")! }
      : {}),
    ...(authGenToken ? { authGenToken } : {}),
    renegSec,
    problems,
  };
}
