/**
 * Validators precompiled at build time (ajv standalone code, written by
 * scripts/build-lint-validators.mjs into dist/lint/compiled/). Compiling the schemas costs about a
 * second each; loading the generated code a few tens of milliseconds. Each file carries the stamp of
 * the schema it was generated from, so a schema edited after the build is compiled afresh instead.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv";

export const COMPILED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "compiled");

const require = createRequire(import.meta.url);

/** The stamp of a schema's source text. */
export function stampOf(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The precompiled validator `name`, if it exists and was generated from the source with `stamp`. */
export function loadCompiled(name: string, stamp: string): ValidateFunction | undefined {
  const file = path.join(COMPILED_DIR, `${name}.cjs`);
  if (!existsSync(file)) return undefined;
  const mod = require(file) as { default?: ValidateFunction; stamp?: string };
  return mod.stamp === stamp ? mod.default : undefined;
}

/** The file a standalone validator is written to, with its stamp appended as an export. */
export function compiledModule(code: string, stamp: string): string {
  return `${code}\nmodule.exports.stamp = ${JSON.stringify(stamp)};\n`;
}
