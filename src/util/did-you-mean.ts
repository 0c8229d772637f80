/**
 * ` (did you mean NAME?)` for the known name nearest to `given` (edit distance at most a third of its
 * length, at least 2), else "": one helper for every "no such X" message (issue #23 item 5).
 */
export function didYouMean(given: string, known: Iterable<string>): string {
  const near = closest(given, [...known]);
  return near ? ` (did you mean ${near}?)` : "";
}

/** The known name nearest to `given`, when near enough to be a typo of it. */
export function closest(given: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(given.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(given.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(
        Math.min(
          (previous[j] ?? 0) + 1,
          (row[j - 1] ?? 0) + 1,
          (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    previous = row;
  }
  return previous[b.length] ?? 0;
}
