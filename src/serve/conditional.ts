/**
 * The parts of HTTP a downloader and a browser rely on: validators (ETag, Last-Modified),
 * conditional requests (RFC 9110 §13) and single byte ranges (§14). Pure functions over headers.
 */
import type { BigIntStats } from "node:fs";

/**
 * A strong validator from the file's identity: device, inode, size and nanosecond mtime. A rebuilt
 * bundle is renamed over the old one, so it always gets a new inode and a new tag, without hashing.
 */
export function entityTag(stats: BigIntStats): string {
  return `"${[stats.dev, stats.ino, stats.size, stats.mtimeNs].map((n) => n.toString(36)).join("-")}"`;
}

/** Last-Modified has one-second precision; comparisons use the same truncation. */
export function lastModifiedSeconds(stats: BigIntStats): number {
  return Number(stats.mtimeNs / 1_000_000_000n);
}

function tagsOf(header: string): string[] {
  return header.split(",").map((t) => t.trim().replace(/^W\//, ""));
}

/** §13.2.2 order: If-None-Match decides when present; If-Modified-Since only without it. */
export function isNotModified(headers: { "if-none-match"?: string; "if-modified-since"?: string }, etag: string, modifiedSeconds: number): boolean {
  const noneMatch = headers["if-none-match"];
  if (noneMatch !== undefined) return noneMatch.trim() === "*" || tagsOf(noneMatch).includes(etag);
  const since = headers["if-modified-since"];
  if (since === undefined) return false;
  const sinceMs = Date.parse(since);
  return !Number.isNaN(sinceMs) && modifiedSeconds <= Math.floor(sinceMs / 1000);
}

export type RangeRequest = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/**
 * One `bytes=` range, honoured only when If-Range (if any) still matches. Several ranges, other units
 * or a malformed header fall back to the whole file, which RFC 9110 allows a server to do.
 */
export function rangeFor(
  headers: { range?: string; "if-range"?: string },
  size: number,
  etag: string,
  modifiedSeconds: number,
): RangeRequest {
  const range = headers.range;
  if (range === undefined) return { kind: "full" };
  const ifRange = headers["if-range"]?.trim();
  if (ifRange !== undefined) {
    const stillCurrent = ifRange.startsWith('"') || ifRange.startsWith("W/") ? ifRange === etag : Math.floor(Date.parse(ifRange) / 1000) === modifiedSeconds;
    if (!stillCurrent) return { kind: "full" };
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "full" };
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end };
}
