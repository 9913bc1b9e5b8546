/**
 * Lint follows what the gateway's code does with a document, with Go as the oracle where it can
 * run: load-balancing targets through EnsureTransport (url.Parse), trailing data through
 * json.Decoder and json.Unmarshal, duplicate keys through typed fields.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import { ensureTransport, goUrlStart } from "../src/lint/rules/support/ensure-transport.js";
import type { LintResult } from "../src/lint/types.js";
import { goJson, hasGo } from "./helpers/go-json.js";
import { tempDir } from "./helpers/tmp.js";

async function lintFiles(files: Record<string, string>, profile?: "production"): Promise<LintResult[]> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return (await lint({ paths: ["."], cwd: dir, profile })).results;
}

const byRule = (results: LintResult[], ruleId: string) => results.flatMap((r) => r.messages.filter((m) => m.ruleId === ruleId).map((m) => ({ ...m, file: r.filePath })));

/** 1-based line of the first line of `text` containing `needle` (below line `after`, when given). */
function lineOf(text: string, needle: string, after = 0): number {
  const i = text.split("\n").findIndex((l, n) => n >= after && l.includes(needle));
  if (i < 0) throw new Error(`test bug: ${needle} not in text`);
  return i + 1;
}

const HOSTS = ["httpbin.org", "httpbin.org/anything", "upstream", "10.0.0.1/api", "localhost:8080", "httpbin.org:80", "10.0.0.1:8080", "[::1]:80", "http://a:1", "HTTPS://a", "h2c://a", "tcp://a:1", ":80", "my-svc.ns.svc.cluster.local"];

describe("load-balancing targets: EnsureTransport", () => {
  it.skipIf(!hasGo)("the scheme and the refusal agree with Go's url.Parse", () => {
    const go = goJson(["url"], `${HOSTS.join("\n")}\n`).trim().split("\n").map((l) => JSON.parse(l) as { scheme: string; error: string });
    HOSTS.forEach((host, i) => {
      const ours = goUrlStart(host);
      expect({ host, scheme: ours.scheme, refused: Boolean(ours.error) }).toEqual({ host, scheme: go[i]!.scheme.toLowerCase(), refused: go[i]!.error !== "" });
    });
  });

  it("adds the API's protocol, or http, where Go finds no scheme", () => {
    expect(ensureTransport(" httpbin.org ", "")).toEqual({ url: "http://httpbin.org" });
    expect(ensureTransport("httpbin.org", "https")).toEqual({ url: "https://httpbin.org" });
    expect(ensureTransport("localhost:8080", "")).toEqual({ url: "localhost:8080" });
    expect(ensureTransport("10.0.0.1:8080", "").problem).toContain("first path segment");
  });

  it("target-url accepts scheme-less hosts in target_list and reports host:port entries at their line", async () => {
    const text = `${JSON.stringify(
      {
        name: "lb",
        api_id: "lb",
        use_keyless: false,
        use_standard_auth: true,
        version_data: { not_versioned: true, versions: { Default: { name: "Default" } } },
        proxy: { listen_path: "/lb/", target_url: "", enable_load_balancing: true, target_list: ["httpbin.org", "upstream/api", "localhost:8080", "10.0.0.1:8080"] },
      },
      null,
      2,
    )}\n`;
    const found = byRule(await lintFiles({ "lb.json": text }), "target-url");
    expect(found.map((m) => m.line)).toEqual([lineOf(text, '"localhost:8080"'), lineOf(text, '"10.0.0.1:8080"')]);
    expect(found[0]!.message).toContain('scheme "localhost:"');
    expect(found[1]!.message).toContain("url.Parse refuses it");
  });
});

describe("operator-admission: what Tyk Operator's webhook refuses", () => {
  const yaml = `apiVersion: tyk.tyk.io/v1alpha1
kind: ApiDefinition
metadata:
  name: httpbin
spec:
  name: httpbin
  use_keyless: true
  use_standard_auth: true
  active: true
  proxy:
    target_url: ""
    target_internal:
      name: other
      namespace: default
    listen_path: /httpbin
  version_data:
    not_versioned: true
    default_version: Default
    versions:
      Default:
        name: Default
        use_extended_paths: true
        extended_paths:
          url_rewrites:
            - path: /a
              method: GET
              match_pattern: /a
              rewrite_to: ""
            - path: /b
              method: GET
              match_pattern: /b
              rewrite_to: /c
              triggers:
                - "on": all
                  options: {}
                  rewrite_to: ""
---
apiVersion: tyk.tyk.io/v1alpha1
kind: ApiDefinition
metadata:
  name: trevorblades
spec:
  name: trevorblades
  use_keyless: true
  active: true
  proxy:
    target_url: ""
    listen_path: /trevorblades
  graphql:
    enabled: true
    execution_mode: executionEngine
    schema: "type Query { a: String }"
    type_field_configurations:
      - type_name: Query
        field_name: a
        mapping:
          disabled: true
        data_source:
          kind: RESTDataSource
          data_source_config:
            url: https://example.com
            method: GET
      - type_name: Query
        field_name: b
        mapping:
          disabled: true
        data_source:
          kind: HTTPJsonDataSource
          data_source_config:
            url: ""
            method: GET
`;

  it("reads a data source's url and method where the Operator does, under data_source_config (rewsmith/tyk-operator-demo samples/udg)", async () => {
    const udg = `apiVersion: tyk.tyk.io/v1alpha1
kind: ApiDefinition
metadata:
  name: udg
spec:
  name: udg
  use_keyless: true
  protocol: http
  active: true
  proxy:
    target_url: ""
    listen_path: /udg
  graphql:
    enabled: true
    execution_mode: executionEngine
    schema: "type Query { countries: [String] }"
    type_field_configurations:
      - type_name: Query
        field_name: countries
        mapping: {disabled: false, path: countries}
        data_source:
          kind: GraphQLDataSource
          data_source_config:
            url: "https://countries.example.com"
            method: POST
`;
    expect(byRule(await lintFiles({ "k8s/udg.yaml": udg }), "operator-admission")).toEqual([]);
  });

  it("reports each refusal on its line, and keyless-with-auth leaves the pair to it", async () => {
    const results = await lintFiles({ "k8s/apis.yaml": yaml });
    const found = byRule(results, "operator-admission");
    expect(found.map((m) => [m.line, m.severity])).toEqual([
      [lineOf(yaml, "use_standard_auth: true"), 2],
      [lineOf(yaml, 'rewrite_to: ""'), 2],
      [lineOf(yaml, 'rewrite_to: ""', lineOf(yaml, "triggers:")), 2],
      [lineOf(yaml, "kind: RESTDataSource"), 2],
      [lineOf(yaml, '    url: ""'), 2],
    ]);
    expect(found[0]!.message).toContain("`use_keyless` and `use_standard_auth` cannot be set together");
    expect(byRule(results, "security/keyless-with-auth")).toEqual([]);
    // target_internal stands for the upstream (the Operator resolves it); the GraphQL engine needs none.
    expect(byRule(results, "target-url")).toEqual([]);
  });

  it("is silent on plain (non-Operator) definitions", async () => {
    const text = JSON.stringify({ name: "a", api_id: "a", use_keyless: true, use_standard_auth: true, proxy: { listen_path: "/a/", target_url: "https://a.example.com" }, version_data: { not_versioned: true, versions: { Default: { name: "Default" } } } }, null, 2);
    const results = await lintFiles({ "a.json": text });
    expect(byRule(results, "operator-admission")).toEqual([]);
    expect(byRule(results, "security/keyless-with-auth").map((m) => m.line)).toEqual([lineOf(text, '"use_keyless"')]);
  });
});

describe("duplicate keys: found quickly, never missed", () => {
  it.each([
    ['{"a": 1, "b": {"a": 2}}', false],
    ['{"a": ":x", "b": "y\\":z"}', false],
    ['{"a": 1, "a": 2}', true],
    ['{"a": ":x", "b": {"c": 1, "c": 2}}', true],
    ['{"a" : 1, "a" : 2}', true],
    ['{"a\\"": 1, "a\\"": 2}', true],
    ['[{"a": 1}, {"a": 1}]', false],
    ['{"\\u0061": 1, "a": 2}', true],
    ['{"a"\n  : 1, "b": ":", "a": 2}', true],
    ['{"a" : ":x", "a": 1}', true],
    ['{"a": " :x", "b" : {"a": 1}}', false],
  ])("%s → %s", async (text, expected) => {
    const { hasDuplicateKeys } = await import("../src/lint/read/duplicate-keys.js");
    const { census } = await import("../src/lint/read/census.js");
    expect(hasDuplicateKeys(text, census(JSON.parse(text)).keys)).toBe(expected);
  });
});

describe("duplicate keys: the value Go decodes", () => {
  const inner = { type: "object", properties: { a: { type: "integer" }, b: { type: "string" }, m: { type: "object", additionalProperties: { type: "string" } } } };
  // The shapes of test/support/go-json's Doc: struct, pointer to struct, map of structs, slice, interface{}, map of interface{}.
  const schema = {
    type: "object",
    properties: { flag: { type: "boolean" }, name: { type: "string" }, inner, ptr: inner, map: { type: "object", additionalProperties: inner }, list: { type: "array", items: { type: "string" } }, any: {}, any_map: { type: "object", additionalProperties: {} } },
  };
  const CASES = [
    '{"flag": false, "flag": true}',
    '{"inner": {"a": 1, "b": "x"}, "inner": {"b": "y"}}',
    '{"ptr": {"a": 1, "m": {"k": "v"}}, "ptr": {"m": {"j": "w"}}}',
    '{"map": {"one": {"a": 1, "b": "x"}}, "map": {"one": {"b": "y"}, "two": {"a": 2}}}',
    '{"map": {"one": {"a": 1}, "one": {"b": "y"}}}',
    '{"list": ["a", "b"], "list": ["c"]}',
    '{"any": {"a": 1, "b": 2}, "any": {"b": 3}}',
    '{"any_map": {"a": {"x": 1}, "b": 2}, "any_map": {"a": {"y": 1}}}',
    '{"inner": {"a": 1}, "inner": null, "name": "n", "name": null}',
  ];

  /** Go's encoding with its zero values, cut down to the keys of `ours`. */
  function project(go: unknown, ours: unknown): unknown {
    if (ours && typeof ours === "object" && !Array.isArray(ours) && go && typeof go === "object") {
      return Object.fromEntries(Object.keys(ours).map((k) => [k, project((go as Record<string, unknown>)[k], (ours as Record<string, unknown>)[k])]));
    }
    return go;
  }
  const nonZero = (v: unknown): boolean => !(v === null || v === false || v === 0 || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.values(v).every((x) => !nonZero(x))));

  it.skipIf(!hasGo)("goValue agrees with Go's json.Unmarshal into typed fields", async () => {
    const { SchemaGraph } = await import("../src/lint/validate/schema-graph.js");
    const { goValue } = await import("../src/lint/validate/go-decode.js");
    const { parseJson } = await import("../src/json/parse.js");
    const root = new SchemaGraph(schema, () => undefined).root;
    const dir = await tempDir();
    for (const [i, text] of CASES.entries()) {
      const file = path.join(dir, `case-${i}.json`);
      await writeFile(file, text);
      const go = JSON.parse(goJson(["merge", file])) as Record<string, unknown>;
      const ours = goValue(parseJson(text), root) as Record<string, unknown>;
      // null leaves a struct or a string as it was: compare what Go keeps.
      const expected = Object.fromEntries(Object.entries(ours).filter(([, v]) => v !== null));
      expect(project(go, expected), text).toEqual(expected);
      for (const [key, value] of Object.entries(go)) if (nonZero(value)) expect(Object.keys(ours), `${text}: Go has ${key}`).toContain(key);
    }
  });

  it("names both places and the value the gateway uses, on the later key's line", async () => {
    const text = `{
  "listen_port": 8080,
  "secret": "${"s".repeat(8)}-a-long-enough-secret-value",
  "allow_master_keys": false,
  "storage": { "type": "redis", "host": "redis" },
  "allow_master_keys": true,
  "storage": { "port": 6379 }
}
`;
    const found = byRule(await lintFiles({ "tyk.conf": text }), "duplicate-key");
    expect(found.map((m) => m.line)).toEqual([6, 7]);
    expect(found[0]!.message).toBe("`allow_master_keys` is written twice (line 4, column 3 and line 6, column 3): Go keeps the later value, so the gateway uses `true`; remove the other");
    expect(found[1]!.message).toContain('merged, the later one winning where both set a key: `{"type":"redis","host":"redis","port":6379}`');
  });

  it("the rules see the merged value: a proxy split in two has its listen path and its upstream", async () => {
    const text = `{"name": "a", "api_id": "a", "use_keyless": false, "use_standard_auth": true,
 "version_data": {"not_versioned": true, "versions": {"Default": {"name": "Default"}}},
 "proxy": {"listen_path": "/a/"},
 "proxy": {"target_url": "https://a.example.com"}}
`;
    const results = await lintFiles({ "a.json": text });
    expect(byRule(results, "target-url")).toEqual([]);
    expect(byRule(results, "listen-path-slash")).toEqual([]);
    expect(byRule(results, "duplicate-key").map((m) => m.line)).toEqual([4]);
  });
});

describe("trailing data: json.Decoder reads the first value, json.Unmarshal refuses the file", () => {
  const conf = '{"listen_port": 8080, "app_path": "apps", "storage": {"type": "redis"}, "hash_keys": true}\n{"hash_keys": false}\n';
  const api = '{"name": "a", "api_id": "a", "use_standard_auth": true, "proxy": {"listen_path": "/a/", "target_url": "https://a.example.com"}, "version_data": {"not_versioned": true, "versions": {"Default": {"name": "Default"}}}}\n]\n';

  it.skipIf(!hasGo)("as Go does", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "c.json"), conf);
    expect(JSON.parse(goJson(["decode", path.join(dir, "c.json")]))).toMatchObject({ decoder: true, unmarshal: false, value: { hash_keys: true } });
  });

  it("tyk.conf: a warning at the trailing data, and the first value is linted; an API definition: a syntax error", async () => {
    const results = await lintFiles({ "tyk.conf": conf, "apps/a.json": api });
    const conf_ = results.find((r) => r.filePath === "tyk.conf")!;
    expect(conf_.messages.filter((m) => m.ruleId === "trailing-data").map((m) => [m.line, m.column, m.severity])).toEqual([[2, 1, 1]]);
    expect(conf_.messages.filter((m) => m.ruleId === "security/hash-keys-off")).toEqual([]);
    const app = results.find((r) => r.filePath === "apps/a.json")!;
    expect(app.messages.filter((m) => m.ruleId === "syntax").map((m) => [m.line, m.severity])).toEqual([[2, 2]]);
    expect(app.messages.find((m) => m.ruleId === "syntax")!.message).toContain("json.Unmarshal (loadDefFromFilePath)");
    expect(app.kind).toBe("classic-api");
  });
});

describe("Tyk Operator: definitions kept in ConfigMaps", () => {
  const oasCm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: petstore-cm
  namespace: apis
data:
  petstore.json: |-
    {
      "openapi": "3.0.3",
      "info": {"title": "Petstore", "version": "1.0.0"},
      "paths": {},
      "x-tyk-api-gateway": {
        "info": {"name": "Petstore", "state": {"active": true}},
        "upstream": {"url": "https://petstore.example.com"},
        "server": {
          "listenPath": {"value": "/petstore/", "strip": true},
          "authentication": {"enabled": true, "stripAuthorizationData": true, "securitySchemes": {"key": {"enabled": true}}},
          "listenPth": {"value": "/x/"}
        }
      }
    }
---
apiVersion: tyk.tyk.io/v1alpha1
kind: TykOasApiDefinition
metadata:
  name: petstore
  namespace: apis
spec:
  tykOAS:
    configmapRef:
      name: petstore-cm
      keyName: petstore.json
`;
  const streamsCr = `apiVersion: tyk.tyk.io/v1alpha1
kind: TykStreamsApiDefinition
metadata:
  name: simple-stream
spec:
  tykStreams:
    configmapRef:
      name: simple-stream-cm
      keyName: test_stream.json
`;
  const streamsCm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: simple-stream-cm
data:
  test_stream.json: |
    {
      "info": {"title": "Simple stream", "version": "1.0.0"},
      "paths": {},
      "x-tyk-streaming": {"streams": {}},
      "x-tyk-api-gateway": {
        "info": {"name": "Simple stream", "state": {"active": true}},
        "server": {"listenPath": {"value": "/streams/", "strip": true}}
      }
    }
`;
  const gatewayCm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: tyk-gateway-conf
data:
  tyk.conf: |
    {
      "listen_port": 8080,
      "app_path": "/opt/tyk-gateway/apps",
      "storage": {"type": "redis", "host": "redis"},
      "hash_keys": true,
      "allow_master_keys": false,
      "allow_master_keys": true
    }
  other.json: '{"not": "tyk"}'
`;

  it("lints the JSON inside each ConfigMap at its real line, whichever file holds the resource", async () => {
    const orphan = streamsCr.replace(/simple-stream/g, "orphan");
    const files = { "k8s/petstore.yaml": oasCm, "k8s/streams/cr.yaml": streamsCr, "k8s/streams/cm.yaml": streamsCm, "deploy/gateway-cm.yaml": gatewayCm, "k8s/orphan.yaml": orphan };
    const dir = await tempDir();
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    const skipped: string[] = [];
    const { results } = await lint({ paths: ["."], cwd: dir, onSkip: (file, reason) => skipped.push(`${file}: ${reason}`) });
    const byFile = new Map(results.map((r) => [r.filePath, r]));

    const petstore = byFile.get("k8s/petstore.yaml")!;
    expect(petstore.kind).toBe("tyk-oas");
    expect(petstore.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([["unknown-field", lineOf(oasCm, '"listenPth"'), oasCm.split("\n")[lineOf(oasCm, '"listenPth"') - 1]!.indexOf('"') + 1]]);

    const streams = byFile.get("k8s/streams/cm.yaml")!;
    expect(streams.messages.filter((m) => m.ruleId === "missing-field").map((m) => [m.line, m.message])).toEqual([[lineOf(streamsCm, "    {"), expect.stringContaining("no `openapi` field")]]);

    const gateway = byFile.get("deploy/gateway-cm.yaml")!;
    expect(gateway.kind).toBe("tyk-conf");
    const dup = gateway.messages.find((m) => m.ruleId === "duplicate-key")!;
    const second = lineOf(gatewayCm, '"allow_master_keys": true');
    expect(dup.line).toBe(second);
    expect(dup.message).toContain(`line ${second - 1}, column 7 and line ${second}, column 7`);

    expect(byFile.has("k8s/streams/cr.yaml")).toBe(false);
    expect(skipped).toContain('k8s/streams/cr.yaml: TykStreamsApiDefinition "simple-stream": its definition is in ConfigMap "simple-stream-cm", key "test_stream.json", linted where that ConfigMap is');
    // A ConfigMap that is not in the repository: said, not guessed at.
    expect(skipped.filter((s) => s.includes("not among the linted files"))).toEqual(['k8s/orphan.yaml: TykStreamsApiDefinition "orphan": ConfigMap "orphan-cm" with key "test_stream.json" is not among the linted files, so its definition was not checked']);
  });
});
