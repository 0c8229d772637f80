/**
 * How to run the weekly chain (`sweep` → `tickets sync` → `report --send`) on a schedule with the scheduler
 * the machine already has: cron, a systemd timer, or the Windows Task Scheduler; mfasweep has no daemon
 * of its own. Pure: the CLI passes absolute paths, the command that started it and which steps the config
 * has, and prints the text.
 *
 * The chain: every step runs even when an earlier one failed (the summary of a sweep that could not read a
 * tenant is exactly what the team must see), and the chain exits with the worst: 2 when any step could not
 * run completely, else the sweep's 0 or 1 (1 = failing findings exist; the run worked).
 */

import { isStorePath } from "./queue/index.js";

export type Cadence = "weekly" | "daily";

export interface ScheduleInput {
  cadence: Cadence;
  /** argv that runs mfasweep itself, e.g. [`/usr/bin/node`, `/opt/mfasweep/bin/mfasweep.js`]. */
  command: string[];
  /** Absolute paths; `store` may instead be a reference (env:/file:) to a PostgreSQL URL, passed as is. */
  config: string;
  store: string;
  workingDirectory: string;
  /** Where cron appends the output (default: mfasweep-sweep.log next to a store file, else in the working directory). */
  log?: string;
  /** The steps after the sweep that the config has: ticketing targets, notify channels. */
  steps?: { ticketSync: boolean; reportSend: boolean };
}

const cron: Record<Cadence, { fields: string; words: string }> = {
  weekly: { fields: "0 6 * * 1", words: "every Monday at 06:00" },
  daily: { fields: "0 6 * * *", words: "every day at 06:00" },
};
const calendar: Record<Cadence, string> = {
  weekly: "Mon *-*-* 06:00:00",
  daily: "*-*-* 06:00:00",
};
const windowsTrigger: Record<Cadence, string> = {
  weekly: "New-ScheduledTaskTrigger -Weekly -DaysOfWeek Monday -At 06:00",
  daily: "New-ScheduledTaskTrigger -Daily -At 06:00",
};

/** POSIX shell single quotes; `%` is special in a crontab line and is escaped for cron. */
export function shellQuote(arg: string): string {
  const quoted = /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/%/g, "\\%");
}

/** POSIX shell single quotes, for a script that cron does not read (no `%` escaping). */
function posixQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** systemd's ExecStart quoting: double quotes when needed; `%` and `$` are specifiers and are doubled. */
export function systemdQuote(arg: string): string {
  const escaped = arg.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  return /^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped) ? escaped : `"${escaped.replace(/(["\\])/g, "\\$1")}"`;
}

/** PowerShell single-quoted string: only `'` is special, and is doubled. */
export function powershellQuote(arg: string): string {
  return `'${arg.replace(/'/g, "''")}'`;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : "/";
}

/** The directory the job writes to: the store file's, or the working directory for a PostgreSQL store. */
function writableDir(input: ScheduleInput): string {
  return isStorePath(input.store) ? dirOf(input.store) : input.workingDirectory;
}

interface Step {
  name: string;
  argv: string[];
}

/** The chain's steps as argv, in order. */
export function chainSteps(input: ScheduleInput): Step[] {
  const common = ["--config", input.config, "--store", input.store];
  const steps = input.steps ?? { ticketSync: false, reportSend: false };
  return [
    { name: "sweep", argv: [...input.command, "sweep", ...common] },
    ...(steps.ticketSync
      ? [{ name: "tickets", argv: [...input.command, "tickets", "sync", ...common] }]
      : []),
    ...(steps.reportSend
      ? [{ name: "report", argv: [...input.command, "report", "--send", ...common] }]
      : []),
  ];
}

/**
 * The chain as one POSIX shell command: each step's exit code kept in a variable, the worst returned.
 * `quote` is cron's (with `%` escaped) or the plain one.
 */
function shellChain(input: ScheduleInput, quote: (arg: string) => string): string {
  const steps = chainSteps(input);
  if (steps.length === 1) return steps[0]!.argv.map(quote).join(" ");
  const vars = steps.map((_, i) => `s${i}`);
  const run = steps.map((s, i) => `${s.argv.map(quote).join(" ")}; ${vars[i]}=$?`).join("; ");
  const after = vars.slice(1).map((v) => `[ $${v} -ne 0 ]`);
  return `${run}; if [ $s0 -ge 2 ] || ${after.join(" || ")}; then exit 2; fi; exit $s0`;
}

/** The crontab line alone (what the `--schedule` test runs through `sh -c`). */
export function crontabLine(input: ScheduleInput): string {
  const log = input.log ?? `${writableDir(input)}/mfasweep-sweep.log`;
  return `${cron[input.cadence].fields} cd ${shellQuote(input.workingDirectory)} && { ${shellChain(input, shellQuote)}; } >> ${shellQuote(log)} 2>&1`;
}

/** The systemd service's ExecStart: the sweep alone, or the chain through /bin/sh. */
export function systemdExecStart(input: ScheduleInput): string {
  const steps = chainSteps(input);
  if (steps.length === 1) return steps[0]!.argv.map(systemdQuote).join(" ");
  return ["/bin/sh", "-c", shellChain(input, posixQuote)].map(systemdQuote).join(" ");
}

/** The PowerShell script the Windows task runs: each step's exit code kept, the worst returned. */
export function powershellChain(input: ScheduleInput): string {
  const steps = chainSteps(input);
  const lines = [`Set-Location -LiteralPath ${powershellQuote(input.workingDirectory)}`];
  steps.forEach((s, i) => {
    const [exe, ...args] = s.argv;
    lines.push(
      `& ${powershellQuote(exe ?? "mfasweep")} ${args.map(powershellQuote).join(" ")}`,
      `$s${i} = $LASTEXITCODE`,
    );
  });
  const after = steps.slice(1).map((_, i) => `$s${i + 1} -ne 0`);
  lines.push(`if (${["$s0 -ge 2", ...after].join(" -or ")}) { exit 2 }`, "exit $s0");
  return lines.join("\n");
}

function skipped(input: ScheduleInput): string {
  const steps = input.steps ?? { ticketSync: false, reportSend: false };
  const notes = [
    ...(steps.ticketSync ? [] : ["# (no ticketing: targets in the config, so no `tickets sync` step)"]),
    ...(steps.reportSend ? [] : ["# (no notify: channels in the config, so no `report --send` step)"]),
  ];
  return notes.length
    ? `${notes.join("\n")}\n# Add them and run --schedule again to get the longer chain.\n`
    : "";
}

export function scheduleInstructions(input: ScheduleInput): string {
  const unit = "mfasweep-sweep";
  const chain = chainSteps(input)
    .map((s) => (s.name === "sweep" ? "sweep" : s.name === "tickets" ? "tickets sync" : "report --send"))
    .join(" → ");
  // A private /tmp would hide a store or config kept under /tmp.
  const inTmp = [input.store, input.config].some((p) => /^\/(var\/)?tmp\//.test(p));
  const privateTmp = inTmp ? "" : "\nPrivateTmp=yes";
  const script = "C:\\ProgramData\\mfasweep\\weekly-chain.ps1";
  return `# Run ${chain} ${cron[input.cadence].words} (local time). mfasweep has no daemon: use cron OR
# systemd OR the Windows Task Scheduler. Every step runs even when an earlier one failed (a summary that
# says a tenant could not be read is what the team must see), and the chain exits with the worst:
# 0 = no failing findings, 1 = failing findings (the run worked), 2 = a step could not run completely.
# Secrets referenced as env:NAME must be in the job's environment; cron starts with almost none, so
# prefer file: references there, or the systemd EnvironmentFile below.
# Two runs never overlap harmfully: a second sweep on the same store waits, then refuses (exit 2).
${skipped(input)}
# --- cron: add with \`crontab -e\` (as the user that owns the store) ---
${crontabLine(input)}

# --- systemd: /etc/systemd/system/${unit}.service ---
[Unit]
Description=mfasweep: ${chain}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory=${systemdQuote(input.workingDirectory)}
ExecStart=${systemdExecStart(input)}
# Exit 1 only means failing findings exist; 2 (a step could not run completely) marks the run failed.
SuccessExitStatus=1
# env:NAME secrets, one NAME=value per line (chmod 600):
EnvironmentFile=-/etc/mfasweep/mfasweep.env
# User=mfasweep
NoNewPrivileges=yes${privateTmp}
ProtectSystem=strict
ReadWritePaths=${systemdQuote(writableDir(input))}

# --- systemd: /etc/systemd/system/${unit}.timer ---
[Unit]
Description=Run mfasweep ${input.cadence}

[Timer]
OnCalendar=${calendar[input.cadence]}
# Catch up after the machine was off at the scheduled time.
Persistent=true
RandomizedDelaySec=15min

[Install]
WantedBy=timers.target

# then: systemctl daemon-reload && systemctl enable --now ${unit}.timer
#       systemctl list-timers ${unit}.timer; journalctl -u ${unit}.service

# --- Windows Task Scheduler: in an elevated PowerShell (run --schedule on that machine for its paths) ---
# env:NAME secrets must be machine or user environment variables of the account below; file: references
# need that account to read the file. S4U runs the task whether or not the user is signed in, without
# storing a password.
New-Item -ItemType Directory -Force -Path 'C:\\ProgramData\\mfasweep' | Out-Null
Set-Content -LiteralPath '${script}' -Encoding UTF8 -Value @'
${powershellChain(input)}
'@
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "${script}"'
$trigger = ${windowsTrigger[input.cadence]}
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 6)
$principal = New-ScheduledTaskPrincipal -UserId "$env:USERDOMAIN\\$env:USERNAME" -LogonType S4U
Register-ScheduledTask -TaskName 'mfasweep ${input.cadence}' -Action $action -Trigger $trigger -Settings $settings -Principal $principal
# then: Start-ScheduledTask -TaskName 'mfasweep ${input.cadence}'; Get-ScheduledTaskInfo -TaskName 'mfasweep ${input.cadence}'
`;
}
