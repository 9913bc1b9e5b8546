/**
 * Numbers Go refuses in number fields although JSON.parse and the schema validator accept them:
 * `8080.0` and `1e3` in an int, `-0` in a uint, integers out of the type's range beyond what a
 * double tells apart, 1e400 anywhere, 1e39 in a float32. encoding/json decodes a number field from
 * the literal's text (decode.go `literalStore`), records an UnmarshalTypeError and returns it for the
 * whole document: config.Load fails (the gateway does not start), loadDefFromFilePath logs it and
 * skips the API, LoadPoliciesFromFile loads no policy from the file.
 */
import { goRefusesNumber, type NumberLiteral } from "../read/number-literals.js";
import { fieldName, pointerSegments } from "../read/pointer.js";
import type { Kind } from "../types.js";
import type { Position } from "./schema-graph.js";

export interface NumberLiteralFinding {
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
 * Findings for the literals in the document at file pointer `document`, below `at` (a pointer into
 * the document), whose Go type, found from `root` (the schema position of `at`), refuses them. What
 * the validator reports already (a fraction in an integer, a value out of the schema's bounds) is
 * left to it.
 */
export function numberLiteralFindings(literals: readonly NumberLiteral[], document: string, at: string, root: Position, kind: Kind): NumberLiteralFinding[] {
  const out: NumberLiteralFinding[] = [];
  const prefix = `${document}${at}/`;
  for (const literal of literals) {
    if (!literal.pointer.startsWith(prefix)) continue;
    const pointer = literal.pointer.slice(document.length);
    const position = positionAt(root, pointer.slice(at.length));
    const goType = position?.goNumberType;
    if (!position || !goType || !goRefusesNumber(literal.raw, goType) || validatorRefuses(Number(literal.raw), position)) continue;
    const whole = Number(literal.raw);
    // Past 2^53 a double no longer says which integer was written.
    const fix = Number.isSafeInteger(whole) && !goRefusesNumber(String(whole), goType) ? `write ${whole}` : `use a number a Go ${goType} holds`;
    out.push({
      pointer,
      message: `\`${fieldName(pointer)}\` is ${literal.raw}: Go cannot unmarshal number ${literal.raw} into a field of type ${goType} (${why(literal.raw, goType)}), so ${CONSEQUENCE[kind] ?? "the gateway refuses the document"}; ${fix}`,
    });
  }
  return out;
}

function why(raw: string, goType: string): string {
  if (goType.startsWith("float") || !/[.eE]/.test(raw)) return raw.startsWith("-") && goType.startsWith("uint") ? "an unsigned field takes no sign, not even on 0" : `the number is out of the range of ${goType}`;
  return "an integer field is read from its digits alone: no fraction, no exponent";
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

/** What ajv's `integer`, `minimum` and `maximum` refuse (Infinity passes its integer test: Infinity % 1 is NaN). */
function validatorRefuses(value: number, position: Position): boolean {
  for (const n of position.nodes) {
    const { type, minimum, maximum } = n.schema;
    const integer = type === "integer" || (Array.isArray(type) && type.includes("integer"));
    if ((integer && value % 1) || (typeof minimum === "number" && value < minimum) || (typeof maximum === "number" && value > maximum)) return true;
  }
  return false;
}
