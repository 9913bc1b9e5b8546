/**
 * `verifyBundle` on bundles made without tyk-ts (Python's zipfile, hashlib, openssl): one test per
 * reason the gateway refuses a bundle, and the unusual bundles it accepts. Where Go is installed, the
 * reference loader (Go's archive/zip and encoding/json) confirms each verdict.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle, type BundleReport } from "../src/bundle/verify.js";
import { hasGo, hasPython, pythonBundle, referenceVerdict, type PythonBundleSpec } from "./helpers/independent.js";
import { writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const MIDDLEWARE = { driver: "python", pre: [{ name: "AddHeader" }] };
const PY = "from tyk.decorators import *\n\n@Hook\ndef AddHeader(request, session, spec):\n    return request, session\n";

describe.skipIf(!hasPython)("verify: bundles made by Python's zipfile and openssl", () => {
  let dir: string;
  let keys: TestKeys;
  let otherKeys: TestKeys;
  let n = 0;
  beforeAll(async () => {
    dir = await tempDir();
    keys = writeTestKeys(dir, "key");
    otherKeys = writeTestKeys(dir, "other");
  });

  /** Builds the bundle, verifies it, and checks the reference loader agrees. */
  async function check(spec: Omit<PythonBundleSpec, "out">, publicKey?: string): Promise<BundleReport> {
    const out = path.join(dir, `bundle-${n++}.zip`);
    pythonBundle({ ...spec, out });
    const report = await verifyBundle(out, { publicKey });
    if (hasGo) expect(report.accepted, JSON.stringify(report.problems)).toBe(referenceVerdict(out, publicKey).accepted);
    return report;
  }

  const simple = (extra: Partial<PythonBundleSpec> = {}, manifest: Record<string, unknown> = {}): Omit<PythonBundleSpec, "out"> => ({
    entries: [{ name: "middleware.py", text: PY }],
    manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE, ...manifest },
    ...extra,
  });

  const firstError = (r: BundleReport) => r.problems[0];

  describe("accepted", () => {
    it("an unsigned bundle without a key, noting that it is unsigned", async () => {
      const r = await check(simple());
      expect(r).toMatchObject({ accepted: true, signed: false, signatureChecked: false });
      expect(r.problems.map((p) => p.code)).toEqual(["unsigned"]);
    });

    it("a bundle signed with openssl, checked with the PKIX or the PKCS#1 public key", async () => {
      for (const key of [keys.publicSpki, keys.publicPkcs1]) {
        const r = await check(simple({ sign_key: keys.privatePkcs8 }), key);
        expect(r).toMatchObject({ accepted: true, signed: true, signatureChecked: true, problems: [] });
      }
    });

    it("a signed bundle without a key, on its checksum, noting the signature was not checked", async () => {
      const r = await check(simple({ sign_key: keys.privatePkcs8 }));
      expect(r).toMatchObject({ accepted: true, signed: true, signatureChecked: false });
      expect(r.problems).toEqual([expect.objectContaining({ severity: "info", code: "signature-not-checked" })]);
    });

    it("a signature broken into lines, which Go's base64 decoder reads", async () => {
      const spec = simple({ sign_key: keys.privatePkcs8 });
      const manifest = pythonBundle({ ...spec, out: path.join(dir, "probe.zip") })!;
      const wrapped = (manifest.signature as string).replace(/(.{64})/g, "$1\r\n");
      expect(await check(simple({}, { checksum: manifest.checksum, signature: wrapped }), keys.publicSpki)).toMatchObject({ accepted: true });
    });

    it("manifest keys in any case (File_List, CHECKSUM), as Go matches them", async () => {
      const probe = pythonBundle({ ...simple(), out: path.join(dir, "probe.zip") })!;
      const manifest = JSON.stringify({ File_List: ["middleware.py"], Custom_Middleware: MIDDLEWARE, CHECKSUM: probe.checksum });
      const r = await check({ entries: [{ name: "middleware.py", text: PY }], manifest });
      expect(r).toMatchObject({ accepted: true, checksum: probe.checksum });
    });

    it("anything after the manifest's JSON value, which Go's decoder never reads", async () => {
      const probe = pythonBundle({ ...simple(), out: path.join(dir, "probe.zip") })!;
      const r = await check({ entries: [{ name: "middleware.py", text: PY }], manifest: `${JSON.stringify(probe)}\n}} this is not JSON {{` });
      expect(r.accepted).toBe(true);
    });

    it("a nested folder with its directory entry, listed out of zip order and one file twice", async () => {
      const r = await check({
        entries: [{ name: "helpers/", dir: true }, { name: "helpers/util.py", text: "X = 1\n" }, { name: "middleware.py", text: PY }],
        manifest: { file_list: ["middleware.py", "helpers/util.py", "middleware.py"], custom_middleware: MIDDLEWARE },
        sign_key: keys.privatePkcs8,
      }, keys.publicSpki);
      expect(r).toMatchObject({ accepted: true, signatureChecked: true });
    });

    it("a folder marked as a directory by FAT attributes, without a trailing slash", async () => {
      const r = await check({
        entries: [{ name: "lib", system: 0, attr: 0x10 }, { name: "lib/util.py", text: "X = 1\n" }, { name: "middleware.py", text: PY }],
        manifest: { file_list: ["middleware.py", "lib/util.py"], custom_middleware: MIDDLEWARE },
      });
      expect(r.accepted).toBe(true);
    });

    it("file_list entries written as ./name or /name, which the gateway joins onto the bundle directory", async () => {
      const r = await check(simple({ data_from: ["middleware.py", "middleware.py"] }, { file_list: ["./middleware.py", "/middleware.py"] }));
      expect(r.accepted).toBe(true);
    });

    it("with warnings for files outside file_list, duplicate entries and an unknown driver", async () => {
      const r = await check({
        entries: [
          { name: "middleware.py", text: "old" },
          { name: "middleware.py", text: PY },
          { name: "extra.py", text: "import os\n" },
        ],
        manifest: { file_list: ["middleware.py"], custom_middleware: { ...MIDDLEWARE, driver: "pyhton" } },
        data_from: ["middleware.py"],
      });
      expect(r.accepted).toBe(true);
      const byCode = Object.fromEntries(r.problems.map((p) => [p.code, p]));
      expect(byCode["not-in-file-list"]).toMatchObject({ severity: "warning", message: expect.stringContaining('"extra.py"') });
      expect(byCode["duplicate-entry"]).toMatchObject({ severity: "warning", message: expect.stringContaining("keeps the last one") });
      expect(byCode["unknown-driver"]).toMatchObject({ severity: "warning", message: expect.stringContaining('did you mean "python"') });
    });
  });

  describe("refused", () => {
    it("a file changed after the checksum was computed", async () => {
      const r = await check(simple({ tamper: { "middleware.py": "import os; os.system('id')\n" } }));
      expect(r.accepted).toBe(false);
      expect(firstError(r)).toMatchObject({ severity: "error", code: "checksum-mismatch", message: expect.stringContaining("invalid checksum") });
    });

    it("an edited checksum", async () => {
      const r = await check(simple({}, { checksum: "0123456789abcdef0123456789abcdef" }));
      expect(firstError(r)).toMatchObject({ code: "checksum-mismatch", message: expect.stringContaining('"0123456789abcdef0123456789abcdef"') });
    });

    it("a checksum in upper-case hex, which the gateway compares as text", async () => {
      const probe = pythonBundle({ ...simple(), out: path.join(dir, "probe.zip") })!;
      const r = await check(simple({}, { checksum: (probe.checksum as string).toUpperCase() }));
      expect(firstError(r)).toMatchObject({ code: "checksum-mismatch", message: expect.stringContaining("upper case") });
    });

    it("a bundle signed with another key", async () => {
      const r = await check(simple({ sign_key: otherKeys.privatePkcs8 }), keys.publicSpki);
      expect(r).toMatchObject({ accepted: false, signatureChecked: true });
      expect(firstError(r)).toMatchObject({ code: "signature-mismatch", message: expect.stringContaining("SHA256:") });
    });

    it("a truncated signature: cut inside base64, or cut to fewer bytes", async () => {
      const probe = pythonBundle({ ...simple({ sign_key: keys.privatePkcs8 }), out: path.join(dir, "probe.zip") })!;
      const signature = probe.signature as string;
      const cutInside = await check(simple({}, { checksum: probe.checksum, signature: signature.slice(0, -6) }), keys.publicSpki);
      expect(firstError(cutInside)).toMatchObject({ code: "signature-invalid-base64", message: expect.stringContaining("multiple of 4") });
      const fewerBytes = await check(simple({}, { checksum: probe.checksum, signature: signature.slice(0, -8) }), keys.publicSpki);
      expect(firstError(fewerBytes)).toMatchObject({ code: "signature-mismatch", message: expect.stringContaining("truncated") });
    });

    it("a signature that is not standard base64", async () => {
      const probe = pythonBundle({ ...simple({ sign_key: keys.privatePkcs8 }), out: path.join(dir, "probe.zip") })!;
      const urlSafe = (probe.signature as string).replace(/\+/g, "-").replace(/\//g, "_");
      const garbage = await check(simple({}, { checksum: probe.checksum, signature: "not a signature" }), keys.publicSpki);
      expect(firstError(garbage)).toMatchObject({ code: "signature-invalid-base64" });
      if (urlSafe !== probe.signature) {
        const r = await check(simple({}, { checksum: probe.checksum, signature: urlSafe }), keys.publicSpki);
        expect(firstError(r)).toMatchObject({ code: "signature-invalid-base64", message: expect.stringContaining("URL-safe") });
      }
    });

    it("an unsigned bundle when a key is set", async () => {
      const r = await check(simple(), keys.publicSpki);
      expect(firstError(r)).toMatchObject({ code: "bundle-not-signed", message: expect.stringContaining("Bundle isn't signed") });
    });

    it("a zip without manifest.json, with a hint when it sits in a folder", async () => {
      const r = await check({ entries: [{ name: "plugin/", dir: true }, { name: "plugin/middleware.py", text: PY }], manifest: { file_list: [] }, manifest_name: "plugin/manifest.json" });
      expect(r).toMatchObject({ accepted: false, checksum: null });
      expect(firstError(r)).toMatchObject({ code: "manifest-missing", message: expect.stringContaining("zip the contents of the plugin folder") });
    });

    it("a manifest that is not JSON, or starts with a byte order mark", async () => {
      const notJson = await check({ entries: [{ name: "middleware.py", text: PY }], manifest: "file_list: [middleware.py]" });
      expect(firstError(notJson)).toMatchObject({ code: "manifest-invalid-json" });
      const bom = await check({ entries: [{ name: "middleware.py", text: PY }], manifest: '\uFEFF{"file_list": []}' });
      expect(firstError(bom)).toMatchObject({ code: "manifest-invalid-json", message: expect.stringContaining("byte order mark") });
    });

    it("a manifest with values of the wrong JSON type", async () => {
      const r = await check({ entries: [{ name: "middleware.py", text: PY }], manifest: { file_list: "middleware.py", checksum: 5 } });
      expect(firstError(r)).toMatchObject({ code: "manifest-wrong-type", message: expect.stringMatching(/file_list must be an array.*checksum must be a string/) });
    });

    it("a listed file missing from the zip", async () => {
      const r = await check({ entries: [{ name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py", "helpers.py"], custom_middleware: MIDDLEWARE, checksum: "0" } });
      expect(firstError(r)).toMatchObject({ code: "file-list-missing", message: expect.stringContaining('file_list[1] "helpers.py"') });
    });

    it("entry names that leave the bundle directory, or that the gateway's prefix test catches", async () => {
      for (const name of ["../evil.py", "lib/../../evil.py", "/etc/cron.d/evil", "..hidden.py"]) {
        const r = await check({ entries: [{ name, text: "x" }, { name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE } });
        expect(firstError(r), name).toMatchObject({ code: "unpack-name-refused", message: expect.stringContaining(JSON.stringify(name)) });
      }
    });

    it("nested files without directory entries, naming the missing folder and how to fix it", async () => {
      const r = await check({
        entries: [{ name: "middleware.py", text: PY }, { name: "lib/a.py", text: "a" }, { name: "lib/b.py", text: "b" }],
        manifest: { file_list: ["middleware.py", "lib/a.py", "lib/b.py"], custom_middleware: MIDDLEWARE },
      });
      expect(firstError(r)).toMatchObject({ code: "unpack-missing-directory", message: expect.stringMatching(/"lib\/a.py".*no "lib\/" entry.*tyk-ts bundle build/) });
      // The checksum is still checked on the bundle as meant: nothing else is wrong.
      expect(r.problems.filter((p) => p.code === "checksum-mismatch")).toEqual([]);
      expect(r.problems[1]).toMatchObject({ severity: "warning", message: expect.stringContaining('"lib/b.py"') });
    });

    it("a directory entry listed twice, or one for the bundle directory itself", async () => {
      for (const entries of [
        [{ name: "lib/", dir: true }, { name: "lib/", dir: true }],
        [{ name: "./", dir: true }],
      ]) {
        const r = await check({ entries: [...entries, { name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py"], custom_middleware: MIDDLEWARE } });
        expect(firstError(r)).toMatchObject({ code: "unpack-directory-exists" });
      }
    });

    it("a directory listed in file_list", async () => {
      const r = await check({ entries: [{ name: "lib/", dir: true }, { name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py", "lib"], custom_middleware: MIDDLEWARE, checksum: "0" } });
      expect(firstError(r)).toMatchObject({ code: "file-list-directory" });
    });

    it("manifest.json listed in file_list, explaining why that can never match", async () => {
      const r = await check({ entries: [{ name: "middleware.py", text: PY }], manifest: { file_list: ["middleware.py", "manifest.json"], custom_middleware: MIDDLEWARE, checksum: "0" } });
      expect(firstError(r)).toMatchObject({ code: "checksum-mismatch", message: expect.stringContaining("remove it from file_list") });
    });

    it("reports every problem: the gateway's reason first, then what would fail next", async () => {
      const r = await check(simple({ sign_key: otherKeys.privatePkcs8, tamper: { "middleware.py": "changed" } }), keys.publicSpki);
      expect(r.problems.map((p) => [p.severity, p.code])).toEqual([
        ["error", "checksum-mismatch"],
        ["warning", "signature-mismatch"],
      ]);
      expect(r.signatureChecked).toBe(false);
    });
  });

  it("reads the manifest's checksum into the report", async () => {
    const out = path.join(dir, "report.zip");
    const manifest = pythonBundle({ ...simple(), out })!;
    expect((await verifyBundle(out)).checksum).toBe(manifest.checksum);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe("PK");
  });
});
