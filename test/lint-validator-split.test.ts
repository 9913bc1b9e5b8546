/**
 * The validators lint runs are compiled from compilableSchema's copy of each schema (nested object
 * schemas as `$ref`s, one function each, so V8 optimises them): they must report exactly what a
 * validator compiled from the schema as written reports, for real files and for broken copies of them.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { SCHEMA_NAMES, SchemaSet, compilableSchema, type SchemaName } from "../src/lint/validate/schemas.js";
import { FIXTURES } from "./helpers/cli.js";
import { seededRandom } from "./helpers/random.js";

const CORPUS = path.join(FIXTURES, "corpus");

/** Real documents of each kind, from fixtures/corpus (Dashboard envelopes unwrapped). */
function realDocuments(name: SchemaName): unknown[] {
  const folders: Record<SchemaName, string[]> = {
    "classic-api": ["classic-apis", "classic-apis-dashboard-wrapped"],
    "tyk-oas-extension": ["oas-apis"],
    "tyk-conf": ["gateway-configs"],
    policy: ["policies"],
    "bundle-manifest": ["plugins"],
  };
  const docs: unknown[] = [];
  for (const folder of folders[name]) {
    const dir = path.join(CORPUS, folder);
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(json|conf|example)$/.test(entry.name)) continue;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(readFileSync(path.join(entry.parentPath, entry.name), "utf8")) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (name === "tyk-oas-extension") docs.push(value["x-tyk-api-gateway"]);
      else if (name === "classic-api") docs.push(value.api_definition ?? value);
      else if (name === "policy") docs.push(...(Object.values(value).every((v) => typeof v === "object" && v !== null) ? Object.values(value) : [value]));
      else if (name === "bundle-manifest") {
        if (entry.name === "manifest.json") docs.push(value);
      } else docs.push(value);
    }
  }
  return docs.filter((d) => typeof d === "object" && d !== null);
}

/** What findings.ts reads of an error; an object schema by its property names (its `$ref`s differ). */
function comparable(errors: ErrorObject[] | null | undefined): string {
  return JSON.stringify(
    (errors ?? []).map((e) => ({ keyword: e.keyword, at: e.instancePath, params: e.params, schema: e.schema, data: e.data, parent: Object.keys((e.parentSchema?.properties as object) ?? {}), type: e.parentSchema?.type })),
  );
}

describe("validators compiled from compilableSchema", () => {
  // The options of schemas.ts createAjv.
  const options = { allErrors: true, strict: false, verbose: true, allowUnionTypes: true, validateSchema: false, logger: false as const };
  const asWritten = new Ajv(options);
  const fresh = new Ajv({ ...options, inlineRefs: false });
  addFormats.default(asWritten);
  addFormats.default(fresh);
  const schemas = new SchemaSet();
  for (const name of SCHEMA_NAMES) {
    asWritten.addSchema(schemas.schema(name));
    fresh.addSchema(compilableSchema(schemas.schema(name)));
  }

  it("make every nested object schema a definition of its own", () => {
    const compiled = compilableSchema(schemas.schema("classic-api"));
    expect(JSON.stringify(compiled.properties)).not.toContain('"properties"');
    expect(Object.keys(compiled.definitions as object).filter((k) => k.startsWith("tyk-ts-object-")).length).toBeGreaterThan(100);
    // The schema lint reads (for key case, deprecated fields, "did you mean") is not changed.
    const original = schemas.schema("classic-api");
    const before = JSON.stringify(original);
    compilableSchema(original);
    expect(JSON.stringify(original)).toBe(before);
  });

  it.each(SCHEMA_NAMES.map((name) => [name]))("%s: the same errors as the schema as written, on real files and 40 broken copies of each", (name) => {
    const written = asWritten.getSchema(schemas.idOf(name))!;
    // What lint runs (precompiled in dist/ when built), and the same compiled here from this source.
    const run = schemas.validator(name);
    const compiled = fresh.getSchema(schemas.idOf(name))!;
    const docs = realDocuments(name);
    expect(docs.length).toBeGreaterThan(0);
    const random = seededRandom(11);
    const junk: unknown[] = [1, "x", true, null, [], {}, { zz: 1 }, -5, 1.5, ["a"], [1], "", 0];
    const paths = (v: unknown, p: string[] = [], out: string[][] = []): string[][] => {
      if (typeof v === "object" && v !== null) for (const k of Object.keys(v)) (out.push([...p, k]), paths((v as Record<string, unknown>)[k], [...p, k], out));
      return out;
    };
    let compared = 0;
    for (const base of docs) {
      for (let m = 0; m <= 40; m++) {
        const doc = structuredClone(base) as Record<string, unknown>;
        const all = paths(doc);
        for (let j = 0; m > 0 && j < 1 + random(3) && all.length > 0; j++) {
          const p = all[random(all.length)]!;
          let parent: unknown = doc;
          for (const k of p.slice(0, -1)) parent = (parent as Record<string, unknown> | undefined)?.[k];
          if (typeof parent !== "object" || parent === null) continue;
          const key = random(4) === 0 ? `${p.at(-1)}_x` : p.at(-1)!;
          (parent as Record<string, unknown>)[key] = structuredClone(junk[random(junk.length)]);
        }
        const a = written(doc);
        const aErrors = comparable(written.errors);
        for (const split of [run, compiled]) {
          expect(split(doc)).toBe(a);
          expect(comparable(split.errors)).toBe(aErrors);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});
