/**
 * The project's JSON Schemas (schemas/*.schema.json, draft-07) and their validators. Everything is
 * loaded on first use and compiled once per run: a run that only meets API definitions never
 * compiles the tyk.conf schema.
 */
import { readFileSync } from "node:fs";
import { readPackageFile } from "../../package-files.js";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Ajv, ValidateFunction } from "ajv";
import { createRequire } from "node:module";
import { InputError } from "../../errors.js";
import { compiledModule, loadCompiled, stampOf } from "./compiled.js";
import { isObject } from "../read/pointer.js";
import { SchemaGraph, type JsonSchema, type SchemaResolver } from "./schema-graph.js";
import { indexFields } from "./schema-walk.js";
import type { Kind } from "../types.js";

export const SCHEMA_NAMES = ["tyk-conf", "classic-api", "tyk-oas-extension", "policy", "bundle-manifest"] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const SCHEMA_ID_BASE = "https://tyk-ts.dev/schemas/v1/";

export function schemaId(name: SchemaName): string {
  return `${SCHEMA_ID_BASE}${name}.schema.json`;
}

/** The schema a kind is validated against (for Tyk OAS: its `x-tyk-api-gateway` object). */
export function schemaNameFor(kind: Exclude<Kind, "policies">): SchemaName {
  return kind === "tyk-oas" ? "tyk-oas-extension" : kind;
}

/** schemas/ of the installed package: three levels up from both src/lint/validate and dist/lint/validate. */
export function defaultSchemasDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../schemas");
}

const require = createRequire(import.meta.url);

/** The file of a schema in the package's schemas/ folder. */
export function schemaFile(name: SchemaName, dir = defaultSchemasDir()): string {
  return path.join(dir, `${name}.schema.json`);
}

/** policies.json as a schema: an object of policy id → policy, referring to the policy schema by its `$id`. */
export function policiesSchema(): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: `${SCHEMA_ID_BASE}policies.schema.json`,
    title: "Tyk gateway policies.json",
    description: "The gateway's policies file: an object whose keys are policy ids and whose values are policies.",
    type: "object",
    additionalProperties: { $ref: "policy.schema.json" },
  };
}

/** The same options at run time and when generating standalone code at build time. */
function createAjv(source = false): Ajv {
  // ajv is CommonJS; require keeps the class (and start-up) simple.
  const AjvClass = require("ajv") as typeof import("ajv").default;
  const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    verbose: true,
    allowUnionTypes: true,
    validateSchema: false,
    logger: false,
    code: { source },
  });
  addFormats(ajv);
  return ajv;
}

export class SchemaSet {
  private readonly texts = new Map<SchemaName, string>();
  private readonly schemas = new Map<SchemaName, JsonSchema>();
  private ajv: Ajv | undefined;
  private readonly validators = new Map<SchemaName, ValidateFunction>();
  private readonly fieldIndexes = new Map<SchemaName, Map<string, string[]>>();
  private readonly graphs = new Map<SchemaName, SchemaGraph>();

  constructor(readonly dir: string = defaultSchemasDir()) {}

  schema(name: SchemaName): JsonSchema {
    let schema = this.schemas.get(name);
    if (!schema) {
      const text = this.text(name);
      try {
        schema = JSON.parse(text) as JsonSchema;
      } catch (err) {
        throw new InputError("schema-unreadable", `the ${name} schema in ${this.dir} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
      this.schemas.set(name, schema);
    }
    return schema;
  }

  private text(name: SchemaName): string {
    let text = this.texts.get(name);
    if (text === undefined) {
      const file = schemaFile(name, this.dir);
      try {
        // The package's own schemas come through readPackageFile, which also works inside the single executable.
        text = this.dir === defaultSchemasDir() ? readPackageFile(`schemas/${name}.schema.json`) : readFileSync(file, "utf8");
      } catch (err) {
        throw new InputError("schema-unreadable", `cannot load the ${name} schema from ${file}: ${(err as Error).message}`, {
          hint: "reinstall tyk-ts; the schemas/ folder ships with the package",
          cause: err,
        });
      }
      this.texts.set(name, text);
    }
    return text;
  }

  /** Identifies the exact schema texts: a validator compiled from other texts is not used. */
  private stamp(): string {
    return stampOf(SCHEMA_NAMES.map((n) => this.text(n)).join("\u0000"));
  }

  /** The schema's `$id` (what `$ref`s name it by). */
  idOf(name: SchemaName): string {
    const id = this.schema(name).$id;
    return typeof id === "string" ? id.replace(/#$/, "") : schemaId(name);
  }

  /** Resolves `$ref`s between the project's schemas (by `$id`) and inside one (by fragment). */
  readonly resolve: SchemaResolver = (ref, base) => {
    const url = new URL(ref, base || SCHEMA_ID_BASE);
    const docId = `${url.origin}${url.pathname}`;
    const name = SCHEMA_NAMES.find((n) => this.idOf(n) === docId);
    if (!name) return undefined;
    let target: unknown = this.schema(name);
    const fragment = decodeURIComponent(url.hash.slice(1));
    for (const segment of fragment.split("/").slice(1)) {
      if (!isObject(target) && !Array.isArray(target)) return undefined;
      target = (target as Record<string, unknown>)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return isObject(target) ? { schema: target, base: docId } : undefined;
  };

  /** The schema as a graph of places, for what the validator cannot check (key case, deprecated fields). */
  graph(name: SchemaName): SchemaGraph {
    let graph = this.graphs.get(name);
    if (!graph) {
      graph = new SchemaGraph(this.schema(name), this.resolve);
      this.graphs.set(name, graph);
    }
    return graph;
  }

  /** Where each field name appears in the schema (built on first use: only unknown fields need it). */
  fieldLocations(name: SchemaName, field: string): string[] {
    let index = this.fieldIndexes.get(name);
    if (!index) {
      index = indexFields(this.schema(name), this.resolve);
      this.fieldIndexes.set(name, index);
    }
    return index.get(field) ?? [];
  }

  validator(name: SchemaName): ValidateFunction {
    let validate = this.validators.get(name);
    if (!validate) {
      validate = loadCompiled(name, this.stamp()) ?? this.compile(this.getAjv(), name);
      this.validators.set(name, validate);
    }
    return validate;
  }

  /** Standalone validator modules for every schema (build time: scripts/build-lint-validators.mjs). */
  standaloneModules(): Record<SchemaName, string> {
    const standalone = require("ajv/dist/standalone") as typeof import("ajv/dist/standalone/index.js").default;
    const ajv = this.addAll(createAjv(true));
    const stamp = this.stamp();
    const out = {} as Record<SchemaName, string>;
    for (const name of SCHEMA_NAMES) out[name] = compiledModule(standalone(ajv, this.compile(ajv, name)), stamp);
    return out;
  }

  private compile(ajv: Ajv, name: SchemaName): ValidateFunction {
    const validate = ajv.getSchema(this.idOf(name));
    if (!validate) throw new InputError("schema-unreadable", `the ${name} schema could not be found by its $id ${this.idOf(name)}`);
    return validate;
  }

  private getAjv(): Ajv {
    this.ajv ??= this.addAll(createAjv());
    return this.ajv;
  }

  /** Adds every schema so `$ref`s between them resolve; each is compiled only when first asked for. */
  private addAll(ajv: Ajv): Ajv {
    for (const name of SCHEMA_NAMES) {
      const schema = this.schema(name);
      ajv.addSchema(schema, typeof schema.$id === "string" ? undefined : schemaId(name));
    }
    return ajv;
  }
}
