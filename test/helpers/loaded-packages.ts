import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

// A module-loader hook that reports every URL loaded (ESM and packages imported from ESM), and at exit the
// CommonJS cache too (what CommonJS packages require among themselves). Plain JS: it runs before tsx.
const hooks = `let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
`;
const register = `import { createRequire, register } from "node:module";
import { writeSync } from "node:fs";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on("message", (url) => seen.add(url));
port1.unref();
register(new URL("./hooks.mjs", import.meta.url), { data: { port: port2 }, transferList: [port2] });
process.on("exit", () => {
  for (const file of Object.keys(createRequire(import.meta.url).cache)) seen.add(file);
  writeSync(3, JSON.stringify([...seen]));
});
`;

let dir: string | undefined;
function registerFile(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "mfasweep-loaded-"));
    writeFileSync(join(dir, "hooks.mjs"), hooks);
    writeFileSync(join(dir, "register.mjs"), register);
  }
  return join(dir, "register.mjs");
}

/** The npm packages a real `node` process loaded while running `args` (after node's own options). */
export function loadedPackages(
  args: string[],
): Promise<{ code: number | null; packages: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Node 26 deprecates module.register (DEP0205), which only this probe uses; its warning is not the code's.
    const probe = ["--disable-warning=DEP0205", "--import", registerFile(), "--import", "tsx"];
    const child = spawn(process.execPath, [...probe, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let listing = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdio[3]?.on("data", (d: Buffer) => (listing += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const packages = new Set<string>();
      for (const url of listing ? (JSON.parse(listing) as string[]) : []) {
        const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(url);
        if (m?.[1]) packages.add(m[1].replace("\\", "/"));
      }
      resolve({ code, packages: [...packages].sort(), stderr });
    });
  });
}
