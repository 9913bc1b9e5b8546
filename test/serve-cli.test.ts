/** `tyk-ts serve` as a user runs it: the built CLI spawned, talking real HTTP, stopped by signals. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";
import { writeTestKeys } from "./helpers/keys.js";
import { fetchRaw } from "./helpers/serve-client.js";
import { tempDir } from "./helpers/tmp.js";

interface ServeProcess {
  child: ChildProcess;
  /** The URL from the start banner. */
  url: Promise<string>;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function spawnServe(args: string[]): ServeProcess {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/tyk-ts.js"), "serve", ...args], {
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  const url = new Promise<string>((resolve, reject) => {
    const look = () => {
      const m = /(https?:\/\/[^\s/]+\/)/.exec(stdout);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on("data", look);
    void exited.then(() => reject(new Error(`serve exited before listening:\n${stdout}\n${stderr}`)));
  });
  url.catch(() => undefined); // tests that expect an early exit never wait for the URL
  return { child, url, output: () => ({ stdout, stderr }), exited };
}

const BIG = 48 << 20; // over the content cache's per-file limit: streamed from disk
const MEDIUM = 24 << 20; // sent from the content cache
let served: string;
beforeAll(async () => {
  served = await tempDir("tyk-ts-serve-cli-");
  await writeFile(path.join(served, "a.zip"), "0123456789");
  await writeFile(path.join(served, "big.zip"), Buffer.alloc(BIG));
  await writeFile(path.join(served, "medium.zip"), Buffer.alloc(MEDIUM));
});

describe("tyk-ts serve (built CLI)", () => {
  it("prints the URL and the tyk.conf lines, logs each request on stderr, and exits 0 on SIGTERM", async () => {
    const keys = writeTestKeys(await tempDir());
    // -k alone puts public_key_path into the lines to paste; --verify is not needed for that.
    const p = spawnServe([served, "-p", "0", "-k", keys.publicSpki]);
    const url = await p.url;
    const { stdout } = p.output();
    expect(stdout).toContain(`serving ${served} at ${url}`);
    expect(stdout).toContain('"enable_bundle_downloader": true,');
    expect(stdout).toContain(`"bundle_base_url": "${url}",`);
    expect(stdout).toContain(`"public_key_path": "${keys.publicSpki}"`);

    expect((await fetchRaw(url, "/missing.zip")).status).toBe(404);
    await new Promise((r) => setTimeout(r, 100));
    expect(p.output().stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/missing\.zip 404 10 \d+ms$/m);

    p.child.kill("SIGTERM");
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.output().stderr).toContain("stopping");
  });

  it("on SIGTERM cuts a stalled download within a few seconds and still exits 0", async () => {
    const p = spawnServe([served, "-p", "0"]);
    const url = new URL(await p.url);
    const download = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: url.hostname, port: url.port, path: "/big.zip", agent: false }, resolve).on("error", reject),
    );
    download.pause(); // a client that stopped reading
    download.on("error", () => undefined);
    const started = Date.now();
    p.child.kill("SIGTERM");
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(p.output().stderr).toMatch(/GET \/big\.zip 200 \d+ \d+ms \(incomplete\)/);
  });

  it.skipIf(!existsSync("/proc/self/status")).each([
    ["big.zip", BIG],
    ["medium.zip", MEDIUM],
  ])("keeps memory flat: 16 concurrent downloads of %s stay far below one copy per download", async (name, size) => {
    const p = spawnServe([served, "-p", "0"]);
    const url = await p.url;
    const downloads = Array.from({ length: 16 }, () =>
      new Promise<number>((resolve, reject) => {
        http.get(`${url}${name}`, { agent: false }, (res) => {
          let bytes = 0;
          res.on("data", (c: Buffer) => (bytes += c.length));
          res.on("end", () => resolve(bytes));
        }).on("error", reject);
      }),
    );
    expect(await Promise.all(downloads)).toEqual(Array(16).fill(size));
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.child.pid}/status`, "utf8"))![1]);
    expect(peakKb / 1024).toBeLessThan(200); // a copy per download would take 16 × the file
    p.child.kill("SIGTERM");
    await p.exited;
  });

  it("exits 2 with a clear message when the port is taken, instead of moving to another port", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runCli(["serve", served, "-p", String(port)]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`error 127.0.0.1:${port} is already in use by another program`);
      expect(r.stderr).toContain("hint:");
    } finally {
      blocker.close();
    }
  });

  it("writes JSON lines with --json-log: the listening event on stdout, requests on stderr", async () => {
    const p = spawnServe([served, "-p", "0", "--json-log", "--auth", "dev:p@ss"]);
    const url = await p.url;
    const listening = JSON.parse(p.output().stdout.split("\n")[0]!) as { type: string; url: string; tykConf: Record<string, unknown> };
    expect(listening).toMatchObject({ type: "listening", url, tykConf: { enable_bundle_downloader: true, bundle_base_url: url.replace("://", "://dev:p%40ss@") } });

    await fetchRaw(url, "/a.zip", { headers: { Authorization: `Basic ${Buffer.from("dev:p@ss").toString("base64")}` } });
    await new Promise((r) => setTimeout(r, 100));
    const entry = JSON.parse(p.output().stderr.trim().split("\n").at(-1)!) as Record<string, unknown>;
    expect(entry).toMatchObject({ type: "request", method: "GET", path: "/a.zip", status: 200, bytes: 10, completed: true });
    p.child.kill("SIGINT");
    expect((await p.exited).code).toBe(0);
  });

  it("warns when listening beyond loopback", async () => {
    const p = spawnServe([served, "-p", "0", "-H", "0.0.0.0"]);
    await new Promise<void>((resolve) => p.child.stderr!.on("data", () => p.output().stderr.includes("warning") && resolve()));
    expect(p.output().stderr).toContain("warning listening on 0.0.0.0: anyone who can reach this machine can download the bundles (add --auth user:password");
    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
  });

  it.each([
    [["-p", "70000"], "--port expects a number from 0 to 65535"],
    [["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"],
    [["--sign-key", "private.pem"], "--sign-key signs the bundles --watch builds"],
    [["--auth", "nocolon"], "--auth expects user:password"],
    [["--watch", "."], "--watch .: no manifest.json in"],
  ])("refuses %j with exit 2", async (args, message) => {
    const r = await runCli(["serve", await tempDir(), "-p", "0", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
