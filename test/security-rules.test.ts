/**
 * The security rules (`security/…`): for every rule an insecure variant of a hardened document,
 * asserting the rule id and the exact line of the offending value, and a secure variant that must
 * stay clean. All variants are linted in one run (schemas compile once), cross-file cases apart.
 */
import { Chalk } from "chalk";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import { sarif } from "../src/lint/formatters/sarif.js";
import { ruleCatalog } from "../src/lint/rules/index.js";
import { renderSecurityRulesDoc } from "../src/lint/security-docs.js";
import { isInternalHost } from "../src/lint/rules/support/hosts.js";
import { securityRules } from "../src/lint/rules/index.js";
import type { LintResult } from "../src/lint/types.js";
import { FIXTURES, ROOT } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

type Json = Record<string, unknown>;

// Generated per run: a strong secret that is in no file.
const STRONG_SECRET = randomBytes(32).toString("hex");

const HARDENED = {
  classic: {
    name: "Orders",
    api_id: "orders",
    org_id: "acme",
    active: true,
    use_keyless: false,
    use_standard_auth: true,
    strip_auth_data: true,
    version_data: { not_versioned: true, versions: { Default: { name: "Default" } } },
    proxy: { listen_path: "/orders/", target_url: "https://orders.example.com", strip_listen_path: true },
  },
  oas: {
    openapi: "3.0.3",
    info: { title: "Orders", version: "1.0.0" },
    paths: {},
    components: { securitySchemes: { authToken: { type: "apiKey", in: "header", name: "Authorization" } } },
    security: [{ authToken: [] }],
    "x-tyk-api-gateway": {
      info: { name: "Orders", id: "orders-oas", state: { active: true } },
      upstream: { url: "https://orders.example.com" },
      server: {
        listenPath: { value: "/orders-oas/", strip: true },
        authentication: { enabled: true, stripAuthorizationData: true, securitySchemes: { authToken: { enabled: true } } },
      },
    },
  },
  policy: {
    id: "gold",
    name: "Gold",
    org_id: "acme",
    rate: 100,
    per: 60,
    quota_max: 10000,
    quota_renewal_rate: 3600,
    key_expires_in: 2592000,
    active: true,
    access_rights: { orders: { api_id: "orders", api_name: "Orders", versions: ["Default"] } },
  },
  conf: {
    listen_address: "",
    listen_port: 8080,
    control_api_port: 8081,
    secret: STRONG_SECRET,
    node_secret: STRONG_SECRET.split("").reverse().join(""),
    template_path: "templates",
    app_path: "apps/",
    middleware_path: "middleware",
    hash_keys: true,
    storage: { type: "redis", host: "redis", port: 6379 },
    enable_bundle_downloader: true,
    bundle_base_url: "https://bundles.example.com/",
    public_key_path: "certs/bundle.pub",
    http_server_options: { use_ssl: true, min_version: 771 },
  },
} satisfies Record<string, Json>;

type Base = keyof typeof HARDENED;

/** The base with values set (or removed, with undefined) at JSON pointers. */
function variant(base: Base, changes: Record<string, unknown> = {}): Json {
  const doc = structuredClone(HARDENED[base]) as Json;
  for (const [pointer, value] of Object.entries(changes)) {
    const keys = pointer.slice(1).split("/");
    const last = keys.pop()!;
    let node = doc;
    for (const key of keys) node = (node[key] ??= {}) as Json;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return doc;
}

/** 1-based line of the first line containing `needle`, plus `offset`. */
function lineOf(text: string, needle: string, offset = 0): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`test bug: ${JSON.stringify(needle)} is not in the document`);
  return index + 1 + offset;
}

interface Case {
  rule: string;
  name: string;
  base: Base;
  insecure: Record<string, unknown>;
  /** The line holding the offending value: its text, or [text, lines below it]; null for line 1 (the document). */
  at: string | [string, number] | null;
  secure: Record<string, unknown>;
}

const CASES: Case[] = [
  { rule: "security/keyless-api", name: "classic use_keyless", base: "classic", insecure: { "/use_keyless": true, "/use_standard_auth": false }, at: '"use_keyless": true', secure: {} },
  { rule: "security/keyless-api", name: "internal classic API", base: "classic", insecure: { "/use_keyless": true, "/use_standard_auth": false }, at: '"use_keyless": true', secure: { "/use_keyless": true, "/use_standard_auth": false, "/internal": true } },
  { rule: "security/keyless-api", name: "OAS authentication disabled", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication": { enabled: false } }, at: '"enabled": false', secure: {} },
  { rule: "security/keyless-api", name: "OAS authentication absent", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication": undefined }, at: '"server": {', secure: {} },
  { rule: "security/keyless-with-auth", name: "classic keyless with standard auth", base: "classic", insecure: { "/use_keyless": true }, at: '"use_keyless": true', secure: { "/use_keyless": true, "/use_standard_auth": false } },
  { rule: "security/keyless-with-auth", name: "classic keyless with JWT", base: "classic", insecure: { "/use_keyless": true, "/use_standard_auth": false, "/enable_jwt": true }, at: '"use_keyless": true', secure: { "/use_keyless": true, "/use_standard_auth": false, "/use_mutual_tls_auth": true } },
  { rule: "security/keyless-with-auth", name: "OAS scheme enabled under disabled authentication", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication/enabled": false }, at: '"enabled": false', secure: { "/x-tyk-api-gateway/server/authentication": { enabled: false, securitySchemes: { authToken: { enabled: false } } } } },
  { rule: "security/plaintext-upstream", name: "classic public host", base: "classic", insecure: { "/proxy/target_url": "http://orders.example.com" }, at: '"target_url"', secure: { "/proxy/target_url": "http://orders.shop.svc.cluster.local:8080" } },
  { rule: "security/plaintext-upstream", name: "classic Compose service name", base: "classic", insecure: { "/proxy/target_url": "ws://203.0.113.9/socket" }, at: '"target_url"', secure: { "/proxy/target_url": "http://httpbin:8080/" } },
  { rule: "security/plaintext-upstream", name: "OAS public host", base: "oas", insecure: { "/x-tyk-api-gateway/upstream/url": "http://httpbin.org" }, at: '"url": "http://httpbin.org"', secure: { "/x-tyk-api-gateway/upstream/url": "http://127.0.0.1:3000" } },
  { rule: "security/tls-verify-off", name: "classic upstream", base: "classic", insecure: { "/proxy/transport": { ssl_insecure_skip_verify: true } }, at: '"ssl_insecure_skip_verify": true', secure: { "/proxy/transport": { ssl_insecure_skip_verify: false } } },
  { rule: "security/tls-verify-off", name: "OAS upstream", base: "oas", insecure: { "/x-tyk-api-gateway/upstream/tlsTransport": { insecureSkipVerify: true } }, at: '"insecureSkipVerify": true', secure: { "/x-tyk-api-gateway/upstream/tlsTransport": { insecureSkipVerify: false } } },
  { rule: "security/tls-verify-off", name: "tyk.conf Redis over TLS", base: "conf", insecure: { "/storage": { type: "redis", use_ssl: true, ssl_insecure_skip_verify: true } }, at: '"ssl_insecure_skip_verify": true', secure: { "/storage": { type: "redis", use_ssl: false, ssl_insecure_skip_verify: true } } },
  { rule: "security/tls-verify-off", name: "tyk.conf JWKS", base: "conf", insecure: { "/jwt_ssl_insecure_skip_verify": true }, at: '"jwt_ssl_insecure_skip_verify": true', secure: { "/jwt_ssl_insecure_skip_verify": false } },
  { rule: "security/weak-tls-version", name: "classic upstream", base: "classic", insecure: { "/proxy/transport": { ssl_min_version: 769 } }, at: '"ssl_min_version": 769', secure: { "/proxy/transport": { ssl_min_version: 771 } } },
  { rule: "security/weak-tls-version", name: "OAS upstream", base: "oas", insecure: { "/x-tyk-api-gateway/upstream/tlsTransport": { minVersion: "1.1" } }, at: '"minVersion": "1.1"', secure: { "/x-tyk-api-gateway/upstream/tlsTransport": { minVersion: "1.2" } } },
  { rule: "security/weak-tls-version", name: "tyk.conf listener", base: "conf", insecure: { "/http_server_options/min_version": 770 }, at: '"min_version": 770', secure: { "/http_server_options/min_version": 772 } },
  { rule: "security/no-rate-limit", name: "classic", base: "classic", insecure: { "/disable_rate_limit": true, "/disable_quota": true }, at: '"disable_rate_limit": true', secure: { "/disable_rate_limit": false, "/disable_quota": true, "/global_rate_limit": { rate: 100, per: 60 } } },
  { rule: "security/no-rate-limit", name: "classic global limit switched off", base: "classic", insecure: { "/disable_rate_limit": true, "/disable_quota": true, "/global_rate_limit": { rate: 100, per: 60 } }, at: '"global_rate_limit"', secure: { "/global_rate_limit": { rate: 100, per: 60 } } },
  { rule: "security/no-rate-limit", name: "keyless classic global limit switched off", base: "classic", insecure: { "/use_keyless": true, "/use_standard_auth": false, "/disable_rate_limit": true, "/global_rate_limit": { rate: 100, per: 60 } }, at: '"global_rate_limit"', secure: { "/use_keyless": true, "/use_standard_auth": false, "/disable_rate_limit": true } },
  { rule: "security/no-rate-limit", name: "OAS", base: "oas", insecure: { "/x-tyk-api-gateway/middleware/global": { skipRateLimit: true, skipQuota: true } }, at: '"skipRateLimit": true', secure: { "/x-tyk-api-gateway/middleware/global": { skipRateLimit: false, skipQuota: true }, "/x-tyk-api-gateway/upstream/rateLimit": { enabled: true, rate: 100, per: "60s" } } },
  { rule: "security/no-rate-limit", name: "OAS upstream limit switched off", base: "oas", insecure: { "/x-tyk-api-gateway/middleware/global": { skipRateLimit: true }, "/x-tyk-api-gateway/upstream/rateLimit": { enabled: true, rate: 100, per: "60s" } }, at: '"rateLimit"', secure: { "/x-tyk-api-gateway/upstream/rateLimit": { enabled: true, rate: 100, per: "60s" } } },
  { rule: "security/cors-any-origin-credentials", name: "classic wildcard", base: "classic", insecure: { "/CORS": { enable: true, allowed_origins: ["*"], allow_credentials: true } }, at: '"*"', secure: { "/CORS": { enable: true, allowed_origins: ["https://app.example.com"], allow_credentials: true } } },
  { rule: "security/cors-any-origin-credentials", name: "OAS empty list", base: "oas", insecure: { "/x-tyk-api-gateway/middleware/global": { cors: { enabled: true, allowedOrigins: [], allowCredentials: true } } }, at: '"allowedOrigins": []', secure: { "/x-tyk-api-gateway/middleware/global": { cors: { enabled: true, allowedOrigins: ["*"], allowCredentials: false } } } },
  { rule: "security/detailed-recording", name: "classic", base: "classic", insecure: { "/enable_detailed_recording": true }, at: '"enable_detailed_recording": true', secure: { "/enable_detailed_recording": false } },
  { rule: "security/detailed-recording", name: "OAS", base: "oas", insecure: { "/x-tyk-api-gateway/server/detailedActivityLogs": { enabled: true } }, at: ['"detailedActivityLogs"', 1], secure: { "/x-tyk-api-gateway/server/detailedActivityLogs": { enabled: false } } },
  { rule: "security/detailed-recording", name: "tyk.conf", base: "conf", insecure: { "/enable_analytics": true, "/analytics_config": { enable_detailed_recording: true } }, at: '"enable_detailed_recording": true', secure: { "/enable_analytics": false, "/analytics_config": { enable_detailed_recording: true } } },
  { rule: "security/jwt-shared-secret", name: "classic", base: "classic", insecure: { "/enable_jwt": true, "/jwt_signing_method": "hmac", "/jwt_source": "c2hhcmVkLXNlY3JldA==" }, at: '"jwt_signing_method": "hmac"', secure: { "/enable_jwt": true, "/jwt_signing_method": "rsa", "/jwt_source": "https://idp.example.com/.well-known/jwks.json" } },
  { rule: "security/jwt-shared-secret", name: "OAS", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication/securitySchemes/authToken": { enabled: true, signingMethod: "hmac" } }, at: '"signingMethod": "hmac"', secure: { "/x-tyk-api-gateway/server/authentication/securitySchemes/authToken": { enabled: true, signingMethod: "ecdsa" } } },
  { rule: "security/jwt-weak-validation", name: "classic skip kid", base: "classic", insecure: { "/enable_jwt": true, "/jwt_signing_method": "rsa", "/jwt_skip_kid": true }, at: '"jwt_skip_kid": true', secure: { "/enable_jwt": true, "/jwt_signing_method": "rsa", "/jwt_skip_kid": false } },
  { rule: "security/jwt-weak-validation", name: "classic expiry skew", base: "classic", insecure: { "/enable_jwt": true, "/jwt_signing_method": "rsa", "/jwt_expires_at_validation_skew": 86400 }, at: '"jwt_expires_at_validation_skew": 86400', secure: { "/enable_jwt": true, "/jwt_signing_method": "rsa", "/jwt_expires_at_validation_skew": 5 } },
  { rule: "security/jwt-weak-validation", name: "OAS skip kid", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication/securitySchemes/authToken": { enabled: true, signingMethod: "rsa", skipKid: true } }, at: '"skipKid": true', secure: { "/x-tyk-api-gateway/server/authentication/securitySchemes/authToken": { enabled: true, signingMethod: "rsa" } } },
  { rule: "security/jwt-weak-validation", name: "OAS not-before skew", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication/securitySchemes/authToken": { enabled: true, source: "https://idp.example.com/jwks", notBeforeValidationSkew: 3600 } }, at: '"notBeforeValidationSkew": 3600', secure: { "/x-tyk-api-gateway/server/authentication/securitySchemes/authToken": { enabled: true, source: "https://idp.example.com/jwks", notBeforeValidationSkew: 300 } } },
  { rule: "security/strip-auth-data-off", name: "classic false", base: "classic", insecure: { "/strip_auth_data": false }, at: '"strip_auth_data": false', secure: {} },
  { rule: "security/strip-auth-data-off", name: "classic absent", base: "classic", insecure: { "/strip_auth_data": undefined }, at: null, secure: { "/strip_auth_data": undefined, "/use_standard_auth": undefined, "/use_mutual_tls_auth": true } },
  { rule: "security/strip-auth-data-off", name: "classic, removal disabled", base: "classic", insecure: { "/strip_auth_data": false, "/version_data/versions/Default/global_headers_remove": ["Authorization"], "/version_data/versions/Default/global_headers_disabled": true }, at: '"strip_auth_data": false', secure: { "/strip_auth_data": false, "/version_data/versions/Default/global_headers_remove": ["Authorization"] } },
  { rule: "security/strip-auth-data-off", name: "classic, another header removed", base: "classic", insecure: { "/strip_auth_data": false, "/version_data/versions/Default/global_headers_remove": ["X-Internal"] }, at: '"strip_auth_data": false', secure: { "/strip_auth_data": false, "/version_data/versions/Default/global_headers_remove": ["authorization"] } },
  { rule: "security/strip-auth-data-off", name: "OAS", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication/stripAuthorizationData": false }, at: '"stripAuthorizationData": false', secure: {} },
  { rule: "security/empty-ip-allow-list", name: "classic", base: "classic", insecure: { "/enable_ip_whitelisting": true, "/allowed_ips": [] }, at: '"allowed_ips": []', secure: { "/enable_ip_whitelisting": true, "/allowed_ips": ["10.0.0.0/8"] } },
  { rule: "security/empty-ip-allow-list", name: "OAS", base: "oas", insecure: { "/x-tyk-api-gateway/server/ipAccessControl": { enabled: true, allow: [] } }, at: '"allow": []', secure: { "/x-tyk-api-gateway/server/ipAccessControl": { enabled: true, allow: ["192.168.0.0/16"] } } },
  { rule: "security/block-list-as-access-control", name: "classic keyless", base: "classic", insecure: { "/use_keyless": true, "/enable_ip_blacklisting": true, "/blacklisted_ips": ["203.0.113.7"] }, at: '"blacklisted_ips"', secure: { "/enable_ip_blacklisting": true, "/blacklisted_ips": ["203.0.113.7"] } },
  { rule: "security/block-list-as-access-control", name: "OAS keyless", base: "oas", insecure: { "/x-tyk-api-gateway/server/authentication/enabled": false, "/x-tyk-api-gateway/server/ipAccessControl": { enabled: true, block: ["203.0.113.7"] } }, at: '"block"', secure: { "/x-tyk-api-gateway/server/ipAccessControl": { enabled: true, block: ["203.0.113.7"] } } },
  { rule: "security/policy-all-apis", name: "empty access rights", base: "policy", insecure: { "/access_rights": {} }, at: '"access_rights": {}', secure: {} },
  { rule: "security/policy-all-apis", name: "wildcard", base: "policy", insecure: { "/access_rights": { "*": { api_id: "*", versions: ["Default"] } } }, at: '"*": {', secure: { "/partitions": { acl: false, rate_limit: true }, "/access_rights": {} } },
  { rule: "security/policy-no-expiry", name: "zero", base: "policy", insecure: { "/key_expires_in": 0 }, at: '"key_expires_in": 0', secure: {} },
  { rule: "security/policy-no-limits", name: "unlimited", base: "policy", insecure: { "/rate": -1, "/per": -1, "/quota_max": -1 }, at: '"rate": -1', secure: { "/rate": -1, "/per": -1, "/quota_max": -1, "/access_rights/orders/limit": { rate: 10, per: 1 } } },
  { rule: "security/weak-secret", name: "short secret", base: "conf", insecure: { "/secret": "changeit" }, at: '"secret": "changeit"', secure: { "/secret": "env://TYK_SECRET" } },
  { rule: "security/weak-secret", name: "placeholder node secret", base: "conf", insecure: { "/node_secret": "your-secret-goes-here-please" }, at: '"node_secret"', secure: {} },
  { rule: "security/weak-secret", name: "a single repeated character", base: "conf", insecure: { "/secret": "x".repeat(32) }, at: '"secret": "xxxx', secure: { "/secret": "", "/node_secret": "" } },
  { rule: "security/hash-keys-off", name: "false", base: "conf", insecure: { "/hash_keys": false }, at: '"hash_keys": false', secure: {} },
  { rule: "security/hash-keys-off", name: "absent", base: "conf", insecure: { "/hash_keys": undefined }, at: null, secure: {} },
  { rule: "security/hashed-keys-listing", name: "example secret", base: "conf", insecure: { "/enable_hashed_keys_listing": true, "/secret": "352d20ee67be67f6340b4c0605b044b7" }, at: '"enable_hashed_keys_listing": true', secure: { "/enable_hashed_keys_listing": true } },
  { rule: "security/insecure-configs-allowed", name: "on", base: "conf", insecure: { "/allow_insecure_configs": true }, at: '"allow_insecure_configs": true', secure: { "/allow_insecure_configs": false } },
  { rule: "security/plaintext-bundle-downloader", name: "http", base: "conf", insecure: { "/bundle_base_url": "http://bundles.example.com/", "/enable_jsvm": true }, at: '"bundle_base_url"', secure: { "/bundle_base_url": "https://bundles.example.com/", "/enable_jsvm": true } },
  { rule: "security/control-api-exposed", name: "shared listener", base: "conf", insecure: { "/control_api_port": undefined }, at: '"listen_address": ""', secure: { "/control_api_port": undefined, "/listen_address": "127.0.0.1" } },
];

describe("security rules: insecure and secure variants", () => {
  let dir: string;
  const texts = new Map<string, string>();
  let results: Map<string, LintResult>;

  beforeAll(async () => {
    dir = await tempDir("tyk-ts-security-");
    const files: Array<[string, Json]> = [];
    CASES.forEach((c, i) => {
      files.push([`case-${i}-insecure.json`, variant(c.base, c.insecure)], [`case-${i}-secure.json`, variant(c.base, c.secure)]);
    });
    for (const base of Object.keys(HARDENED) as Base[]) files.push([`hardened-${base}.json`, variant(base)]);
    for (const [name, doc] of files) {
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      texts.set(name, text);
      await writeFile(path.join(dir, name), text);
    }
    results = new Map((await lint({ paths: ["."], cwd: dir })).results.map((r) => [r.filePath, r]));
  });

  const findings = (file: string, rule: string) => (results.get(file)?.messages ?? []).filter((m) => m.ruleId === rule);

  CASES.forEach((c, i) => {
    it(`${c.rule} (${c.name}): reported at the offending value`, () => {
      const file = `case-${i}-insecure.json`;
      const text = texts.get(file)!;
      const expected = c.at === null ? 1 : typeof c.at === "string" ? lineOf(text, c.at) : lineOf(text, c.at[0], c.at[1]);
      const found = findings(file, c.rule);
      expect(found.map((m) => m.line), `${c.rule} in\n${text}`).toEqual([expected]);
      expect(found[0]!.severity).toBe(1);
    });
    it(`${c.rule} (${c.name}): the secure variant is clean`, () => {
      expect(findings(`case-${i}-secure.json`, c.rule)).toEqual([]);
    });
  });

  it("hardened documents of every kind have no security findings", () => {
    for (const base of Object.keys(HARDENED)) {
      const messages = results.get(`hardened-${base}.json`)?.messages ?? [];
      expect(messages.filter((m) => m.ruleId.startsWith("security/") || m.ruleId === "example-secret"), base).toEqual([]);
    }
  });

  it("every rule has an insecure case", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    covered.add("security/unverified-bundles"); // cross-file, below
    expect(securityRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe("security/plaintext-upstream: which hosts count as internal", () => {
  const hostOf = (url: string) => new URL(url).hostname;
  it.each([
    ["http://localhost:8080", true],
    ["http://api.localhost", true],
    ["http://httpbin/", true],
    ["http://orders.shop.svc", true],
    ["http://orders.shop.svc.cluster.local:8080", true],
    ["http://metadata.google.internal", true],
    ["http://127.0.0.53", true],
    ["http://10.1.2.3", true],
    ["http://172.31.255.1", true],
    ["http://192.168.1.10", true],
    ["http://[::1]:8080", true],
    ["http://[fd12:3456::1]", true],
    ["http://[::ffff:127.0.0.1]", true],
    ["http://172.32.0.1", false],
    ["http://8.8.8.8", false],
    ["http://[2001:db8::1]", false],
    ["http://api.example.com", false],
    ["http://docker.loc", false],
    ["http://localhost.example.com", false],
  ])("%s → internal: %s", (url, internal) => {
    expect(isInternalHost(hostOf(url))).toBe(internal);
  });

  it("adds the team's own names and suffixes", () => {
    expect(isInternalHost("billing.corp.example", ["*.corp.example"])).toBe(true);
    expect(isInternalHost("corp.example.evil.com", ["*.corp.example"])).toBe(false);
    expect(isInternalHost("Legacy.Example.com", ["legacy.example.com"])).toBe(true);
  });
});

describe("security rules: metadata", () => {
  it("every rule is a warning by default with a rationale, a fix and an OWASP category", () => {
    for (const rule of securityRules) {
      expect(rule.id).toMatch(/^security\/[a-z0-9-]+$/);
      expect(rule.defaultSeverity).toBe("warning");
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.help.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(20);
      expect(rule.owasp).toMatch(/^API([1-9]|10):2023 [A-Z]/);
    }
    expect(new Set(securityRules.map((r) => r.id)).size).toBe(securityRules.length);
  });
});

describe("security rules: SARIF and docs", () => {
  it("SARIF describes every security rule with its description, and help that carries the rationale, fix and OWASP category", () => {
    const log = JSON.parse(sarif([], { rules: ruleCatalog(), cwd: ROOT, toolVersion: "0.0.0-test", color: new Chalk({ level: 0 }) })) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string }; help: { text: string; markdown: string }; properties?: { tags: string[] } }> } } }>;
    };
    const entries = new Map(log.runs[0]!.tool.driver.rules.map((r) => [r.id, r]));
    for (const rule of securityRules) {
      const entry = entries.get(rule.id);
      expect(entry, rule.id).toBeDefined();
      expect(entry!.shortDescription.text).toBe(rule.description);
      expect(entry!.help.text).toContain(rule.help);
      expect(entry!.help.text).toContain(`Fix: ${rule.fix}`);
      expect(entry!.help.text).toContain(rule.owasp!);
      expect(entry!.help.markdown).toContain(`**Fix:** ${rule.fix}`);
      expect(entry!.properties?.tags).toEqual(["security", rule.owasp]);
    }
  });

  it("docs/security-rules.md is what scripts/generate-security-docs.mjs generates from the rule definitions", () => {
    const committed = readFileSync(path.join(ROOT, "docs/security-rules.md"), "utf8");
    expect(committed, "run `npm run build && npm run docs:security`").toBe(renderSecurityRulesDoc());
    for (const rule of securityRules) expect(committed).toContain(`### \`${rule.id}\``);
  });
});

describe("security rules: cross-file and configuration", () => {
  const api = { ...HARDENED.classic, custom_middleware_bundle: "auth-bundle-1.zip", custom_middleware: { driver: "python" } };

  async function project(files: Record<string, Json | string>): Promise<string> {
    const dir = await tempDir("tyk-ts-security-project-");
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
    }
    return dir;
  }

  it("security/unverified-bundles: an API's bundle with a tyk.conf that has no public_key_path", async () => {
    const dir = await project({ "apps/orders.json": api, "tyk.conf": variant("conf", { "/public_key_path": undefined }) });
    const [result] = (await lint({ paths: ["apps/orders.json", "tyk.conf"], cwd: dir })).results.filter((r) => r.filePath === "apps/orders.json");
    const found = result!.messages.filter((m) => m.ruleId === "security/unverified-bundles");
    const text = `${JSON.stringify(api, null, 2)}\n`;
    expect(found.map((m) => m.line)).toEqual([lineOf(text, '"custom_middleware_bundle"')]);
    expect(found[0]!.message).toContain("no `public_key_path` (unsigned bundles load) in tyk.conf");
  });

  it("security/unverified-bundles: clean with a signed-bundle tyk.conf, and without any tyk.conf", async () => {
    const dir = await project({ "apps/orders.json": api, "tyk.conf": variant("conf") });
    const withConf = (await lint({ paths: ["apps/orders.json", "tyk.conf"], cwd: dir })).results;
    const alone = (await lint({ paths: ["apps/orders.json"], cwd: dir })).results;
    for (const results of [withConf, alone]) {
      expect(results.flatMap((r) => r.messages).filter((m) => m.ruleId === "security/unverified-bundles")).toEqual([]);
    }
  });

  it("security/unverified-bundles: bundle_insecure_skip_verify in tyk.conf", async () => {
    const dir = await project({ "apps/orders.json": api, "tyk.conf": variant("conf", { "/bundle_insecure_skip_verify": true }) });
    const messages = (await lint({ paths: ["."], cwd: dir })).results.flatMap((r) => r.messages);
    expect(messages.filter((m) => m.ruleId === "security/unverified-bundles").map((m) => m.message)).toEqual([
      expect.stringContaining("`bundle_insecure_skip_verify` on"),
    ]);
  });

  it("security/keyless-api: an API listed in publicApis is not reported; --profile production makes the rest errors", async () => {
    const keyless = (id: string) => ({ ...HARDENED.classic, api_id: id, name: id, proxy: { ...HARDENED.classic.proxy, listen_path: `/${id}/` }, use_keyless: true, use_standard_auth: false });
    const dir = await project({
      "status.json": keyless("status"),
      "orders.json": keyless("orders"),
      "tyk-ts.config.json": { rules: { "security/keyless-api": ["warning", { publicApis: ["status"] }] } },
    });
    const byFile = async (profile?: "production") => new Map((await lint({ paths: ["status.json", "orders.json"], cwd: dir, profile })).results.map((r) => [r.filePath, r.messages.filter((m) => m.ruleId === "security/keyless-api")]));
    const normal = await byFile();
    expect(normal.get("status.json")).toEqual([]);
    expect(normal.get("orders.json")!.map((m) => m.severity)).toEqual([1]);
    const production = await byFile("production");
    expect(production.get("orders.json")!.map((m) => m.severity)).toEqual([2]);
  });

  it("security/keyless-with-auth: a warning by default, an error under --profile production, and keyless-api stays quiet", async () => {
    const dir = await project({ "orders.json": { ...HARDENED.classic, use_keyless: true } });
    for (const [profile, severity] of [[undefined, 1], ["production", 2]] as const) {
      const messages = (await lint({ paths: ["orders.json"], cwd: dir, profile })).results.flatMap((r) => r.messages);
      const found = messages.filter((m) => m.ruleId.startsWith("security/keyless"));
      expect(found.map((m) => [m.ruleId, m.severity, m.line])).toEqual([["security/keyless-with-auth", severity, 6]]);
      expect(found[0]!.message).toContain("ignores `use_standard_auth`");
    }
  });

  it("--profile production leaves rules the config switched off, off", async () => {
    const dir = await project({ "orders.json": { ...HARDENED.classic, use_keyless: true }, "tyk-ts.config.json": { rules: { "security/keyless-api": "off" } } });
    const [result] = (await lint({ paths: ["orders.json"], cwd: dir, profile: "production" })).results;
    expect(result!.messages.filter((m) => m.ruleId === "security/keyless-api")).toEqual([]);
  });

  it("security/plaintext-upstream: hosts the team lists in internalHosts are not reported", async () => {
    const dir = await project({
      "orders.json": { ...HARDENED.classic, proxy: { ...HARDENED.classic.proxy, target_url: "http://orders.corp.example:8080" } },
      "tyk-ts.config.json": { rules: { "security/plaintext-upstream": ["warning", { internalHosts: ["*.corp.example"] }] } },
    });
    const [result] = (await lint({ paths: ["orders.json"], cwd: dir })).results;
    expect(result!.messages.filter((m) => m.ruleId === "security/plaintext-upstream")).toEqual([]);
  });
});

describe("security rules on real files (fixtures/corpus)", () => {
  let results: LintResult[];
  const corpus = path.join(FIXTURES, "corpus");
  const messagesOf = (file: string, rule: string) => results.find((r) => r.filePath === file)?.messages.filter((m) => m.ruleId === rule).map((m) => m.line);
  // The plugin starter's e2e tyk.conf and app, back at their paths in TykTechnologies/tyk-plugin-starter:
  // the config's app_path (/opt/tyk-gateway/apps/) is the apps folder beside it.
  const STARTER = {
    "e2e/tyk.conf": "gateway-configs/TykTechnologies__tyk-plugin-starter__e2e__tyk.conf",
    "e2e/apps/multi-bundle.json": "classic-apis/TykTechnologies__tyk-plugin-starter__e2e__apps__multi-bundle.json",
    "oas-apis/test-multiauth-oas.json": "oas-apis/TykTechnologies__tyk__ci__tests__tracing__apps__test-multiauth-oas.json",
  };

  beforeAll(async () => {
    const dir = await tempDir("tyk-ts-security-real-");
    for (const [to, from] of Object.entries(STARTER)) {
      await mkdir(path.dirname(path.join(dir, to)), { recursive: true });
      await writeFile(path.join(dir, to), readFileSync(path.join(corpus, from)));
    }
    results = (await lint({ paths: ["."], cwd: dir })).results;
  });

  it("a Tyk OAS API with authentication enabled is not keyless; its HMAC JWT scheme is reported", () => {
    const file = "oas-apis/test-multiauth-oas.json";
    expect(messagesOf(file, "security/keyless-api")).toEqual([]);
    expect(messagesOf(file, "security/jwt-shared-secret")).toEqual([61]);
  });

  it("the plugin starter's e2e tyk.conf: weak secrets, plain-HTTP bundles without certificate checks, unhashed keys", () => {
    const file = "e2e/tyk.conf";
    expect(messagesOf(file, "security/weak-secret")).toEqual([3, 4]);
    expect(messagesOf(file, "security/plaintext-bundle-downloader")).toEqual([17]);
    expect(messagesOf(file, "security/tls-verify-off")).toEqual([18]);
    expect(messagesOf(file, "security/hash-keys-off")).toEqual([29]);
  });

  it("the API its app_path holds loads its bundles unverified", () => {
    expect(messagesOf("e2e/apps/multi-bundle.json", "security/unverified-bundles")).toEqual([23]);
  });
});
