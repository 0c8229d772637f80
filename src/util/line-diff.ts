/**
 * A unified diff (the `diff -u` format) of two texts, line by line, so a user sees the exact file a
 * command would write before it writes it. Lines are matched by a longest common subsequence over what
 * lies between the common head and tail; config edits are local, so that middle stays small.
 */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === " ") {
      i++;
      continue;
    }
    // A hunk: the change, `context` lines around it, joined with the next change when they touch.
    const start = Math.max(0, i - context);
    let end = i;
    for (let j = i; j < ops.length; j++) {
      if (ops[j]?.kind !== " ") end = j;
      else if (j - end > 2 * context) break;
    }
    end = Math.min(ops.length, end + 1 + context);
    const slice = ops.slice(start, end);
    const first = ops[start] ?? { a: a.length, b: b.length };
    const oldCount = slice.filter((o) => o.kind !== "+").length;
    const newCount = slice.filter((o) => o.kind !== "-").length;
    hunks.push(
      `@@ -${range(first.a, oldCount)} +${range(first.b, newCount)} @@\n${slice.map((o) => `${o.kind}${o.line}`).join("\n")}\n`,
    );
    i = end;
  }
  return `--- ${name}\n+++ ${name}\n${hunks.join("")}`;
}

interface Op {
  kind: " " | "-" | "+";
  line: string;
  /** 0-based positions in the old and new text where this line is (or would be). */
  a: number;
  b: number;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function range(start: number, count: number): string {
  // diff -u numbers from 1; an empty range names the line before it.
  return count === 0 ? `${start},0` : `${start + 1},${count}`;
}

function lineOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  // lcs[i][j]: length of the longest common subsequence of ma[i..] and mb[j..].
  const lcs = Array.from({ length: ma.length + 1 }, () => new Uint32Array(mb.length + 1));
  for (let i = ma.length - 1; i >= 0; i--)
    for (let j = mb.length - 1; j >= 0; j--)
      lcs[i]![j] = ma[i] === mb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: " ", line: a[k]!, a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < ma.length || j < mb.length) {
    if (i < ma.length && j < mb.length && ma[i] === mb[j]) {
      ops.push({ kind: " ", line: ma[i]!, a: head + i++, b: head + j++ });
    } else if (i < ma.length && (j >= mb.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals first on a tie, as diff -u shows a replaced line.
      ops.push({ kind: "-", line: ma[i]!, a: head + i++, b: head + j });
    } else ops.push({ kind: "+", line: mb[j]!, a: head + i, b: head + j++ });
  }
  for (let k = 0; k < tail; k++)
    ops.push({ kind: " ", line: a[a.length - tail + k]!, a: a.length - tail + k, b: b.length - tail + k });
  return ops;
}
