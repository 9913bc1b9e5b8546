/**
 * Sends one open file. The descriptor was opened once for this request, so a bundle renamed over
 * while it downloads is still read from the old inode: the client gets the old bytes or (on its next
 * request) the new ones, never a mix.
 */
import { createReadStream, type BigIntStats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { entityTag, isNotModified, lastModifiedSeconds, rangeFor } from "./conditional.js";

/**
 * 1 MiB reads: measured 0.80 of nginx's throughput on loopback against 0.44 with the 64 KiB default
 * (see README "Dependencies").
 */
const READ_CHUNK = 1 << 20;

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
    // Callback reads on the descriptor: measured faster than the FileHandle stream's promise reads.
    const body = createReadStream(name, { fd: handle.fd, autoClose: false, start, end, highWaterMark: READ_CHUNK });
    const sent = pipeline(body, res);
    body.on("data", (chunk: Buffer | string) => {
      progress.bytes += chunk.length;
    });
    // A client that goes away ends the pipeline with an error, which has nothing left to tell.
    await sent.catch(() => undefined);
  } finally {
    await handle.close();
  }
}
