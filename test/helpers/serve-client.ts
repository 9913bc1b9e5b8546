/** A real HTTP client and server fixture for the `serve` tests: Node's http/https, curl, bundles. */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import path from "node:path";
import { afterAll } from "vitest";
import type { ServeLogEntry } from "../../src/serve/log.js";
import { createServer, type ServeOptions, type TykTsServer } from "../../src/serve/server.js";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Trust this CA (PEM) for https. */
  ca?: string;
  /** TLS version cap, e.g. "TLSv1.2" as the gateway's downloader uses. */
  maxVersion?: "TLSv1.2" | "TLSv1.3";
  /** Keep-alive agent for load tests; by default every request has its own connection. */
  agent?: http.Agent;
}

/** Sends `target` exactly as written (no normalisation), e.g. fetchRaw(server.url, "/a/../b"). */
export function fetchRaw(base: string, target: string, options: FetchOptions = {}): Promise<Reply> {
  const url = new URL(base);
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port,
        path: target,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: options.agent ?? false,
        ca: options.ca,
        maxVersion: options.maxVersion,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** curl with --path-as-is, so `..` and encodings reach the server untouched. */
export function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile("curl", ["-sS", "--path-as-is", "-o", "-", "-w", "\n%{http_code}", ...args], { encoding: "utf8" }, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf("\n");
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

const running: TykTsServer[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.close({ graceMs: 0 })));
});

export interface StartedServer {
  server: TykTsServer;
  logs: ServeLogEntry[];
  /** The first log entry at index `from` or later that matches, waiting for it if need be. */
  waitForLog<T extends ServeLogEntry>(test: (e: ServeLogEntry) => e is T, from?: number, timeoutMs?: number): Promise<T>;
}

/** Starts a server on a free loopback port; it is closed after the test file. */
export async function startServer(options: Partial<ServeOptions> & { root: string }): Promise<StartedServer> {
  const logs: ServeLogEntry[] = [];
  const waiters = new Set<() => void>();
  const server = await createServer({
    port: 0,
    ...options,
    log: (e) => {
      logs.push(e);
      for (const w of [...waiters]) w();
    },
  });
  running.push(server);
  return {
    server,
    logs,
    waitForLog(test, from = 0, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.slice(from).find(test);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log entry within ${timeoutMs} ms; got ${JSON.stringify(logs.slice(from))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** A python plugin folder: manifest.json listing middleware.py (and more files if given). */
export async function writePlugin(dir: string, files: Record<string, string> = { "middleware.py": "def MyPre(request, session, spec):\n    return request, session\n" }, hook = "MyPre"): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  const manifest = { file_list: Object.keys(files), custom_middleware: { driver: "python", pre: [{ name: hook }] } };
  await writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}
