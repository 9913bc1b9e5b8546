/**
 * Shared by the fault tests: a large plugin to build, an independent consistency check of a bundle
 * (Python's zipfile + hashlib), a `tyk-ts serve` child to look at the output directory through, and
 * mounts (read-only, size-limited) where the machine allows them.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { fetchRaw, type FetchOptions, type Reply } from "../helpers/serve-client.js";

export const CLI = path.join(ROOT, "bin/tyk-ts.js");

/**
 * A goplugin folder whose `blob.so` is `megabytes` MiB of alternating random and repetitive blocks
 * (so deflate has real work), plus a few small files in a sub-folder.
 */
export function writeLargePlugin(dir: string, megabytes: number): string {
  mkdirSync(path.join(dir, "lib"), { recursive: true });
  const text = Buffer.from("func handler(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }\n".repeat(900));
  const fd = openSync(path.join(dir, "blob.so"), "w");
  for (let written = 0, block = 0; written < megabytes << 20; block++) {
    const chunk = block % 2 === 0 ? randomBytes(1 << 16) : text.subarray(0, 1 << 16);
    writeSync(fd, chunk);
    written += chunk.length;
  }
  closeSync(fd);
  const files = ["blob.so"];
  for (let i = 0; i < 20; i++) {
    writeFileSync(path.join(dir, `lib/m${i}.py`), `# module ${i}\n${randomBytes(3000).toString("base64")}\n`);
    files.push(`lib/m${i}.py`);
  }
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ file_list: files, custom_middleware: { driver: "goplugin", pre: [{ name: "Pre", path: "blob.so" }] } }));
  return path.join(dir, "manifest.json");
}

const CONSISTENCY_CHECK = `
import hashlib, json, sys, zipfile
try:
    with zipfile.ZipFile(sys.argv[1]) as z:
        bad = z.testzip()
        if bad:
            print("crc-error", bad); sys.exit(1)
        manifest = json.loads(z.read("manifest.json"))
        digest = hashlib.md5()
        for name in manifest.get("file_list") or []:
            digest.update(z.read(name))
        if digest.hexdigest() != manifest.get("checksum"):
            print("checksum-mismatch", digest.hexdigest(), manifest.get("checksum")); sys.exit(1)
        print("ok", digest.hexdigest())
except zipfile.BadZipFile as e:
    print("bad-zip", e); sys.exit(1)
`;

/** Python's verdict: "ok <md5>" when every entry passes its CRC and the checksum matches the listed files. */
export function pythonConsistency(zip: string): { ok: boolean; output: string } {
  const r = spawnSync("python3", ["-c", CONSISTENCY_CHECK, zip], { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

export interface ServeChild {
  url: string;
  child: ChildProcess;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

/** `tyk-ts serve <root> -p 0 --json-log [...extra]`, resolved once it prints where it listens. */
export function startServe(root: string, extra: string[] = []): Promise<ServeChild> {
  const child = spawn(process.execPath, [CLI, "serve", root, "-p", "0", "--json-log", ...extra], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-4000)));
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      for (const line of out.split("\n")) {
        if (!line.startsWith("{")) continue;
        const event = JSON.parse(line) as { type?: string; url?: string };
        if (event.type === "listening" && event.url) resolve({ url: event.url, child });
      }
    });
    child.on("exit", (code) => reject(new Error(`tyk-ts serve exited with ${code}: ${err}`)));
  });
}

export function request(url: string, options: FetchOptions = {}): Promise<Reply> {
  const { origin, pathname, search } = new URL(url);
  return fetchRaw(origin, pathname + search, options);
}

/** The names a JSON directory listing shows. */
export async function listing(url: string): Promise<string[]> {
  const r = await request(url, { headers: { Accept: "application/json" } });
  if (r.status !== 200) throw new Error(`listing ${url}: ${r.status}`);
  return (JSON.parse(r.body.toString()) as { entries: Array<{ name: string }> }).entries.map((e) => e.name);
}

/**
 * Mounts a filesystem for a test when the machine lets us (root with CAP_SYS_ADMIN); returns why not
 * otherwise. Unmounted after the test file.
 */
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted.splice(0).reverse()) spawnSync("umount", ["-l", m]);
});

export function tryMount(args: string[], target: string): string | undefined {
  mkdirSync(target, { recursive: true });
  const r = spawnSync("mount", [...args, target], { encoding: "utf8" });
  if (r.status !== 0) return `mount ${args.join(" ")} not permitted here (${(r.stderr || r.error?.message || "").trim()})`;
  mounted.push(target);
  return undefined;
}

/** Whether a path is really read-only to us: root ignores file modes, so only a mount can make it so. */
export function isReadOnly(dir: string): boolean {
  try {
    execFileSync("touch", [path.join(dir, ".probe")], { stdio: "ignore" });
    execFileSync("rm", ["-f", path.join(dir, ".probe")]);
    return false;
  } catch {
    return true;
  }
}
