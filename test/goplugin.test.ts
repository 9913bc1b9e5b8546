/**
 * Go plugins read from ELF, and plugin.Open's verdict predicted: each case is also opened by Go's
 * own runtime in the stand-in gateway (test/support/goplugin/host), and the two must agree.
 */
import { spawn } from "node:child_process";
import { copyFile, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkGoPlugins, type PluginLoadPrediction } from "../src/goplugin/check.js";
import { inspectGoFile } from "../src/goplugin/inspect.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { pollPeakRss } from "./helpers/memory.js";
import { canCrossCompileArm64, goPluginFixtures, goPluginsUnavailable, openInHost, TYK_PSEUDO_VERSION, type GoPluginFixtures } from "./helpers/go-plugins.js";
import { tempDir } from "./helpers/tmp.js";

let fx: GoPluginFixtures;

describe.skipIf(goPluginsUnavailable)(`Go plugins${goPluginsUnavailable ? ` (skipped: ${goPluginsUnavailable})` : ""}`, () => {
  beforeAll(() => {
    fx = goPluginFixtures();
  }, 15 * 60_000);

  it("reads a plugin: platform, plugin path, exports with their types, package hashes, Go version", async () => {
    const f = await inspectGoFile(fx.ok);
    expect(f.kind).toBe("go-plugin");
    expect([f.goos, f.goarch]).toEqual(["linux", "amd64"]);
    expect(f.pluginPath).toBe("example.com/plugins/ok");
    expect(f.exports).toEqual([
      { name: "AddFooBarHeader", kind: "func", type: "func(http.ResponseWriter, *http.Request)" },
      { name: "MyResponse", kind: "func", type: "func(http.ResponseWriter, *http.Response, *http.Request)" },
      { name: "NotAFunc", kind: "var", type: "*int" },
    ]);
    const paths = f.packages.map((p) => p.path);
    expect(paths).toContain("github.com/TykTechnologies/tyk/ctx");
    expect(paths).toContain("example.com/shared");
    expect(paths.at(-1)).toBe("example.com/plugins/ok");
    expect(f.packages.every((p) => /^[0-9a-f]{16}$/.test(p.hash))).toBe(true);
    expect(f.goVersion).toMatch(/^go1\.\d+/);
  });

  it.skipIf(!canCrossCompileArm64)(`a plugin cross-compiled for arm64: read, and refused like plugin.Open does${canCrossCompileArm64 ? "" : " (skipped: no gcc-aarch64-linux-gnu)"}`, async () => {
    const f = await inspectGoFile(fx.okArm64!);
    expect([f.kind, f.goos, f.goarch, f.pluginPath]).toEqual(["go-plugin", "linux", "arm64", "example.com/plugins/ok"]);
    expect(f.exports.map((e) => e.name)).toEqual(["AddFooBarHeader", "MyResponse", "NotAFunc"]);
    const oracle = openInHost(fx.host, [fx.okArm64!, fx.ok]);
    const predicted = await checkGoPlugins([fx.okArm64!, fx.ok], { gateway: fx.host });
    predicted.plugins.forEach((p, i) => expectSameVerdict(p, oracle.results[i]!));
    expect(predicted.plugins[0]!.failure).toEqual({ reason: "platform", plugin: "linux/arm64", gateway: "linux/amd64" });
  });

  it("reads the tyk version a plugin was built against from its source paths (a module version, as for a Tyk commit)", async () => {
    const f = await inspectGoFile(fx.versioned);
    expect(f.tykVersion).toBe(TYK_PSEUDO_VERSION);
    expect(f.modules).toContainEqual({ path: "github.com/TykTechnologies/tyk", version: TYK_PSEUDO_VERSION });
    // The same source fetched into the module cache is another path: Go hashes it differently.
    const [p] = (await checkGoPlugins([fx.versioned], { gateway: fx.host })).plugins;
    expect(p!.failure).toMatchObject({ reason: "package-mismatch", package: "github.com/TykTechnologies/tyk/ctx", tyk: { plugin: TYK_PSEUDO_VERSION, gateway: "tyk v0.0.0 (replaced by ../tyk)" } });
    expectSameVerdict(p!, openInHost(fx.host, [fx.versioned]).results[0]!);
  });

  it("reads the same facts from a stripped plugin (no .symtab, no DWARF)", async () => {
    const [full, stripped] = await Promise.all([inspectGoFile(fx.ok), inspectGoFile(fx.okStripped)]);
    expect(stripped.pluginPath).toBe(full.pluginPath);
    expect(stripped.exports).toEqual(full.exports);
    expect(stripped.packages).toEqual(full.packages);
    expect(stripped.goVersion).toBeUndefined();
    expect(stripped.unknown.join(" ")).toMatch(/no DWARF/);
  });

  it("reads a gateway binary: build info, the tyk module, the packages a plugin is checked against, also when stripped", async () => {
    for (const file of [fx.host, fx.hostStripped]) {
      const g = await inspectGoFile(file);
      expect(g.kind).toBe("go-executable");
      expect(g.loadsPlugins).toBe(true);
      expect(g.goVersion).toMatch(/^go1\.\d+/);
      expect(g.mainModule?.path).toBe("example.com/gateway");
      expect(g.modules).toContainEqual({ path: "github.com/TykTechnologies/tyk", version: "v0.0.0", replacedBy: "../tyk" });
      expect(g.packages.find((p) => p.path === "github.com/TykTechnologies/tyk/ctx")).toBeDefined();
    }
  });

  it("says what a file that is not a Go plugin is", async () => {
    expect((await inspectGoFile(fx.cLibrary)).kind).toBe("shared-object");
    expect((await inspectGoFile(fx.notElf)).kind).toBe("not-elf");
    expect((await inspectGoFile(fx.host)).kind).toBe("go-executable");
  });

  // Each case: files opened in order by one gateway process. Symbols as file:Name:hook.
  const cases: Array<[string, (f: GoPluginFixtures) => string[]]> = [
    ["a matching plugin", (f) => [f.ok]],
    ["a plugin built against a changed github.com/TykTechnologies/tyk", (f) => [f.okMismatch]],
    ["the same plugin path twice (a copy)", (f) => [f.ok, f.okCopy]],
    ["the same file twice", (f) => [f.ok, f.ok]],
    ["a hard link to a loaded plugin", (f) => [f.ok, f.okLink]],
    ["two plugins that disagree on a package the gateway lacks", (f) => [f.ok, f.other]],
    ["the same two, the other way round", (f) => [f.other, f.ok]],
    ["the other plugin alone", (f) => [f.other]],
    ["a refused plugin, then a good one with its plugin path", (f) => [f.okMismatch, f.ok]],
    ["a refused plugin opened twice", (f) => [f.okMismatch, f.okMismatch]],
    ["a stripped plugin", (f) => [f.okStripped]],
    ["a C library after a Go plugin", (f) => [f.ok, f.cLibrary]],
    ["a file that is not ELF", (f) => [f.notElf, f.ok]],
    ["a program (the gateway binary itself) after a plugin, twice", (f) => [f.ok, f.hostStripped, f.hostStripped]],
  ];

  for (const gateway of ["host", "hostStripped"] as const) {
    for (const [name, pick] of cases) {
      it(`agrees with plugin.Open (${gateway === "host" ? "gateway" : "stripped gateway"}): ${name}`, async () => {
        const files = pick(fx);
        const oracle = openInHost(fx[gateway], files);
        const predicted = await checkGoPlugins(files, { gateway: fx[gateway] });
        expect(oracle.results).toHaveLength(files.length);
        predicted.plugins.forEach((p, i) => expectSameVerdict(p, oracle.results[i]!));
      });
    }
  }

  it("agrees with plugin.Open on a C library opened first: a fatal runtime error that stops the gateway", async () => {
    const oracle = openInHost(fx.host, [fx.cLibrary]);
    expect(oracle.fatal).toBe("runtime: no plugin module data");
    const [p] = (await checkGoPlugins([fx.cLibrary], { gateway: fx.host })).plugins;
    expect(p!.loads).toBe(false);
    expect(p!.failure).toMatchObject({ reason: "not-a-go-plugin", crashes: true });
    expect(p!.goError).toBe(oracle.fatal);
  });

  it("names the package that differs and the hashes, as the runtime checks it", async () => {
    const [p] = (await checkGoPlugins([fx.okMismatch], { gateway: fx.host })).plugins;
    expect(p!.failure).toMatchObject({ reason: "package-mismatch", package: "github.com/TykTechnologies/tyk/ctx", against: "gateway", toolchain: false });
  });

  it("agrees with Lookup and the gateway's cast for each hook kind", async () => {
    const hooks = [
      { name: "AddFooBarHeader", hook: "pre" },
      { name: "AddFooBarHeadr", hook: "pre" },
      { name: "NotAFunc", hook: "post" },
      { name: "MyResponse", hook: "response" },
      { name: "MyResponse", hook: "auth_check" },
      { name: "AddFooBarHeader", hook: "response" },
    ];
    for (const file of [fx.ok, fx.okStripped]) {
      const oracle = openInHost(fx.host, hooks.map((h) => `${file}:${h.name}:${h.hook}`));
      const { plugins } = await checkGoPlugins([file], { gateway: fx.host, symbols: { [file]: hooks } });
      const symbols = plugins[0]!.symbols;
      hooks.forEach((h, i) => {
        const o = oracle.results[i]!;
        expect(symbols[i]!.found, `${h.name} found`).toBe(o.found);
        expect(symbols[i]!.typeMatches ?? false, `${h.name} cast as ${h.hook}`).toBe(o.cast);
      });
      expect(symbols[1]!.suggestion).toBe("AddFooBarHeader");
      expect(oracle.results[1]!.symError).toBe(`plugin: symbol AddFooBarHeadr not found in plugin ${plugins[0]!.facts.pluginPath}`);
    }
  });

  it("without a gateway: says what it cannot know, and still finds what fails everywhere", async () => {
    const r = await checkGoPlugins([fx.ok, fx.okCopy, fx.other, fx.notElf]);
    expect(r.plugins.map((p) => p.loads)).toEqual([null, false, null, false]);
    expect(r.plugins[1]!.failure).toMatchObject({ reason: "already-loaded", file: fx.ok });
    expect(r.conflicts).toContainEqual({ package: "example.com/shared", files: [fx.ok, fx.other] });
  });
});

describe.skipIf(goPluginsUnavailable)("Go plugins from the command line", () => {
  beforeAll(() => {
    fx = goPluginFixtures();
  }, 15 * 60_000);

  it("plugin inspect prints the facts, --json the same object inspectGoFile returns", async () => {
    const text = await runCli(["plugin", "inspect", fx.ok]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/plugin path\s+example\.com\/plugins\/ok/);
    expect(text.stdout).toMatch(/AddFooBarHeader\s+func\(http\.ResponseWriter, \*http\.Request\)/);
    const json = await runCli(["plugin", "inspect", fx.ok, fx.host, "--json"]);
    expect(JSON.parse(json.stdout)).toEqual([await inspectGoFile(fx.ok), await inspectGoFile(fx.host)]);
    const missing = await runCli(["plugin", "inspect", path.join(fx.dir, "nope.so")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.so does not exist/);
  });

  it("plugin check: exit 1 naming the package that differs, exit 0 when all load and hold their hooks", async () => {
    const bad = await runCli(["plugin", "check", fx.okMismatch, "--gateway", fx.host]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("will not load: was built with a different version of package github.com/TykTechnologies/tyk/ctx than the gateway");
    const good = await runCli(["plugin", "check", fx.ok, "--gateway", fx.host, "--hook", "pre:AddFooBarHeader", "--hook", "response:MyResponse"]);
    expect(good.stdout).toMatch(/loads\n  pre AddFooBarHeader  ok/);
    expect(good.code).toBe(0);
    const typo = await runCli(["plugin", "check", fx.ok, "--hook", "pre:AddFooBarHeadr"]);
    expect(typo.code).toBe(1);
    expect(typo.stdout).toContain("pre AddFooBarHeadr  not found: did you mean AddFooBarHeader?");
  });

  it("reads a 1 GiB plugin (the real one, zero-padded) with positioned reads: same facts, flat memory", async () => {
    const big = path.join(await tempDir(), "big.so");
    await copyFile(fx.ok, big);
    await truncate(big, 1024 ** 3); // sparse: costs no disk
    const child = spawn(process.execPath, [path.join(ROOT, "bin/tyk-ts.js"), "plugin", "inspect", big, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    const memory = pollPeakRss(child.pid, 5);
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    const peakMiB = memory.stop() / 1024;
    expect(code).toBe(0);
    const [facts] = JSON.parse(out);
    expect({ ...facts, file: fx.ok, size: 0 }).toEqual({ ...(await inspectGoFile(fx.ok)), size: 0 });
    // Node itself takes about 60 MiB; reading the file whole would take 1 GiB more.
    expect(peakMiB).toBeLessThan(200);
  });

  it("bundle verify --gateway checks each .so of a goplugin bundle", async () => {
    const dir = await tempDir();
    await copyFile(fx.okMismatch, path.join(dir, "plugin_v5.3.0_linux_amd64.so"));
    await copyFile(fx.ok, path.join(dir, "plugin.so"));
    await copyFile(fx.okCopy, path.join(dir, "auth.so"));
    await writeFile(
      path.join(dir, "manifest.json"),
      JSON.stringify({
        file_list: ["plugin_v5.3.0_linux_amd64.so", "plugin.so", "auth.so"],
        custom_middleware: { driver: "goplugin", pre: [{ name: "AddFooBarHeader", path: "plugin.so" }], auth_check: { name: "AddFooBarHeader", path: "auth.so" } },
      }),
    );
    expect((await runCli(["bundle", "build", "-y", "-o", "b.zip"], { cwd: dir })).code).toBe(0);
    // 5.3.0 loads the mismatched versioned build; 5.2.0 loads plugin.so, then auth.so with the same plugin path.
    const v53 = await runCli(["bundle", "verify", "b.zip", "--gateway", fx.host, "--gateway-version", "5.3.0", "--format", "json"], { cwd: dir });
    const codes53 = JSON.parse(v53.stdout)[0].problems.map((p: { code: string; message: string }) => `${p.code}: ${p.message}`);
    expect(codes53.find((c: string) => c.startsWith("goplugin-will-not-load"))).toMatch(/plugin_v5\.3\.0_linux_amd64\.so: was built with a different version of package github\.com\/TykTechnologies\/tyk\/ctx than the gateway/);
    expect(v53.code).toBe(1);
    const v52 = await runCli(["bundle", "verify", "b.zip", "--gateway", fx.host, "--gateway-version", "5.2.0"], { cwd: dir });
    expect(v52.stdout).toContain('error auth.so: has the plugin path example.com/plugins/ok, like plugin.so, which is loaded first ("plugin already loaded")');
    expect(v52.code).toBe(1);
    // Without a version: every gateway other than 5.3.0 loads plugin.so and auth.so, so the same.
    const any = await runCli(["bundle", "verify", "b.zip", "--gateway", fx.host], { cwd: dir });
    expect(any.stdout).toContain('error auth.so: has the plugin path example.com/plugins/ok, like plugin.so, which is loaded first ("plugin already loaded")');
    expect(any.stdout).toMatch(/error plugin_v5\.3\.0_linux_amd64\.so: was built with a different version of package github\.com\/TykTechnologies\/tyk\/ctx/);
  });
});

function expectSameVerdict(p: PluginLoadPrediction, o: { ok: boolean; error?: string }): void {
  const label = `${p.file}: Go said ${o.ok ? "ok" : o.error}; tyk-ts said ${p.loads ? "ok" : JSON.stringify(p.failure)}`;
  expect(p.loads, label).toBe(o.ok);
  if (!o.ok && p.goError) expect(o.error, label).toContain(`: ${p.goError}`);
  // Errors the runtime writes (not dlopen's) must be predicted word for word.
  if (!o.ok && /plugin already loaded|different version of package/.test(o.error ?? "")) expect(p.goError, label).toBeDefined();
}
