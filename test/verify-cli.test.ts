/**
 * `tyk-ts bundle verify` as a user runs it (the built CLI): exit codes, every output format, keys
 * from -k or from a gateway config, directories, limits flags.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { hasPython, pythonBundle } from "./helpers/independent.js";
import { writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";
import { buildZip } from "./helpers/zip-builder.js";

const MIDDLEWARE = { driver: "python", pre: [{ name: "Pre" }] };

describe.skipIf(!hasPython)("tyk-ts bundle verify (built CLI)", () => {
  let dir: string;
  let keys: TestKeys;
  let signed: string;
  let unsigned: string;
  let tampered: string;
  beforeAll(async () => {
    dir = await tempDir();
    keys = writeTestKeys(dir);
    signed = path.join(dir, "signed.zip");
    unsigned = path.join(dir, "unsigned.zip");
    tampered = path.join(dir, "tampered.zip");
    const base = { entries: [{ name: "middleware.py", text: "print('hi')\n" }], manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE } };
    pythonBundle({ ...base, out: signed, sign_key: keys.privatePkcs8 });
    pythonBundle({ ...structuredClone(base), out: unsigned });
    pythonBundle({ ...structuredClone(base), out: tampered, sign_key: keys.privatePkcs8, tamper: { "middleware.py": "import os\n" } });
  });

  it("exits 0 when every bundle would be accepted, with the verdict on stdout", async () => {
    const r = await runCli(["bundle", "verify", "-k", keys.publicSpki, signed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${signed}: accepted (checksum and signature match)\n`);
  });

  it("exits 1 when any bundle would be refused, giving the reason and a summary", async () => {
    const r = await runCli(["bundle", "verify", "-k", keys.publicSpki, signed, unsigned, tampered]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${unsigned}: refused\n  error manifest.json has no signature`);
    expect(r.stdout).toContain(`${tampered}: refused\n  error checksum mismatch`);
    expect(r.stderr).toBe("3 bundles: 1 accepted, 2 refused\n");
  });

  it("exits 1 on a corrupt or truncated zip, with a clear reason and no stack trace", async () => {
    const truncated = path.join(dir, "truncated.zip");
    writeFileSync(truncated, buildZip([{ name: "manifest.json", data: "{}" }]).subarray(0, 40));
    const r = await runCli(["bundle", "verify", truncated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error not a valid zip file");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("exits 2 for a path that cannot be read, an unknown format, or two keys", async () => {
    const missing = await runCli(["bundle", "verify", path.join(dir, "nope.zip")]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("nope.zip does not exist");
    const format = await runCli(["bundle", "verify", "--format", "xml", signed]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("Allowed choices are text, json, junit, github");
    const both = await runCli(["bundle", "verify", "-k", keys.publicSpki, "-c", "tyk.conf", signed]);
    expect(both.code).toBe(2);
    const privateAsPublic = await runCli(["bundle", "verify", "-k", keys.privatePkcs8, signed]);
    expect(privateAsPublic.code).toBe(2);
    expect(privateAsPublic.stderr).toContain("is a private key");
  });

  it("--format json prints exactly the documented shape", async () => {
    const r = await runCli(["bundle", "verify", "--format", "json", "-k", keys.publicSpki, signed, tampered]);
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(reports.map((x) => Object.keys(x))).toEqual(Array(2).fill(["file", "verdict", "accepted", "signed", "signatureChecked", "checksum", "limit", "problems"]));
    expect(reports[0]).toMatchObject({ file: signed, verdict: "accepted", accepted: true, signed: true, signatureChecked: true, limit: null, problems: [] });
    expect(reports[1]).toMatchObject({ file: tampered, verdict: "refused", accepted: false, signed: true, signatureChecked: false, limit: null });
    expect((reports[1]!.problems as Array<Record<string, unknown>>)[0]).toEqual({ severity: "error", code: "checksum-mismatch", message: expect.any(String) });
  });

  it("--format junit prints a test case per bundle, failing the refused ones", async () => {
    const r = await runCli(["bundle", "verify", "--format", "junit", "-k", keys.publicSpki, signed, tampered]);
    expect(r.code).toBe(1);
    // A real XML parser reads it.
    const parsed = execFileSync("python3", ["-c", "import sys, xml.etree.ElementTree as ET; t = ET.fromstring(sys.stdin.read()); print(t.get('tests'), t.get('failures'), len(t.findall('.//failure')))"], { input: r.stdout, encoding: "utf8" });
    expect(parsed.trim()).toBe("2 1 1");
    expect(r.stdout).toContain(`<testcase classname="tyk-ts.bundle.verify" name="${tampered}">`);
    expect(r.stdout).toContain('type="checksum-mismatch"');
  });

  it("--format github prints workflow annotations, escaped", async () => {
    const r = await runCli(["bundle", "verify", "--format", "github", "-k", keys.publicSpki, tampered, unsigned]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^::error file=${tampered.replace(/[/.]/g, "\\$&")},title=bundle verify%3A checksum-mismatch::checksum mismatch`)));
    expect(lines).toContain(`${unsigned}: refused`);
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  it("reads public_key_path from a gateway config, relative to the config file", async () => {
    const confDir = path.join(dir, "etc");
    mkdirSync(confDir, { recursive: true });
    writeFileSync(path.join(confDir, "tyk.conf"), JSON.stringify({ listen_port: 8080, Public_Key_Path: path.relative(confDir, keys.publicSpki) }));
    const r = await runCli(["bundle", "verify", "-c", path.join(confDir, "tyk.conf"), signed, unsigned]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${signed}: accepted (checksum and signature match)`);
    expect(r.stdout).toContain("Bundle isn't signed");
    writeFileSync(path.join(confDir, "nokey.conf"), JSON.stringify({ listen_port: 8080 }));
    const noKey = await runCli(["bundle", "verify", "-c", path.join(confDir, "nokey.conf"), unsigned]);
    expect(noKey.code).toBe(0);
    expect(noKey.stderr).toContain("sets no public_key_path: that gateway does not check signatures");
  });

  it("verifies every .zip in a directory argument", async () => {
    const bundles = path.join(dir, "bundles");
    mkdirSync(bundles, { recursive: true });
    pythonBundle({ out: path.join(bundles, "a.zip"), entries: [], manifest: { file_list: [], custom_middleware: { driver: "grpc", pre: [{ name: "Pre" }] } } });
    pythonBundle({ out: path.join(bundles, "b.ZIP"), entries: [], manifest: { file_list: [], custom_middleware: { driver: "grpc", pre: [{ name: "Pre" }] } } });
    writeFileSync(path.join(bundles, "README.md"), "not a bundle");
    const r = await runCli(["bundle", "verify", "--format", "json", bundles]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ file: string }>).map((x) => path.basename(x.file))).toEqual(["a.zip", "b.ZIP"]);
    const empty = path.join(dir, "empty");
    mkdirSync(empty, { recursive: true });
    expect((await runCli(["bundle", "verify", empty])).code).toBe(2);
  });

  it("accepts bundles built by tyk-ts: a nested Python plugin, and a gRPC one with the manifest-only warning", async () => {
    const python = path.join(dir, "python.zip");
    const grpc = path.join(dir, "grpc.zip");
    expect((await runCli(["bundle", "build", "-m", path.join(FIXTURES, "python-plugin/manifest.json"), "-o", python, "-k", keys.privatePkcs1])).code).toBe(0);
    expect((await runCli(["bundle", "build", "-m", path.join(FIXTURES, "grpc-plugin/manifest.json"), "-o", grpc, "-k", keys.privatePkcs1])).code).toBe(0);
    const r = await runCli(["bundle", "verify", "-k", keys.publicPkcs1, python, grpc]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${python}: accepted (checksum and signature match)\n${grpc}: accepted`);
    expect(r.stdout).toContain("warning file_list is empty, so the signature covers no data");
  });

  it("limits flags: a zip bomb is refused by default and judged on its merits when allowed", async () => {
    const bomb = path.join(dir, "bomb.zip");
    const manifest = JSON.stringify({ file_list: [], checksum: "d41d8cd98f00b204e9800998ecf8427e", custom_middleware: { driver: "grpc", pre: [{ name: "Pre" }] } });
    writeFileSync(bomb, buildZip([{ name: "zeros.bin", data: Buffer.alloc(8 * 1024 * 1024) }, { name: "manifest.json", data: manifest }]));
    const refused = await runCli(["bundle", "verify", bomb]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("--max-ratio");
    expect((await runCli(["bundle", "verify", "--max-ratio", "5000", bomb])).code).toBe(0);
    expect((await runCli(["bundle", "verify", "--max-size", "1MiB", "--max-ratio", "5000", bomb])).code).toBe(1);
    expect((await runCli(["bundle", "verify", "--max-size", "lots", bomb])).code).toBe(2);
  });
});
