/**
 * Go plugin fixtures (test/support/goplugin), built once and cached in the OS temp folder under a
 * hash of their sources, so test files and re-runs share one build (a plugin build costs 15–40 s
 * on a shared 2-core machine). A lock directory keeps two test files from building at once.
 *
 * Also the oracle: `openInHost` runs the stand-in gateway, which calls Go's own plugin.Open.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";
import { hasTool } from "./keys.js";
import { buildZip } from "./zip-builder.js";

const SOURCES = path.join(ROOT, "test/support/goplugin");
export const TYK_PSEUDO_VERSION = "v1.9.2-0.20240101000000-abcdefabcdef";

/** Why Go plugin tests cannot run here, or undefined when they can. */
export const goPluginsUnavailable: string | undefined =
  !hasTool("go") ? "Go is not installed (.ci/run installs golang-go)"
  : !hasTool("gcc") ? "gcc is not installed: Go plugins need cgo"
  : process.platform !== "linux" || process.arch !== "x64" ? "the Go plugin fixtures are built and opened on linux/amd64 only"
  : undefined;

/** Cgo cross-compiling a plugin for arm64 needs gcc-aarch64-linux-gnu (.ci/run installs it). */
export const canCrossCompileArm64 = hasTool("aarch64-linux-gnu-gcc");

export interface GoPluginFixtures {
  dir: string;
  host: string;
  hostStripped: string;
  ok: string;
  okCopy: string;
  okLink: string;
  okStripped: string;
  okMismatch: string;
  other: string;
  /** Built against the stand-in tyk module as a module version (v1.9.2-0.20240101000000-abcdefabcdef). */
  versioned: string;
  /** undefined when no arm64 C cross-compiler is installed (gcc-aarch64-linux-gnu). */
  okArm64?: string;
  cLibrary: string;
  notElf: string;
}

function sourceHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(path.relative(SOURCES, full)).update(readFileSync(full));
    }
  };
  walk(SOURCES);
  hash.update(execFileSync("go", ["version"], { encoding: "utf8" }));
  return hash.digest("hex").slice(0, 16);
}

function files(dir: string, arm64: boolean): GoPluginFixtures {
  const f = (name: string) => path.join(dir, name);
  return {
    dir,
    host: f("gateway"),
    hostStripped: f("gateway-stripped"),
    ok: f("ok.so"),
    okCopy: f("ok-copy.so"),
    okLink: f("ok-link.so"),
    okStripped: f("ok-stripped.so"),
    okMismatch: f("ok-mismatch.so"),
    other: f("other.so"),
    versioned: f("versioned.so"),
    ...(arm64 && { okArm64: f("ok_arm64.so") }),
    cLibrary: f("c-library.so"),
    notElf: f("not-elf.so"),
  };
}

let cached: GoPluginFixtures | undefined;

export function goPluginFixtures(): GoPluginFixtures {
  if (cached) return cached;
  const dir = path.join(os.tmpdir(), `tyk-ts-goplugins-${sourceHash()}`);
  const arm64 = canCrossCompileArm64;
  const done = path.join(dir, arm64 ? "done-arm64" : "done");
  const lock = `${dir}.lock`;
  for (const start = Date.now(); !existsSync(done); ) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() - start > 15 * 60_000) throw new Error(`gave up waiting for ${lock}; remove it if no test run is building`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      continue;
    }
    try {
      if (!existsSync(done)) build(dir, arm64);
      writeFileSync(done, "");
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return (cached = files(dir, arm64));
}

function build(dir: string, arm64: boolean): void {
  const work = `${dir}.work-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  cpSync(SOURCES, work, { recursive: true });
  const env = {
    ...process.env,
    GOFLAGS: "-mod=mod",
    GOPROXY: "off",
    GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"),
    GOPATH: path.join(work, "gopath"),
    CGO_ENABLED: "1",
  };
  const go = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
    execFileSync("go", args, { cwd: path.join(work, cwd), env: { ...env, ...extra }, stdio: "pipe" });
  const out = (name: string) => path.join(work, "out", name);
  mkdirSync(path.join(work, "out"));
  go("host", ["build", "-o", out("gateway"), "."]);
  go("plugins/ok", ["build", "-buildmode=plugin", "-o", out("ok.so"), "."]);
  go("plugins/other", ["build", "-buildmode=plugin", "-o", out("other.so"), "."]);
  // The same plugin against the changed stand-in gateway module.
  cpSync(path.join(work, "plugins/ok"), path.join(work, "plugins/ok-mismatch"), { recursive: true });
  go("plugins/ok-mismatch", ["mod", "edit", "-replace", "github.com/TykTechnologies/tyk=../../tyk2"]);
  go("plugins/ok-mismatch", ["build", "-buildmode=plugin", "-o", out("ok-mismatch.so"), "."]);
  // The stand-in gateway module as a version on a file:// module proxy: its source paths then carry
  // the version, as a plugin built against a Tyk commit's pseudo-version does.
  const proxy = path.join(work, "proxy/github.com/!tyk!technologies/tyk/@v");
  mkdirSync(proxy, { recursive: true });
  const prefix = `github.com/TykTechnologies/tyk@${TYK_PSEUDO_VERSION}/`;
  const moduleFiles = ["go.mod", "ctx/ctx.go"].map((f) => ({ name: prefix + f, data: readFileSync(path.join(work, "tyk", f)) }));
  writeFileSync(path.join(proxy, `${TYK_PSEUDO_VERSION}.zip`), buildZip(moduleFiles));
  writeFileSync(path.join(proxy, `${TYK_PSEUDO_VERSION}.mod`), readFileSync(path.join(work, "tyk/go.mod")));
  writeFileSync(path.join(proxy, `${TYK_PSEUDO_VERSION}.info`), JSON.stringify({ Version: TYK_PSEUDO_VERSION, Time: "2024-01-01T00:00:00Z" }));
  writeFileSync(path.join(proxy, "list"), `${TYK_PSEUDO_VERSION}\n`);
  go("plugins/versioned", ["build", "-buildmode=plugin", "-o", out("versioned.so"), "."], { GOPROXY: `file://${path.join(work, "proxy")}`, GOSUMDB: "off" });
  if (arm64) go("plugins/ok", ["build", "-buildmode=plugin", "-o", out("ok_arm64.so"), "."], { GOARCH: "arm64", CC: "aarch64-linux-gnu-gcc" });
  execFileSync("strip", ["-o", out("gateway-stripped"), out("gateway")]);
  execFileSync("strip", ["-o", out("ok-stripped.so"), out("ok.so")]);
  cpSync(out("ok.so"), out("ok-copy.so"));
  linkSync(out("ok.so"), out("ok-link.so"));
  writeFileSync(path.join(work, "lib.c"), "int answer(void) { return 42; }\n");
  execFileSync("gcc", ["-shared", "-fPIC", "-o", out("c-library.so"), path.join(work, "lib.c")]);
  writeFileSync(out("not-elf.so"), "this is not a shared object\n");
  rmSync(dir, { recursive: true, force: true });
  renameSync(path.join(work, "out"), dir);
  rmSync(work, { recursive: true, force: true });
}

export interface OracleResult {
  file: string;
  ok: boolean;
  error?: string;
  symbol?: string;
  found: boolean;
  cast: boolean;
  symError?: string;
}

/** Go's verdicts: the stand-in gateway opens `args` (file[:Symbol[:hook]]) in order, in one process. */
export function openInHost(host: string, args: string[]): { results: OracleResult[]; fatal?: string } {
  const res = spawnSync(host, args, { encoding: "utf8" });
  const results = res.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as OracleResult);
  const fatal = /fatal error: (.*)/.exec(res.stderr)?.[1];
  return { results, ...(fatal && { fatal }) };
}
