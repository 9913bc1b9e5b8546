/**
 * One file per lint rule, named by its id: `rules/<folder>/<name>.ts` defines the rule `<name>`, or
 * `security/<name>` in rules/security/. Every registered id has its file, every rule file defines
 * one registered rule, and the registry lists each rule once. Helpers live in rules/support/.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { builtInRules, ruleById } from "../src/lint/rules/index.js";
import { ROOT } from "./helpers/cli.js";

const RULES = path.join(ROOT, "src/lint/rules");

/** rules/<folder>/<file>.ts, apart from the registry and the helpers. */
const ruleFiles = readdirSync(RULES, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts") && f.includes(path.sep) && !f.startsWith(`support${path.sep}`))
  .map((f) => f.split(path.sep).join("/"))
  .sort();

/** The id a file must define: its name, with `security/` for the security folder. */
function idOf(file: string): string {
  const [folder, name] = file.replace(/\.ts$/, "").split("/");
  return folder === "security" ? `security/${name}` : name!;
}

async function rulesDefinedIn(file: string): Promise<Array<{ id: string }>> {
  const module = (await import(pathToFileURL(path.join(RULES, file)).href)) as Record<string, unknown>;
  return Object.values(module).filter((v): v is { id: string } => typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string");
}

describe("lint rule files", () => {
  it("the registry lists every rule once", () => {
    const ids = builtInRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ruleById.size).toBe(ids.length);
  });

  it("every registered id has a file of its name", () => {
    const named = new Set(ruleFiles.map(idOf));
    expect(builtInRules.map((r) => r.id).filter((id) => !named.has(id))).toEqual([]);
  });

  it.each(ruleFiles)("%s defines the registered rule of its name, and nothing else with an id", async (file) => {
    const defined = await rulesDefinedIn(file);
    expect(defined.map((r) => r.id)).toEqual([idOf(file)]);
    expect(ruleById.get(idOf(file)), `${idOf(file)} is defined in ${file} but not listed in rules/index.ts`).toBe(defined[0]);
  });

  it("no rule is defined among the helpers", async () => {
    const helpers = readdirSync(path.join(RULES, "support")).filter((f) => f.endsWith(".ts"));
    for (const file of helpers) expect(await rulesDefinedIn(`support/${file}`), file).toEqual([]);
  });
});
