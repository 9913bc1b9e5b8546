/**
 * The gateway's rules for which .so a Go hook loads (goplugin/file_loader.go and its predecessors),
 * and what build, verify and inspect say about them. No Go needed: the .so files here are names.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkMiddleware, decodeManifest } from "../src/bundle/manifest.js";
import { parseJson } from "../src/json/parse.js";
import { loadingOrder, parseGatewayRelease, parseVersionedName, pluginFileCandidates, resolvePluginFile, versionedVariants } from "../src/goplugin/file-names.js";
import { runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const v = (s: string) => parseGatewayRelease(s)!;

describe("which file a gateway version loads", () => {
  it("reads versions as the gateway cleans them: v prefix optional, -rc suffix cut", () => {
    expect(parseGatewayRelease("v5.3.0-rc2")).toEqual({ major: 5, minor: 3, patch: 0, text: "5.3.0" });
    expect(parseGatewayRelease("5.3.0")?.text).toBe("5.3.0");
    expect(parseGatewayRelease("5.3")).toBeUndefined();
    expect(parseGatewayRelease("latest")).toBeUndefined();
  });

  it("follows each release's order", () => {
    expect(loadingOrder(v("4.0.9"))).toBe("exact-only");
    expect(loadingOrder(v("4.1.0"))).toBe("exact-first");
    expect(loadingOrder(v("4.3.1"))).toBe("exact-first");
    expect(loadingOrder(v("4.3.2"))).toBe("versioned-first");
    expect(loadingOrder(v("5.3.0"))).toBe("versioned-first");
    expect(pluginFileCandidates("plugin.so", v("5.3.0"))).toEqual(["plugin_v5.3.0_linux_amd64.so", "plugin_5.3.0_linux_amd64.so", "plugin.so"]);
    expect(pluginFileCandidates("./lib/auth.so", v("4.2.0"), { goos: "linux", goarch: "arm64" })).toEqual(["lib/auth.so", "lib/auth_4.2.0_linux_arm64.so", "lib/auth_v4.2.0_linux_arm64.so"]);
    expect(pluginFileCandidates("plugin.so", v("4.0.9"))).toEqual(["plugin.so"]);
    // getPluginNameFromTykVersion trims only a ".so" suffix.
    expect(pluginFileCandidates("plugin", v("5.3.0"))[0]).toBe("plugin_v5.3.0_linux_amd64.so");
  });

  it("resolves: a 4.2 gateway loads the exact path even when its versioned build is there; 5.x takes the versioned one", () => {
    const files = new Set(["plugin.so", "plugin_v4.2.0_linux_amd64.so", "plugin_v5.3.0_linux_amd64.so"]);
    const exists = (f: string) => files.has(f);
    expect(resolvePluginFile("plugin.so", v("4.2.0"), exists).file).toBe("plugin.so");
    expect(resolvePluginFile("plugin.so", v("5.3.0"), exists).file).toBe("plugin_v5.3.0_linux_amd64.so");
    expect(resolvePluginFile("plugin.so", v("5.3.0"), exists, { goos: "linux", goarch: "arm64" }).file).toBe("plugin.so");
    expect(resolvePluginFile("missing.so", v("5.3.0"), exists)).toEqual({ tried: ["missing_v5.3.0_linux_amd64.so", "missing_5.3.0_linux_amd64.so", "missing.so"] });
  });

  it("recognises versioned builds of a hook path", () => {
    expect(parseVersionedName("plugin_v5.3.0_linux_amd64.so")).toMatchObject({ hookPath: "plugin.so", version: { text: "5.3.0" }, platform: { goos: "linux", goarch: "amd64" } });
    expect(parseVersionedName("my_plugin_5.2.1_linux_arm64.so")?.hookPath).toBe("my_plugin.so");
    expect(parseVersionedName("plugin_v4.0.1_linux_amd64.so")).toBeUndefined(); // 4.0 looks for no versioned names
    expect(versionedVariants("plugin.so", ["plugin_v5.3.0_linux_amd64.so", "other_v5.3.0_linux_amd64.so", "lib/plugin_v5.3.0_linux_amd64.so"]).map((x) => x.file)).toEqual(["plugin_v5.3.0_linux_amd64.so"]);
  });

  it("build/verify: no 'will not be in the bundle' warning for a hook whose versioned build is listed", () => {
    const manifest = (fileList: string[]) =>
      decodeManifest(parseJson(JSON.stringify({ file_list: fileList, custom_middleware: { driver: "goplugin", pre: [{ name: "AddFooBarHeader", path: "plugin.so" }] } }))).manifest;
    expect(checkMiddleware(manifest(["plugin_v5.3.0_linux_amd64.so"])).map((p) => p.code)).not.toContain("hook-path-not-listed");
    expect(checkMiddleware(manifest(["plugin_v4.0.1_linux_amd64.so"])).map((p) => p.code)).toContain("hook-path-not-listed");
    expect(checkMiddleware(manifest(["other.so"])).map((p) => p.code)).toContain("hook-path-not-listed");
  });
});

async function goBundle(files: Record<string, string>, hooks: object, extra: Record<string, string> = {}): Promise<{ dir: string; zip: string }> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await (content.startsWith("/") ? copyFile(content, path.join(dir, name)) : writeFile(path.join(dir, name), content));
  }
  await writeFile(path.join(dir, "manifest.json"), JSON.stringify({ file_list: Object.keys(files), custom_middleware: { driver: "goplugin", ...hooks } }));
  for (const [name, content] of Object.entries(extra)) await writeFile(path.join(dir, name), content);
  const built = await runCli(["bundle", "build", "-y", "-o", "bundle.zip"], { cwd: dir });
  expect(built.code, built.stderr).toBe(0);
  return { dir, zip: path.join(dir, "bundle.zip") };
}

describe("bundle build, verify and inspect with versioned Go plugin names", () => {
  const hooks = { pre: [{ name: "AddFooBarHeader", path: "plugin.so" }] };

  it("build: no false warning; verify --gateway-version says which file loads, or that none is found", async () => {
    const { dir } = await goBundle({ "plugin_v5.3.0_linux_amd64.so": "not a real plugin" }, hooks);
    const build = await runCli(["bundle", "build", "-y", "-o", "again.zip"], { cwd: dir });
    expect(build.stderr).not.toMatch(/will not be in the bundle/);
    const found = await runCli(["bundle", "verify", "bundle.zip", "--gateway-version", "v5.3.0", "--format", "json"], { cwd: dir });
    const problems = JSON.parse(found.stdout)[0].problems as Array<{ code: string; message: string; severity: string }>;
    expect(problems.find((p) => p.code === "goplugin-file")?.message).toBe('pre hook "AddFooBarHeader": gateway 5.3.0 (linux/amd64) loads plugin_v5.3.0_linux_amd64.so');
    // The file is not ELF, which the gateway's dlopen refuses too.
    expect(problems.find((p) => p.code === "goplugin-will-not-load")?.message).toMatch(/^plugin_v5\.3\.0_linux_amd64\.so: is not an ELF shared object/);
    expect(found.code).toBe(1);
    const none = await runCli(["bundle", "verify", "bundle.zip", "--gateway-version", "5.2.0"], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(
      'error pre hook "AddFooBarHeader": gateway 5.2.0 (linux/amd64) finds no plugin file ("plugin file not found"): it tries plugin_v5.2.0_linux_amd64.so, plugin_5.2.0_linux_amd64.so, plugin.so, and the bundle has none of them',
    );
  });

  it("takes gatewayVersion from tyk-ts.config.json; the flag wins; a bad value is a usage error", async () => {
    const { dir } = await goBundle({ "plugin_v5.3.0_linux_amd64.so": "x" }, hooks, { "tyk-ts.config.json": JSON.stringify({ gatewayVersion: "5.2.0" }) });
    const fromConfig = await runCli(["bundle", "verify", "bundle.zip"], { cwd: dir });
    expect(fromConfig.stdout).toContain("gateway 5.2.0 (linux/amd64) finds no plugin file");
    const fromFlag = await runCli(["bundle", "verify", "bundle.zip", "--gateway-version", "5.3.0"], { cwd: dir });
    expect(fromFlag.stdout).toContain("gateway 5.3.0 (linux/amd64) loads plugin_v5.3.0_linux_amd64.so");
    const bad = await runCli(["bundle", "verify", "bundle.zip", "--gateway-version", "five"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gateway-version: expected a gateway version such as 5\.8\.2, got "five"/);
    await writeFile(path.join(dir, "tyk-ts.config.json"), JSON.stringify({ gatewayVersion: 5 }));
    const badConfig = await runCli(["bundle", "verify", "bundle.zip"], { cwd: dir });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/tyk-ts\.config\.json: "gatewayVersion" must be a gateway version such as "5\.8\.2"; found 5/);
  });

  it("a gateway version without a patch number: verify still runs, and says which file is not known", async () => {
    const { zip } = await goBundle({ "plugin_v5.8.2_linux_amd64.so": "x" }, hooks);
    const r = await runCli(["bundle", "verify", zip, "--gateway-version", "5.8", "--format", "json"]);
    const codes = JSON.parse(r.stdout)[0].problems.map((p: { code: string }) => p.code);
    expect(codes).toContain("goplugin-version-incomplete");
    expect(codes).not.toContain("goplugin-file-not-found");
  });

  it("warns when a 4.1–4.3.1 gateway would pick the exact path over its own versioned build", async () => {
    const { zip } = await goBundle({ "plugin.so": "x", "plugin_v4.2.0_linux_amd64.so": "y" }, hooks);
    const r = await runCli(["bundle", "inspect", zip, "--json"]);
    const out = JSON.parse(r.stdout);
    expect(out.goPlugins.hooks[0].loads).toEqual([
      { gateway: "gateway 4.2.0 (linux/amd64)", file: "plugin.so" },
      { gateway: "any other gateway", file: "plugin.so" },
    ]);
    expect(out.problems.map((p: { code: string }) => p.code)).toContain("goplugin-exact-path-first");
  });
});
