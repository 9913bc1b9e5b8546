/**
 * Finds where a JSON pointer's value sits in a JSON text by scanning along the path and skipping
 * everything else, without building a tree: a file with one or two findings (the common case) costs
 * one pass instead of a full parse. The text must be valid JSON (it has already been parsed).
 */

export interface JsonSpan {
  start: number;
  end: number;
  /** The member's key, when the value is an object member. */
  key?: { start: number; end: number };
}

/** The span of the value at `segments`, or of its deepest existing ancestor. */
export function scanJsonPointer(text: string, segments: readonly string[]): JsonSpan {
  return search(text, skipWhitespace(text, 0), segments, 0).span;
}

/**
 * One pass over the value at `i`: descends into the member or item named by `segments[depth]` while
 * skipping the others, so the whole lookup reads each character once. Returns where the value ends
 * and the deepest span found along the path. For duplicated keys the last one wins, as in JSON.parse.
 */
function search(text: string, i: number, segments: readonly string[], depth: number): { end: number; span: JsonSpan } {
  const c = text.charCodeAt(i);
  if (depth === segments.length || (c !== 123 && c !== 91)) {
    const end = skipValue(text, i);
    return { end, span: { start: i, end } };
  }
  const segment = segments[depth]!;
  let inner: JsonSpan | undefined;
  let j = skipWhitespace(text, i + 1);
  if (c === 123) {
    while (text.charCodeAt(j) === 34) {
      const keyStart = j;
      const keyEnd = skipString(text, j);
      j = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past ':'
      if (keyName(text, keyStart, keyEnd) === segment) {
        const found = search(text, j, segments, depth + 1);
        inner = found.span.start === j ? { ...found.span, key: { start: keyStart, end: keyEnd } } : found.span;
        j = found.end;
      } else {
        j = skipValue(text, j);
      }
      j = skipWhitespace(text, j);
      if (text.charCodeAt(j) !== 44) break; // ','
      j = skipWhitespace(text, j + 1);
    }
  } else {
    const index = /^\d+$/.test(segment) ? Number(segment) : -1;
    for (let n = 0; text.charCodeAt(j) !== 93; n++) {
      if (n === index) {
        const found = search(text, j, segments, depth + 1);
        inner = found.span;
        j = found.end;
      } else {
        j = skipValue(text, j);
      }
      j = skipWhitespace(text, j);
      if (text.charCodeAt(j) !== 44) break;
      j = skipWhitespace(text, j + 1);
    }
  }
  // j is at the closing bracket.
  const end = j + 1;
  return { end, span: inner ?? { start: i, end } };
}

function keyName(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes("\\") ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** `i` is at the opening quote; returns the index after the closing one. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let k = quote - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

// Regular expressions run natively: jumping to the next interesting character beats a JavaScript loop.
const STRUCTURAL = /["{}[\]]/g;
const END_OF_SCALAR = /[,}\]\s]/g;

function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) return skipString(text, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    STRUCTURAL.lastIndex = i;
    // test() moves lastIndex past the match without allocating a match object.
    while (STRUCTURAL.test(text)) {
      const at = STRUCTURAL.lastIndex - 1;
      const ch = text.charCodeAt(at);
      if (ch === 34) STRUCTURAL.lastIndex = skipString(text, at);
      else if (ch === 123 || ch === 91) depth++;
      else if (--depth === 0) return at + 1;
    }
    return text.length;
  }
  // A number or literal: up to the next delimiter.
  END_OF_SCALAR.lastIndex = i;
  return END_OF_SCALAR.test(text) ? END_OF_SCALAR.lastIndex - 1 : text.length;
}
