/**
 * `bundle publish` against real stores on loopback: an S3-compatible server driven by the official
 * AWS SDK (s3rver from npm; moto_server too where installed), and Debian's nginx with WebDAV PUT.
 */
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublishResult } from "../src/index.js";
import { MULTIPART_THRESHOLD } from "../src/publish/s3-store.js";
import { openStore } from "../src/publish/stores.js";
import { parseTarget } from "../src/publish/target.js";
import { runCli } from "./helpers/cli.js";
import { buildPlugin, withReplaced, writeDefinitions } from "./helpers/publish.js";
import { awsEnv, hasMoto, hasNginx, s3rverPath, startMoto, startNginxDav, startS3rver, type Running } from "./helpers/stores.js";
import { tempDir } from "./helpers/tmp.js";
import { writeLargePlugin } from "./faults/support.js";
import { buildBundle } from "../src/bundle/build.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const sha12 = (data: Buffer) => createHash("sha256").update(data).digest("hex").slice(0, 12);
const S3RVER_KEYS = { id: "S3RVER", secret: "S3RVER" };

describe.skipIf(!s3rverPath())("bundle publish to S3 (s3rver)", () => {
  let s3: Running & { dir: string };
  beforeAll(async () => {
    s3 = await startS3rver("bundles");
  });
  afterAll(async () => s3?.stop());

  it("uploads through the AWS SDK with credentials from the environment, reads back from the public URL, then updates", async () => {
    const dir = await tempDir("tyk-ts-publish-s3-");
    const bundle = await buildPlugin(dir, "auth");
    const name = `auth-${sha12(await readFile(bundle))}.zip`;
    const defs = await writeDefinitions(dir);
    const before = await readFile(defs.oas, "utf8");
    const args = ["bundle", "publish", bundle, "--to", "s3://bundles/tyk/", "--endpoint", s3.url, "--public-url", `${s3.url}/bundles/tyk/`, "--update", defs.oas, "--json"];
    const r = await runCli(args, { cwd: dir, env: awsEnv(dir, S3RVER_KEYS) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as PublishResult;
    expect(result.bundles).toMatchObject([{ name, location: `s3://bundles/tyk/${name}`, url: `${s3.url}/bundles/tyk/${name}`, upload: "uploaded", conditional: true, parts: 1, readBack: true }]);
    expect(await readFile(defs.oas, "utf8")).toBe(withReplaced(before, '"auth.zip"', `"${name}"`));
    // What a gateway downloads: a plain GET of bundle_base_url joined with the name.
    const got = await fetch(`${s3.url}/bundles/tyk/${name}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/zip");
    expect(Buffer.from(await got.arrayBuffer()).equals(await readFile(bundle))).toBe(true);

    const again = await runCli(args, { cwd: dir, env: awsEnv(dir, S3RVER_KEYS) });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ bundles: [{ upload: "skipped", readBack: true }], definitions: [{ status: "current" }] });
  });

  it("uploads a bundle over the multipart threshold in parts, each with its Content-MD5", async () => {
    const dir = await tempDir("tyk-ts-publish-s3-big-");
    const manifest = writeLargePlugin(path.join(dir, "big"), 2 * (MULTIPART_THRESHOLD / 2 ** 20) + 4);
    const bundle = path.join(dir, "big.zip");
    await buildBundle({ manifest, output: bundle });
    const data = await readFile(bundle);
    expect(data.length).toBeGreaterThan(MULTIPART_THRESHOLD);
    const r = await runCli(["bundle", "publish", bundle, "--to", "s3://bundles/big/", "--endpoint", s3.url, "--public-url", `${s3.url}/bundles/big/`, "--json"], {
      cwd: dir,
      env: awsEnv(dir, S3RVER_KEYS),
      timeoutMs: 60_000,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [published] = (JSON.parse(r.stdout) as PublishResult).bundles;
    expect(published!.parts).toBe(Math.ceil(data.length / (8 * 2 ** 20)));
    const got = await fetch(published!.url!);
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
  });

  it("takes the endpoint from AWS_ENDPOINT_URL_S3 as well, with path-style addressing", async () => {
    const dir = await tempDir("tyk-ts-publish-s3-env-");
    const bundle = await buildPlugin(dir, "envauth");
    const r = await runCli(["bundle", "publish", bundle, "--to", "s3://bundles/env/", "--public-url", `${s3.url}/bundles/env/`, "--json"], {
      cwd: dir,
      env: { ...awsEnv(dir, S3RVER_KEYS), AWS_REGION: undefined, AWS_ENDPOINT_URL_S3: s3.url },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bundles: [{ upload: "uploaded", readBack: true }] });
  });

  it("never overwrites a key that holds other bytes (exit 1)", async () => {
    const dir = await tempDir("tyk-ts-publish-s3-conflict-");
    const bundle = await buildPlugin(dir, "conflict");
    const name = `conflict-${sha12(await readFile(bundle))}.zip`;
    const store = await openStore(parseTarget("s3://bundles/c/"), { endpoint: s3.url, region: "us-east-1" });
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" });
    expect(await store.create(name, Buffer.from("other bytes"))).toMatchObject({ outcome: "written" });
    store.close();
    const r = await runCli(["bundle", "publish", bundle, "--to", "s3://bundles/c/", "--endpoint", s3.url, "--public-url", `${s3.url}/bundles/c/`], { cwd: dir, env: awsEnv(dir, S3RVER_KEYS) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`s3://bundles/c/${name} already exists with other bytes; it was not overwritten`);
    expect(await (await fetch(`${s3.url}/bundles/c/${name}`)).text()).toBe("other bytes");
  });
});

describe.skipIf(!hasMoto())("S3 conditional writes (moto_server, where installed)", () => {
  it("a write that finds the name taken since the check is refused by the store (If-None-Match: *), single and multipart", async () => {
    const moto = await startMoto();
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_EC2_METADATA_DISABLED: "true" });
      const sdk = await import("@aws-sdk/client-s3");
      const client = new sdk.S3Client({ endpoint: moto.url, region: "us-east-1", forcePathStyle: true });
      await client.send(new sdk.CreateBucketCommand({ Bucket: "bundles" }));
      client.destroy();
      const store = await openStore(parseTarget("s3://bundles/"), { endpoint: moto.url });
      const small = Buffer.from("first");
      expect(await store.create("x.zip", small)).toEqual({ outcome: "written", conditional: true, parts: 1 });
      expect(await store.create("x.zip", Buffer.from("second"))).toMatchObject({ outcome: "exists" });
      const big = Buffer.alloc(MULTIPART_THRESHOLD + 1, 7);
      expect(await store.create("big.zip", big)).toMatchObject({ outcome: "written", parts: 3 });
      expect(await store.create("big.zip", Buffer.alloc(MULTIPART_THRESHOLD + 1, 8))).toMatchObject({ outcome: "exists" });
      expect(await store.compare("big.zip", big)).toBe("same");
      expect(await store.compare("x.zip", small)).toBe("same");
      store.close();

      // Stopped in the middle (Ctrl-C): the unfinished multipart upload is aborted, so no parts stay stored.
      const controller = new AbortController();
      const stopping = openStore(parseTarget("s3://bundles/"), { endpoint: moto.url, signal: controller.signal });
      setTimeout(() => controller.abort(), 150);
      await expect((await stopping).create("stopped.zip", Buffer.alloc(4 * MULTIPART_THRESHOLD, 9))).rejects.toMatchObject({ code: "aborted" });
      const lister = new sdk.S3Client({ endpoint: moto.url, region: "us-east-1", forcePathStyle: true });
      const uploads = await lister.send(new sdk.ListMultipartUploadsCommand({ Bucket: "bundles" }));
      expect(uploads.Uploads ?? []).toEqual([]);
      lister.destroy();
    } finally {
      await moto.stop();
    }
  }, 60_000);
});

describe.skipIf(!hasNginx())("bundle publish to an HTTP store (nginx WebDAV PUT)", () => {
  it("PUTs with the token from the environment, reads back without it (as the gateway downloads), then updates", async () => {
    const nginx = await startNginxDav({ token: "s3cret-token" });
    try {
      const dir = await tempDir("tyk-ts-publish-http-");
      const bundle = await buildPlugin(dir, "auth");
      const name = `auth-${sha12(await readFile(bundle))}.zip`;
      const defs = await writeDefinitions(dir);
      const before = await readFile(defs.operator, "utf8");
      const to = `${nginx.url}/tyk/bundles/`;
      const refused = await runCli(["bundle", "publish", bundle, "--to", to, "--update", defs.operator], { cwd: dir, env: { TYK_TS_PUBLISH_TOKEN: "wrong" } });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`PUT ${to}${name}: the store refused the credentials (HTTP 401)`);
      expect(refused.stderr).not.toContain("wrong");
      expect(await readFile(defs.operator, "utf8")).toBe(before);

      const r = await runCli(["bundle", "publish", bundle, "--to", to, "--header", "Authorization: Bearer ${PUBLISH_SECRET}", "--update", defs.operator], {
        cwd: dir,
        env: { PUBLISH_SECRET: "s3cret-token" },
      });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`read back ${to}${name}`);
      expect((await readFile(path.join(nginx.root, "tyk/bundles", name))).equals(await readFile(bundle))).toBe(true);
      expect(await readFile(defs.operator, "utf8")).toBe(withReplaced(before, "'auth-0123abcd.zip'", `'${name}'`));
      const again = await runCli(["bundle", "publish", bundle, "--to", to, "--json"], { cwd: dir, env: { TYK_TS_PUBLISH_TOKEN: "s3cret-token" } });
      expect(JSON.parse(again.stdout)).toMatchObject({ bundles: [{ upload: "skipped" }] });
      expect((await readdir(path.join(nginx.root, "tyk/bundles"))).length).toBe(1);
    } finally {
      await nginx.stop();
    }
  });
});
