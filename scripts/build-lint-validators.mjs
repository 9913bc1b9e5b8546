#!/usr/bin/env node
// Precompiles lint's validators into dist/lint/validate/compiled/, after `tsc` has built dist/: ajv standalone
// code (compiling the schemas at run time costs about a second each) and a V8 code cache for each
// (V8 compiling the generated code costs another 100-200 ms on first use). A schema edited later is
// detected by its stamp and compiled at run time; a cache from another Node version is ignored.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { COMPILED_DIR, codeCacheFile, evaluateModule, moduleFile } from "../dist/lint/validate/compiled.js";
import { openApiStandaloneModules } from "../dist/lint/validate/openapi.js";
import { SCHEMA_NAMES, SchemaSet } from "../dist/lint/validate/schemas.js";

/**
 * A document with every field the schema describes (maps and lists with one entry), so validating
 * it runs every function of the validator and the code cache holds them all compiled. Only its
 * shape matters, not whether it is valid.
 */
function exampleOf(schema, depth = 0) {
  if (depth > 24 || schema === null || typeof schema !== "object") return null;
  const types = [schema.type ?? []].flat();
  if (schema.properties || types.includes("object")) {
    const example = {};
    for (const [name, sub] of Object.entries(schema.properties ?? {})) example[name] = exampleOf(sub, depth + 1);
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") example["example-key"] = exampleOf(schema.additionalProperties, depth + 1);
    return example;
  }
  if (types.includes("array")) return [exampleOf(schema.items, depth + 1)];
  if (Array.isArray(schema.enum)) return schema.enum[0];
  return types.includes("string") ? "" : types.includes("boolean") ? false : types.includes("integer") || types.includes("number") ? 0 : null;
}

rmSync(COMPILED_DIR, { recursive: true, force: true });
mkdirSync(COMPILED_DIR, { recursive: true });
const schemas = new SchemaSet();
const examples = Object.fromEntries(SCHEMA_NAMES.map((name) => [name, exampleOf(schemas.schema(name))]));
const modules = { ...schemas.standaloneModules(), ...openApiStandaloneModules() };
for (const [name, source] of Object.entries(modules)) {
  const file = moduleFile(COMPILED_DIR, name);
  writeFileSync(file, source);
  // Validate once before the cache is taken, so V8 has compiled what validation runs.
  const { validate, script } = evaluateModule(file, source);
  validate(examples[name] ?? {});
  writeFileSync(codeCacheFile(COMPILED_DIR, name), script.createCachedData());
}
process.stderr.write(`lint validators: ${Object.keys(modules).length} written to ${path.relative(process.cwd(), COMPILED_DIR)}\n`);
