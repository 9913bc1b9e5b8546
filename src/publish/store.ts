/**
 * What every store of `bundle publish` shares: the interface, its options, and the errors a store
 * raises (exit 2: the store could not be reached or used, and nothing after it happened).
 */
import { createHash } from "node:crypto";
import { InputError } from "../errors.js";

export type Presence = "absent" | "same" | "different";

export interface CreateOutcome {
  /** `exists`: the store refused because the name appeared since `compare` (a concurrent publish). */
  outcome: "written" | "exists";
  /** Whether the write asked the store not to replace an existing object (`If-None-Match: *`); stores that ignore the header are guarded only by the check before it. */
  conditional: boolean;
  /** Parts of a multipart upload; 1 for a single request. */
  parts: number;
}

export interface BundleStore {
  /** Where `name` is stored: an s3:// URL, an http(s) URL or a file path. */
  location(name: string): string;
  compare(name: string, data: Buffer): Promise<Presence>;
  create(name: string, data: Buffer): Promise<CreateOutcome>;
  close(): void;
}

export interface StoreOptions {
  /** S3: an S3-compatible endpoint URL instead of AWS's. */
  endpoint?: string;
  /** S3: path-style addressing (bucket in the path); the default with an endpoint (also one from AWS_ENDPOINT_URL_S3). */
  pathStyle?: boolean;
  /** S3: the region; otherwise the AWS chain (AWS_REGION, the profile). */
  region?: string;
  /** HTTP: headers sent with every request to the store (resolved values). */
  headers?: Record<string, string>;
  /** Milliseconds one HTTP request may take. */
  timeoutMs?: number;
  /** Stops an upload in progress (Ctrl-C); an unfinished multipart upload is aborted. */
  signal?: AbortSignal;
}

export const md5Base64 = (data: Buffer): string => createHash("md5").update(data).digest("base64");

/** A failure to reach or use the store: exit 2, and nothing after it happens. */
export function storeError(code: "credentials" | "network" | "store", message: string, options: { hint?: string; cause?: unknown } = {}): InputError {
  return new InputError(`publish-${code}`, message, options);
}

export const interrupted = (): InputError => new InputError("aborted", "publish interrupted; no definition was changed", { hint: "run the same command again to finish" });

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED"]);

/** The errno-like code of a network failure, looking through the causes the SDK wraps it in. */
export function networkCode(err: unknown): string | undefined {
  for (let e = err as { code?: string; name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === "TimeoutError") return "ETIMEDOUT";
  }
  return undefined;
}
