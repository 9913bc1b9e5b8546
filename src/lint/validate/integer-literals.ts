/**
 * Numbers Go refuses in integer fields although JSON.parse and the schema validator accept them:
 * `8080.0`, `1e3`, `-0` in a uint, integers out of the type's range beyond what a double tells
 * apart. encoding/json decodes an integer field from the literal's text (decode.go `literalStore`:
 * strconv.ParseInt / ParseUint, then Overflow*), records an UnmarshalTypeError, and Unmarshal /
 * Decode return it for the whole document: config.Load fails (the gateway does not start),
 * loadDefFromFilePath logs it and skips the API, LoadPoliciesFromFile loads no policy from the file.
 */
import type { NumberLiteral } from "../read/number-literals.js";
import { goRefusesInteger } from "../read/number-literals.js";
import { fieldName, pointerSegments } from "../read/pointer.js";
import type { Kind } from "../types.js";
import type { Position } from "./schema-graph.js";

export interface IntegerLiteralFinding {
  /** Pointer into the document. */
  pointer: string;
  message: string;
}

const CONSEQUENCE: Partial<Record<Kind, string>> = {
  "tyk-conf": "config.Load fails and the gateway does not start",
  "classic-api": "the gateway does not load this API",
  "tyk-oas": "the gateway does not load this API",
  policy: "the gateway loads no policy from this file",
};

/**
 * Findings for the literals in the document at file pointer `document` below `at` (a pointer into
 * the document) whose Go type, found from `root` (the schema position of `at`), is an integer type
 * that refuses them. The validator already reports a value that is not a whole number or is out of
 * the schema's bounds; those are left to it.
 */
export function integerLiteralFindings(literals: readonly NumberLiteral[], document: string, at: string, root: Position, kind: Kind): IntegerLiteralFinding[] {
  const out: IntegerLiteralFinding[] = [];
  const prefix = `${document}${at}/`;
  for (const literal of literals) {
    if (!literal.pointer.startsWith(prefix)) continue;
    const pointer = literal.pointer.slice(document.length);
    const position = positionAt(root, pointer.slice(at.length));
    const goType = position?.goIntegerType;
    if (!goType || !goRefusesInteger(literal.raw, goType) || validatorRefuses(Number(literal.raw), position!)) continue;
    const field = fieldName(pointer) || "the value";
    const whole = wholeNumber(literal.raw);
    const fix = whole !== undefined && !goRefusesInteger(whole, goType) ? `write ${whole}` : `use a whole number a Go ${goType} holds`;
    out.push({
      pointer,
      message: `\`${field}\` is ${literal.raw}: Go cannot unmarshal number ${literal.raw} into a field of type ${goType} (${why(literal.raw)}), so ${CONSEQUENCE[kind] ?? "the gateway refuses the document"}; ${fix}`,
    });
  }
  return out;
}

function why(raw: string): string {
  if (/[.eE]/.test(raw)) return "it reads an integer from digits alone: no fraction or exponent";
  if (raw.startsWith("-")) return "an unsigned integer is written without a sign, even when it is 0";
  return "the number does not fit the type";
}

function positionAt(root: Position, pointer: string): Position | undefined {
  let position: Position | undefined = root;
  for (const segment of pointerSegments(pointer)) {
    if (!position || position.isEmpty) return undefined;
    if (position.goShape === "slice" && /^\d+$/.test(segment)) position = position.item(Number(segment));
    else {
      // Go matches keys case-insensitively.
      const canonical = position.canonicalName(segment);
      position = position.property(segment) ?? (canonical === undefined ? undefined : position.property(canonical)) ?? position.other(segment);
    }
  }
  return position;
}

function validatorRefuses(value: number, position: Position): boolean {
  if (!Number.isInteger(value)) return true;
  for (const n of position.nodes) {
    const { minimum, maximum } = n.schema;
    if ((typeof minimum === "number" && value < minimum) || (typeof maximum === "number" && value > maximum)) return true;
  }
  return false;
}

/** `8080.0` → "8080", `1e3` → "1000", `-0` → "0"; undefined when the literal is not a whole number. */
function wholeNumber(raw: string): string | undefined {
  const value = Number(raw);
  if (!Number.isInteger(value)) return undefined;
  // Past 2^53 a double no longer says which integer was written.
  if (!Number.isSafeInteger(value)) return undefined;
  return String(value === 0 ? 0 : value);
}
