/**
 * The gateway's unpack of a bundle, simulated in memory (TYK-FACTS "How the gateway loads a bundle",
 * step 4): entries in central-directory order into a fresh directory; a refused name stops it; a
 * directory entry is a mkdir (the parent must exist, the directory must not); a file entry is a
 * create (the parent must exist, a file of that name is truncated, a directory of that name fails).
 *
 * Paths are binary strings (one char per byte), as Linux compares them.
 */
import { goClean, unpackRefusal } from "./names.js";
import type { ZipEntryHeader, ZipReadError } from "./zip-reader.js";
import { binaryToText, textToBinary } from "./zip-reader.js";

/** Linux NAME_MAX: a longer path component fails with ENAMETOOLONG. */
const NAME_MAX = 255;
/** Linux PATH_MAX, counting the NUL that ends the path: a path of 4096 bytes or more fails with ENAMETOOLONG. */
const PATH_MAX = 4096;

/** Go's default middleware_path (config.Default in the gateway's config/config.go): relative to the gateway's working directory. */
export const DEFAULT_MIDDLEWARE_PATH = "middleware";

/**
 * The directory the gateway unpacks a bundle into, as it hands it to mkdir and create:
 * getBundleDestPath in gateway/coprocess_bundle.go joins middleware_path, "bundles" and the MD5 of
 * the bundle's name in hex (always 32 characters). Only its length matters here.
 */
export interface BundleDirectory {
  /** The path with "<md5>" for the hash, for messages. */
  shown: string;
  /** Its length in bytes. */
  length: number;
  /** middleware_path was not given: Go's default is assumed. */
  assumed: boolean;
}

export function bundleDirectory(middlewarePath?: string): BundleDirectory {
  const shown = goClean(`${textToBinary(middlewarePath ?? DEFAULT_MIDDLEWARE_PATH)}/bundles/<md5>`);
  return { shown: binaryToText(shown), length: shown.length - "<md5>".length + 32, assumed: middlewarePath === undefined };
}

/** The byte length of filepath.Join(directory, name) for a cleaned relative name. */
function joinedLength(directory: BundleDirectory, cleanName: string): number {
  return directory.length + 1 + cleanName.length;
}

/** An entry the gateway's unpack fails on. */
export interface UnpackFailure {
  entry: ZipEntryHeader;
  code: string;
  message: string;
}

type Node = { kind: "directory" } | { kind: "file"; entry: ZipEntryHeader };

/** What a path in the unpacked bundle directory is, as the gateway's os.Open would find it. */
export interface BundleTree {
  lookup(path: string): Node | undefined;
  files(): Array<{ path: string; entry: ZipEntryHeader }>;
}

export interface UnpackPlan {
  /** Every entry the gateway would fail on, in unpack order (after the first, as if it carried on). */
  failures: UnpackFailure[];
  /** The directory exactly as the gateway leaves it when nothing fails. */
  tree: BundleTree;
  /** Every file entry by cleaned name, last one winning, ignoring directory structure: the bundle as meant. */
  intended: BundleTree;
  /** File names written more than once (the last one wins), with their entries in order. */
  duplicates: Map<string, ZipEntryHeader[]>;
  /** File entries the gateway opens and copies out (valid name, readable header), in zip order. */
  copied: ZipEntryHeader[];
}

const ROOT = ".";

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? ROOT : path.slice(0, i);
}

function shown(path: string): string {
  return JSON.stringify(binaryToText(path));
}

class MemoryTree implements BundleTree {
  private readonly nodes = new Map<string, Node>([[ROOT, { kind: "directory" }]]);

  lookup(path: string): Node | undefined {
    return this.nodes.get(path);
  }

  files(): Array<{ path: string; entry: ZipEntryHeader }> {
    const out: Array<{ path: string; entry: ZipEntryHeader }> = [];
    for (const [path, node] of this.nodes) if (node.kind === "file") out.push({ path, entry: node.entry });
    return out;
  }

  /** Why the parent of `path` cannot hold a new entry, or undefined. */
  private parentProblem(path: string, entry: ZipEntryHeader): Omit<UnpackFailure, "entry"> | undefined {
    const parent = parentOf(path);
    const node = this.nodes.get(parent);
    if (node?.kind === "directory") return undefined;
    if (node?.kind === "file") {
      return { code: "unpack-not-a-directory", message: `zip entry ${shown(entry.name)} needs ${shown(parent)} to be a directory, but the bundle unpacked a file of that name before it` };
    }
    // The nearest missing ancestor is the entry the zip lacks.
    let missing = parent;
    while (!this.nodes.has(parentOf(missing))) missing = parentOf(missing);
    const what = entry.isDirectory ? "directory entry" : "file";
    return {
      code: "unpack-missing-directory",
      message:
        `zip entry ${shown(entry.name)} is a ${what} inside ${shown(`${missing}/`)}, but the zip has no ${shown(`${missing}/`)} entry before it: ` +
        "the gateway creates each entry without creating its parent directories, so the unpack fails. " +
        "Rebuild the bundle with `tyk-ts bundle build`, which writes every directory entry before the files in it",
    };
  }

  mkdir(path: string, entry: ZipEntryHeader): Omit<UnpackFailure, "entry"> | undefined {
    if (path === ROOT) {
      return { code: "unpack-directory-exists", message: `directory entry ${shown(entry.name)} names the bundle directory itself, which already exists, so the gateway's mkdir fails` };
    }
    const parentProblem = this.parentProblem(path, entry);
    if (parentProblem) return parentProblem;
    const existing = this.nodes.get(path);
    if (existing) {
      return {
        code: "unpack-directory-exists",
        message:
          existing.kind === "directory"
            ? `directory entry ${shown(entry.name)} creates ${shown(`${path}/`)} a second time; the gateway's mkdir fails on an existing directory (remove the duplicate entry)`
            : `directory entry ${shown(entry.name)} has the name of a file unpacked before it; the gateway's mkdir fails`,
      };
    }
    this.nodes.set(path, { kind: "directory" });
    return undefined;
  }

  create(path: string, entry: ZipEntryHeader): Omit<UnpackFailure, "entry"> | undefined {
    if (path === ROOT) {
      return { code: "unpack-file-over-directory", message: `zip entry ${shown(entry.name)} is a file named like the bundle directory itself; the gateway cannot create it` };
    }
    const parentProblem = this.parentProblem(path, entry);
    if (parentProblem) return parentProblem;
    if (this.nodes.get(path)?.kind === "directory") {
      return { code: "unpack-file-over-directory", message: `zip entry ${shown(entry.name)} is a file with the name of a directory unpacked before it; the gateway cannot create it` };
    }
    this.nodes.set(path, { kind: "file", entry });
    return undefined;
  }

  /** Records a directory and its parents without any check: the bundle as its author meant it. */
  placeDirectory(path: string): void {
    for (let dir = path; dir !== ROOT && this.nodes.get(dir)?.kind !== "directory"; dir = parentOf(dir)) {
      this.nodes.set(dir, { kind: "directory" });
    }
  }

  /** Records a file and its directories without any check. */
  place(path: string, entry: ZipEntryHeader): void {
    this.placeDirectory(parentOf(path));
    this.nodes.set(path, { kind: "file", entry });
  }
}

/** A problem with the name itself, before any file system operation: the sanitizer, NUL, length. */
function nameProblem(entry: ZipEntryHeader, directory: BundleDirectory): Omit<UnpackFailure, "entry"> | undefined {
  const refusal = unpackRefusal(entry.name);
  if (refusal) {
    return { code: "unpack-name-refused", message: `zip entry ${shown(entry.name)} ${refusal}; the gateway refuses to unpack the bundle ("invalid file path in archive")` };
  }
  if (entry.name.includes("\0")) {
    return { code: "unpack-invalid-name", message: `zip entry ${shown(entry.name)} contains a NUL byte; the gateway cannot create it` };
  }
  if (goClean(entry.name).split("/").some((part) => part.length > NAME_MAX)) {
    return { code: "unpack-invalid-name", message: `zip entry ${shown(entry.name)} has a name part longer than ${NAME_MAX} bytes; the gateway cannot create it` };
  }
  const length = joinedLength(directory, goClean(entry.name));
  if (length >= PATH_MAX) {
    const where = directory.assumed ? `${directory.shown} (the gateway's default middleware_path; a gateway config gives the real one)` : directory.shown;
    return {
      code: "unpack-invalid-name",
      message: `zip entry ${shown(entry.name)} is ${length} bytes long once joined under the bundle folder ${where}, beyond Linux's ${PATH_MAX - 1}-byte path limit; the gateway cannot create it ("file name too long")`,
    };
  }
  return undefined;
}

/**
 * The longest middleware_path under which every entry still unpacks, with the entry that sets it,
 * when that is under 256 bytes: a bundle that passes under Go's short default may fail on a real
 * gateway (the packages use /opt/tyk-gateway/middleware).
 */
export function middlewarePathRoom(entries: ZipEntryHeader[]): { room: number; entry: ZipEntryHeader } | undefined {
  let longest: ZipEntryHeader | undefined;
  let longestLength = 0;
  for (const entry of entries) {
    const length = goClean(entry.name).length;
    if (length > longestLength) [longest, longestLength] = [entry, length];
  }
  const room = PATH_MAX - 1 - "/bundles/".length - 32 - 1 - longestLength;
  return longest && room >= DEFAULT_MIDDLEWARE_PATH.length && room < 256 ? { room, entry: longest } : undefined;
}

/**
 * Plans the unpack. `openFailures` holds the entries whose local header or compression method
 * Go's reader refuses when the gateway opens them (after the name checks, before the file is created).
 */
export function planUnpack(entries: ZipEntryHeader[], openFailures: Map<number, ZipReadError>, directory: BundleDirectory): UnpackPlan {
  const tree = new MemoryTree();
  const intended = new MemoryTree();
  const failures: UnpackFailure[] = [];
  const writes = new Map<string, ZipEntryHeader[]>();
  const copied: ZipEntryHeader[] = [];
  for (const entry of entries) {
    const fail = (problem: Omit<UnpackFailure, "entry">) => failures.push({ entry, ...problem });
    const problem = nameProblem(entry, directory);
    if (problem) {
      fail(problem);
      continue;
    }
    const path = goClean(entry.name);
    if (entry.isDirectory) {
      const mkdirProblem = tree.mkdir(path, entry);
      if (mkdirProblem) fail(mkdirProblem);
      intended.placeDirectory(path);
      continue;
    }
    const openFailure = openFailures.get(entry.index);
    if (openFailure) {
      fail({ code: "zip-entry-unreadable", message: `${openFailure.message} (the gateway logs "${openFailure.goError}")` });
      continue;
    }
    copied.push(entry);
    const createProblem = tree.create(path, entry);
    if (createProblem) fail(createProblem);
    intended.place(path, entry);
    writes.set(path, [...(writes.get(path) ?? []), entry]);
  }
  const duplicates = new Map([...writes].filter(([, list]) => list.length > 1));
  return { failures, tree, intended, duplicates, copied };
}

export type ListedFile =
  | { ok: true; path: string; entry: ZipEntryHeader }
  | { ok: false; code: "file-list-outside" | "file-list-missing" | "file-list-directory"; message: string };

/**
 * What the gateway reads for a file_list entry: `filepath.Join(bundleDir, listed)`. Join cleans the
 * path and ignores a leading "/", so "/a.py" is the bundle's a.py; ".." can leave the bundle.
 */
export function resolveListed(tree: BundleTree, listed: string, index: number): ListedFile {
  const label = `file_list[${index}] ${JSON.stringify(listed)}`;
  const path = goClean(textToBinary(listed).replace(/^\/+/, ""));
  if (path === ".." || path.startsWith("../")) {
    return { ok: false, code: "file-list-outside", message: `${label} points outside the bundle directory; the gateway reads it from there, and a fresh bundle directory has no such file` };
  }
  const node = path.includes("\0") ? undefined : tree.lookup(path);
  if (!node) {
    // A Windows zip tool writes "lib\util.py", and people mistype case: say which entry was meant.
    const near = tree.files().find((f) => f.path.replace(/\\/g, "/").toLowerCase() === path.toLowerCase());
    const hint = near ? `; the zip has ${shown(near.path)}, which is a different name on the gateway` : "";
    return { ok: false, code: "file-list-missing", message: `${label} is not in the zip, so the gateway cannot read it to compute the checksum${hint}` };
  }
  if (node.kind === "directory") {
    return { ok: false, code: "file-list-directory", message: `${label} is a directory in the bundle; the gateway can only checksum files` };
  }
  return { ok: true, path, entry: node.entry };
}
