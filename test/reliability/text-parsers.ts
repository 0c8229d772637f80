import { parseCsvAttestations, parseYamlAttestations } from "../../providers/attestation/client.js";
import { parseGatewayExport } from "../../providers/azure-vpn/client.js";
import { parseRunningConfig } from "../../providers/cisco-asa/running-config.js";
import { readAsaConfig } from "../../providers/cisco-asa/transform.js";
import { parseAuthProxyConfig } from "../../providers/duo/authproxy.js";
import { windowsLogonSettings } from "../../providers/duo/windows-logon.js";
import { parseFortiConfig } from "../../providers/fortigate/cli.js";
import { azureMfaSettings } from "../../providers/nps-extension/api.js";
import { authSettings, parseServerConf } from "../../providers/openvpn/server-conf.js";
import { parseGroups, parsePasswd, parsePasswordStatus } from "../../providers/ssh/api.js";
import { parseKnownHosts } from "../../providers/ssh/known-hosts.js";
import { parseAddressEntry } from "../../providers/ssh/sources.js";
import { buildRawConfig, parseSshdT, tokenizeConfigFile } from "../../providers/ssh/sshd-config.js";
import { parseWireGuardConfig } from "../../providers/wireguard/api.js";
import { parseConfig } from "../../src/composition.js";
import { ConfigError } from "../../src/errors.js";
import {
  analyzeAuthStack,
  buildPamStack,
  type PamFileState,
  parseDuoConfig,
  parsePamFile,
} from "../../src/model/pam/index.js";
import { parseJsonWithLines } from "../../src/util/json-lines.js";
import { parseRegExport } from "../../src/util/reg-export.js";
import { parseXml, XmlError } from "../../src/util/xml.js";

/**
 * Every parser of text a customer's system or an operator hands us, as one function of the text each:
 * the parse and what is built from it (includes resolved, stacks run). `units` are the pieces its syntax
 * is made of: repeated a few hundred thousand times they make long lines, deep nesting, huge tables and
 * include trees, the shapes where a loop that does not advance, unbounded recursion or a quadratic step
 * shows. `refusal` is the one error a parser may throw by design (a ConfigError with file:line, an XmlError).
 */
export interface TextParser {
  name: string;
  parse: (text: string) => unknown;
  units: string[];
  /**
   * Units for the large cases when not all of `units`: the YAML library is linear but slow on some
   * (a run of quotes, anchors), and those are left to the small random texts to keep the test short.
   */
  bigUnits?: string[];
  /** Text around the repeated units of a large case: the block its entries belong in. */
  wrap?: [string, string];
  refusal?: (err: unknown) => boolean;
}

const configError = (err: unknown) => err instanceof ConfigError;
const sshdFile = "/etc/ssh/sshd_config";
const pamFile = "/etc/pam.d/sshd";

/** sshd_config with every Include naming the file itself: include loops and trees from one file. */
function sshdWithIncludes(text: string): unknown {
  const file = tokenizeConfigFile(text, sshdFile);
  return buildRawConfig(file, () => [file]);
}

/** A PAM service whose includes (any name) are the file itself, then the auth stack run for a user. */
function pamStackRun(text: string): unknown {
  const parsed = parsePamFile(text, pamFile);
  const files = new Map<string, PamFileState>();
  files.set(pamFile, { kind: "parsed", file: parsed });
  for (const e of parsed.entries)
    if (e.kind === "include") files.set(e.target, { kind: "parsed", file: parsed });
  const stack = buildPamStack(pamFile, files, "auth");
  return analyzeAuthStack(
    stack.nodes,
    { user: "ann", password: "usable", emptyPasswordsPermitted: false },
    {},
    "prompts",
  );
}

/** Both attestation formats; each may refuse the whole file with a ConfigError. */
function parseAttestations(text: string): unknown {
  const refused = (read: () => unknown) => {
    try {
      return read();
    } catch (err) {
      if (!configError(err)) throw err;
      return err;
    }
  };
  return [
    refused(() => parseYamlAttestations(text, "attestations.yaml")),
    refused(() => parseCsvAttestations(text, "attestations.csv")),
  ];
}

export const textParsers: TextParser[] = [
  {
    name: "sshd_config (Include, Match)",
    parse: sshdWithIncludes,
    units: ["Include sshd_config\n", "Match User {n}\n", '"', "=", "#", "\\", " "],
  },
  { name: "sshd -T", parse: (t) => parseSshdT(t), units: ["passwordauthentication no\n", " "] },
  {
    name: "PAM service (include, substack, jumps)",
    parse: pamStackRun,
    units: [
      "@include sshd\n",
      "auth substack sshd\n",
      "auth [success=1 default=ignore] pam_unix.so nullok\n",
      "auth required pam_google_authenticator.so nullok\n",
      "\\\n",
      "[",
      "#",
    ],
  },
  {
    name: "pam_duo.conf",
    parse: (t) => parseDuoConfig(t, "/etc/duo/pam_duo.conf"),
    units: ["groups = a\n", "="],
  },
  {
    name: "getent passwd / group, passwd -S",
    parse: (t) => [parsePasswd(t), parseGroups(t), parsePasswordStatus(t)],
    units: ["a:x:1:1::/h:/bin/sh\n", ":", ","],
  },
  {
    name: "known_hosts",
    parse: (t) => parseKnownHosts(t),
    units: ["|1|", ",", "[a]:22 ", "@cert-authority "],
  },
  { name: "sshd address list", parse: (t) => parseAddressEntry(t), units: ["1", ":", "/", "."] },
  {
    name: "OpenVPN server.conf",
    parse: (t) => authSettings(parseServerConf(t, "/etc/openvpn/server.conf")),
    units: ["<ca>\n", "plugin auth-pam.so login\n", '"', "'", "\\"],
  },
  {
    name: "WireGuard",
    parse: (t) => parseWireGuardConfig(t, "/etc/wireguard/wg0.conf"),
    units: ["[Peer]\nPublicKey = {n}\n", "[Interface]\n", "# begin {n}\n", "="],
  },
  {
    name: "Cisco ASA running-config",
    parse: (t) => {
      const parsed = parseRunningConfig(t);
      return parsed.ok ? readAsaConfig(parsed.commands) : parsed;
    },
    units: [
      "aaa-server G{n} protocol radius\n",
      "aaa-server G (inside) host 10.0.{n}\n",
      "tunnel-group T{n} general-attributes\n authentication-server-group G{n}\n",
      " a\n",
      "!",
    ],
  },
  {
    name: "FortiGate configuration",
    parse: (t) => parseFortiConfig(t),
    units: ["config a\n", "edit 1\n", "edit {n}\nnext\n", "next\n", "set a{n} b\n", '"', "\\", "\v"],
    wrap: ["config firewall address\n", "end\n"],
  },
  {
    name: "XML (GlobalProtect / PAN-OS)",
    parse: (t) => parseXml(t),
    units: ["<a>", "&amp;\n", "<!--", "<![CDATA[", '<b c="&lt;&amp;" d{n}="e"/>', "</a>"],
    wrap: ["<a>", "</a>"],
    refusal: (err) => err instanceof XmlError,
  },
  {
    name: "Duo Authentication Proxy ini",
    parse: (t) => parseAuthProxyConfig(t, "authproxy.cfg"),
    units: ["[radius_server_auto{n}]\nikey=x\n", "[radius_server_auto]\n", "ikey=x\n", "[", "="],
  },
  {
    name: ".reg export (NPS extension, Duo Windows Logon)",
    parse: (t) => [azureMfaSettings(parseRegExport(t, "nps.reg")), windowsLogonSettings(t, "duo.reg")],
    units: ['"a"=hex:00,\\\n', "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa]\n", '"', "\\"],
  },
  {
    name: "Azure VPN gateway export (JSON)",
    parse: (t) => parseGatewayExport(t, "gw.json"),
    refusal: configError,
    units: ["[", '{"a":'],
  },
  { name: "JSON with lines", parse: (t) => parseJsonWithLines(t), units: ["[", '{"a":', '"'] },
  {
    name: "attestation file (YAML, CSV)",
    parse: parseAttestations,
    units: ["[", "? ", "- ", '"', "a: ", "&a ", "*a "],
    bigUnits: ["[", "? ", "- ", "a: "],
    refusal: configError,
  },
  {
    name: "mfasweep config file (YAML)",
    parse: (t) => parseConfig(t, "mfasweep.yaml"),
    units: ["[", "? ", "- ", "{", '"'],
    bigUnits: ["[", "? ", "- ", "{"],
    refusal: configError,
  },
];

/**
 * Characters that break tokenizers: every C0 and C1 control (NUL, vertical tab, form feed, NEL), DEL,
 * Unicode whitespace JavaScript's `\s` knows and C's isspace does not (no-break space, the line and
 * paragraph separators, the BOM), a zero-width space, and lone surrogate halves.
 */
export const breakingCharacters: string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  "\u00a0",
  "\u1680",
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
  "\u200b",
  "\ud800",
  "\udfff",
];
