/**
 * Deployment scope (src/lint/read/deployments.ts) in-process: which files a tyk.conf, a declared
 * deployment, a tyk-sync folder or one file puts together, how paths in tyk.conf are found among
 * the run's folders, and what is said when a pairing cannot be decided.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import { parseConfig } from "../src/lint/config.js";
import type { ScopeNote } from "../src/lint/types.js";
import { tempDir } from "./helpers/tmp.js";

type Files = Record<string, unknown>;

async function run(files: Files): Promise<{ found: string[]; notes: string[] }> {
  const dir = await tempDir("tyk-ts-deployments-");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  const notes: ScopeNote[] = [];
  const { results } = await lint({ paths: ["."], cwd: dir, onScope: (note) => notes.push(note) });
  const cross = new Set(["duplicate-api-id", "duplicate-listen-path", "coprocess-disabled", "bundle-downloader-disabled", "policy-unknown-api", "policies-file-shape"]);
  const found = results.flatMap((r) => r.messages.filter((m) => cross.has(m.ruleId)).map((m) => `${r.filePath} ${m.ruleId}`)).sort();
  return { found, notes: notes.map((n) => (n.file ? `${n.file}: ${n.message}` : n.message)) };
}

function api(id: string, listenPath = `/${id}/`, extra: Record<string, unknown> = {}) {
  return {
    name: id,
    api_id: id,
    active: true,
    use_standard_auth: true,
    strip_auth_data: true,
    version_data: { not_versioned: true, versions: { Default: { name: "Default" } } },
    proxy: { listen_path: listenPath, target_url: "https://upstream.example.com", strip_listen_path: true },
    ...extra,
  };
}

const python = { custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } };
const conf = (extra: Record<string, unknown>) => ({ listen_port: 8080, secret: "a-long-random-secret-for-tests", storage: { type: "redis" }, coprocess_options: { enable_coprocess: false }, ...extra });
const twins = (folder: string) => ({ [`${folder}/a.json`]: api("a", "/same/"), [`${folder}/b.json`]: api("b", "/same/") });

describe("a tyk.conf's app_path", () => {
  it("relative: against the config's folder, not the folder lint runs in", async () => {
    const r = await run({ "gw/tyk.conf": conf({ app_path: "apps" }), ...twins("gw/apps"), ...twins("apps") });
    expect(r.found).toEqual(["gw/apps/b.json duplicate-listen-path"]);
    expect(r.notes).toContain("gw/tyk.conf: loads gw/apps (`app_path` \"apps\"): 2 API definitions");
  });

  it("one folder: not its subfolders, not YAML, not Dashboard exports", async () => {
    const r = await run({
      "tyk.conf": conf({ app_path: "./apps/" }),
      "apps/a.json": api("a", "/same/"),
      "apps/old/a.json": api("a", "/same/"),
      "apps/a.yaml": "name: a\napi_id: a\nproxy:\n  listen_path: /same/\n  target_url: https://upstream.example.com\n",
      "apps/export.json": { api_definition: api("a", "/same/") },
    });
    expect(r.found).toEqual([]);
  });

  it("absolute: the folder whose trailing names match most, in the config's folder before the one above", async () => {
    const r = await run({ "gw/tyk.conf": conf({ app_path: "/opt/tyk-gateway/apps/" }), ...twins("gw/tyk-gateway/apps"), ...twins("gw/apps"), ...twins("apps") });
    expect(r.found).toEqual(["gw/tyk-gateway/apps/b.json duplicate-listen-path"]);
    const up = await run({ "configs/tyk.conf": conf({ app_path: "/opt/tyk-gateway/apps" }), ...twins("apps") });
    expect(up.found).toEqual(["apps/b.json duplicate-listen-path"]);
  });

  it("absolute, with folders of that name only further away: nothing is guessed, and --verbose says why", async () => {
    const r = await run({ "gw/tyk.conf": conf({ app_path: "/opt/tyk-gateway/apps" }), "one/apps/py.json": api("py", "/py/", python), "elsewhere/two/apps/py.json": api("py", "/py/", python) });
    expect(r.found).toEqual([]);
    expect(r.notes.join("\n")).toMatch(/gw\/tyk\.conf: `app_path` "\/opt\/tyk-gateway\/apps" is a path on the gateway's machine; no `apps` or `tyk-gateway\/apps` is in the folder of gw\/tyk\.conf or the one above it, so cross-file checks with it are skipped/);
  });

  it("through a docker-compose volume (short and long syntax, a mounted folder holding the config)", async () => {
    const compose = `services:\n  gw:\n    image: tykio/tyk-gateway\n    volumes:\n      - ./gateway:/opt/tyk-gateway\n      - type: bind\n        source: ./definitions\n        target: /opt/tyk-gateway/apps\n  other:\n    volumes:\n      - data:/data\n`;
    const r = await run({ "docker-compose.yml": compose, "gateway/tyk.conf": conf({ app_path: "/opt/tyk-gateway/apps" }), ...twins("definitions"), ...twins("gateway/apps") });
    expect(r.found).toEqual(["definitions/b.json duplicate-listen-path"]);
  });

  it("a path the compose file does not mount comes from the gateway's image, not from the repository", async () => {
    // As in TykTechnologies/tyk-gateway-docker: the config and apps are mounted, the policies folder is not.
    const compose = `services:\n  tyk-gateway:\n    volumes:\n      - ./tyk.standalone.conf:/opt/tyk-gateway/tyk.conf\n      - ./apps:/opt/tyk-gateway/apps\n`;
    const policy = { rate: 10, per: 1, quota_max: -1, key_expires_in: 3600, access_rights: { a: { api_id: "a", versions: ["Default"] } } };
    const r = await run({
      "docker-compose.yml": compose,
      "tyk.standalone.conf": conf({ app_path: "/opt/tyk-gateway/apps/", policies: { policy_source: "file", policy_path: "/opt/tyk-gateway/policies" } }),
      ...twins("apps"),
      "policies/policies.json": { p: policy },
    });
    expect(r.found).toEqual(["apps/b.json duplicate-listen-path"]);
    expect(r.notes.join("\n")).toMatch(/tyk\.standalone\.conf: `policies\.policy_path` "\/opt\/tyk-gateway\/policies" is not mounted from this repository by docker-compose\.yml/);
  });

  it("with the TYK_GW_* variables of the compose service that mounts the config, as config.Load applies them", async () => {
    const compose = (environment: string) => `services:\n  gw:\n    volumes:\n      - ./tyk.conf:/opt/tyk-gateway/tyk.conf\n      - ./apps:/opt/tyk-gateway/apps\n    environment:\n${environment}`;
    const files = { "tyk.conf": conf({ app_path: "/opt/tyk-gateway/apps" }), "apps/py.json": api("py", "/py/", python), ...twins("apps") };
    // The variable turns coprocess on: only the duplicate is left.
    const on = await run({ ...files, "docker-compose.yml": compose("      - TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS=true\n") });
    expect(on.found).toEqual(["apps/b.json duplicate-listen-path"]);
    expect(on.notes).toContain("tyk.conf: with TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS from the compose service that mounts it");
    // The variable makes the gateway load its APIs from the Dashboard (map syntax).
    const dashboard = await run({ ...files, "docker-compose.yml": compose("      TYK_GW_USEDBAPPCONFIGS: \"true\"\n") });
    expect(dashboard.found).toEqual([]);
    // A value the repository does not hold: nothing is checked against this config.
    const unknown = await run({ ...files, "docker-compose.yml": compose("      - TYK_GW_APPPATH=${APPS}\n") });
    expect(unknown.found).toEqual([]);
    expect(unknown.notes.join("\n")).toMatch(/sets TYK_GW_APPPATH to values the repository does not hold/);
  });

  it("not read from files: use_db_app_configs, RPC mode, no app_path", async () => {
    const apps = { "apps/py.json": api("py", "/py/", python), ...twins("apps") };
    for (const [settings, reason] of [
      [{ app_path: "apps", use_db_app_configs: true }, /use_db_app_configs.*Dashboard/],
      [{ app_path: "apps", slave_options: { use_rpc: true } }, /slave_options\.use_rpc.*MDCB/],
      [{}, /no `app_path`/],
    ] as const) {
      const r = await run({ "tyk.conf": conf(settings), ...apps });
      expect(r.found).toEqual([]);
      expect(r.notes.join("\n")).toMatch(reason);
    }
  });
});

describe("policies of a tyk.conf", () => {
  const policy = (apiId: string) => ({ rate: 10, per: 1, quota_max: -1, key_expires_in: 3600, access_rights: { [apiId]: { api_id: apiId, versions: ["Default"] } } });

  it("policy_source service or rpc reads no file; otherwise policy_path before policy_record_name", async () => {
    const files = { "apps/a.json": api("a"), "policies.json": { p: policy("ghost") }, "policies/p.json": { id: "p", ...policy("ghost") } };
    const service = await run({ ...files, "tyk.conf": conf({ app_path: "apps", policies: { policy_source: "service", policy_record_name: "policies.json" } }) });
    expect(service.found).toEqual([]);
    const both = await run({ ...files, "tyk.conf": conf({ app_path: "apps", policies: { policy_source: "file", policy_path: "policies", policy_record_name: "policies.json" } }) });
    expect(both.found).toEqual(["policies/p.json policy-unknown-api"]);
    const record = await run({ ...files, "tyk.conf": conf({ app_path: "apps", policies: { policy_source: "file", policy_record_name: "policies.json" } }) });
    expect(record.found).toEqual(["policies.json policy-unknown-api"]);
  });
});

describe("policies-file-shape positions", () => {
  it("points at the key that makes the gateway's decoding fail or go empty", async () => {
    const dir = await tempDir("tyk-ts-deployments-");
    const policy = { name: "gold", rate: 10, per: 1, quota_max: -1, key_expires_in: 3600, access_rights: { a: { api_id: "a", versions: ["Default"] } } };
    const files: Files = {
      "flat/tyk.conf": conf({ app_path: "apps", policies: { policy_source: "file", policy_record_name: "policies.json" } }),
      "flat/policies.json": policy,
      "wrapped/tyk.conf": conf({ app_path: "apps", policies: { policy_source: "file", policy_record_name: "policies.json" } }),
      "wrapped/policies.json": { comment: { note: "exported" }, policies: { gold: policy } },
    };
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
    }
    const { results } = await lint({ paths: ["."], cwd: dir });
    const at = (file: string) => results.find((r) => r.filePath === file)!.messages.filter((m) => m.ruleId === "policies-file-shape").map((m) => [m.line, m.column, m.pointer]);
    // `name` is the first value that is not an object: where Go's decoder gives up.
    expect(at("flat/policies.json")).toEqual([[2, 3, "/name"]]);
    expect(results.find((r) => r.filePath === "flat/policies.json")!.messages.find((m) => m.ruleId === "policies-file-shape")!.message).toContain("`name` is not a policy object");
    expect(at("wrapped/policies.json")).toEqual([[5, 3, "/policies"]]);
  });
});

describe("definitions loaded together without a tyk.conf", () => {
  it("a tyk-sync folder: the files its .tyk.json lists", async () => {
    const r = await run({
      "dev/.tyk.json": { type: "apidef", files: [{ file: "apis/a.json" }, { file: "apis/b.json" }] },
      "dev/apis/a.json": { api_definition: api("a", "/same/") },
      "dev/apis/b.json": { api_definition: api("b", "/same/") },
      "dev/apis/c.json": { api_definition: api("c", "/same/") },
      "prod/apis/a.json": { api_definition: api("a", "/same/") },
    });
    expect(r.found).toEqual(["dev/apis/b.json duplicate-listen-path"]);
  });

  it("environment folders, and a folder no tyk.conf loads, are not compared", async () => {
    const r = await run({ "dev/a.json": api("a"), "stg/a.json": api("a"), "prod/a.json": api("a"), ...twins("samples") });
    expect(r.found).toEqual([]);
  });

  it("one file: a Dashboard export list, a multi-document YAML", async () => {
    const resource = (name: string) => `apiVersion: tyk.tyk.io/v1alpha1\nkind: ApiDefinition\nmetadata:\n  name: ${name}\nspec:\n  name: ${name}\n  use_standard_auth: true\n  strip_auth_data: true\n  proxy:\n    listen_path: /same\n    target_url: https://upstream.example.com\n`;
    const r = await run({
      "export.json": { apis: [{ api_definition: api("a", "/same/") }, { api_definition: api("b", "/same/") }] },
      "k8s/apis.yaml": `${resource("a")}---\n${resource("b")}---\n${resource("a")}`,
    });
    expect(r.found).toEqual(["export.json duplicate-listen-path", "k8s/apis.yaml duplicate-listen-path"]);
  });
});

describe("deployments in tyk-ts.config.json", () => {
  it("are checked like the rest of the config: a clear error naming the entry", () => {
    const file = "/repo/tyk-ts.config.json";
    expect(() => parseConfig({ deployments: { apis: "x" } }, file)).toThrow(/"deployments" must be a list/);
    expect(() => parseConfig({ deployments: [{ api: "apps/*.json" }] }, file)).toThrow(/deployments\[0\]: unknown key "api"; did you mean "apis"\?/);
    expect(() => parseConfig({ deployments: [{ gateway: "tyk.conf" }] }, file)).toThrow(/deployments\[0\] names no "apis" and no "policies"/);
    expect(() => parseConfig({ deployments: [{ apis: [3] }] }, file)).toThrow(/deployments\[0\]\.apis must be a glob or a list of globs/);
    expect(() => parseConfig({ deployment: [] }, file)).toThrow(/unknown setting "deployment"; did you mean "deployments"\?/);
    expect(parseConfig({ deployments: [{ gateway: "gw/tyk.conf", apis: "gw/apps/*.json" }] }, file).deployments).toEqual([{ gateway: "gw/tyk.conf", apis: ["gw/apps/*.json"], policies: [] }]);
  });

  it("pair what they name, relative to the config file, and a declared gateway is paired by them only", async () => {
    const r = await run({
      "tyk-ts.config.json": { deployments: [{ gateway: "gw/tyk.conf", apis: ["gw/defs/*.json"] }, { apis: "dashboard/*.json" }] },
      "gw/tyk.conf": conf({ app_path: "apps" }),
      "gw/defs/py.json": api("py", "/py/", python),
      ...twins("gw/apps"),
      ...twins("dashboard"),
    });
    expect(r.found).toEqual(["dashboard/b.json duplicate-listen-path", "gw/defs/py.json coprocess-disabled"]);
  });
});
