/**
 * The rules beyond the schema, each with a failing and a passing variant, asserting the rule id and
 * the line of the offending value; cross-file checks; --bundles; the config file (severities, ignores).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../src/bundle/build.js";
import { lint, type LintOptions } from "../src/lint/engine.js";
import { ruleCatalog } from "../src/lint/rules/index.js";
import type { LintMessage, LintResult } from "../src/lint/types.js";
import { ROOT } from "./helpers/cli.js";
import { hasTool, writeTestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

type Files = Record<string, unknown>;

/** Writes each value as pretty JSON (strings as they are) and lints the directory. */
async function lintFiles(files: Files, options: Partial<LintOptions> = {}): Promise<{ dir: string; results: LintResult[] }> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return { dir, results: (await lint({ paths: ["."], cwd: dir, ...options })).results };
}

function messages(results: LintResult[], ruleId: string, file?: string): Array<LintMessage & { file: string }> {
  return results.flatMap((r) => r.messages.filter((m) => m.ruleId === ruleId && (!file || r.filePath === file)).map((m) => ({ ...m, file: r.filePath })));
}

/** 1-based line of the first line containing `snippet` in `value` written as pretty JSON. */
function lineOf(value: unknown, snippet: string): number {
  return `${JSON.stringify(value, null, 2)}\n`.split("\n").findIndex((l) => l.includes(snippet)) + 1;
}

function api(id: string, overrides: Record<string, unknown> = {}, proxy: Record<string, unknown> = {}) {
  return {
    name: id,
    api_id: id,
    active: true,
    use_keyless: false,
    use_standard_auth: true,
    strip_auth_data: true,
    version_data: { not_versioned: true, versions: { Default: { name: "Default" } } },
    proxy: { listen_path: `/${id}/`, target_url: "https://upstream.example.com", strip_listen_path: true, ...proxy },
    ...overrides,
  };
}

function oasApi(id: string, listenPath: string, upstream = "https://upstream.example.com") {
  return {
    openapi: "3.0.3",
    info: { title: id, version: "1.0.0" },
    paths: {},
    "x-tyk-api-gateway": { info: { name: id, id, state: { active: true } }, upstream: { url: upstream }, server: { listenPath: { value: listenPath, strip: true } } },
  };
}

const gatewayConfig = { listen_port: 8080, secret: "a-long-random-secret-for-tests", storage: { type: "redis" }, app_path: "apps/", enable_bundle_downloader: true, bundle_base_url: "https://bundles.example.com/", coprocess_options: { enable_coprocess: true } };

describe("listen-path-slash", () => {
  it("flags a listen path without a leading slash, in Classic and OAS definitions", async () => {
    const bad = api("a", {}, { listen_path: "a/" });
    const { results } = await lintFiles({ "a.json": bad, "b.json": oasApi("b", "b/"), "ok.json": api("ok") });
    expect(messages(results, "listen-path-slash").map((m) => [m.file, m.line, m.message])).toEqual([
      ["a.json", lineOf(bad, '"listen_path"'), 'listen path "a/" must start with "/"; write "/a/"'],
      ["b.json", lineOf(oasApi("b", "b/"), '"value"'), 'listen path "b/" must start with "/"; write "/b/"'],
    ]);
  });

  it("leaves KV references and TCP APIs alone", async () => {
    const { results } = await lintFiles({ "kv.json": api("kv", {}, { listen_path: "secrets://listen_path" }), "tcp.json": api("tcp", { protocol: "tcp", listen_port: 7000 }, { listen_path: "" }) });
    expect(messages(results, "listen-path-slash")).toEqual([]);
  });
});

describe("target-url", () => {
  it("requires an absolute URL with a scheme the gateway proxies to", async () => {
    const { results } = await lintFiles({
      "no-scheme.json": api("a", {}, { target_url: "httpbin.org/get" }),
      "ftp.json": api("b", {}, { target_url: "ftp://files.example.com" }),
      "empty.json": api("c", {}, { target_url: "" }),
      "oas.json": oasApi("d", "/d/", "/relative"),
      "ok.json": api("e", {}, { target_url: "h2c://grpc:9000" }),
      "loop.json": api("f", {}, { target_url: "tyk://self/e" }),
      "env.json": api("g", {}, { target_url: "env://UPSTREAM" }),
      "graphql.json": api("h", { graphql: { enabled: true, execution_mode: "executionEngine" } }, { target_url: "" }),
      "lb.json": api("i", {}, { target_url: "", enable_load_balancing: true, target_list: ["https://x.example.com", "y.example.com", "z.example.com:8080"] }),
    });
    const found = messages(results, "target-url").map((m) => [m.file, m.message]);
    expect(found).toEqual([
      ["empty.json", "`proxy.target_url` is empty: the gateway has nowhere to send requests"],
      ["ftp.json", '`proxy.target_url` "ftp://files.example.com" uses the scheme "ftp:", which the gateway does not proxy to (use http, https, ws, wss, h2c, tcp, tls, tyk)'],
      // EnsureTransport adds http:// to y.example.com, but url.Parse reads `z.example.com:` as a scheme.
      ["lb.json", '`proxy.target_list[2]` "z.example.com:8080" is read by Go\'s url.Parse as the scheme "z.example.com:", so the gateway\'s EnsureTransport adds no http:// and no request reaches it; write "http://z.example.com:8080"'],
      ["no-scheme.json", '`proxy.target_url` "httpbin.org/get" is not an absolute URL; add a scheme, e.g. "http://httpbin.org/get"'],
      ["oas.json", '`x-tyk-api-gateway.upstream.url` "/relative" is not an absolute URL; add a scheme, e.g. "http://relative"'],
    ]);
  });
});

describe("duplicates across files", () => {
  it("reports a repeated api_id and a repeated listen path on the same domain, but not on another domain", async () => {
    const second = api("orders", {}, { listen_path: "/orders" });
    const { results } = await lintFiles({
      "tyk.conf": gatewayConfig,
      "apps/1-orders.json": api("orders"),
      "apps/2-orders-copy.json": second,
      // A Tyk OAS API as the gateway stores it: the Classic file with is_oas, and its -oas.json.
      "apps/3.json": api("oas", { is_oas: true }, { listen_path: "/orders/" }),
      "apps/3-oas.json": oasApi("oas", "/orders/"),
      "apps/4-other-domain.json": api("other", { domain: "api.example.com" }, { listen_path: "/orders/" }),
      "apps/5-inactive.json": api("inactive", { active: false }, { listen_path: "/orders/" }),
    });
    expect(messages(results, "duplicate-api-id").map((m) => [m.file, m.line, m.message])).toEqual([
      ["apps/2-orders-copy.json", lineOf(second, '"api_id"'), 'api id "orders" is also used by apps/1-orders.json; the gateway keeps only one of them'],
    ]);
    expect(messages(results, "duplicate-listen-path").map((m) => [m.file, m.message])).toEqual([
      ["apps/2-orders-copy.json", 'listen path "/orders" is already used by apps/1-orders.json; only one of the APIs will receive requests'],
      ["apps/3-oas.json", 'listen path "/orders/" is already used by apps/1-orders.json; only one of the APIs will receive requests'],
    ]);
  });

  it("counts the two files the gateway writes for one Tyk OAS API as one API, and still compares them with others", async () => {
    const { results } = await lintFiles({
      "tyk.conf": gatewayConfig,
      "apps/petstore.json": api("petstore", { is_oas: true }, { listen_path: "/pets/" }),
      "apps/petstore-oas.json": oasApi("petstore", "/pets/"),
      "apps/copy.json": api("petstore", {}, { listen_path: "/pets/" }),
      // Without is_oas the Classic file is an API of its own, and the gateway never reads plain-oas.json.
      "apps/plain.json": api("plain", {}, { listen_path: "/plain/" }),
      "apps/plain-oas.json": oasApi("plain", "/plain/"),
    });
    // copy.json comes first: the pair is reported once, at its first file.
    expect(messages(results, "duplicate-api-id").map((m) => m.file)).toEqual(["apps/petstore-oas.json"]);
    expect(messages(results, "duplicate-listen-path").map((m) => m.file)).toEqual(["apps/petstore-oas.json"]);
    expect(messages(results, "api-not-loaded").map((m) => m.file)).toEqual(["apps/plain-oas.json"]);
  });

  it("compares only what one gateway loads: not other folders, nor subfolders of app_path", async () => {
    const { results } = await lintFiles({
      "tyk.conf": gatewayConfig,
      "apps/orders.json": api("orders"),
      "apps/old/orders.json": api("orders"),
      "staging/orders.json": api("orders"),
    });
    expect([...messages(results, "duplicate-api-id"), ...messages(results, "duplicate-listen-path")]).toEqual([]);
  });

  it("finds duplicates between the APIs of one Dashboard export list", async () => {
    const { results } = await lintFiles({ "export.json": { apis: [{ api_definition: api("x") }, { api_definition: api("x", {}, { listen_path: "/y/" }) }] } });
    expect(messages(results, "duplicate-api-id")).toMatchObject([{ pointer: "/apis/1/api_definition/api_id" }]);
  });
});

describe("policy-unknown-api", () => {
  const policies = { gold: { rate: 10, per: 1, quota_max: -1, access_rights: { orders: { api_id: "orders", versions: ["Default"] }, ghost: { api_id: "ghost", versions: ["Default"] } } } };

  const conf = { ...gatewayConfig, policies: { policy_source: "file", policy_record_name: "policies.json" } };

  it("reports access to an API id that none of the definitions the same tyk.conf loads has, at the key", async () => {
    const { results } = await lintFiles({ "tyk.conf": conf, "policies.json": policies, "apps/orders.json": api("orders") });
    expect(messages(results, "policy-unknown-api").map((m) => [m.line, m.column, m.message])).toEqual([
      [lineOf(policies, '"ghost": {'), 7, 'access_rights names API id "ghost", which none of the API definitions deployed with it has (tyk.conf)'],
    ]);
  });

  it("stays silent when no gateway config pairs the policies with the definitions", async () => {
    const { results } = await lintFiles({ "policies.json": policies, "orders.json": api("orders") });
    expect(messages(results, "policy-unknown-api")).toEqual([]);
  });

  it("stays silent when no API definitions are linted", async () => {
    const { results } = await lintFiles({ "policies.json": policies });
    expect(messages(results, "policy-unknown-api")).toEqual([]);
  });
});

describe("example-secret", () => {
  it("flags Tyk's sample secrets in tyk.conf", async () => {
    const conf = { ...gatewayConfig, secret: "352d20ee67be67f6340b4c0605b044b7", node_secret: "a-random-node-secret-value" };
    const { results } = await lintFiles({ "tyk.conf": conf });
    expect(messages(results, "example-secret").map((m) => [m.line, m.severity])).toEqual([[lineOf(conf, '"secret"'), 1]]);
  });
});

describe("checks against the linted tyk.conf", () => {
  const pythonApi = api("py", { custom_middleware_bundle: "py.zip", custom_middleware: { driver: "python", pre: [], post: [] } });

  it("reports bundles that will not be downloaded and coprocess drivers that will not run", async () => {
    const conf = { ...gatewayConfig, enable_bundle_downloader: false, coprocess_options: { enable_coprocess: false } };
    const { results } = await lintFiles({ "tyk.conf": conf, "apps/py.json": pythonApi });
    expect(messages(results, "bundle-downloader-disabled").map((m) => [m.file, m.line, m.message])).toEqual([
      ["apps/py.json", lineOf(pythonApi, '"custom_middleware_bundle"'), 'bundle "py.zip" will not be downloaded: `enable_bundle_downloader` is off in tyk.conf'],
    ]);
    expect(messages(results, "coprocess-disabled").map((m) => [m.file, m.line, m.message])).toEqual([
      ["apps/py.json", lineOf(pythonApi, '"driver"'), "python plugins will not run: `coprocess_options.enable_coprocess` is off in tyk.conf"],
    ]);
  });

  it("is satisfied by a config that enables both, and silent without a config", async () => {
    expect(messages((await lintFiles({ "tyk.conf": gatewayConfig, "apps/py.json": pythonApi })).results, "bundle-downloader-disabled")).toEqual([]);
    const alone = (await lintFiles({ "py.json": pythonApi })).results;
    expect([...messages(alone, "bundle-downloader-disabled"), ...messages(alone, "coprocess-disabled")]).toEqual([]);
  });

  it("reports an empty bundle_base_url", async () => {
    const { results } = await lintFiles({ "tyk.conf": { ...gatewayConfig, bundle_base_url: "" }, "apps/py.json": pythonApi });
    expect(messages(results, "bundle-downloader-disabled")[0]!.message).toContain("`bundle_base_url` is empty in tyk.conf");
  });

  it("reports a public_key_path that does not exist, looked up next to the config", async () => {
    const conf = { ...gatewayConfig, public_key_path: "certs/public.pem" };
    const missing = await lintFiles({ "tyk.conf": conf });
    expect(messages(missing.results, "public-key-missing")).toMatchObject([{ line: lineOf(conf, '"public_key_path"'), severity: 1 }]);
    const present = await lintFiles({ "gw/tyk.conf": conf, "gw/certs/public.pem": "-----BEGIN PUBLIC KEY-----\n" });
    expect(messages(present.results, "public-key-missing")).toEqual([]);
  });

  it("an absolute public_key_path is a path on the gateway's machine: found by its last names where compose mounts it from, never guessed missing", async () => {
    const conf = { ...gatewayConfig, public_key_path: "/opt/tyk-gateway/certs/public.pem" };
    const mounted = await lintFiles({ "tyk/tyk.conf": conf, "certs/public.pem": "-----BEGIN PUBLIC KEY-----\n", "docker-compose.yml": "services:\n  gw:\n    image: tykio/tyk-gateway\n    volumes:\n      - ./tyk/tyk.conf:/opt/tyk-gateway/tyk.conf\n      - ./certs:/opt/tyk-gateway/certs\n" });
    expect(messages(mounted.results, "public-key-missing")).toEqual([]);
    expect(messages((await lintFiles({ "tyk.conf": conf })).results, "public-key-missing")).toEqual([]);
  });

  it.skipIf(!hasTool("openssl"))("reports a public_key_path key under 2048 bits, and what gateways built with Go 1.24 do under 1024", async () => {
    const keys = await tempDir();
    const publicKey = (bits: number) => {
      const key = path.join(keys, `k${bits}.pem`);
      execFileSync("openssl", ["genrsa", "-out", key, String(bits)], { stdio: "pipe" });
      return execFileSync("openssl", ["rsa", "-in", key, "-pubout"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
    };
    const conf = { ...gatewayConfig, public_key_path: "public.pem" };
    const found = async (bits: number) => messages((await lintFiles({ "tyk.conf": conf, "public.pem": publicKey(bits) })).results, "public-key-weak");
    expect(await found(512)).toMatchObject([{ severity: 1, line: lineOf(conf, '"public_key_path"'), message: expect.stringContaining("512-bit RSA key: gateways built with Go 1.24 or later (5.8.6 and later 5.8 releases, and 5.10.0 and later) refuse every bundle") }]);
    expect(await found(1024)).toMatchObject([{ message: expect.stringContaining("1024-bit RSA key: signatures made with it can be forged") }]);
    expect(await found(2048)).toEqual([]);
  });
});

describe("bundle-name-collision", () => {
  it("reports multi-bundle names that unpack into the same directory", async () => {
    const { results } = await lintFiles({
      "a.json": api("a", { custom_middleware_bundle: "auth.zip,auth.tar" }),
      "b.json": api("b", { custom_middleware_bundle: "team/auth.zip, team__auth.zip" }),
      "c.json": api("c", { custom_middleware_bundle: "one.zip,two.zip" }),
    });
    expect(messages(results, "bundle-name-collision").map((m) => [m.file, m.message])).toEqual([
      ["a.json", 'bundles "auth.zip" and "auth.tar" both unpack into the directory "auth"'],
      ["b.json", 'bundles "team/auth.zip" and "team__auth.zip" both unpack into the directory "team__auth"'],
    ]);
  });
});

describe("--bundles", () => {
  it("requires each bundle to exist and to pass bundle verify with the config's public key", async () => {
    const dir = await tempDir();
    const keys = writeTestKeys(dir);
    await mkdir(path.join(dir, "plugin"));
    await writeFile(path.join(dir, "plugin/middleware.py"), "from tyk.decorators import *\n");
    await writeFile(path.join(dir, "plugin/manifest.json"), JSON.stringify({ file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
    await mkdir(path.join(dir, "bundles"));
    await buildBundle({ manifest: path.join(dir, "plugin/manifest.json"), output: path.join(dir, "bundles/signed.zip"), key: keys.privatePkcs8 });
    await buildBundle({ manifest: path.join(dir, "plugin/manifest.json"), output: path.join(dir, "bundles/unsigned.zip") });
    const files: Files = {
      "tyk.conf": { ...gatewayConfig, public_key_path: keys.publicSpki },
      "apps/signed.json": api("signed", { custom_middleware_bundle: "signed.zip" }),
      "apps/unsigned.json": api("unsigned", { custom_middleware_bundle: "unsigned.zip" }),
      "apps/missing.json": api("missing", { custom_middleware_bundle: "missing.zip" }),
    };
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
    }
    const results = (await lint({ paths: ["tyk.conf", "apps"], cwd: dir, bundlesDir: "bundles" })).results;
    expect(messages(results, "bundle-missing").map((m) => [m.file, m.message])).toEqual([["apps/missing.json", `bundle "missing.zip" is not in ${path.join(dir, "bundles")}`]]);
    expect(messages(results, "bundle-refused").map((m) => m.file)).toEqual(["apps/unsigned.json"]);
    expect(messages(results, "bundle-refused")[0]!.message).toMatch(/^bundle "unsigned.zip" would be refused by the gateway: .*sign/i);
    expect(messages(results, "bundle-refused", "apps/signed.json")).toEqual([]);

    // The same unsigned bundle, used by an API another gateway (without a key) loads: that gateway accepts it.
    await mkdir(path.join(dir, "edge/apps"), { recursive: true });
    await writeFile(path.join(dir, "edge/tyk.conf"), JSON.stringify({ ...gatewayConfig, app_path: "apps" }));
    await writeFile(path.join(dir, "edge/apps/unsigned.json"), JSON.stringify(api("edge-unsigned", { custom_middleware_bundle: "unsigned.zip" })));
    const both = (await lint({ paths: ["."], cwd: dir, bundlesDir: "bundles" })).results;
    expect(messages(both, "bundle-refused").map((m) => m.file)).toEqual(["apps/unsigned.json"]);
  });
});

describe("deprecated-field", () => {
  it("reports a deprecated field that is used, not one left empty by an export", async () => {
    const used = api("a", { enable_coprocess_auth: true });
    const { results } = await lintFiles({ "used.json": used, "empty.json": api("b", { enable_coprocess_auth: false, jwt_scope_claim_name: "" }) });
    expect(messages(results, "deprecated-field").map((m) => [m.file, m.line])).toEqual([["used.json", lineOf(used, '"enable_coprocess_auth"')]]);
  });
});

describe("the config file", () => {
  const bad = api("a", {}, { listen_path: "a/", listen_pth: "x" });

  it("is found upwards from the cwd and sets severities, and its ignore globs skip files", async () => {
    const { dir } = await lintFiles({
      "repo/.tyk-ts.json": { rules: { "unknown-field": "error", "listen-path-slash": "off" }, ignore: ["apis/legacy/**"] },
      "repo/apis/a.json": bad,
      "repo/apis/legacy/old.json": bad,
    });
    const results = (await lint({ paths: ["apis"], cwd: path.join(dir, "repo/apis/..") })).results;
    expect(results.map((r) => r.filePath)).toEqual(["apis/a.json"]);
    expect(results[0]!.messages.map((m) => [m.ruleId, m.severity])).toEqual([["unknown-field", 2]]);
  });

  it("refuses an unknown rule id, suggesting the right one", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "tyk-ts.config.json"), JSON.stringify({ rules: { "listen-path-slahs": "off" } }));
    await expect(lint({ paths: ["."], cwd: dir })).rejects.toThrow(/unknown rule "listen-path-slahs"; did you mean "listen-path-slash"\?/);
  });
});

describe("docs/lint.md", () => {
  it("lists every rule outside security/ with its default severity and description", async () => {
    const doc = readFileSync(path.join(ROOT, "docs/lint.md"), "utf8");
    const missing = ruleCatalog()
      .filter((r) => !r.id.startsWith("security/") && r.id !== "ignore-without-reason")
      .map((r) => `| \`${r.id}\` | ${r.defaultSeverity} | ${r.description} |`)
      .filter((row) => !doc.includes(row));
    expect(missing).toEqual([]);
  });
});
