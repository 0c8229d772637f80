// Reads `mfasweep demo --format json` on stdin and prints what must not depend on the Node version: every
// connection's coverage status and every result's fingerprint and status, sorted (issue #27). CI runs the
// demo on each Node line and compares these digests.
let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const report = JSON.parse(text);
  const lines = [
    ...report.coverage.map((c) => `coverage ${c.tenant}/${c.connection} ${c.status}`),
    ...report.results.map((r) => `result ${r.fingerprint} ${r.status}`),
  ].sort();
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stderr.write(`${report.coverage.length} connections, ${report.results.length} results\n`);
});
