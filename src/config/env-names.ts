/**
 * The environment variable of every tyk.conf field, derived the way the gateway derives it.
 *
 * config.FillEnv (tyk config/config.go) calls `envconfig.Process("TYK_GW", conf)` on the
 * config.Config struct. envconfig v1.4.0 (`gatherInfo` in envconfig.go) names a field
 * PREFIX_FIELDNAME upper-cased, using the Go field name, never the JSON key (no tag in config.Config
 * renames one: no `envconfig:"…"`, no `split_words`); a struct field recurses with its own name as
 * the prefix; an embedded (anonymous) struct recurses with the parent's prefix, so
 * `RateLimit.DRLThreshold` is TYK_GW_DRLTHRESHOLD; a nil pointer to a struct is allocated and
 * recursed into; a struct type with a Decode/Set/UnmarshalText method is one variable. Lists and
 * maps are one variable each: no variable reaches inside them.
 */
import { closest } from "../suggest.js";
import type { EnvKind } from "./envconfig.js";
import type { ConfigField } from "./config-field.js";
import { tykConfFields } from "./tyk-conf-fields.js";

export type { ConfigField };

/** A tyk.conf field that a TYK_GW_* variable sets. */
export interface EnvField {
  /** The variable, e.g. `TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS`. */
  name: string;
  /** The tyk.conf path it sets, e.g. `coprocess_options.enable_coprocess`. */
  path: string;
  /** Go field name envconfig reports in its errors (the last Go path segment). */
  goField: string;
  goType: string;
  envKind: EnvKind;
  default?: unknown;
  deprecated?: boolean;
  enum?: unknown[];
}

export const ENV_PREFIX = "TYK_GW";

/**
 * Go types whose Decode method parses the variable as JSON (envconfig.Decoder): config.CertsData
 * and config.PortsWhiteList (config/config.go, `Decode`), config.LabsConfig (`LabsConfig.Decode`),
 * apimetrics.APIMetricDefinitions (`APIMetricDefinitions.Decode`).
 */
const JSON_DECODERS: Record<string, "array" | "object"> = {
  "config.CertsData": "array",
  "config.PortsWhiteList": "object",
  "config.LabsConfig": "object",
  "apimetrics.APIMetricDefinitions": "array",
};

const SCALAR_KINDS: Record<string, EnvKind> = {
  string: { kind: "string" },
  bool: { kind: "bool" },
  int: { kind: "int", bits: 64, unsigned: false },
  int8: { kind: "int", bits: 8, unsigned: false },
  int16: { kind: "int", bits: 16, unsigned: false },
  int32: { kind: "int", bits: 32, unsigned: false },
  int64: { kind: "int", bits: 64, unsigned: false },
  uint: { kind: "int", bits: 64, unsigned: true },
  uint8: { kind: "int", bits: 8, unsigned: true },
  uint16: { kind: "int", bits: 16, unsigned: true },
  uint32: { kind: "int", bits: 32, unsigned: true },
  uint64: { kind: "int", bits: 64, unsigned: true },
  float32: { kind: "float", bits: 32 },
  float64: { kind: "float", bits: 64 },
  "time.Duration": { kind: "duration" },
};

/** What envconfig does with a field of this Go type; undefined for a struct it recurses into. */
export function envKindOf(field: Pick<ConfigField, "type" | "goType" | "items" | "values">): EnvKind | undefined {
  const decoder = JSON_DECODERS[field.goType];
  if (decoder) return { kind: "json", shape: decoder };
  const scalar = SCALAR_KINDS[field.goType];
  if (scalar) return scalar;
  // Named types over a basic type (config.IPsHandleStrategy, log.Format …) parse as that basic type.
  if (field.type === "string" || field.type === "boolean") return SCALAR_KINDS[field.type === "string" ? "string" : "bool"];
  if (field.type === "integer") return SCALAR_KINDS.int;
  if (field.type === "number") return SCALAR_KINDS.float64;
  if (field.type === "array") {
    const item = /^\[\]([a-z0-9.]+)$/.exec(field.goType)?.[1];
    const itemKind = item ? SCALAR_KINDS[item] : undefined;
    return itemKind ? { kind: "list", item: itemKind } : { kind: "unsupported", why: "its items are objects, which envconfig leaves empty" };
  }
  if (field.values !== undefined) {
    if (field.values === "any") return { kind: "map", value: "interface" };
    const valueKind = /^map\[string\]([a-z0-9.]+)$/.exec(field.goType)?.[1];
    const kind = valueKind ? SCALAR_KINDS[valueKind] : undefined;
    return kind ? { kind: "map", value: kind } : { kind: "unsupported", why: "its values are objects or lists, which envconfig leaves empty" };
  }
  return undefined;
}

/** Derives the variables from the inventory rows (parents before children, as the inventory lists them). */
export function deriveEnvFields(fields: readonly ConfigField[]): EnvField[] {
  const prefixOf = new Map<string, { goPath: string; env: string }>([["", { goPath: "", env: ENV_PREFIX }]]);
  const out: EnvField[] = [];
  for (const field of fields) {
    const dot = field.path.lastIndexOf(".");
    const parent = prefixOf.get(dot < 0 ? "" : field.path.slice(0, dot));
    if (!parent) continue; // inside a field envconfig sets as a whole
    // The Go segments this field adds below its JSON parent: embedded struct names, then its own name.
    const added = (parent.goPath ? field.goPath.slice(parent.goPath.length + 1) : field.goPath).split(".");
    const goField = added[added.length - 1]!;
    const name = `${parent.env}_${goField.toUpperCase()}`;
    const kind = envKindOf(field);
    if (kind === undefined) {
      prefixOf.set(field.path, { goPath: field.goPath, env: name });
      continue;
    }
    const row: EnvField = { name, path: field.path, goField, goType: field.pointer ? `*${field.goType}` : field.goType, envKind: kind };
    if (field.default !== undefined) row.default = field.default;
    if (field.deprecated) row.deprecated = true;
    if (field.enum) row.enum = field.enum;
    out.push(row);
  }
  return out;
}

let table: { fields: EnvField[]; byName: Map<string, EnvField>; byPath: Map<string, EnvField> } | undefined;

function envTable() {
  if (!table) {
    const fields = deriveEnvFields(tykConfFields());
    table = { fields, byName: new Map(fields.map((f) => [f.name, f])), byPath: new Map(fields.map((f) => [f.path, f])) };
  }
  return table;
}

/** Every tyk.conf field a TYK_GW_* variable sets, in the order of config.Config. */
export function envFields(): readonly EnvField[] {
  return envTable().fields;
}

/** The field a variable sets. Names are case-sensitive on Linux: `tyk_gw_secret` is not read. */
export function envFieldByName(name: string): EnvField | undefined {
  return envTable().byName.get(name);
}

/** The variable of a tyk.conf path (`storage.host`), or of a path as a variable name was written. */
export function envFieldByPath(path: string): EnvField | undefined {
  return envTable().byPath.get(path);
}

/**
 * Variables the gateway reads outside `envconfig.Process("TYK_GW", conf)`, so they have no
 * tyk.conf field of their own: config.FillEnv reads TYK_GW_OMITCONFIGFILE; `loadZipkin` and
 * `loadJaeger` (config/opentracing_custom_env_loader.go) run envconfig with the prefix
 * TYK_GW_TRACER_OPTIONS over the tracer's options when tracing.name is zipkin or jaeger; and
 * envconfig also reads fields that are hidden from tyk.conf (`json:"-"`), such as
 * HttpServerOptions.OverrideDefaults, which no longer does anything.
 */
export const OTHER_GATEWAY_VARIABLES: Record<string, string> = {
  TYK_GW_OMITCONFIGFILE: "ignore tyk.conf: when exactly `true` (any case), the gateway starts from an empty config and reads only the environment",
  TYK_GW_HTTPSERVEROPTIONS_OVERRIDEDEFAULTS: "read by envconfig, but the field is no longer used",
};
const TRACER_OPTIONS_PREFIX = "TYK_GW_TRACER_OPTIONS_";

/**
 * Variables of fields config.Config had and no longer has (listed in the gateway's own
 * config/config_env_vars.md at 360d3d96, absent at the inventory's commit): the gateway ignores them.
 */
export const REMOVED_VARIABLES: Record<string, string> = {
  TYK_GW_HTTPSERVEROPTIONS_USELE_SSL: "http_server_options.use_ssl_le",
  TYK_GW_RELOADWAITTIME: "reload_wait_time",
  TYK_GW_USEASYNCSESSIONWRITE: "optimisations_use_async_session_write",
  TYK_GW_ENABLEAPISEGREGATION: "enable_api_segregation",
  TYK_GW_CLOSEIDLECONNECTIONS: "close_idle_connections",
  TYK_GW_SESSIONUPDATEPOOLSIZE: "session_update_pool_size",
  TYK_GW_SESSIONUPDATEBUFFERSIZE: "session_update_buffer_size",
};

/** What a TYK_GW_* name that is not a field's variable is, or undefined when the gateway never reads it. */
export function otherGatewayVariable(name: string): string | undefined {
  if (name in OTHER_GATEWAY_VARIABLES) return OTHER_GATEWAY_VARIABLES[name];
  if (name.startsWith(TRACER_OPTIONS_PREFIX)) return "read into tracing.options when tracing.name is zipkin or jaeger (config/opentracing_custom_env_loader.go)";
  return undefined;
}

/** Letters and digits only, upper case: how a name compares whatever its separators. */
const squash = (s: string) => s.replace(/[^A-Za-z0-9]/g, "").toUpperCase();

/**
 * The variable someone probably meant by an unknown TYK_GW_* name. Tried in order: the same name
 * in another case (`tyk_gw_secret`); the name written from the JSON path (`TYK_GW_ENABLE_BUNDLE_DOWNLOADER`,
 * `TYK_GW_COPROCESS_OPTIONS_ENABLE_COPROCESS`) or from a JSON key at the wrong level; the same
 * letters with other separators; then the closest name by typing distance.
 */
export function suggestEnvName(name: string): string | undefined {
  const { fields, byName } = envTable();
  const upper = name.toUpperCase();
  if (upper !== name && byName.has(upper)) return upper;
  const rest = upper.startsWith(`${ENV_PREFIX}_`) ? upper.slice(ENV_PREFIX.length + 1) : upper.replace(/^TYK[_-]?GW[_-]?/, "");
  const byJsonPath = fields.find((f) => f.path.replace(/\./g, "_").toUpperCase() === rest);
  if (byJsonPath) return byJsonPath.name;
  const squashed = squash(rest);
  const sameLetters = fields.filter((f) => squash(f.name.slice(ENV_PREFIX.length + 1)) === squashed || squash(f.path) === squashed);
  if (sameLetters.length === 1) return sameLetters[0]!.name;
  return closest(`${ENV_PREFIX}_${rest}`, byName.keys());
}
