import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * The snapshot layout users are told to write (providers/ssh/README.md, "Config-only mode"), stated here
 * rather than imported from the reader in ./snapshot.ts, so a renamed file in the reader fails its tests.
 */
const snapshotFiles = {
  sshdT: "sshd-T",
  sshdTC: "sshd-T-C",
  version: "sshd-V",
  passwd: "getent-passwd",
  group: "getent-group",
  status: "passwd-status",
  otp: "otp-enrolled",
  pamModules: "pam-modules",
  files: "files",
} as const;
export const documented = { snapshotFiles } as const;

/**
 * SSH has no HTTP API to emulate: the "emulator" builds config-only snapshots (snapshot.ts layout) of
 * hosts, for the demo and for tests of many configuration variants. The `sshd -T` output starts from
 * what Debian 12's OpenSSH 9.2 prints for its stock sshd_config; each host overrides keywords.
 */

/** `sshd -T` of Debian 12 (OpenSSH 9.2p1, stock sshd_config), less the long algorithm lists. */
const debian12 = `port 22
addressfamily any
listenaddress [::]:22
listenaddress 0.0.0.0:22
usepam yes
logingracetime 120
maxauthtries 6
maxsessions 10
permitrootlogin without-password
ignorerhosts yes
hostbasedauthentication no
pubkeyauthentication yes
kerberosauthentication no
gssapiauthentication no
passwordauthentication yes
kbdinteractiveauthentication no
printmotd no
x11forwarding yes
permittty yes
strictmodes yes
permitemptypasswords no
usedns no
allowtcpforwarding yes
allowagentforwarding yes
disableforwarding no
allowstreamlocalforwarding yes
fingerprinthash SHA256
pidfile /run/sshd.pid
banner none
forcecommand none
chrootdirectory none
trustedusercakeys none
revokedkeys none
authorizedprincipalsfile none
authorizedkeyscommand none
authorizedkeyscommanduser none
hostkey /etc/ssh/ssh_host_rsa_key
hostkey /etc/ssh/ssh_host_ecdsa_key
hostkey /etc/ssh/ssh_host_ed25519_key
pubkeyacceptedalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256
authorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2
acceptenv LANG
acceptenv LC_*
authenticationmethods any
subsystem sftp /usr/lib/openssh/sftp-server
permittunnel no
pubkeyauthoptions none
`;

/** Debian's stock /etc/pam.d/common-auth (pam_unix, then deny unless it succeeded). */
export const debianCommonAuth = `auth\t[success=1 default=ignore]\tpam_unix.so nullok
auth\trequisite\t\t\tpam_deny.so
auth\trequired\t\t\tpam_permit.so
auth\toptional\t\t\tpam_cap.so
`;

/** The rest of Debian's common-* files that /etc/pam.d/sshd includes. */
export const debianCommonFiles: Record<string, string> = {
  "/etc/pam.d/common-auth": debianCommonAuth,
  "/etc/pam.d/common-account":
    "account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\naccount\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so\n",
  "/etc/pam.d/common-session":
    "session\t[default=1]\t\t\tpam_permit.so\nsession\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so\nsession\trequired\tpam_unix.so\n",
  "/etc/pam.d/common-password":
    "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n",
};

/** Overrides by keyword; a list replaces every line of that keyword, `null` removes it. */
export type SshdTOverrides = Record<string, string | string[] | null | undefined>;

/** `sshd -T` output: the Debian 12 defaults with `overrides` applied, in sshd's print order. */
export function sshdTOutput(overrides: SshdTOverrides = {}, base = debian12): string {
  const lines: string[] = [];
  const done = new Set<string>();
  for (const line of base.split("\n").filter(Boolean)) {
    const keyword = line.split(" ")[0]!;
    if (!(keyword in overrides)) {
      lines.push(line);
      continue;
    }
    if (done.has(keyword)) continue;
    done.add(keyword);
    const v = overrides[keyword];
    if (v === null || v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) lines.push(`${keyword} ${value}`);
  }
  for (const [keyword, v] of Object.entries(overrides)) {
    if (done.has(keyword) || v === null || v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) lines.push(`${keyword} ${value}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface SnapshotAccount {
  name: string;
  uid: number;
  gid?: number;
  gecos?: string;
  home?: string;
  shell?: string;
  /** passwd -S status; default P. */
  status?: "P" | "L" | "NP";
  /** Supplementary groups. */
  groups?: string[];
  /** Has a google-authenticator secret file. */
  otp?: boolean;
}

export interface HostSnapshot {
  /** `sshd -T` keyword overrides on the Debian 12 defaults, or the complete text. */
  sshdT: SshdTOverrides | string;
  /** Version line of `sshd -V`. */
  version?: string;
  /** Files on the host by absolute path: sshd_config (+ Includes), /etc/pam.d/*, /etc/duo/*. */
  files?: Record<string, string>;
  /** Accounts; root (uid 0, /bin/bash, password locked) is added unless listed. Omit for "not saved". */
  accounts?: SnapshotAccount[];
  /** Leave out otp-enrolled, so whether users have an OTP secret is not known. */
  otpUnknown?: boolean;
  /** Installed PAM modules (`pam-modules`); omit for "not known". */
  pamModules?: string[];
  /** Saved `sshd -T -C` outputs: spec (user=…,host=…,addr=…,laddr=…,lport=…) → overrides. */
  savedSpecs?: Array<{ spec: string; sshdT: SshdTOverrides }>;
}

/** Writes one host's snapshot directory; returns its path. */
export async function writeSnapshot(dir: string, host: string, snap: HostSnapshot): Promise<string> {
  const root = join(dir, host);
  await mkdir(root, { recursive: true });
  const globalText = typeof snap.sshdT === "string" ? snap.sshdT : sshdTOutput(snap.sshdT);
  await writeFile(join(root, snapshotFiles.sshdT), globalText);
  if (snap.version) await writeFile(join(root, snapshotFiles.version), `${snap.version}\n`);
  for (const [path, text] of Object.entries(snap.files ?? {})) {
    const local = join(root, snapshotFiles.files, path);
    await mkdir(dirname(local), { recursive: true });
    await writeFile(local, text);
  }
  if (snap.accounts) {
    const accounts = snap.accounts.some((a) => a.uid === 0)
      ? snap.accounts
      : [{ name: "root", uid: 0, home: "/root", shell: "/bin/bash", status: "L" as const }, ...snap.accounts];
    const passwd = accounts.map(
      (a) =>
        `${a.name}:x:${a.uid}:${a.gid ?? a.uid}:${a.gecos ?? ""}:${a.home ?? `/home/${a.name}`}:${a.shell ?? "/bin/bash"}`,
    );
    passwd.push(
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
      "sshd:x:108:65534::/run/sshd:/usr/sbin/nologin",
    );
    await writeFile(join(root, snapshotFiles.passwd), `${passwd.join("\n")}\n`);
    const groupNames = [...new Set(accounts.flatMap((a) => a.groups ?? []))];
    const groups = [
      ...accounts.map((a) => `${a.name}:x:${a.gid ?? a.uid}:`),
      ...groupNames.map(
        (g, i) =>
          `${g}:x:${2000 + i}:${accounts
            .filter((a) => a.groups?.includes(g))
            .map((a) => a.name)
            .join(",")}`,
      ),
    ];
    await writeFile(join(root, snapshotFiles.group), `${groups.join("\n")}\n`);
    const status = accounts.map((a) => `${a.name} ${a.status ?? "P"} 2025-01-01 0 99999 7 -1`);
    await writeFile(join(root, snapshotFiles.status), `${status.join("\n")}\n`);
    if (!snap.otpUnknown)
      await writeFile(
        join(root, snapshotFiles.otp),
        `${accounts
          .filter((a) => a.otp)
          .map((a) => a.name)
          .join("\n")}\n`,
      );
  }
  if (snap.pamModules)
    await writeFile(join(root, snapshotFiles.pamModules), `${snap.pamModules.join("\n")}\n`);
  if (snap.savedSpecs?.length) {
    await mkdir(join(root, snapshotFiles.sshdTC), { recursive: true });
    for (const [i, s] of snap.savedSpecs.entries()) {
      await writeFile(
        join(root, snapshotFiles.sshdTC, `${i}.txt`),
        `# -C ${s.spec}\n${sshdTOutput(s.sshdT)}`,
      );
    }
  }
  return root;
}

// ---------------------------------------------------------------------------------------------------
// The demo portfolio's SSH hosts.

const stockSshdConfig = (extra: string) => `Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem\tsftp\t/usr/lib/openssh/sftp-server
${extra}`;

const pamSshd = (auth: string) => `# PAM configuration for the Secure Shell service
${auth}
account    required     pam_nologin.so
@include common-account
session    required     pam_loginuid.so
@include common-session
@include common-password
`;

const demoHosts: Record<string, (domain: string) => Array<[string, HostSnapshot]>> = {
  /** A bastion with key + TOTP, but nullok, an unenrolled user, and the office range exempt. */
  northwind: (domain) => [
    [
      `bastion.${domain}`,
      {
        version: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024",
        sshdT: {
          kbdinteractiveauthentication: "yes",
          passwordauthentication: "no",
          permitrootlogin: "no",
          authenticationmethods: "publickey,keyboard-interactive",
        },
        files: {
          "/etc/ssh/sshd_config": stockSshdConfig(""),
          "/etc/ssh/sshd_config.d/10-mfa.conf": [
            "# Key plus TOTP for everyone; the office is trusted (ticket NW-4411).",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication yes",
            "PermitRootLogin no",
            "AuthenticationMethods publickey,keyboard-interactive",
            "",
            "Match Address 10.20.0.0/16",
            "    AuthenticationMethods publickey",
            "",
          ].join("\n"),
          "/etc/pam.d/sshd": pamSshd(
            "# Standard Un*x authentication (password) replaced by TOTP for key+code logins.\n# @include common-auth\nauth required pam_google_authenticator.so nullok\nauth required pam_permit.so",
          ),
          ...debianCommonFiles,
        },
        accounts: [
          { name: "it.admin", uid: 1000, groups: ["sudo"], otp: true },
          { name: "a.fuller", uid: 1001, otp: true },
          { name: "j.leverling", uid: 1002 },
          { name: "backup", uid: 34, home: "/var/backups", shell: "/usr/sbin/nologin" },
        ],
      },
    ],
    /** A CI runner: keys only, root allowed with a key. */
    [
      `build.${domain}`,
      {
        version: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024",
        sshdT: { passwordauthentication: "no", permitrootlogin: "without-password" },
        files: {
          "/etc/ssh/sshd_config": stockSshdConfig("PasswordAuthentication no\n"),
          "/etc/pam.d/sshd": pamSshd("@include common-auth"),
          ...debianCommonFiles,
        },
        accounts: [{ name: "deploy", uid: 1000 }],
      },
    ],
  ],
  /** An old practice-management server: passwords, root by password, an account with an empty password. */
  "contoso-dental": (domain) => [
    [
      `legacy.${domain}`,
      {
        version: "OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017",
        sshdT: {
          permitrootlogin: "yes",
          permitemptypasswords: "yes",
          passwordauthentication: "yes",
          kbdinteractiveauthentication: "no",
          challengeresponseauthentication: "no",
          usepam: "yes",
        },
        files: {
          "/etc/ssh/sshd_config":
            "PermitRootLogin yes\nPermitEmptyPasswords yes\nPasswordAuthentication yes\nChallengeResponseAuthentication no\nUsePAM yes\n",
          "/etc/pam.d/sshd": pamSshd("@include common-auth"),
          ...debianCommonFiles,
        },
        accounts: [
          { name: "root", uid: 0, home: "/root", shell: "/bin/bash", status: "P" },
          { name: "pmsadmin", uid: 500, groups: ["wheel"] },
          { name: "scanner", uid: 501, status: "NP" },
        ],
      },
    ],
  ],
  /**
   * A file server done right on the host: key + Duo push, Duo fails closed, root refused. Its pam_duo names
   * Fabrikam's Duo application "File server SSH" (the Duo demo), so the Duo linker judges each login.
   */
  "fabrikam-legal": (domain) => [
    [
      `files.${domain}`,
      {
        version: "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5, OpenSSL 3.0.13 30 Jan 2024",
        sshdT: {
          kbdinteractiveauthentication: "yes",
          passwordauthentication: "no",
          permitrootlogin: "no",
          authenticationmethods: "publickey,keyboard-interactive",
        },
        files: {
          "/etc/ssh/sshd_config": stockSshdConfig(
            "PasswordAuthentication no\nKbdInteractiveAuthentication yes\nPermitRootLogin no\nAuthenticationMethods publickey,keyboard-interactive\n",
          ),
          "/etc/pam.d/sshd": pamSshd("auth required pam_duo.so"),
          ...debianCommonFiles,
          "/etc/duo/pam_duo.conf":
            "[duo]\nikey = DIFABRIKAMSSH0000001\nskey = demo-not-a-secret\nhost = api-demo.duosecurity.example\nfailmode = secure\npushinfo = yes\n",
        },
        accounts: [
          { name: "admin", uid: 1000, groups: ["sudo"] },
          { name: "paralegal", uid: 1001 },
        ],
      },
    ],
  ],
};

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-ssh-demo-"));
  const connections: ProviderDemo["connections"] = [];
  try {
    for (const t of portfolio.tenants) {
      const build = demoHosts[t.id];
      if (!build) continue;
      const tenantDir = join(dir, t.id);
      for (const [host, snap] of build(t.domain)) await writeSnapshot(tenantDir, host, snap);
      connections.push({ tenant: t.id, connection: { type: "ssh", id: "ssh", snapshotDir: tenantDir } });
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { connections, env: {}, close: () => rm(dir, { recursive: true, force: true }) };
}
