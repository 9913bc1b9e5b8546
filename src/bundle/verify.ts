/**
 * `bundle verify`: the gateway's verdict on a freshly downloaded bundle (TYK-FACTS "How the gateway
 * loads a bundle", steps 4–6), predicted without unpacking anything, plus what else is wrong with it.
 *
 * The first problem of a refused bundle is the gateway's reason (severity error); every other finding
 * is a warning or a note, including reasons the gateway would give once the first one is fixed.
 * Data is streamed: each entry is inflated once, and the checksum is computed on the way when the zip
 * holds the listed files in file_list order (as bundles built by tyk-ts or the gateway do).
 */
import { createVerify, type KeyObject } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, ioError } from "../errors.js";
import { JsonSyntaxError, parseJson } from "../json/parse.js";
import { type BundleTree, type BundleDirectory, bundleDirectory, middlewarePathRoom, planUnpack, resolveListed, type ListedFile, type UnpackFailure, type UnpackPlan } from "./gateway-unpack.js";
import { builtWithGo124, GO_RSA_MIN_BITS, GO_RSA_MIN_RELEASES, goRsaKeySizeError } from "./gateway-versions.js";
import { keyFingerprint, loadPublicKey } from "./keys.js";
import { analyseGoPlugins, bundleFiles, type GoPluginAnalysis, type GoPluginOptions } from "./go-plugins.js";
import {
  type BundleManifest,
  checkMiddleware,
  decodeManifest,
  describeMismatch,
  MANIFEST_SIZE_LIMIT,
  manifestOnlySignatureWarning,
} from "./manifest.js";
import type { Problem } from "../problem.js";
import { type Md5Digest, md5Digest } from "./md5-digest.js";
import { goClean, MANIFEST_NAME } from "./names.js";
import {
  binaryToText,
  checkZipLimits,
  DEFAULT_ZIP_LIMITS,
  ZipArchive,
  type ZipEntryHeader,
  ZipLimitError,
  type ZipLimits,
  ZipReadError,
} from "./zip-reader.js";

export type { ZipLimits } from "./zip-reader.js";

/** tyk-ts's own safety limits; the gateway has none of them. */
export interface VerifyLimits extends ZipLimits {
  /** Most bytes of manifest.json read to find its first JSON value. */
  maxManifestSize: number;
}

export const DEFAULT_VERIFY_LIMITS: VerifyLimits = { ...DEFAULT_ZIP_LIMITS, maxManifestSize: MANIFEST_SIZE_LIMIT };

/** Which of tyk-ts's limits stopped a check, and its value (the command layer names the flag that raises it). */
export interface LimitHit {
  code: "entries" | "size" | "ratio" | "manifest";
  value: number;
}

/**
 * accepted / refused: the gateway's verdict. unchecked: a tyk-ts safety limit stopped the check
 * before the verdict was known (the gateway has no such limit); it counts as a failure.
 */
export type Verdict = "accepted" | "refused" | "unchecked";

export interface VerifyOptions {
  /** The gateway's public_key_path: a PEM path or a loaded key. Without one, signatures are not checked. */
  publicKey?: string | KeyObject;
  limits?: Partial<VerifyLimits>;
  /** The gateway's version (e.g. "5.8.2"), for what differs between versions; without it, verify names the versions. */
  gatewayVersion?: string;
  /** The gateway's middleware_path, under which it unpacks bundles; default Go's default, "middleware". */
  middlewarePath?: string;
  /** goplugin bundles: the gateway binary each `.so` is checked against (src/goplugin). */
  gateway?: string;
}

export interface BundleReport {
  file: string;
  verdict: Verdict;
  /** Whether the gateway would load this bundle on a fresh download (verdict "accepted"). */
  accepted: boolean;
  /** The manifest has a signature. */
  signed: boolean;
  /** A key was given and the gateway would have reached the signature check. */
  signatureChecked: boolean;
  /** The manifest's checksum; null when the manifest cannot be read. */
  checksum: string | null;
  /** The limit that left the bundle unchecked. */
  limit: LimitHit | null;
  problems: Problem[];
}

/** The name other modules use for a report. */
export type VerifyResult = BundleReport;

/** Everything verify learnt about a bundle; `inspect` shows more of it than the report does. */
export interface BundleAnalysis {
  report: BundleReport;
  /** Size of the zip file in bytes. */
  size: number;
  entries: ZipEntryHeader[];
  manifest?: BundleManifest;
  /** file_list, resolved against the unpacked bundle. */
  listed: ListedFile[];
  /** MD5 over file_list, when every listed file could be read. */
  computedChecksum?: string;
  /** goplugin bundles: which file each gateway loads per hook, and what those files are. */
  goPlugins?: GoPluginAnalysis;
}

/**
 * Go's encoding/json refuses more than 10,000 arrays and objects open at once ("exceeded max depth",
 * maxNestingDepth in encoding/json/scanner.go), even inside unknown fields.
 */
const GO_JSON_MAX_DEPTH = 10_000;

/** Collects the gateway's reasons in the order it would meet them, and every other finding. */
class Findings {
  private readonly refusals: Problem[] = [];
  private readonly notes: Problem[] = [];
  private limit: LimitHit | null = null;

  refuse(code: string, message: string): void {
    this.refusals.push({ severity: "error", code, message });
  }

  /** A tyk-ts limit stopped part of the check: the verdict is unknown unless the gateway refuses anyway. */
  stop(limit: LimitHit, message: string): void {
    this.limit = limit;
    this.notes.unshift({ severity: "warning", code: `limit-${limit.code}`, message: `${message}; tyk-ts stopped there, so it cannot say whether the gateway accepts the bundle (the gateway has no such limit)` });
  }

  get verdict(): Verdict {
    return this.refusals.length > 0 ? "refused" : this.limit ? "unchecked" : "accepted";
  }

  note(problem: Problem): void {
    this.notes.push(problem);
  }

  get refused(): boolean {
    return this.refusals.length > 0;
  }

  outcome(): Pick<BundleReport, "verdict" | "accepted" | "limit" | "problems"> {
    const verdict = this.verdict;
    return { verdict, accepted: verdict === "accepted", limit: verdict === "unchecked" ? this.limit : null, problems: this.problems() };
  }

  /** The first reason is the gateway's; the rest become warnings: they matter once it is fixed. */
  problems(): Problem[] {
    const [first, ...rest] = this.refusals;
    if (!first) return this.notes;
    return [first, ...rest.map((p) => ({ ...p, severity: "warning" as const, message: `also refused for: ${p.message}` })), ...this.notes];
  }
}

export async function verifyBundle(file: string, options: VerifyOptions = {}): Promise<BundleReport> {
  const key = typeof options.publicKey === "string" ? await loadPublicKey(options.publicKey) : options.publicKey;
  const { limits, gatewayVersion, middlewarePath, gateway } = options;
  return (await analyseBundle(file, { key, limits: { ...DEFAULT_VERIFY_LIMITS, ...limits }, gatewayVersion, middlewarePath, gateway })).report;
}

/** Verifies each path; a directory stands for the `.zip` files directly inside it. */
export async function verifyBundles(paths: string[], options: VerifyOptions = {}): Promise<BundleReport[]> {
  const files = await expandBundlePaths(paths);
  const key = typeof options.publicKey === "string" ? await loadPublicKey(options.publicKey) : options.publicKey;
  const reports: BundleReport[] = [];
  for (const file of files) reports.push(await verifyBundle(file, { ...options, publicKey: key }));
  return reports;
}

export async function expandBundlePaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (err) {
      throw ioError(err, p);
    }
    if (!info.isDirectory()) {
      files.push(p);
      continue;
    }
    const zips = (await readdir(p, { withFileTypes: true }))
      .filter((d) => !d.isDirectory() && /\.zip$/i.test(d.name))
      .map((d) => path.join(p, d.name))
      .sort();
    if (zips.length === 0) throw new InputError("no-bundles", `${p} is a directory without .zip files`, { hint: "pass bundle files, or a directory that holds them" });
    files.push(...zips);
  }
  return files;
}

/** What verify needs from a gateway config (tyk.conf). */
export interface GatewaySettings {
  /** public_key_path resolved relative to the config file; undefined when unset (no signature checks). */
  publicKeyPath?: string;
  /** middleware_path as written (relative paths are relative to the gateway's working directory); undefined when unset. */
  middlewarePath?: string;
}

/**
 * public_key_path and middleware_path of a gateway config, read as Go reads them (tyk.conf only:
 * src/config/load.ts `gatewaySettings` adds the environment on top).
 */
export async function gatewaySettingsFromConfig(configPath: string): Promise<GatewaySettings> {
  const { gatewaySettings } = await import("../config/load.js");
  const { publicKeyPath, middlewarePath } = await gatewaySettings({ configFile: configPath, processEnv: [] });
  return { publicKeyPath, middlewarePath };
}

export interface AnalyseOptions {
  key?: KeyObject;
  limits: VerifyLimits;
  gatewayVersion?: string;
  middlewarePath?: string;
  gateway?: string;
}

export async function analyseBundle(file: string, options: AnalyseOptions): Promise<BundleAnalysis> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw ioError(err, file);
  }
  if (info.isDirectory()) throw new InputError("bundle-is-directory", `${file} is a directory, not a bundle`, { hint: "pass the .zip file" });
  const findings = new Findings();
  const early = (entries: ZipEntryHeader[] = []): BundleAnalysis => ({
    report: { file, ...findings.outcome(), signed: false, signatureChecked: false, checksum: null },
    size: info.size,
    entries,
    listed: [],
  });
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(file, options.limits);
  } catch (err) {
    if (err instanceof ZipReadError) {
      findings.refuse("zip-invalid", `${err.message}; the gateway cannot open it ("${err.goError}")`);
      return early();
    }
    if (err instanceof ZipLimitError) {
      findings.stop(zipLimitHit(err, options.limits), err.message);
      return early();
    }
    throw ioError(err, file);
  }
  const directory = bundleDirectory(options.middlewarePath);
  try {
    try {
      checkZipLimits(archive.entries, options.limits);
    } catch (err) {
      if (!(err instanceof ZipLimitError)) throw err;
      // Nothing is inflated, but names and headers are read: the gateway may refuse the bundle anyway.
      findings.stop(zipLimitHit(err, options.limits), err.message);
      const plan = planUnpack(archive.entries, await openFailures(archive), directory);
      reportUnpackFailures(findings, plan.failures);
      return early(archive.entries);
    }
    // Made before the header checks and the manifest, so that a worker's start-up overlaps them.
    const md5 = md5Digest(fileBytes(archive.entries));
    try {
      return await analyseArchive(file, archive, options, directory, findings, md5);
    } finally {
      await md5.close();
    }
  } finally {
    await archive.close();
  }
}

/** What the entries unpack to: about what the checksum covers. */
function fileBytes(entries: ZipEntryHeader[]): number {
  return entries.reduce((n, e) => (e.isDirectory || e.name === MANIFEST_NAME ? n : n + e.uncompressedSize), 0);
}

function zipLimitHit(err: ZipLimitError, limits: ZipLimits): LimitHit {
  const value = { entries: limits.maxEntries, size: limits.maxTotalSize, ratio: limits.maxRatio }[err.limit];
  return { code: err.limit, value };
}

/** The entries whose local header or compression method Go's File.Open refuses. */
async function openFailures(archive: ZipArchive): Promise<Map<number, ZipReadError>> {
  const failures = new Map<number, ZipReadError>();
  for (const entry of archive.entries) {
    if (entry.isDirectory) continue;
    try {
      await archive.openCheck(entry);
    } catch (err) {
      if (!(err instanceof ZipReadError)) throw err;
      failures.set(entry.index, err);
    }
  }
  return failures;
}

async function analyseArchive(
  file: string,
  archive: ZipArchive,
  options: AnalyseOptions,
  directory: BundleDirectory,
  findings: Findings,
  md5: Md5Digest,
): Promise<BundleAnalysis> {
  const { entries } = archive;
  const { key } = options;
  const plan = planUnpack(entries, await openFailures(archive), directory);
  // After a failed unpack, keep checking the bundle as its author meant it.
  const tree = plan.failures.length === 0 ? plan.tree : plan.intended;

  const { manifest, refusal: manifestRefusal, limit: manifestLimit } = await readBundleManifest(archive, tree, options.limits.maxManifestSize);
  const listed = manifest ? manifest.file_list.map((f, i) => resolveListed(tree, f, i)) : [];
  const signed = (manifest?.signature ?? "") !== "";
  const verifier = key && signed ? createVerify("sha256") : undefined;
  const data = await streamEntries(archive, plan, listed, verifier, md5);

  // The gateway's steps, in its order.
  reportUnpackFailures(findings, [...plan.failures, ...data.failures].sort((a, b) => a.entry.index - b.entry.index));
  if (manifestRefusal) findings.refuse(manifestRefusal.code, manifestRefusal.message);
  if (manifestLimit) findings.stop(manifestLimit.hit, manifestLimit.message);
  let signatureChecked = false;
  if (manifest) {
    if (key && !signed) {
      findings.refuse(
        "bundle-not-signed",
        'manifest.json has no signature, and with a public key set the gateway refuses unsigned bundles ("Bundle isn\'t signed"); sign it with the private key',
      );
    }
    const unreadable = listed.filter((l): l is Extract<ListedFile, { ok: false }> => !l.ok);
    for (const l of unreadable) findings.refuse(l.code, l.message);
    if (data.checksum !== undefined && data.checksum !== manifest.checksum) {
      findings.refuse("checksum-mismatch", checksumMismatchMessage(manifest, data.checksum));
    }
    if (key && verifier) {
      signatureChecked = !findings.refused;
      // Checked even after an earlier refusal, to say whether it would fail next.
      const problem = data.checksum === undefined ? undefined : checkSignature(manifest.signature, verifier, key, options.gatewayVersion);
      if (problem?.severity === "error") findings.refuse(problem.code, problem.message);
      else if (problem) findings.note(problem);
    }
    noteFindings(findings, { manifest, tree, listed, key, signed });
  }
  noteUnpackFindings(findings, plan, entries, directory);
  const goPlugins =
    manifest?.custom_middleware.driver === "goplugin"
      ? await analyseGoPlugins(manifest, bundleFiles(archive, tree), { gatewayVersion: options.gatewayVersion, gateway: options.gateway })
      : undefined;
  for (const p of goPlugins?.problems ?? []) findings.note(p);
  return {
    report: { file, ...findings.outcome(), signed, signatureChecked, checksum: manifest ? manifest.checksum : null },
    size: archive.size,
    entries,
    manifest,
    listed,
    computedChecksum: data.checksum,
    ...(goPlugins && { goPlugins }),
  };
}

function reportUnpackFailures(findings: Findings, failures: UnpackFailure[]): void {
  const [first, ...rest] = failures;
  if (!first) return;
  findings.refuse(first.code, first.message);
  // Many entries often fail the same way (every nested file of a zip without folder entries).
  const byCode = new Map<string, UnpackFailure[]>();
  for (const f of rest) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  const names = (group: UnpackFailure[]) =>
    `${group.slice(0, 5).map((f) => JSON.stringify(f.entry.displayName)).join(", ")}${group.length > 5 ? `, … (${group.length} in all)` : ""}`;
  for (const [code, group] of byCode) {
    if (code === first.code) {
      findings.refuse(code, `${group.length === 1 ? "1 more entry fails" : `${group.length} more entries fail`} the same way: ${names(group)}`);
    } else {
      const [one, ...more] = group;
      findings.refuse(code, more.length === 0 ? one!.message : `${one!.message}; and the same for ${names(more)}`);
    }
  }
}

interface ManifestRead {
  manifest?: BundleManifest;
  refusal?: { code: string; message: string };
  limit?: { hit: LimitHit; message: string };
}

/** A syntax error this close to the end of a cut-off text may be the cut itself (a literal, number or escape split in two). */
const CUT_TOKEN_LENGTH = 8;

/** manifest.json at the bundle root, decoded with Go's rules, reading at most `readLimit` bytes of it. */
async function readBundleManifest(archive: ZipArchive, tree: BundleTree, readLimit: number): Promise<ManifestRead> {
  const refuse = (code: string, message: string): ManifestRead => ({ refusal: { code, message } });
  const node = tree.lookup(MANIFEST_NAME);
  if (!node) {
    const files = archive.entries.filter((e) => !e.isDirectory).map((e) => ({ entry: e, path: goClean(e.name) }));
    const nested = files.find((f) => f.path.endsWith(`/${MANIFEST_NAME}`));
    const otherCase = files.find((f) => f.path.toLowerCase() === MANIFEST_NAME);
    const hint =
      otherCase ? `; it holds ${JSON.stringify(otherCase.entry.displayName)}, but names are case-sensitive on the gateway: rename it to manifest.json`
      : nested ? `; it holds ${JSON.stringify(nested.entry.displayName)}: zip the contents of the plugin folder, not the folder itself`
      : "";
    return refuse("manifest-missing", `the zip has no manifest.json at its root, so the gateway cannot load it${hint}`);
  }
  if (node.kind === "directory") return refuse("manifest-not-a-file", "manifest.json is a directory in the zip; the gateway needs it to be the manifest file");
  const bytes = await readPrefix(archive, node.entry, readLimit);
  // Unreadable data is an unpack failure, reported with the other entries.
  if (!bytes) return {};
  const truncated = node.entry.uncompressedSize > bytes.length;
  // Go reads bytes, not text: keep a byte order mark (which Go refuses) and replace invalid UTF-8.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  let root;
  try {
    root = parseJson(text, { firstValueOnly: true, maxDepth: GO_JSON_MAX_DEPTH });
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    if (truncated && err.offset + CUT_TOKEN_LENGTH >= text.length) {
      return { limit: { hit: { code: "manifest", value: readLimit }, message: `manifest.json's first JSON value is larger than the ${readLimit} bytes tyk-ts reads of it` } };
    }
    const goError = err.offset >= text.length ? "unexpected EOF" : err.reason.startsWith("nesting deeper") ? "exceeded max depth" : undefined;
    return refuse("manifest-invalid-json", `manifest.json is not valid JSON (${err.message}); the gateway cannot decode it${goError ? ` ("${goError}")` : ""}`);
  }
  const { manifest, mismatches } = decodeManifest(root);
  if (mismatches.length > 0) {
    const list = mismatches.map((m) => describeMismatch(m, text)).join("; ");
    return refuse("manifest-wrong-type", `manifest.json has values of the wrong type, so the gateway cannot decode it: ${list}`);
  }
  return { manifest };
}

/** Up to `limit` bytes of an entry's data; undefined when the data is damaged. */
async function readPrefix(archive: ZipArchive, entry: ZipEntryHeader, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of await archive.openEntry(entry)) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit) break;
    }
  } catch (err) {
    if (err instanceof ZipReadError) return undefined;
    throw err;
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

interface StreamedData {
  failures: UnpackFailure[];
  /** MD5 over file_list, when every listed file was read. */
  checksum?: string;
}

/**
 * Reads every file entry the gateway would copy out (checking its data as Go does) and hashes the
 * listed files in file_list order: during the same pass while the zip holds them in that order, by
 * reading entries again for the rest (files listed out of order or twice).
 */
async function streamEntries(
  archive: ZipArchive,
  plan: UnpackPlan,
  listed: ListedFile[],
  verifier: ReturnType<typeof createVerify> | undefined,
  md5: Md5Digest,
): Promise<StreamedData> {
  const order = listed.every((l) => l.ok) ? listed.map((l) => (l as Extract<ListedFile, { ok: true }>).entry) : undefined;
  let next = 0;
  let hashable = order !== undefined;
  const failures: UnpackFailure[] = [];
  const hashChunk = (chunk: Buffer) => {
    verifier?.update(chunk);
    return md5.update(chunk);
  };
  const read = async (entry: ZipEntryHeader, hash: boolean): Promise<ZipReadError | undefined> => {
    try {
      await archive.readEntry(entry, hash ? hashChunk : ignore);
      return undefined;
    } catch (err) {
      if (err instanceof ZipReadError) return err;
      throw err;
    }
  };
  for (const entry of plan.copied) {
    const hash = hashable && order?.[next] === entry;
    const failure = await read(entry, hash);
    if (failure) {
      const encrypted = entry.flags & 0x1 ? " (the entry is encrypted: the gateway cannot read password-protected zips)" : "";
      failures.push({ entry, code: "zip-entry-corrupt", message: `${failure.message}${encrypted}; the gateway's unpack fails ("${failure.goError}")` });
      if (hash) hashable = false;
    } else if (hash) {
      next++;
    }
  }
  while (hashable && order && next < order.length) {
    if (await read(order[next]!, true)) hashable = false;
    next++;
  }
  return { failures, checksum: hashable ? await md5.digest() : undefined };
}

function ignore(): void {}

function checksumMismatchMessage(manifest: BundleManifest, computed: string): string {
  const declared = manifest.checksum;
  let why: string;
  if (declared === "") why = "manifest.json has no checksum";
  else if (declared.toLowerCase() === computed) why = "the checksum is written in upper case; the gateway compares it as text, so it must be lower-case hex";
  else if (manifest.file_list.some((f) => goClean(f) === MANIFEST_NAME)) why = "file_list includes manifest.json, whose content holds the checksum itself, so it can never match; remove it from file_list";
  else why = "a listed file was changed after the bundle was built, or the checksum was edited";
  return `checksum mismatch: manifest.json says ${JSON.stringify(declared)}, the files in file_list hash to "${computed}": ${why} (the gateway logs "invalid checksum")`;
}

/**
 * Go's base64.StdEncoding.DecodeString: standard alphabet, padding required, "\r" and "\n" ignored
 * anywhere, anything else an error. Returns the bytes or why they cannot be decoded.
 */
export function decodeGoBase64(text: string): Buffer | string {
  const compact = text.replace(/[\r\n]/g, "");
  const bad = /[^A-Za-z0-9+/=]/.exec(compact);
  if (bad) {
    const hint = /[-_]/.test(bad[0]) ? " (URL-safe base64; the gateway expects the standard alphabet with + and /)" : "";
    return `it contains ${JSON.stringify(bad[0])}, which is not in the standard base64 alphabet${hint}`;
  }
  if (compact.length % 4 !== 0) return `its length (${compact.length}) is not a multiple of 4: it is truncated or lacks its "=" padding`;
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return 'it has "=" padding in the wrong place';
  return Buffer.from(compact, "base64");
}

/**
 * Go's rsa.VerifyPKCS1v15 over SHA-256 of the data, as goverify calls it. A key under 1024 bits is
 * refused by gateways built with Go 1.24 (see gateway-versions.ts): an error for such a
 * `gatewayVersion`, a warning naming the versions when it is not known.
 */
function checkSignature(signature: string, verifier: ReturnType<typeof createVerify>, key: KeyObject, gatewayVersion: string | undefined): Problem | undefined {
  const decoded = decodeGoBase64(signature);
  if (typeof decoded === "string") {
    return { severity: "error", code: "signature-invalid-base64", message: `the signature is not valid base64: ${decoded}; the gateway refuses the bundle` };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < GO_RSA_MIN_BITS) {
    const newGo = gatewayVersion === undefined ? undefined : builtWithGo124(gatewayVersion);
    const why = `the public key (${keyFingerprint(key)}) is ${bits} bits; gateways built with Go 1.24 or later (${GO_RSA_MIN_RELEASES}) refuse every signature made with a key under ${GO_RSA_MIN_BITS} bits ("${goRsaKeySizeError(bits)}")`;
    if (newGo) return { severity: "error", code: "signature-key-too-small", message: `${why}, and gateway ${gatewayVersion} is one of them: sign with a key of 2048 bits or more (\`tyk-ts keygen\`)` };
    const mismatch = checkSignatureBytes(decoded, verifier, key);
    if (mismatch) return mismatch;
    if (newGo === false) return undefined;
    return { severity: "warning", code: "signature-key-too-small", message: `${why}; older ones accept it. Give the gateway's version for a definite verdict, or sign with a key of 2048 bits or more (\`tyk-ts keygen\`)` };
  }
  return checkSignatureBytes(decoded, verifier, key);
}

/** The length and RSA checks of a decoded signature. */
function checkSignatureBytes(decoded: Buffer, verifier: ReturnType<typeof createVerify>, key: KeyObject): Problem | undefined {
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (decoded.length !== modulusBytes) {
    return {
      severity: "error",
      code: "signature-mismatch",
      message: `the signature is ${decoded.length} bytes, but the public key (${keyFingerprint(key)}) makes ${modulusBytes}-byte signatures: it is truncated or was made with another key ("crypto/rsa: verification error")`,
    };
  }
  if (!verifier.verify(key, decoded)) {
    return {
      severity: "error",
      code: "signature-mismatch",
      message: `the signature does not match: the bundle was signed with a key other than ${keyFingerprint(key)}, or its files changed after signing ("crypto/rsa: verification error")`,
    };
  }
  return undefined;
}

interface NoteContext {
  manifest: BundleManifest;
  tree: BundleTree;
  listed: ListedFile[];
  key?: KeyObject;
  signed: boolean;
}

/** What tyk-ts sees beyond the gateway's verdict. */
function noteFindings(findings: Findings, { manifest, tree, listed, key, signed }: NoteContext): void {
  const covered = new Set(listed.flatMap((l) => (l.ok ? [l.path] : [])));
  const uncovered = tree.files().filter((f) => f.path !== MANIFEST_NAME && !covered.has(f.path));
  if (uncovered.length > 0) {
    const names = uncovered.slice(0, 8).map((f) => JSON.stringify(binaryToText(f.path)));
    findings.note({
      severity: "warning",
      code: "not-in-file-list",
      message: `${uncovered.length === 1 ? "1 file is" : `${uncovered.length} files are`} in the zip but not in file_list: the gateway unpacks ${uncovered.length === 1 ? "it" : "them"}, but neither the checksum nor the signature covers ${uncovered.length === 1 ? "it" : "them"}: ${names.join(", ")}${uncovered.length > 8 ? ", …" : ""}`,
    });
  }
  if (signed && manifest.file_list.length === 0) findings.note(manifestOnlySignatureWarning());
  for (const p of checkMiddleware(manifest)) findings.note(p.severity === "error" ? { ...p, severity: "warning" } : p);
  if (!key && signed) {
    const decoded = decodeGoBase64(manifest.signature);
    if (typeof decoded === "string") {
      findings.note({ severity: "warning", code: "signature-invalid-base64", message: `the signature is not valid base64 (${decoded}): a gateway with public_key_path set refuses the bundle` });
    }
    findings.note({
      severity: "info",
      code: "signature-not-checked",
      message: "the signature was not checked (no public key given): a gateway without public_key_path accepts the bundle on its checksum alone",
    });
  }
  if (!key && !signed) {
    findings.note({ severity: "info", code: "unsigned", message: "the bundle is not signed: a gateway with public_key_path set refuses it" });
  }
}

/** Zip-level findings the gateway does not refuse. */
function noteUnpackFindings(findings: Findings, plan: UnpackPlan, entries: ZipEntryHeader[], directory: BundleDirectory): void {
  const tight = directory.assumed ? middlewarePathRoom(entries) : undefined;
  if (tight) {
    findings.note({
      severity: "warning",
      code: "long-entry-name",
      message: `zip entry ${JSON.stringify(tight.entry.displayName)} is so long that a gateway whose middleware_path is longer than ${tight.room} bytes cannot create it ("file name too long"); checked under the default, ${directory.shown}: give the gateway config for its real middleware_path`,
    });
  }
  for (const [name, list] of plan.duplicates) {
    findings.note({
      severity: "warning",
      code: "duplicate-entry",
      message: `${JSON.stringify(binaryToText(name))} is in the zip ${list.length} times (entries ${list.map((e) => e.index + 1).join(", ")}); the gateway keeps the last one`,
    });
  }
  for (const entry of plan.copied.filter((e) => e.name.includes("\\"))) {
    findings.note({
      severity: "warning",
      code: "backslash-name",
      message: `zip entry ${JSON.stringify(entry.displayName)} contains a backslash: on the gateway it is one file of that name, not a path with folders (the zip was probably made on Windows; use "/")`,
    });
  }
}
