/**
 * How to run `mfasweep sweep` on a schedule with the scheduler the machine already has (cron, or a
 * systemd timer); mfasweep has no daemon of its own. Pure: the CLI passes absolute paths and the command
 * that started it, and prints the text.
 */

export type Cadence = "weekly" | "daily";

export interface ScheduleInput {
  cadence: Cadence;
  /** argv that runs mfasweep itself, e.g. [`/usr/bin/node`, `/opt/mfasweep/bin/mfasweep.js`]. */
  command: string[];
  /** Absolute paths. */
  config: string;
  store: string;
  workingDirectory: string;
  /** Where cron appends the output (default: mfasweep-sweep.log next to the store). */
  log?: string;
}

const cron: Record<Cadence, { fields: string; words: string }> = {
  weekly: { fields: "0 6 * * 1", words: "every Monday at 06:00" },
  daily: { fields: "0 6 * * *", words: "every day at 06:00" },
};
const calendar: Record<Cadence, string> = {
  weekly: "Mon *-*-* 06:00:00",
  daily: "*-*-* 06:00:00",
};

/** POSIX shell single quotes; `%` is special in a crontab line and is escaped for cron. */
export function shellQuote(arg: string): string {
  const quoted = /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/%/g, "\\%");
}

/** systemd's ExecStart quoting: double quotes when needed; `%` and `$` are specifiers and are doubled. */
export function systemdQuote(arg: string): string {
  const escaped = arg.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  return /^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped) ? escaped : `"${escaped.replace(/(["\\])/g, "\\$1")}"`;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : "/";
}

/** The crontab line alone (what the `--schedule` test runs through `sh -c`). */
export function crontabLine(input: ScheduleInput): string {
  const log = input.log ?? `${dirOf(input.store)}/mfasweep-sweep.log`;
  const argv = [...input.command, "sweep", "--config", input.config, "--store", input.store];
  return `${cron[input.cadence].fields} cd ${shellQuote(input.workingDirectory)} && ${argv.map(shellQuote).join(" ")} >> ${shellQuote(log)} 2>&1`;
}

export function scheduleInstructions(input: ScheduleInput): string {
  const argv = [...input.command, "sweep", "--config", input.config, "--store", input.store];
  const unit = "mfasweep-sweep";
  // A private /tmp would hide a store or config kept under /tmp.
  const inTmp = [input.store, input.config].some((p) => /^\/(var\/)?tmp\//.test(p));
  const privateTmp = inTmp ? "" : "\nPrivateTmp=yes";
  return `# Run \`mfasweep sweep\` ${cron[input.cadence].words} (local time). mfasweep has no daemon: use cron OR systemd.
# Exit codes: 0 = no failing findings, 1 = failing findings (the sweep worked), 2 = incomplete coverage
# or an error. Secrets referenced as env:NAME must be in the job's environment; cron starts with almost
# none, so prefer file: references there, or the systemd EnvironmentFile below.
# Two runs never overlap harmfully: a second sweep on the same store waits, then refuses (exit 2).

# --- cron: add with \`crontab -e\` (as the user that owns the store) ---
${crontabLine(input)}

# --- systemd: /etc/systemd/system/${unit}.service ---
[Unit]
Description=mfasweep sweep: find logins without a second factor and update the remediation queue
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory=${systemdQuote(input.workingDirectory)}
ExecStart=${argv.map(systemdQuote).join(" ")}
# Exit 1 only means failing findings exist; 2 (incomplete coverage or an error) marks the run failed.
SuccessExitStatus=1
# env:NAME secrets, one NAME=value per line (chmod 600):
EnvironmentFile=-/etc/mfasweep/mfasweep.env
# User=mfasweep
NoNewPrivileges=yes${privateTmp}
ProtectSystem=strict
ReadWritePaths=${systemdQuote(dirOf(input.store))}

# --- systemd: /etc/systemd/system/${unit}.timer ---
[Unit]
Description=Run mfasweep sweep ${input.cadence}

[Timer]
OnCalendar=${calendar[input.cadence]}
# Catch up after the machine was off at the scheduled time.
Persistent=true
RandomizedDelaySec=15min

[Install]
WantedBy=timers.target

# then: systemctl daemon-reload && systemctl enable --now ${unit}.timer
#       systemctl list-timers ${unit}.timer; journalctl -u ${unit}.service
`;
}
