#!/usr/bin/env node
// `npm run bench`: runs every benchmark in turn (build, verify, publish, lint, serve, start-up, and the heavy
// load tests), each against its baseline measured in the same run, and writes bench/RESULTS.md with
// the machine, the date and the figures. Ratios are the claims; absolute times depend on the machine.
//
// Usage: node bench/run.mjs [build] [verify] [publish] [lint] [goplugin] [serve] [startup] [load]   (default: all)
// Each benchmark keeps its own knobs (BENCH_RUNS, BENCH_SECONDS, ...); see the top of its file.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, ensureBuilt, machine } from "./lib.mjs";

/**
 * How to read each benchmark's figures. Scripts that end with a JSON line (`{"bench": ...}`) are
 * read from it; the others print text, which these patterns pick apart.
 */
const BENCHES = {
  build: {
    file: "bench/build.mjs",
    claim: "bundle build vs zip + md5sum + openssl dgst -sign",
    target: "ratio <= 1.2, peak RSS < 200 MiB",
    met: (f) => f.ratio <= 1.2 && f.peakRssMiB < 200,
  },
  verify: {
    file: "bench/verify.mjs",
    claim: "bundle verify -k vs unzip -p | md5sum | openssl dgst -verify, on three shapes: a large binary, 2,000 small text files, a mixed plugin",
    target: "ratio <= 1.0 on each shape, peak RSS < 150 MB",
    met: (f) => f.ratio <= 1.0 && f.peakRssMiB < 150,
    headline: ({ shapes }) => shapes && Object.entries(shapes).map(([shape, f]) => `${shape} ${fmt(f.ratio)}`).join(", "),
  },
  publish: {
    file: "bench/publish.mjs",
    claim: "bundle publish --update to nginx WebDAV vs bundle verify + sha256sum + curl PUT/GET + cmp + sed",
    target: "ratio <= 1.2",
    met: (f) => f.ratio <= 1.2,
  },
  lint: {
    file: "bench/lint.mjs",
    claim: "lint of 2,000 API definitions vs a node process that only reads and JSON.parses them",
    target: "ratio <= 4",
    met: (f) => f.ratio <= 4,
    parse: (out) => ({
      ratio: number(/^ratio\s+([\d.]+)/m, out),
      tykMs: number(/tyk-ts lint (?:<dir>|\(whole process\))\s+(\d+) ms/, out),
      baselineMs: number(/read \+ JSON\.parse[^\n]*?\s(\d+) ms/, out),
      oneFileMs: number(/tyk-ts lint <one file>\s+(\d+) ms/, out),
      nodeMs: number(/node -e 0\s+(\d+) ms/, out),
    }),
  },
  goplugin: {
    file: "bench/goplugin.mjs",
    claim: "plugin inspect of a 100 MB Go plugin vs readelf --dyn-syms --relocs on it",
    target: "under 1 s, peak RSS < 150 MiB (flat: the padding is never read)",
    met: (f) => f.tykMs < 1000 && f.peakRssMiB < 150,
  },
  serve: { file: "bench/serve.mjs", claim: "serve throughput vs nginx (sendfile), 16 connections", target: "ratio >= 0.8 of nginx", met: (f) => f.ratio >= 0.8 },
  startup: {
    file: "bench/startup.mjs",
    claim: "--version and --help vs node -e 0",
    target: "--help within 1.5x node -e 0",
    met: (f) => f.ratio <= 1.5,
    parse: (out) => {
      const figures = {};
      // "<command>  [wall] N ms  ratio R  [cpu N ms  ratio R]"
      for (const m of out.matchAll(/^(.+?)\s+(?:wall\s+)?(\d+) ms\s+ratio ([\d.]+)(?:\s+cpu\s+(\d+) ms\s+ratio ([\d.]+))?\s*$/gm)) {
        figures[m[1].trim()] = { wallMs: Number(m[2]), ratio: Number(m[3]), ...(m[4] ? { cpuMs: Number(m[4]), cpuRatio: Number(m[5]) } : {}) };
      }
      const help = Object.entries(figures).find(([name]) => name.endsWith("tyk-ts.js --help"))?.[1];
      return { ratio: help?.ratio, commands: figures };
    },
  },
  load: {
    command: [process.execPath, [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "test/load"]],
    env: { TYK_TS_LOAD: "heavy", FORCE_COLOR: "0", NO_COLOR: "1" },
    claim: "serve: 200 connections for 60 s with rebuilds underneath; lint: 2,000 vs 10,000 definitions",
    target: "zero wrong bytes, zero 5xx, flat memory; linear lint time",
    met: ({ serve, lint }) => serve?.wrongBytes === 0 && serve?.serverErrors === 0 && lint?.timeRatio <= 5,
    parse: (out) => ({ serve: json(/^serve-load (\{.*\})$/m, out), lint: json(/^lint-load (\{.*\})$/m, out) }),
    headline: ({ serve, lint }) =>
      [
        serve &&
          `serve: ${serve.requests} requests (${serve.requestsPerSecond}/s), ${serve.fixedRebuilds} rebuilds, ${serve.wrongBytes} wrong bytes, ${serve.serverErrors} 5xx, RSS ${serve.rssEarlyMiB} → ${serve.rssLateMiB} MiB`,
        lint && `lint: ×${lint.timeRatio} time for ×${lint.large.files / lint.small.files} files, peak RSS ${lint.small.peakRssMiB} → ${lint.large.peakRssMiB} MiB`,
      ]
        .filter(Boolean)
        .join("; "),
  },
};

function number(pattern, text) {
  const m = pattern.exec(text);
  return m ? Number(m[1]) : undefined;
}

function json(pattern, text) {
  const m = pattern.exec(text);
  return m ? JSON.parse(m[1]) : undefined;
}

/** The figures a benchmark printed: its last `{"bench": …}` line, else its text parsed. */
function figuresFrom(name, output) {
  const lastJson = output
    .split("\n")
    .reverse()
    .find((line) => line.startsWith("{") && line.includes('"bench"'));
  if (lastJson) return JSON.parse(lastJson);
  return { bench: name, ...BENCHES[name].parse?.(output) };
}

/** Runs one benchmark, echoing its output, and resolves with what it printed and how it ended. */
function runBench(name) {
  const bench = BENCHES[name];
  const [file, args] = bench.command ?? [process.execPath, [path.join(ROOT, bench.file)]];
  process.stderr.write(`\n== ${name}: ${bench.claim}\n`);
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(file, args, { cwd: ROOT, env: { ...process.env, ...bench.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8").on("data", (d) => {
        output += d;
        process.stderr.write(d);
      });
    }
    child.on("close", (code) => resolve({ code, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const fmt = (n, digits = 2) => (n === undefined || n === null || Number.isNaN(n) ? "–" : Number(n).toFixed(digits));

/** A table cell: pipes escaped, so a shell pipeline in a description stays in its column. */
const cell = (text) => String(text).replace(/\|/g, "\\|");

function summaryRow(name, figures, code) {
  const bench = BENCHES[name];
  const rss = figures.peakRssMiB ?? figures.serve?.peakRssMiB;
  const status = code === 0 ? "ok" : `exit ${code}`;
  const ratio = bench.headline?.(figures) ?? (figures.ratio === undefined ? "–" : fmt(figures.ratio));
  const met = code !== 0 ? "–" : bench.met(figures) ? "yes" : "NO";
  return `| ${[name, bench.claim, ratio, rss === undefined ? "–" : `${fmt(rss, 0)} MiB`, bench.target, met, status].map(cell).join(" | ")} |`;
}

function gitCommit() {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).stdout?.trim();
  return r.status === 0 ? `${r.stdout.trim()}${dirty ? " (with uncommitted changes)" : ""}` : "unknown";
}

ensureBuilt();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const results = [];
for (const name of names) {
  const bench = BENCHES[name];
  if (bench.file && !existsSync(path.join(ROOT, bench.file))) {
    process.stderr.write(`\n== ${name}: ${bench.file} does not exist yet; skipped\n`);
    continue;
  }
  const { code, output, seconds } = await runBench(name);
  results.push({ name, code, seconds, output, figures: figuresFrom(name, output) });
}

const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
const lines = [
  "# Benchmark results",
  "",
  `Written by \`npm run bench\` (bench/run.mjs) on ${date}.`,
  "",
  `- Machine: ${machine()}`,
  `- Commit: ${gitCommit()}`,
  "- Every figure is measured against its baseline in the same run, on the same machine; the ratios are the claims.",
  "",
  "| bench | what is compared | ratio (or result) | peak RSS | target | met | run |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...results.map((r) => summaryRow(r.name, r.figures, r.code)),
  "",
  "## Figures",
  "",
  ...results.flatMap((r) => [`### ${r.name} (${r.seconds} s)`, "", "```json", JSON.stringify(r.figures, null, 2), "```", ""]),
  "## Output",
  "",
  ...results.flatMap((r) => [`### ${r.name}`, "", "```", r.output.trim().split("\n").filter((l) => !/^\s*$/.test(l) && !/\u001b\[/.test(l)).slice(-40).join("\n"), "```", ""]),
];
writeFileSync(path.join(ROOT, "bench/RESULTS.md"), `${lines.join("\n")}\n`);
process.stderr.write(`\nwrote bench/RESULTS.md (${results.length} benchmarks)\n`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
