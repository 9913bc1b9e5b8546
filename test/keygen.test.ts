/** `tyk-ts keygen`: keys that the gateway's formats, `bundle build -k`, `bundle verify` and openssl all read. */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, publicKeyPathFor } from "../src/bundle/keygen.js";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

describe("keygen", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it("writes a 0600 PKCS#1 private key and a PKIX public key beside it", async () => {
    const r = await generateKeyPair({ out: path.join(dir, "signing.pem") });
    expect(r).toMatchObject({ privateKeyPath: path.join(dir, "signing.pem"), publicKeyPath: path.join(dir, "signing.pub.pem"), bits: 2048 });
    expect(statSync(r.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(r.privateKeyPath, "utf8")).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(readFileSync(r.publicKeyPath, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(r.fingerprint).toMatch(/^SHA256:[0-9a-f]{64}$/);
  });

  it("names the public key after the private one", () => {
    expect(publicKeyPathFor("/k/signing.pem")).toBe("/k/signing.pub.pem");
    expect(publicKeyPathFor("/k/bundle-key")).toBe("/k/bundle-key.pub.pem");
  });

  it.skipIf(!hasTool("openssl"))("prints the fingerprint openssl computes, and openssl signs and verifies with the keys", async () => {
    const out = path.join(dir, "ossl.pem");
    const r = await runCli(["keygen", "-o", out]);
    expect(r.code).toBe(0);
    const der = execFileSync("openssl", ["pkey", "-pubin", "-in", publicKeyPathFor(out), "-outform", "DER"]);
    const digest = execFileSync("openssl", ["dgst", "-sha256", "-r"], { input: der, encoding: "utf8" }).split(" ")[0];
    expect(r.stdout).toContain(`fingerprint SHA256:${digest}`);
    expect(r.stdout).toContain(`"public_key_path": ${JSON.stringify(publicKeyPathFor(out))}`);
    const data = path.join(dir, "data.txt");
    writeFileSync(data, "bundle data");
    const sig = path.join(dir, "data.sig");
    execFileSync("openssl", ["dgst", "-sha256", "-sign", out, "-out", sig, data]);
    expect(execFileSync("openssl", ["dgst", "-sha256", "-verify", publicKeyPathFor(out), "-signature", sig, data], { encoding: "utf8" })).toContain("Verified OK");
  });

  it("makes keys that sign with bundle build -k and check with bundle verify -k", async () => {
    const key = path.join(dir, "build.pem");
    expect((await runCli(["keygen", "-o", key])).code).toBe(0);
    const bundle = path.join(dir, "bundle.zip");
    expect((await runCli(["bundle", "build", "-m", path.join(FIXTURES, "python-plugin/manifest.json"), "-o", bundle, "-k", key])).code).toBe(0);
    const verified = await runCli(["bundle", "verify", "-k", publicKeyPathFor(key), bundle]);
    expect(verified).toMatchObject({ code: 0, stdout: `${bundle}: accepted (checksum and signature match)\n` });
  });

  it("refuses to overwrite either key unless --force, and refuses other sizes", async () => {
    const key = path.join(dir, "keep.pem");
    expect((await runCli(["keygen", "-o", key])).code).toBe(0);
    const before = readFileSync(key, "utf8");
    const again = await runCli(["keygen", "-o", key]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists; refusing to overwrite a key");
    expect(readFileSync(key, "utf8")).toBe(before);
    const forced = await runCli(["keygen", "-o", key, "--force", "--bits", "3072", "--json"]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ privateKeyPath: key, bits: 3072 });
    expect(readFileSync(key, "utf8")).not.toBe(before);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect((await runCli(["keygen", "-o", path.join(dir, "small.pem"), "--bits", "1024"])).code).toBe(2);
  });

  it("creates the key's folder when it does not exist", async () => {
    const r = await generateKeyPair({ out: path.join(dir, "new/folder/key.pem") });
    expect(statSync(r.privateKeyPath).isFile()).toBe(true);
  });
});
