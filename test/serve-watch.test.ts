/** `serve --watch`: each change to a plugin's sources becomes a bundle under a new, versioned name. */
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildFailedLogEntry, BuildLogEntry, ServeLogEntry } from "../src/serve/log.js";
import { fetchRaw, startServer, writePlugin } from "./helpers/serve-client.js";
import { hasTool, writeTestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const isBuild = (e: ServeLogEntry): e is BuildLogEntry => e.type === "build";
const isBuildFailed = (e: ServeLogEntry): e is BuildFailedLogEntry => e.type === "build-failed";
const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

async function setup() {
  const top = await tempDir("tyk-ts-serve-watch-");
  const plugin = await writePlugin(path.join(top, "my plugin"));
  const root = path.join(top, "served");
  await mkdir(root);
  return { top, plugin, root };
}

describe("serve --watch", () => {
  it("builds at start and after each change, under a new name that the server then serves", async () => {
    const { plugin, root } = await setup();
    const s = await startServer({ root, watch: [plugin] });
    const first = await s.waitForLog(isBuild);
    expect(first.bundle).toMatch(/^my-plugin-[0-9a-f]{12}\.zip$/);
    expect(first.url).toBe(`${s.server.url}${first.bundle}`);
    expect(first.signed).toBe(false);
    const firstZip = await fetchRaw(s.server.url, `/${first.bundle}`);
    expect(firstZip.status).toBe(200);
    expect(firstZip.headers["content-type"]).toBe("application/zip");

    const from = s.logs.length;
    await writeFile(path.join(plugin, "middleware.py"), "def MyPre(request, session, spec):\n    return request, session  # edited\n");
    const second = await s.waitForLog(isBuild, from);
    expect(second.bundle).not.toBe(first.bundle);
    expect(second.checksum).not.toBe(first.checksum);
    // The old name stays: a gateway still configured with it keeps working until it is switched.
    expect((await fetchRaw(s.server.url, `/${first.bundle}`)).body.equals(firstZip.body)).toBe(true);
    expect((await fetchRaw(s.server.url, `/${second.bundle}`)).status).toBe(200);
    expect((await readdir(root)).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it.skipIf(!hasTool("unzip"))("gives a manifest-only change (a renamed hook) a new name although the files' checksum is the same", async () => {
    const { plugin, root } = await setup();
    const s = await startServer({ root, watch: [plugin] });
    const first = await s.waitForLog(isBuild);
    const from = s.logs.length;
    const manifest = JSON.parse(await readFile(path.join(plugin, "manifest.json"), "utf8")) as { custom_middleware: { pre: Array<{ name: string }> } };
    manifest.custom_middleware.pre[0]!.name = "OtherPre";
    await writeFile(path.join(plugin, "manifest.json"), JSON.stringify(manifest));
    const second = await s.waitForLog(isBuild, from);
    expect(second.checksum).toBe(first.checksum);
    expect(second.bundle).not.toBe(first.bundle);
    const bundled = execFileSync("unzip", ["-p", path.join(root, second.bundle), "manifest.json"], { encoding: "utf8" });
    expect(JSON.parse(bundled)).toMatchObject({ custom_middleware: { pre: [{ name: "OtherPre" }] }, checksum: first.checksum });
  });

  it("stays quiet when a file is saved unchanged, and when the served directory is the plugin folder itself", async () => {
    const { plugin } = await setup();
    const s = await startServer({ root: plugin, watch: [plugin] });
    await s.waitForLog(isBuild);
    await writeFile(path.join(plugin, "middleware.py"), await readFile(path.join(plugin, "middleware.py")));
    await settle(1000);
    expect(s.logs.filter(isBuild)).toHaveLength(1);
    expect(s.logs.filter(isBuildFailed)).toEqual([]);
  });

  it("reports a broken manifest, keeps serving, and builds again once it is fixed", async () => {
    const { plugin, root } = await setup();
    const s = await startServer({ root, watch: [plugin] });
    await s.waitForLog(isBuild);
    const good = await readFile(path.join(plugin, "manifest.json"), "utf8");
    const from = s.logs.length;
    await writeFile(path.join(plugin, "manifest.json"), good.replace("middleware.py", "missing.py"));
    const failed = await s.waitForLog(isBuildFailed, from);
    expect(failed.plugin).toBe(plugin);
    expect(failed.message).toContain('file_list[0] "missing.py" does not exist');
    await writeFile(path.join(plugin, "manifest.json"), good);
    await s.waitForLog(isBuild, from);
    expect((await readdir(root)).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("signs the bundles with --sign-key", async () => {
    const { top, plugin, root } = await setup();
    const keys = writeTestKeys(top);
    const s = await startServer({ root, watch: [plugin], signingKey: keys.privatePkcs8 });
    const built = await s.waitForLog(isBuild);
    expect(built.signed).toBe(true);
  });

  it("refuses a folder without manifest.json, and two plugins that would get the same name", async () => {
    const { top, plugin, root } = await setup();
    // The library names no flag; the CLI says `--watch <dir>: …` (test/serve-cli.test.ts).
    await expect(startServer({ root, watch: [top] })).rejects.toMatchObject({ code: "watch-no-manifest", message: `plugin folder ${top}: no manifest.json in ${top}`, data: { given: top, dir: top } });
    const twin = await writePlugin(path.join(top, "elsewhere", "my plugin"));
    await expect(startServer({ root, watch: [plugin, twin] })).rejects.toMatchObject({ code: "watch-name-clash" });
  });
});
