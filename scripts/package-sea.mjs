#!/usr/bin/env node
/**
 * `npm run package`: builds the single-file executable dist/tyk-ts-<os>-<arch> with Node's own
 * single executable application support, offline, from the compiled dist/ (`npm run build` first):
 *
 *   esbuild bundles dist/cli.js into one CommonJS file (lazy `await import()`s become inlined modules,
 *   the packages and JSON our modules require are bundled; the AWS SDK goes apart, as an asset) →
 *   `node --experimental-sea-config` turns it into a blob with a V8 code cache and schemas/ and the
 *   SDK as assets → a copy of this node binary, stripped of
 *   debug symbols → postject injects the blob and flips the SEA fuse.
 *
 * Usage: node scripts/package-sea.mjs [--output <file>] [--keep-temp]
 * The target is the platform of the node running this script (cross-building needs that platform's
 * node binary; see docs/distribution.md).
 */
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const isMac = process.platform === "darwin";
const isWindows = process.platform === "win32";

function parseArgs(argv) {
  const args = { output: path.join(ROOT, "dist", `tyk-ts-${process.platform}-${process.arch}${isWindows ? ".exe" : ""}`), keepTemp: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--output" && argv[i + 1]) args.output = path.resolve(argv[++i]);
    else if (argv[i] === "--keep-temp") args.keepTemp = true;
    else fail(`unknown argument ${argv[i]}`, "usage: node scripts/package-sea.mjs [--output <file>] [--keep-temp]");
  }
  return args;
}

class PackagingError extends Error {
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
}

function fail(message, hint) {
  throw new PackagingError(message, hint);
}

function run(file, args, what) {
  const r = spawnSync(file, args, { encoding: "utf8" });
  if (r.status !== 0) fail(`${what} failed (${file} ${args.join(" ")}):\n${r.stderr || r.stdout || r.error?.message}`);
  return r;
}

function hasTool(tool) {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Our modules load CommonJS packages and package.json with `const require = createRequire(import.meta.url)`.
 * esbuild cannot see through a local `require`, and inside the executable there is no node_modules to
 * resolve from; dropping that line leaves plain `require("…")` calls, which esbuild bundles (JSON too).
 */
const LOCAL_REQUIRE = /^[ \t]*const require = createRequire\(import\.meta\.url\);$/gm;
/** The project's compiled modules (not the packages', whose files may sit in a dist/ folder too). */
const OWN_MODULES = new RegExp(`^${path.join(ROOT, "dist", path.sep).replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}.*\\.js$`);
const bundleLocalRequires = {
  name: "bundle-local-requires",
  setup(b) {
    b.onLoad({ filter: OWN_MODULES }, (args) => ({
      contents: readFileSync(args.path, "utf8").replace(LOCAL_REQUIRE, ""),
      loader: "js",
    }));
  },
};

/** esbuild options shared by the CLI and the packages bundled apart. */
const COMMONJS_BUNDLE = { bundle: true, platform: "node", format: "cjs", target: "node20", minifySyntax: true, legalComments: "none", logLevel: "warning" };

async function bundleCli(outfile) {
  if (!existsSync(path.join(ROOT, "dist/cli.js"))) fail("dist/cli.js does not exist", "run `npm run build` first (`npm run package` does)");
  await build({
    stdin: {
      contents: 'import { main } from "./dist/cli.js";\nmain(process.argv).then((code) => { process.exitCode = code; });\n',
      resolveDir: ROOT,
      sourcefile: "sea-entry.js",
      loader: "js",
    },
    ...COMMONJS_BUNDLE,
    outfile,
    // Code that locates files from its own URL gets the executable's; package files come from SEA assets.
    define: { "import.meta.url": "__tykTsModuleUrl" },
    banner: { js: 'const __tykTsModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [bundleLocalRequires],
    // Packages loaded by one command only travel as separate assets (packageAssets), compiled when used.
    external: LAZY_PACKAGES,
  });
  const leftover = readFileSync(outfile, "utf8").match(/createRequire\)\(__tykTsModuleUrl\)/);
  if (leftover) fail("a module still creates its own require, which cannot resolve packages inside the executable", "write it as `const require = createRequire(import.meta.url);` on a line of its own, which this script bundles");
}

/**
 * Packages that one command loads (src/package-files.ts requirePackage): bundled on their own as
 * vendor/<name>.cjs assets, so that --version and --help neither read nor compile them (the AWS SDK
 * is 1.3 MB, as much as the rest of the CLI; node-forge, for `serve --tls`, 0.5 MB).
 */
const LAZY_PACKAGES = ["@aws-sdk/client-s3", "node-forge"];

async function bundleLazyPackages(dir) {
  const assets = {};
  for (const name of LAZY_PACKAGES) {
    const outfile = path.join(dir, "vendor", `${name.replace(/\//g, "__")}.cjs`);
    await build({
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});\n`, resolveDir: ROOT, sourcefile: `${name}-entry.js`, loader: "js" },
      ...COMMONJS_BUNDLE,
      outfile,
    });
    assets[`vendor/${path.basename(outfile)}`] = outfile;
  }
  return assets;
}

/** Files the CLI reads at run time (src/package-files.ts), keyed by their path in the package. */
function packageAssets() {
  const assets = {};
  for (const name of readdirSync(path.join(ROOT, "schemas"))) assets[`schemas/${name}`] = path.join(ROOT, "schemas", name);
  return assets;
}

function makeBlob(dir, mainFile, vendorAssets) {
  const configFile = path.join(dir, "sea-config.json");
  const blob = path.join(dir, "sea-prep.blob");
  const config = { main: mainFile, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false, assets: { ...packageAssets(), ...vendorAssets } };
  writeFileSync(configFile, JSON.stringify(config));
  run(process.execPath, ["--experimental-sea-config", configFile], "making the SEA blob");
  return blob;
}

function prepareNodeCopy(target) {
  if (!readFileSync(process.execPath).includes(`${SEA_FUSE}:0`)) {
    fail(`${process.execPath} has no unflipped SEA fuse`, "build with an official Node.js 20.15+ binary from nodejs.org");
  }
  copyFileSync(process.execPath, target);
  if (isMac) run("codesign", ["--remove-signature", target], "removing the code signature");
  // Debug symbols take 13 of node's 99 MB and serve no user.
  else if (!isWindows && hasTool("strip")) run("strip", ["--strip-all", target], "stripping debug symbols");
}

function inject(target, blob) {
  const postject = require.resolve("postject/dist/cli.js");
  const args = [postject, target, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE];
  if (isMac) args.push("--macho-segment-name", "NODE_SEA");
  // postject's ELF parser prints harmless warnings about node's many note sections: show them only on failure.
  run(process.execPath, args, "injecting the blob with postject");
  if (isMac) run("codesign", ["--sign", "-", target], "signing the executable ad hoc");
}

/** An executable goes to a file: a link is followed to its target, anything else (a device, a pipe) refused, never renamed over. */
function outputFile(given) {
  if (!existsSync(given)) return given;
  const target = realpathSync(given);
  if (!statSync(target).isFile()) fail(`${given} is not a regular file`, "give --output a file name");
  return target;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { keepTemp } = args;
  const output = outputFile(args.output);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-sea-"));
  const started = Date.now();
  try {
    const mainFile = path.join(dir, "tyk-ts.cjs");
    await bundleCli(mainFile);
    const blob = makeBlob(dir, mainFile, await bundleLazyPackages(dir));
    const partial = path.join(dir, path.basename(output));
    prepareNodeCopy(partial);
    inject(partial, blob);
    // Built in the temporary folder, then renamed into place: a failed build never leaves a broken binary.
    mkdirSync(path.dirname(output), { recursive: true });
    copyFileSync(partial, `${output}.partial`);
    renameSync(`${output}.partial`, output);
    const mib = (statSync(output).size / 2 ** 20).toFixed(1);
    process.stderr.write(
      `built ${path.relative(process.cwd(), output)} (${mib} MiB, bundle ${(statSync(mainFile).size / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)\n`,
    );
  } finally {
    if (keepTemp) process.stderr.write(`intermediate files kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  if (!(err instanceof PackagingError)) throw err;
  process.stderr.write(`error ${err.message}\n${err.hint ? `  hint: ${err.hint}\n` : ""}`);
  process.exitCode = 2;
}
