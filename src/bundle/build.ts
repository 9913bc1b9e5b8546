/**
 * `bundle build`: manifest.json → bundle.zip, with the checksum and signature the gateway checks.
 * Each listed file is read once: the same bytes feed MD5 (checksum), SHA-256 (signature) and the
 * deflate stream, so the bundle always matches its checksum even if a file changes meanwhile.
 */
import { createHash, createSign, type KeyObject } from "node:crypto";
import { open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, ioError } from "../errors.js";
import { openOutput, resolveOutput, STANDARD_OUTPUT, type OutputDestination, type OutputFile } from "../fs/atomic-file.js";
import { createParentFolders, removeCreatedFolders } from "../fs/parent-folders.js";
import { LineIndex, toValue, type JsonNode } from "../json/parse.js";
import { readJsonFile } from "../json/read-file.js";
import { keyFingerprint, loadPrivateKey } from "./keys.js";
import {
  type BundleManifest,
  checkMiddleware,
  describeMismatch,
  decodeManifest,
  MANIFEST_SIZE_LIMIT,
  manifestOnlySignatureWarning,
} from "./manifest.js";
import type { Problem } from "../problem.js";
import { ancestorDirectories, goClean, MANIFEST_NAME, unpackRefusal } from "./names.js";
import { DEFAULT_ZIP_LIMITS, RATIO_CHECK_MIN_SIZE } from "./zip-reader.js";
import { PIECE_SIZE, writeZip, type WrittenEntry, type ZipEntry } from "./zip-writer.js";

export interface BuildOptions {
  /** Path to manifest.json; file_list entries are resolved relative to its directory. */
  manifest: string;
  /** Where to write the bundle: a file, a device or FIFO (written in place), or `-` for standard output. */
  output: string;
  /** A PEM private key path or a loaded key. Without one the bundle is unsigned. */
  key?: string | KeyObject;
  /** Replace an existing output that is not a zip. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  /** Asked for an encrypted key's passphrase when TYK_TS_KEY_PASSPHRASE is not set. */
  askPassphrase?: () => Promise<string>;
}

export interface BuildProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface BuiltFile {
  /** The name as written in file_list. */
  listed: string;
  /** The zip entry name. */
  entry: string;
  size: number;
}

export interface BuildResult {
  manifest: string;
  /** The output as given, made absolute (`-` stays `-`). */
  output: string;
  /** Size of the written zip in bytes. */
  size: number;
  files: BuiltFile[];
  /** Total bytes of the listed files (the checksummed data). */
  dataBytes: number;
  checksum: string;
  signed: boolean;
  signature: string;
  keyFingerprint?: string;
  warnings: Problem[];
  /** The top-most folder created for the output, when its folder did not exist. */
  createdFolder?: string;
}

interface ManifestInput {
  root: JsonNode;
  manifest: BundleManifest;
  text: string;
}

/** Reads and checks a manifest as the gateway's builder would, with positions in every message. */
export async function readManifestForBuild(manifestPath: string): Promise<ManifestInput & { warnings: Problem[] }> {
  const { text, root } = await readJsonFile(manifestPath, "manifest-syntax");
  // The bundled copy grows by the checksum and signature; stay within what verify reads.
  if (Buffer.byteLength(text) > MANIFEST_SIZE_LIMIT - 4096) {
    throw new InputError("manifest-too-large", `${manifestPath} is larger than ${MANIFEST_SIZE_LIMIT / 1024 / 1024} MiB; keep large data in listed files, not in the manifest`);
  }
  if (root.type !== "object") throw new InputError("manifest-shape", `${manifestPath}: the manifest must be a JSON object, found ${root.type}`);
  const duplicate = findDuplicateKey(root);
  if (duplicate) {
    const pos = new LineIndex(text).position(duplicate.offset);
    throw new InputError(
      "manifest-duplicate-key",
      `${manifestPath}:${pos.line}:${pos.column}: key "${duplicate.key}" appears twice in the same object; the gateway would merge both, which is rarely what was meant`,
      { hint: "keep one of them" },
    );
  }
  const { manifest, mismatches } = decodeManifest(root);
  if (mismatches.length > 0) {
    throw new InputError(
      "manifest-type",
      `${manifestPath}: the gateway cannot decode this manifest:\n${mismatches.map((m) => `  - ${describeMismatch(m, text)}`).join("\n")}`,
    );
  }
  const problems = checkMiddleware(manifest);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) throw new InputError(errors[0]!.code, `${manifestPath}: ${errors.map((p) => p.message).join("; ")}`);
  return { root, manifest, text, warnings: problems.filter((p) => p.severity !== "error") };
}

function findDuplicateKey(node: JsonNode): { key: string; offset: number } | undefined {
  if (node.type === "object") {
    const seen = new Set<string>();
    for (const m of node.members) {
      if (seen.has(m.key)) return { key: m.key, offset: m.keyOffset };
      seen.add(m.key);
      const inner = findDuplicateKey(m.value);
      if (inner) return inner;
    }
  } else if (node.type === "array") {
    for (const item of node.items) {
      const inner = findDuplicateKey(item);
      if (inner) return inner;
    }
  }
  return undefined;
}

interface ResolvedFile extends BuiltFile {
  absolute: string;
}

/** Resolves file_list against the manifest's directory; collects every refusal before failing. */
export async function resolveFileList(manifestPath: string, fileList: string[]): Promise<ResolvedFile[]> {
  const baseDir = path.dirname(path.resolve(manifestPath));
  let realBase: string;
  try {
    realBase = await realpath(baseDir);
  } catch (err) {
    throw ioError(err, baseDir);
  }
  const errors: string[] = [];
  const seen = new Map<string, number>();
  const files: ResolvedFile[] = [];
  for (const [i, listed] of fileList.entries()) {
    const label = `file_list[${i}] "${listed}"`;
    const refuse = (why: string) => errors.push(`${label} ${why}`);
    if (listed === "" || listed === ".") {
      refuse("is empty");
      continue;
    }
    if (listed.includes("\\")) {
      refuse('contains a backslash; zip entry names use "/" (write it as "' + listed.replace(/\\/g, "/") + '")');
      continue;
    }
    if (listed.includes("\0")) {
      refuse("contains a NUL byte");
      continue;
    }
    if (path.isAbsolute(listed)) {
      refuse("is an absolute path; list files relative to the manifest's directory");
      continue;
    }
    const refusal = unpackRefusal(listed);
    if (refusal) {
      refuse(`${refusal}; the gateway would refuse to unpack it`);
      continue;
    }
    const entry = goClean(listed);
    if (entry === MANIFEST_NAME) {
      refuse("is the manifest itself; the gateway replaces it with the bundled manifest, so the checksum could never match");
      continue;
    }
    const first = seen.get(entry);
    if (first !== undefined) {
      refuse(`is listed twice (also file_list[${first}]); list each file once`);
      continue;
    }
    seen.set(entry, i);
    const absolute = path.join(baseDir, entry);
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      refuse(code === "ENOENT" ? `does not exist (looked in ${baseDir})` : `cannot be read (${code})`);
      continue;
    }
    const rel = path.relative(realBase, real);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
      refuse(`resolves through a symlink to ${real}, outside the manifest's directory`);
      continue;
    }
    const info = await stat(real);
    if (info.isDirectory()) {
      refuse("is a directory; list the files inside it instead");
      continue;
    }
    if (!info.isFile()) {
      refuse("is not a regular file");
      continue;
    }
    files.push({ listed, entry, size: info.size, absolute: real });
  }
  if (errors.length > 0) {
    throw new InputError("file-list", `${manifestPath}: ${errors.length === 1 ? errors[0] : `\n${errors.map((e) => `  - ${e}`).join("\n")}`}`, {
      hint: "file_list entries are paths relative to the directory holding the manifest",
    });
  }
  return files;
}

/** Zip entries: file_list order, each folder's entry (parents first) before its first file, manifest last. */
function planEntries(files: ResolvedFile[], read: (file: ResolvedFile) => AsyncIterable<Buffer>, manifestEntry: ZipEntry): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const dirs = new Set<string>();
  for (const file of files) {
    for (const dir of ancestorDirectories(file.entry)) {
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      entries.push({ kind: "directory", name: dir });
    }
    entries.push({ kind: "file", name: file.entry, read: () => read(file) });
  }
  entries.push(manifestEntry);
  return entries;
}

/**
 * `bundle verify` (and so `serve --verify`) treats an entry over 1 MiB that inflates more than 100:1
 * as a possible zip bomb. Say so at build time rather than at deploy time.
 */
function compressionWarnings(written: WrittenEntry[]): Problem[] {
  return written
    .filter((e) => e.size > RATIO_CHECK_MIN_SIZE && e.size / Math.max(e.compressedSize, 1) > DEFAULT_ZIP_LIMITS.maxRatio)
    .map((e) => ({
      severity: "warning",
      code: "compression-ratio",
      message: `"${e.name}" compresses ${Math.round(e.size / Math.max(e.compressedSize, 1))}:1, beyond the ${DEFAULT_ZIP_LIMITS.maxRatio}:1 that \`bundle verify\` checks by default (the gateway itself has no limit)`,
    }));
}

/** The bundled manifest: the user's manifest with every field kept, checksum and signature set. */
export function bundledManifestJson(root: JsonNode, checksum: string, signature: string): string {
  const value = toValue(root) as Record<string, unknown>;
  // Go matches keys case-insensitively, so a stray "Checksum" would compete with ours.
  for (const key of Object.keys(value)) if (/^(checksum|signature)$/i.test(key)) delete value[key];
  value.checksum = checksum;
  value.signature = signature;
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Refuse to replace a file that is not a zip unless forced: `-o middleware.py` is a typo, not a wish
 * to lose the source. Replacing an earlier bundle is the normal edit-build loop; a device or a pipe
 * is written to, not replaced.
 */
async function assertReplaceableZip(given: string, destination: OutputDestination, force: boolean): Promise<void> {
  if (destination.kind !== "file" || !destination.existing || destination.existing.size === 0 || force) return;
  const head = Buffer.alloc(4);
  try {
    const fh = await open(destination.path, "r");
    await fh.read(head, 0, 4, 0).finally(() => fh.close());
  } catch (err) {
    throw ioError(err, given);
  }
  if (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50) return;
  throw new InputError("output-exists", `output ${given} exists and is not a zip file; refusing to overwrite it`);
}

export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  const input = await readManifestForBuild(options.manifest);
  const files = await resolveFileList(options.manifest, input.manifest.file_list);
  const output = options.output === STANDARD_OUTPUT ? STANDARD_OUTPUT : path.resolve(options.output);
  const destination = await resolveOutput(options.output);
  // Through symlinks too: a link to middleware.py is middleware.py.
  const inputs = new Set([...files.map((f) => f.absolute), await realpath(options.manifest)]);
  if (destination.kind === "file" && inputs.has(destination.path)) {
    throw new InputError("output-is-input", `output ${options.output} is one of the bundle's input files`);
  }
  const key = typeof options.key === "string" ? await loadPrivateKey(options.key, { askPassphrase: options.askPassphrase }) : options.key;
  const warnings = [...input.warnings];
  if (key && files.length === 0) warnings.push(manifestOnlySignatureWarning());

  await assertReplaceableZip(options.output, destination, options.force ?? false);
  const md5 = createHash("md5");
  const signer = key ? createSign("sha256") : undefined;
  const progress: BuildProgress = { bytesDone: 0, bytesTotal: files.reduce((n, f) => n + f.size, 0), filesDone: 0, filesTotal: files.length };
  let checksum = "";
  let signature = "";

  /** Reads a listed file once, in pieces that feed the hashes and the zip alike. */
  async function* readHashed(file: ResolvedFile): AsyncIterable<Buffer> {
    let handle;
    try {
      handle = await open(file.absolute, "r");
    } catch (err) {
      throw ioError(err, file.absolute);
    }
    let read = 0;
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(PIECE_SIZE);
        const { bytesRead } = await handle.read(buf, 0, PIECE_SIZE, null);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        md5.update(chunk);
        signer?.update(chunk);
        read += bytesRead;
        progress.bytesDone += bytesRead;
        options.onProgress?.(progress);
        yield chunk;
      }
    } finally {
      await handle.close();
    }
    if (read !== file.size) {
      throw new InputError("file-changed", `${file.absolute} changed size while it was being bundled (${file.size} → ${read} bytes); no bundle was written`, {
        hint: "run the build again once the files are stable",
      });
    }
    progress.filesDone++;
  }
  const manifestEntry: ZipEntry = {
    kind: "file",
    name: MANIFEST_NAME,
    // Read only after every listed file has streamed through the hashes.
    read: async function* () {
      checksum = md5.digest("hex");
      signature = signer && key ? signer.sign(key, "base64") : "";
      yield Buffer.from(bundledManifestJson(input.root, checksum, signature));
    },
  };

  // A file in a folder that does not exist yet: make the folder (and take it away if the build fails).
  const createdFolder = destination.kind === "file" ? await createParentFolders(destination.path) : undefined;
  let out: OutputFile | undefined;
  let size: number;
  try {
    out = await openOutput(options.output, { binary: true }, destination);
    const written = await writeZip(planEntries(files, readHashed, manifestEntry), out.stream, options.signal);
    await out.commit();
    size = written.size;
    warnings.push(...compressionWarnings(written.entries));
  } catch (err) {
    await out?.abort();
    if (destination.kind === "file") await removeCreatedFolders(destination.path, createdFolder);
    if (options.signal?.aborted) throw new InputError("aborted", "build interrupted; no bundle was written");
    if (err instanceof InputError) throw err;
    throw ioError(err, options.output, "write");
  }
  return {
    manifest: path.resolve(options.manifest),
    output,
    size,
    files: files.map(({ listed, entry, size }) => ({ listed, entry, size })),
    dataBytes: progress.bytesTotal,
    checksum,
    signed: signature !== "",
    signature,
    keyFingerprint: key ? keyFingerprint(key) : undefined,
    warnings,
    ...(createdFolder !== undefined && { createdFolder }),
  };
}

