/**
 * Sends one open file, from the content cache when it holds this version, else streamed from the
 * descriptor. Either way the bytes come from the version opened for this request, so a bundle renamed
 * over while it downloads is sent old or (on the next request) new, never a mix.
 */
import type { BigIntStats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { entityTag, isNotModified, lastModifiedSeconds, rangeFor } from "./conditional.js";
import type { ContentCache } from "./content-cache.js";

/** 1 MiB reads for streamed files: with the 64 KiB default a Node stream reached 0.44 of nginx's throughput. */
const CHUNK = 1 << 20;

const CONTENT_TYPES: Record<string, string> = {
  ".zip": "application/zip",
  ".json": "application/json",
  ".pem": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Everything else downloads as bytes: a bundle server has no reason to let a browser render HTML. */
export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[path.extname(name).toLowerCase()] ?? "application/octet-stream";
}

export interface SendProgress {
  /** Body bytes handed to the response so far. */
  bytes: number;
}

/** Takes ownership of `handle`: it is closed when the response ends, however it ends. */
export async function sendOpenFile(
  req: IncomingMessage,
  res: ServerResponse,
  handle: FileHandle,
  stats: BigIntStats,
  name: string,
  progress: SendProgress,
  cache: ContentCache,
): Promise<void> {
  try {
    const size = Number(stats.size);
    const etag = entityTag(stats);
    const modified = lastModifiedSeconds(stats);
    res.setHeader("ETag", etag);
    res.setHeader("Last-Modified", new Date(modified * 1000).toUTCString());
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Accept-Ranges", "bytes");
    if (isNotModified(req.headers, etag, modified)) {
      res.writeHead(304).end();
      return;
    }
    const range = rangeFor(req.headers, size, etag, modified);
    if (range.kind === "unsatisfiable") {
      const body = `range not satisfiable: the file has ${size} bytes\n`;
      res.writeHead(416, { "Content-Range": `bytes */${size}`, "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const [start, end] = range.kind === "partial" ? [range.start, range.end] : [0, size - 1];
    const length = end - start + 1;
    res.setHeader("Content-Type", contentTypeFor(name));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Length", length);
    if (range.kind === "partial") {
      res.statusCode = 206;
      res.setHeader("Content-Range", `bytes ${start}-${end}/${size}`);
    }
    if (req.method === "HEAD" || length === 0) {
      res.end();
      return;
    }
    const contents = await cache.contents(handle, stats);
    if (contents) {
      await sendBytes(res, contents.subarray(start, end + 1), progress);
    } else {
      await copyRange(handle, res, start, end, progress);
    }
  } finally {
    await handle.close();
  }
}

/**
 * One write of bytes already in memory. The response is ended only once the connection has taken
 * them: an ended response counts as idle to Node, and a graceful stop would cut it at once.
 */
async function sendBytes(res: ServerResponse, bytes: Buffer, progress: SendProgress): Promise<void> {
  const sent = await new Promise<boolean>((resolve) => {
    res.once("close", () => resolve(false));
    // Node calls this back without an error when the connection is cut, so look at the socket too.
    res.write(bytes, (err) => resolve(!err && res.socket?.destroyed === false));
  });
  if (!sent) return;
  progress.bytes += bytes.length;
  res.end();
}

/**
 * Copies bytes start..end of the open file to the response. Two buffers take turns: the next chunk is
 * read while the previous one is being written, and a buffer is refilled only once the connection has
 * taken its bytes (the write callback), so memory per download is 2 MiB whatever the file's size.
 * (A read stream piped to the response allocates a buffer per chunk and, when the client goes away,
 * closes the descriptor itself; this loop measured faster and leaves the descriptor to its owner.)
 */
async function copyRange(handle: FileHandle, res: ServerResponse, start: number, end: number, progress: SendProgress): Promise<void> {
  // A write callback may never come once the connection is gone.
  const gone = new Promise<void>((resolve) => res.once("close", resolve));
  const buffers = [takeBuffer(), takeBuffer()];
  const written: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
  let position = start;
  for (let turn = 0; position <= end && !res.destroyed; turn ^= 1) {
    await Promise.race([written[turn], gone]);
    if (res.destroyed) break;
    const buffer = buffers[turn]!;
    const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, end - position + 1), position);
    if (bytesRead === 0) break; // truncated in place: the response cannot be completed
    position += bytesRead;
    progress.bytes += bytesRead;
    written[turn] = new Promise<void>((resolve) => res.write(buffer.subarray(0, bytesRead), () => resolve()));
  }
  const settled = await Promise.race([Promise.all(written).then(() => true), gone.then(() => false)]);
  if (settled) spare.push(...buffers.slice(0, MAX_SPARE - spare.length));
  if (position > end) res.end();
  else res.destroy();
}

/**
 * Chunk buffers are reused across downloads rather than left to the garbage collector, which keeps
 * the resident size steady under load. Only buffers whose writes have completed come back here.
 */
const MAX_SPARE = 32;
const spare: Buffer[] = [];
function takeBuffer(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}
