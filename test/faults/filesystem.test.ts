/**
 * Output directories that refuse writes: read-only (a read-only bind mount; tests run as root, and
 * file modes do not stop root) and full (a 1 MiB tmpfs; where mounting is not permitted, a file-size
 * limit makes writes fail the same way). Every writing command must end with exit 2 and a sentence
 * naming the path and the cause, leave no partial or temporary file, and leave an earlier bundle as
 * it was.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hasTool } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { CLI, isReadOnly, listing, request, startServe, tryMount } from "./support.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI, optionally under a file-size limit (SIGXFSZ ignored, so writes fail with EFBIG instead). */
function cli(args: string[], cwd: string, fileSizeLimitKiB?: number): Promise<Run> {
  const command = fileSizeLimitKiB === undefined ? [process.execPath, CLI, ...args] : ["sh", "-c", `trap '' XFSZ; ulimit -f ${fileSizeLimitKiB}; exec "$0" "$@"`, process.execPath, CLI, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** A refusal as a user should see it: exit 2, the path and the cause, no stack trace (soft: every command is checked). */
function expectClearFailure(r: Run, target: string, cause: RegExp): void {
  const shown = `exit ${r.code}\n${r.stderr}`;
  expect.soft(r.code, shown).toBe(2);
  expect.soft(r.stderr, shown).toContain(target);
  expect.soft(r.stderr, shown).toMatch(cause);
  expect.soft(r.stderr, shown).not.toMatch(/^\s+at .+(\(|:\d+)/m);
  expect.soft(r.stderr, shown).not.toMatch(/unexpected failure/);
}

let root: string;
let plugin: string;

beforeAll(async () => {
  root = await tempDir("tyk-ts-fault-fs-");
  plugin = path.join(root, "plugin");
  mkdirSync(plugin);
  // 3 MiB of random data: more than the full disk holds, whatever deflate does.
  writeFileSync(path.join(plugin, "blob.so"), randomBytes(3 * 1024 * 1024));
  writeFileSync(path.join(plugin, "manifest.json"), JSON.stringify({ file_list: ["blob.so"], custom_middleware: { driver: "goplugin", pre: [{ name: "Pre", path: "blob.so" }] } }));
  mkdirSync(path.join(root, "small"));
  writeFileSync(path.join(root, "small/middleware.py"), "def Pre(request, session, spec):\n    return request, session\n");
  writeFileSync(path.join(root, "small/manifest.json"), JSON.stringify({ file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
  mkdirSync(path.join(root, "apis"));
  writeFileSync(path.join(root, "apis/api.json"), JSON.stringify({ api_id: "a", name: "A", proxy: { listen_path: "/a/", target_url: "http://u" } }));
});

/** An earlier bundle in `dir`, built before the directory stopped taking writes. */
async function earlierBundle(dir: string): Promise<string> {
  const r = await cli(["bundle", "build", "-m", "small/manifest.json", "-o", path.join(dir, "bundle.zip"), "-y"], root);
  expect(r.code, r.stderr).toBe(0);
  return sha256(path.join(dir, "bundle.zip"));
}

describe("a read-only output directory", () => {
  let ro: string;
  let earlier: string;
  let skip: string | undefined;

  beforeAll(async () => {
    const source = path.join(root, "ro-source");
    mkdirSync(source);
    earlier = await earlierBundle(source);
    ro = path.join(root, "ro");
    skip = tryMount(["--bind", "-o", "ro", source], ro);
    if (!skip && !isReadOnly(ro)) skip = "the bind mount is not read-only here";
  });

  it("bundle build, keygen, init and lint -o end with exit 2 naming the path and the read-only file system", async (ctx) => {
    if (skip) return ctx.skip(skip);
    const build = await cli(["bundle", "build", "-m", "plugin/manifest.json", "-o", path.join(ro, "bundle.zip"), "-y"], root);
    expectClearFailure(build, ro, /read-only file system/);
    expect(sha256(path.join(ro, "bundle.zip"))).toBe(earlier);
    expectClearFailure(await cli(["keygen", "-o", path.join(ro, "signing.pem")], root), ro, /read-only file system/);
    expectClearFailure(await cli(["init", path.join(ro, "new-plugin"), "--driver", "python"], root), path.join(ro, "new-plugin"), /read-only file system/);
    expectClearFailure(await cli(["lint", "apis", "-f", "json", "-o", path.join(ro, "lint.json")], root), "lint.json", /read-only file system/);
    expect(readdirSync(ro)).toEqual(["bundle.zip"]);
  });

  it("serve still serves it, and --watch reports the failed build instead of stopping", async (ctx) => {
    if (skip) return ctx.skip(skip);
    const { url, child } = await startServe(ro, ["--watch", path.join(root, "small")]);
    const events: Array<{ type: string; message?: string }> = [];
    let buffer = "";
    child.stdout!.on("data", (d: Buffer) => (buffer += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (buffer += d.toString()));
    for (let i = 0; i < 50 && !events.some((e) => e.type === "build-failed"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      events.splice(0, events.length, ...buffer.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; message?: string }));
    }
    const failed = events.find((e) => e.type === "build-failed");
    expect(failed?.message, buffer).toMatch(/read-only file system/);
    expect(await listing(url)).toEqual(["bundle.zip"]);
    const served = await request(`${url}bundle.zip`);
    expect(served.status).toBe(200);
    expect(createHash("sha256").update(served.body).digest("hex")).toBe(earlier);
    child.kill("SIGTERM");
  });
});

describe("a full disk", () => {
  let full: string;
  let limitKiB: number | undefined;
  let earlier: string;

  beforeAll(async () => {
    full = path.join(root, "full");
    const why = tryMount(["-t", "tmpfs", "-o", "size=1m", "tmpfs"], full);
    // Without a small filesystem, a file-size limit fails the write the same way a full disk does.
    if (why) limitKiB = 1024;
    earlier = await earlierBundle(full);
  });

  it("bundle build ends with exit 2 naming the cause, leaves no partial or temporary file, and keeps the earlier bundle", async () => {
    const r = await cli(["bundle", "build", "-m", "plugin/manifest.json", "-o", path.join(full, "bundle.zip"), "-y"], root, limitKiB);
    expectClearFailure(r, path.join(full, "bundle.zip"), limitKiB === undefined ? /no space left on device/ : /EFBIG|too large|no space/);
    expect(readdirSync(full)).toEqual(["bundle.zip"]);
    expect(sha256(path.join(full, "bundle.zip"))).toBe(earlier);
  });

  it.skipIf(!hasTool("dd"))("keygen and lint -o end with exit 2 when not a byte more fits", async (ctx) => {
    if (limitKiB !== undefined) return ctx.skip("no tmpfs: a file-size limit cannot make a small write fail");
    // Fill the disk to the last block.
    spawnSync("dd", ["if=/dev/zero", `of=${path.join(full, "filler")}`, "bs=4k"], { stdio: "ignore" });
    expectClearFailure(await cli(["keygen", "-o", path.join(full, "signing.pem")], root), "signing.pem", /no space left on device/);
    expectClearFailure(await cli(["lint", "apis", "-f", "json", "-o", path.join(full, "lint.json")], root), "lint.json", /no space left on device/);
    expect(readdirSync(full).sort()).toEqual(["bundle.zip", "filler"]);
    expect(sha256(path.join(full, "bundle.zip"))).toBe(earlier);
  });
});
