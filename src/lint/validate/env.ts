/**
 * Checks a gateway's environment: each TYK_GW_* name and value as the gateway reads it
 * (src/config: envconfig's naming and parsing), the tyk.conf rules on the values the environment
 * sets, and env:// references to TYK_SECRET_* variables the same environment lacks.
 */
import { applyEnv, checkEnvVariable, type EnvProblem, type EnvVariable, valueAtPath } from "../../config/effective.js";
import { middlewareReferences, parseReference, RESOLVED_CONFIG_FIELDS, secretVariable } from "../../config/secrets.js";
import { escapeSegment, isObject as isRecord } from "../read/pointer.js";
import { envInvalidValue } from "../rules/env/env-invalid-value.js";
import { envMisspeltVariable } from "../rules/env/env-misspelt-variable.js";
import { envNotSettable } from "../rules/env/env-not-settable.js";
import { envUnknownVariable } from "../rules/env/env-unknown-variable.js";
import { secretReferenceUnset } from "../rules/env/secret-reference-unset.js";
import type { RuleSet } from "../rule-set.js";
import type { LintContext, LintDocument } from "../types.js";
import type { EnvGroup, EnvSetting } from "../read/env-settings.js";
import path from "node:path";

/** A variable as lint found it; `value` undefined when it is filled in elsewhere. */
export interface FoundVariable<Where> {
  name: string;
  value: string | undefined;
  where: Where;
}

export interface EnvFinding<Where> {
  ruleId: string;
  message: string;
  where: Where;
  /** Report at the variable's name or at its value. */
  at: "name" | "value";
}

const RULE_OF: Record<string, string> = {
  "env-removed": envUnknownVariable.id,
  "env-parse": envInvalidValue.id,
  "env-unsupported": envNotSettable.id,
  "env-list-spaces": envNotSettable.id,
};

function ruleOf(problem: EnvProblem): string {
  if (problem.code === "env-unknown") return problem.suggestion ? envMisspeltVariable.id : envUnknownVariable.id;
  return RULE_OF[problem.code] ?? envInvalidValue.id;
}

/** JSON pointer of a dotted tyk.conf path. */
const pointerOf = (path: string) => `/${path.split(".").join("/")}`;

/**
 * Findings for one environment: a compose service, a container, a ConfigMap, a .env file: its
 * names and values, and the tyk.conf rules on what it sets. With `available` (every variable the
 * gateway gets, when tyk-ts can know them all) env:// references to unset TYK_SECRET_* too.
 */
export function checkEnvironment<Where>(
  variables: ReadonlyArray<FoundVariable<Where>>,
  options: { run: RuleSet; ctx: LintContext; file: string; available?: ReadonlySet<string> },
): Array<EnvFinding<Where>> {
  const findings: Array<EnvFinding<Where>> = [];
  for (const v of variables) {
    if (!/^tyk[_-]?gw/i.test(v.name)) continue;
    const { problems } = checkEnvVariable({ name: v.name, value: v.value ?? "" }, { valueKnown: v.value !== undefined });
    for (const p of problems) findings.push({ ruleId: ruleOf(p), message: p.message, where: v.where, at: p.code === "env-unknown" || p.code === "env-removed" ? "name" : "value" });
  }
  const { config, setBy } = envConfig(variables);
  const doc: LintDocument = { kind: "tyk-conf", file: options.file, absolutePath: options.file, value: config, pointer: "", wrapper: "none" };
  for (const rule of options.run.documentRules("tyk-conf")) {
    for (const f of rule.check(doc, options.ctx)) {
      const variable = [...setBy].find(([pointer]) => f.pointer === pointer || f.pointer.startsWith(`${pointer}/`))?.[1];
      if (variable) findings.push({ ruleId: rule.id, message: `${variable.name}: ${f.message}`, where: variable.where, at: "value" });
    }
  }
  if (options.available) findings.push(...unsetSecretVariables(variables, options.available));
  return findings;
}

/** A config holding only what these variables set (the valid ones), and which variable set each pointer. */
function envConfig<Where>(variables: ReadonlyArray<FoundVariable<Where>>) {
  const known = variables.filter((v): v is FoundVariable<Where> & { value: string } => v.value !== undefined && /^tyk[_-]?gw/i.test(v.name) && checkEnvVariable({ name: v.name, value: v.value }).problems.length === 0);
  const config: Record<string, unknown> = {};
  const { set } = applyEnv(config, known);
  return { config, setBy: new Map([...set].map(([path, variable]) => [pointerOf(path), variable as (typeof known)[number]])) };
}

/**
 * env:// references in the tyk.conf fields the gateway resolves whose TYK_SECRET_* variable is not
 * among `available`. A condition the variables do not settle (use_db_app_configs set in tyk.conf?)
 * is not guessed at.
 */
export function unsetSecretVariables<Where>(variables: ReadonlyArray<FoundVariable<Where>>, available: ReadonlySet<string>): Array<EnvFinding<Where>> {
  const { config, setBy } = envConfig(variables);
  const findings: Array<EnvFinding<Where>> = [];
  for (const { path, when } of RESOLVED_CONFIG_FIELDS) {
    const variable = setBy.get(pointerOf(path));
    const ref = variable ? parseReference(variable.value) : undefined;
    if (!variable || ref?.scheme !== "env" || (when && !when(config)) || available.has(secretVariable(ref.key))) continue;
    findings.push({
      ruleId: secretReferenceUnset.id,
      message: `${variable.name}=${variable.value}: the gateway reads ${secretVariable(ref.key)}, which this environment does not set, and uses an empty ${path}`,
      where: variable.where,
      at: "value",
    });
  }
  return findings;
}

/** The environment `lint --env-file` declares for the gateway: the last definition of each name. */
export interface DeclaredEnvironment {
  variables: ReadonlyMap<string, EnvVariable>;
  omitConfigFile: boolean;
}

export function declaredEnvironment(definitions: readonly EnvVariable[]): DeclaredEnvironment {
  const variables = new Map(definitions.map((v) => [v.name, v]));
  return { variables, omitConfigFile: variables.get("TYK_GW_OMITCONFIGFILE")?.value.toLowerCase() === "true" };
}

/**
 * tyk.conf as the gateway runs it in that environment (src/config/effective.ts): the file's
 * document with the variables on top, or the variables alone under TYK_GW_OMITCONFIGFILE=true.
 * `variableAt` names the variable that set a pointer's value, so findings there go to its line.
 */
export function withEnvironment(value: unknown, env: DeclaredEnvironment): { value: Record<string, unknown>; variableAt(pointer: string): EnvVariable | undefined } {
  const config = env.omitConfigFile || !value || typeof value !== "object" ? {} : (structuredClone(value) as Record<string, unknown>);
  const { set } = applyEnv(config, [...env.variables.values()]);
  const byPointer = [...set].map(([path, variable]) => [pointerOf(path), variable] as const);
  return { value: config, variableAt: (pointer) => byPointer.find(([p]) => pointer === p || pointer.startsWith(`${p}/`))?.[1] };
}

/**
 * References in a document that the declared environment leaves unset: in tyk.conf the fields the
 * gateway resolves (secrets.ts); in API definitions any whole `env://…`/`secrets://…` value and any
 * `$secret_env.`/`$secret_conf.` inside a string. `secrets` is the gateway's secrets map when the
 * run has its tyk.conf (else secrets:// references are not judged).
 */
export function unsetReferences(doc: LintDocument, env: DeclaredEnvironment, secrets: unknown): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  // tyk.conf holds the secrets map itself, so there a missing key is certain.
  const secretsMap = doc.kind === "tyk-conf" ? (valueAtPath(doc.value, "secrets") ?? {}) : secrets;
  const judge = (pointer: string, text: string, scheme: string, key: string) => {
    if (scheme === "env" && !env.variables.has(secretVariable(key))) out.push({ pointer, message: `${text} reads ${secretVariable(key)}, which the environment does not set: the gateway uses an empty string` });
    if (scheme === "secrets" && secretsMap !== undefined && !(isRecord(secretsMap) && Object.hasOwn(secretsMap, key))) out.push({ pointer, message: `${text}: the gateway's secrets map has no "${key}"` });
  };
  if (doc.kind === "tyk-conf") {
    for (const { path, when } of RESOLVED_CONFIG_FIELDS) {
      const value = valueAtPath(doc.value, path);
      const ref = typeof value === "string" && (!when || when(doc.value)) ? parseReference(value) : undefined;
      if (ref) judge(pointerOf(path), value as string, ref.scheme, ref.key);
    }
    return out;
  }
  const walk = (node: unknown, pointer: string) => {
    if (typeof node === "string") {
      const ref = parseReference(node);
      if (ref) judge(pointer, node, ref.scheme, ref.key);
      for (const m of middlewareReferences(node)) judge(pointer, m.text, m.scheme, m.key);
    } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${pointer}/${i}`));
    else if (isRecord(node)) for (const [k, v] of Object.entries(node)) walk(v, `${pointer}/${escapeSegment(k)}`);
  };
  walk(doc.value, "");
  return out;
}

/**
 * The environments of a run's YAML files, checked as they come; references to TYK_SECRET_* are
 * judged at the end, when every ConfigMap of the run is known: a compose service's variables are
 * its `environment:` and its `env_file:` files, a container's its `env:` and the ConfigMaps its
 * `envFrom` names. A group with a source tyk-ts cannot read (a Secret, a missing file) is not judged.
 */
export function environmentChecks(options: { run: RuleSet; ctx: LintContext; readEnvFileNames(file: string): ReadonlySet<string> | undefined }) {
  type Emit = (finding: EnvFinding<EnvSetting>) => void;
  const pending: Array<{ group: EnvGroup; dir: string; emit: Emit }> = [];
  const configMaps = new Map<string, Set<string>>();
  return {
    add(group: EnvGroup, file: string, emit: Emit): void {
      const variables = group.settings.map((s) => ({ name: s.name, value: s.value, where: s }));
      for (const f of checkEnvironment(variables, { ...options, file })) emit(f);
      if (group.configMapName) configMaps.set(group.configMapName, new Set(group.settings.map((s) => s.name)));
      else if (!group.opaque) pending.push({ group, dir: path.dirname(file), emit });
    },
    finish(): void {
      for (const { group, dir, emit } of pending) {
        const sources = [...group.envFiles.map((f) => options.readEnvFileNames(path.resolve(dir, f))), ...group.configMaps.map((name) => configMaps.get(name))];
        if (sources.some((s) => s === undefined)) continue;
        const available = new Set([...group.settings.map((s) => s.name), ...sources.flatMap((s) => [...s!])]);
        for (const f of unsetSecretVariables(group.settings.map((s) => ({ name: s.name, value: s.value, where: s })), available)) emit(f);
      }
    },
  };
}
