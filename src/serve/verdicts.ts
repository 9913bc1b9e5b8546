/**
 * `bundle verify`'s verdicts on the files being served, remembered per file version (path, inode,
 * size, mtime) so a listing of many bundles, or many downloads of one, verify each version once.
 */
import type { KeyObject } from "node:crypto";
import { stat } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import type { Problem } from "../problem.js";
import type { BundleAnalysis, LimitHit, Verdict } from "../bundle/verify.js";

const MAX_REMEMBERED = 4096;
/** Verification is mostly hashing; more at once than cores only slows each one down. */
const MAX_CONCURRENT = 2;

export type ChecksumStatus = "ok" | "mismatch" | "not checked";
export type SignatureStatus = "valid" | "invalid" | "unsigned" | "not checked";

/** A bundle as `bundle verify` sees it, summed up for a listing and for `--verify`. */
export interface BundleStatus {
  /** `bundle verify`'s verdict: "unchecked" when a tyk-ts safety limit stopped the check. */
  verdict: Verdict;
  /** Whether the gateway would load it (`bundle verify` accepts it). */
  accepted: boolean;
  /** The limit that left it unchecked. */
  limit: LimitHit | null;
  /** Whether the files in file_list hash to the manifest's checksum; "not checked" when they cannot be read. */
  checksum: ChecksumStatus;
  /** "not checked" when the manifest cannot be read, or for a signed bundle without a public key or with unreadable data. */
  signature: SignatureStatus;
  /** The gateway's reason first (severity error), then everything else `bundle verify` noticed. */
  problems: Problem[];
}

export function bundleStatus(analysis: BundleAnalysis, keyGiven: boolean): BundleStatus {
  const { report, manifest, computedChecksum } = analysis;
  const checksum: ChecksumStatus = !manifest || computedChecksum === undefined ? "not checked" : computedChecksum === manifest.checksum ? "ok" : "mismatch";
  const signatureRefused = report.problems.some((p) => p.code.startsWith("signature-") && p.severity !== "info");
  const signature: SignatureStatus =
    !manifest ? "not checked"
    : !report.signed ? "unsigned"
    : !keyGiven || computedChecksum === undefined ? "not checked"
    : signatureRefused ? "invalid"
    : "valid";
  return { verdict: report.verdict, accepted: report.accepted, limit: report.limit, checksum, signature, problems: report.problems };
}

function versionKey(file: string, stats: BigIntStats): string {
  return `${file}\0${stats.dev}\0${stats.ino}\0${stats.size}\0${stats.mtimeNs}`;
}

export class BundleVerdicts {
  private readonly remembered = new Map<string, Promise<BundleStatus | undefined>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly publicKey?: KeyObject) {}

  /**
   * The verdict for the version of `file` described by `stats` (from fstat of an open descriptor or
   * a stat just made). Undefined when the file was replaced or removed while it was being checked:
   * the result would describe another version, so the caller should look again.
   */
  verdictFor(file: string, stats: BigIntStats): Promise<BundleStatus | undefined> {
    const key = versionKey(file, stats);
    const known = this.remembered.get(key);
    if (known) return known;
    const verdict = this.limited(() => this.check(file, key));
    this.remember(key, verdict);
    const forget = () => this.remembered.delete(key);
    verdict.then((v) => v === undefined && forget(), forget);
    return verdict;
  }

  private async check(file: string, key: string): Promise<BundleStatus | undefined> {
    const { analyseBundle, DEFAULT_VERIFY_LIMITS } = await import("../bundle/verify.js");
    // A file that vanished or became unreadable mid-check: let the caller look again.
    const analysis = await analyseBundle(file, { key: this.publicKey, limits: DEFAULT_VERIFY_LIMITS }).catch(() => undefined);
    if (!analysis) return undefined;
    // The path named this version before the check; if it still does, no rename happened in between
    // (a replaced inode cannot come back), so the result is about this version.
    const after = await stat(file, { bigint: true }).catch(() => undefined);
    return after && versionKey(file, after) === key ? bundleStatus(analysis, this.publicKey !== undefined) : undefined;
  }

  private remember(key: string, verdict: Promise<BundleStatus | undefined>): void {
    if (this.remembered.size >= MAX_REMEMBERED) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
    this.remembered.set(key, verdict);
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.running >= MAX_CONCURRENT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
