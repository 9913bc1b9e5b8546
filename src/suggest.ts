/** "Did you mean …?" for misspelt keys and enum values. */

/** The candidate closest to `word`, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = typoLimit(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = typoDistance(lower, candidate.toLowerCase(), limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Edits `closest` allows: one for short words, about one per four letters for longer ones. */
export function typoLimit(word: string): number {
  return Math.max(1, Math.floor(word.length / 4));
}

/**
 * Edits between two words, where swapping two neighbouring letters (`pyhton`) is one edit, as are
 * an insertion, a deletion and a substitution (optimal string alignment distance). Past `max` the
 * answer is only "more than max" (max + 1): once two rows in a row are all over it, no later cell
 * can come back under it, so the rest is not computed.
 */
export function typoDistance(a: string, b: string, max = Infinity): number {
  const cols = b.length + 1;
  if (rows[0]!.length < cols) rows = [new Uint16Array(cols), new Uint16Array(cols), new Uint16Array(cols)];
  // Three rolling rows: the one before the previous is needed for transpositions.
  let [before, previous, current] = rows as [Uint16Array, Uint16Array, Uint16Array];
  for (let j = 0; j < cols; j++) previous[j] = j;
  let previousMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    const aBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = previous[j - 1]! + (ai === bj ? 0 : 1);
      if (previous[j]! + 1 < v) v = previous[j]! + 1;
      if (current[j - 1]! + 1 < v) v = current[j - 1]! + 1;
      if (j > 1 && ai === b.charCodeAt(j - 2) && aBefore === bj && before[j - 2]! + 1 < v) v = before[j - 2]! + 1;
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max && previousMin > max) return max + 1;
    previousMin = rowMin;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return previous[cols - 1]!;
}

// Reused between calls: lint asks for thousands of distances per run, and allocating three typed
// arrays each time cost more than the distance itself. Grown when a longer word comes along.
let rows: Uint16Array[] = [new Uint16Array(64), new Uint16Array(64), new Uint16Array(64)];
