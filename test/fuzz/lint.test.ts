/**
 * Hostile API definitions, policies and tyk.conf for `lint`, in-process: real documents from the
 * corpus with values of the wrong type anywhere, deep nesting, huge strings, a BOM, comments,
 * duplicate keys, YAML anchors and aliases, billion laughs. lint must return results (every message
 * with a position and a sentence) that every output format can print, or throw a typed error;
 * never crash, hang or balloon.
 */
import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Chalk } from "chalk";
import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { lint } from "../../src/lint/engine.js";
import { formatters } from "../../src/lint/formatters/index.js";
import type { LintResult } from "../../src/lint/types.js";
import { TykTsError } from "../../src/errors.js";
import { FIXTURES } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { checkProperty, testTimeoutMs } from "./budget.js";

const CORPUS_DIRS = ["classic-apis", "classic-apis-dashboard-wrapped", "oas-apis", "gateway-configs", "policies"];

/** Every JSON document of the corpus, parsed: the starting points. */
const corpus: Array<{ name: string; value: unknown }> = CORPUS_DIRS.flatMap((d) => {
  const dir = path.join(FIXTURES, "corpus", d);
  return readdirSync(dir)
    .filter((f) => /\.(json|conf|example)$/.test(f))
    .flatMap((f) => {
      try {
        return [{ name: `${d}/${f}`, value: JSON.parse(readFileSync(path.join(dir, f), "utf8")) as unknown }];
      } catch {
        return [];
      }
    });
});

/** Paths to every value in a document (down to 64 levels), so a mutation can land anywhere. */
function pathsOf(value: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(at);
  if (at.length >= 64) return out;
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

function setAt(root: unknown, at: Array<string | number>, value: unknown): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[at.at(-1)!] = value;
  return copy;
}

function nested(depth: number, kind: "array" | "object"): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

/**
 * What a value can be replaced with: every JSON type, and the extremes. Deep and huge values are
 * described rather than built here, so fast-check can print a counterexample.
 */
type Replacement = { kind: "json"; value: unknown } | { kind: "deep"; depth: number; shape: "array" | "object" } | { kind: "huge"; mb: number };
const replacementArb: fc.Arbitrary<Replacement> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: "json" as const, value })), weight: 6 },
  { arbitrary: fc.constantFrom(null, true, 0, -1, 1e308, "", "/", "http://", "{}", [], {}).map((value) => ({ kind: "json" as const, value })), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("deep" as const), depth: fc.integer({ min: 100, max: 1000 }), shape: fc.constantFrom("array" as const, "object" as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("huge" as const), mb: fc.integer({ min: 1, max: 2 }) }), weight: 1 },
);

function materialise(r: Replacement): unknown {
  return r.kind === "json" ? r.value : r.kind === "deep" ? nested(r.depth, r.shape) : "x".repeat(r.mb * 1024 * 1024);
}

type Encoding = "json" | "json-bom" | "json-comment" | "json-duplicate" | "json-trailing-comma" | "json-truncated" | "yaml" | "yaml-anchors" | "yaml-laughs";
const encodingArb = fc.constantFrom<Encoding>("json", "json", "json", "json-bom", "json-comment", "json-duplicate", "json-trailing-comma", "json-truncated", "yaml", "yaml", "yaml-anchors", "yaml-laughs");

/** A YAML billion laughs: each level refers nine times to the one before. */
function laughs(levels: number): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
  return `${lines.join("\n")}\n`;
}

/** yaml's writer recurses per level; JSON is YAML too, and says the same thing when it gives up. */
function yamlOf(value: unknown, json: string, aliasDuplicateObjects: boolean): string {
  try {
    return toYaml(value, { aliasDuplicateObjects });
  } catch (err) {
    if (err instanceof RangeError) return json;
    throw err;
  }
}

function encode(value: unknown, encoding: Encoding, cut: number): { text: string; ext: string } {
  const json = JSON.stringify(value, null, 2) ?? "null";
  switch (encoding) {
    case "json":
      return { text: json, ext: ".json" };
    case "json-bom":
      return { text: `\uFEFF${json}`, ext: ".json" };
    case "json-comment":
      return { text: `// exported from the dashboard\n${json}`, ext: ".json" };
    case "json-duplicate":
      return { text: json.replace("{", '{\n  "api_id": 1,\n  "listen_port": "x",'), ext: ".json" };
    case "json-trailing-comma":
      return { text: json.replace(/\n}$/, ",\n}"), ext: ".conf" };
    case "json-truncated":
      return { text: json.slice(0, cut % Math.max(json.length, 1)), ext: ".json" };
    case "yaml":
      return { text: yamlOf(value, json, false), ext: ".yaml" };
    case "yaml-anchors":
      // yaml writes repeated objects as anchors and aliases.
      return { text: yamlOf([value, value, { shared: value }], `[${json}]`, true), ext: ".yml" };
    case "yaml-laughs":
      return { text: `${laughs(3)}value: ${yamlOf(value, json, false).replace(/\n/g, "\n  ")}`, ext: ".yaml" };
  }
}

function expectPrintable(results: LintResult[], cwd: string, context: string): void {
  for (const r of results) {
    for (const m of r.messages) {
      expect(m.line, context).toBeGreaterThanOrEqual(1);
      expect(m.column, context).toBeGreaterThanOrEqual(1);
      expect(m.message.length, context).toBeGreaterThan(0);
    }
  }
  const color = new Chalk({ level: 0 });
  for (const [name, format] of Object.entries(formatters)) {
    const text = format(results, { rules: [], cwd, toolVersion: "0.0.0", color });
    expect(typeof text, `${name} ${context}`).toBe("string");
    if (name === "json" || name === "sarif") expect(() => JSON.parse(text), `${name} ${context}`).not.toThrow();
  }
}

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await tempDir("tyk-ts-fuzz-lint-");
});

async function lintText(text: string, ext: string): Promise<{ results?: LintResult[]; error?: TykTsError }> {
  const file = path.join(dir, `doc-${counter++}${ext}`);
  await writeFile(file, text);
  try {
    return { results: (await lint({ paths: [file], cwd: dir })).results };
  } catch (err) {
    if (err instanceof TykTsError) return { error: err };
    throw new Error(`untyped ${(err as Error)?.name} escaped: ${(err as Error)?.stack ?? String(err)}`);
  }
}

describe("lint on hostile documents", () => {
  it("finds the corpus (the starting points)", () => {
    expect(corpus.length).toBeGreaterThan(10);
  });

  it(
    "returns printable results or a typed error for mutated real documents",
    async () => {
      await checkProperty(
        "mutated corpus documents → lint → every formatter",
        fc.asyncProperty(
          fc.nat(),
          fc.array(fc.tuple(fc.nat(), replacementArb), { minLength: 1, maxLength: 4 }),
          encodingArb,
          fc.nat(),
          async (pick, mutations, encoding, cut) => {
            const base = corpus[pick % corpus.length]!;
            let value = base.value;
            for (const [where, replacement] of mutations) {
              const paths = pathsOf(value);
              value = setAt(value, paths[where % paths.length]!, materialise(replacement));
            }
            const { text, ext } = encode(value, encoding, cut);
            const context = `${base.name} ${encoding} ${JSON.stringify(mutations).slice(0, 400)}`;
            const started = performance.now();
            const { results, error } = await lintText(text, ext);
            const elapsed = performance.now() - started;
            if (process.env.TYK_TS_FUZZ_TRACE) process.stderr.write(`${elapsed.toFixed(0)} ms ${context.slice(0, 160)}\n`);
            expect(elapsed, context).toBeLessThan(10_000);
            if (error) expect(error.message.length, context).toBeGreaterThan(0);
            else expectPrintable(results!, dir, context);
          },
        ),
        150,
        12_000,
      );
    },
    testTimeoutMs(12_000),
  );

  const hostile: Array<[string, string, string]> = [
    ["a JSON array nested 20,000 deep inside an API definition", '{"api_id": "a", "proxy": {"listen_path": "/a/", "target_url": "http://u"}, "x": ' + "[".repeat(20_000) + "]".repeat(20_000) + "}", ".json"],
    ["a JSON object nested 5,000 deep inside an API definition", '{"api_id": "a", "x": ' + '{"a": '.repeat(5000) + "1" + "}".repeat(5000) + "}", ".json"],
    [
      "a dozen findings next to an array nested 600 deep (positions past the tree parser's depth)",
      JSON.stringify({ api_id: 1, name: 2, slug: 3, org_id: 4, active: "x", use_keyless: "y", use_oauth2: "z", proxy: { listen_path: 5, target_url: 6, strip_listen_path: "no" }, version_data: 7, deep: JSON.parse(`${"[".repeat(600)}${"]".repeat(600)}`) as unknown }),
      ".json",
    ],
    ["a YAML billion laughs next to an API definition", `${laughs(9)}api_id: x\nproxy:\n  listen_path: /x/\n`, ".yaml"],
    ["YAML flow sequences nested 3,000 deep", `api_id: a\nx: ${"[".repeat(3000)}${"]".repeat(3000)}\n`, ".yaml"],
    ["an API definition whose api_id is a 20 MB string", JSON.stringify({ api_id: "x".repeat(20e6), proxy: { listen_path: 5 } }), ".json"],
    ["a tyk.conf with a BOM", `\uFEFF${JSON.stringify({ listen_port: 8080, secret: "x" })}`, ".conf"],
    ["a tyk.conf with every value of the wrong type", JSON.stringify({ listen_port: "8080", secret: 1, use_db_app_configs: "no", storage: [], policies: "x", hash_keys: null }), ".conf"],
    ["duplicate keys at every level", '{"api_id": "a", "api_id": "b", "proxy": {"listen_path": "/a"}, "proxy": {"target_url": 1}}', ".json"],
    ["__proto__ and constructor keys", '{"api_id": "a", "__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "proxy": {"listen_path": "/a/"}}', ".json"],
    ["a NUL byte and lone surrogates in strings", '{"api_id": "a\\u0000b", "name": "\\ud800", "proxy": {"listen_path": "/\\udfff/"}}', ".json"],
    ["invalid UTF-8 bytes", `{"api_id": "a", "name": "${Buffer.from([0xff, 0xfe]).toString("latin1")}"}`, ".json"],
  ];
  for (const [what, text, ext] of hostile) {
    it(`reports on ${what} without crashing`, async () => {
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const { results, error } = await lintText(text, ext);
      expect(performance.now() - started).toBeLessThan(15_000);
      if (results) expectPrintable(results, dir, what);
      else expect(error!.message.length).toBeGreaterThan(0);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
    }, 30_000);
  }

  it("never writes to the files it checks", async () => {
    const text = `// comment\n{"api_id": "a", "api_id": "b", "listen_port": "8080"}`;
    const file = path.join(dir, "untouched.conf");
    await writeFile(file, text);
    (await lint({ paths: [file], cwd: dir })).results;
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});
