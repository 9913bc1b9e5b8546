// `tyk-ts plugin inspect` on a 100 MB Go plugin against `readelf --dyn-syms --relocs` on the same
// file (binutils reading the same tables) and `node -e 0` (Node's own start). The plugin is a real
// one (test/support/goplugin/plugins/ok) padded with 100 MB of zeros, so a reader that loads the
// file whole pays for it and one that reads only its tables does not.
// Usage: node bench/goplugin.mjs [runs]   (needs go, gcc, readelf)
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI, ROOT, ensureBuilt, machine, measure, median, requireTools } from "./lib.mjs";

const runs = Number(process.argv[2] ?? 7);
ensureBuilt();
requireTools("go", "gcc", "readelf");

const work = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-goplugin-"));
try {
  cpSync(path.join(ROOT, "test/support/goplugin"), work, { recursive: true });
  const plugin = path.join(work, "big.so");
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off", GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), GOPATH: path.join(work, "gopath"), CGO_ENABLED: "1" };
  execFileSync("go", ["build", "-buildmode=plugin", "-o", plugin, "."], { cwd: path.join(work, "plugins/ok"), env, stdio: "pipe" });
  const real = statSync(plugin).size;
  const fd = openSync(plugin, "a");
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 100; i++) writeSync(fd, zeros);
  closeSync(fd);
  const size = statSync(plugin).size;

  const tyk = await median(runs, () => measure(process.execPath, [CLI, "plugin", "inspect", plugin, "--json"]));
  const readelf = await median(runs, () => measure("readelf", ["--dyn-syms", "--relocs", "-W", plugin]));
  const node = await median(runs, () => measure(process.execPath, ["-e", "0"]));
  const ratio = tyk.wallMs / readelf.wallMs;
  console.log(`machine: ${machine()}, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`plugin: ${(real / 1e6).toFixed(1)} MB real, ${(size / 1e6).toFixed(1)} MB padded; median of ${runs} runs`);
  console.log(`tyk-ts plugin inspect --json:       ${Math.round(tyk.wallMs)} ms, peak RSS ${tyk.peakMiB.toFixed(0)} MiB`);
  console.log(`readelf --dyn-syms --relocs:        ${Math.round(readelf.wallMs)} ms, peak RSS ${readelf.peakMiB.toFixed(0)} MiB`);
  console.log(`node -e 0:                          ${Math.round(node.wallMs)} ms, peak RSS ${node.peakMiB.toFixed(0)} MiB`);
  console.log(`ratio: ${ratio.toFixed(2)} (tyk-ts / readelf); tyk-ts minus Node's start: ${Math.round(tyk.wallMs - node.wallMs)} ms`);
  console.log(JSON.stringify({ bench: "goplugin", ratio: Number(ratio.toFixed(2)), tykMs: Math.round(tyk.wallMs), readelfMs: Math.round(readelf.wallMs), nodeMs: Math.round(node.wallMs), peakRssMiB: Math.round(tyk.peakMiB), sizeMB: Math.round(size / 1e6) }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
