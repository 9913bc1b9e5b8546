/**
 * `bundle build -o`, `lint -o` and `keygen -o` write into folders that do not exist yet: they create
 * them, as build tools do, and say so on stderr. What is in the way (a file where a folder should
 * be) is an error naming it; a failed write takes its new folders away again.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createParentFolders, removeCreatedFolders } from "../src/fs/parent-folders.js";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

describe("output folders", () => {
  it("bundle build -o creates the missing folders and says so", async () => {
    const dir = await tempDir();
    const r = await runCli(["bundle", "build", "-m", path.join(FIXTURES, "python-plugin/manifest.json"), "-o", "bundles/v1/my-plugin.zip", "-y", "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`created folder bundles${path.sep}`);
    expect(statSync(path.join(dir, "bundles/v1/my-plugin.zip")).isFile()).toBe(true);
    expect(JSON.parse(r.stdout)).toMatchObject({ createdFolder: path.join(dir, "bundles") });
    // The folder is there now: nothing more to say.
    const again = await runCli(["bundle", "build", "-m", path.join(FIXTURES, "python-plugin/manifest.json"), "-o", "bundles/v1/my-plugin.zip", "-y"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("created folder");
  });

  it("lint -o creates the missing folders of each output and says so", async () => {
    const dir = await tempDir();
    const r = await runCli(["lint", path.join(FIXTURES, "corpus/policies"), "-f", "json", "-o", "reports/lint/lint.json", "-f", "sarif", "-o", "reports/lint.sarif"], { cwd: dir });
    expect(r.code, r.stderr).not.toBe(2);
    expect(r.stderr.match(/created folder/g)).toHaveLength(1);
    expect(r.stderr).toContain(`created folder reports${path.sep}`);
    expect(JSON.parse(readFileSync(path.join(dir, "reports/lint/lint.json"), "utf8"))).toBeInstanceOf(Array);
    expect(JSON.parse(readFileSync(path.join(dir, "reports/lint.sarif"), "utf8"))).toMatchObject({ version: "2.1.0" });
  });

  it("keygen -o creates the key's folder private (0700) and says so", async () => {
    const dir = await tempDir();
    const r = await runCli(["keygen", "-o", "keys/bundle/signing.pem"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`created folder keys${path.sep}`);
    expect(statSync(path.join(dir, "keys/bundle/signing.pem")).isFile()).toBe(true);
    expect(statSync(path.join(dir, "keys/bundle")).mode & 0o777).toBe(0o700);
  });

  it("a file where a folder should be is an error naming it", async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, "bundles"), "not a folder");
    const r = await runCli(["bundle", "build", "-m", path.join(FIXTURES, "python-plugin/manifest.json"), "-o", "bundles/my-plugin.zip", "-y"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bundles/my-plugin.zip has a parent that is not a directory");
  });

  it("after a failed write, the folders made for it go, unless something else is in them", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "a/b/c/out.zip");
    const created = await createParentFolders(file);
    expect(created).toBe(path.join(dir, "a"));
    mkdirSync(path.join(dir, "a/other"));
    await removeCreatedFolders(file, created);
    expect(() => statSync(path.join(dir, "a/b"))).toThrow();
    expect(statSync(path.join(dir, "a/other")).isDirectory()).toBe(true);
  });
});
