/**
 * The JSON Schemas in schemas/: complete against the field inventories of the Tyk gateway's structs,
 * silent on real files (apart from unknown-field findings), precise on broken ones, and reproducible
 * from scripts/generate-schemas.mjs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { FIXTURES, ROOT } from "./helpers/cli.js";

const SHARED = path.resolve(ROOT, "../shared");
const INVENTORY_DIR = path.join(ROOT, "test/data/inventory");

type SchemaName = "tyk-conf" | "classic-api" | "tyk-oas-extension" | "policy" | "bundle-manifest";
const INVENTORIES: Record<SchemaName, string> = {
  "tyk-conf": "tyk-conf.fields.json",
  "classic-api": "classic-api.fields.json",
  "tyk-oas-extension": "oas-x-tyk-api-gateway.fields.json",
  policy: "policy.fields.json",
  "bundle-manifest": "bundle-manifest.fields.json",
};
const NAMES = Object.keys(INVENTORIES) as SchemaName[];

interface InventoryField {
  path: string;
  type: string;
  go_type: string;
  enum?: string[];
  map?: boolean;
  map_key_enum?: string[];
  deprecated?: boolean;
  variant?: string;
  pointer?: boolean;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));
const loadSchema = (name: SchemaName) => readJson(path.join(ROOT, "schemas", `${name}.schema.json`)) as AnySchemaObject;
const loadInventory = (name: SchemaName) =>
  (readJson(path.join(INVENTORY_DIR, INVENTORIES[name])) as { fields: InventoryField[] }).fields;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
for (const name of NAMES) ajv.addSchema(loadSchema(name));
const validators = Object.fromEntries(
  NAMES.map((name) => [name, ajv.getSchema(`https://tyk-ts.dev/schemas/v1/${name}.schema.json`)!]),
) as Record<SchemaName, ValidateFunction>;

function errorsOf(name: SchemaName, value: unknown): ErrorObject[] {
  const validate = validators[name];
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** The path segments of an inventory path: "a.b[]", "a.*" → ["a", "b", "[]"], ["a", "*"]. */
function segments(fieldPath: string): string[] {
  return fieldPath.split(".").flatMap((part) => {
    const [, key = "", brackets = ""] = /^(.*?)((?:\[\])*)$/.exec(part) ?? [];
    return [key, ...Array<string>(brackets.length / 2).fill("[]")];
  });
}

/** Follows a path through a schema: properties for keys, items for [], the map's value schema for *. */
function schemaAt(root: AnySchemaObject, fieldPath: string): AnySchemaObject | undefined {
  const deref = (s: AnySchemaObject | undefined): AnySchemaObject | undefined => {
    const ref = s?.$ref as string | undefined;
    if (!ref) return s;
    const name = decodeURIComponent(ref.replace("#/definitions/", "")).replaceAll("~1", "/").replaceAll("~0", "~");
    return (root.definitions as Record<string, AnySchemaObject>)[name];
  };
  let node: AnySchemaObject | undefined = root;
  for (const segment of segments(fieldPath)) {
    if (!node) return undefined;
    if (segment === "[]") node = node.items as AnySchemaObject | undefined;
    else if (segment === "*") {
      // Maps keyed by event names list each name; the others have one value schema.
      node = typeof node.additionalProperties === "object"
        ? node.additionalProperties
        : Object.values((node.properties ?? {}) as Record<string, AnySchemaObject>)[0];
    } else node = (node.properties as Record<string, AnySchemaObject> | undefined)?.[segment];
    node = deref(node);
  }
  return node;
}

const typesOf = (schema: AnySchemaObject): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];

describe("schemas are complete against the inventories", () => {
  describe.each(NAMES)("%s", (name) => {
    const schema = loadSchema(name);
    const fields = loadInventory(name);
    // Keywords set by hand in scripts/schema-descriptions.json (null removes one the inventory implies).
    const overrides = ((readJson(path.join(ROOT, "scripts/schema-descriptions.json")) as Record<string, { overrides?: Record<string, Record<string, unknown>> }>)[name]?.overrides ?? {});
    const variantParents = new Set(fields.filter((f) => f.variant).map((f) => f.path.replace(/\.[^.]+$/, "")));

    it("has every inventory field with its JSON type, enum, shape and deprecation", () => {
      const problems: string[] = [];
      for (const field of fields) {
        const at = schemaAt(schema, field.path);
        if (!at) {
          problems.push(`${field.path}: missing`);
          continue;
        }
        const types = typesOf(at);
        const expected = field.type === "any" ? (variantParents.has(field.path) ? "object" : undefined) : field.type;
        if (expected === undefined ? types.length > 0 : !types.includes(expected)) {
          problems.push(`${field.path}: type ${JSON.stringify(at.type)}, inventory says ${field.type}`);
        }
        const nullRefused = field.go_type === "time.ReadableDuration" && !field.pointer;
        if (expected !== undefined && types.includes("null") === nullRefused) problems.push(`${field.path}: null handling`);
        for (const value of [...(field.enum ?? []), ...(field.enum ? [""] : [])]) {
          if (!(at.enum as unknown[] | undefined)?.includes(value)) problems.push(`${field.path}: enum lacks ${JSON.stringify(value)}`);
        }
        if (field.type === "object") {
          const valueSchema = typeof at.additionalProperties === "object";
          if (field.map && !field.map_key_enum && !valueSchema) problems.push(`${field.path}: a map, schema has no value schema`);
          if (!field.map && at.additionalProperties !== false) problems.push(`${field.path}: a struct, schema is open`);
          if (field.map_key_enum && Object.keys(at.properties ?? {}).join() !== field.map_key_enum.join()) {
            problems.push(`${field.path}: keys differ from ${field.map_key_enum.join()}`);
          }
        }
        const deprecationDropped = overrides[field.path]?.deprecated === null;
        if (Boolean(field.deprecated) !== (at.deprecated === true) && !deprecationDropped) problems.push(`${field.path}: deprecated flag`);
      }
      expect(problems).toEqual([]);
    });

    it("has no field the inventory lacks", () => {
      const known = new Set(fields.map((f) => f.path));
      const invented: string[] = [];
      const walk = (s: AnySchemaObject, at: string): void => {
        const props = (s.properties ?? {}) as Record<string, AnySchemaObject>;
        if (Object.values(props).some((p) => p.$ref)) return; // keyed by event names: walked below, as "<path>.*"
        for (const [key, child] of Object.entries(props)) {
          if (key === "$oid") continue; // the Mongo form of an object id, not a struct field
          const childPath = at === "" ? key : `${at}.${key}`;
          if (!known.has(childPath)) invented.push(childPath);
          walk(child, childPath);
        }
        if (s.items) walk(s.items as AnySchemaObject, `${at}[]`);
        if (typeof s.additionalProperties === "object") walk(s.additionalProperties, `${at}.*`);
      };
      walk(schema, "");
      for (const [valuePath, valueSchema] of Object.entries((schema.definitions ?? {}) as Record<string, AnySchemaObject>)) {
        walk(valueSchema, valuePath);
      }
      expect(invented).toEqual([]);
    });

    it("is draft-07 with a stable $id, a title and a description", () => {
      expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
      expect(schema.$id).toBe(`https://tyk-ts.dev/schemas/v1/${name}.schema.json`);
      expect(schema.title).toEqual(expect.any(String));
      expect((schema.description as string).length).toBeGreaterThan(40);
    });
  });

  it("are reproduced byte for byte by scripts/generate-schemas.mjs", () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/generate-schemas.mjs"), "--check"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Real files: zero errors apart from unknown fields (which the linter reports as warnings).

interface CorpusDocument {
  schema: SchemaName;
  label: string;
  value: unknown;
}

// Files of the shared corpus that are not JSON on purpose (see its README).
const NOT_JSON = new Set([
  "gateway-configs/TykTechnologies__tyk__ci__install__data__tyk.self_contained.conf",
  "gateway-configs/TykTechnologies__tyk__ci__install__data__tyk.with_dash.conf",
  "plugins/vverbani__tyk-plugins__python__vault/manifest.json",
]);

function corpusDocuments(dir: string): CorpusDocument[] {
  const rows = readFileSync(path.join(dir, "SOURCES.tsv"), "utf8").trim().split("\n").slice(1).map((line) => line.split("\t"));
  const documents: CorpusDocument[] = [];
  for (const [file = "", , , , , kind = ""] of rows) {
    if (NOT_JSON.has(file)) continue;
    const text = readFileSync(path.join(dir, file), "utf8");
    const value = (/\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text)) as Record<string, any>;
    const add = (schema: SchemaName, label: string, v: unknown) => documents.push({ schema, label: `${file}${label}`, value: v });
    switch (kind) {
      case "classic-api":
        add("classic-api", "", value);
        break;
      case "classic-api-dashboard-wrapped":
        add("classic-api", " api_definition", value.api_definition);
        break;
      case "classic-api-dashboard-list":
        (value.apis as Record<string, unknown>[]).forEach((api, i) => add("classic-api", ` apis[${i}].api_definition`, api.api_definition));
        break;
      case "oas-api":
        add("tyk-oas-extension", " x-tyk-api-gateway", value["x-tyk-api-gateway"] ?? {});
        break;
      case "oas-api-dashboard-wrapped":
        add("tyk-oas-extension", " oas.x-tyk-api-gateway", value.oas["x-tyk-api-gateway"] ?? {});
        break;
      case "tyk.conf":
        add("tyk-conf", "", value);
        break;
      case "policies-map":
        for (const [id, policy] of Object.entries(value)) add("policy", ` [${id}]`, policy);
        break;
      case "policy-single":
        add("policy", "", value);
        break;
      case "bundle-manifest":
        add("bundle-manifest", "", value);
        break;
      default:
        throw new Error(`${file}: unknown kind ${kind} in SOURCES.tsv`);
    }
  }
  return documents;
}

const CORPORA = [
  { name: "shared corpus", dir: path.join(SHARED, "corpus") },
  { name: "fixtures sample", dir: path.join(FIXTURES, "corpus") },
];

describe.each(CORPORA)("$name", ({ dir }) => {
  const present = existsSync(path.join(dir, "SOURCES.tsv"));

  it.skipIf(!present)("validates every document with no errors other than unknown fields", () => {
    const documents = corpusDocuments(dir);
    const failures: string[] = [];
    const counts: Record<string, number> = {};
    for (const { schema, label, value } of documents) {
      counts[schema] = (counts[schema] ?? 0) + 1;
      for (const error of errorsOf(schema, value)) {
        if (error.keyword !== "additionalProperties") failures.push(`${label} ${error.instancePath}: ${error.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(Object.keys(counts).sort()).toEqual([...NAMES].sort());
  });
});

describe("fixtures/corpus", () => {
  it("lists every copied file with a licence that allows copying", () => {
    const rows = readFileSync(path.join(FIXTURES, "corpus/SOURCES.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const [file = "", , , , license = ""] of rows) {
      expect(license, file).toMatch(/^(MPL-2\.0|Apache-2\.0|MIT|BSD-3-Clause) /);
      expect(existsSync(path.join(FIXTURES, "corpus", file)), file).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Broken copies of real files: the expected keyword at the expected place.

const fixture = (file: string) => readJson(path.join(FIXTURES, "corpus", file)) as Record<string, any>;
const TYK_CONF = "gateway-configs/TykTechnologies__tyk__tyk.conf.example";
const CLASSIC = "classic-apis/TykTechnologies__tyk__ci__tests__python-plugins__src__apidef.json";
const OAS = "oas-apis/TykTechnologies__tyk__ci__tests__tracing__apps__test-multiauth-oas.json";
const POLICIES = "policies/TykTechnologies__tyk__policies__policies.json";
const MANIFEST = "plugins/TykTechnologies__tyk-plugin-starter__examples__auth-check-hmac/manifest.json";

interface Mutation {
  what: string;
  schema: SchemaName;
  document: () => Record<string, any>;
  mutate: (doc: Record<string, any>) => void;
  keyword: string;
  instancePath: string;
  params?: Record<string, unknown>;
}

const classicVersion = (doc: Record<string, any>) => Object.values(doc.version_data.versions as Record<string, any>)[0];
const firstPolicy = () => Object.values(fixture(POLICIES))[0] as Record<string, any>;
const oasExtension = () => fixture(OAS)["x-tyk-api-gateway"] as Record<string, any>;

const MUTATIONS: Mutation[] = [
  { what: "tyk.conf listen_port as a string", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.listen_port = "8080"), keyword: "type", instancePath: "/listen_port" },
  { what: "tyk.conf listen_port with a fraction", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.listen_port = 8080.5), keyword: "type", instancePath: "/listen_port" },
  { what: "tyk.conf misspelt key", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.storage.hots = "redis"), keyword: "additionalProperties", instancePath: "/storage", params: { additionalProperty: "hots" } },
  { what: "tyk.conf secrets as a list", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.secrets = ["a"]), keyword: "type", instancePath: "/secrets" },
  { what: "tyk.conf unknown log format", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.log_format = "xml"), keyword: "enum", instancePath: "/log_format" },
  { what: "tyk.conf misspelt event name", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.event_handlers = { events: { AuthFailur: [] } }), keyword: "additionalProperties", instancePath: "/event_handlers/events", params: { additionalProperty: "AuthFailur" } },
  { what: "tyk.conf negative unsigned integer", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.analytics_config = { records_buffer_size: -1 }), keyword: "minimum", instancePath: "/analytics_config/records_buffer_size" },
  { what: "tyk.conf TLS version out of uint16 range", schema: "tyk-conf", document: () => fixture(TYK_CONF), mutate: (d) => (d.http_server_options = { min_version: 70000 }), keyword: "maximum", instancePath: "/http_server_options/min_version" },
  { what: "classic driver typo", schema: "classic-api", document: () => fixture(CLASSIC), mutate: (d) => (d.custom_middleware = { driver: "pyhton" }), keyword: "enum", instancePath: "/custom_middleware/driver" },
  { what: "classic misspelt listen_path", schema: "classic-api", document: () => fixture(CLASSIC), mutate: (d) => { d.proxy.listen_pth = d.proxy.listen_path; delete d.proxy.listen_path; }, keyword: "additionalProperties", instancePath: "/proxy", params: { additionalProperty: "listen_pth" } },
  { what: "classic use_keyless as a string", schema: "classic-api", document: () => fixture(CLASSIC), mutate: (d) => (d.use_keyless = "true"), keyword: "type", instancePath: "/use_keyless" },
  { what: "classic unparsable enforced timeout", schema: "classic-api", document: () => fixture(CLASSIC), mutate: (d) => (classicVersion(d).global_enforce_timeout = "5 seconds"), keyword: "pattern", instancePath: "/version_data/versions/Default/global_enforce_timeout" },
  { what: "classic null duration (its decoder refuses null)", schema: "classic-api", document: () => fixture(CLASSIC), mutate: (d) => (classicVersion(d).global_enforce_timeout = null), keyword: "type", instancePath: "/version_data/versions/Default/global_enforce_timeout" },
  { what: "classic id that is not an object id", schema: "classic-api", document: () => fixture(CLASSIC), mutate: (d) => (d.id = "my-api"), keyword: "pattern", instancePath: "/id" },
  { what: "OAS listen path as a number", schema: "tyk-oas-extension", document: oasExtension, mutate: (d) => (d.server.listenPath.value = 42), keyword: "type", instancePath: "/server/listenPath/value" },
  { what: "OAS misspelt upstream url", schema: "tyk-oas-extension", document: oasExtension, mutate: (d) => (d.upstream.ulr = "http://x"), keyword: "additionalProperties", instancePath: "/upstream", params: { additionalProperty: "ulr" } },
  { what: "OAS plugin driver typo", schema: "tyk-oas-extension", document: oasExtension, mutate: (d) => (d.middleware = { global: { pluginConfig: { driver: "go" } } }), keyword: "enum", instancePath: "/middleware/global/pluginConfig/driver" },
  { what: "OAS unknown top-level section", schema: "tyk-oas-extension", document: oasExtension, mutate: (d) => (d.servers = {}), keyword: "additionalProperties", instancePath: "", params: { additionalProperty: "servers" } },
  { what: "policy rate as a string", schema: "policy", document: firstPolicy, mutate: (d) => (d.rate = "100"), keyword: "type", instancePath: "/rate" },
  { what: "policy bad post-expiry action", schema: "policy", document: firstPolicy, mutate: (d) => (d.post_expiry_action = "remove"), keyword: "enum", instancePath: "/post_expiry_action" },
  { what: "policy access_rights as a list", schema: "policy", document: firstPolicy, mutate: (d) => (d.access_rights = []), keyword: "type", instancePath: "/access_rights" },
  { what: "manifest file_list as a string", schema: "bundle-manifest", document: () => fixture(MANIFEST), mutate: (d) => (d.file_list = "a.py"), keyword: "type", instancePath: "/file_list" },
  { what: "manifest driver typo", schema: "bundle-manifest", document: () => fixture(MANIFEST), mutate: (d) => (d.custom_middleware.driver = "pyhton"), keyword: "enum", instancePath: "/custom_middleware/driver" },
  { what: "manifest auth_check as a list", schema: "bundle-manifest", document: () => fixture(MANIFEST), mutate: (d) => (d.custom_middleware.auth_check = []), keyword: "type", instancePath: "/custom_middleware/auth_check" },
];

describe("mutations of real files", () => {
  it.each(MUTATIONS)("$what", ({ schema, document, mutate, keyword, instancePath, params }) => {
    const doc = document();
    expect(errorsOf(schema, doc).filter((e) => e.keyword !== "additionalProperties")).toEqual([]);
    mutate(doc);
    const errors = errorsOf(schema, doc).filter((e) => e.instancePath === instancePath && e.keyword === keyword);
    expect(errors).toHaveLength(1);
    if (params) expect(errors[0]?.params).toMatchObject(params);
  });

  it("accepts what Go accepts: null anywhere, \"\" for enums, durations, object ids", () => {
    const classic = fixture(CLASSIC);
    Object.assign(classic, { proxy: null, custom_middleware: { driver: "", pre: [null] }, auth_configs: null, id: null });
    Object.assign(classicVersion(classic), { global_enforce_timeout: "1m30.5s" });
    expect(errorsOf("classic-api", classic)).toEqual([]);
    expect(errorsOf("classic-api", { id: { $oid: "5e9d4a2c8a5f3c0001b2c3d4" }, version_data: { versions: { v1: { global_enforce_timeout: "" } } } })).toEqual([]);
    expect(errorsOf("tyk-conf", { listen_port: null, storage: { type: null }, log_format: "", secrets: { a: "b" } })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The gateway's own schemas as an oracle (never as ours).

const TYK_SCHEMAS = path.join(SHARED, "reference/tyk-schemas");

describe.skipIf(!existsSync(TYK_SCHEMAS))("against the gateway's own schemas", () => {
  // Valid tyk.conf fragments (the gateway's structs decode them) that `tyk lint` rejects.
  const fragments: Record<string, unknown> = {
    secrets: { secrets: { db_password: "s3cret" } },
    "security.pinned_public_keys": { security: { pinned_public_keys: { "*": "cert-id" } } },
    "opentelemetry.headers": { opentelemetry: { headers: { "X-Api-Key": "k" } } },
    proxy_default_timeout: { proxy_default_timeout: 2.5 },
    "monitor.global_trigger_limit": { monitor: { global_trigger_limit: 80.5 } },
    "access_logs.template": { access_logs: { enabled: true, template: ["client_ip", "api_key"] } },
    override_messages: { override_messages: { "auth.auth_field_missing": { code: 401, message: "no key" } } },
    "event_handlers.events": { event_handlers: { events: { AuthFailure: [{ handler_name: "eh_log_handler", handler_meta: { prefix: "auth" } }] } } },
  };

  it("accepts the tyk.conf fragments that tyk lint wrongly rejects", () => {
    const draft04 = new AjvDraft04.default({ allErrors: true, strict: false, logger: false });
    const tykLint = draft04.compile(readJson(path.join(TYK_SCHEMAS, "cli__linter__schema.json")) as AnySchemaObject);
    const rejectedByTyk = Object.keys(fragments).filter((k) => !tykLint(fragments[k]));
    expect(rejectedByTyk).toEqual(Object.keys(fragments));
    for (const [field, fragment] of Object.entries(fragments)) expect(errorsOf("tyk-conf", fragment), field).toEqual([]);
  });

  // Where the gateway's own schemas type a field differently from its structs (ours follow the structs).
  const expectedDifferences: Record<string, { file: string; schema: SchemaName; fields: string[] }> = {
    "tyk lint (cli/linter/schema.json)": {
      file: "cli__linter__schema.json",
      schema: "tyk-conf",
      fields: [
        "security.pinned_public_keys", "storage.hosts", "auth_override.auth_provider.meta", "auth_override.session_provider.meta",
        "monitor.configuration.header_map", "monitor.global_trigger_limit", "proxy_default_timeout", "analytics_storage.hosts",
        "cache_storage.hosts", "access_logs.template", "opentelemetry.headers", "opentelemetry.traces.headers",
        "event_trigers_defunct", "event_triggers_defunct", "kv.stores.*.config", "secrets",
      ],
    },
    // Both accept Mongo's {"$oid": …} form of an object id, as the gateway's decoder does.
    "apidef/schema.json": { file: "apidef__schema.json", schema: "classic-api", fields: ["id"] },
    "x-tyk-api-gateway.json": { file: "apidef__oas__schema__x-tyk-api-gateway.json", schema: "tyk-oas-extension", fields: ["info.dbId"] },
  };

  it.each(Object.entries(expectedDifferences))("types fields like %s except the known differences", (_, { file, schema, fields }) => {
    const theirs = readJson(path.join(TYK_SCHEMAS, file)) as AnySchemaObject;
    const ours = loadSchema(schema);
    const jsonTypes = (s: AnySchemaObject | undefined) => typesOf(s ?? {}).filter((t) => t !== "null");
    // Their "number" and our "integer" agree: both refuse strings; the gateway is stricter than they are.
    const same = (a: string[], b: string[]) => a.every((t) => b.includes(t) || (t === "integer" && b.includes("number"))) && b.every((t) => a.includes(t) || (t === "number" && a.includes("integer")));
    const compared = loadInventory(schema).filter((f) => !f.variant && jsonTypes(tykSchemaAt(theirs, f.path)).length > 0);
    const differing = compared.filter((f) => !same(jsonTypes(schemaAt(ours, f.path)), jsonTypes(tykSchemaAt(theirs, f.path))));
    expect(compared.length).toBeGreaterThan(200);
    expect(differing.map((f) => f.path).sort()).toEqual([...fields].sort());
  });
});

/** Resolves a dotted path in one of Tyk's schemas, following its local $refs (their layout, not ours). */
function tykSchemaAt(root: AnySchemaObject, fieldPath: string): AnySchemaObject | undefined {
  const deref = (s: AnySchemaObject | undefined): AnySchemaObject | undefined => {
    let current = s;
    for (let i = 0; current?.$ref && i < 10; i++) {
      current = (current.$ref as string).replace(/^#\//, "").split("/").reduce<any>((o, k) => o?.[k], root);
    }
    return current;
  };
  let node = deref(root);
  for (const segment of segments(fieldPath)) {
    if (!node) return undefined;
    const next =
      segment === "[]" ? node.items
      : segment === "*" ? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined)
      : (node.properties as Record<string, AnySchemaObject> | undefined)?.[segment];
    node = deref(next as AnySchemaObject | undefined);
  }
  return node;
}
