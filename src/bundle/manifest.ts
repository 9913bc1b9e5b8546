/**
 * The bundle manifest: its shape, a decoder that follows Go's encoding/json rules (the way the
 * gateway reads it), and the checks on drivers and hooks shared by build and verify.
 */
import { foldKey } from "../go-keys.js";
import { type JsonNode, LineIndex, type Position } from "../json/parse.js";
import { versionedVariants } from "../goplugin/file-names.js";
import type { Problem } from "../problem.js";
import { closest } from "../suggest.js";

export const DRIVERS = ["otto", "javascript", "python", "lua", "grpc", "goplugin"] as const;
export type Driver = (typeof DRIVERS)[number];

export const HOOK_LISTS = ["pre", "post", "post_key_auth", "response"] as const;
export const SINGLE_HOOKS = ["auth_check", "traffic_logs"] as const;

export interface HookDefinition {
  name: string;
  path: string;
  code: string;
  require_session: boolean;
  raw_body_only: boolean;
  disabled: boolean;
}

export interface MiddlewareSection {
  pre: HookDefinition[];
  post: HookDefinition[];
  post_key_auth: HookDefinition[];
  response: HookDefinition[];
  auth_check: HookDefinition;
  traffic_logs: HookDefinition;
  driver: string;
  id_extractor: { disabled: boolean; extract_from: string; extract_with: string; extractor_config: Record<string, unknown> };
}

export interface BundleManifest {
  file_list: string[];
  custom_middleware: MiddlewareSection;
  checksum: string;
  signature: string;
}

// The Go struct, as a shape the decoder walks.
type Shape = "string" | "bool" | "any" | { object: Record<string, Shape> } | { array: Shape } | { map: Shape };
const HOOK: Shape = {
  object: { disabled: "bool", name: "string", path: "string", code: "string", require_session: "bool", raw_body_only: "bool" },
};
const MANIFEST_SHAPE: Shape = {
  object: {
    file_list: { array: "string" },
    custom_middleware: {
      object: {
        pre: { array: HOOK },
        post: { array: HOOK },
        post_key_auth: { array: HOOK },
        auth_check: HOOK,
        traffic_logs: HOOK,
        response: { array: HOOK },
        driver: "string",
        id_extractor: {
          object: { disabled: "bool", extract_from: "string", extract_with: "string", extractor_config: { map: "any" } },
        },
      },
    },
    checksum: "string",
    signature: "string",
  },
};

/** A JSON value of the wrong type for its Go field: the gateway refuses the whole bundle. */
export interface TypeMismatch {
  pointer: string;
  expected: string;
  found: string;
  offset: number;
}

const GO_TYPE_NAMES: Record<string, string> = { string: "a string", bool: "a boolean", object: "an object", array: "an array", map: "an object" };

function emptyOf(shape: Shape): unknown {
  if (shape === "string") return "";
  if (shape === "bool") return false;
  if (shape === "any") return null;
  if ("array" in shape) return [];
  if ("map" in shape) return {};
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(shape.object)) out[k] = emptyOf(s);
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Go decodes a number into interface{} as a float64 and fails on one out of its range (1e400). */
function checkFloat64Range(node: JsonNode, pointer: string, mismatches: TypeMismatch[]): void {
  if (node.type === "number" && !Number.isFinite(node.value)) {
    mismatches.push({ pointer, expected: "a number within float64 range", found: node.type, offset: node.offset });
  } else if (node.type === "object") {
    for (const m of node.members) checkFloat64Range(m.value, `${pointer}/${escapePointer(m.key)}`, mismatches);
  } else if (node.type === "array") {
    node.items.forEach((item, i) => checkFloat64Range(item, `${pointer}/${i}`, mismatches));
  }
}

/**
 * Decode a JSON tree into `shape` with Go's rules: case-insensitive keys, unknown keys ignored,
 * null leaves a scalar or struct as it was and empties a slice or map, a duplicated key is decoded
 * again into the same value (objects merge, scalars: last wins), wrong JSON types are collected.
 */
function decode(node: JsonNode, shape: Shape, prev: unknown, pointer: string, mismatches: TypeMismatch[]): unknown {
  const mismatch = (expected: string): unknown => {
    mismatches.push({ pointer, expected, found: node.type, offset: node.offset });
    return prev;
  };
  if (shape === "any") {
    checkFloat64Range(node, pointer, mismatches);
    return node;
  }
  if (node.type === "null") {
    return typeof shape === "object" && ("array" in shape || "map" in shape) ? emptyOf(shape) : prev;
  }
  if (shape === "string") return node.type === "string" ? node.value : mismatch(GO_TYPE_NAMES.string!);
  if (shape === "bool") return node.type === "boolean" ? node.value : mismatch(GO_TYPE_NAMES.bool!);
  if ("array" in shape) {
    if (node.type !== "array") return mismatch(GO_TYPE_NAMES.array!);
    const before = Array.isArray(prev) ? prev : [];
    // Go decodes into the existing elements of the slice, then truncates it.
    return node.items.map((item, i) =>
      decode(item, shape.array, i < before.length ? before[i] : emptyOf(shape.array), `${pointer}/${i}`, mismatches),
    );
  }
  if ("map" in shape) {
    if (node.type !== "object") return mismatch(GO_TYPE_NAMES.map!);
    const out: Record<string, unknown> = { ...(prev as Record<string, unknown>) };
    for (const m of node.members) out[m.key] = decode(m.value, shape.map, out[m.key], `${pointer}/${escapePointer(m.key)}`, mismatches);
    return out;
  }
  if (node.type !== "object") return mismatch(GO_TYPE_NAMES.object!);
  const out = { ...(prev as Record<string, unknown>) };
  const fields = Object.keys(shape.object);
  for (const m of node.members) {
    const field = fields.find((f) => f === m.key) ?? fields.find((f) => foldKey(f) === foldKey(m.key));
    if (field === undefined) continue;
    out[field] = decode(m.value, shape.object[field]!, out[field], `${pointer}/${escapePointer(m.key)}`, mismatches);
  }
  return out;
}

export interface DecodedManifest {
  manifest: BundleManifest;
  /** Non-empty when the gateway would refuse to decode this manifest. */
  mismatches: TypeMismatch[];
}

/** Decode a parsed manifest.json the way the gateway does. */
export function decodeManifest(root: JsonNode): DecodedManifest {
  const mismatches: TypeMismatch[] = [];
  const manifest = decode(root, MANIFEST_SHAPE, emptyOf(MANIFEST_SHAPE), "", mismatches) as BundleManifest;
  return { manifest, mismatches };
}

/** "/custom_middleware/pre/0" → "custom_middleware.pre[0]", the way people name fields. */
export function pointerToField(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}

export function describeMismatch(m: TypeMismatch, text?: string): string {
  const where = text === undefined ? "" : ` (${formatPosition(new LineIndex(text).position(m.offset))})`;
  const field = pointerToField(m.pointer) || "the document";
  return `${field} must be ${m.expected}, found ${m.found === "object" ? "an object" : m.found === "array" ? "an array" : `a ${m.found}`}${where}`;
}

function formatPosition(p: Position): string {
  return `line ${p.line}, column ${p.column}`;
}

export function allHooks(section: MiddlewareSection): Array<{ kind: string; hook: HookDefinition }> {
  const hooks: Array<{ kind: string; hook: HookDefinition }> = [];
  for (const kind of HOOK_LISTS) for (const hook of section[kind]) hooks.push({ kind, hook });
  for (const kind of SINGLE_HOOKS) if (section[kind].name !== "") hooks.push({ kind, hook: section[kind] });
  return hooks;
}

/** Problems with driver and hooks. Errors here are what the gateway's builder refuses. */
export function checkMiddleware(manifest: BundleManifest): Problem[] {
  const problems: Problem[] = [];
  const { driver } = manifest.custom_middleware;
  const hooks = allHooks(manifest.custom_middleware);
  if (driver === "") {
    problems.push({ severity: "error", code: "no-driver", message: `custom_middleware.driver is empty; set one of ${DRIVERS.join(", ")}` });
  } else if (!(DRIVERS as readonly string[]).includes(driver)) {
    const close = closest(driver, DRIVERS);
    problems.push({
      severity: "error",
      code: "unknown-driver",
      message: `custom_middleware.driver "${driver}" is not a driver the gateway knows (${DRIVERS.join(", ")})${close ? `; did you mean "${close}"?` : ""}`,
    });
  }
  if (hooks.length === 0) {
    problems.push({
      severity: "error",
      code: "no-hooks",
      message: "custom_middleware defines no hooks: add one to pre, post, post_key_auth, response, or name an auth_check or traffic_logs hook",
    });
  }
  const listed = new Set(manifest.file_list.map((f) => f.replace(/^\.\//, "")));
  if (driver === "python" && !listed.has("middleware.py") && manifest.file_list.length !== 1) {
    problems.push({
      severity: "warning",
      code: "python-no-middleware",
      message: "python bundle without middleware.py in file_list: the gateway loads middleware.py as the entry point, so no hook will be found",
    });
  }
  for (const { kind, hook } of hooks) {
    const fileBased = driver === "goplugin" || ((driver === "otto" || driver === "javascript") && hook.code === "");
    // A Go hook's path also names its versioned builds (name_v5.3.0_linux_amd64.so): see src/goplugin/file-names.ts.
    const versioned = driver === "goplugin" && versionedVariants(hook.path, listed).length > 0;
    if (fileBased && hook.path !== "" && !versioned && !listed.has(hook.path.replace(/^\.\//, ""))) {
      problems.push({
        severity: "warning",
        code: "hook-path-not-listed",
        message: `${kind} hook "${hook.name}" loads "${hook.path}", which is not in file_list, so it will not be in the bundle`,
      });
    }
    if (driver === "goplugin" && hook.path === "") {
      problems.push({ severity: "warning", code: "hook-no-path", message: `${kind} hook "${hook.name}" has no path; goplugin hooks name their .so file in path` });
    }
  }
  return problems;
}

/**
 * The largest manifest.json tyk-ts reads from a bundle (verify) and so writes into one (build). Real
 * manifests are a few hundred bytes; the limit keeps a hostile zip from making verify hold gigabytes.
 */
export const MANIFEST_SIZE_LIMIT = 8 * 1024 * 1024;

export function manifestOnlySignatureWarning(): Problem {
  return {
    severity: "warning",
    code: "signature-protects-nothing",
    message:
      "file_list is empty, so the signature covers no data: it is the same for every such bundle signed with this key, and anyone holding one can reuse it with other hooks",
  };
}
