// Start-up time of `tyk-ts --version` and `--help` against a bare `node -e 0`.
// Usage: node bench/startup.mjs [runs]   (the single binary is included when dist/tyk-ts-linux-x64 exists)
// Runs are interleaved so that load from other processes on the machine hits every command alike.
// Wall time is what a user waits; on a busy machine it also measures the wait for a free core, so the
// CPU time the process used (Linux: the children's times in /proc/self/stat) is shown beside it.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CLI, ROOT, ensureBuilt, machine } from "./lib.mjs";

const runs = Number(process.argv[2] ?? 21);
const binary = path.join(ROOT, `dist/tyk-ts-${process.platform}-${process.arch}`);

const commands = [
  { name: "node -e 0", file: process.execPath, args: ["-e", "0"] },
  { name: "node bin/tyk-ts.js --version", file: process.execPath, args: [CLI, "--version"] },
  { name: "node bin/tyk-ts.js --help", file: process.execPath, args: [CLI, "--help"] },
];
if (existsSync(binary)) {
  commands.push(
    { name: `${path.relative(ROOT, binary)} --version`, file: binary, args: ["--version"] },
    { name: `${path.relative(ROOT, binary)} --help`, file: binary, args: ["--help"] },
  );
}

/** CPU milliseconds used by this process's waited-for children so far, or NaN off Linux. */
function childrenCpuMs() {
  if (process.platform !== "linux") return NaN;
  // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 Hz).
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function timeOnce({ file, args }) {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${file} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: childrenCpuMs() - cpuBefore };
}

ensureBuilt();
const samples = commands.map(() => []);
for (const c of commands) timeOnce(c); // warm the file cache
for (let run = 0; run < runs; run++) for (const [i, c] of commands.entries()) samples[i].push(timeOnce(c));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// CPU time comes in 10 ms ticks: the mean over all runs is finer than any one run.
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const wall = samples.map((runs) => median(runs.map((r) => r.wallMs)));
const cpu = samples.map((runs) => mean(runs.map((r) => r.cpuMs)));
const modified = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
const bundled = modified(path.join(ROOT, "dist/cli-bundle/cli.cjs")) >= modified(path.join(ROOT, "dist/cli.js"));
console.log(`bin/tyk-ts.js runs ${bundled ? "the bundle, dist/cli-bundle/cli.cjs" : "dist/cli.js, unbundled (run `npm run build` to bundle)"}`);
console.log(`start-up over ${runs} runs (${machine()}): median wall time, mean CPU time, ratios to node -e 0`);
for (const [i, c] of commands.entries()) {
  const cpuText = Number.isNaN(cpu[i]) ? "" : `   cpu ${cpu[i].toFixed(0).padStart(4)} ms  ratio ${(cpu[i] / cpu[0]).toFixed(2)}`;
  console.log(`${c.name.padEnd(40)} wall ${wall[i].toFixed(0).padStart(4)} ms  ratio ${(wall[i] / wall[0]).toFixed(2)}${cpuText}`);
}
