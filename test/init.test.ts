import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { INIT_DRIVERS } from "../src/init/drivers.js";
import { pluginTemplate } from "../src/init/templates.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

interface Manifest {
  file_list: string[];
  custom_middleware: { driver: string; pre: Array<{ name: string; path: string }> };
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;

/** Checks a file's syntax with the language's own tool, when it is installed. */
const syntaxCheckers: Record<string, { tool: string; args: (file: string) => string[] } | undefined> = {
  "middleware.py": { tool: "python3", args: (f) => ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", f] },
  "middleware.js": { tool: "node", args: (f) => ["--check", f] },
  "server.mjs": { tool: "node", args: (f) => ["--check", f] },
  "middleware.lua": { tool: "luac", args: (f) => ["-p", f] },
  "main.go": { tool: "gofmt", args: (f) => ["-e", f] },
};

async function initAndBuild(driver: string): Promise<string> {
  const dir = path.join(await tempDir(), `my-${driver}-plugin`);
  const init = await runCli(["init", dir, "--driver", driver]);
  expect(init.stderr).toContain("tyk-ts bundle build -y");
  expect(init.code).toBe(0);
  expect(init.stdout).toContain(`created ${dir} (${driver} plugin, pre hook`);
  return dir;
}

describe("tyk-ts init", () => {
  for (const driver of ["python", "lua", "otto", "grpc"]) {
    it(`scaffolds a ${driver} plugin that builds and verifies right away`, async () => {
      const dir = await initAndBuild(driver);
      const build = await runCli(["bundle", "build", "-y"], { cwd: dir });
      expect(build.stderr).not.toMatch(/error/i);
      expect(build.code).toBe(0);
      const verify = await runCli(["bundle", "verify", "bundle.zip"], { cwd: dir });
      expect(verify.code).toBe(0);

      // The hook the manifest names is defined in the entry file, so the gateway finds it.
      const manifest = readManifest(dir);
      expect(manifest.custom_middleware.driver).toBe(driver);
      const hook = manifest.custom_middleware.pre[0]!;
      const entry = { python: "middleware.py", lua: "middleware.lua", otto: "middleware.js", grpc: "server.mjs" }[driver]!;
      expect(readFileSync(path.join(dir, entry), "utf8")).toContain(hook.name);
      const readme = readFileSync(path.join(dir, "README.md"), "utf8");
      expect(readme).toContain("tyk-ts bundle build");
      expect(readme).toContain("tyk-ts serve");
      expect(readme).toContain("custom_middleware_bundle");

      const checker = syntaxCheckers[entry];
      if (checker && hasTool(checker.tool)) execFileSync(checker.tool, checker.args(path.join(dir, entry)), { stdio: "pipe" });
    });
  }

  it("scaffolds a Go plugin whose build asks for the compiled .so, then builds and verifies", async () => {
    const dir = await initAndBuild("goplugin");
    expect(readManifest(dir).custom_middleware.pre[0]).toMatchObject({ name: "AddHelloHeader", path: "plugin.so" });
    expect(readFileSync(path.join(dir, "main.go"), "utf8")).toContain("func AddHelloHeader(rw http.ResponseWriter, r *http.Request)");
    expect(readFileSync(path.join(dir, "README.md"), "utf8")).toContain("tyk-plugin-compiler");

    const before = await runCli(["bundle", "build", "-y"], { cwd: dir });
    expect(before.code).toBe(2);
    expect(before.stderr).toContain("plugin.so");

    writeFileSync(path.join(dir, "plugin.so"), "stands in for the compiled plugin");
    expect((await runCli(["bundle", "build", "-y"], { cwd: dir })).code).toBe(0);
    // The gateway accepts the bundle, but the stand-in is no Go plugin: verify says so (exit 1).
    const verified = await runCli(["bundle", "verify", "bundle.zip", "--format", "json"], { cwd: dir });
    const [report] = JSON.parse(verified.stdout);
    expect(report.accepted).toBe(true);
    expect(report.problems.map((p: { code: string }) => p.code)).toContain("goplugin-will-not-load");
    expect(verified.code).toBe(1);
  });

  it("--gateway-version: the bundle lists the compiler's versioned file, go.mod and the README name the version, verify knows it", async () => {
    const dir = path.join(await tempDir(), "go-headers");
    const made = await runCli(["init", dir, "--driver", "goplugin", "--gateway-version", "v5.3.0"]);
    expect(made.code, made.stderr).toBe(0);
    expect(readManifest(dir).file_list).toEqual(["plugin_v5.3.0_linux_amd64.so"]);
    expect(readManifest(dir).custom_middleware.pre[0]?.path).toBe("plugin.so");
    expect(readFileSync(path.join(dir, "go.mod"), "utf8")).toMatch(/^\/\/ Tyk Gateway 5\.3\.0:/m);
    const readme = readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme).toContain("tykio/tyk-plugin-compiler:v5.3.0");
    expect(readme).toContain("`plugin_v5.3.0_linux_amd64.so`");
    expect(JSON.parse(readFileSync(path.join(dir, "tyk-ts.config.json"), "utf8"))).toEqual({ gatewayVersion: "5.3.0" });
    writeFileSync(path.join(dir, "plugin_v5.3.0_linux_amd64.so"), "stands in for the compiled plugin");
    const built = await runCli(["bundle", "build", "-y"], { cwd: dir });
    expect(built.stderr).not.toContain("will not be in the bundle");
    const verified = await runCli(["bundle", "verify", "bundle.zip"], { cwd: dir });
    expect(verified.stdout).toContain('pre hook "AddHelloHeader": gateway 5.3.0 (linux/amd64) loads plugin_v5.3.0_linux_amd64.so');

    const old = path.join(await tempDir(), "old");
    expect((await runCli(["init", old, "--driver", "goplugin", "--gateway-version", "4.0.9"])).code).toBe(0);
    expect(readManifest(old).file_list).toEqual(["plugin.so"]);
    const wrong = await runCli(["init", path.join(await tempDir(), "py"), "--driver", "python", "--gateway-version", "5.3.0"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--gateway-version applies to --driver goplugin only");
  });

  // The CLI runs a bundled build: the files it writes must be the templates byte for byte.
  it.each(INIT_DRIVERS.map((d) => [d]))("writes the %s template unchanged", async (driver) => {
    const dir = path.join(await tempDir(), "same");
    expect((await runCli(["init", dir, "--driver", driver])).code).toBe(0);
    for (const [name, content] of Object.entries(pluginTemplate(driver, "same").files)) {
      expect(readFileSync(path.join(dir, name), "utf8"), name).toBe(content);
    }
  });

  it("refuses a folder that is not empty and leaves it alone", async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    const r = await runCli(["init", dir, "--driver", "python"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is not empty (notes.txt)`);
    expect(existsSync(path.join(dir, "manifest.json"))).toBe(false);
    expect(readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("accepts an empty folder and one that holds only a fresh .git", async () => {
    const empty = await tempDir();
    expect((await runCli(["init", empty, "--driver", "otto"])).code).toBe(0);
    const repo = await tempDir();
    mkdirSync(path.join(repo, ".git"));
    expect((await runCli(["init", repo, "--driver", "lua"])).code).toBe(0);
    expect(existsSync(path.join(repo, "middleware.lua"))).toBe(true);
  });

  it("requires a known driver and lists the choices", async () => {
    const dir = path.join(await tempDir(), "p");
    const missing = await runCli(["init", dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-d, --driver <driver>' not specified");
    const wrong = await runCli(["init", dir, "--driver", "pyhton"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Allowed choices are python, grpc, goplugin, lua, otto");
    expect(existsSync(dir)).toBe(false);
  });

  it("prints the result as JSON with --json", async () => {
    const dir = path.join(await tempDir(), "json-plugin");
    const r = await runCli(["init", dir, "--driver", "python", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      dir,
      driver: "python",
      files: ["manifest.json", "middleware.py", "README.md", ".gitignore"],
      hook: { kind: "pre", name: "AddHelloHeader" },
      buildOutputs: [],
    });
  });
});
