/** The package as npm would publish it, packed from the built dist/ (`npm test` builds first). */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./cli.js";
import { tempDir } from "./tmp.js";

const run = promisify(execFile);

export interface PackedPackage {
  tarball: string;
  /** Paths inside the package, e.g. `dist/cli.js`. */
  files: string[];
}

export async function packPackage(): Promise<PackedPackage> {
  const dir = await tempDir("tyk-ts-pack-");
  // --ignore-scripts: pack the dist/ under test instead of rebuilding it through `prepare`.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, timeout: 30_000 });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(dir, info!.filename), files: info!.files.map((f) => f.path) };
}

/** `npm install` with what the local cache holds, so a test does not wait on the registry. */
export async function npmInstall(args: string[], cwd: string): Promise<void> {
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...args], { cwd, timeout: 45_000 });
}
