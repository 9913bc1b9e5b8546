/** Bundle status in listings, and `serve --verify`: 409 with the gateway's reason instead of a cryptic gateway log. */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../src/bundle/build.js";
import { writeZip, type ZipEntry } from "../src/bundle/zip-writer.js";
import type { ServeLogEntry } from "../src/serve/log.js";
import { BundleVerdicts } from "../src/serve/verdicts.js";
import { fetchRaw, startServer, writePlugin } from "./helpers/serve-client.js";
import { writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";
import { buildZip } from "./helpers/zip-builder.js";

interface ListedBundle {
  name: string;
  size: number;
  bundle?: { accepted: boolean; checksum: string; signature: string; problems: Array<{ severity: string; code: string; message: string }> };
}

async function listing(url: string): Promise<Record<string, ListedBundle>> {
  const r = await fetchRaw(url, "/", { headers: { Accept: "application/json" } });
  expect(r.status).toBe(200);
  const body = JSON.parse(r.body.toString()) as { entries: ListedBundle[] };
  return Object.fromEntries(body.entries.map((e) => [e.name, e]));
}

/** A zip whose manifest claims a checksum its files do not have. */
async function writeTamperedBundle(file: string): Promise<void> {
  const manifest = { file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "MyPre" }] }, checksum: "0".repeat(32), signature: "" };
  const entry = (name: string, text: string): ZipEntry => ({
    kind: "file",
    name,
    read: async function* () {
      yield Buffer.from(text);
    },
  });
  const out = createWriteStream(file);
  await writeZip([entry("middleware.py", "def MyPre(request, session, spec):\n    return request, session  # edited after build\n"), entry("manifest.json", JSON.stringify(manifest))], out);
  await new Promise((resolve) => out.end(resolve));
}

let root: string;
let keys: TestKeys;

beforeAll(async () => {
  const top = await tempDir("tyk-ts-serve-verify-");
  root = path.join(top, "served");
  await mkdir(root);
  keys = writeTestKeys(top);
  const otherKeys = writeTestKeys(top, "other");
  const manifest = path.join(await writePlugin(path.join(top, "plugin")), "manifest.json");
  await buildBundle({ manifest, output: path.join(root, "good.zip"), key: keys.privatePkcs8 });
  await buildBundle({ manifest, output: path.join(root, "other-key.zip"), key: otherKeys.privatePkcs8 });
  await buildBundle({ manifest, output: path.join(root, "unsigned.zip") });
  await writeTamperedBundle(path.join(root, "tampered.zip"));
  await writeFile(path.join(root, "broken.zip"), "this is not a zip");
  await writeFile(path.join(root, "readme.txt"), "notes");
});

describe("serve: bundle status in listings", () => {
  it("shows size, checksum status and signature status without a key", async () => {
    const { server } = await startServer({ root });
    const entries = await listing(server.url);
    expect(entries["good.zip"]!.size).toBe((await readFile(path.join(root, "good.zip"))).length);
    expect(entries["good.zip"]!.bundle).toMatchObject({ accepted: true, checksum: "ok", signature: "not checked" });
    expect(entries["unsigned.zip"]!.bundle).toMatchObject({ accepted: true, checksum: "ok", signature: "unsigned" });
    expect(entries["tampered.zip"]!.bundle).toMatchObject({ accepted: false, checksum: "mismatch" });
    expect(entries["tampered.zip"]!.bundle!.problems[0]).toMatchObject({ severity: "error", code: "checksum-mismatch" });
    expect(entries["broken.zip"]!.bundle).toMatchObject({ accepted: false, checksum: "not checked", signature: "not checked" });
    expect(entries["readme.txt"]!.bundle).toBeUndefined();
  });

  it("checks signatures against the public key, and shows the verdict in the HTML listing", async () => {
    const { server } = await startServer({ root, verify: { publicKey: keys.publicSpki } });
    const entries = await listing(server.url);
    expect(entries["good.zip"]!.bundle).toMatchObject({ accepted: true, checksum: "ok", signature: "valid" });
    expect(entries["other-key.zip"]!.bundle).toMatchObject({ accepted: false, checksum: "ok", signature: "invalid" });
    expect(entries["unsigned.zip"]!.bundle).toMatchObject({ accepted: false, signature: "unsigned" });
    // Under --verify every file is a bundle candidate: a download of it would be checked too.
    expect(entries["readme.txt"]!.bundle).toMatchObject({ accepted: false });

    const html = (await fetchRaw(server.url, "/")).body.toString();
    expect(html).toMatch(/good\.zip<\/a>.*?<td class="ok">ok<\/td><td class="ok">valid<\/td><td><span class="ok">accepted/);
    expect(html).toMatch(/tampered\.zip<\/a>.*?<td class="bad">mismatch<\/td>.*?refused.*?checksum mismatch/);
  });

  it("follows a bundle renamed over another: the status is for the version on disk now", async () => {
    const dir = await tempDir("tyk-ts-serve-verify-swap-");
    await copyFile(path.join(root, "good.zip"), path.join(dir, "app.zip"));
    const { server } = await startServer({ root: dir });
    expect((await listing(server.url))["app.zip"]!.bundle!.checksum).toBe("ok");
    await copyFile(path.join(root, "tampered.zip"), path.join(dir, ".app.zip.tmp"));
    await rename(path.join(dir, ".app.zip.tmp"), path.join(dir, "app.zip"));
    expect((await listing(server.url))["app.zip"]!.bundle!.checksum).toBe("mismatch");
  });
});

describe("BundleVerdicts", () => {
  it("verifies each file version once, and again when the file is replaced", async () => {
    const dir = await tempDir("tyk-ts-serve-verdicts-");
    const file = path.join(dir, "app.zip");
    await copyFile(path.join(root, "good.zip"), file);
    const verdicts = new BundleVerdicts();
    const first = verdicts.verdictFor(file, await stat(file, { bigint: true }));
    expect(verdicts.verdictFor(file, await stat(file, { bigint: true }))).toBe(first);
    expect(await first).toMatchObject({ accepted: true, checksum: "ok" });

    await copyFile(path.join(root, "tampered.zip"), `${file}.new`);
    await rename(`${file}.new`, file);
    const replaced = verdicts.verdictFor(file, await stat(file, { bigint: true }));
    expect(replaced).not.toBe(first);
    expect(await replaced).toMatchObject({ accepted: false, checksum: "mismatch" });
  });
});

describe("serve --verify", () => {
  it("serves accepted bundles and answers 409 with the gateway's reason for the others", async () => {
    const { server, logs } = await startServer({ root, verify: { publicKey: keys.publicSpki } });
    const good = await fetchRaw(server.url, "/good.zip");
    expect(good.status).toBe(200);
    expect(good.body.equals(await readFile(path.join(root, "good.zip")))).toBe(true);

    const unsigned = await fetchRaw(server.url, "/unsigned.zip");
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.toString()).toMatch(/^tyk-ts serve --verify refused unsigned\.zip:\n {2}- manifest\.json has no signature.*\("Bundle isn't signed"\)/);

    // The gateway's first reason, then the one it would give next.
    const tampered = await fetchRaw(server.url, "/tampered.zip");
    expect(tampered.status).toBe(409);
    expect(tampered.body.toString()).toMatch(/refused tampered\.zip:\n {2}- manifest\.json has no signature.*\nalso noticed:\n {2}- also refused for: checksum mismatch: manifest\.json says "0{32}"/);

    expect((await fetchRaw(server.url, "/other-key.zip")).body.toString()).toContain("the signature does not match");
    expect((await fetchRaw(server.url, "/broken.zip")).status).toBe(409);

    const requests = logs.filter((e): e is Extract<ServeLogEntry, { type: "request" }> => e.type === "request");
    expect(requests.map((e) => e.status)).toEqual([200, 409, 409, 409, 409]);
    expect(requests[1]!.reason).toMatch(/^refused: manifest\.json has no signature/);
  });

  it("without a key accepts unsigned bundles, as a gateway without public_key_path does", async () => {
    const { server } = await startServer({ root, verify: {} });
    expect((await fetchRaw(server.url, "/unsigned.zip")).status).toBe(200);
    expect((await fetchRaw(server.url, "/good.zip")).status).toBe(200);
    const tampered = await fetchRaw(server.url, "/tampered.zip");
    expect(tampered.status).toBe(409);
    expect(tampered.body.toString()).toMatch(/^tyk-ts serve --verify refused tampered\.zip:\n {2}- checksum mismatch: manifest\.json says "0{32}"/);
  });

  it("does not serve a bundle over a tyk-ts safety limit, and says it was not checked rather than refused", async () => {
    const bombRoot = path.join(path.dirname(root), "bomb-root");
    await mkdir(bombRoot, { recursive: true });
    const py = "def hook(request, session, spec):\n    return request, session\n";
    const manifest = JSON.stringify({ file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "hook" }] }, checksum: createHash("md5").update(py).digest("hex") });
    await writeFile(path.join(bombRoot, "zeros.zip"), buildZip([{ name: "middleware.py", data: py }, { name: "zeros.bin", data: Buffer.alloc(16 * 1024 * 1024) }, { name: "manifest.json", data: manifest }]));
    const { server, logs } = await startServer({ root: bombRoot, verify: {} });
    const listed = (await listing(server.url))["zeros.zip"]!.bundle as unknown as Record<string, unknown>;
    expect(listed).toMatchObject({ verdict: "unchecked", accepted: false, limit: { code: "ratio", value: 100 } });
    const r = await fetchRaw(server.url, "/zeros.zip");
    expect(r.status).toBe(409);
    expect(r.body.toString()).toMatch(/^tyk-ts serve --verify did not serve \(not checked\) zeros\.zip:\n {2}- "zeros\.bin" unpacks \d+ bytes to 16777216 .*the gateway has no such limit\)/);
    const requests = logs.filter((e): e is Extract<ServeLogEntry, { type: "request" }> => e.type === "request");
    expect(requests.at(-1)!.reason).toMatch(/^unchecked: /);
  });

  it("names a public key file that is not a public key", async () => {
    await expect(startServer({ root, verify: { publicKey: keys.privatePkcs8 } })).rejects.toMatchObject({ code: "key-not-public" });
  });
});
