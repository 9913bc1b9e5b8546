/** The npm package: what `npm pack` ships, and a global install of it on a clean prefix. */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT } from "./helpers/cli.js";
import { npmInstall, packPackage, type PackedPackage } from "./helpers/pack.js";
import { tempDir } from "./helpers/tmp.js";

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

let packed: PackedPackage;
beforeAll(async () => {
  packed = await packPackage();
});

describe("npm pack", () => {
  it("ships only dist, bin, schemas, README, LICENSE and package.json", () => {
    const outside = packed.files.filter((f) => !/^(dist|bin|schemas)\//.test(f) && !["README.md", "LICENSE", "package.json"].includes(f));
    expect(outside).toEqual([]);
    expect(packed.files).toEqual(expect.arrayContaining(["bin/tyk-ts.js", "dist/cli.js", "dist/index.js", "dist/index.d.ts", "README.md", "LICENSE"]));
    expect(packed.files.filter((f) => f.startsWith("schemas/")).length).toBeGreaterThan(0);
  });

  it("leaves out the single executable and tests", () => {
    expect(packed.files.filter((f) => /tyk-ts-(linux|darwin|win32)|\.test\.|^test\//.test(f))).toEqual([]);
  });
});

describe("npm install -g on a clean prefix", () => {
  it("gives a working tyk-ts", async () => {
    const prefix = await tempDir("tyk-ts-prefix-");
    await npmInstall(["-g", packed.tarball, "--prefix", prefix], prefix);
    const bin = path.join(prefix, "bin", "tyk-ts");
    const env = { ...process.env, NO_COLOR: "1" };

    expect((await run(bin, ["--version"], { env })).stdout.trim()).toBe(version);

    const out = path.join(await tempDir(), "bundle.zip");
    const build = await run(bin, ["bundle", "build", "-m", path.join(FIXTURES, "python-plugin/manifest.json"), "-o", out, "-y", "--json"], { env });
    expect(JSON.parse(build.stdout)).toMatchObject({ output: out, signed: false, files: [{ listed: "middleware.py" }, {}, {}] });
  }, 60_000);
});
