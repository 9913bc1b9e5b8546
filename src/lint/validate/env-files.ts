/**
 * The .env side of the environment stage: a `.env` file found in the run, the `--env-file` files
 * that declare the gateway's environment, and the names a compose `env_file:` sets. Positions are
 * the variable's line, at its name or at its value.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { DotenvSyntaxError, type EnvEntry, parseDotenv } from "../../config/dotenv.js";
import type { EnvVariable } from "../../config/effective.js";
import { InputError, ioError } from "../../errors.js";
import { displayPath } from "../read/discover.js";
import type { FileState } from "../results.js";
import type { RuleSet } from "../rule-set.js";
import type { LintContext } from "../types.js";
import { checkEnvironment, declaredEnvironment, type DeclaredEnvironment } from "./env.js";

/** The names a compose env_file sets; undefined when it cannot be read (then nothing is judged missing). */
export function readEnvFileNames(file: string): Set<string> | undefined {
  try {
    return new Set(parseDotenv(readFileSync(file, "utf8")).entries.map((e) => e.name));
  } catch {
    return undefined;
  }
}

/** Where a variable of a .env file is: its name, or its value after the `=`. */
function envEntryRange(entry: EnvEntry, at: "name" | "value") {
  const column = at === "name" ? entry.column : entry.column + entry.name.length + 1;
  return { line: entry.line, column, endLine: entry.line, endColumn: at === "name" ? entry.column + entry.name.length : column + Math.max(1, (entry.value.split("\n")[0] ?? "").length) };
}

/**
 * Lints a `.env` file (read as docker compose reads it): its TYK_* variables are one gateway's
 * environment. Returns false when it has none. Values that interpolate an unset variable are not
 * judged: compose takes them from the shell it runs in.
 */
export function lintEnvFile(text: string, state: FileState, options: Parameters<typeof checkEnvironment>[1]): boolean {
  let entries;
  try {
    entries = parseDotenv(text).entries;
  } catch (err) {
    if (!(err instanceof DotenvSyntaxError)) throw err;
    state.pending.push({ ruleId: "syntax", message: `not a .env file docker compose can read: ${err.message}`, pointer: "", anchor: "value", range: { line: err.line, column: err.column, endLine: err.line, endColumn: err.column + 1 } });
    return true;
  }
  if (!entries.some((e) => /^tyk_/i.test(e.name))) return false;
  const variables = entries.map((e) => ({ name: e.name, value: e.unresolved ? undefined : e.value, where: e }));
  for (const f of checkEnvironment(variables, options)) state.pending.push({ ruleId: f.ruleId, message: f.message, pointer: "", anchor: "value", range: envEntryRange(f.where, f.at) });
  return true;
}

/**
 * The files of `--env-file`, linted as one complete environment (a missing TYK_SECRET_* is
 * missing), and `report` to put a finding at a variable's line in them.
 */
export function readDeclaredEnvironment(envFiles: readonly string[], cwd: string, options: { run: RuleSet; ctx: LintContext }) {
  const states: FileState[] = [];
  const paths = new Set<string>();
  const all: Array<{ variable: EnvVariable; state: FileState; entry: EnvEntry }> = [];
  for (const file of envFiles) {
    const absolute = path.resolve(cwd, file);
    const shown = displayPath(absolute, cwd);
    let text: string;
    try {
      text = readFileSync(absolute, "utf8");
    } catch (err) {
      throw ioError(err, file);
    }
    let entries: EnvEntry[];
    try {
      entries = parseDotenv(text).entries;
    } catch (err) {
      if (err instanceof DotenvSyntaxError) throw new InputError("env-file-syntax", `${shown}:${err.line}:${err.column}: ${err.message}`, { hint: "docker compose refuses this file too; fix the line", data: { file: shown, line: err.line, column: err.column } });
      throw err;
    }
    const state: FileState = { displayPath: shown, kinds: new Set(), pending: [] };
    states.push(state);
    paths.add(absolute);
    for (const entry of entries) all.push({ variable: { name: entry.name, value: entry.value, file: shown, line: entry.line, column: entry.column }, state, entry });
  }
  const byVariable = new Map(all.map((a) => [a.variable, a]));
  for (const f of checkEnvironment(all.map((a) => ({ name: a.variable.name, value: a.entry.unresolved ? undefined : a.variable.value, where: a })), { ...options, file: envFiles[0]!, available: new Set(all.map((a) => a.variable.name)) })) {
    f.where.state.pending.push({ ruleId: f.ruleId, message: f.message, pointer: "", anchor: "value", range: envEntryRange(f.where.entry, f.at) });
  }
  const env: DeclaredEnvironment = declaredEnvironment(all.map((a) => a.variable));
  return {
    states,
    paths,
    env,
    report(variable: EnvVariable, ruleId: string, message: string) {
      const found = byVariable.get(variable);
      // The tyk.conf rules already ran on the variables alone; the same finding from tyk.conf + env is not repeated.
      if (found && !found.state.pending.some((p) => p.ruleId === ruleId && p.message === message)) {
        found.state.pending.push({ ruleId, message, pointer: "", anchor: "value", range: envEntryRange(found.entry, "value") });
      }
    },
  };
}
