#!/usr/bin/env node
// Precompiles lint's validators (ajv standalone code) into dist/lint/compiled/, after `tsc` has
// built dist/. Compiling the schemas at run time costs about a second each; loading these files a
// few tens of milliseconds. A schema edited later is detected by its stamp and compiled at run time.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { COMPILED_DIR } from "../dist/lint/compiled.js";
import { openApiStandaloneModules } from "../dist/lint/openapi.js";
import { SchemaSet } from "../dist/lint/schemas.js";

rmSync(COMPILED_DIR, { recursive: true, force: true });
mkdirSync(COMPILED_DIR, { recursive: true });
const modules = { ...new SchemaSet().standaloneModules(), ...openApiStandaloneModules() };
for (const [name, code] of Object.entries(modules)) writeFileSync(path.join(COMPILED_DIR, `${name}.cjs`), code);
process.stderr.write(`lint validators: ${Object.keys(modules).length} written to ${path.relative(process.cwd(), COMPILED_DIR)}\n`);
