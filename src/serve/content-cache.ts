/**
 * Whole-file contents kept in memory and shared by every download of the same file version, so a
 * bundle fetched by many gateways is read from disk once and each response is one write of bytes
 * already in memory (Node has no sendfile; this is what brings it near nginx's throughput).
 * A version is its inode, size and change times: a bundle renamed over or rewritten in place is a
 * new entry, so a download never mixes old and new bytes. Entries are bounded per file and in total
 * (least recently used go first); larger files are streamed from disk instead.
 */
import type { BigIntStats } from "node:fs";
import type { FileHandle } from "node:fs/promises";

export interface ContentCacheLimits {
  /** Files larger than this are streamed, not cached. */
  maxFileBytes: number;
  /** Cached bytes in total; the least recently used files are dropped past it. */
  maxTotalBytes: number;
}

const DEFAULT_CACHE_LIMITS: ContentCacheLimits = { maxFileBytes: 32 << 20, maxTotalBytes: 128 << 20 };

export class ContentCache {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Promise<Buffer | undefined>>();
  private readonly sizes = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: ContentCacheLimits = DEFAULT_CACHE_LIMITS) {}

  /**
   * The file's bytes, read through `handle` (already open for this request) when this version is not
   * cached yet; undefined when the file is too large to cache or shrank while being read.
   */
  async contents(handle: FileHandle, stats: BigIntStats): Promise<Buffer | undefined> {
    const size = Number(stats.size);
    if (size > this.limits.maxFileBytes) return undefined;
    const key = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    // Concurrent first downloads share one read.
    entry = readVersion(handle, stats);
    this.entries.set(key, entry);
    this.sizes.set(key, size);
    this.total += size;
    this.evict();
    try {
      const contents = await entry;
      if (!contents) this.forget(key);
      return contents;
    } catch (err) {
      this.forget(key);
      throw err;
    }
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.total <= this.limits.maxTotalBytes) return;
      this.forget(key);
    }
  }

  private forget(key: string): void {
    if (!this.entries.delete(key)) return;
    this.total -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }
}

/** The file's bytes, or undefined when it changed in place while being read (then it is streamed). */
async function readVersion(handle: FileHandle, stats: BigIntStats): Promise<Buffer | undefined> {
  const size = Number(stats.size);
  const buffer = Buffer.allocUnsafeSlow(size);
  for (let offset = 0; offset < size; ) {
    const { bytesRead } = await handle.read(buffer, offset, size - offset, offset);
    if (bytesRead === 0) return undefined;
    offset += bytesRead;
  }
  const after = await handle.stat({ bigint: true });
  return after.size === stats.size && after.mtimeNs === stats.mtimeNs && after.ctimeNs === stats.ctimeNs ? buffer : undefined;
}
