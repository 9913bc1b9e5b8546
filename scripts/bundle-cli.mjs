#!/usr/bin/env node
/**
 * The last step of `npm run build`: bundles the compiled CLI (dist/cli.js and everything it imports,
 * packages included) into dist/cli-bundle/, which bin/tyk-ts.js runs. Node then reads one file to
 * answer `--help` instead of some forty modules, which is most of its start-up time. Each lazy
 * `import()` stays a separate chunk, loaded only by the command that needs it.
 */
import { build, transform } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const OUT_DIR = path.join(DIST, "cli-bundle");

/** `const require = createRequire(import.meta.url);`: dropped so esbuild bundles what it requires. */
const LOCAL_REQUIRE = /^[ \t]*const require = createRequire\(import\.meta\.url\);$/gm;
/** The project's compiled modules (not the packages', whose files may sit in a dist/ folder too). */
const OWN_MODULES = new RegExp(`^${path.join(ROOT, "dist", path.sep).replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}.*\\.js$`);

/**
 * Modules find files beside themselves (dist/lint/compiled/, schemas/) from `import.meta.url`. Inside a
 * chunk that URL names the chunk, so each module gets the URL of its own compiled file, relative to
 * the chunk: right wherever the package is installed. esbuild's `define` rewrites code only, never
 * the text of strings (a template may contain "import.meta.url").
 */
const keepModuleLocations = {
  name: "keep-module-locations",
  setup(b) {
    b.onLoad({ filter: OWN_MODULES }, async (args) => {
      let source = readFileSync(args.path, "utf8").replace(LOCAL_REQUIRE, "");
      if (source.includes("import.meta.url")) {
        const fromChunk = path.relative(OUT_DIR, args.path).split(path.sep).join("/");
        const { code } = await transform(source, { loader: "js", format: "esm", target: "node20", define: { "import.meta.url": "__tykTsModuleUrl" } });
        source = `const __tykTsModuleUrl = new URL(${JSON.stringify(fromChunk)}, import.meta.url).href;\n${code}`;
      }
      return { contents: source, loader: "js" };
    });
  },
};

rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  entryPoints: { cli: path.join(DIST, "cli.js") },
  outdir: OUT_DIR,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __tykTsCreateRequire } from "node:module"; const require = __tykTsCreateRequire(import.meta.url);' },
  plugins: [keepModuleLocations],
});
process.stderr.write(`bundled the CLI into ${path.relative(ROOT, OUT_DIR)}/ (entry ${readFileSync(path.join(OUT_DIR, "cli.mjs")).length >> 10} KiB)\n`);
