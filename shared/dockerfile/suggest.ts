/**
 * Nearest-name suggestions for "did you mean" hints, with BuildKit's rule
 * (util/suggest): the closest option at Levenshtein distance below 3, none when the value
 * is itself an option. When matching case-insensitively the suggestion takes the case of
 * the value (FORM → FROM, form → from).
 */
export function suggest(value: string, options: Iterable<string>, caseSensitive: boolean): string | undefined {
  const v = caseSensitive ? value : value.toLowerCase();
  let best: string | undefined;
  let bestDist = 3;
  for (const option of options) {
    const o = caseSensitive ? option : option.toLowerCase();
    if (o === v) return undefined;
    const d = levenshtein(v, o, bestDist);
    if (d < bestDist) {
      best = caseSensitive ? o : matchCase(o, value);
      bestDist = d;
    }
  }
  return best;
}

function matchCase(option: string, original: string): string {
  if (original === original.toLowerCase()) return option.toLowerCase();
  if (original === original.toUpperCase()) return option.toUpperCase();
  return option;
}

/** Edit distance; gives up (returns `limit`) once every path is at least `limit`. */
function levenshtein(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin >= limit) return limit;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
