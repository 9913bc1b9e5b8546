#!/usr/bin/env node
/**
 * The last step of `npm run build`: bundles the compiled CLI (dist/cli.js and everything it imports,
 * packages included) into one CommonJS file, dist/cli-bundle/cli.cjs, and writes a V8 code cache
 * beside it (cli.v8cache) by running the CLI once. bin/tyk-ts.js runs the bundle through that cache,
 * so Node neither resolves dozens of modules nor parses and compiles the code a run needs: a lint
 * of 2,000 API definitions starts ~70 ms sooner (measured; Node 20 has no compile cache of its own
 * for ES modules, and a code cache needs a script, which is why the bundle is CommonJS).
 */
import { build, transform } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const OUT_DIR = path.join(DIST, "cli-bundle");
const BUNDLE = path.join(OUT_DIR, "cli.cjs");
const CODE_CACHE = path.join(OUT_DIR, "cli.v8cache");

/** `const require = createRequire(import.meta.url);`: dropped so esbuild bundles what it requires. */
const LOCAL_REQUIRE = /^[ \t]*const require = createRequire\(import\.meta\.url\);$/gm;
/** The project's compiled modules (not the packages', whose files may sit in a dist/ folder too). */
const OWN_MODULES = new RegExp(`^${path.join(DIST, path.sep).replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}.*\\.js$`);

/**
 * Modules find files beside themselves (dist/lint/validate/compiled/, schemas/) from `import.meta.url`. In the
 * bundle each module gets the URL of its own compiled file, relative to the bundle: right wherever
 * the package is installed. esbuild's `define` rewrites code only, never the text of strings.
 */
const keepModuleLocations = {
  name: "keep-module-locations",
  setup(b) {
    b.onLoad({ filter: OWN_MODULES }, async (args) => {
      let source = readFileSync(args.path, "utf8").replace(LOCAL_REQUIRE, "");
      if (source.includes("import.meta.url")) {
        const fromBundle = path.relative(OUT_DIR, args.path).split(path.sep).join("/");
        const { code } = await transform(source, { loader: "js", format: "esm", target: "node20", define: { "import.meta.url": "__tykTsModuleUrl" } });
        source = `const __tykTsModuleUrl = require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(fromBundle)})).href;\n${code}`;
      }
      return { contents: source, loader: "js" };
    });
  },
};

rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  stdin: { contents: 'export { main } from "./dist/cli.js";\n', resolveDir: ROOT, sourcefile: "cli-entry.js", loader: "js" },
  outfile: BUNDLE,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [keepModuleLocations],
  // The AWS SDK (only `bundle publish` to s3:// loads it) would double the bundle, and node-forge
  // (only `serve --tls` without a certificate) add a quarter to it, slowing every start-up; they
  // stay plain requires of the installed dependencies. The single executable carries them apart.
  external: ["@aws-sdk/*", "node-forge"],
});

// One run of the commands people run most, so the cache holds the code they need compiled; the
// launcher writes it when TYK_TS_WRITE_CODE_CACHE names a file. Its findings are not the point.
const example = path.join(ROOT, "fixtures");
const run = spawnSync(process.execPath, [path.join(ROOT, "bin/tyk-ts.js"), "lint", example, "--format", "json"], {
  env: { ...process.env, TYK_TS_WRITE_CODE_CACHE: CODE_CACHE },
  stdio: "ignore",
});
if (run.status !== 0 && run.status !== 1) process.stderr.write(`warning: no code cache (tyk-ts lint exited ${run.status}); the CLI still runs, compiling as it goes\n`);
const size = (file) => (existsSync(file) ? `${readFileSync(file).length >> 10} KiB` : "none");
process.stderr.write(`bundled the CLI into ${path.relative(ROOT, BUNDLE)} (${size(BUNDLE)}; code cache ${size(CODE_CACHE)})\n`);
