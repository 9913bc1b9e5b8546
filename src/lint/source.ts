/**
 * A file's text as values plus positions. JSON values come from `JSON.parse` (fast); the tree with
 * offsets (src/json/parse.ts) is only built when a finding needs a line and column. YAML keeps
 * `yaml`'s node tree and a LineCounter.
 */
import { type JsonNode, JsonSyntaxError, LineIndex, parseJson } from "../json/parse.js";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from "yaml";
import { pointerSegments } from "./pointer.js";

/** 1-based, end exclusive (the column after the last character), like ESLint. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where to point for a pointer: its value, or the key that names it (the opening token at the root). */
export type Anchor = "key" | "value";

export interface SourceDocument {
  value: unknown;
  /** The range for `pointer`, or for its nearest existing ancestor when the path does not exist. */
  locate(pointer: string, anchor: Anchor): Range;
  /** 0-based index in a multi-document YAML file. */
  yamlIndex?: number;
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
}

export function isYamlPath(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

export function parseSource(text: string, format: "json" | "yaml"): ParsedSource {
  return format === "yaml" ? parseYamlSource(text) : parseJsonSource(text);
}

function parseJsonSource(text: string): ParsedSource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { format: "json", documents: [], syntaxErrors: [jsonSyntaxProblem(text)] };
  }
  let tree: { root: JsonNode; lines: LineIndex } | undefined;
  const locate = (pointer: string, anchor: Anchor): Range => {
    tree ??= { root: parseJson(text), lines: new LineIndex(text) };
    return locateJson(tree.root, tree.lines, pointer, anchor);
  };
  return { format: "json", documents: [{ value, locate }], syntaxErrors: [] };
}

function jsonSyntaxProblem(text: string): SyntaxProblem {
  try {
    parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const { line, column } = err.position;
      // "… at line 3, column 5" is repeated by every formatter; keep the sentence only.
      return { message: `invalid JSON: ${err.message.replace(/ at line \d+, column \d+$/, "")}`, range: { line, column, endLine: line, endColumn: column + 1 } };
    }
    throw err;
  }
  // JSON.parse refused what our parser accepts: only possible for input it treats differently.
  return { message: "invalid JSON", range: { line: 1, column: 1, endLine: 1, endColumn: 2 } };
}

function locateJson(root: JsonNode, lines: LineIndex, pointer: string, anchor: Anchor): Range {
  let node = root;
  let key: { start: number; end: number } | undefined;
  for (const segment of pointerSegments(pointer)) {
    let next: JsonNode | undefined;
    let nextKey: typeof key;
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
  const span = anchor === "key" ? (key ?? { start: node.offset, end: node.offset + 1 }) : { start: node.offset, end: node.end };
  return rangeOf(lines.position(span.start), lines.position(span.end));
}

function rangeOf(start: { line: number; column: number }, end: { line: number; column: number }): Range {
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

function parseYamlSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
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
    const value = doc.toJS({ maxAliasCount: 10_000 });
    documents.push({
      value,
      yamlIndex,
      locate: (pointer, anchor) => {
        const { node, key } = walkYaml(doc, pointer);
        const target = anchor === "key" ? (key ?? node) : node;
        const [start, end] = target?.range ? [target.range[0], target.range[1]] : [0, 1];
        // At the root there is no key to point at: point at the document's first character.
        const stop = anchor === "key" && !key ? start + 1 : Math.max(end, start + 1);
        return rangeOf(position(start), position(stop));
      },
    });
  }
  return { format: "yaml", documents, syntaxErrors };
}

function yamlMessage(message: string): string {
  // yaml's messages end with " at line L, column C" plus a code frame; formatters add the position.
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function walkYaml(doc: Document, pointer: string): { node: YamlNode | undefined; key: YamlNode | undefined } {
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
