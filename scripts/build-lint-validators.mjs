#!/usr/bin/env node
// Precompiles lint's validators into dist/lint/compiled/, after `tsc` has built dist/: ajv standalone
// code (compiling the schemas at run time costs about a second each) and a V8 code cache for each
// (V8 compiling the generated code costs another 100-200 ms on first use). A schema edited later is
// detected by its stamp and compiled at run time; a cache from another Node version is ignored.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { COMPILED_DIR, codeCacheFile, evaluateModule, moduleFile } from "../dist/lint/compiled.js";
import { openApiStandaloneModules } from "../dist/lint/openapi.js";
import { SchemaSet } from "../dist/lint/schemas.js";

rmSync(COMPILED_DIR, { recursive: true, force: true });
mkdirSync(COMPILED_DIR, { recursive: true });
const modules = { ...new SchemaSet().standaloneModules(), ...openApiStandaloneModules() };
for (const [name, source] of Object.entries(modules)) {
  const file = moduleFile(COMPILED_DIR, name);
  writeFileSync(file, source);
  // Validate something once so V8 compiles the validator before the cache is taken.
  const { validate, script } = evaluateModule(file, source);
  validate({});
  writeFileSync(codeCacheFile(COMPILED_DIR, name), script.createCachedData());
}
process.stderr.write(`lint validators: ${Object.keys(modules).length} written to ${path.relative(process.cwd(), COMPILED_DIR)}\n`);
