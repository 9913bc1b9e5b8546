/**
 * What the quick checks of read/duplicate-keys.ts and read/number-literals.ts need to know about a
 * value JSON.parse made, found in one walk: how many keys its objects hold, and whether it holds a
 * number JSON.parse may have changed (a fraction, 16 digits or more, or -0).
 */
export interface Census {
  keys: number;
  unusualNumber: boolean;
}

/** A loop rather than recursion, for values nested deeper than the stack. */
export function census(value: unknown): Census {
  let keys = 0;
  let unusualNumber = typeof value === "number" && isUnusual(value);
  const pending: unknown[] = typeof value === "object" && value !== null ? [value] : [];
  while (pending.length > 0) {
    const next = pending.pop() as Record<string, unknown>;
    if (Array.isArray(next)) {
      for (const item of next) {
        if (typeof item === "object") {
          if (item !== null) pending.push(item);
        } else if (typeof item === "number" && !unusualNumber) unusualNumber = isUnusual(item);
      }
      continue;
    }
    for (const key in next) {
      keys++;
      const child = next[key];
      if (typeof child === "object") {
        if (child !== null) pending.push(child);
      } else if (typeof child === "number" && !unusualNumber) unusualNumber = isUnusual(child);
    }
  }
  return { keys, unusualNumber };
}

function isUnusual(n: number): boolean {
  return !Number.isInteger(n) || Math.abs(n) >= 1e15 || Object.is(n, -0);
}
