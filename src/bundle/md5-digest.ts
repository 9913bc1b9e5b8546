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
 * Its size divides 2^32, so offsets stay right when the 32-bit byte counters wrap around.
 */
const RING_SIZE = 8 * 1024 * 1024;

/**
 * The counters both threads share, as 32-bit integers that wrap (Atomics.wait needs Int32Array):
 * bytes written into the ring, bytes hashed, whether the digest is wanted, and an event counter
 * bumped on every change the worker must see. No message per chunk: a message wakes the other
 * thread's event loop and costs more than hashing a small chunk.
 */
const WRITTEN = 0;
const HASHED = 1;
const FINISH = 2;
const EVENTS = 3;

/** Atomics.waitAsync: in V8 since Node 16, in TypeScript's lib only from ES2024. */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: unknown } }).waitAsync;

// Inline (eval) so the worker works the same from dist/ and from a bundled single-file CLI.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const md5 = require("node:crypto").createHash("md5");
const ring = new Uint8Array(workerData.ring);
const control = new Int32Array(workerData.control);
const size = ring.length;
let hashed = 0;
for (;;) {
  const events = Atomics.load(control, ${EVENTS});
  const written = Atomics.load(control, ${WRITTEN});
  if (written !== hashed) {
    const from = (hashed >>> 0) % size;
    const length = Math.min((written - hashed) | 0, size - from);
    md5.update(ring.subarray(from, from + length));
    hashed = (hashed + length) | 0;
    Atomics.store(control, ${HASHED}, hashed);
    Atomics.notify(control, ${HASHED});
    continue;
  }
  if (Atomics.load(control, ${FINISH}) === 1) break;
  Atomics.wait(control, ${EVENTS}, events);
}
parentPort.postMessage(md5.digest("hex"));
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
  private readonly ring = new Uint8Array(new SharedArrayBuffer(RING_SIZE));
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ring: this.ring.buffer, control: this.control.buffer } });
  /** Bytes written into the ring (wrapping at 2^32, like the shared counter). */
  private written = 0;
  /** Settles when the worker sends the digest, or fails. */
  private readonly result: Promise<string>;

  constructor() {
    this.result = new Promise((resolve, reject) => {
      this.worker.once("message", resolve);
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new Error(`the MD5 worker stopped (exit code ${code})`)));
    });
    // Unhandled until digest() is awaited; a failure also ends any wait for ring space.
    this.result.catch(() => {});
  }

  async update(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const hashed = Atomics.load(this.control, HASHED);
      const free = RING_SIZE - ((this.written - hashed) | 0);
      if (free === 0) {
        const wait = waitAsync(this.control, HASHED, hashed);
        if (wait.async) await Promise.race([wait.value, this.result]);
        continue;
      }
      const offset = (this.written >>> 0) % RING_SIZE;
      const length = Math.min(free, chunk.length - at, RING_SIZE - offset);
      this.ring.set(chunk.subarray(at, at + length), offset);
      this.written = (this.written + length) | 0;
      at += length;
      this.signal(WRITTEN, this.written);
    }
  }

  digest(): Promise<string> {
    this.signal(FINISH, 1);
    return this.result;
  }

  async close(): Promise<void> {
    this.signal(FINISH, 1);
    await this.worker.terminate();
  }

  private signal(index: number, value: number): void {
    Atomics.store(this.control, index, value);
    Atomics.add(this.control, EVENTS, 1);
    Atomics.notify(this.control, EVENTS);
  }
}

/** An MD5 for `expectedBytes` of data: on a worker thread when that is large. */
export function md5Digest(expectedBytes: number): Md5Digest {
  return expectedBytes >= WORKER_THRESHOLD ? new WorkerMd5() : new InlineMd5();
}
