/** The content cache behind `serve`: one read per file version, never a stale or mixed version, bounded. */
import { open, rename, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ContentCache, type ContentCacheLimits } from "../src/serve/content-cache.js";
import { tempDir } from "./helpers/tmp.js";

/** What serve does per request: open the path, stat the open file, ask the cache. */
async function contentsOf(cache: ContentCache, file: string): Promise<Buffer | undefined> {
  const handle = await open(file, "r");
  try {
    return await cache.contents(handle, await handle.stat({ bigint: true }));
  } finally {
    await handle.close();
  }
}

const limits = (maxFileBytes: number, maxTotalBytes: number): ContentCacheLimits => ({ maxFileBytes, maxTotalBytes });

describe("serve: content cache", () => {
  it("reads a file version once and hands every download the same bytes", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "a.zip");
    await writeFile(file, "first version");
    const cache = new ContentCache(limits(1024, 4096));
    const [one, two] = await Promise.all([contentsOf(cache, file), contentsOf(cache, file)]);
    expect(one?.toString()).toBe("first version");
    expect(two).toBe(one); // concurrent first downloads shared one read
    expect(await contentsOf(cache, file)).toBe(one);
  });

  it("serves the new bytes once a bundle is renamed over or rewritten in place", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "a.zip");
    await writeFile(file, "version 1");
    const cache = new ContentCache(limits(1024, 4096));
    expect((await contentsOf(cache, file))?.toString()).toBe("version 1");

    await writeFile(path.join(dir, "next.tmp"), "version 2");
    await rename(path.join(dir, "next.tmp"), file);
    expect((await contentsOf(cache, file))?.toString()).toBe("version 2");

    // Same inode, same size: the changed modification time makes it another version.
    await writeFile(file, "version 3");
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await contentsOf(cache, file))?.toString()).toBe("version 3");
  });

  it("leaves files over the per-file limit to streaming", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "big.zip"), Buffer.alloc(2048));
    expect(await contentsOf(new ContentCache(limits(1024, 4096)), path.join(dir, "big.zip"))).toBeUndefined();
  });

  it("drops the least recently used files past the total limit", async () => {
    const dir = await tempDir();
    const files = ["a", "b", "c"].map((n) => path.join(dir, `${n}.zip`));
    for (const f of files) await writeFile(f, Buffer.alloc(400, path.basename(f)));
    const cache = new ContentCache(limits(1024, 1000)); // room for two
    const a = await contentsOf(cache, files[0]!);
    const b = await contentsOf(cache, files[1]!);
    expect(await contentsOf(cache, files[0]!)).toBe(a); // a is now the most recently used
    await contentsOf(cache, files[2]!); // evicts b
    expect(await contentsOf(cache, files[0]!)).toBe(a);
    const bAgain = await contentsOf(cache, files[1]!);
    expect(bAgain).not.toBe(b);
    expect(bAgain?.equals(b!)).toBe(true);
  });
});
