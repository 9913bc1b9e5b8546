/**
 * The TYK_GW_* name of every tyk.conf field: derived from the inventory's Go paths, checked
 * against the gateway's own documentation (two independent tables, see test/data/gateway-env-docs)
 * and by properties over the whole inventory.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveEnvFields, envFieldByName, envFieldByPath, envFields, suggestEnvName, type ConfigField } from "../src/config/env-names.js";
import { effectiveConfig, valueAtPath } from "../src/config/effective.js";
import { ROOT } from "./helpers/cli.js";

const inventory = JSON.parse(readFileSync(path.join(ROOT, "test/data/inventory/tyk-conf.fields.json"), "utf8")) as {
  commit: string;
  fields: Array<{ path: string; type: string; go_path: string; go_type: string; items?: string; values?: string; map?: boolean; pointer?: boolean; default?: unknown }>;
};

function tsv(file: string): string[][] {
  return readFileSync(path.join(ROOT, "test/data/gateway-env-docs", file), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

/** Inventory entries a variable can reach: not inside a list or a map. */
const reachable = inventory.fields.filter((f) => !f.path.includes("[]") && !/(^|\.)\*(\.|$)/.test(f.path));
const leaves = envFields();

describe("deriving the names", () => {
  it("src/config/tyk-conf-fields.ts is generated from the inventory (node scripts/generate-config-fields.mjs)", async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { renderConfigFields } = (await import("../scripts/generate-config-fields.mjs")) as { renderConfigFields: (inv: unknown) => string };
    expect(readFileSync(path.join(ROOT, "src/config/tyk-conf-fields.ts"), "utf8")).toBe(renderConfigFields(inventory));
  });

  it("gives every field a variable except the structs envconfig walks into", () => {
    const structs = reachable.filter((f) => f.type === "object" && !f.map && !["config.PortsWhiteList", "config.LabsConfig"].includes(f.go_type));
    expect(leaves.length + structs.length).toBe(reachable.length);
    expect(leaves.length).toBeGreaterThan(480);
  });

  it("uses the Go field names, drops embedded struct names, and never the JSON keys", () => {
    expect(envFieldByPath("coprocess_options.enable_coprocess")?.name).toBe("TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS");
    expect(envFieldByPath("tracing.enabled")?.name).toBe("TYK_GW_TRACER_ENABLED");
    expect(envFieldByPath("drl_threshold")?.name).toBe("TYK_GW_DRLTHRESHOLD"); // RateLimit.DRLThreshold, RateLimit embedded
    expect(envFieldByPath("opentelemetry.exporter")?.name).toBe("TYK_GW_OPENTELEMETRY_EXPORTER"); // BaseOpenTelemetry.ExporterConfig embedded
    expect(envFieldByPath("opentelemetry.traces.enabled")?.name).toBe("TYK_GW_OPENTELEMETRY_TRACES_ENABLED"); // *TracesConfig
    expect(envFieldByPath("slave_options.bind_to_slugs")?.name).toBe("TYK_GW_SLAVEOPTIONS_BINDTOSLUGSINSTEADOFLISTENPATHS");
    expect(envFieldByPath("storage.optimisation_max_idle")?.name).toBe("TYK_GW_STORAGE_MAXIDLE");
    expect(envFieldByPath("oas_config.validate_examples")?.name).toBe("TYK_GW_OAS_VALIDATEEXAMPLES");
  });

  it("knows what envconfig does with each Go type", () => {
    expect(envFieldByName("TYK_GW_LIVENESSCHECK_CHECKDURATION")?.envKind).toEqual({ kind: "duration" });
    expect(envFieldByName("TYK_GW_SECRETS")?.envKind).toEqual({ kind: "map", value: { kind: "string" } });
    expect(envFieldByName("TYK_GW_PORTWHITELIST")?.envKind).toEqual({ kind: "json", shape: "object" });
    expect(envFieldByName("TYK_GW_HTTPSERVEROPTIONS_MINVERSION")?.envKind).toEqual({ kind: "int", bits: 16, unsigned: true });
    expect(envFieldByName("TYK_GW_EVENTHANDLERS_EVENTS")?.envKind.kind).toBe("unsupported");
    expect(envFieldByName("TYK_GW_OVERRIDEMESSAGES")?.envKind.kind).toBe("unsupported");
  });
});

describe("the gateway's own documentation", () => {
  it("tyk-docs' configuration reference names the same variable for 301 of its 303 fields", () => {
    const rows = tsv("tyk-docs-gateway-config.tsv");
    const differ = rows.filter(([p, env]) => envFieldByPath(p!)?.name !== env);
    expect(rows.length).toBe(303);
    // The two it gets wrong are its generator's: event_handlers is a struct (envconfig walks into it,
    // giving TYK_GW_EVENTHANDLERS_EVENTS), and "kv.KV" is the anonymous struct of the kv section.
    expect(differ.map(([p]) => p)).toEqual(["event_handlers", "kv.KV"]);
    expect(envFieldByName("TYK_GW_EVENTHANDLERS_EVENTS")?.path).toBe("event_handlers.events");
  });

  it("the gateway repository's config_env_vars.md agrees, except for fields config.Config no longer has", () => {
    const rows = tsv("tyk-config_env_vars.tsv");
    const differ = rows.filter(([env, key]) => envFieldByName(env!)?.path.split(".").at(-1) !== key).map(([env]) => env);
    expect(rows.length - differ.length).toBe(239);
    expect(differ).toEqual([
      "TYK_GW_HTTPSERVEROPTIONS_OVERRIDEDEFAULTS", // json:"-" now, "no longer used"
      "TYK_GW_HTTPSERVEROPTIONS_USELE_SSL",
      "TYK_GW_RELOADWAITTIME",
      "TYK_GW_USEASYNCSESSIONWRITE",
      "TYK_GW_ENABLEAPISEGREGATION",
      "TYK_GW_CLOSEIDLECONNECTIONS",
      "TYK_GW_ANALYTICSCONFIG_NORMALISEURLS_COMPILEDPATTERNSET_UUIDS_FROMCACHE", // json:"-" internals
      "TYK_GW_ANALYTICSCONFIG_NORMALISEURLS_COMPILEDPATTERNSET_IDS_FROMCACHE",
      "TYK_GW_ANALYTICSCONFIG_NORMALISEURLS_COMPILEDPATTERNSET_CUSTOM",
      "TYK_GW_SESSIONUPDATEPOOLSIZE",
      "TYK_GW_SESSIONUPDATEBUFFERSIZE",
    ]);
    // Every removed one is a tyk.conf key the inventory no longer has.
    for (const [env, key] of rows.filter(([env]) => differ.includes(env!) && !env!.includes("COMPILEDPATTERNSET"))) {
      expect(inventory.fields.some((f) => f.path.split(".").at(-1) === key && f.go_path.toUpperCase().replace(/\./g, "_") === env!.slice(7)), env).toBe(false);
    }
  });
});

describe("properties over the whole inventory", () => {
  const arbitraryLeaf = fc.constantFrom(...leaves);

  it("every field has exactly one name, and the name leads back to the field", () => {
    fc.assert(
      fc.property(arbitraryLeaf, (field) => {
        expect(leaves.filter((f) => f.name === field.name)).toHaveLength(1);
        expect(envFieldByName(field.name)?.path).toBe(field.path);
        expect(envFieldByPath(field.path)?.name).toBe(field.name);
        expect(field.name).toMatch(/^TYK_GW_[A-Z0-9_]+$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("a string set through a field's variable lands at that field's path and nowhere else", () => {
    const strings = leaves.filter((f) => f.envKind.kind === "string");
    fc.assert(
      fc.property(fc.constantFrom(...strings), fc.string({ maxLength: 12 }), (field, value) => {
        const result = effectiveConfig({ env: [{ name: field.name, value }] });
        expect(valueAtPath(result.config, field.path)).toBe(value);
        expect(result.problems).toEqual([]);
        expect(result.sources.get(field.path)).toMatchObject({ from: "env" });
      }),
      { numRuns: 500 },
    );
  });

  it("writing a name from the JSON path, or in lower case, is answered with the real name", () => {
    fc.assert(
      fc.property(arbitraryLeaf, (field) => {
        expect(suggestEnvName(`TYK_GW_${field.path.replace(/\./g, "_").toUpperCase()}`)).toBe(field.name);
        expect(suggestEnvName(field.name.toLowerCase())).toBe(field.name);
      }),
      { numRuns: 2000 },
    );
  });

  it("a suggestion is always a real variable", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^TYK_GW_[A-Z_]{1,30}$/), (name) => {
        const s = suggestEnvName(name);
        if (s !== undefined) expect(envFieldByName(s)).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("derivation does not depend on anything but the rows: a renamed Go field renames its variable", () => {
    const rows: ConfigField[] = [
      { path: "a", type: "object", goPath: "Alpha", goType: "config.A" },
      { path: "a.b", type: "boolean", goPath: "Alpha.Inner.Beta", goType: "bool" },
      { path: "c", type: "array", goPath: "Gamma", goType: "[]string", items: "string" },
    ];
    expect(deriveEnvFields(rows).map((f) => f.name)).toEqual(["TYK_GW_ALPHA_BETA", "TYK_GW_GAMMA"]);
  });
});
