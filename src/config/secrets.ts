/**
 * Secret and KV references the gateway resolves: `env://`, `secrets://`, `consul://`, `vault://`
 * in tyk.conf and API definitions, and `$secret_env.`, `$secret_conf.`, `$secret_consul.`,
 * `$secret_vault.` inside middleware strings.
 *
 * - gateway/server.go `kvStore`: `secrets://KEY` reads the config's `secrets` map and stops the
 *   gateway when KEY is missing ("secrets does not exist in config"); `env://KEY` reads the
 *   variable `TYK_SECRET_` + KEY upper-cased, an empty string when unset; consul:// and vault://
 *   ask those servers. `afterConfSetup` passes these tyk.conf fields through it: secret,
 *   node_secret, storage.password, cache_storage.password,
 *   security.private_certificate_encoding_secret, db_app_conf_options.connection_string (when
 *   use_db_app_configs) and policies.policy_connection_string (when policy_source is service).
 * - gateway/mw_url_rewrite.go: the `$secret_*.` labels and their key patterns (`envValueMatch`,
 *   `secretsConfMatch` …); `$secret_env.key` reads TYK_SECRET_KEY like env:// does.
 */
import { valueAtPath } from "./effective.js";

export type ReferenceScheme = "env" | "secrets" | "consul" | "vault";

export interface SecretReference {
  /** Where it was found: a tyk.conf path or a JSON pointer in an API definition. */
  at: string;
  /** The reference as written: `env://redis_password`, `$secret_conf.api_key`. */
  text: string;
  scheme: ReferenceScheme;
  key: string;
  /** For env references: the variable the gateway reads. */
  variable?: string;
  /** resolved; unset (env variable not set: the gateway uses ""); missing (no such secrets key: the gateway stops); remote (Consul or Vault, not checked). */
  status: "resolved" | "unset" | "missing" | "remote";
}

/** The tyk.conf fields afterConfSetup resolves, with the condition under which it does. */
export const RESOLVED_CONFIG_FIELDS: ReadonlyArray<{ path: string; when?: (config: unknown) => boolean }> = [
  { path: "secret" },
  { path: "node_secret" },
  { path: "storage.password" },
  { path: "cache_storage.password" },
  { path: "security.private_certificate_encoding_secret" },
  { path: "db_app_conf_options.connection_string", when: (c) => valueAtPath(c, "use_db_app_configs") === true },
  { path: "policies.policy_connection_string", when: (c) => valueAtPath(c, "policies.policy_source") === "service" },
];

/** The variable `env://key` and `$secret_env.key` read. */
export const secretVariable = (key: string) => `TYK_SECRET_${key.toUpperCase()}`;

/** A whole-value reference (`env://…`, `secrets://…`, `consul://…`, `vault://…`), as kvStore matches it. */
export function parseReference(value: string): { scheme: ReferenceScheme; key: string } | undefined {
  const m = /^(env|secrets|consul|vault):\/\/(.*)$/s.exec(value);
  return m ? { scheme: m[1] as ReferenceScheme, key: m[2]! } : undefined;
}

// gateway/mw_url_rewrite.go: envValueMatch, secretsConfMatch, consulMatch, vaultMatch.
const MIDDLEWARE_REFERENCE = /\$secret_(env|conf|consul|vault)\.([A-Za-z0-9_\-./[]+)/g;

/** `$secret_*.` references inside a middleware string (header values, body templates, rewrites). */
export function middlewareReferences(text: string): Array<{ scheme: ReferenceScheme; key: string; text: string }> {
  const out: Array<{ scheme: ReferenceScheme; key: string; text: string }> = [];
  for (const m of text.matchAll(MIDDLEWARE_REFERENCE)) {
    const label = m[1]!;
    out.push({ scheme: label === "conf" ? "secrets" : (label as ReferenceScheme), key: m[2]!, text: m[0] });
  }
  return out;
}

/** Resolves a reference against an environment and a `secrets` map. */
export function resolveReference(ref: { scheme: ReferenceScheme; key: string }, env: ReadonlyMap<string, string>, secrets: unknown): Pick<SecretReference, "variable" | "status"> {
  switch (ref.scheme) {
    case "env": {
      const variable = secretVariable(ref.key);
      return { variable, status: env.has(variable) ? "resolved" : "unset" };
    }
    case "secrets":
      return { status: secrets && typeof secrets === "object" && Object.hasOwn(secrets, ref.key) ? "resolved" : "missing" };
    default:
      return { status: "remote" };
  }
}

/** References in the tyk.conf fields the gateway resolves, with their status. */
export function configReferences(config: Record<string, unknown>, env: ReadonlyMap<string, string>): SecretReference[] {
  const out: SecretReference[] = [];
  const secrets = valueAtPath(config, "secrets");
  for (const { path, when } of RESOLVED_CONFIG_FIELDS) {
    const value = valueAtPath(config, path);
    if (typeof value !== "string" || (when && !when(config))) continue;
    const ref = parseReference(value);
    if (ref) out.push({ at: path, text: value, ...ref, ...resolveReference(ref, env, secrets) });
  }
  return out;
}
