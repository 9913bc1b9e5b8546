/**
 * `bundle publish --update`: points API definitions at the names just published, changing only the
 * bytes of the bundle reference (formatting, key order and comments stay as they are).
 *
 * The reference is where the gateway reads the bundle name from:
 * - Tyk Classic `custom_middleware_bundle` (apidef.APIDefinition.CustomMiddlewareBundle), also
 *   inside a Dashboard export `{"api_definition": …}` and a Tyk Operator `ApiDefinition`'s `spec`
 *   (tyk-operator api/model/apidefinition_types.go, `custom_middleware_bundle`);
 * - Tyk OAS `x-tyk-api-gateway.middleware.global.pluginConfig.bundle.path`
 *   (apidef/oas/middleware.go, PluginBundle.Path, filled into CustomMiddlewareBundle), also inside a
 *   Dashboard export `{"oas": …}`.
 * A reference may list several bundles separated by commas (the gateway's multi-bundle mode); each
 * item is matched on its own. An item matches a published bundle whose base name is `auth` when it
 * is `auth.zip` or `auth-<8 to 64 hex digits>.zip` (an earlier publish or `serve --watch` build).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import type { Document, Scalar } from "yaml";
import { InputError, ioError } from "../errors.js";
import { namesBuildOf } from "../bundle/content-name.js";
import { writeOutput } from "../fs/atomic-file.js";
import { detectDocuments } from "../lint/read/detect.js";
import { scanJsonPointer } from "../lint/read/positions.js";
import { childPointer, pointerSegments, valueAt } from "../lint/read/pointer.js";
import { isYamlPath } from "../lint/read/source.js";

const require = createRequire(import.meta.url);

const REFERENCE_PATHS = {
  "classic-api": ["custom_middleware_bundle"],
  "tyk-oas": ["x-tyk-api-gateway", "middleware", "global", "pluginConfig", "bundle", "path"],
} as const;

export interface PublishedName {
  /** The base name references are matched on (`auth` for `auth.zip`). */
  base: string;
  /** The content-addressed name it was published under. */
  name: string;
}

export interface ReferenceEdit {
  /** JSON pointer of the reference in its file (in a YAML file, within its document). */
  pointer: string;
  /** 1-based line of the value. */
  line: number;
  /** 0-based document index in a multi-document YAML file. */
  yamlDocument?: number;
  from: string;
  to: string;
}

export type DefinitionStatus = "updated" | "current" | "unmatched" | "no-reference";

export interface DefinitionUpdate {
  file: string;
  /** updated: a reference changed (or would, in a dry run); current: already the published name;
   *  unmatched: references only other bundles; no-reference: holds no bundle reference. */
  status: DefinitionStatus;
  /** Every bundle reference found, edited or not. */
  references: ReferenceEdit[];
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** A planned update: the text it was planned on, so the write can refuse a file changed meanwhile. */
export interface PlannedDefinition extends DefinitionUpdate {
  text: string;
  splices: Splice[];
}

interface Located {
  pointer: string;
  value: string;
  start: number;
  end: number;
  yamlDocument?: number;
  /** Writes a new value in the same style as the old one. */
  render(value: string): string;
}

export async function planDefinitionUpdates(files: string[], published: PublishedName[]): Promise<PlannedDefinition[]> {
  // Longest base first: `auth-v2` must win over `auth` for `auth-v2.zip`.
  const bases = [...published].sort((a, b) => b.base.length - a.base.length);
  const plans: PlannedDefinition[] = [];
  // A file named twice (a glob and a name) is planned once: a second write would find it changed.
  for (const file of uniquePaths(files)) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw ioError(err, file);
    }
    const located = isYamlPath(file) ? locateInYaml(file, text) : locateInJson(file, text);
    const references: ReferenceEdit[] = [];
    const splices: Splice[] = [];
    for (const ref of located) {
      const to = ref.value.replace(/[^,]+/g, (item) => {
        const name = item.trim();
        const match = bases.find((b) => namesBuildOf(name, b.base));
        return match ? item.replace(name, match.name) : item;
      });
      const line = lineOf(text, ref.start);
      references.push({ pointer: ref.pointer, line, ...(ref.yamlDocument !== undefined && { yamlDocument: ref.yamlDocument }), from: ref.value, to });
      if (to !== ref.value) splices.push({ start: ref.start, end: ref.end, text: ref.render(to) });
    }
    const matched = references.some((r) => r.to !== r.from || bases.some((b) => r.from.split(",").some((item) => item.trim() === b.name)));
    const status: DefinitionStatus = references.length === 0 ? "no-reference" : splices.length > 0 ? "updated" : matched ? "current" : "unmatched";
    plans.push({ file, status, references, text, splices });
  }
  return plans;
}

function uniquePaths(files: string[]): string[] {
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(path.resolve(f)) && seen.add(path.resolve(f)));
}

/** Writes each planned file atomically, after checking nobody changed it since it was read. */
export async function applyDefinitionUpdates(plans: PlannedDefinition[]): Promise<void> {
  for (const plan of plans) {
    if (plan.splices.length === 0) continue;
    const now = await readFile(plan.file, "utf8").catch((err: unknown) => {
      throw ioError(err, plan.file);
    });
    if (now !== plan.text) {
      throw new InputError("publish-definition-changed", `${plan.file} changed while the bundles were being published; it was not updated`, {
        hint: "run the publish again: the bundles are already in the store and will be skipped",
      });
    }
    let text = plan.text;
    for (const s of [...plan.splices].sort((a, b) => b.start - a.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
    await writeOutput(plan.file, text);
  }
}

/** Public result: the plan without the file's text. */
export function describePlan({ file, status, references }: PlannedDefinition): DefinitionUpdate {
  return { file, status, references };
}

/** The pointers of the bundle references of the API definitions in `value`; undefined when it holds none. */
function referencePointers(value: unknown): string[] | undefined {
  const apis = detectDocuments(value).documents.filter((d) => d.kind === "classic-api" || d.kind === "tyk-oas");
  if (apis.length === 0) return undefined;
  return apis.map((d) => REFERENCE_PATHS[d.kind as keyof typeof REFERENCE_PATHS].reduce((p, s) => childPointer(p, s), d.pointer));
}

function notADefinition(file: string): InputError {
  return new InputError("publish-not-a-definition", `${file} holds no API definition (Tyk Classic, Tyk OAS, a Tyk Operator ApiDefinition or a Dashboard export)`, {
    hint: "give only API definition files to update",
  });
}

function locateInJson(file: string, text: string): Located[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError("publish-definition-syntax", `${file} is not valid JSON (${(err as Error).message})`, { hint: "fix it with `tyk-ts lint`, then publish again" });
  }
  const out: Located[] = [];
  const pointers = referencePointers(value);
  if (!pointers) throw notADefinition(file);
  for (const pointer of pointers) {
    const current = valueAt(value, pointer);
    if (typeof current !== "string") continue;
    const span = scanJsonPointer(text, pointerSegments(pointer));
    // The span must be exactly this string token (a duplicated key resolves as JSON.parse does).
    if (JSON.parse(text.slice(span.start, span.end)) !== current) throw new Error(`internal: located ${pointer} in ${file} at the wrong place`);
    out.push({ pointer, value: current, start: span.start, end: span.end, render: (v) => JSON.stringify(v) });
  }
  return out;
}

function locateInYaml(file: string, text: string): Located[] {
  const yaml = require("yaml") as typeof import("yaml");
  const lineCounter = new yaml.LineCounter();
  const docs = yaml.parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const out: Located[] = [];
  let sawApi = false;
  for (const [index, doc] of (Array.isArray(docs) ? docs : []).entries()) {
    if (doc.errors.length > 0) {
      const { line, col } = lineCounter.linePos(doc.errors[0]!.pos[0]);
      throw new InputError("publish-definition-syntax", `${file}:${line}:${col}: invalid YAML (${doc.errors[0]!.message.split("\n")[0]})`, {
        hint: "fix it with `tyk-ts lint`, then publish again",
      });
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // yaml refuses aliases that expand without bound.
      throw new InputError("publish-definition-syntax", `${file}: ${(err as Error).message}`);
    }
    // A multi-document file may hold other resources (a Service, a policy) beside the APIs.
    const pointers = referencePointers(value);
    if (!pointers) continue;
    sawApi = true;
    for (const pointer of pointers) {
      const node = (doc as Document).getIn(pointerSegments(pointer), true) as Scalar | undefined;
      if (!yaml.isScalar(node) || typeof node.value !== "string" || !node.range) continue;
      if (node.type === "BLOCK_FOLDED" || node.type === "BLOCK_LITERAL") {
        throw new InputError("publish-definition-style", `${file}:${lineCounter.linePos(node.range[0]).line}: the bundle reference is a block scalar; write it on one line to let it be updated`);
      }
      const style = node.type;
      out.push({
        pointer,
        value: node.value,
        start: node.range[0],
        end: node.range[1],
        yamlDocument: index,
        render: (v) => (style === "QUOTE_SINGLE" ? `'${v.replace(/'/g, "''")}'` : style === "QUOTE_DOUBLE" || !/^[A-Za-z0-9._-]+$/.test(v) ? JSON.stringify(v) : v),
      });
    }
  }
  if (!sawApi) throw notADefinition(file);
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
