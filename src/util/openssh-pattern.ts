/**
 * OpenSSH's pattern matching (`match.c`), shared by the parsers that read OpenSSH-style lists: sshd's
 * `Match` criteria and `AllowUsers`-style lists, known_hosts, and pam_duo's `groups` patterns.
 */

/** OpenSSH `match_pattern`: `*` and `?` wildcards over the whole string. */
export function matchPattern(s: string, pattern: string): boolean {
  // Iterative wildcard match (no regex built from config text).
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < pattern.length && (pattern[pi] === "?" || pattern[pi] === s[si])) {
      si++;
      pi++;
    } else if (pi < pattern.length && pattern[pi] === "*") {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (pi < pattern.length && pattern[pi] === "*") pi++;
  return pi === pattern.length;
}

/**
 * OpenSSH `match_pattern_list`: comma-separated patterns, `!` negates. 1 = a positive pattern matched,
 * 0 = nothing matched, -1 = a negated pattern matched (which overrides any positive match).
 */
export function matchPatternList(s: string, list: string, lowercase = false): 1 | 0 | -1 {
  const subject = lowercase ? s.toLowerCase() : s;
  let got: 1 | 0 = 0;
  for (const raw of list.split(",")) {
    if (raw === "") continue;
    const negated = raw.startsWith("!");
    const pattern = lowercase ? raw.slice(negated ? 1 : 0).toLowerCase() : raw.slice(negated ? 1 : 0);
    if (matchPattern(subject, pattern)) {
      if (negated) return -1;
      got = 1;
    }
  }
  return got;
}
