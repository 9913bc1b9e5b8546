#!/usr/bin/env node
// Writes docs/security-rules.md from the security rule definitions (src/lint/rules/security/), as
// built into dist/ — run `npm run build` first.
//
//   node scripts/generate-security-docs.mjs           write docs/security-rules.md
//   node scripts/generate-security-docs.mjs --check   exit 1 if the committed page differs
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RENDERER = path.join(ROOT, "dist/lint/security-docs.js");
const PAGE = path.join(ROOT, "docs/security-rules.md");

if (!existsSync(RENDERER)) {
  process.stderr.write(`${path.relative(ROOT, RENDERER)} does not exist: run \`npm run build\` first\n`);
  process.exit(2);
}
const { renderSecurityRulesDoc } = await import(pathToFileURL(RENDERER).href);
const page = renderSecurityRulesDoc();

if (process.argv.includes("--check")) {
  const committed = existsSync(PAGE) ? readFileSync(PAGE, "utf8") : "";
  if (committed !== page) {
    process.stderr.write("docs/security-rules.md is out of date: run `node scripts/generate-security-docs.mjs`\n");
    process.exit(1);
  }
} else {
  writeFileSync(PAGE, page);
  process.stderr.write(`wrote ${path.relative(ROOT, PAGE)}\n`);
}
