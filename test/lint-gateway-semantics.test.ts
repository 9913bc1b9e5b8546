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
          config:
            url: https://example.com
            method: GET
      - type_name: Query
        field_name: b
        mapping:
          disabled: true
        data_source:
          kind: HTTPJsonDataSource
          config:
            url: ""
            method: GET
`;

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
