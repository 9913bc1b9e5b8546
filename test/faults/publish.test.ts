/**
 * `bundle publish` when things go wrong between here and the store: the network drops in the
 * middle of an upload, the store refuses the credentials, the public URL serves other bytes, the
 * store is gone. Each time: no definition changes, exit 1 or 2 with the reason, and a rerun once the
 * fault is gone completes the job.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import http from "node:http";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import type { PublishResult } from "../../src/index.js";
import { MULTIPART_THRESHOLD } from "../../src/publish/s3-store.js";
import { runCli, type RunResult } from "../helpers/cli.js";
import { buildPlugin, writeDefinitions } from "../helpers/publish.js";
import { awsEnv, hasNginx, s3rverPath, startCuttingRelay, startNginxDav, startS3rver, type Running } from "../helpers/stores.js";
import { tempDir } from "../helpers/tmp.js";
import { CLI, writeLargePlugin } from "./support.js";

const sha12 = (data: Buffer) => createHash("sha256").update(data).digest("hex").slice(0, 12);
const KEYS = { id: "S3RVER", secret: "S3RVER" };

interface Fixture {
  dir: string;
  bundle: string;
  name: string;
  defs: Record<string, string>;
  texts: Record<string, string>;
}

async function fixture(large: boolean): Promise<Fixture> {
  const dir = await tempDir("tyk-ts-publish-fault-");
  let bundle: string;
  if (large) {
    // Over the multipart threshold, so the drop comes between parts and inside one.
    const manifest = writeLargePlugin(path.join(dir, "src", "auth"), 2 * (MULTIPART_THRESHOLD / 2 ** 20) + 4);
    bundle = path.join(dir, "auth.zip");
    await buildBundle({ manifest, output: bundle });
  } else {
    bundle = await buildPlugin(dir, "auth");
  }
  const name = `auth-${sha12(await readFile(bundle))}.zip`;
  const defs = await writeDefinitions(dir);
  const texts = Object.fromEntries(await Promise.all(Object.entries(defs).map(async ([k, f]) => [k, await readFile(f, "utf8")])));
  return { dir, bundle, name, defs, texts };
}

async function expectDefinitionsUnchanged(f: Fixture): Promise<void> {
  for (const [k, file] of Object.entries(f.defs)) expect(await readFile(file, "utf8"), k).toBe(f.texts[k]);
}

async function expectDefinitionsUpdated(f: Fixture, r: RunResult): Promise<void> {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout) as PublishResult;
  expect(result.definitions.map((d) => d.status)).toEqual(Object.keys(f.defs).map(() => "updated"));
  expect(JSON.parse(await readFile(f.defs.classic!, "utf8")).custom_middleware_bundle).toBe(f.name);
}

/** The large fixture is shared by several tests: each puts its definitions back as they were. */
async function resetDefinitions(f: Fixture): Promise<void> {
  for (const [k, file] of Object.entries(f.defs)) await writeFile(file, f.texts[k]!);
}

describe.skipIf(!s3rverPath())("bundle publish to S3 when things fail", () => {
  let s3: Running & { dir: string };
  let large: Fixture;
  beforeAll(async () => {
    s3 = await startS3rver("bundles");
    large = await fixture(true);
  }, 120_000);
  afterAll(async () => s3?.stop());

  const publish = (f: Fixture, endpoint: string, env: NodeJS.ProcessEnv = awsEnv(f.dir, KEYS), publicUrl = `${s3.url}/bundles/tyk/`) =>
    runCli(["bundle", "publish", f.bundle, "--to", "s3://bundles/tyk/", "--endpoint", endpoint, "--public-url", publicUrl, "--json", "--update", ...Object.values(f.defs)], {
      cwd: f.dir,
      env,
      timeoutMs: 90_000,
    });

  it("the network drops in the middle of a multipart upload: exit 2, nothing stored under the name; a rerun completes", async () => {
    const relay = await startCuttingRelay(s3.port, 12 * 2 ** 20);
    try {
      const r = await publish(large, relay.url);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/error (PUT|GET|HEAD) s3:\/\/bundles\/tyk\/auth-[0-9a-f]{12}\.zip failed: (ECONNRESET|EPIPE|socket hang up)/);
      expect(relay.forwarded()).toBeGreaterThan(8 * 2 ** 20);
    } finally {
      await relay.stop();
    }
    await expectDefinitionsUnchanged(large);
    expect((await fetch(`${s3.url}/bundles/tyk/${large.name}`)).status).toBe(404);
    await expectDefinitionsUpdated(large, await publish(large, s3.url));
    await resetDefinitions(large);
  }, 120_000);

  it("Ctrl-C while an upload hangs: exits at once with the reason, no definition changed; a rerun completes", async () => {
    const relay = await startCuttingRelay(s3.port, 10 * 2 ** 20, "stall");
    try {
      const child = spawn(process.execPath, [CLI, "bundle", "publish", large.bundle, "--to", "s3://bundles/int/", "--endpoint", relay.url, "--public-url", `${s3.url}/bundles/int/`, "--update", ...Object.values(large.defs)], {
        cwd: large.dir,
        env: { ...process.env, ...awsEnv(large.dir, KEYS), NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      while (relay.forwarded() < 10 * 2 ** 20) await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      child.kill("SIGINT");
      expect(await exited).toBe(2);
      // The abort of the unfinished multipart upload goes through the hung network too: it gives up after 5 s.
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(stderr).toContain("publish interrupted; no definition was changed");
    } finally {
      await relay.stop();
    }
    await expectDefinitionsUnchanged(large);
    const rerun = await runCli(["bundle", "publish", large.bundle, "--to", "s3://bundles/int/", "--endpoint", s3.url, "--public-url", `${s3.url}/bundles/int/`, "--json", "--update", ...Object.values(large.defs)], {
      cwd: large.dir,
      env: awsEnv(large.dir, KEYS),
      timeoutMs: 90_000,
    });
    await expectDefinitionsUpdated(large, rerun);
    await resetDefinitions(large);
  }, 120_000);

  it("the store refuses the credentials: exit 2 naming the store's answer; a rerun with good ones completes", async () => {
    const f = await fixture(false);
    const r = await publish(f, s3.url, awsEnv(f.dir, { id: "AKIAWRONGWRONGWRONG1", secret: "not-the-secret" }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error PUT s3://bundles/tyk/${f.name}: the store refused the credentials (InvalidAccessKeyId, HTTP 403)`);
    expect(r.stderr).not.toContain("not-the-secret");
    await expectDefinitionsUnchanged(f);
    const none = await publish(f, s3.url, { ...awsEnv(f.dir, KEYS), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no AWS credentials found");
    await expectDefinitionsUnchanged(f);
    await expectDefinitionsUpdated(f, await publish(f, s3.url));
  });

  it("the public URL serves other bytes (a stale cache): exit 1, no definition changed; a rerun through the right URL completes", async () => {
    const f = await fixture(false);
    const stale = http.createServer((_req, res) => res.end("an older bundle"));
    await new Promise<void>((resolve) => stale.listen(0, "127.0.0.1", resolve));
    const staleUrl = `http://127.0.0.1:${(stale.address() as { port: number }).port}/tyk/`;
    try {
      const r = await publish(f, s3.url, awsEnv(f.dir, KEYS), staleUrl);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${staleUrl}${f.name} returned other bytes than were uploaded (15 bytes`);
      expect(r.stderr).toContain("no definition was changed");
    } finally {
      stale.close();
    }
    await expectDefinitionsUnchanged(f);
    const rerun = await publish(f, s3.url);
    await expectDefinitionsUpdated(f, rerun);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ bundles: [{ upload: "skipped", readBack: true }] });
  });

  it("the store is gone (its server killed): exit 2; a rerun against a store that is back completes", async () => {
    const f = await fixture(false);
    const gone = await startS3rver("bundles");
    await gone.stop();
    const r = await publish(f, gone.url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("failed: ECONNREFUSED");
    await expectDefinitionsUnchanged(f);
    await expectDefinitionsUpdated(f, await publish(f, s3.url));
  });
});

describe.skipIf(!hasNginx())("bundle publish to an HTTP store when things fail", () => {
  it("the connection drops in the middle of a PUT: exit 2, nginx keeps nothing; a rerun completes", async () => {
    const nginx = await startNginxDav({ token: "t0ken" });
    const f = await fixture(false);
    // A bundle of some size, so the cut falls inside its body.
    const manifest = writeLargePlugin(path.join(f.dir, "src", "auth"), 3);
    await buildBundle({ manifest, output: f.bundle });
    f.name = `auth-${sha12(await readFile(f.bundle))}.zip`;
    const relay = await startCuttingRelay(nginx.port, 2 ** 20);
    const publish = (base: string) =>
      runCli(["bundle", "publish", f.bundle, "--to", `${base}/tyk/`, "--public-url", `${nginx.url}/tyk/`, "--json", "--update", ...Object.values(f.defs)], {
        cwd: f.dir,
        env: { TYK_TS_PUBLISH_TOKEN: "t0ken" },
      });
    try {
      const r = await publish(relay.url);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/PUT http:\/\/127\.0\.0\.1:\d+\/tyk\/auth-[0-9a-f]{12}\.zip failed: (ECONNRESET|EPIPE)/);
      await expectDefinitionsUnchanged(f);
      expect(await readdir(path.join(nginx.root, "tyk")).catch(() => [])).toEqual([]);
      await expectDefinitionsUpdated(f, await publish(nginx.url));
      expect((await readFile(path.join(nginx.root, "tyk", f.name))).equals(await readFile(f.bundle))).toBe(true);
    } finally {
      await relay.stop();
      await nginx.stop();
    }
  }, 60_000);

  it("the store refuses the upload (413, its size limit): exit 2 with its answer; a rerun to a store that takes it completes", async () => {
    const small = await startNginxDav({ token: "t0ken", maxBody: "16k" });
    const f = await fixture(false);
    const manifest = writeLargePlugin(path.join(f.dir, "src", "auth"), 1);
    await buildBundle({ manifest, output: f.bundle });
    f.name = `auth-${sha12(await readFile(f.bundle))}.zip`;
    const publish = (base: string) =>
      runCli(["bundle", "publish", f.bundle, "--to", `${base}/tyk/`, "--json", "--update", ...Object.values(f.defs)], { cwd: f.dir, env: { TYK_TS_PUBLISH_TOKEN: "t0ken" } });
    try {
      const r = await publish(small.url);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`PUT ${small.url}/tyk/${f.name}: the store answered HTTP 413 Request Entity Too Large`);
      await expectDefinitionsUnchanged(f);
    } finally {
      await small.stop();
    }
    const big = await startNginxDav({ token: "t0ken" });
    try {
      await expectDefinitionsUpdated(f, await publish(big.url));
    } finally {
      await big.stop();
    }
  }, 60_000);
});
