import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { md5Digest, WORKER_THRESHOLD } from "../src/bundle/md5-digest.js";

/** Chunks of awkward sizes: tiny, odd, and larger than the 8 MiB ring the worker reads from. */
function chunksOf(data: Buffer): Buffer[] {
  const sizes = [1, 7, 65_536, 3 * 1024 * 1024 + 5, 9 * 1024 * 1024, 511, 1024 * 1024];
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe("md5Digest", () => {
  it("on the worker thread, hashes data many times the ring's size exactly as createHash does", async () => {
    const data = randomBytes(WORKER_THRESHOLD + 9 * 1024 * 1024 + 123);
    const md5 = md5Digest(data.length);
    try {
      for (const chunk of chunksOf(data)) await md5.update(chunk);
      expect(await md5.digest()).toBe(createHash("md5").update(data).digest("hex"));
    } finally {
      await md5.close();
    }
  });

  it("inline for small data, with the same result", async () => {
    const data = randomBytes(100_000);
    const md5 = md5Digest(data.length);
    for (const chunk of chunksOf(data)) await md5.update(chunk);
    expect(await md5.digest()).toBe(createHash("md5").update(data).digest("hex"));
    await md5.close();
  });

  it("closes a worker that never gave its digest (an entry failed midway), without hanging", async () => {
    const md5 = md5Digest(WORKER_THRESHOLD);
    await md5.update(randomBytes(10 * 1024 * 1024));
    await md5.close();
    const unused = md5Digest(WORKER_THRESHOLD);
    await unused.close();
  });
});
