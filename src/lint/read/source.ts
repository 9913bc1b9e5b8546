/**
 * A file's text as values plus positions. JSON values come from `JSON.parse` (fast); the tree with
 * offsets (src/json/parse.ts) is only built when a finding needs a line and column. YAML keeps
 * `yaml`'s node tree and a LineCounter.
 */
import { type JsonNode, JsonSyntaxError, LineIndex, parseJson } from "../../json/parse.js";
import { createRequire } from "node:module";
import type { Document, Node as YamlNode } from "yaml";
import { scanJsonPointer, uniqueMemberSpan, type JsonSpan } from "./positions.js";
import { pointerSegments } from "./pointer.js";
import { duplicateKeys, hasDuplicateKeys, type DuplicateKey } from "./duplicate-keys.js";
import { census } from "./census.js";
import { mentionsTyk, type ConfigMapKey } from "./detect.js";
import { mayHaveNumberLiterals, numberLiterals, type NumberLiteral } from "./number-literals.js";

/** 1-based, end exclusive (the column after the last character), like ESLint. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where to point for a pointer: its value, or the key that names it (the opening token at the root). */
export type Anchor = "key" | "value";

/** Keys written twice in a JSON document, with the tree that keeps every occurrence. */
export interface Duplicates {
  tree: JsonNode;
  keys: Array<DuplicateKey & { first: { line: number; column: number }; second: { line: number; column: number } }>;
}

export interface SourceDocument {
  value: unknown;
  /** JSON only: keys written twice (JSON.parse kept the last; Go decodes both, see validate/go-decode.ts). */
  duplicates?: Duplicates;
  /** JSON only: numbers JSON.parse does not read exactly as written (`8080.0`, `1e3`, `-0`, 16+ digits). */
  numbers?: NumberLiteral[];
  /** The range for `pointer`, or for its nearest existing ancestor when the path does not exist. */
  locate(pointer: string, anchor: Anchor): Range;
  /**
   * Lets go of the text and the indexes kept for `locate`, which reads the file again if asked
   * later (a cross-file finding). Holding the text of thousands of files until the end of a run
   * costs the garbage collector more than the rare second read.
   */
  release?(): void;
  /** 0-based index in a multi-document YAML file. */
  yamlIndex?: number;
  /** For JSON kept in a YAML ConfigMap: which one and under which key (pointers are into that JSON). */
  embeddedIn?: ConfigMapKey;
}

export interface SyntaxProblem {
  message: string;
  range: Range;
}

export interface ParsedSource {
  format: "json" | "yaml";
  documents: SourceDocument[];
  /** When non-empty the file (or a YAML document in it) could not be read as data. */
  syntaxErrors: SyntaxProblem[];
  /**
   * JSON only: where data follows a complete JSON value. `documents` then holds that first value:
   * Go's json.Decoder reads it and stops, json.Unmarshal refuses the whole text.
   */
  trailing?: Range;
}

export function isYamlPath(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

const require = createRequire(import.meta.url);

/** `reload` reads the text again after `release` (JSON only). */
export function parseSource(text: string, format: "json" | "yaml", reload?: () => string): ParsedSource {
  // yaml is loaded only when a YAML file comes along: most runs lint JSON only.
  return format === "yaml" ? parseYamlSource(text, require("yaml") as typeof import("yaml")) : parseJsonSource(text, reload);
}

/** Locating by scanning costs a pass over the text each time; past this many, build the tree once. */
const SCANS_BEFORE_TREE = 8;

function parseJsonSource(text: string, reload?: () => string): ParsedSource {
  let value: unknown;
  let trailing: Range | undefined;
  try {
    value = JSON.parse(text);
  } catch {
    const first = firstJsonValue(text);
    if (!first) return { format: "json", documents: [], syntaxErrors: [jsonSyntaxProblem(text)] };
    ({ value } = first);
    const at = new LineIndex(text).position(first.trailingAt);
    trailing = { line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1 };
  }
  // The closures below read `held`, never `text`, so that release() lets the text go.
  let held: string | undefined = text;
  let lines: LineIndex | undefined;
  let tree: JsonNode | null | undefined;
  let scans = 0;
  const locate = (pointer: string, anchor: Anchor): Range => {
    const current = (held ??= reload!());
    lines ??= new LineIndex(current);
    const segments = pointerSegments(pointer);
    const span = uniqueMemberSpan(current, value, segments) ?? spanByStructure(current, segments);
    const target = anchor === "key" ? (span.key ?? { start: span.start, end: span.start + 1 }) : span;
    return rangeOf(lines.position(target.start), lines.position(target.end));
  };
  const spanByStructure = (current: string, segments: readonly string[]): JsonSpan => {
    if (tree === undefined && ++scans > SCANS_BEFORE_TREE) {
      // Deeper than the tree parser goes (JSON.parse accepted it): keep scanning instead.
      try {
        tree = parseJson(current);
      } catch {
        tree = null;
      }
    }
    return tree ? spanInTree(tree, segments) : scanJsonPointer(current, segments);
  };
  const release = () => {
    held = undefined;
    lines = undefined;
    tree = undefined;
    scans = 0;
  };
  const document: SourceDocument = reload ? { value, locate, release } : { value, locate };
  const { keys, unusualNumber } = census(value);
  if (hasDuplicateKeys(text, keys)) {
    const found = duplicateKeys(text);
    if (found && found.duplicates.length > 0) {
      lines ??= new LineIndex(text);
      const index = lines;
      document.duplicates = { tree: found.tree, keys: found.duplicates.map((d) => ({ ...d, first: index.position(d.firstKey), second: index.position(d.secondKey) })) };
    }
  }
  if (mayHaveNumberLiterals(text, unusualNumber)) {
    let numberTree = document.duplicates?.tree;
    if (!numberTree) {
      try {
        numberTree = parseJson(text, { firstValueOnly: true });
      } catch {
        // Nested deeper than the tree parser goes: such a text is no gateway document.
      }
    }
    const numbers = numberTree ? numberLiterals(numberTree) : [];
    if (numbers.length > 0) document.numbers = numbers;
  }
  return trailing ? { format: "json", documents: [document], syntaxErrors: [], trailing } : { format: "json", documents: [document], syntaxErrors: [] };
}

/** The first JSON value of a text that has more after it, and where the rest starts. */
function firstJsonValue(text: string): { value: unknown; trailingAt: number } | undefined {
  let tree: JsonNode;
  try {
    tree = parseJson(text, { firstValueOnly: true });
  } catch {
    return undefined;
  }
  const rest = text.slice(tree.end);
  const skipped = rest.length - rest.trimStart().length;
  if (skipped === rest.length) return undefined;
  return { value: JSON.parse(text.slice(0, tree.end)), trailingAt: tree.end + skipped };
}

function jsonSyntaxProblem(text: string): SyntaxProblem {
  try {
    parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const { line, column } = err.position;
      return { message: `invalid JSON: ${err.reason}`, range: { line, column, endLine: line, endColumn: column + 1 } };
    }
    throw err;
  }
  // JSON.parse refused what our parser accepts: only possible for input it treats differently.
  return { message: "invalid JSON", range: { line: 1, column: 1, endLine: 1, endColumn: 2 } };
}

function spanInTree(root: JsonNode, segments: readonly string[]): JsonSpan {
  let node = root;
  let key: JsonSpan["key"];
  for (const segment of segments) {
    let next: JsonNode | undefined;
    let nextKey: JsonSpan["key"];
    if (node.type === "object") {
      // JSON.parse keeps the last of duplicated keys, so point at the last one too.
      for (let i = node.members.length - 1; i >= 0; i--) {
        const m = node.members[i]!;
        if (m.key === segment) {
          next = m.value;
          nextKey = { start: m.keyOffset, end: m.keyEnd };
          break;
        }
      }
    } else if (node.type === "array" && /^\d+$/.test(segment)) {
      next = node.items[Number(segment)];
    }
    if (!next) break;
    node = next;
    key = nextKey;
  }
  return { start: node.offset, end: node.end, key };
}

function rangeOf(start: { line: number; column: number }, end: { line: number; column: number }): Range {
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

function parseYamlSource(text: string, yaml: typeof import("yaml")): ParsedSource {
  const lineCounter = new yaml.LineCounter();
  const docs = yaml.parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntaxErrors: SyntaxProblem[] = [];
  const documents: SourceDocument[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const [yamlIndex, doc] of list.entries()) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        syntaxErrors.push({ message: `invalid YAML: ${yamlMessage(e.message)}`, range: rangeOf(position(e.pos[0]), position(Math.max(e.pos[1], e.pos[0] + 1))) });
      }
      continue;
    }
    // An empty document (a trailing `---`, a file of comments) holds nothing to lint.
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 10_000 });
    } catch (err) {
      // yaml throws when aliases expand without bound ("billion laughs"): a finding, not a crash.
      const at = doc.contents?.range?.[0] ?? 0;
      syntaxErrors.push({ message: `invalid YAML: ${(err as Error).message}; refusing to expand its aliases`, range: rangeOf(position(at), position(at + 1)) });
      continue;
    }
    documents.push({
      value,
      yamlIndex,
      locate: (pointer, anchor) => {
        const { node, key } = walkYaml(doc, pointer, yaml);
        const target = anchor === "key" ? (key ?? node) : node;
        const [start, end] = target?.range ? [target.range[0], target.range[1]] : [0, 1];
        // At the root there is no key to point at: point at the document's first character.
        const stop = anchor === "key" && !key ? start + 1 : Math.max(end, start + 1);
        return rangeOf(position(start), position(stop));
      },
    });
    embeddedJson(doc, value, yamlIndex, text, lineCounter, yaml, documents, syntaxErrors);
  }
  return { format: "yaml", documents, syntaxErrors };
}

/**
 * JSON kept in a Kubernetes ConfigMap (`data.<key>`): Tyk Operator's TykOasApiDefinition and
 * TykStreamsApiDefinition take their definition from one (`spec.tykOAS.configmapRef` /
 * `spec.tykStreams.configmapRef`), and gateways deployed with Helm or plain manifests mount their
 * tyk.conf from one. Each value that holds a JSON object is a document of its own, located at its
 * real line: in a block scalar (`|`, `|-`) line n of the JSON is line n after the header, shifted
 * by the block's indentation; in a quoted or plain scalar positions fall back to the whole value.
 */
function embeddedJson(doc: Document, value: unknown, yamlIndex: number, text: string, lineCounter: import("yaml").LineCounter, yaml: typeof import("yaml"), documents: SourceDocument[], syntaxErrors: SyntaxProblem[]): void {
  if (!isConfigMap(value)) return;
  for (const [key, content] of Object.entries(value.data)) {
    if (typeof content !== "string" || !content.trimStart().startsWith("{")) continue;
    const { node } = walkYaml(doc, `/data/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, yaml);
    if (!node?.range) continue;
    const map = blockMapping(node, text, lineCounter, yaml);
    const parsed = parseJsonSource(content);
    const name = typeof value.metadata?.name === "string" ? value.metadata.name : "";
    const where = `ConfigMap ${JSON.stringify(name)}, data ${JSON.stringify(key)}`;
    const embeddedIn: ConfigMapKey = { name, key, ...(typeof value.metadata?.namespace === "string" ? { namespace: value.metadata.namespace } : {}) };
    for (const e of parsed.syntaxErrors) {
      if (mentionsTyk(content)) syntaxErrors.push({ message: `${e.message} (in ${where})`, range: map(e.range) });
    }
    for (const inner of parsed.documents) {
      const embedded: SourceDocument = { value: inner.value, yamlIndex, embeddedIn, locate: (pointer, anchor) => map(inner.locate(pointer, anchor)) };
      if (inner.numbers) embedded.numbers = inner.numbers;
      if (inner.duplicates) {
        const at = (p: { line: number; column: number }) => {
          const r = map({ line: p.line, column: p.column, endLine: p.line, endColumn: p.column + 1 });
          return { line: r.line, column: r.column };
        };
        embedded.duplicates = { tree: inner.duplicates.tree, keys: inner.duplicates.keys.map((d) => ({ ...d, first: at(d.first), second: at(d.second) })) };
      }
      documents.push(embedded);
    }
  }
}

interface ConfigMapValue {
  metadata?: { name?: unknown; namespace?: unknown };
  data: Record<string, unknown>;
}

function isConfigMap(value: unknown): value is ConfigMapValue {
  const v = value as Record<string, unknown> | null;
  return typeof v === "object" && v !== null && v.kind === "ConfigMap" && v.apiVersion === "v1" && typeof v.data === "object" && v.data !== null && !Array.isArray(v.data);
}

/** Maps a range inside a ConfigMap value's text to the file. */
function blockMapping(node: YamlNode, text: string, lineCounter: import("yaml").LineCounter, yaml: typeof import("yaml")): (range: Range) => Range {
  const [start, end] = node.range!;
  const whole = () => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(Math.max(end, start + 1));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  // A folded block (`>`) joins lines: only a literal block keeps the JSON's lines.
  if (!yaml.isScalar(node) || node.type !== "BLOCK_LITERAL") return whole;
  // The header (`|-`) is on the scalar's first line; the content starts on the next.
  const headerLine = lineCounter.linePos(start).line;
  const firstContent = text.indexOf("\n", start) + 1;
  if (firstContent === 0) return whole;
  const body = text.slice(firstContent, end);
  const indent = /^( *)\S/m.exec(body)?.[1]?.length ?? 0;
  return (r) => ({ line: headerLine + r.line, column: r.column + indent, endLine: headerLine + r.endLine, endColumn: r.endColumn + indent });
}

function yamlMessage(message: string): string {
  // yaml's messages end with " at line L, column C" plus a code frame; formatters add the position.
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function walkYaml(doc: Document, pointer: string, yaml: typeof import("yaml")): { node: YamlNode | undefined; key: YamlNode | undefined } {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml;
  let node = doc.contents as YamlNode | null | undefined;
  let key: YamlNode | undefined;
  for (const segment of pointerSegments(pointer)) {
    if (node && isAlias(node)) node = node.resolve(doc) as YamlNode | undefined;
    let next: YamlNode | undefined;
    let nextKey: YamlNode | undefined;
    if (node && isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i]!;
        if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === segment) {
          next = (pair.value as YamlNode | null) ?? (pair.key as YamlNode);
          nextKey = pair.key as YamlNode;
          break;
        }
      }
    } else if (node && isSeq(node) && /^\d+$/.test(segment)) {
      next = node.items[Number(segment)] as YamlNode | undefined;
    }
    if (!next) break;
    node = next;
    key = nextKey;
  }
  return { node: node ?? undefined, key };
}
