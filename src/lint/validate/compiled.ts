/**
 * Validators precompiled at build time (ajv standalone code, written by
 * scripts/build-lint-validators.mjs into dist/lint/validate/compiled/), with a V8 code cache beside each.
 * Compiling a schema with ajv costs about a second, and V8 compiling the generated code another
 * 100–200 ms on first use; with both done at build time a validator is ready in ~15 ms. Each file
 * starts with the stamp of the schemas it was generated from, so a schema edited after the build is
 * compiled afresh instead; a code cache from another Node version is rejected by V8 and ignored.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import type { ValidateFunction } from "ajv";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Where the build writes the validators: dist/lint/validate/compiled/, next to this module once built. */
export const COMPILED_DIR = path.join(HERE, "compiled");

// Running from the TypeScript sources (tests), the built validators in dist/ are just as good: the
// stamp tells whether they were generated from the same schemas.
const SEARCHED = [COMPILED_DIR, path.resolve(HERE, "../../../dist/lint/validate/compiled")];

/** The stamp of a schema's source text. */
export function stampOf(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function stampLine(stamp: string): string {
  return `// tyk-ts validator, stamp ${stamp}\n`;
}

/** The content of a validator file: its stamp, then ajv's standalone (CommonJS) code. */
export function compiledModule(code: string, stamp: string): string {
  return `${stampLine(stamp)}${code}`;
}

export function moduleFile(dir: string, name: string): string {
  return path.join(dir, `${name}.cjs`);
}

export function codeCacheFile(dir: string, name: string): string {
  return path.join(dir, `${name}.v8cache`);
}

/** Runs a validator file the way Node runs a CommonJS module, reusing a V8 code cache when it fits. */
export function evaluateModule(file: string, source: string, cachedData?: Buffer): { validate: ValidateFunction; script: Script } {
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as { default?: ValidateFunction } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  const validate = module.exports.default ?? (module.exports as unknown as ValidateFunction);
  return { validate, script };
}

/** The precompiled validator `name`, if one exists that was generated from the schemas with `stamp`. */
export function loadCompiled(name: string, stamp: string): ValidateFunction | undefined {
  for (const dir of SEARCHED) {
    const file = moduleFile(dir, name);
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (!source.startsWith(stampLine(stamp))) continue;
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(codeCacheFile(dir, name));
    } catch {
      // no code cache: V8 compiles the code on first use
    }
    return evaluateModule(file, source, cachedData).validate;
  }
  return undefined;
}
