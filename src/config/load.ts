/**
 * Reads what the effective config is built from: tyk.conf, `.env` files and the process
 * environment. The pure rules are in effective.ts, envconfig.ts and dotenv.ts.
 */
import path from "node:path";
import type { Problem } from "../problem.js";
import { InputError } from "../errors.js";
import { toValue } from "../json/parse.js";
import { readJsonFile } from "../json/read-file.js";
import { readTextFile } from "../fs/read-text.js";
import { DotenvSyntaxError, parseDotenv } from "./dotenv.js";
import { type EffectiveConfig, type EnvVariable, effectiveConfig, valueAtPath } from "./effective.js";
import { type SecretReference, configReferences } from "./secrets.js";

/** Reads tyk.conf as the gateway decodes it: one JSON object. */
export async function readGatewayConfig(file: string): Promise<Record<string, unknown>> {
  const value = toValue((await readJsonFile(file, "config-syntax")).root);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InputError("config-shape", `${file}: a gateway config must be a JSON object`, { data: { file } });
  return value as Record<string, unknown>;
}

/** Reads a `.env` file as docker compose does; `${VAR}` is looked up in `lookup`. */
export async function readEnvFile(file: string, lookup: (name: string) => string | undefined = () => undefined): Promise<EnvVariable[]> {
  const text = await readTextFile(file);
  try {
    return parseDotenv(text, lookup).entries.map((e) => ({ name: e.name, value: e.value, file, line: e.line, column: e.column }));
  } catch (err) {
    if (err instanceof DotenvSyntaxError) throw new InputError("env-file-syntax", `${file}:${err.line}:${err.column}: ${err.message}`, { hint: "docker compose refuses this file too; fix the line", data: { file, line: err.line, column: err.column } });
    throw err;
  }
}

/** The TYK_* variables of this process (the gateway's own, when tyk-ts runs beside it). */
export function processGatewayEnv(env: NodeJS.ProcessEnv = process.env): EnvVariable[] {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && /^TYK_/i.test(e[0]))
    .map(([name, value]) => ({ name, value }));
}

export interface GatewayEnvironmentOptions {
  /** tyk.conf; omitted: the gateway's config.Default. */
  configFile?: string;
  /** `.env` files, applied in order. */
  envFiles?: readonly string[];
  /** Process variables applied last (they win over the files), e.g. processGatewayEnv(). */
  processEnv?: readonly EnvVariable[];
}

export interface GatewayEnvironment extends EffectiveConfig {
  configFile?: string;
  /** Secret references in the tyk.conf fields the gateway resolves. */
  references: SecretReference[];
  /** The environment as the gateway would see it: last definition of each name. */
  env: Map<string, string>;
}

/** tyk.conf + `.env` files + process variables → the config the gateway runs, with problems and references. */
export async function loadGatewayEnvironment(options: GatewayEnvironmentOptions): Promise<GatewayEnvironment> {
  const env: EnvVariable[] = [];
  const known = new Map<string, string>();
  for (const v of options.processEnv ?? []) known.set(v.name, v.value);
  for (const file of options.envFiles ?? []) {
    // compose looks ${VAR} up in its own environment first, then in the file's earlier lines.
    const vars = await readEnvFile(file, (name) => known.get(name));
    env.push(...vars);
  }
  env.push(...(options.processEnv ?? []));
  const document = options.configFile ? await readGatewayConfig(options.configFile) : undefined;
  const effective = effectiveConfig({ ...(document && options.configFile ? { file: { path: options.configFile, document } } : {}), env });
  const envMap = new Map(env.map((v) => [v.name, v.value]));
  return { ...effective, ...(options.configFile ? { configFile: options.configFile } : {}), references: configReferences(effective.config, envMap), env: envMap };
}

/**
 * What `bundle verify -c` and `serve -c` need from a gateway, after its environment:
 * public_key_path (TYK_GW_PUBLICKEYPATH over tyk.conf; a path from tyk.conf is relative to the
 * config file, one from the environment to the current directory) and middleware_path. `processEnv`
 * defaults to this process's TYK_* variables. Problems that bear on them come back too: a misspelt
 * TYK_GW_PUBLIC_KEY_PATH, an ignored file.
 */
export async function gatewaySettings(options: GatewayEnvironmentOptions): Promise<{ publicKeyPath?: string; middlewarePath?: string; problems: Problem[] }> {
  const gw = await loadGatewayEnvironment({ ...options, processEnv: options.processEnv ?? processGatewayEnv() });
  const setting = (name: string): string | undefined => {
    const value = valueAtPath(gw.config, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw new InputError("config-type", `${options.configFile ?? "the environment"}: ${name} must be a string, found ${Array.isArray(value) ? "array" : typeof value}`);
    return value === "" ? undefined : value;
  };
  const problems = gatewayProblems(gw, false)
    .filter((p) => p.code === "env-ignored-file" || p.field === "public_key_path" || p.field === "middleware_path" || p.suggestion === "TYK_GW_PUBLICKEYPATH" || p.suggestion === "TYK_GW_MIDDLEWAREPATH")
    .map(problemAt);
  const publicKeyPath = setting("public_key_path");
  const source = gw.sources.get("public_key_path");
  return {
    ...(publicKeyPath !== undefined ? { publicKeyPath: source?.from === "file" ? path.resolve(path.dirname(source.file), publicKeyPath) : path.resolve(publicKeyPath) } : {}),
    // config.Default's "middleware" is the gateway's, but callers want to know it was not set (they say "assumed").
    ...(setting("middleware_path") !== undefined && gw.sources.get("middleware_path")?.from !== "default" ? { middlewarePath: setting("middleware_path") } : {}),
    problems,
  };
}

/** A problem of a gateway's environment, at the file and line that set the variable. */
export interface GatewayProblem extends Problem {
  file?: string;
  line?: number;
  column?: number;
  variable?: string;
  suggestion?: string;
  field?: string;
}

/**
 * Everything wrong with a gateway's config and environment. References to secrets count only when
 * the run declares its environment (`declared`): otherwise tyk-ts cannot know what is set.
 */
export function gatewayProblems(gw: GatewayEnvironment, declared: boolean): GatewayProblem[] {
  const out: GatewayProblem[] = gw.problems.map(({ variable, ...p }) => ({ ...p, variable: variable.name, ...(variable.file ? { file: variable.file, line: variable.line, column: variable.column } : {}) }));
  if (!declared) return out;
  for (const r of gw.references) {
    if (r.status === "unset") out.push({ severity: "error", code: "secret-unset", field: r.at, message: `${r.at} is ${r.text}, but ${r.variable} is not set in this environment: the gateway uses an empty string` });
    if (r.status === "missing") out.push({ severity: "error", code: "secret-missing", field: r.at, message: `${r.at} is ${r.text}, but the config's secrets has no "${r.key}": the gateway stops at start` });
  }
  return out;
}

/** The problem as one line: `file:line: message`. */
export const problemAt = (p: GatewayProblem): Problem => ({ severity: p.severity, code: p.code, message: `${p.file ? `${p.file}:${p.line}: ` : ""}${p.message}` });
