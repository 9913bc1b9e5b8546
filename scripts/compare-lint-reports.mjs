#!/usr/bin/env node
/**
 * Lint reports to compare before and after a change that must not change them (issue 12's
 * restructuring of src/lint): the built CLI lints fixtures/ and, when present, ../shared/corpus with
 * `--format json` and `--format sarif` (which carries every rule's metadata), under both profiles,
 * and prints `--list-rules`; each report is stored with its exit code.
 *
 *   node scripts/compare-lint-reports.mjs --write /tmp/before.json   # on the old tree, after npm run build
 *   node scripts/compare-lint-reports.mjs --check /tmp/before.json   # on the new tree: exit 1 on any difference
 *
 * TYK_TS_CLI=<old checkout>/bin/tyk-ts.js runs another build on this tree's fixtures, so both sides
 * lint the same files when the change adds fixtures.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = process.env.TYK_TS_CLI ?? path.join(ROOT, "bin/tyk-ts.js");
const TARGETS = [path.join(ROOT, "fixtures"), path.resolve(ROOT, "../shared/corpus")].filter((dir) => existsSync(dir));

function run(cwd, args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: "1" } });
  return { args: args.join(" "), status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function reports() {
  const out = { listRules: run(ROOT, ["lint", "--list-rules"]) };
  for (const dir of TARGETS) {
    for (const profile of ["default", "production"]) {
      for (const format of ["json", "sarif"]) out[`${path.basename(dir)} ${profile} ${format}`] = run(dir, ["lint", ".", "--profile", profile, "-f", format]);
    }
  }
  return out;
}

const [mode, file] = process.argv.slice(2);
if (!file || (mode !== "--write" && mode !== "--check")) {
  process.stderr.write("usage: compare-lint-reports.mjs --write|--check <file>\n");
  process.exit(2);
}
const now = reports();
if (mode === "--write") {
  writeFileSync(file, `${JSON.stringify(now, null, 1)}\n`);
  process.stdout.write(`${Object.keys(now).length} reports written to ${file} (${TARGETS.join(", ")})\n`);
} else {
  const before = JSON.parse(readFileSync(file, "utf8"));
  let differences = 0;
  for (const key of new Set([...Object.keys(before), ...Object.keys(now)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(now[key])) continue;
    differences++;
    process.stdout.write(`differs: ${key}\n`);
  }
  process.stdout.write(differences === 0 ? `${Object.keys(now).length} reports byte-identical\n` : `${differences} reports differ\n`);
  process.exit(differences === 0 ? 0 : 1);
}
