/**
 * One HTTP exchange with the whole body in memory, on node:http(s). `fetch` (undici) took ~120 ms to
 * start and 2-3 times as long as curl to move a 10 MB bundle each way (measured with bench/publish);
 * a bundle fits in memory anyway, so the plain client is both simpler and faster here.
 */
import http from "node:http";
import https from "node:https";

export interface HttpReply {
  status: number;
  statusText: string;
  /** The body, when asked for; otherwise empty (it was drained). */
  body: Buffer;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Give up when the connection is idle this long (a stalled network), not after a total time. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  readBody?: boolean;
  /** Follow up to 10 redirects, as Go's http.Client (the gateway's downloader) does. */
  followRedirects?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function httpRequest(url: string, options: HttpRequestOptions, hops = 0): Promise<HttpReply> {
  const reply = await exchange(url, options);
  const location = reply.location;
  if (options.followRedirects && REDIRECTS.has(reply.status) && location && hops < 10) {
    return httpRequest(new URL(location, url).href, options, hops + 1);
  }
  return { status: reply.status, statusText: reply.statusText, body: reply.body };
}

function exchange(url: string, options: HttpRequestOptions): Promise<HttpReply & { location?: string }> {
  const { body, signal } = options;
  const headers = { ...options.headers, ...(body && { "Content-Length": String(body.length) }) };
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: options.method ?? "GET", headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        if (options.readBody) chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", body: Buffer.concat(chunks), location: res.headers.location }),
      );
      res.on("error", reject);
    });
    req.setTimeout(options.idleTimeoutMs, () => req.destroy(Object.assign(new Error(`no answer for ${options.idleTimeoutMs / 1000} s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}
