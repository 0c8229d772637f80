// Preloaded (--import) into a CLI child process: on exit, writes the npm packages whose modules were loaded
// (CommonJS cache, plus ES modules seen by a resolve hook) to $LOADED_PACKAGES_FILE, one per line.
import { writeFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const require = createRequire(import.meta.url);
const Module = require("node:module");
const esm = new Set();
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => esm.add(url));
port1.unref();
register("./loaded-packages-hook.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });

const packageOf = (path) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return m ? m[1] : undefined;
};

process.on("exit", () => {
  const file = process.env.LOADED_PACKAGES_FILE;
  if (!file) return;
  const names = new Set();
  for (const path of [...Object.keys(Module._cache), ...esm]) {
    const name = packageOf(path);
    if (name) names.add(name);
  }
  writeFileSync(file, `${[...names].sort().join("\n")}\n`);
});
