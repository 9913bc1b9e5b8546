/**
 * The config a gateway runs: config.Default, then tyk.conf decoded over it, then the environment.
 *
 * The gateway starts from config.Default (gateway.Start: `NewGateway(config.Default, …)`), and
 * config.Load decodes tyk.conf over it with encoding/json (keys match case-insensitively, absent
 * keys keep their default). config.FillEnv then checks TYK_GW_OMITCONFIGFILE: when its value,
 * lower-cased, is exactly `true`, the whole config is reset to the zero Config (defaults gone too).
 * Last, envconfig sets every field whose TYK_GW_* variable is present, even when it is empty, and
 * the first value it cannot parse stops the gateway. Maps and lists are replaced, not merged.
 */
import { foldKey } from "../go-keys.js";
import { type ParsedValue, parseEnvValue, goQuote } from "./envconfig.js";
import { type EnvField, envFieldByName, envFields, otherGatewayVariable, REMOVED_VARIABLES, suggestEnvName } from "./env-names.js";

/** Where a variable was set: a file and line, or the process environment. */
export interface EnvOrigin {
  file?: string;
  line?: number;
  column?: number;
}

export interface EnvVariable extends EnvOrigin {
  name: string;
  value: string;
}

export type ValueSource =
  | { from: "default" }
  | { from: "file"; file: string }
  | { from: "env"; variable: EnvVariable }
  | { from: "omitted"; variable: EnvVariable };

export interface EnvProblem {
  severity: "error" | "warning" | "info";
  /** Machine code: env-unknown, env-removed, env-parse, env-unsupported, env-list-spaces, env-ignored-file. */
  code: string;
  message: string;
  variable: EnvVariable;
  /** For env-unknown: the variable probably meant. */
  suggestion?: string;
  field?: string;
}

export interface EffectiveConfig {
  config: Record<string, unknown>;
  /** TYK_GW_OMITCONFIGFILE was true: tyk.conf and the defaults were dropped. */
  omitConfigFile: boolean;
  /** The source of every field that has a value, by tyk.conf path; env-set fields only once each. */
  sources: Map<string, ValueSource>;
  /** Every definition of each TYK_GW_* variable, in order (the last one wins). */
  definitions: Map<string, EnvVariable[]>;
  problems: EnvProblem[];
  file?: { path: string; document: Record<string, unknown> };
}

export interface EffectiveConfigInput {
  /** tyk.conf as decoded JSON, and its name for messages; omit when there is none. */
  file?: { path: string; document: Record<string, unknown> };
  /** The environment in the order it is applied: later definitions win. */
  env: readonly EnvVariable[];
}

/** Sets `value` at a dotted tyk.conf path, reusing keys that match case-insensitively (as Go does). */
function setAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = root;
  for (const [i, key] of keys.entries()) {
    const matches = Object.keys(node).filter((k) => foldKey(k) === key);
    if (i === keys.length - 1) {
      for (const k of matches) if (k !== key) delete node[k];
      node[key] = value;
      return;
    }
    const k = matches.at(-1) ?? key;
    const child = node[k];
    if (typeof child !== "object" || child === null || Array.isArray(child)) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
}

/** Reads a dotted path case-insensitively; undefined when absent. */
export function valueAtPath(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    const match = Object.keys(node).filter((k) => foldKey(k) === key).at(-1);
    if (match === undefined) return undefined;
    node = (node as Record<string, unknown>)[match];
  }
  return node;
}

function defaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of envFields()) if (f.default !== undefined) setAt(out, f.path, structuredClone(f.default));
  return out;
}

/** Merges tyk.conf over the defaults the way encoding/json decodes into a filled struct. */
function decodeOver(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = Object.keys(target).find((k) => foldKey(k) === foldKey(key));
    const old = existing === undefined ? undefined : target[existing];
    if (existing !== undefined && existing !== key) delete target[existing];
    if (value !== null && typeof value === "object" && !Array.isArray(value) && old && typeof old === "object" && !Array.isArray(old)) {
      decodeOver(old as Record<string, unknown>, value as Record<string, unknown>);
      target[key] = old;
    } else if (value !== null) target[key] = structuredClone(value);
    else if (existing === undefined) target[key] = null;
  }
}

/** The envconfig error the gateway prints for a value it cannot parse (envconfig's ParseError). */
export function envconfigError(field: EnvField, value: string, detail: string): string {
  return `envconfig.Process: assigning ${field.name} to ${field.goField}: converting '${value}' to type ${field.goType}. details: ${detail}`;
}

/** Checks one variable against the field it sets, without applying it. */
export function checkEnvVariable(variable: EnvVariable, options: { valueKnown?: boolean } = {}): { field?: EnvField; parsed?: ParsedValue; problems: EnvProblem[] } {
  const problems: EnvProblem[] = [];
  const field = envFieldByName(variable.name);
  if (!field) {
    if (!/^tyk[_-]?gw[_-]/i.test(variable.name)) return { problems };
    if (otherGatewayVariable(variable.name)) return { problems };
    const removed = REMOVED_VARIABLES[variable.name];
    if (removed) {
      problems.push({ severity: "warning", code: "env-removed", message: `${variable.name} set ${removed}, which this gateway no longer has: it does nothing`, variable });
      return { problems };
    }
    const suggestion = suggestEnvName(variable.name);
    problems.push({
      // A near miss of a real name is almost surely that setting, and the gateway silently ignores it.
      severity: suggestion ? "error" : "warning",
      code: "env-unknown",
      message: suggestion
        ? `${variable.name} is not a gateway variable, the gateway ignores it; did you mean ${suggestion}?`
        : `${variable.name} is not a variable of this gateway's config (github.com/TykTechnologies/tyk config.Config): the gateway ignores it`,
      variable,
      ...(suggestion ? { suggestion } : {}),
    });
    return { problems };
  }
  if (field.envKind.kind === "unsupported") {
    problems.push({ severity: "warning", code: "env-unsupported", message: `${variable.name} cannot set ${field.path} from a variable: ${field.envKind.why}; set it in tyk.conf`, variable, field: field.path });
    return { field, problems };
  }
  if (options.valueKnown === false) return { field, problems };
  const parsed = parseEnvValue(field.envKind, variable.value);
  if (!parsed.ok) {
    problems.push({
      severity: "error",
      code: "env-parse",
      message: `${variable.name}=${goQuote(variable.value)} stops the gateway at start: ${envconfigError(field, variable.value, parsed.error)}`,
      variable,
      field: field.path,
    });
  } else if (field.envKind.kind === "list" && variable.value.split(",").some((item) => item !== item.trim())) {
    problems.push({ severity: "warning", code: "env-list-spaces", message: `${variable.name}: envconfig splits on commas without trimming, so items keep their spaces (${goQuote(variable.value)})`, variable, field: field.path });
  }
  return { field, parsed, problems };
}

/**
 * Sets each variable's value in `config` (changed in place) as envconfig would, later variables
 * over earlier ones; returns the tyk.conf paths set, with the variable that set each, and the problems.
 */
export function applyEnv(config: Record<string, unknown>, variables: readonly EnvVariable[]): { set: Map<string, EnvVariable>; problems: EnvProblem[] } {
  const set = new Map<string, EnvVariable>();
  const problems: EnvProblem[] = [];
  for (const variable of variables) {
    const { field, parsed, problems: found } = checkEnvVariable(variable);
    problems.push(...found);
    if (!field || !parsed?.ok || field.envKind.kind === "unsupported") continue;
    const value = field.goType === "config.PortsWhiteList" && parsed.value && typeof parsed.value === "object"
      ? { ...(valueAtPath(config, field.path) as object | undefined), ...(parsed.value as object) } // json.Unmarshal into a map adds keys
      : parsed.value;
    if (parsed.value !== null || field.envKind.kind !== "json") setAt(config, field.path, value);
    set.set(field.path, variable);
  }
  return { set, problems };
}

/** Builds the effective config from tyk.conf and an environment. */
export function effectiveConfig(input: EffectiveConfigInput): EffectiveConfig {
  const definitions = new Map<string, EnvVariable[]>();
  for (const v of input.env) definitions.set(v.name, [...(definitions.get(v.name) ?? []), v]);
  const last = (name: string) => definitions.get(name)?.at(-1);
  const omitVar = last("TYK_GW_OMITCONFIGFILE");
  const omitConfigFile = omitVar !== undefined && omitVar.value.toLowerCase() === "true";
  const sources = new Map<string, ValueSource>();
  const problems: EnvProblem[] = [];

  let config: Record<string, unknown> = {};
  if (!omitConfigFile) {
    config = defaults();
    for (const f of envFields()) if (f.default !== undefined) sources.set(f.path, { from: "default" });
    if (input.file) {
      decodeOver(config, input.file.document);
      for (const f of envFields()) if (valueAtPath(input.file.document, f.path) !== undefined) sources.set(f.path, { from: "file", file: input.file.path });
    }
  } else if (input.file) {
    problems.push({ severity: "info", code: "env-ignored-file", message: `TYK_GW_OMITCONFIGFILE=${omitVar!.value}: the gateway ignores ${input.file.path} and config.Default and reads only the environment`, variable: omitVar! });
  }

  const applied = applyEnv(config, [...definitions.values()].map((defs) => defs.at(-1)!));
  problems.push(...applied.problems);
  for (const [path, variable] of applied.set) sources.set(path, { from: "env", variable });
  if (omitConfigFile) for (const f of envFields()) if (!sources.has(f.path) && f.default !== undefined) sources.set(f.path, { from: "omitted", variable: omitVar! });
  return { config, omitConfigFile, sources, definitions, problems, ...(input.file ? { file: input.file } : {}) };
}

export interface FieldExplanation {
  path: string;
  variable: string;
  value: unknown;
  source: ValueSource | { from: "unset" };
  /** Every place that sets it, in the order the gateway applies them; the last one wins. */
  layers: Array<{ from: "default" | "file" | "env"; value: unknown; where?: string; variable?: EnvVariable }>;
}

/** Where the value of one field comes from: a tyk.conf path or a TYK_GW_* name. */
export function explainField(effective: EffectiveConfig, fieldOrVariable: string): FieldExplanation | undefined {
  const field = envFieldByName(fieldOrVariable) ?? envFields().find((f) => f.path === fieldOrVariable.toLowerCase());
  if (!field) return undefined;
  const layers: FieldExplanation["layers"] = [];
  if (!effective.omitConfigFile) {
    if (field.default !== undefined) layers.push({ from: "default", value: field.default, where: "config.Default" });
    const inFile = effective.file ? valueAtPath(effective.file.document, field.path) : undefined;
    if (inFile !== undefined) layers.push({ from: "file", value: inFile, where: effective.file!.path });
  }
  for (const variable of effective.definitions.get(field.name) ?? []) layers.push({ from: "env", value: variable.value, variable, where: variable.file ? `${variable.file}:${variable.line}` : "process environment" });
  return { path: field.path, variable: field.name, value: valueAtPath(effective.config, field.path), source: effective.sources.get(field.path) ?? { from: "unset" }, layers };
}
