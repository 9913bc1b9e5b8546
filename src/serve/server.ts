/**
 * `tyk-ts serve`: a bundle server for the gateway's downloader during development.
 *
 * Every request looks at the disk afresh (nothing is snapshotted at start), opens the file once and
 * streams from that descriptor; only files under the root are reachable, checked after realpath;
 * dotfiles are invisible. Library users call `createServer` and get the same server the CLI runs.
 */
import type { KeyObject } from "node:crypto";
import { constants, type BigIntStats } from "node:fs";
import { open, realpath, stat, type FileHandle } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { InputError, ioError } from "../errors.js";
import { basicAuthCheck, parseCredentials } from "./auth.js";
import { listDirectory, renderListingHtml } from "./listing.js";
import { printableTarget, type RequestLogEntry, type ServeLogEntry } from "./log.js";
import { parseRequestPath, resolveInRoot } from "./request-path.js";
import { ContentCache } from "./content-cache.js";
import { sendOpenFile, type SendProgress } from "./send-file.js";
import { createSelfSignedCertificate, loadTlsMaterial, type TlsMaterial } from "./tls.js";
import { BundleVerdicts, type BundleStatus } from "./verdicts.js";
import { PluginWatcher, pluginSources } from "./watch.js";

export interface ServeOptions {
  /** The directory to serve. */
  root: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Serve only bundles that `bundle verify` accepts (with this public key, when given); others get 409. */
  verify?: { publicKey?: string | KeyObject };
  /** Plugin folders (each with a manifest.json) to rebuild into the root on every change. */
  watch?: string[];
  /** Private key that signs the bundles `watch` builds; without one they are unsigned. */
  signingKey?: string | KeyObject;
  /** HTTPS with a certificate and key (file paths or PEM text), or a throwaway self-signed certificate. */
  tls?: { cert: string; key: string } | { selfSigned: true };
  /** HTTP basic auth, `user:password`. */
  auth?: string;
  /** Receives one entry per request and one per watch build. */
  log?: (entry: ServeLogEntry) => void;
}

export interface TykTsServer {
  /**
   * `http(s)://host:port/`, the value for tyk.conf's `bundle_base_url` (without credentials). For a
   * wildcard host (0.0.0.0, ::) it names loopback; other machines use one of this machine's addresses.
   */
  url: string;
  address: string;
  port: number;
  /** The served directory, resolved. */
  root: string;
  /** Present when serving HTTPS. */
  tls?: { certificate: string; fingerprint: string; selfSigned: boolean };
  /**
   * Stops accepting connections, lets downloads in flight finish for up to `graceMs` (default 3000),
   * then cuts them. Calling it again while closing with a shorter grace cuts sooner.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const DEFAULT_GRACE_MS = 3000;
/** How often a request looks again at a bundle that keeps being replaced while it is verified. */
const VERIFY_ATTEMPTS = 3;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A response the handler decided on; `reason` goes to the log, the body to the client. */
class Refusal {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly reason?: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

const notFound = (reason?: string) => new Refusal(404, "not found\n", reason);

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

interface HandlerContext {
  rootReal: string;
  verdicts: BundleVerdicts;
  verifyDownloads: boolean;
  contents: ContentCache;
  checkAuth?: (authorization: string | undefined) => boolean;
}

async function openInRoot(ctx: HandlerContext, segments: string[]): Promise<{ real: string; handle?: FileHandle; stats: BigIntStats } | Refusal> {
  const resolved = await resolveInRoot(ctx.rootReal, segments);
  if (resolved.kind === "hidden") return notFound("dotfiles are not served");
  if (resolved.kind === "outside") return notFound(`resolves outside the served directory (${resolved.real})`);
  if (resolved.kind === "forbidden") return new Refusal(403, "forbidden\n", "permission denied");
  if (resolved.kind === "missing") return notFound();
  const { real } = resolved;
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EISDIR") return { real, stats: await stat(real, { bigint: true }) };
    if (code === "EACCES" || code === "EPERM") return new Refusal(403, "forbidden\n", "permission denied");
    return notFound(code === "ENOENT" ? undefined : `cannot open (${code})`);
  }
  let stats: BigIntStats;
  try {
    stats = await handle.stat({ bigint: true });
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (stats.isFile()) return { real, handle, stats };
  await handle.close();
  if (stats.isDirectory()) return { real, stats };
  return notFound("not a regular file");
}

async function respondListing(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, dirReal: string, segments: string[], progress: SendProgress): Promise<void> {
  const listing = await listDirectory({ rootReal: ctx.rootReal, dirReal, segments, verdicts: ctx.verdicts, checkAll: ctx.verifyDownloads });
  const accept = req.headers.accept ?? "";
  const asJson = accept.includes("application/json") && !accept.includes("text/html");
  const body = Buffer.from(asJson ? `${JSON.stringify(listing, null, 2)}\n` : renderListingHtml(listing));
  res.writeHead(200, {
    "Content-Type": asJson ? "application/json" : "text/html; charset=utf-8",
    "Content-Length": body.length,
    "Cache-Control": "no-cache",
    Vary: "Accept",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  if (req.method !== "HEAD") progress.bytes = body.length;
}

/** Decides and sends one response; anything but a success is thrown as a Refusal. */
async function respond(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, progress: SendProgress): Promise<void> {
  if (ctx.checkAuth && !ctx.checkAuth(req.headers.authorization)) {
    throw new Refusal(401, "authentication required\n", req.headers.authorization ? "wrong credentials" : "no credentials", {
      "WWW-Authenticate": 'Basic realm="tyk-ts serve", charset="UTF-8"',
    });
  }
  if (req.method !== "GET" && req.method !== "HEAD") throw new Refusal(405, "only GET and HEAD are supported\n", undefined, { Allow: "GET, HEAD" });
  const parsed = parseRequestPath(req.url ?? "");
  if (!parsed.ok) throw new Refusal(400, `bad request: ${parsed.reason}\n`, parsed.reason);

  for (let attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
    const opened = await openInRoot(ctx, parsed.segments);
    if (opened instanceof Refusal) throw opened;
    const { real, handle, stats } = opened;
    if (!handle) {
      await respondListing(ctx, req, res, real, parsed.segments, progress);
      return;
    }
    const name = parsed.segments.at(-1) ?? "";
    if (ctx.verifyDownloads) {
      let verdict: BundleStatus | undefined;
      try {
        verdict = await ctx.verdicts.verdictFor(real, stats);
      } finally {
        if (!verdict?.accepted) await handle.close();
      }
      if (!verdict) continue; // replaced while being verified: look at the new version
      if (!verdict.accepted) throw refusedBundle(name, verdict);
    }
    await sendOpenFile(req, res, handle, stats, name, progress, ctx.contents);
    return;
  }
  throw new Refusal(503, "the bundle kept changing while it was being verified; try again\n", "bundle kept changing during verification", { "Retry-After": "1" });
}

/**
 * 409 with the gateway's reason first, then what else `bundle verify` noticed (fixing one may reveal
 * the next). An unchecked bundle (over a tyk-ts safety limit) is not served either, and says so.
 */
function refusedBundle(name: string, verdict: BundleStatus): Refusal {
  const first = verdict.problems.find((p) => (verdict.verdict === "unchecked" ? p.code.startsWith("limit-") : p.severity === "error"));
  const reason = first?.message ?? "refused by bundle verify";
  const warnings = verdict.problems.filter((p) => p !== first && p.severity === "warning").map((p) => `  - ${p.message}\n`).join("");
  const what = verdict.verdict === "unchecked" ? "did not serve (not checked)" : "refused";
  return new Refusal(409, `tyk-ts serve --verify ${what} ${name}:\n  - ${reason}\n${warnings ? `also noticed:\n${warnings}` : ""}`, `${verdict.verdict}: ${reason}`);
}

function sendRefusal(req: IncomingMessage, res: ServerResponse, refusal: Refusal, progress: SendProgress): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(refusal.body);
  res.writeHead(refusal.status, { ...refusal.headers, "Content-Type": "text/plain; charset=utf-8", "Content-Length": body.length, "Cache-Control": "no-cache" });
  res.end(req.method === "HEAD" ? undefined : body);
  if (req.method !== "HEAD") progress.bytes = body.length;
}

async function prepareTls(options: ServeOptions, host: string): Promise<TlsMaterial | undefined> {
  if (!options.tls) return undefined;
  return "selfSigned" in options.tls ? createSelfSignedCertificate(host) : loadTlsMaterial(options.tls.cert, options.tls.key);
}

async function loadKey(key: string | KeyObject | undefined, kind: "public" | "private"): Promise<KeyObject | undefined> {
  if (key === undefined || typeof key !== "string") return key;
  const keys = await import("../bundle/keys.js");
  return kind === "public" ? keys.loadPublicKey(key) : keys.loadPrivateKey(key);
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): InputError {
  const where = `${urlHost(host)}:${port}`;
  if (err.code === "EADDRINUSE") {
    return new InputError("address-in-use", `${where} is already in use by another program`, {
      hint: "stop the other server, or choose another port (and update bundle_base_url in tyk.conf to match)",
    });
  }
  if (err.code === "EACCES") return new InputError("address-denied", `not allowed to listen on ${where}`, { hint: "ports below 1024 need privileges; use a port such as 8000" });
  if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND") {
    return new InputError("address-unavailable", `cannot listen on ${where}: ${host} is not an address of this machine`, { hint: "use 127.0.0.1, or 0.0.0.0 for every interface" });
  }
  return new InputError("listen-failed", `cannot listen on ${where} (${err.code ?? err.message})`);
}

export async function createServer(options: ServeOptions): Promise<TykTsServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8000;
  let rootReal: string;
  try {
    rootReal = await realpath(options.root);
  } catch (err) {
    throw ioError(err, options.root);
  }
  if (!(await stat(rootReal)).isDirectory()) throw new InputError("root-not-directory", `${options.root} is not a directory`, { hint: "serve a folder holding bundles" });
  const checkAuth = options.auth === undefined ? undefined : basicAuthCheck(parseCredentials(options.auth));
  const [publicKey, signingKey, sources, tls] = await Promise.all([
    loadKey(options.verify?.publicKey, "public"),
    loadKey(options.signingKey, "private"),
    pluginSources(options.watch ?? []),
    prepareTls(options, host),
  ]);
  const ctx: HandlerContext = { rootReal, verdicts: new BundleVerdicts(publicKey), verifyDownloads: options.verify !== undefined, contents: new ContentCache(), checkAuth };
  const emit = (entry: ServeLogEntry) => {
    try {
      options.log?.(entry);
    } catch {
      // a failing logger must not take the server down
    }
  };
  let closing = false;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const time = new Date().toISOString();
    const started = performance.now();
    const progress: SendProgress = { bytes: 0 };
    let note: string | undefined;
    if (closing) res.setHeader("Connection", "close");
    // 'finish' comes once the last byte is with the operating system; a cut connection never sees it
    // (writableFinished cannot tell: a destroyed socket reports nothing left to write).
    let finished = false;
    res.once("finish", () => (finished = true));
    res.on("close", () => {
      const entry: RequestLogEntry = {
        type: "request",
        time,
        remote: req.socket.remoteAddress ?? "-",
        method: req.method ?? "-",
        path: printableTarget(req.url ?? ""),
        status: res.statusCode,
        bytes: progress.bytes,
        durationMs: Math.round(performance.now() - started),
        completed: finished,
        ...(note ? { reason: note } : {}),
      };
      emit(entry);
      if (closing) server.closeIdleConnections();
    });
    respond(ctx, req, res, progress).catch((err: unknown) => {
      const refusal = err instanceof Refusal ? err : new Refusal(500, "internal error\n", `internal error: ${(err as Error)?.message ?? String(err)}`);
      note = refusal.reason;
      sendRefusal(req, res, refusal, progress);
    });
  };

  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" }, onRequest) : createHttpServer(onRequest);
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!err.code?.startsWith("HPE_") || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    emit({
      type: "request",
      time: new Date().toISOString(),
      remote: (socket as Duplex & { remoteAddress?: string }).remoteAddress ?? "-",
      method: "-",
      path: "-",
      status: Number(status.slice(0, 3)),
      bytes: 0,
      durationMs: 0,
      completed: true,
      reason: `unparseable request (${err.code})`,
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  // A wildcard address is not one to connect to; loopback reaches it from this machine.
  const connectHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const url = `${tls ? "https" : "http"}://${urlHost(connectHost)}:${boundPort}/`;

  const watchers = sources.map(
    (source) => new PluginWatcher(source, { root: rootReal, signingKey, urlFor: (bundle) => `${url}${encodeURIComponent(bundle)}`, report: emit }),
  );
  try {
    for (const w of watchers) w.start();
  } catch (err) {
    await Promise.all(watchers.map((w) => w.stop()));
    server.close();
    throw err;
  }

  let closed: Promise<void> | undefined;
  let cutTimer: NodeJS.Timeout | undefined;
  let cutAt = Infinity;
  return {
    url,
    address: host,
    port: boundPort,
    root: rootReal,
    ...(tls ? { tls: { certificate: tls.cert, fingerprint: tls.fingerprint, selfSigned: tls.selfSigned } } : {}),
    close({ graceMs = DEFAULT_GRACE_MS } = {}) {
      const cutBy = Date.now() + graceMs;
      if (cutBy < cutAt) {
        cutAt = cutBy;
        clearTimeout(cutTimer);
        cutTimer = setTimeout(() => server.closeAllConnections(), graceMs);
      }
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.all([stopped, ...watchers.map((w) => w.stop())]);
        clearTimeout(cutTimer);
      })();
      return closed;
    },
  };
}
