/**
 * `tyk-ts serve --watch` under 200 concurrent keep-alive connections on loopback, for a bounded time,
 * with a mix of GET, HEAD, Range, conditional (304) and listing requests, while bundles are rebuilt
 * underneath: the watched plugin is edited so --watch writes new content-named bundles, and a
 * fixed-name bundle is rebuilt and renamed over itself. Every byte served must belong to a real
 * version of the file it was asked for; no 5xx; the server's memory must stay flat.
 *
 * TYK_TS_LOAD_SECONDS sets the duration (default 5); TYK_TS_LOAD=heavy runs 60 s.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { ROOT } from "../helpers/cli.js";
import { fetchRaw, type Reply } from "../helpers/serve-client.js";
import { tempDir } from "../helpers/tmp.js";

const CLI = path.join(ROOT, "bin/tyk-ts.js");
const SECONDS = Number(process.env.TYK_TS_LOAD_SECONDS ?? (process.env.TYK_TS_LOAD === "heavy" ? 60 : 5));
const CONNECTIONS = 200;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let root: string;
let served: string;
let watched: string;
let fixed: string;
let serverPid: number;
let url: string;
let stopServer: () => void;
/** Every version the fixed-name bundle has had, oldest first. */
const fixedVersions: Buffer[] = [];
/** Bundle names --watch reported, with their content once fetched and checked. */
const watchBundles = new Map<string, Buffer | undefined>();

function writePythonPlugin(dir: string, seed: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "middleware.py"), `# version ${seed}\ndef Pre(request, session, spec):\n    return request, session\n`);
  // Some weight, so ranges and interrupted downloads mean something.
  writeFileSync(path.join(dir, "data.bin"), randomBytes(192 * 1024));
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ file_list: ["middleware.py", "data.bin"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
}

async function rebuildFixed(version: number): Promise<void> {
  writeFileSync(path.join(fixed, "middleware.py"), `# fixed ${version}\ndef Pre(request, session, spec):\n    return request, session\n`);
  const output = path.join(served, "static.zip");
  await buildBundle({ manifest: path.join(fixed, "manifest.json"), output });
  const bytes = readFileSync(output);
  fixedVersions.push(bytes);
}

beforeAll(async () => {
  root = await tempDir("tyk-ts-load-serve-");
  served = path.join(root, "served");
  watched = path.join(root, "plugin");
  fixed = path.join(root, "fixed");
  mkdirSync(served);
  writePythonPlugin(watched, 0);
  writePythonPlugin(fixed, 0);
  await rebuildFixed(0);

  const child = spawn(process.execPath, [CLI, "serve", served, "-p", "0", "--json-log", "--watch", watched], { stdio: ["ignore", "pipe", "ignore"] });
  serverPid = child.pid!;
  stopServer = () => child.kill("SIGKILL");
  url = await new Promise<string>((resolve, reject) => {
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; url?: string; bundle?: string };
        if (event.type === "listening") resolve(event.url!);
        if (event.type === "build" && event.bundle) watchBundles.set(event.bundle, undefined);
      }
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  for (let i = 0; i < 100 && watchBundles.size === 0; i++) await new Promise((r) => setTimeout(r, 50));
});

afterAll(() => stopServer?.());

interface Tally {
  /**
   * Checks run after the load: a response may carry a version of static.zip that was renamed into
   * place a moment before the rebuild loop recorded it.
   */
  deferred: Array<() => string | undefined>;
  requests: number;
  byStatus: Record<number, number>;
  wrongBytes: string[];
  serverErrors: number;
  socketErrors: string[];
  bytes: number;
}

function send(agent: http.Agent, target: string, method: string, headers: Record<string, string>): Promise<Reply> {
  return fetchRaw(url, `/${target}`, { method, headers, agent });
}

/** Content of a --watch bundle: fetched once, and it must hash to the name it is served under. */
async function watchContent(agent: http.Agent, name: string, tally: Tally): Promise<Buffer | undefined> {
  const known = watchBundles.get(name);
  if (known) return known;
  const r = await send(agent, name, "GET", {});
  if (r.status !== 200) return undefined;
  const expected = /-([0-9a-f]{8,64})\.zip$/.exec(name)?.[1];
  if (!sha256(r.body).startsWith(expected ?? "-")) tally.wrongBytes.push(`${name}: content does not hash to its name`);
  watchBundles.set(name, r.body);
  return r.body;
}

/** One client connection's loop until the deadline. */
async function worker(id: number, agent: http.Agent, deadline: number, tally: Tally): Promise<void> {
  const etags = new Map<string, string>();
  for (let i = 0; Date.now() < deadline; i++) {
    const roll = (id * 7919 + i * 104729) % 100;
    const names = [...watchBundles.keys()];
    const watchName = names[(id + i) % names.length]!;
    const useFixed = (id + i) % 2 === 0;
    const name = useFixed ? "static.zip" : watchName;
    try {
      const watchVersion = useFixed ? undefined : await watchContent(agent, watchName, tally);
      // A request opens the file after it starts, so it gets the version current then or a later one:
      // the last one recorded, or one renamed into place before the rebuild loop recorded it.
      const firstCandidate = Math.max(0, fixedVersions.length - 1);
      const versions = () => (useFixed ? fixedVersions.slice(firstCandidate) : watchVersion ? [watchVersion] : []);
      /** Checks now, or after the run for static.zip, whose versions are recorded as they appear (only digests are kept). */
      const check = (test: (versions: Buffer[]) => boolean, problem: string) => {
        const run = () => (test(versions()) ? undefined : problem);
        if (useFixed) tally.deferred.push(run);
        else if (run()) tally.wrongBytes.push(problem);
      };
      const count = (status: number, bytes: number) => {
        tally.requests++;
        tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
        if (status >= 500) tally.serverErrors++;
        tally.bytes += bytes;
      };
      if (roll < 30) {
        const r = await send(agent, name, "GET", {});
        count(r.status, r.body.length);
        const digest = sha256(r.body);
        if (r.status === 200) check((vs) => vs.some((v) => sha256(v) === digest), `GET ${name}: ${r.body.length} bytes match no version`);
        if (r.headers.etag) etags.set(name, r.headers.etag);
      } else if (roll < 45) {
        const r = await send(agent, name, "HEAD", {});
        count(r.status, 0);
        const length = Number(r.headers["content-length"]);
        if (r.status === 200) check((vs) => vs.some((v) => v.length === length), `HEAD ${name}: length ${length} matches no version`);
      } else if (roll < 70) {
        const size = versions()[0]?.length ?? 1000;
        const start = (i * 31337 + id) % size;
        const end = Math.min(size - 1, start + ((i * 7 + id) % 50_000));
        const r = await send(agent, name, "GET", { Range: `bytes=${start}-${end}` });
        count(r.status, r.body.length);
        const digest = sha256(r.body);
        if (r.status === 206) check((vs) => vs.some((v) => sha256(v.subarray(start, end + 1)) === digest), `Range ${start}-${end} of ${name} matches no version`);
        if (r.status === 200) check((vs) => vs.some((v) => sha256(v) === digest), `Range fallback of ${name} matches no version`);
      } else if (roll < 90) {
        const etag = etags.get(name);
        const r = await send(agent, name, "GET", etag ? { "If-None-Match": etag } : {});
        count(r.status, r.body.length);
        if (r.status === 304 && r.body.length > 0) tally.wrongBytes.push(`304 for ${name} with a body`);
        const digest = sha256(r.body);
        if (r.status === 200) check((vs) => vs.some((v) => sha256(v) === digest), `conditional GET ${name} matches no version`);
        if (r.headers.etag) etags.set(name, r.headers.etag);
      } else {
        const r = await send(agent, "", "GET", { Accept: "application/json" });
        count(r.status, r.body.length);
        const listed = (JSON.parse(r.body.toString()) as { entries: Array<{ name: string }> }).entries.map((e) => e.name);
        if (listed.some((n) => n.startsWith("."))) tally.wrongBytes.push(`listing shows a dotfile: ${listed.join(", ")}`);
      }
    } catch (err) {
      tally.socketErrors.push(`${name}: ${(err as Error).message}`);
    }
  }
}

function rssKiB(field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${serverPid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

describe("serve under load while bundles are rebuilt", () => {
  it(`${CONNECTIONS} connections for ${SECONDS} s: zero wrong bytes, zero 5xx, flat memory`, async () => {
    expect(watchBundles.size).toBeGreaterThan(0);
    const deadline = Date.now() + SECONDS * 1000;
    const tally: Tally = { deferred: [], requests: 0, byStatus: {}, wrongBytes: [], serverErrors: 0, socketErrors: [], bytes: 0 };
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssKiB("VmRSS")), 100);

    // Underneath: edit the watched plugin (new content-named bundles) and rebuild the fixed-name one.
    let edits = 0;
    let fixedBuilds = 0;
    const rebuilding = (async () => {
      while (Date.now() < deadline) {
        writeFileSync(path.join(watched, "middleware.py"), `# edit ${++edits}\ndef Pre(request, session, spec):\n    return request, session\n`);
        await rebuildFixed(++fixedBuilds);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, id) => worker(id, agent, deadline, tally)));
    await rebuilding;
    clearInterval(sampler);
    agent.destroy();
    for (const run of tally.deferred) {
      const problem = run();
      if (problem) tally.wrongBytes.push(problem);
    }

    const peakMiB = rssKiB("VmHWM") / 1024;
    const third = Math.max(1, Math.floor(rss.length / 3));
    const early = Math.max(...rss.slice(0, third)) / 1024;
    const late = Math.max(...rss.slice(-third)) / 1024;
    const summary = {
      seconds: SECONDS,
      connections: CONNECTIONS,
      requests: tally.requests,
      requestsPerSecond: Math.round(tally.requests / SECONDS),
      mibServed: +(tally.bytes / 2 ** 20).toFixed(1),
      byStatus: tally.byStatus,
      wrongBytes: tally.wrongBytes.length,
      serverErrors: tally.serverErrors,
      socketErrors: tally.socketErrors.length,
      watchBundles: watchBundles.size,
      fixedRebuilds: fixedBuilds,
      peakRssMiB: +peakMiB.toFixed(1),
      rssEarlyMiB: +early.toFixed(1),
      rssLateMiB: +late.toFixed(1),
    };
    process.stdout.write(`serve-load ${JSON.stringify(summary)}\n`);

    expect(tally.wrongBytes.slice(0, 10)).toEqual([]);
    expect(tally.serverErrors).toBe(0);
    expect(tally.socketErrors.slice(0, 10)).toEqual([]);
    expect(tally.requests).toBeGreaterThan(CONNECTIONS);
    expect(watchBundles.size, "--watch rebuilt while under load").toBeGreaterThan(1);
    // Flat: the last third of the run holds no more than the first third plus slack for the heap to settle.
    expect(late).toBeLessThan(early * 1.5 + 32);
    expect(peakMiB).toBeLessThan(250);
  }, (SECONDS + 60) * 1000);
});
