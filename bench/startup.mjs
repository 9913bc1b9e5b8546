// Start-up time of `tyk-ts --version` and `--help` against a bare `node -e 0`.
// Usage: node bench/startup.mjs [runs]   (the single binary is included when dist/tyk-ts-linux-x64 exists)
// Runs are interleaved so that load from other processes on the machine hits every command alike.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
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

function timeOnce({ file, args }) {
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${file} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

ensureBuilt();
const samples = commands.map(() => []);
for (const c of commands) timeOnce(c); // warm the file cache
for (let run = 0; run < runs; run++) for (const [i, c] of commands.entries()) samples[i].push(timeOnce(c));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = median(samples[0]);
console.log(`start-up, median of ${runs} runs (${machine()})`);
for (const [i, c] of commands.entries()) {
  const ms = median(samples[i]);
  console.log(`${c.name.padEnd(40)} ${ms.toFixed(0).padStart(5)} ms   ratio ${(ms / baseline).toFixed(2)}`);
}
