/**
 * Hostile HTTP requests against `serve`, written byte for byte on a raw socket (no client library
 * normalising them): traversal in every encoding, dotfiles, symlinks out of the root, odd methods and
 * malformed Range, conditional and header lines. The server must answer every one without a 5xx,
 * never send a byte of a file outside the root or of a dotfile, and stay up.
 */
import { symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type TykTsServer } from "../../src/serve/server.js";
import { tempDir } from "../helpers/tmp.js";
import { checkProperty, testTimeoutMs } from "./budget.js";

const SECRET = "SECRET-OUTSIDE-THE-ROOT";
const HIDDEN = "SECRET-IN-A-DOTFILE";

let server: TykTsServer;
let port: number;

beforeAll(async () => {
  const dir = await tempDir("tyk-ts-fuzz-serve-");
  const root = path.join(dir, "root");
  mkdirSync(path.join(root, "sub"), { recursive: true });
  writeFileSync(path.join(dir, "secret.txt"), SECRET);
  writeFileSync(path.join(root, "bundle.zip"), "PK-not-really-a-zip");
  writeFileSync(path.join(root, "sub/inner.zip"), "inner");
  writeFileSync(path.join(root, ".env"), HIDDEN);
  writeFileSync(path.join(root, ".bundle.zip.0123456789ab.tmp"), HIDDEN);
  symlinkSync(path.join(dir, "secret.txt"), path.join(root, "link-out.zip"));
  symlinkSync(dir, path.join(root, "dir-out"));
  symlinkSync(".env", path.join(root, "link-to-dotfile.zip"));
  server = await createServer({ root, port: 0 });
  port = server.port;
});

afterAll(async () => {
  await server?.close({ graceMs: 0 });
});

/**
 * Sends raw bytes (without half-closing: Node's server drops a connection whose client has ended it
 * before the answer is ready), returns the status code and everything the server wrote.
 */
function rawRequest(bytes: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" ? undefined : reject(err)));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.setTimeout(2000, () => socket.destroy());
    socket.write(bytes);
  });
}

const SEGMENTS = [
  "..", ".", "%2e%2e", "%2E%2e", ".%2e", "%2f", "%5c", "..%2f..", "..%5c..", "%00", "%0a", "%", "%zz", "%c0%ae%c0%ae", "\u00e9", "%C3%A9",
  ".env", ".bundle.zip.0123456789ab.tmp", "%2eenv", "bundle.zip", "sub", "inner.zip", "link-out.zip", "dir-out", "secret.txt", "link-to-dotfile.zip",
  "", "a".repeat(300), "bundle.zip;x", "bundle.zip::$DATA", "~", "*",
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "get", "G\u00c9T"];
const HEADER_LINES = [
  "Range: bytes=0-3", "Range: bytes=-1", "Range: bytes=5-2", "Range: bytes=0-0,2-3", "Range: bytes=99999999999999999999-", "Range: items=0-1", "Range: bytes=--",
  'If-None-Match: "x"', "If-None-Match: *", "If-Modified-Since: yesterday", "If-Range: garbage", "Accept: application/json", "Accept: text/html",
  "Authorization: Basic Og==", "Transfer-Encoding: chunked", "Content-Length: 5", "Expect: 100-continue", "X-Long: " + "x".repeat(20_000), "Bad Header Line",
];

/** Mostly well-formed requests for hostile paths, so most of them reach the path checks. */
const often = <T>(common: T, ...rare: T[]) => fc.oneof({ arbitrary: fc.constant(common), weight: 4 }, { arbitrary: fc.constantFrom(...rare), weight: 1 });
const requestArb = fc.record({
  method: often("GET", ...METHODS),
  segments: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 6 }),
  separator: often("/", "//", "\\", "/./"),
  prefix: often("/", "", "http://127.0.0.1/", "*", "//"),
  query: often("", "?x=1", "#frag", "?../../secret.txt"),
  headers: fc.subarray(HEADER_LINES, { maxLength: 3 }),
  version: often("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 extra"),
});

describe("serve on hostile requests", () => {
  it(
    "never answers 5xx, never leaks a file outside the root or a dotfile, and stays up",
    async () => {
      const statuses: Record<number, number> = {};
      await checkProperty(
        "raw hostile requests → serve",
        fc.asyncProperty(requestArb, async (r) => {
          const target = `${r.prefix}${r.segments.join(r.separator)}${r.query}`;
          const head = [`${r.method} ${target} ${r.version}`, "Host: 127.0.0.1", ...r.headers, "Connection: close", "", ""].join("\r\n");
          const body = r.headers.some((h) => h.startsWith("Content-Length") || h.startsWith("Transfer-Encoding")) ? "0\r\n\r\n" : "";
          const reply = await rawRequest(Buffer.from(head + body, "latin1"));
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
          const context = JSON.stringify(head);
          expect(reply.text, context).not.toContain(SECRET);
          expect(reply.text, context).not.toContain(HIDDEN);
          // 0: the server closed without answering an unparseable request, which is its right.
          if (reply.status !== 0) expect(reply.status, `${context}\n${reply.text.slice(0, 300)}`).toBeLessThan(500);
        }),
        400,
        12_000,
      );
      process.stdout.write(`serve hostile requests, statuses: ${JSON.stringify(statuses)}\n`);
      // Still serving.
      const ok = await rawRequest(Buffer.from("GET /bundle.zip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("PK-not-really-a-zip");
    },
    testTimeoutMs(12_000),
  );
});
