/**
 * The single executable runs where no Node is installed. Uses TYK_TS_BIN when set (`npm run
 * test:binary`), otherwise packages one into a temporary folder first.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
let binary = "";

beforeAll(async () => {
  binary = process.env.TYK_TS_BIN ?? path.join(await tempDir("tyk-ts-sea-"), "tyk-ts");
  if (!process.env.TYK_TS_BIN) await run(process.execPath, [path.join(ROOT, "scripts/package-sea.mjs"), "--output", binary], { cwd: ROOT, timeout: 90_000 });
}, 100_000);

/** Runs the executable with an environment that has no node on PATH and nothing from this project. */
function runAlone(args: string[], cwd: string) {
  const r = spawnSync(binary, args, { cwd, encoding: "utf8", env: { PATH: "/nonexistent", HOME: cwd, NO_COLOR: "1" }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(process.platform === "linux")("single executable", () => {
  it("answers --version with no node on PATH", () => {
    expect(spawnSync("sh", ["-c", "command -v node"], { env: { PATH: "/nonexistent" } }).status).not.toBe(0);
    const r = runAlone(["--version"], ROOT);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(version);
  });

  it("builds and verifies the fixture plugin away from the project", async () => {
    const dir = await tempDir();
    cpSync(path.join(FIXTURES, "python-plugin"), path.join(dir, "plugin"), { recursive: true });
    const build = runAlone(["bundle", "build", "-m", "plugin/manifest.json", "-o", "bundle.zip", "-y", "--json"], dir);
    expect(build.code, build.stderr).toBe(0);
    expect(JSON.parse(build.stdout)).toMatchObject({ signed: false, files: [{ listed: "middleware.py" }, {}, {}] });
    const verify = runAlone(["bundle", "verify", "bundle.zip"], dir);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain("accepted");
  });

  it("lints with the JSON Schemas embedded in it", async () => {
    const dir = await tempDir();
    cpSync(path.join(FIXTURES, "corpus/policies/TykTechnologies__tyk__policies__policies.json"), path.join(dir, "policies.json"));
    const r = runAlone(["lint", "policies.json", "-f", "json"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ kind: "policies", errorCount: 0 }]);
  });

  it("prints help that lists every command, as `node bin/tyk-ts.js` does", () => {
    const fromNode = spawnSync(process.execPath, [path.join(ROOT, "bin/tyk-ts.js"), "--help"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(runAlone(["--help"], ROOT).stdout).toBe(fromNode.stdout);
  });
});
