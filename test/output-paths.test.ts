/**
 * Issue 15: an output path that is not a regular file. Every command that writes is spawned as a user
 * runs it (as root in CI and containers) against `-`, a character device made with mknod in a
 * temporary folder (never the machine's own /dev/null), a FIFO read at the same time, symlinks and
 * chains of them, a link to /proc/self/fd/1 (what /dev/stdout is), an existing file with its own mode,
 * and a directory. Afterwards the device must still be a device and the links still links.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, readlink, realpath, rm, stat, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it, type TestContext } from "vitest";
import { openOutput, resolveOutput, writeOutput } from "../src/fs/atomic-file.js";
import { FIXTURES, ROOT } from "./helpers/cli.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const CLI = path.join(ROOT, "bin/tyk-ts.js");
const IS_ROOT = process.getuid?.() === 0;

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The built CLI in `cwd`; stdout kept as bytes (it may be a zip). */
function tykTs(args: string[], cwd: string, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** A character device like /dev/null (1,3), made inside `dir`; the reason when this machine forbids it. */
function makeNullDevice(dir: string): { device?: string; why?: string } {
  const device = path.join(dir, "null");
  const r = spawnSync("mknod", [device, "c", "1", "3"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return { why: `mknod not permitted here (${(r.error?.message ?? r.stderr).trim()}): device-node cases skipped` };
  return { device };
}

/** A fresh folder holding a null device and its stat, or the test skipped with the reason. */
async function nullDeviceOrSkip(ctx: TestContext): Promise<{ dir: string; device: string; before: Stats }> {
  const dir = await tempDir();
  const { device, why } = makeNullDevice(dir);
  if (!device) ctx.skip(why);
  return { dir, device: device!, before: await lstat(device!) };
}

function makeFifo(dir: string, name = "pipe"): string | undefined {
  const fifo = path.join(dir, name);
  return spawnSync("mkfifo", [fifo]).status === 0 ? fifo : undefined;
}

/** Reads everything a writer puts into the FIFO (the open waits for the writer, as `cat fifo` does). */
function readFifo(fifo: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(fifo)
      .on("data", (c) => chunks.push(c as Buffer))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
  });
}

/** Runs `write` on a fresh FIFO while reading it; what the reader got and how the command ended. */
async function throughFifo(ctx: TestContext, write: (fifo: string) => Promise<Run>): Promise<{ received: Buffer; r: Run; fifo: string }> {
  const fifo = makeFifo(await tempDir());
  if (!fifo) ctx.skip("mkfifo is not available");
  const [received, r] = await Promise.all([readFifo(fifo!), write(fifo!)]);
  return { received, r, fifo: fifo! };
}

async function expectStillNullDevice(device: string, before: Stats): Promise<void> {
  const after = await lstat(device);
  expect(after.isCharacterDevice(), `${device} is still a character device`).toBe(true);
  expect(after.rdev).toBe(before.rdev);
  expect(after.ino).toBe(before.ino);
}

/** No temporary file left beside an output. */
async function expectNoTemporaries(dir: string): Promise<void> {
  expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
}

const PY_ZIP_NAMES = "import io, sys, zipfile; print('\\n'.join(zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())).namelist()))";

let work: string;
let reference: Buffer;

beforeAll(async () => {
  work = await tempDir("tyk-ts-output-paths-");
  await cp(path.join(FIXTURES, "python-plugin"), path.join(work, "plugin"), { recursive: true });
  // Builds are reproducible: every output below must receive exactly these bytes.
  const r = await tykTs(["bundle", "build", "-m", "plugin/manifest.json", "-y", "-o", "reference.zip"], work);
  expect(r.code, r.stderr).toBe(0);
  reference = await readFile(path.join(work, "reference.zip"));
});

const build = (output: string, ...more: string[]) => tykTs(["bundle", "build", "-m", "plugin/manifest.json", "-y", "-o", output, ...more], work);

describe("the output module decides by what the path is", () => {
  it("names `-`, devices, FIFOs, links (followed to the end), own descriptors, directories and files", async () => {
    const dir = await tempDir();
    expect(await resolveOutput("-")).toEqual({ kind: "descriptor", path: "-", fd: 1 });
    expect(await resolveOutput("/proc/self/fd/1")).toMatchObject({ kind: "descriptor", fd: 1 });
    await symlink("/proc/self/fd/2", path.join(dir, "err"));
    expect(await resolveOutput(path.join(dir, "err"))).toMatchObject({ kind: "descriptor", fd: 2 });
    expect(await resolveOutput(dir)).toMatchObject({ kind: "directory" });
    await mkdir(path.join(dir, "sub"));
    await symlink("../target.txt", path.join(dir, "sub/one"));
    await symlink("sub/one", path.join(dir, "two"));
    expect(await resolveOutput(path.join(dir, "two"))).toEqual({ kind: "file", path: path.join(await realpath(dir), "target.txt") });
    await writeFile(path.join(dir, "target.txt"), "x");
    await chmod(path.join(dir, "target.txt"), 0o640);
    expect(await resolveOutput(path.join(dir, "two"))).toMatchObject({ kind: "file", existing: { mode: 0o640, size: 1 } });
    const fifo = makeFifo(dir);
    if (fifo) expect(await resolveOutput(fifo)).toMatchObject({ kind: "device", type: "FIFO" });
    await symlink("loop-b", path.join(dir, "loop-a"));
    await symlink("loop-a", path.join(dir, "loop-b"));
    await expect(resolveOutput(path.join(dir, "loop-a"))).rejects.toMatchObject({ code: "output-link-loop" });
    await expect(openOutput(dir)).rejects.toMatchObject({ code: "output-is-directory", exitCode: 2 });
  });

  it.skipIf(!IS_ROOT)("keeps an existing file's owner and mode (as root, which may give files away)", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "owned.json");
    await writeFile(file, "old");
    await chown(file, 4321, 4321);
    await chmod(file, 0o604);
    await writeOutput(file, "new");
    const info = await stat(file);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([4321, 4321, 0o604]);
    expect(await readFile(file, "utf8")).toBe("new");
  });

  it("fixes the mode when asked, whatever stood there (a private key is always 0600)", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "key.pem");
    await writeFile(file, "old");
    await chmod(file, 0o644);
    await writeOutput(file, "secret", { mode: 0o600, exactMode: true });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe("bundle build -o", () => {
  it("- streams the zip to standard output, a pipe that Python's zipfile reads, with the report on stderr", async (ctx) => {
    const r = await build("-");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(reference)).toBe(true);
    expect(r.stderr).toMatch(/built standard output/);
    if (!hasTool("python3")) return ctx.skip();
    const listed = spawnSync("python3", ["-c", PY_ZIP_NAMES], { input: r.stdout, encoding: "utf8" });
    expect(listed.stdout.split("\n")).toContain("manifest.json");
  });

  it("- with --json is a usage error (both want standard output), before anything is built", async () => {
    const r = await build("-", "--json");
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/--json and -o - both want standard output/);
  });

  it("a link to /proc/self/fd/1 (what /dev/stdout is) writes to our standard output, not over a file", async () => {
    const link = path.join(work, "stdout-link");
    await symlink("/proc/self/fd/1", link);
    const r = await build("stdout-link");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(reference)).toBe(true);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it("a character device is written to, not replaced, and needs no --force; everything is still checked", async (ctx) => {
    const { dir, device, before } = await nullDeviceOrSkip(ctx);
    const r = await build(device);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(new RegExp(`built ${device} \\(1\\.\\d KiB\\)`));
    await expectStillNullDevice(device, before);
    await expectNoTemporaries(dir);
    // Checked all the same: a broken manifest still fails.
    const manifest = JSON.parse(await readFile(path.join(work, "plugin/manifest.json"), "utf8")) as { file_list: string[] };
    manifest.file_list.push("missing.py");
    await writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    const broken = await tykTs(["bundle", "build", "-m", path.join(dir, "manifest.json"), "-y", "-o", device], work);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/missing\.py/);
    await expectStillNullDevice(device, before);
  });

  it("a FIFO is opened and written while a reader reads it", async (ctx) => {
    const { received, r, fifo } = await throughFifo(ctx, build);
    expect(r.code, r.stderr).toBe(0);
    expect(received.equals(reference)).toBe(true);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("a FIFO whose reader goes away ends with exit 2 naming it, and stays a FIFO", async (ctx) => {
    const dir = await tempDir();
    const fifo = makeFifo(dir);
    if (!fifo) return ctx.skip("mkfifo is not available");
    await mkdir(path.join(dir, "big"));
    await writeFile(path.join(dir, "big/blob.so"), randomBytes(4 << 20));
    await writeFile(path.join(dir, "big/manifest.json"), JSON.stringify({ file_list: ["blob.so"], custom_middleware: { driver: "goplugin", pre: [{ name: "Pre", path: "blob.so" }] } }));
    const reader = new Promise<void>((resolve) => {
      const stream = createReadStream(fifo, { highWaterMark: 100 });
      stream.once("data", () => stream.destroy());
      stream.once("close", () => resolve());
    });
    const [r] = await Promise.all([tykTs(["bundle", "build", "-m", path.join(dir, "big/manifest.json"), "-y", "-o", fifo], dir), reader]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${fifo} could not be written: its reader closed it`);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("a socket is refused with exit 2 and stays a socket", async () => {
    const dir = await tempDir();
    const socket = path.join(dir, "control.sock");
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const r = await build(socket);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/could not be opened for writing: a socket/);
      expect((await lstat(socket)).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it("a symlink chain is followed: the final target is replaced, keeps its mode, and both links stay links", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "dist"));
    const target = path.join(dir, "dist/bundle.zip");
    await writeFile(target, reference.subarray(0, 4)); // an older "zip"
    await chmod(target, 0o640);
    await symlink("dist/bundle.zip", path.join(dir, "one.zip"));
    await symlink(path.join(dir, "one.zip"), path.join(dir, "two.zip"));
    const r = await build(path.join(dir, "two.zip"));
    expect(r.code, r.stderr).toBe(0);
    expect((await lstat(path.join(dir, "two.zip"))).isSymbolicLink()).toBe(true);
    expect((await lstat(path.join(dir, "one.zip"))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(dir, "one.zip"))).toBe("dist/bundle.zip");
    expect((await readFile(target)).equals(reference)).toBe(true);
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    await expectNoTemporaries(dir);
    await expectNoTemporaries(path.join(dir, "dist"));
  });

  it("a dangling link creates its target; a link to an input file is refused", async () => {
    const dir = await tempDir();
    await symlink("made.zip", path.join(dir, "link.zip"));
    expect((await build(path.join(dir, "link.zip"))).code).toBe(0);
    expect((await readFile(path.join(dir, "made.zip"))).equals(reference)).toBe(true);
    expect((await lstat(path.join(dir, "link.zip"))).isSymbolicLink()).toBe(true);

    await symlink(path.join(work, "plugin/middleware.py"), path.join(dir, "sneaky.zip"));
    const r = await build(path.join(dir, "sneaky.zip"), "--force");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is one of the bundle's input files/);
    expect(await readFile(path.join(work, "plugin/middleware.py"), "utf8")).toMatch(/def /);
  });

  it("an existing bundle keeps its mode; a file that is not a zip still needs --force, and keeps its mode too", async () => {
    const dir = await tempDir();
    const old = path.join(dir, "old.zip");
    await writeFile(old, reference);
    await chmod(old, 0o640);
    expect((await build(old)).code).toBe(0);
    expect((await stat(old)).mode & 0o777).toBe(0o640);

    const notes = path.join(dir, "notes.txt");
    await writeFile(notes, "precious");
    await chmod(notes, 0o600);
    const refused = await build(notes);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists and is not a zip file/);
    expect(refused.stderr).toMatch(/--force/);
    expect(await readFile(notes, "utf8")).toBe("precious");
    expect((await build(notes, "--force")).code).toBe(0);
    expect((await stat(notes)).mode & 0o777).toBe(0o600);
  });

  it("a directory is an error naming it (exit 2), also through a link", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "out"));
    await symlink("out", path.join(dir, "to-out"));
    for (const given of [path.join(dir, "out"), path.join(dir, "to-out")]) {
      const r = await build(given);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${given} is a directory`);
      expect(r.stderr).toMatch(/hint: give -o a file name/);
    }
    expect(await readdir(path.join(dir, "out"))).toEqual([]);
  });

  it.skipIf(!hasTool("script"))("- on a terminal is refused rather than spraying a zip over it", async () => {
    const dir = await tempDir();
    const command = `${process.execPath} ${CLI} bundle build -m ${path.join(work, "plugin/manifest.json")} -y -o -; echo "exit=$?"`;
    const r = spawnSync("script", ["-qec", command, path.join(dir, "typescript")], { encoding: "utf8", timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } });
    expect(r.stdout).toMatch(/is a terminal/);
    expect(r.stdout).toMatch(/exit=2/);
    expect(r.stdout).not.toMatch(/PK\u0003\u0004/);
  });
});

describe("lint -o", () => {
  const lint = (output: string) => tykTs(["lint", "plugin/manifest.json", "-f", "json", "-o", output], work);

  it("- and a link to /proc/self/fd/1 write the report to standard output", async () => {
    for (const output of ["-", "stdout-link"]) {
      const r = await lint(output);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.toString())).toMatchObject([{ filePath: "plugin/manifest.json" }]);
    }
  });

  it("a character device is written to, not replaced", async (ctx) => {
    const { dir, device, before } = await nullDeviceOrSkip(ctx);
    const r = await lint(device);
    expect(r.code, r.stderr).toBe(0);
    await expectStillNullDevice(device, before);
    await expectNoTemporaries(dir);
  });

  it("a FIFO is written while read", async (ctx) => {
    const { received, r } = await throughFifo(ctx, lint);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(received.toString())).toMatchObject([{ filePath: "plugin/manifest.json" }]);
  });

  it("a symlink is followed, the link stays, the target keeps its mode; a directory is exit 2 naming it", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "report.json"), "[]");
    await chmod(path.join(dir, "report.json"), 0o640);
    await symlink("report.json", path.join(dir, "latest.json"));
    expect((await lint(path.join(dir, "latest.json"))).code).toBe(0);
    expect((await lstat(path.join(dir, "latest.json"))).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, "report.json"), "utf8"))).toHaveLength(1);
    expect((await stat(path.join(dir, "report.json"))).mode & 0o777).toBe(0o640);

    const r = await lint(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is a directory`);
  });
});

describe("keygen -o", () => {
  it("never prints a private key: -, a link to /proc/self/fd/1, a device and a FIFO are refused (exit 2)", async (ctx) => {
    const dir = await tempDir();
    await symlink("/proc/self/fd/1", path.join(dir, "stdout-link"));
    const { device, why } = makeNullDevice(dir);
    const fifo = makeFifo(dir);
    const before = device ? await lstat(device) : undefined;
    for (const out of ["-", "stdout-link", ...(device ? [device] : []), ...(fifo ? [fifo] : [])]) {
      const r = await tykTs(["keygen", "-o", out], dir);
      expect(r.code, out).toBe(2);
      expect(r.stdout.toString()).not.toMatch(/PRIVATE KEY/);
      expect(r.stderr).not.toMatch(/PRIVATE KEY/);
      expect(r.stderr).toMatch(/the private key is written only to a file/);
    }
    if (device) await expectStillNullDevice(device, before!);
    // Nothing beside them either (no null.pub.pem).
    expect((await readdir(dir)).sort()).toEqual(["stdout-link", ...(device ? ["null"] : []), ...(fifo ? ["pipe"] : [])].sort());
    if (!device) ctx.skip(why);
  });

  it("follows a symlink: the target becomes the 0600 private key, the link stays; an existing public key keeps its mode", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "secrets"));
    await writeFile(path.join(dir, "secrets/old.pem"), "old");
    await chmod(path.join(dir, "secrets/old.pem"), 0o644);
    await symlink("secrets/old.pem", path.join(dir, "signing.pem"));
    await writeFile(path.join(dir, "signing.pub.pem"), "old");
    await chmod(path.join(dir, "signing.pub.pem"), 0o640);
    const r = await tykTs(["keygen", "-o", "signing.pem", "--force"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect((await lstat(path.join(dir, "signing.pem"))).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(dir, "secrets/old.pem"), "utf8")).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect((await stat(path.join(dir, "secrets/old.pem"))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, "signing.pub.pem"), "utf8")).toMatch(/BEGIN PUBLIC KEY/);
    expect((await stat(path.join(dir, "signing.pub.pem"))).mode & 0o777).toBe(0o640);
  });

  it("a directory is exit 2 naming it", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "keys"));
    const r = await tykTs(["keygen", "-o", "keys"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/keys is a directory/);
  });
});

describe("init", () => {
  it("refuses -, a device and a FIFO as the folder (exit 2), leaving them as they were", async (ctx) => {
    const dir = await tempDir();
    const { device, why } = makeNullDevice(dir);
    const fifo = makeFifo(dir);
    const before = device ? await lstat(device) : undefined;
    for (const target of ["-", ...(device ? [device] : []), ...(fifo ? [fifo] : [])]) {
      const r = await tykTs(["init", target, "--driver", "python"], dir);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toMatch(/init writes a folder of files/);
    }
    if (device) await expectStillNullDevice(device, before!);
    if (!device) ctx.skip(why);
  });

  it("follows a link to an empty folder (the link stays), and creates a dangling link's folder", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "real"));
    await symlink("real", path.join(dir, "via-link"));
    await symlink("made-by-init", path.join(dir, "dangling"));
    for (const [link, folder] of [["via-link", "real"], ["dangling", "made-by-init"]] as const) {
      const r = await tykTs(["init", link, "--driver", "python"], dir);
      expect(r.code, r.stderr).toBe(0);
      expect((await lstat(path.join(dir, link))).isSymbolicLink()).toBe(true);
      expect(await readdir(path.join(dir, folder))).toContain("manifest.json");
    }
  });
});

describe("serve --watch", () => {
  /** Runs serve until its first build report (or failure), then stops it. */
  async function firstBuild(root: string, plugin: string): Promise<{ type: string; bundle?: string; message?: string }> {
    const child = spawn(process.execPath, [CLI, "serve", root, "--port", "0", "--json-log", "--watch", plugin], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      return await new Promise((resolve, reject) => {
        let text = "";
        const look = (d: Buffer) => {
          text += d.toString();
          for (const line of text.split("\n")) {
            if (!line.startsWith("{")) continue;
            const entry = JSON.parse(line) as { type: string };
            if (entry.type === "build" || entry.type === "build-failed") resolve(entry);
          }
        };
        child.stdout.on("data", look);
        child.stderr.on("data", look);
        child.on("close", () => reject(new Error(`serve exited early: ${text}`)));
        setTimeout(() => reject(new Error(`no build reported: ${text}`)), 20_000);
      });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("close", r));
    }
  }

  it("writes through a link or into a device that stands at the bundle's name, and reports a directory there", async (ctx) => {
    const dir = await tempDir();
    const root = path.join(dir, "served");
    await mkdir(root);
    await cp(path.join(work, "plugin"), path.join(dir, "plugin"), { recursive: true });
    const first = await firstBuild(root, path.join(dir, "plugin"));
    expect(first.type).toBe("build");
    const name = first.bundle!;
    const bytes = await readFile(path.join(root, name));

    // The same content gets the same name: a link standing there is followed, not replaced.
    await rm(path.join(root, name));
    await mkdir(path.join(dir, "store"));
    await symlink(path.join(dir, "store/kept.zip"), path.join(root, name));
    expect((await firstBuild(root, path.join(dir, "plugin"))).type).toBe("build");
    expect((await lstat(path.join(root, name))).isSymbolicLink()).toBe(true);
    expect((await readFile(path.join(dir, "store/kept.zip"))).equals(bytes)).toBe(true);
    await expectNoTemporaries(root);

    await rm(path.join(root, name));
    await mkdir(path.join(root, name));
    const failed = await firstBuild(root, path.join(dir, "plugin"));
    expect(failed.type).toBe("build-failed");
    expect(failed.message).toMatch(/is a directory/);
    await rm(path.join(root, name), { recursive: true });

    const made = spawnSync("mknod", [path.join(root, name), "c", "1", "3"]);
    if (made.status !== 0) return ctx.skip("mknod not permitted here: the device case is skipped");
    const before = await lstat(path.join(root, name));
    expect((await firstBuild(root, path.join(dir, "plugin"))).type).toBe("build");
    await expectStillNullDevice(path.join(root, name), before);
    await expectNoTemporaries(root);
  }, 60_000);
});

describe("the project's own scripts", () => {
  it("never pass a system device as an output (bench/ and test/)", async () => {
    const offenders: string[] = [];
    for (const folder of ["bench", "test"]) {
      for (const entry of await readdir(path.join(ROOT, folder), { recursive: true })) {
        const file = path.join(ROOT, folder, entry);
        if (!/\.(m?js|ts)$/.test(entry) || !(await stat(file)).isFile()) continue;
        const text = await readFile(file, "utf8");
        if (/["'](?:-o|--output|--out)["'],\s*["']\/dev\//.test(text) || /-o \/dev\/(?:null|stdout)/.test(text)) offenders.push(`${folder}/${entry}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
