/**
 * Files that ship with tyk-ts (schemas/…), read the same way from an npm install, a git checkout and
 * the single executable. In the executable they are SEA assets (scripts/package-sea.mjs embeds
 * schemas/), because there is no package folder beside it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileFunction } from "node:vm";
import { ioError } from "./errors.js";

const require = createRequire(import.meta.url);

/** The package root: one level up from both src/ and dist/. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** True inside the single executable, where package files have no path on disk. */
export function isSingleExecutable(): boolean {
  return (require("node:sea") as typeof import("node:sea")).isSea();
}

/** Reads a package file by its path from the package root, e.g. `schemas/policy.schema.json`. */
export function readPackageFile(relativePath: string): string {
  if (isSingleExecutable()) {
    const sea = require("node:sea") as typeof import("node:sea");
    try {
      return sea.getAsset(relativePath, "utf8");
    } catch (err) {
      throw ioError(Object.assign(err as Error, { code: "ENOENT" }), `${relativePath} (embedded in the executable)`);
    }
  }
  const file = path.join(PACKAGE_ROOT, relativePath);
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw ioError(err, file);
  }
}

/**
 * A package the executable carries as a separate CommonJS asset (the AWS SDK, which only
 * `bundle publish` to s3:// needs; node-forge, which only `serve --tls` needs), so that every
 * start-up does not read and compile it: elsewhere a plain require of the installed package.
 */
export function requirePackage(name: string): unknown {
  if (!isSingleExecutable()) return require(name);
  const module = { exports: {} as unknown };
  compileFunction(readPackageFile(`vendor/${name.replace(/\//g, "__")}.cjs`), ["module", "exports", "require"], { filename: name })(module, module.exports, require);
  return module.exports;
}
