/**
 * Ignores with reasons: findings a team has looked at and accepted, for built-in and organisation
 * rules alike. In the config's `ignore` list, next to the glob strings that skip files entirely:
 *
 *   "ignore": [
 *     "legacy/**",
 *     { "files": "apis/status.json", "rules": "security/keyless-api", "reason": "public health check" },
 *     { "files": "apis/*.json", "pointer": "/proxy/target_url", "rules": ["security/*"], "reason": "…" }
 *   ]
 *
 * An entry matches a finding when every part it gives matches: `files` (globs relative to the
 * config's folder), `rules` (ids, or `prefix/*`), `pointer` (the finding's pointer as shown in the
 * output, or an ancestor of it; `*` matches one segment). An entry without a `reason` still applies,
 * but is itself reported (`ignore-without-reason`), so every accepted risk is explained.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { InputError } from "../errors.js";
import { isObject, pointerSegments } from "./read/pointer.js";
import { parseSource } from "./read/source.js";
import { closest } from "../suggest.js";
import { ignoreWithoutReason } from "./rules/config/ignore-without-reason.js";
import type { LintMessage, LintResult } from "./types.js";

export interface IgnoreEntry {
  /** Index in the config's `ignore` list, for reporting the entry itself. */
  index: number;
  files?: string[];
  rules?: string[];
  pointer?: string;
  reason?: string;
}

const FIELDS = ["files", "rules", "pointer", "reason"];

function entryError(file: string, index: number, message: string): InputError {
  return new InputError("config-invalid", `${file}: ignore[${index}]: ${message}`, {
    hint: 'an ignore entry looks like {"files": "apis/status.json", "rules": "security/keyless-api", "pointer": "/use_keyless", "reason": "public health check"}',
  });
}

function stringOrList(value: unknown): string[] | undefined {
  if (typeof value === "string" && value !== "") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && v !== "")) return value as string[];
  return undefined;
}

/** One object entry of the config's `ignore` list. */
export function parseIgnoreEntry(raw: unknown, index: number, file: string): IgnoreEntry {
  if (!isObject(raw)) throw entryError(file, index, "must be a glob string or an object");
  for (const key of Object.keys(raw)) {
    if (FIELDS.includes(key)) continue;
    const suggestion = closest(key, FIELDS);
    throw entryError(file, index, `unknown field "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (known: ${FIELDS.join(", ")})`);
  }
  const entry: IgnoreEntry = { index };
  for (const key of ["files", "rules"] as const) {
    if (raw[key] === undefined) continue;
    const list = stringOrList(raw[key]);
    if (!list) throw entryError(file, index, `"${key}" must be a non-empty string or list of strings`);
    entry[key] = list;
  }
  if (raw.pointer !== undefined) {
    if (typeof raw.pointer !== "string" || (raw.pointer !== "" && !raw.pointer.startsWith("/"))) throw entryError(file, index, '"pointer" must be a JSON pointer such as "/proxy/target_url"');
    entry.pointer = raw.pointer;
  }
  if (raw.reason !== undefined) {
    if (typeof raw.reason !== "string") throw entryError(file, index, '"reason" must be a string');
    if (raw.reason.trim() !== "") entry.reason = raw.reason.trim();
  }
  // Without any of these the entry would silence every finding of every file.
  if (!entry.files && !entry.rules && entry.pointer === undefined) throw entryError(file, index, 'give at least one of "files", "rules" or "pointer"');
  return entry;
}

/** Rule ids an entry names that no rule has: a typo would silently ignore nothing. */
export function checkIgnoredRules(entries: readonly IgnoreEntry[], ruleIds: ReadonlySet<string>, file: string): void {
  for (const entry of entries) {
    for (const id of entry.rules ?? []) {
      const known = id.endsWith("/*") ? [...ruleIds].some((r) => r.startsWith(id.slice(0, -1))) : ruleIds.has(id);
      if (known) continue;
      const suggestion = closest(id, ruleIds);
      throw entryError(file, entry.index, `unknown rule "${id}"${suggestion ? `; did you mean "${suggestion}"?` : ""}`);
    }
  }
}

export interface IgnoreSettings {
  entries: readonly IgnoreEntry[];
  /** The config file, and the folder `files` globs are relative to. */
  configFile: string;
  baseDir: string;
  cwd: string;
}

function pointerMatches(pattern: string, pointer: string): boolean {
  const want = pointerSegments(pattern);
  const have = pointerSegments(pointer);
  return want.length <= have.length && want.every((segment, i) => segment === "*" || segment === have[i]);
}

function ruleMatches(patterns: readonly string[], ruleId: string): boolean {
  return patterns.some((p) => (p.endsWith("/*") ? ruleId.startsWith(p.slice(0, -1)) : p === ruleId));
}

/**
 * Drops the findings the entries ignore and recounts each result. Entries without a reason are
 * reported in a result for the config file, at the entry's position, with `severityOfReport`
 * (undefined: the rule is off).
 */
export function applyIgnores(results: readonly LintResult[], settings: IgnoreSettings, severityOfReport: 1 | 2 | undefined): LintResult[] {
  if (settings.entries.length === 0) return [...results];
  const fileMatchers = new Map(settings.entries.map((e) => [e, e.files ? picomatch(e.files, { dot: true }) : undefined]));
  const filtered = results.map((result) => {
    const relative = path.relative(settings.baseDir, path.resolve(settings.cwd, result.filePath)).split(path.sep).join("/");
    const applicable = settings.entries.filter((e) => {
      const matcher = fileMatchers.get(e);
      return !matcher || (!relative.startsWith("..") && matcher(relative));
    });
    if (applicable.length === 0) return result;
    const kept = result.messages.filter(
      (m) => !applicable.some((e) => (!e.rules || ruleMatches(e.rules, m.ruleId)) && (e.pointer === undefined || pointerMatches(e.pointer, m.pointer))),
    );
    return kept.length === result.messages.length ? result : withMessages(result, kept);
  });
  const unexplained = settings.entries.filter((e) => e.reason === undefined);
  if (unexplained.length === 0 || severityOfReport === undefined) return filtered;
  return [...filtered, reasonlessEntries(unexplained, settings, severityOfReport)];
}

function withMessages(result: LintResult, messages: LintMessage[]): LintResult {
  return {
    ...result,
    errorCount: messages.filter((m) => m.severity === 2).length,
    warningCount: messages.filter((m) => m.severity === 1).length,
    messages,
  };
}

function reasonlessEntries(entries: readonly IgnoreEntry[], settings: IgnoreSettings, severity: 1 | 2): LintResult {
  const source = parseSource(readFileSync(settings.configFile, "utf8"), "json").documents[0];
  const messages = entries.map((entry): LintMessage => {
    const pointer = `/ignore/${entry.index}`;
    const range = source?.locate(pointer, "value") ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
    const what = [entry.rules && `rules ${entry.rules.join(", ")}`, entry.files && `files ${entry.files.join(", ")}`, entry.pointer !== undefined && `pointer ${entry.pointer}`].filter(Boolean).join(", ");
    return { ruleId: ignoreWithoutReason.id, severity, message: `this ignore entry (${what}) has no "reason": say why the findings it hides are acceptable`, ...range, pointer };
  });
  const rel = path.relative(settings.cwd, settings.configFile);
  return withMessages({ filePath: rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : settings.configFile, kind: null, errorCount: 0, warningCount: 0, messages }, messages);
}
