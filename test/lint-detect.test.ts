/**
 * Kinds from content: raw documents, Dashboard/tyk-sync exports, lists, policies.json maps,
 * Tyk Operator resources and multi-document YAML, each linted at its real position in the file.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectDocuments, misspeltDefinitionKey } from "../src/lint/read/detect.js";
import { closest } from "../src/suggest.js";
import { lint } from "../src/lint/engine.js";
import { tempDir } from "./helpers/tmp.js";
import { seededRandom } from "./helpers/random.js";

const classic = { name: "A", api_id: "a", proxy: { listen_path: "/a/", target_url: "http://a" }, version_data: { not_versioned: true } };
const oas = { openapi: "3.0.3", info: { title: "A", version: "1" }, paths: {}, "x-tyk-api-gateway": { info: { name: "A" } } };
const conf = { listen_port: 8080, secret: "s", storage: { type: "redis" }, app_path: "apps" };
const policy = { rate: 10, per: 1, quota_max: -1, access_rights: {} };
const manifest = { file_list: ["m.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } };

describe("detectDocuments", () => {
  it("recognises each raw kind", () => {
    expect(detectDocuments(classic).documents).toEqual([{ kind: "classic-api", pointer: "", wrapper: "none" }]);
    expect(detectDocuments(oas).documents).toEqual([{ kind: "tyk-oas", pointer: "", wrapper: "none" }]);
    expect(detectDocuments(conf).documents).toEqual([{ kind: "tyk-conf", pointer: "", wrapper: "none" }]);
    expect(detectDocuments(policy).documents).toEqual([{ kind: "policy", pointer: "", wrapper: "none" }]);
    expect(detectDocuments(manifest).documents).toEqual([{ kind: "bundle-manifest", pointer: "", wrapper: "none" }]);
  });

  it("unwraps Dashboard exports and lists of them", () => {
    expect(detectDocuments({ api_model: {}, api_definition: classic, hook_references: [] }).documents).toEqual([
      { kind: "classic-api", pointer: "/api_definition", wrapper: "dashboard", envelope: "" },
    ]);
    expect(detectDocuments({ oas, hook_references: [] }).documents).toEqual([{ kind: "tyk-oas", pointer: "/oas", wrapper: "dashboard", envelope: "" }]);
    const list = detectDocuments({ apis: [{ api_definition: classic }, { api_definition: classic }], pages: 1 });
    expect(list.documents.map((d) => d.pointer)).toEqual(["/apis/0/api_definition", "/apis/1/api_definition"]);
    expect(detectDocuments([classic, oas]).kind).toBe("mixed");
  });

  it("survives a broken key: a misspelt api_definition is still an envelope, a Tyk OAS API without openapi is still one", () => {
    expect(detectDocuments({ api_model: {}, api_defintion: classic, user_owners: [] }).documents).toEqual([
      { kind: "classic-api", pointer: "/api_defintion", wrapper: "dashboard", envelope: "" },
    ]);
    const { openapi: _, ...noOpenapi } = oas as Record<string, unknown>;
    expect(detectDocuments({ ...noOpenapi, opnapi: "3.0.3" }).documents).toEqual([{ kind: "tyk-oas", pointer: "", wrapper: "none" }]);
    // An object that only mentions the extension is not an API.
    expect(detectDocuments({ "x-tyk-api-gateway": {} }).documents).toEqual([]);
  });

  it("leaves out the Dashboard's and MDCB's configs, which share keys with tyk.conf (Ataimo007/tyk-otel), saying why", () => {
    const dashboard = { listen_port: 3000, tyk_api_config: { Host: "http://tyk-gateway", Port: "8080", Secret: "x" }, mongo_url: "mongodb://m:27017/tyk_analytics", admin_secret: "x", shared_node_secret: "x", redis_port: 6379, redis_host: "r", hash_keys: true };
    const mdcb = { listen_port: 9091, http_port: 8181, storage: { type: "redis", host: "r", port: 6379 }, hash_keys: true, forward_analytics_to_pump: true, sync_worker_config: { enabled: true } };
    for (const [config, reason] of [[dashboard, "Tyk Dashboard config"], [mdcb, "MDCB config"]] as const) {
      const detection = detectDocuments(config);
      expect(detection.documents).toEqual([]);
      expect(detection.skipped).toEqual([expect.stringContaining(reason)]);
    }
    expect(detectDocuments(conf).documents).toEqual([{ kind: "tyk-conf", pointer: "", wrapper: "none" }]);
  });

  it("the quick filter for a misspelt api_definition never drops a key the distance takes", () => {
    // Keys one to four random edits from api_definition (upper case too), and real keys of envelopes and definitions.
    const random = seededRandom(7);
    const letters = "xyzqwkXYZa_e";
    const keys = ["version_data", "custom_middleware", "api_model", "hook_references", "user_group_owners", "api_definitions", "apidefinition", "API_DEFINITION"];
    for (let i = 0; i < 3000; i++) {
      let k = "api_definition";
      for (let e = 1 + random(4); e > 0; e--) {
        const at = random(k.length + 1);
        const op = random(3);
        const c = letters[random(letters.length)]!;
        k = op === 0 ? k.slice(0, at) + c + k.slice(at) : op === 1 ? k.slice(0, at) + k.slice(at + 1) : k.slice(0, at) + c + k.slice(at + 1);
      }
      keys.push(k);
    }
    for (const key of keys) {
      if (key === "api_definition") continue;
      const expected = closest(key, ["api_definition"]) === "api_definition" ? key : undefined;
      expect(misspeltDefinitionKey({ [key]: {} }), key).toBe(expected);
    }
  });

  it("recognises session keys and leaves them out, saying why", () => {
    const session = { allowance: 1000, rate: 1000, per: 1, expires: 0, quota_max: -1, quota_remaining: -1, quota_renewal_rate: 60, access_rights: { a: { api_id: "a", versions: ["Default"] } }, org_id: "o" };
    const detection = detectDocuments(session);
    expect(detection.documents).toEqual([]);
    expect(detection.skipped).toEqual([expect.stringContaining("a key's session")]);
    expect(detectDocuments({ k1: session, k2: session }).documents).toEqual([]);
    // A policies.json entry copied from an old example carries session fields, and is still a policy (TykTechnologies-style `id`, `name`, `active`).
    const oldExample = { id: "default", rate: 100, per: 1, quota_max: -1, quota_renews: -1, quota_remaining: 0, quota_renewal_rate: 60, access_rights: { a: { api_id: "a", versions: ["default"] } }, active: true };
    expect(detectDocuments({ default: oldExample }).documents).toEqual([{ kind: "policy", pointer: "/default", wrapper: "policies-map" }]);
  });

  it("reads a policies.json map as one policy per id", () => {
    const detection = detectDocuments({ default: policy, "gold/tier": policy });
    expect(detection.kind).toBe("policies");
    expect(detection.documents).toEqual([
      { kind: "policy", pointer: "/default", wrapper: "policies-map" },
      { kind: "policy", pointer: "/gold~1tier", wrapper: "policies-map" },
    ]);
  });

  it("finds the spec of Tyk Operator resources", () => {
    // With the resource's identity: the same kind, namespace and name are one object.
    expect(detectDocuments({ apiVersion: "tyk.tyk.io/v1alpha1", kind: "ApiDefinition", metadata: { name: "httpbin", namespace: "team-a" }, spec: classic }).documents).toEqual([
      { kind: "classic-api", pointer: "/spec", wrapper: "operator", resource: { kind: "ApiDefinition", name: "httpbin", namespace: "team-a" } },
    ]);
    expect(detectDocuments({ apiVersion: "tyk.tyk.io/v1alpha1", kind: "SecurityPolicy", spec: { name: "p", access_rights_array: [] } }).documents).toEqual([
      { kind: "policy", pointer: "/spec", wrapper: "operator", resource: { kind: "SecurityPolicy" } },
    ]);
    // Other Kubernetes resources are not Tyk documents.
    expect(detectDocuments({ apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 1 } }).documents).toEqual([]);
  });

  it("finds a policies map wrapped in {\"policies\": …}, which the gateway does not unwrap", () => {
    const detection = detectDocuments({ policies: { gold: policy, silver: policy } });
    expect(detection.kind).toBe("policies");
    expect(detection.documents).toEqual([
      { kind: "policy", pointer: "/policies/gold", wrapper: "policies-map" },
      { kind: "policy", pointer: "/policies/silver", wrapper: "policies-map" },
    ]);
    // A tyk.conf's own `policies` section is not that.
    expect(detectDocuments({ ...conf, policies: { policy_source: "file", policy_record_name: "policies.json" } }).kind).toBe("tyk-conf");
  });

  it("leaves other JSON alone", () => {
    expect(detectDocuments({ name: "pkg", version: "1.0.0", dependencies: {} }).kind).toBeNull();
    expect(detectDocuments({ openapi: "3.0.3", info: {}, paths: {} }).kind).toBeNull(); // OpenAPI without Tyk's extension
  });

  it("lints the root as the forced kind when detection disagrees", () => {
    expect(detectDocuments({ name: "x" }, "classic-api").documents).toEqual([{ kind: "classic-api", pointer: "", wrapper: "none" }]);
    expect(detectDocuments({ api_definition: classic }, "classic-api").documents[0]?.pointer).toBe("/api_definition");
  });
});

describe("lint() on wrapped and multi-document files", () => {
  it("reports findings inside a Dashboard export at their line in the file", async () => {
    const dir = await tempDir();
    const text = `{
  "api_model": {},
  "api_definition": {
    "name": "A",
    "api_id": "a",
    "proxy": { "listen_pth": "/a/", "target_url": "http://a.example" },
    "version_data": { "not_versioned": true }
  }
}
`;
    await writeFile(path.join(dir, "export.json"), text);
    const [result] = (await lint({ paths: ["export.json"], cwd: dir })).results;
    const unknown = result!.messages.find((m) => m.ruleId === "unknown-field");
    expect(result!.kind).toBe("classic-api");
    expect(unknown).toMatchObject({ line: 6, column: 16, pointer: "/api_definition/proxy/listen_pth" });
    expect(unknown!.message).toContain("did you mean `listen_path`?");
  });

  it("lints every document of a multi-document Operator YAML", async () => {
    const dir = await tempDir();
    const text = `apiVersion: v1
kind: ConfigMap
data: {}
---
apiVersion: tyk.tyk.io/v1alpha1
kind: ApiDefinition
metadata:
  name: httpbin
spec:
  name: httpbin
  contextRef:
    name: tyk
  protocol: http
  active: true
  proxy:
    target_url: http://httpbin.org
    listen_path: httpbin
---
apiVersion: tyk.tyk.io/v1alpha1
kind: SecurityPolicy
metadata:
  name: policy
spec:
  name: policy
  state: active
  active: true
  access_rights_array:
    - name: httpbin
      namespace: default
      versions: [Default]
  rate: "10"
`;
    await writeFile(path.join(dir, "tyk.yaml"), text);
    const [result] = (await lint({ paths: ["tyk.yaml"], cwd: dir })).results;
    expect(result!.kind).toBe("mixed");
    const byRule = Object.fromEntries(result!.messages.map((m) => [m.ruleId, m]));
    // Operator-only keys (contextRef, access_rights_array, state) are not unknown fields.
    expect(result!.messages.filter((m) => m.ruleId === "unknown-field")).toEqual([]);
    expect(byRule["listen-path-slash"]).toMatchObject({ line: 17, column: 18, pointer: "/spec/proxy/listen_path" });
    expect(byRule["invalid-type"]).toMatchObject({ line: 31, column: 9, pointer: "/spec/rate" });
  });

  it("reads Operator resources with the Operator's own fields and types", async () => {
    const dir = await tempDir();
    const text = `apiVersion: tyk.tyk.io/v1alpha1
kind: ApiDefinition
metadata:
  name: httpbin
spec:
  name: httpbin
  active: true
  protocol: http
  use_keyless: true
  client_certificate_refs: [client-ca]
  pinned_public_keys_refs:
    httpbin.org: pinned
  proxy:
    target_url: https://httpbin.org
    listen_path: /httpbin/
  version_data:
    not_versioned: true
    versions:
      Default:
        name: Default
        use_extended_paths: true
        extended_paths:
          circuit_breakers:
            - path: /delay/{id}
              method: GET
              threshold_percent: "0.5"
              samples: 5
              return_to_service_after: 10
---
apiVersion: tyk.tyk.io/v1alpha1
kind: SecurityPolicy
metadata:
  name: httpbin-policy
spec:
  name: httpbin policy
  state: active
  active: true
  rate: 10
  per: 1
  quota_max: -1
  access_rights_array:
    - name: httpbin
      namespace: default
      versions: [Default]
`;
    await writeFile(path.join(dir, "operator.yaml"), text);
    const [result] = (await lint({ paths: ["operator.yaml"], cwd: dir })).results;
    const ruleIds = result!.messages.map((m) => m.ruleId);
    expect(ruleIds).not.toContain("unknown-field");
    expect(ruleIds).not.toContain("invalid-type"); // the Operator's Percent is a quoted decimal
    expect(ruleIds).not.toContain("security/policy-all-apis"); // access_rights_array becomes access_rights
    // The same policy outside the Operator grants every API: access_rights_array means nothing to the gateway.
    await writeFile(path.join(dir, "policies.json"), JSON.stringify({ p: { name: "p", active: true, rate: 10, per: 1, quota_max: -1, access_rights: {} } }));
    const [plain] = (await lint({ paths: ["policies.json"], cwd: dir })).results;
    expect(plain!.messages.map((m) => m.ruleId)).toContain("security/policy-all-apis");
  });

  it("skips files that are not Tyk documents when they are found in a directory, and says so", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: "x", version: "1.0.0" }));
    await writeFile(path.join(dir, "tsconfig.json"), "{ // comments are fine in tsconfig\n}\n");
    await writeFile(path.join(dir, "api.json"), JSON.stringify(classic));
    const skipped: string[] = [];
    const results = (await lint({ paths: ["."], cwd: dir, onSkip: (file, reason) => skipped.push(`${file}: ${reason}`) })).results;
    expect(results.map((r) => r.filePath)).toEqual(["api.json"]);
    expect(skipped).toEqual(["package.json: not a Tyk document", "tsconfig.json: not JSON, and nothing in it looks like Tyk"]);
  });

  it("reports a file named explicitly even when it is not recognised", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: "x" }));
    const [result] = (await lint({ paths: ["package.json"], cwd: dir })).results;
    expect(result!.messages).toMatchObject([{ ruleId: "unknown-kind", severity: 1, line: 1, column: 1 }]);
  });
});
