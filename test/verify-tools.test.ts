/**
 * Bundles zipped by hand with the tools people use (Info-ZIP's zip, Python's zipfile streaming):
 * the verdicts users meet when they do not use `bundle build`, checked against the reference loader.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle, type BundleReport } from "../src/bundle/verify.js";
import { hasGo, referenceVerdict } from "./helpers/independent.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

describe.skipIf(!hasTool("zip"))("verify: plugins zipped with Info-ZIP's zip", () => {
  let dir: string;
  let plugin: string;
  beforeAll(async () => {
    dir = await tempDir();
    plugin = path.join(dir, "plugin");
    mkdirSync(path.join(plugin, "lib"), { recursive: true });
    const files = { "middleware.py": "from lib.util import X\n", "lib/util.py": "X = 1\n" };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(plugin, name), text);
    const checksum = createHash("md5").update(Object.values(files).join("")).digest("hex");
    writeFileSync(path.join(plugin, "manifest.json"), JSON.stringify({ file_list: Object.keys(files), checksum, custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
  });

  /** Runs `zip` in the plugin folder; OUT in the command stands for the bundle's path. */
  async function zipped(name: string, command: string): Promise<BundleReport> {
    const out = path.join(dir, name);
    execFileSync("sh", ["-c", command.replace("OUT", out)], { cwd: plugin, stdio: ["ignore", "ignore", "pipe"] });
    const report = await verifyBundle(out);
    if (hasGo) expect(report.accepted, JSON.stringify(report.problems)).toBe(referenceVerdict(out).accepted);
    return report;
  }

  it("accepts zip -r, which writes folder entries, stored or deflated, with a comment", async () => {
    expect(await zipped("r.zip", "zip -qr OUT .")).toMatchObject({ accepted: true });
    expect(await zipped("stored.zip", "zip -qr0 OUT .")).toMatchObject({ accepted: true });
    expect(await zipped("comment.zip", "echo a comment | zip -qrz OUT .")).toMatchObject({ accepted: true });
  });

  it("accepts a zip streamed to stdout (data descriptors)", async () => {
    expect(await zipped("stream.zip", "zip -qr - . > OUT")).toMatchObject({ accepted: true });
  });

  it("refuses zip -D, which leaves out folder entries, so lib/util.py cannot be created", async () => {
    const r = await zipped("no-dirs.zip", "zip -qrD OUT .");
    expect(r.problems[0]).toMatchObject({ code: "unpack-missing-directory", message: expect.stringContaining('no "lib/" entry') });
  });

  it("refuses a password-protected zip, saying so", async () => {
    const r = await zipped("secret.zip", "zip -qr -P secret OUT .");
    expect(r.problems[0]).toMatchObject({ code: "zip-entry-corrupt", message: expect.stringContaining("password-protected") });
  });
});
