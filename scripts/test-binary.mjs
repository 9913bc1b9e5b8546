#!/usr/bin/env node
/**
 * `npm run test:binary`: runs the end-to-end tests (every test file that spawns the CLI through
 * test/helpers/cli.ts's runCli, or reads TYK_TS_BIN itself) against the single executable instead of
 * `node bin/tyk-ts.js`.
 * Usage: node scripts/test-binary.mjs [executable]   (default dist/tyk-ts-<os>-<arch>, made by `npm run package`)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const binary = path.resolve(process.argv[2] ?? path.join(ROOT, "dist", `tyk-ts-${process.platform}-${process.arch}`));
if (!existsSync(binary)) {
  process.stderr.write(`error ${binary} does not exist\n  hint: run \`npm run package\` first\n`);
  process.exit(2);
}

const endToEnd = readdirSync(path.join(ROOT, "test"))
  .filter((f) => f.endsWith(".test.ts") && /\b(runCli|TYK_TS_BIN)\b/.test(readFileSync(path.join(ROOT, "test", f), "utf8")))
  .map((f) => `test/${f}`);
process.stderr.write(`running ${endToEnd.length} end-to-end test files against ${path.relative(ROOT, binary)}\n`);

const vitest = path.join(ROOT, "node_modules/vitest/vitest.mjs");
const r = spawnSync(process.execPath, [vitest, "run", ...endToEnd], { cwd: ROOT, stdio: "inherit", env: { ...process.env, TYK_TS_BIN: binary } });
process.exit(r.status ?? 2);
