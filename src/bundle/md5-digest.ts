/**
 * MD5 of a bundle's listed files. MD5 is the slowest hash verify computes (about twice SHA-256's
 * cost), so for large data it runs on a worker thread, alongside inflating (zlib's thread pool) and
 * SHA-256 and CRC-32 (main thread), as `unzip -p | tee >(md5sum) | openssl dgst` runs in parallel.
 */
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";

export interface Md5Digest {
  update(chunk: Buffer): void | Promise<void>;
  digest(): Promise<string>;
  /** Releases the worker; safe after digest() and on errors. */
  close(): Promise<void>;
}

/** Below this much data a worker costs more (its start-up) than it saves. */
export const WORKER_THRESHOLD = 16 * 1024 * 1024;
/**
 * Data passes to the worker through one fixed shared buffer, used as a ring: no allocation per
 * chunk (which would pile up in the worker's heap until its GC notices), and memory stays flat.
 */
const RING_SIZE = 8 * 1024 * 1024;

// Inline (eval) so the worker works the same from dist/ and from a bundled single-file CLI.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const md5 = require("node:crypto").createHash("md5");
const ring = new Uint8Array(workerData);
parentPort.on("message", (m) => {
  if (m === "digest") return parentPort.postMessage({ digest: md5.digest("hex") });
  md5.update(ring.subarray(m.offset, m.offset + m.length));
  parentPort.postMessage({ done: m.length });
});
`;

class InlineMd5 implements Md5Digest {
  private readonly hash = createHash("md5");
  update(chunk: Buffer): void {
    this.hash.update(chunk);
  }
  async digest(): Promise<string> {
    return this.hash.digest("hex");
  }
  async close(): Promise<void> {}
}

class WorkerMd5 implements Md5Digest {
  private readonly shared = new SharedArrayBuffer(RING_SIZE);
  private readonly ring = new Uint8Array(this.shared);
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.shared });
  /** Bytes written into the ring, and bytes the worker has hashed (both only grow). */
  private written = 0;
  private hashed = 0;
  private waiting?: () => void;
  private result?: (digest: string) => void;
  private failure?: Error;

  constructor() {
    this.worker.on("message", (m: { done?: number; digest?: string }) => {
      if (m.digest !== undefined) return this.result?.(m.digest);
      this.hashed += m.done ?? 0;
      this.wake();
    });
    this.worker.on("error", (err) => {
      this.failure = err;
      this.wake();
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async update(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      if (this.failure) throw this.failure;
      const free = RING_SIZE - (this.written - this.hashed);
      if (free === 0) {
        await new Promise<void>((resolve) => (this.waiting = resolve));
        continue;
      }
      const offset = this.written % RING_SIZE;
      const length = Math.min(free, chunk.length - at, RING_SIZE - offset);
      this.ring.set(chunk.subarray(at, at + length), offset);
      this.worker.postMessage({ offset, length });
      this.written += length;
      at += length;
    }
  }

  digest(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.result = resolve;
      this.worker.once("error", reject);
      this.worker.postMessage("digest");
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** An MD5 for `expectedBytes` of data: on a worker thread when that is large. */
export function md5Digest(expectedBytes: number): Md5Digest {
  return expectedBytes >= WORKER_THRESHOLD ? new WorkerMd5() : new InlineMd5();
}
