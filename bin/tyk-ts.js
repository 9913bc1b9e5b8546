#!/usr/bin/env node
// Thin launcher. `npm run build` compiles dist/ with tsc, then bundles the CLI into one file,
// dist/cli-bundle/cli.cjs, with a V8 code cache beside it: run through the cache, Node skips
// resolving modules and compiling the code a run needs (see scripts/bundle-cli.mjs). After a bare
// `tsc`, dist/cli.js is newer than the bundle and runs instead, so an old bundle never hides a fresh
// compile. A cache made by another Node version is rejected by V8, and the bundle compiles as usual.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

// Node 22.1+ keeps compiled ES modules between runs (a no-op where the API does not exist).
module.enableCompileCache?.();

const file = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const modified = (name) => statSync(name, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = file("../dist/cli-bundle/cli.cjs");
const codeCache = file("../dist/cli-bundle/cli.v8cache");

const script = modified(bundle) >= modified(file("../dist/cli.js")) ? compileBundle() : undefined;
const { main } = script ? runBundle(script) : await import("../dist/cli.js");
process.exitCode = await main(process.argv);

// The build asks for the cache this way, after one representative run.
const cacheOut = process.env.TYK_TS_WRITE_CODE_CACHE;
if (cacheOut && script) {
  writeFileSync(`${cacheOut}.tmp`, script.createCachedData());
  renameSync(`${cacheOut}.tmp`, cacheOut);
}

function compileBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    // no cache: V8 compiles as it goes
  }
  return new Script(module.wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData });
}

/** Runs the bundle the way Node runs a CommonJS module; returns its exports. */
function runBundle(compiled) {
  const bundleModule = { exports: {} };
  compiled.runInThisContext()(bundleModule.exports, module.createRequire(bundle), bundleModule, bundle, path.dirname(bundle));
  return bundleModule.exports;
}
