/**
 * Positions: 1-based line/column of the value (of the key when asked), for JSON found by scanning
 * or through the full tree, and for YAML; CRLF line ends and characters outside ASCII.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineIndex, parseJson, type JsonNode } from "../src/json/parse.js";
import { scanJsonPointer, uniqueMemberSpan } from "../src/lint/read/positions.js";
import { childPointer, pointerSegments } from "../src/lint/read/pointer.js";
import { parseSource } from "../src/lint/read/source.js";

/** Every pointer in a tree with the span the full parser gives it. */
function spans(node: JsonNode, pointer = "", out = new Map<string, { start: number; end: number; key?: { start: number; end: number } }>()) {
  if (!out.has(pointer)) out.set(pointer, { start: node.offset, end: node.end });
  if (node.type === "object") {
    // JSON.parse semantics: the last duplicate wins, so walk members in order and overwrite.
    for (const m of node.members) {
      const child = childPointer(pointer, m.key);
      out.set(child, { start: m.value.offset, end: m.value.end, key: { start: m.keyOffset, end: m.keyEnd } });
      spans(m.value, child, out);
    }
  } else if (node.type === "array") {
    node.items.forEach((item, i) => spans(item, childPointer(pointer, i), out));
  }
  return out;
}

describe("scanJsonPointer", () => {
  it("finds the same spans as the full parser, for any JSON and any pointer in it", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.boolean(), (text, pretty) => {
        const source = pretty ? JSON.stringify(JSON.parse(text), null, 2) : text;
        for (const [pointer, span] of spans(parseJson(source))) {
          const found = scanJsonPointer(source, pointerSegments(pointer));
          expect({ start: found.start, end: found.end }).toEqual({ start: span.start, end: span.end });
          if (span.key) expect(found.key).toEqual(span.key);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("stops at the deepest existing ancestor of a missing path", () => {
    const text = '{"a": {"b": [1, {"c": "x\\"y"}]}}';
    expect(scanJsonPointer(text, ["a", "b", "1", "missing"])).toMatchObject({ start: text.indexOf('{"c"') });
    expect(scanJsonPointer(text, ["a", "b", "5"])).toMatchObject({ start: text.indexOf("[1") });
  });

  it("points at the last of duplicated keys, like JSON.parse", () => {
    const text = '{"k": 1, "k": 22}';
    expect(scanJsonPointer(text, ["k"])).toMatchObject({ start: text.indexOf("22"), end: text.indexOf("22") + 2 });
  });
});

describe("uniqueMemberSpan", () => {
  // Few names, reused at every level and inside string values, some spelt with escapes in the text.
  const name = fc.constantFrom("a", "id", "x/y", 'q"t', 'b "a', "é", "~k");
  const { node } = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom(1, "a", '"a":', "id", true, null),
      fc.array(tie("node"), { maxLength: 3 }),
      fc.dictionary(name, tie("node"), { maxKeys: 4 }),
    ),
  }));

  it("gives the parser's span whenever it answers, however the text spells its keys", () => {
    fc.assert(
      fc.property(node, fc.boolean(), fc.boolean(), (value, pretty, escaped) => {
        let text = JSON.stringify(value, null, pretty ? 2 : undefined);
        if (escaped) text = text.replace(/"a":/, '"\\u0061":').replace(/x\/y/, "x\\/y");
        for (const [pointer, span] of spans(parseJson(text))) {
          const found = uniqueMemberSpan(text, JSON.parse(text), pointerSegments(pointer));
          if (found) expect(found).toEqual(span);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("answers for a key written once and leaves repeated or escaped ones to the scan", () => {
    const text = '{"proxy": {"listen_path": "/a"}, "name": "listen_path", "b": {"name": 1}}';
    const value = JSON.parse(text);
    expect(uniqueMemberSpan(text, value, ["proxy", "listen_path"])).toEqual({ start: text.indexOf('"/a"'), end: text.indexOf('"/a"') + 4, key: { start: text.indexOf('"listen_path"'), end: text.indexOf('"listen_path"') + 13 } });
    expect(uniqueMemberSpan(text, value, ["b", "name"])).toBeUndefined(); // "name" is a key twice
    expect(uniqueMemberSpan(text, value, ["proxy", "missing"])).toBeUndefined();
    const escaped = '{"a": {"\\u0062": 1}, "c": {"b": 2}}';
    expect(uniqueMemberSpan(escaped, JSON.parse(escaped), ["c", "b"])).toBeUndefined();
  });
});

describe("SourceDocument.locate", () => {
  it("gives value and key ranges with CRLF line ends and non-ASCII text", () => {
    const text = '{\r\n  "naïve": "☺",\r\n  "proxy": {\r\n    "listen_path": 7\r\n  }\r\n}\r\n';
    const [doc] = parseSource(text, "json").documents;
    expect(doc!.locate("/proxy/listen_path", "value")).toEqual({ line: 4, column: 20, endLine: 4, endColumn: 21 });
    expect(doc!.locate("/proxy/listen_path", "key")).toEqual({ line: 4, column: 5, endLine: 4, endColumn: 18 });
    expect(doc!.locate("/naïve", "value")).toEqual({ line: 2, column: 12, endLine: 2, endColumn: 15 });
    // The root has no key: its opening brace stands for it.
    expect(doc!.locate("", "key")).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 2 });
  });

  it("builds the tree after many lookups and still gives the same answers", () => {
    const text = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i })) }, null, 2);
    const [doc] = parseSource(text, "json").documents;
    const lines = Array.from({ length: 20 }, (_, i) => doc!.locate(`/items/${i}/id`, "value").line);
    expect(lines).toEqual(Array.from({ length: 20 }, (_, i) => 4 + i * 3));
  });

  it("locates values in YAML, through aliases, per document", () => {
    const text = "a: 1\n---\nbase: &b\n  port: 8080\nproxy:\n  <<: *b\n  listen_path: /x\nlist:\n  - one\n  - two\n";
    const parsed = parseSource(text, "yaml");
    expect(parsed.documents).toHaveLength(2);
    const second = parsed.documents[1]!;
    expect(second.yamlIndex).toBe(1);
    expect(second.locate("/proxy/listen_path", "value")).toEqual({ line: 7, column: 16, endLine: 7, endColumn: 18 });
    expect(second.locate("/proxy/listen_path", "key")).toEqual({ line: 7, column: 3, endLine: 7, endColumn: 14 });
    expect(second.locate("/list/1", "value")).toEqual({ line: 10, column: 5, endLine: 10, endColumn: 8 });
  });

  it("reports syntax errors with their position", () => {
    const json = parseSource('{\n  "a": 1,\n}\n', "json");
    expect(json.syntaxErrors).toEqual([{ message: "invalid JSON: trailing comma before '}'", range: { line: 3, column: 1, endLine: 3, endColumn: 2 } }]);
    const yaml = parseSource("a: [1, 2\nb: 3\n", "yaml");
    expect(yaml.syntaxErrors[0]!.message).toMatch(/^invalid YAML: /);
    expect(yaml.syntaxErrors[0]!.range.line).toBeGreaterThanOrEqual(1);
  });
});

describe("LineIndex", () => {
  it("gives the line and column of every offset, asked in any order, for \\n, \\r\\n and \\r line ends", () => {
    const naive = (text: string, offset: number) => {
      let line = 1;
      let start = 0;
      for (let i = 0; i < offset; i++) {
        const c = text[i];
        if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) {
          line++;
          start = i + 1;
        }
      }
      return { line, column: offset - start + 1 };
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", " ", "\n", "\r\n", "\r", "é"), { maxLength: 60 }).map((parts) => parts.join("")),
        fc.array(fc.nat(80), { maxLength: 12 }),
        (text, offsets) => {
          const index = new LineIndex(text);
          for (const offset of offsets.map((o) => Math.min(o, text.length))) expect(index.position(offset)).toEqual(naive(text, offset));
        },
      ),
    );
  });
});

describe("a released source", () => {
  it("reads its text again for a position asked after release, with the same result", () => {
    const text = '{\n  "proxy": {\n    "listen_path": "/a/",\n    "target_url": "http://a"\n  },\n  "name": "a"\n}\n';
    let reads = 0;
    const source = parseSource(text, "json", () => (reads++, text)).documents[0]!;
    const before = [source.locate("/proxy/target_url", "value"), source.locate("/name", "key")];
    source.release!();
    expect(reads).toBe(0);
    expect([source.locate("/proxy/target_url", "value"), source.locate("/name", "key")]).toEqual(before);
    expect(reads).toBe(1);
    // Without a way to read it again, a source keeps its text.
    expect(parseSource(text, "json").documents[0]!.release).toBeUndefined();
  });
});
