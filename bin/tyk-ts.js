#!/usr/bin/env node
// Thin launcher. `npm run build` compiles dist/ with tsc, then bundles the CLI into dist/cli-bundle/,
// which starts faster (one file to load for --help instead of dozens). After a bare `tsc`, dist/cli.js
// is newer than the bundle and runs instead, so an old bundle never hides a fresh compile.
import { statSync } from "node:fs";
import module from "node:module";

// Node 22.1+ keeps compiled code between runs (a no-op where the API does not exist).
module.enableCompileCache?.();

const modified = (file) => statSync(new URL(file, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const entry = modified("../dist/cli-bundle/cli.mjs") >= modified("../dist/cli.js") ? "../dist/cli-bundle/cli.mjs" : "../dist/cli.js";
const { main } = await import(entry);

process.exitCode = await main(process.argv);
