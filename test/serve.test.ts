/** `serve` over real HTTP on loopback: headers, conditional and range requests, listings, downloads under load. */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, utimes, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import type { RequestLogEntry, ServeLogEntry } from "../src/serve/log.js";
import { createServer } from "../src/serve/server.js";
import { fetchRaw, startServer } from "./helpers/serve-client.js";
import { tempDir } from "./helpers/tmp.js";

const isRequest = (e: ServeLogEntry): e is RequestLogEntry => e.type === "request";
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Starts a download and stops reading it, as a client on a slow link would. */
async function stalledDownload(base: string, target: string): Promise<http.IncomingMessage> {
  const url = new URL(base);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: url.hostname, port: url.port, path: target, agent: false }, resolve).on("error", reject);
  });
  res.pause();
  res.on("error", () => undefined); // the server cuts it
  return res;
}

async function rootWith(files: Record<string, string | Buffer>): Promise<string> {
  const root = await tempDir("tyk-ts-serve-");
  for (const [name, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), data);
  }
  return root;
}

describe("serve: responses", () => {
  it("serves a file with the headers a downloader relies on, and never compresses it", async () => {
    const data = randomBytes(100_000);
    const { server } = await startServer({ root: await rootWith({ "plugin.zip": data }) });
    const r = await fetchRaw(server.url, "/plugin.zip", { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect(r.status).toBe(200);
    expect(r.body.equals(data)).toBe(true);
    expect(r.headers["content-type"]).toBe("application/zip");
    expect(r.headers["content-length"]).toBe(String(data.length));
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(r.headers["cache-control"]).toBe("no-cache");
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers.etag).toMatch(/^"[^"]+"$/); // strong: no W/ prefix
    expect(Date.parse(r.headers["last-modified"]!)).not.toBeNaN();
  });

  it("answers HEAD with the same headers and no body", async () => {
    const { server } = await startServer({ root: await rootWith({ "a.zip": "0123456789" }) });
    const get = await fetchRaw(server.url, "/a.zip");
    const head = await fetchRaw(server.url, "/a.zip", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers["content-length"]).toBe("10");
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it("gives 304 for a matching If-None-Match or an If-Modified-Since not older than the file", async () => {
    const root = await rootWith({ "a.zip": "abc" });
    await utimes(path.join(root, "a.zip"), new Date("2024-05-01T10:00:00Z"), new Date("2024-05-01T10:00:00Z"));
    const { server } = await startServer({ root });
    const first = await fetchRaw(server.url, "/a.zip");
    const etag = first.headers.etag!;
    expect(first.headers["last-modified"]).toBe("Wed, 01 May 2024 10:00:00 GMT");

    const byTag = await fetchRaw(server.url, "/a.zip", { headers: { "If-None-Match": `"other", ${etag}` } });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect(byTag.headers.etag).toBe(etag);
    expect((await fetchRaw(server.url, "/a.zip", { headers: { "If-None-Match": '"stale"' } })).status).toBe(200);

    expect((await fetchRaw(server.url, "/a.zip", { headers: { "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT" } })).status).toBe(304);
    expect((await fetchRaw(server.url, "/a.zip", { headers: { "If-Modified-Since": "Wed, 01 May 2024 09:59:59 GMT" } })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    const both = await fetchRaw(server.url, "/a.zip", { headers: { "If-None-Match": '"stale"', "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT" } });
    expect(both.status).toBe(200);
  });

  it("looks at the disk on every request: a bundle renamed into place after start is served with a new ETag", async () => {
    const root = await rootWith({ "a.zip": "version one" });
    const { server } = await startServer({ root });
    const before = await fetchRaw(server.url, "/a.zip");
    expect((await fetchRaw(server.url, "/later.zip")).status).toBe(404);

    await writeFile(path.join(root, ".a.zip.tmp"), "version two");
    await rename(path.join(root, ".a.zip.tmp"), path.join(root, "a.zip"));
    await writeFile(path.join(root, "later.zip"), "new");
    const after = await fetchRaw(server.url, "/a.zip", { headers: { "If-None-Match": before.headers.etag! } });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe("version two");
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect((await fetchRaw(server.url, "/later.zip")).body.toString()).toBe("new");
  });

  it("serves single byte ranges with 206, and 416 for ranges past the end", async () => {
    const data = Buffer.from("0123456789abcdefghij");
    const { server } = await startServer({ root: await rootWith({ "r.zip": data }) });
    const cases: Array<[string, string, string]> = [
      ["bytes=5-9", "56789", "bytes 5-9/20"],
      ["bytes=15-", "fghij", "bytes 15-19/20"],
      ["bytes=-3", "hij", "bytes 17-19/20"],
      ["bytes=18-100", "ij", "bytes 18-19/20"],
    ];
    for (const [range, body, contentRange] of cases) {
      const r = await fetchRaw(server.url, "/r.zip", { headers: { Range: range } });
      expect(r.status, range).toBe(206);
      expect(r.body.toString(), range).toBe(body);
      expect(r.headers["content-range"], range).toBe(contentRange);
      expect(r.headers["content-length"], range).toBe(String(body.length));
    }
    const past = await fetchRaw(server.url, "/r.zip", { headers: { Range: "bytes=20-30" } });
    expect(past.status).toBe(416);
    expect(past.headers["content-range"]).toBe("bytes */20");
    // Several ranges, or a stale If-Range, fall back to the whole file.
    expect((await fetchRaw(server.url, "/r.zip", { headers: { Range: "bytes=0-1,5-6" } })).status).toBe(200);
    expect((await fetchRaw(server.url, "/r.zip", { headers: { Range: "bytes=0-1", "If-Range": '"old"' } })).status).toBe(200);
    const etag = (await fetchRaw(server.url, "/r.zip", { method: "HEAD" })).headers.etag!;
    expect((await fetchRaw(server.url, "/r.zip", { headers: { Range: "bytes=0-1", "If-Range": etag } })).status).toBe(206);
  });

  it("answers 404 for missing files and 405 (with Allow) for other methods", async () => {
    const { server, logs } = await startServer({ root: await rootWith({ "a.zip": "x" }) });
    expect((await fetchRaw(server.url, "/missing.zip")).status).toBe(404);
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const r = await fetchRaw(server.url, "/a.zip", { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
    expect(logs.filter(isRequest).map((e) => e.status)).toEqual([404, 405, 405, 405, 405]);
  });

  it("logs one entry per request with method, path, status, bytes and duration", async () => {
    const { server, logs, waitForLog } = await startServer({ root: await rootWith({ "a.zip": "12345" }) });
    await fetchRaw(server.url, "/a.zip");
    const entry = await waitForLog(isRequest);
    expect(entry).toMatchObject({ method: "GET", path: "/a.zip", status: 200, bytes: 5, completed: true, remote: "127.0.0.1" });
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(entry.time)).not.toBeNaN();
    expect(logs).toHaveLength(1);
  });

  it("lists a directory as JSON for tools and HTML for browsers, hiding dotfiles and escaping names", async () => {
    const root = await rootWith({ "notes.txt": "hello", "sub/inner.txt": "x", ".env": "SECRET=1", ".bundle.zip.1a2b.tmp": "partial", "<b>.txt": "x" });
    const { server } = await startServer({ root });
    const json = await fetchRaw(server.url, "/", { headers: { Accept: "application/json" } });
    expect(json.headers["content-type"]).toBe("application/json");
    const listing = JSON.parse(json.body.toString()) as { path: string; entries: Array<{ name: string; type: string; size?: number; url: string }> };
    expect(listing.path).toBe("/");
    expect(listing.entries.map((e) => e.name)).toEqual(["sub", "<b>.txt", "notes.txt"]);
    expect(listing.entries.find((e) => e.name === "notes.txt")).toMatchObject({ type: "file", size: 5, url: "/notes.txt" });
    expect(listing.entries.find((e) => e.name === "<b>.txt")!.url).toBe("/%3Cb%3E.txt");

    const html = await fetchRaw(server.url, "/", { headers: { Accept: "text/html,application/xhtml+xml,application/json;q=0.9" } });
    expect(html.headers["content-type"]).toBe("text/html; charset=utf-8");
    const page = html.body.toString();
    expect(page).toContain('href="/notes.txt"');
    expect(page).toContain("&#60;b&#62;.txt");
    expect(page).not.toContain("<b>.txt");
    expect(page).not.toContain(".env");
    expect(page).not.toContain(".tmp");

    const sub = JSON.parse((await fetchRaw(server.url, "/sub/", { headers: { Accept: "application/json" } })).body.toString()) as { path: string; entries: unknown[] };
    expect(sub).toMatchObject({ path: "/sub/", entries: [{ name: "inner.txt", url: "/sub/inner.txt" }] });
  });
});

describe("serve: downloads under load", () => {
  it("sends 16 concurrent downloads of a 4 MiB bundle byte-exact", async () => {
    const data = randomBytes(4 << 20);
    const { server } = await startServer({ root: await rootWith({ "big.zip": data }) });
    const replies = await Promise.all(Array.from({ length: 16 }, () => fetchRaw(server.url, "/big.zip")));
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(sha256(r.body)).toBe(sha256(data));
    }
  });

  // 24 MiB is sent from the content cache, 40 MiB (over its per-file limit) is streamed from disk.
  it.each([24, 40])("keeps sending the old bytes to a client that started before a %i MiB bundle was renamed over", async (mib) => {
    const oldData = Buffer.alloc(mib << 20, "o"); // far more than socket and stream buffers hold
    const newData = Buffer.alloc(6 << 20, "n");
    const root = await rootWith({ "b.zip": oldData });
    const { server } = await startServer({ root });

    // A slow client: read the first chunk, then stop reading while the file is replaced.
    const url = new URL(server.url);
    const slow = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: url.hostname, port: url.port, path: "/b.zip", agent: false }, resolve).on("error", reject);
    });
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => slow.once("data", (c: Buffer) => (chunks.push(c), slow.pause(), resolve())));

    await writeFile(path.join(root, ".b.zip.next.tmp"), newData);
    await rename(path.join(root, ".b.zip.next.tmp"), path.join(root, "b.zip"));
    const fresh = await fetchRaw(server.url, "/b.zip");
    expect(fresh.body.equals(newData)).toBe(true);

    const rest = new Promise<void>((resolve, reject) => {
      slow.on("data", (c: Buffer) => chunks.push(c));
      slow.on("end", resolve);
      slow.on("error", reject);
    });
    slow.resume();
    await rest;
    expect(slow.headers["content-length"]).toBe(String(oldData.length));
    expect(Buffer.concat(chunks).equals(oldData)).toBe(true);
  });

  it("on close stops accepting and cuts a download still running after the grace period", async () => {
    const { server, waitForLog } = await startServer({ root: await rootWith({ "big.zip": Buffer.alloc(32 << 20) }) });
    await stalledDownload(server.url, "/big.zip");
    const started = Date.now();
    await server.close({ graceMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    const entry = await waitForLog(isRequest);
    expect(entry).toMatchObject({ path: "/big.zip", status: 200, completed: false });
    await expect(fetchRaw(server.url, "/big.zip")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("cuts at once when closed again without grace (a second Ctrl-C)", async () => {
    const { server } = await startServer({ root: await rootWith({ "big.zip": Buffer.alloc(32 << 20) }) });
    await stalledDownload(server.url, "/big.zip");
    const started = Date.now();
    const closing = server.close({ graceMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100));
    await server.close({ graceMs: 0 });
    await closing;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("serve: basic auth", () => {
  it("requires the configured user and password", async () => {
    const { server, logs } = await startServer({ root: await rootWith({ "a.zip": "x" }), auth: "dev:s3cret:with-colon" });
    const none = await fetchRaw(server.url, "/a.zip");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    const basic = (s: string) => ({ Authorization: `Basic ${Buffer.from(s).toString("base64")}` });
    expect((await fetchRaw(server.url, "/a.zip", { headers: basic("dev:wrong") })).status).toBe(401);
    expect((await fetchRaw(server.url, "/a.zip", { headers: basic("dev:s3cret") })).status).toBe(401);
    const ok = await fetchRaw(server.url, "/a.zip", { headers: basic("dev:s3cret:with-colon") });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe("x");
    expect(logs.filter(isRequest).map((e) => e.reason)).toEqual(["no credentials", "wrong credentials", "wrong credentials", undefined]);
  });
});

describe("serve: start-up errors", () => {
  it("refuses a port in use instead of picking another one", async () => {
    const root = await rootWith({});
    const { server } = await startServer({ root });
    const second = createServer({ root, port: server.port });
    await expect(second).rejects.toBeInstanceOf(InputError);
    await expect(second).rejects.toMatchObject({ code: "address-in-use", message: `127.0.0.1:${server.port} is already in use by another program` });
  });

  it("names a root that does not exist", async () => {
    const root = path.join(await tempDir(), "nope");
    await expect(createServer({ root, port: 0 })).rejects.toMatchObject({ message: `${root} does not exist` });
  });
});
