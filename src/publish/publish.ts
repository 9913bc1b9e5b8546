/**
 * `bundle publish`: verified bundles into the store a fleet of gateways downloads from, under names
 * that change exactly when the content does, then the API definitions pointed at those names.
 *
 * The order is the safety: verify every bundle (nothing the gateway would refuse leaves the
 * machine) → read and plan every definition edit (a broken file stops us before any upload) →
 * upload each bundle that is not there yet, never replacing a name that holds other bytes → read
 * each bundle back from the URL the gateway will use → only then rewrite the definitions, each
 * atomically. A failure at any step leaves every definition as it was; bundles already uploaded are
 * content-addressed, so a rerun finds them and skips them.
 */
import { open, stat } from "node:fs/promises";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { EXIT_FINDINGS, InputError, TykTsError, ioError } from "../errors.js";
import { baseNameOf, contentAddressedName, sha256Hex, urlSafeName } from "../bundle/content-name.js";
import type { BundleReport, VerifyOptions } from "../bundle/verify.js";
import { applyDefinitionUpdates, describePlan, planDefinitionUpdates, type DefinitionUpdate } from "./definitions.js";
import { httpRequest, type HttpReply } from "./http-client.js";
import { interrupted, networkCode, storeError, type BundleStore, type StoreOptions } from "./store.js";
import { openStore } from "./stores.js";
import { describeTarget, gatewayBundleUrl, parseTarget, storedLocation } from "./target.js";

export interface PublishOptions extends StoreOptions {
  /** Bundle zips, or folders whose .zip files to publish. */
  bundles: string[];
  /** `s3://bucket/prefix/`, an http(s) URL that accepts PUT, or a folder. */
  to: string;
  /** The gateway's `bundle_base_url`: bundles are read back from here before any definition changes.
   *  Required for S3; defaults to the target URL for HTTP; a folder without one is read back from disk. */
  publicUrl?: string;
  /** API definition files whose bundle references to point at the published names. */
  update?: string[];
  /** Verify, name and plan, but contact no store and write nothing. */
  dryRun?: boolean;
  /** The gateway's public_key_path, as for `bundle verify`. */
  publicKey?: string | KeyObject;
  /** The gateway's middleware_path, as for `bundle verify`. */
  middlewarePath?: string;
  limits?: VerifyOptions["limits"];
}

export interface PublishedBundle {
  file: string;
  /** What references are matched on: the file name without `.zip` (and without an earlier content hash). */
  base: string;
  /** `<base>-<first 12 hex of sha256>.zip`: the value for the API definitions. */
  name: string;
  sha256: string;
  size: number;
  /** Where it is stored: s3://…, an http(s) URL or a file path. */
  location: string;
  /** The URL the gateway downloads it from; absent for a folder without a public URL. */
  url?: string;
  /** uploaded; skipped: the name already held these bytes; planned: a dry run. */
  upload: "uploaded" | "skipped" | "planned";
  /** The write asked the store not to replace an existing object (If-None-Match: *). */
  conditional?: boolean;
  /** Parts of a multipart upload. */
  parts?: number;
  /** The bytes read back from `url` (or the file) equal the bundle's. */
  readBack: boolean;
}

export interface PublishResult {
  dryRun: boolean;
  target: string;
  publicUrl?: string;
  bundles: PublishedBundle[];
  definitions: DefinitionUpdate[];
}

/** Some bundles are not accepted by verify (the gateway would refuse them, or a safety limit left them unchecked): nothing was uploaded. Exit 1. */
export class PublishRefusedError extends TykTsError {
  constructor(readonly reports: BundleReport[]) {
    const notAccepted = reports.filter((r) => r.verdict !== "accepted");
    super("publish-refused", `${notAccepted.map((r) => `${r.file} (${r.verdict})`).join(", ")}: only bundles the gateway would accept are published; nothing was published`, EXIT_FINDINGS, {
      hint: "`tyk-ts bundle verify` with the same key shows why",
    });
  }
}

const READ_BACK_ATTEMPTS = 3;

export async function publishBundles(options: PublishOptions): Promise<PublishResult> {
  const target = parseTarget(options.to);
  const publicUrl = options.publicUrl ?? (target.kind === "http" ? target.url : undefined);
  if (publicUrl !== undefined && !/^https?:\/\/[^/]/i.test(publicUrl)) {
    throw new InputError("publish-public-url", `the public URL ${publicUrl} is not an http(s) URL`, { hint: "give the URL gateways download from: their bundle_base_url" });
  }
  if (target.kind === "s3" && publicUrl === undefined) {
    throw new InputError("publish-no-public-url", "publishing to S3 needs the public URL gateways download bundles from (their bundle_base_url), to read each bundle back before any definition changes");
  }

  const { expandBundlePaths, verifyBundles } = await import("../bundle/verify.js");
  const files = await expandBundlePaths(options.bundles);
  // The bytes are read before verifying and checked unchanged after: what is uploaded is what was verified.
  const bundles = await nameBundles(files);
  const reports = await verifyBundles(files, { publicKey: options.publicKey, limits: options.limits, middlewarePath: options.middlewarePath });
  if (reports.some((r) => r.verdict !== "accepted")) throw new PublishRefusedError(reports);
  for (const b of bundles) {
    const now = await stat(b.summary.file).catch(() => undefined);
    if (!now || now.ino !== b.identity.ino || now.size !== b.identity.size || now.mtimeMs !== b.identity.mtimeMs) {
      throw new InputError("publish-bundle-changed", `${b.summary.file} changed while it was being verified; nothing was published`, { hint: "run again once the build that writes it has finished" });
    }
  }

  const plans = await planDefinitionUpdates(options.update ?? [], bundles);
  const result = (published: PublishedBundle[]): PublishResult => ({
    dryRun: options.dryRun === true,
    target: describeTarget(target),
    ...(publicUrl !== undefined && { publicUrl }),
    bundles: published,
    definitions: plans.map(describePlan),
  });
  const urlOf = (name: string) => (publicUrl === undefined ? undefined : gatewayBundleUrl(publicUrl, name));

  if (options.dryRun) {
    return result(bundles.map((b) => ({ ...b.summary, location: storedLocation(target, b.name), ...(urlOf(b.name) && { url: urlOf(b.name) }), upload: "planned", readBack: false })));
  }

  const store = await openStore(target, options);
  const published: PublishedBundle[] = [];
  try {
    for (const b of bundles) {
      if (options.signal?.aborted) throw interrupted();
      const written = await putBundle(store, b.name, b.data);
      const url = urlOf(b.name);
      if (url) await readBack(url, b.data, options);
      else if ((await store.compare(b.name, b.data)) !== "same") throw readBackMismatch(store.location(b.name));
      published.push({ ...b.summary, location: store.location(b.name), ...(url && { url }), ...written, readBack: true });
    }
  } finally {
    store.close();
  }
  if (options.signal?.aborted) throw interrupted();
  // From here on a signal is not heeded: the edits are local, quick, and each file is atomic.
  await applyDefinitionUpdates(plans);
  return result(published);
}

interface NamedBundle {
  base: string;
  name: string;
  data: Buffer;
  /** The file as it was read. */
  identity: { ino: number; size: number; mtimeMs: number };
  summary: Pick<PublishedBundle, "file" | "base" | "name" | "sha256" | "size">;
}

async function nameBundles(files: string[]): Promise<NamedBundle[]> {
  const out: NamedBundle[] = [];
  for (const file of files) {
    const [data, identity] = await readWithIdentity(file);
    const sha256 = sha256Hex(data);
    const base = urlSafeName(baseNameOf(path.basename(file), sha256));
    const clash = out.find((b) => b.base === base);
    if (clash && clash.summary.sha256 !== sha256) {
      throw new InputError("publish-base-clash", `${clash.summary.file} and ${file} are both builds of "${base}"; definitions could not tell which one to use`, {
        hint: "publish one build of each plugin at a time, or rename one of the files",
      });
    }
    if (clash) continue;
    const name = contentAddressedName(base, sha256);
    out.push({ base, name, data, identity, summary: { file, base, name, sha256, size: data.length } });
  }
  return out;
}

async function readWithIdentity(file: string): Promise<[Buffer, NamedBundle["identity"]]> {
  try {
    const handle = await open(file, "r");
    try {
      const { ino, size, mtimeMs } = await handle.stat();
      return [await handle.readFile(), { ino, size, mtimeMs }];
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw ioError(err, file);
  }
}

/** Uploads unless the name already holds these bytes; refuses a name that holds other bytes. */
async function putBundle(store: BundleStore, name: string, data: Buffer): Promise<Pick<PublishedBundle, "upload" | "conditional" | "parts">> {
  const before = await store.compare(name, data);
  if (before === "same") return { upload: "skipped" };
  if (before === "different") throw conflict(store.location(name));
  const created = await store.create(name, data);
  if (created.outcome === "written") return { upload: "uploaded", conditional: created.conditional, parts: created.parts };
  // The store refused to replace the name: someone published it between our check and our write
  // (a concurrent run), or these credentials cannot read it (S3 without s3:GetObject answers 403,
  // which reads as absent). The read-back through the public URL then checks its bytes.
  if ((await store.compare(name, data)) === "different") throw conflict(store.location(name));
  return { upload: "skipped" };
}

function conflict(location: string): TykTsError {
  return new TykTsError("publish-conflict", `${location} already exists with other bytes; it was not overwritten`, EXIT_FINDINGS, {
    hint: "a name holds one content forever (gateways that downloaded it keep their copy); find out who wrote it, and rebuild or rename the plugin",
  });
}

function readBackMismatch(where: string, detail = ""): TykTsError {
  return new TykTsError("publish-read-back", `${where} returned other bytes than were uploaded${detail}; no definition was changed`, EXIT_FINDINGS, {
    hint: "a cache or CDN in front of the store may hold an old copy, or the public URL points at another store",
  });
}

/** A GET of the URL the gateway will use, as the gateway makes it: no credentials, redirects followed, only 200 counts. */
async function readBack(url: string, expected: Buffer, { timeoutMs = 120_000, signal }: StoreOptions): Promise<void> {
  let last = "";
  for (let attempt = 1; attempt <= READ_BACK_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 2)));
    let res: HttpReply;
    try {
      res = await httpRequest(url, { readBody: true, followRedirects: true, idleTimeoutMs: timeoutMs, signal });
    } catch (err) {
      if (signal?.aborted) throw interrupted();
      last = networkCode(err) ?? (err as Error).message;
      continue;
    }
    if (res.status !== 200) {
      last = `HTTP ${res.status}`;
      continue;
    }
    if (res.body.equals(expected)) return;
    throw readBackMismatch(url, ` (${res.body.length} bytes, sha256 ${sha256Hex(res.body).slice(0, 12)}…; uploaded ${expected.length} bytes, sha256 ${sha256Hex(expected).slice(0, 12)}…)`);
  }
  throw storeError("network", `reading the bundle back from ${url} failed (${last}); no definition was changed`, {
    hint: "gateways download from this URL: check that it is public (no credentials) and serves the store's objects",
  });
}
