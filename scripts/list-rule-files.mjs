#!/usr/bin/env node
/**
 * Prints every registered lint rule id with the file that defines it (from the build in dist/:
 * `npm run build` first). The file is found by what it exports, not by its name, so the list shows
 * where each rule really is; test/lint-rule-files.test.ts checks that the name is the id.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RULES = path.join(ROOT, "dist/lint/rules");
const { builtInRules } = await import(pathToFileURL(path.join(RULES, "index.js")).href);

const definedIn = new Map();
for (const entry of readdirSync(RULES, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
  const file = path.join(entry.parentPath ?? entry.path, entry.name);
  for (const value of Object.values(await import(pathToFileURL(file).href))) {
    if (value && typeof value === "object" && typeof value.id === "string" && builtInRules.includes(value)) {
      definedIn.set(value.id, path.relative(ROOT, file).replace(/^dist/, "src").replace(/\.js$/, ".ts"));
    }
  }
}
const width = Math.max(...builtInRules.map((r) => r.id.length));
for (const rule of builtInRules) process.stdout.write(`${rule.id.padEnd(width)}  ${definedIn.get(rule.id) ?? "(no file)"}\n`);
