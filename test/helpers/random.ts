/** A seeded pseudo-random source (xorshift32), so that generated cases are the same on every run: `random(n)` is in [0, n). */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed | 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}
