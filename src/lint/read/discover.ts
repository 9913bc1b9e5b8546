/**
 * Which files to lint: files named on the command line, directories (recursed) and globs. Inside
 * directories and globs only data files are considered (.json, .yaml, .yml, .conf, and env files:
 * .env, .env.*, *.env), `node_modules` and version-control folders are skipped, and the config's
 * ignore patterns apply.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { InputError, ioError } from "../../errors.js";

export interface DiscoveredFile {
  absolutePath: string;
  /** Named on the command line: reported even when it is not recognisably a Tyk document. */
  explicit: boolean;
}

export interface Discovery {
  files: DiscoveredFile[];
  /** Files left out by an ignore pattern, for `--verbose`. */
  ignored: string[];
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git", ".hg", ".svn"]);
const DATA_FILE = /\.(json|ya?ml|conf)$/i;
/** docker compose's env files: `.env`, `.env.production`, `gateway.env`. */
const ENV_FILE = /^(\.env(\..+)?|.+\.env)$/i;

/** A .env file (not a data file that happens to start with `.env.`, such as `.env.json`). */
export function isEnvFile(file: string): boolean {
  return !DATA_FILE.test(file) && ENV_FILE.test(path.basename(file));
}

export function isGlob(arg: string): boolean {
  return picomatch.scan(arg).isGlob;
}

export function discoverFiles(paths: readonly string[], options: { cwd: string; ignore: readonly string[]; ignoreBase: string }): Discovery {
  const isIgnored = options.ignore.length > 0 ? picomatch(options.ignore as string[], { dot: true }) : undefined;
  const ignoredBy = (file: string) => {
    if (!isIgnored) return false;
    const rel = path.relative(options.ignoreBase, file).split(path.sep).join("/");
    return !rel.startsWith("..") && isIgnored(rel);
  };
  const found = new Map<string, DiscoveredFile>();
  const ignored: string[] = [];
  const add = (file: string, explicit: boolean) => {
    if (ignoredBy(file)) {
      ignored.push(file);
      return;
    }
    const known = found.get(file);
    if (!known) found.set(file, { absolutePath: file, explicit });
    else known.explicit ||= explicit;
  };

  for (const arg of paths.length > 0 ? paths : ["."]) {
    const absolute = path.resolve(options.cwd, arg);
    if (isGlob(arg)) {
      const { base, glob } = picomatch.scan(arg);
      const root = path.resolve(options.cwd, base || ".");
      const matches = picomatch(glob, { dot: false });
      let matched = 0;
      for (const file of walk(root)) {
        if (!matches(path.relative(root, file).split(path.sep).join("/"))) continue;
        matched++;
        add(file, false);
      }
      if (matched === 0) throw new InputError("no-match", `no files match ${arg}`, { hint: "check the pattern; quote it so the shell does not expand it first" });
      continue;
    }
    let stats;
    try {
      stats = statSync(absolute);
    } catch (err) {
      throw ioError(err, arg);
    }
    if (stats.isDirectory()) for (const file of walk(absolute)) add(file, false);
    else add(absolute, true);
  }
  const files = [...found.values()].sort((a, b) => (a.absolutePath < b.absolutePath ? -1 : a.absolutePath > b.absolutePath ? 1 : 0));
  return { files, ignored };
}

/** Data files under `dir`, following symbolic links once (a link loop is visited only once). */
function* walk(dir: string, seen = new Set<string>()): Generator<string> {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw ioError(err, dir);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = statSync(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue; // a dangling link
      }
    }
    if (isDir) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* walk(full, seen);
    } else if (isFile && (DATA_FILE.test(entry.name) || ENV_FILE.test(entry.name))) {
      yield full;
    }
  }
}

/** A file as the user sees it: relative to the cwd when it lies below it, with `/` separators. */
export function displayPath(file: string, cwd: string): string {
  // Most files are under the cwd: a prefix check costs far less than path.relative.
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  const rel = file.startsWith(prefix) ? file.slice(prefix.length) : path.relative(cwd, file);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return file;
  return path.sep === "/" ? rel : rel.split(path.sep).join("/");
}
