/** `bundle inspect`: what a bundle holds, for people and scripts; nothing unpacked or executed. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../src/bundle/build.js";
import { inspectBundle } from "../src/bundle/inspect.js";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { hasPython, pythonBundle } from "./helpers/independent.js";
import { writeTestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

describe("bundle inspect", () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = await tempDir();
    const keys = writeTestKeys(dir);
    bundle = path.join(dir, "python.zip");
    await buildBundle({ manifest: path.join(FIXTURES, "python-plugin/manifest.json"), output: bundle, key: keys.privatePkcs8 });
  });

  it("describes the manifest, the checksum, the signature and the zip entries", async () => {
    const r = await inspectBundle(bundle);
    expect(r).toMatchObject({
      file: bundle,
      accepted: true,
      signed: true,
      checksum: { matches: true },
      manifest: {
        driver: "python",
        hooks: [
          { kind: "pre", name: "AddRequestHeader", path: "", disabled: false },
          { kind: "response", name: "AddResponseHeader", path: "", disabled: false },
        ],
      },
    });
    expect(r.checksum.declared).toMatch(/^[0-9a-f]{32}$/);
    expect(r.manifest?.fileList.map((f) => f.name)).toEqual(["middleware.py", "helpers/__init__.py", "helpers/headers.py"]);
    expect(r.manifest?.fileList.every((f) => typeof f.size === "number")).toBe(true);
    expect(r.entries.map((e) => [e.type, e.name, e.listed])).toEqual([
      ["file", "middleware.py", true],
      ["directory", "helpers/", false],
      ["file", "helpers/__init__.py", true],
      ["file", "helpers/headers.py", true],
      ["file", "manifest.json", false],
    ]);
  });

  it.skipIf(!hasPython)("shows a checksum that does not match and a listed file the zip lacks", async () => {
    const broken = path.join(dir, "broken.zip");
    pythonBundle({
      out: broken,
      entries: [{ name: "middleware.py", text: "x" }],
      manifest: { file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] }, checksum: "0123456789abcdef0123456789abcdef" },
    });
    const r = await inspectBundle(broken);
    expect(r).toMatchObject({ accepted: false, checksum: { declared: "0123456789abcdef0123456789abcdef", computed: expect.stringMatching(/^[0-9a-f]{32}$/), matches: false } });
    const missing = path.join(dir, "missing.zip");
    pythonBundle({ out: missing, entries: [], manifest: { file_list: ["gone.py"], checksum: "x" } });
    expect((await inspectBundle(missing)).manifest?.fileList).toEqual([{ name: "gone.py", size: null }]);
  });

  it("prints a readable summary and JSON through the CLI, without writing anything", async () => {
    const cwd = await tempDir();
    const text = await runCli(["bundle", "inspect", bundle], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/verdict\s+accepted/);
    expect(text.stdout).toMatch(/checksum\s+[0-9a-f]{32} matches/);
    expect(text.stdout).toMatch(/driver\s+python/);
    expect(text.stdout).toMatch(/pre\s+AddRequestHeader/);
    expect(text.stdout).toMatch(/dir\s+helpers\//);
    const json = await runCli(["bundle", "inspect", "--json", bundle], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ signed: true, manifest: { driver: "python" } });
    expect(readdirSync(cwd)).toEqual([]);
    expect((await runCli(["bundle", "inspect", path.join(dir, "nope.zip")], { cwd })).code).toBe(2);
  });
});
