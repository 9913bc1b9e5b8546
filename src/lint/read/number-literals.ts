/**
 * Numbers written in a way JSON.parse forgets but Go's encoding/json does not: a Go number field
 * is decoded from the literal's text (decode.go `literalStore` → strconv.ParseInt / ParseUint /
 * ParseFloat), so `8080.0` and `1e3` are refused in an int although JSON.parse reads 8080 and 1000,
 * `-0` is refused in a uint, integers past 2^53 are compared digit by digit, and 1e400 (Infinity to
 * JSON.parse) is refused everywhere. Finding candidates costs a look at the parsed value
 * (read/census.ts) and one regular expression over the text; the tree with offsets is built only
 * for a text that has one.
 */
import { type JsonNode, parseJson } from "../../json/parse.js";
import { childPointer } from "./pointer.js";

export interface NumberLiteral {
  /** Pointer of the value, as JSON.parse's value has it. */
  pointer: string;
  /** The number exactly as written. */
  raw: string;
}

const PLAIN_SMALL_INTEGER = /^-?\d{1,15}$/;

/** A digit followed by what starts a fraction or an exponent: every such number has one. */
const DIGIT_THEN_NOTATION = /\d[.eE]/g;

/**
 * Whether the text may hold a number JSON.parse does not read exactly as written, given whether
 * the value it made holds an unusual one (read/census.ts: a fraction, 16 digits or more, `-0`).
 * What the value cannot tell is an integer written with a fraction or an exponent (`8080.0`,
 * `1e3`): the text is searched for a digit followed by `.`, `e` or `E` whose number starts after
 * `:`, `,` or `[`. A string that holds such text (`": 1.5"`) only costs a needless look at the
 * tree; digits in ids, versions and hosts do not (`"5e9d…"`, `"1.0.0"`).
 */
export function mayHaveNumberLiterals(text: string, unusualNumber: boolean): boolean {
  if (unusualNumber) return true;
  DIGIT_THEN_NOTATION.lastIndex = 0;
  for (let m = DIGIT_THEN_NOTATION.exec(text); m !== null; m = DIGIT_THEN_NOTATION.exec(text)) {
    let j = m.index;
    while (j > 0 && isDigit(text.charCodeAt(j - 1))) j--;
    if (text.charCodeAt(j - 1) === 45) j--;
    do j--;
    while (j >= 0 && isBlank(text.charCodeAt(j)));
    const before = text.charCodeAt(j);
    if (j < 0 || before === 58 || before === 44 || before === 91) return true;
  }
  return false;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isBlank = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/** Every number in `tree` that is not a plain integer JSON.parse reads exactly. */
export function numberLiterals(tree: JsonNode): NumberLiteral[] {
  const out: NumberLiteral[] = [];
  // A loop rather than recursion: the tree may be nested deeper than the stack.
  const pending: Array<{ node: JsonNode; pointer: string }> = [{ node: tree, pointer: "" }];
  while (pending.length > 0) {
    const { node, pointer } = pending.pop()!;
    if (node.type === "number") {
      if (!PLAIN_SMALL_INTEGER.test(node.raw) || node.raw === "-0") out.push({ pointer, raw: node.raw });
    } else if (node.type === "object") {
      // Pushed last to first, so the literals come out in the order they are written.
      for (let i = node.members.length - 1; i >= 0; i--) pending.push({ node: node.members[i]!.value, pointer: childPointer(pointer, node.members[i]!.key) });
    } else if (node.type === "array") {
      for (let i = node.items.length - 1; i >= 0; i--) pending.push({ node: node.items[i]!, pointer: childPointer(pointer, i) });
    }
  }
  return out;
}

/** Go integer types as the gateway's structs use them, with the range strconv lets through. */
const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 63n), 2n ** 63n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  "time.Duration": [-(2n ** 63n), 2n ** 63n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int8: [-128n, 127n],
  uint: [0n, 2n ** 64n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint16: [0n, 65535n],
  uint8: [0n, 255n],
};

/**
 * Whether Go's encoding/json refuses the literal `raw` for a field of number type `goType`:
 * integers go through strconv.ParseInt / ParseUint and the type's overflow check, floats through
 * strconv.ParseFloat, which refuses what overflows the type (1e400, or 1e39 for a float32).
 */
export function goRefusesNumber(raw: string, goType: string): boolean {
  if (goType === "float64") return !Number.isFinite(Number(raw));
  if (goType === "float32") return !Number.isFinite(Math.fround(Number(raw)));
  const range = INTEGER_RANGES[goType] ?? INTEGER_RANGES.int!;
  // ParseUint takes no sign at all, not even on zero.
  if (!/^-?\d+$/.test(raw) || (range[0] === 0n && raw.startsWith("-"))) return true;
  const n = BigInt(raw);
  return n < range[0] || n > range[1];
}
