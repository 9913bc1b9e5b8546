/**
 * The lint config file: `tyk-ts.config.json` or `.tyk-ts.json`, found by walking up from the cwd.
 *
 *   {
 *     "rules": { "unknown-field": "error", "example-secret": "off", "some-rule": ["warning", { …options }] },
 *     "ignore": ["legacy/**", "**\/*.draft.json", { "files": "apis/status.json", "rules": "security/keyless-api", "reason": "…" }],
 *     "orgRules": [{ "id": "org/https-upstream", "given": "/proxy/target_url", "then": { "pattern": "^https://" } }],
 *     "deployments": [{ "gateway": "gw/tyk.conf", "apis": "gw/apps/*.json", "policies": "gw/policies/policies.json" }],
 *     "gatewayVersion": "5.3.0"
 *   }
 *
 * Ignore patterns are globs relative to the directory of the config file; object entries ignore
 * findings (src/lint/ignores.ts). `orgRules` are the team's own rules (src/lint/org-rules.ts).
 * `gatewayVersion` is the gateway `bundle verify` checks Go plugin file names for.
 * `deployments` says which files one gateway loads together where the files cannot
 * (src/lint/read/deployments.ts); its paths are relative to the config file's directory too.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { parseGatewayVersion } from "../bundle/gateway-versions.js";
import { toValue } from "../json/parse.js";
import { readJsonFile } from "../json/read-file.js";
import { closest } from "../suggest.js";
import { parseIgnoreEntry, type IgnoreEntry } from "./ignores.js";
import { parseOrgRules, type OrgRuleDefinition } from "./org-rules.js";
import { isObject } from "./read/pointer.js";
import type { DeclaredDeployment, RuleSeverity } from "./types.js";

export const CONFIG_FILE_NAMES = ["tyk-ts.config.json", ".tyk-ts.json"];

export interface LintConfig {
  /** The file it came from; undefined when none was found. */
  file?: string;
  /** The directory ignore patterns are relative to. */
  baseDir: string;
  severities: Record<string, RuleSeverity>;
  ruleOptions: Record<string, unknown>;
  ignore: string[];
  /** Findings accepted by the team (object entries of `ignore`). */
  ignores: IgnoreEntry[];
  orgRules: OrgRuleDefinition[];
  deployments: DeclaredDeployment[];
  /** The gateway version `bundle verify` resolves Go plugin file names for (src/goplugin/file-names.ts). */
  gatewayVersion?: string;
}

const SETTINGS = ["rules", "ignore", "orgRules", "deployments", "gatewayVersion", "$schema"];
const SEVERITIES: readonly RuleSeverity[] = ["error", "warning", "off"];
// ESLint's spellings are accepted too, since people will write them.
const SEVERITY_ALIASES: Record<string, RuleSeverity> = { warn: "warning", "0": "off", "1": "warning", "2": "error" };

/** The nearest config file in `cwd` or above it. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export async function loadConfig(options: { cwd: string; configPath?: string }): Promise<LintConfig> {
  const file = options.configPath ? path.resolve(options.cwd, options.configPath) : findConfigFile(options.cwd);
  if (!file) return { baseDir: options.cwd, severities: {}, ruleOptions: {}, ignore: [], ignores: [], orgRules: [], deployments: [] };
  return parseConfig(toValue((await readJsonFile(file, "config-syntax")).root), file);
}

function configError(file: string, message: string): InputError {
  return new InputError("config-invalid", `${file}: ${message}`, {
    hint: 'the config looks like {"rules": {"<rule id>": "error" | "warning" | "off"}, "ignore": ["<glob>"]}',
  });
}

export function parseConfig(raw: unknown, file: string): LintConfig {
  if (!isObject(raw)) throw configError(file, "the config must be a JSON object");
  const config: LintConfig = { file, baseDir: path.dirname(file), severities: {}, ruleOptions: {}, ignore: [], ignores: [], orgRules: [], deployments: [] };
  for (const key of Object.keys(raw)) {
    if (!SETTINGS.includes(key)) {
      const suggestion = closest(key, SETTINGS);
      throw configError(file, `unknown setting "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (known: ${SETTINGS.filter((s) => s !== "$schema").join(", ")})`);
    }
  }
  if (raw.rules !== undefined) {
    if (!isObject(raw.rules)) throw configError(file, '"rules" must be an object of rule id → severity');
    for (const [id, setting] of Object.entries(raw.rules)) {
      const [level, options] = Array.isArray(setting) ? setting : [setting];
      const severity = typeof level === "string" || typeof level === "number" ? (SEVERITY_ALIASES[String(level)] ?? String(level)) : undefined;
      if (!severity || !SEVERITIES.includes(severity as RuleSeverity)) {
        throw configError(file, `rules.${id} must be "error", "warning" or "off" (or [severity, options]); found ${JSON.stringify(setting)}`);
      }
      config.severities[id] = severity as RuleSeverity;
      if (options !== undefined) config.ruleOptions[id] = options;
    }
  }
  if (raw.ignore !== undefined) {
    if (!Array.isArray(raw.ignore)) throw configError(file, '"ignore" must be a list of glob patterns and ignore entries');
    raw.ignore.forEach((entry, index) => {
      if (typeof entry === "string") config.ignore.push(entry);
      else config.ignores.push(parseIgnoreEntry(entry, index, file));
    });
  }
  if (raw.orgRules !== undefined) config.orgRules = parseOrgRules(raw.orgRules, file);
  if (raw.deployments !== undefined) config.deployments = parseDeployments(raw.deployments, file);
  if (raw.gatewayVersion !== undefined) {
    if (typeof raw.gatewayVersion !== "string" || !parseGatewayVersion(raw.gatewayVersion)) {
      throw configError(file, `"gatewayVersion" must be a gateway version such as "5.8.2"; found ${JSON.stringify(raw.gatewayVersion)}`);
    }
    config.gatewayVersion = raw.gatewayVersion;
  }
  return config;
}

const DEPLOYMENT_KEYS = ["gateway", "apis", "policies"];

function parseDeployments(raw: unknown, file: string): DeclaredDeployment[] {
  const example = '[{ "gateway": "gw/tyk.conf", "apis": "gw/apps/*.json", "policies": "gw/policies/policies.json" }]';
  if (!Array.isArray(raw)) throw configError(file, `"deployments" must be a list such as ${example}`);
  return raw.map((entry, i) => {
    const at = `deployments[${i}]`;
    if (!isObject(entry)) throw configError(file, `${at} must be an object such as ${example.slice(1, -1)}`);
    for (const key of Object.keys(entry)) {
      if (DEPLOYMENT_KEYS.includes(key)) continue;
      const suggestion = closest(key, DEPLOYMENT_KEYS);
      throw configError(file, `${at}: unknown key "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (known: ${DEPLOYMENT_KEYS.join(", ")})`);
    }
    const globs = (key: "apis" | "policies"): string[] => {
      const value = entry[key];
      if (value === undefined) return [];
      const list = typeof value === "string" ? [value] : value;
      if (!Array.isArray(list) || list.some((g) => typeof g !== "string" || g === "")) throw configError(file, `${at}.${key} must be a glob or a list of globs (relative to ${path.dirname(file)})`);
      return list as string[];
    };
    if (entry.gateway !== undefined && (typeof entry.gateway !== "string" || entry.gateway === "")) throw configError(file, `${at}.gateway must be the path of a tyk.conf (relative to ${path.dirname(file)})`);
    const deployment: DeclaredDeployment = { gateway: entry.gateway as string | undefined, apis: globs("apis"), policies: globs("policies") };
    if (deployment.apis.length === 0 && deployment.policies.length === 0) throw configError(file, `${at} names no "apis" and no "policies": nothing to check together`);
    return deployment;
  });
}
