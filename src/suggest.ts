/** "Did you mean …?" for misspelt keys and enum values. */

/** The candidate closest to `word`, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  // Allow one edit for short words, about one per four letters for longer ones.
  const limit = Math.max(1, Math.floor(word.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = typoDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Edits between two words, where swapping two neighbouring letters (`pyhton`) is one edit, as are
 * an insertion, a deletion and a substitution (optimal string alignment distance).
 */
export function typoDistance(a: string, b: string): number {
  const cols = b.length + 1;
  if (rows[0]!.length < cols) rows = [new Uint16Array(cols), new Uint16Array(cols), new Uint16Array(cols)];
  // Three rolling rows: the one before the previous is needed for transpositions.
  let [before, previous, current] = rows as [Uint16Array, Uint16Array, Uint16Array];
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      current[j] = v;
    }
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
