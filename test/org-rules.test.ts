/**
 * Organisation rules from the lint config, and ignores with reasons (for built-in and organisation
 * rules alike): findings at the value's exact line, in every output format.
 */
import { Chalk } from "chalk";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { parseConfig } from "../src/lint/config.js";
import { lint } from "../src/lint/engine.js";
import { formatters, FORMATS } from "../src/lint/formatters/index.js";
import { applyIgnores } from "../src/lint/ignores.js";
import { compileOrgRules, parseOrgRules } from "../src/lint/org-rules.js";
import { ruleCatalog } from "../src/lint/rules/index.js";
import type { LintResult } from "../src/lint/types.js";
import { runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

type Json = Record<string, unknown>;

function api(id: string, changes: Json = {}): Json {
  return {
    name: id,
    api_id: id,
    org_id: "acme",
    use_keyless: false,
    strip_auth_data: true,
    version_data: { not_versioned: true, versions: { Default: { name: "Default", expires: "2031-01-01 00:00" } } },
    proxy: { listen_path: `/v1/${id}/`, target_url: `https://${id}.example.com`, strip_listen_path: true },
    tags: ["owner:payments"],
    ...changes,
  };
}

const ORG_RULES = [
  { id: "org/https-upstream", severity: "error", kinds: ["classic-api"], given: "/proxy/target_url", then: { type: "string", pattern: "^https://" }, message: "every API's target_url must start with https://" },
  { id: "org/owner-tag", severity: "warning", kinds: ["classic-api"], given: "/tags", required: true, then: { contains: { type: "string", pattern: "^owner:" } }, message: "every API must carry an owner:<team> tag" },
  { id: "org/v1-listen-path", kinds: ["classic-api"], given: "/proxy/listen_path", then: { pattern: "^/v1/" } },
  { id: "org/version-expiry", kinds: ["classic-api"], given: "/version_data/versions/*/expires", required: true, message: "every version needs an expiry date" },
  { id: "org/tag-format", kinds: ["classic-api"], given: "/tags", then: { items: { pattern: "^[a-z]+:" } } },
  { id: "org/policy-partitions", kinds: ["policies"], given: "/partitions", required: true },
];

async function project(files: Record<string, unknown>): Promise<string> {
  const dir = await tempDir("tyk-ts-org-");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

const text = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

/** 1-based line of the first line containing `needle`, plus `offset`. */
function lineOf(source: string, needle: string, offset = 0): number {
  const index = source.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`test bug: ${JSON.stringify(needle)} is not in the document`);
  return index + 1 + offset;
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}

describe("organisation rules", () => {
  const good = api("orders");
  const bad = api("legacy", {
    proxy: { listen_path: "/legacy/", target_url: "http://legacy.example.com", strip_listen_path: true },
    tags: ["team-legacy"],
    version_data: { not_versioned: false, versions: { v1: { name: "v1", expires: "2030-01-01 00:00" }, v2: { name: "v2" } } },
  });
  const untagged = api("untagged", { tags: undefined });
  const policy = { id: "gold", name: "Gold", rate: 100, per: 60, quota_max: 1000, key_expires_in: 3600, access_rights: { orders: { api_id: "orders", versions: ["Default"] } } };
  let results: Map<string, LintResult>;

  beforeAll(async () => {
    const dir = await project({
      "tyk-ts.config.json": { orgRules: ORG_RULES },
      "apis/orders.json": good,
      "apis/legacy.json": bad,
      "apis/untagged.json": untagged,
      "policies/gold.json": policy,
    });
    results = new Map((await lint({ paths: ["apis", "policies"], cwd: dir })).results.map((r) => [r.filePath, r]));
  });

  const org = (file: string) => (results.get(file)?.messages ?? []).filter((m) => m.ruleId.startsWith("org/"));

  it("reports each value that fails `then` at its line, with the rule's message and severity", () => {
    const source = text(bad);
    const found = org("apis/legacy.json");
    expect(found.find((m) => m.ruleId === "org/https-upstream")).toMatchObject({ line: lineOf(source, '"target_url"'), severity: 2, message: "every API's target_url must start with https://", pointer: "/proxy/target_url" });
    expect(found.find((m) => m.ruleId === "org/owner-tag")).toMatchObject({ line: lineOf(source, '"tags": ['), severity: 1, message: "every API must carry an owner:<team> tag" });
  });

  it("without a message, says what the schema wanted; severity defaults to error", () => {
    const found = org("apis/legacy.json").find((m) => m.ruleId === "org/v1-listen-path");
    expect(found).toMatchObject({ line: lineOf(text(bad), '"listen_path"'), severity: 2 });
    expect(found!.message).toBe('`proxy.listen_path` must match pattern "^/v1/"');
  });

  it("points into the value where the schema failed (an array item)", () => {
    const found = org("apis/legacy.json").filter((m) => m.ruleId === "org/tag-format");
    expect(found.map((m) => [m.line, m.pointer])).toEqual([[lineOf(text(bad), '"team-legacy"'), "/tags/0"]]);
  });

  it("`*` matches every key: each version without `expires` is reported, at the version", () => {
    const found = org("apis/legacy.json").filter((m) => m.ruleId === "org/version-expiry");
    expect(found.map((m) => [m.line, m.pointer])).toEqual([[lineOf(text(bad), '"v2": {'), "/version_data/versions/v2/expires"]]);
  });

  it("`required` reports a missing value at the object that should hold it", () => {
    const found = org("apis/untagged.json");
    expect(found.map((m) => [m.ruleId, m.line])).toEqual([["org/owner-tag", 1]]);
  });

  it("a compliant API is clean, and rules only run for their kinds (`policies` means policy)", () => {
    expect(org("apis/orders.json")).toEqual([]);
    expect(org("policies/gold.json").map((m) => [m.ruleId, m.line, m.message])).toEqual([["org/policy-partitions", 1, "`partitions` is required"]]);
  });
});

describe("organisation rules: config errors name the rule and the problem", () => {
  const file = "/repo/tyk-ts.config.json";
  const base = { id: "org/x", given: "/proxy/target_url", then: { pattern: "^https://" } };

  it.each([
    [{ ...base, mesage: "x" }, 'orgRules[0] ("org/x"): unknown field "mesage"; did you mean "message"?'],
    [{ ...base, kinds: ["clasic-api"] }, 'unknown kind "clasic-api"; did you mean "classic-api"?'],
    [{ ...base, given: "proxy.target_url" }, '"given" must be a JSON pointer'],
    [{ id: "org/x", given: "/tags" }, 'give "then" (a JSON Schema the value must satisfy), "required": true, or both'],
    [{ ...base, severity: "fatal" }, '"severity" must be "error", "warning" or "off"; found "fatal"'],
    [{ ...base, id: "has space" }, '"id" must be a string without spaces'],
  ])("%j", (rule, message) => {
    expect(errorOf(() => parseOrgRules([rule], file)).message).toContain(message);
  });

  it("two rules with one id", () => {
    expect(errorOf(() => parseOrgRules([base, base], file)).message).toContain('orgRules[1] ("org/x"): another organisation rule has the same id');
  });

  it("a misspelt schema keyword is an error, not a rule that never fails", () => {
    const defs = parseOrgRules([{ ...base, then: { patern: "^https://" } }], file);
    const error = errorOf(() => compileOrgRules(defs, file));
    expect(error.message).toContain('orgRules ("org/x"): "then" is not a valid JSON Schema');
    expect(error.message).toContain("patern");
  });

  it("an id that a built-in rule has", async () => {
    const dir = await project({ "tyk-ts.config.json": { orgRules: [{ ...base, id: "target-url" }] }, "a.json": api("a") });
    await expect(lint({ paths: ["a.json"], cwd: dir })).rejects.toThrow('organisation rule "target-url" has the id of a built-in rule');
  });
});

describe("severities and ignores for built-in and organisation rules", () => {
  const insecure = api("legacy", { use_keyless: true, proxy: { listen_path: "/v1/legacy/", target_url: "http://legacy.example.com", strip_listen_path: true } });
  const httpsRule = ORG_RULES[0];

  async function run(config: Json, profile?: "production"): Promise<Map<string, LintResult>> {
    const dir = await project({ "tyk-ts.config.json": config, "apis/legacy.json": insecure, "apis/other.json": insecure });
    return new Map((await lint({ paths: ["apis"], cwd: dir, profile })).results.map((r) => [r.filePath, r]));
  }
  const ids = (result: LintResult | undefined) => (result?.messages ?? []).map((m) => `${m.ruleId}:${m.severity}`).filter((id) => /^(org|security)\//.test(id)).sort();

  it("the config's `rules` sets an organisation rule's severity like a built-in one's", async () => {
    const results = await run({ orgRules: [httpsRule], rules: { "org/https-upstream": "warning", "security/plaintext-upstream": "error", "security/keyless-api": "off" } });
    expect(ids(results.get("apis/legacy.json"))).toEqual(["org/https-upstream:1", "security/plaintext-upstream:2"]);
  });

  it("ignores by file, rule and pointer, with `rules` patterns such as security/*", async () => {
    const results = await run({
      orgRules: [httpsRule],
      ignore: [
        { files: "apis/legacy.json", rules: ["org/https-upstream", "security/keyless-api"], reason: "legacy API, retired in Q3" },
        { files: "apis/*.json", rules: "security/*", pointer: "/proxy/target_url", reason: "reached over the VPN" },
      ],
    });
    expect(ids(results.get("apis/legacy.json"))).toEqual([]);
    expect(ids(results.get("apis/other.json"))).toEqual(["org/https-upstream:2", "security/keyless-api:1"]);
    const legacy = results.get("apis/legacy.json")!;
    expect([legacy.errorCount, legacy.warningCount]).toEqual([legacy.messages.filter((m) => m.severity === 2).length, legacy.messages.filter((m) => m.severity === 1).length]);
    expect(results.has("tyk-ts.config.json")).toBe(false);
  });

  it("an ignore without a reason still applies, and is reported at its line in the config", async () => {
    const config = { orgRules: [httpsRule], ignore: ["drafts/**", { files: "apis/legacy.json", rules: "org/https-upstream" }] };
    const results = await run(config);
    expect(ids(results.get("apis/legacy.json"))).not.toContain("org/https-upstream:2");
    const report = results.get("tyk-ts.config.json");
    expect(report?.messages.map((m) => [m.ruleId, m.line, m.severity, m.pointer])).toEqual([["ignore-without-reason", lineOf(text(config), '"files": "apis/legacy.json"', -1), 1, "/ignore/1"]]);
    expect(report?.messages[0]!.message).toContain('has no "reason"');
    const production = await run(config, "production");
    expect(production.get("tyk-ts.config.json")?.messages.map((m) => m.severity)).toEqual([2]);
  });

  it("`*` in an ignore pointer matches one segment, and a pointer covers everything below it", () => {
    const message = (pointer: string) => ({ ruleId: "org/version-expiry", severity: 2 as const, message: "m", line: 1, column: 1, endLine: 1, endColumn: 2, pointer });
    const result: LintResult = {
      filePath: "apis/a.json",
      kind: "classic-api",
      errorCount: 3,
      warningCount: 0,
      messages: [message("/version_data/versions/v1/expires"), message("/version_data/versions/v2/expires"), message("/version_data/default_version")],
    };
    const ignore = (pointer: string) =>
      applyIgnores([result], { entries: [{ index: 0, pointer, reason: "r" }], configFile: "/repo/tyk-ts.config.json", baseDir: "/repo", cwd: "/repo" }, 1)[0]!;
    expect(ignore("/version_data/versions/*/expires").messages.map((m) => m.pointer)).toEqual(["/version_data/default_version"]);
    expect(ignore("/version_data/versions").messages.map((m) => m.pointer)).toEqual(["/version_data/default_version"]);
    expect(ignore("/version_data/versions/v1").errorCount).toBe(2);
  });

  it("an ignore that names an unknown rule is a config error with a suggestion", async () => {
    await expect(run({ ignore: [{ rules: "security/keyless", reason: "x" }] })).rejects.toThrow('ignore[0]: unknown rule "security/keyless"; did you mean "security/keyless-api"?');
  });

  it.each([
    [{ reason: "everything" }, 'give at least one of "files", "rules" or "pointer"'],
    [{ files: "a.json", reasn: "typo" }, 'unknown field "reasn"; did you mean "reason"?'],
    [{ pointer: "proxy/target_url", reason: "x" }, '"pointer" must be a JSON pointer'],
  ])("ignore entry %j is refused", (entry, message) => {
    expect(errorOf(() => parseConfig({ ignore: [entry] }, "/repo/tyk-ts.config.json")).message).toContain(message);
  });
});

describe("organisation rule findings appear in every output format", () => {
  let results: LintResult[];
  const defs = parseOrgRules([ORG_RULES[0]], "/repo/tyk-ts.config.json");

  beforeAll(async () => {
    const dir = await project({ "tyk-ts.config.json": { orgRules: [ORG_RULES[0]] }, "legacy.json": api("legacy", { proxy: { listen_path: "/v1/l/", target_url: "http://legacy.svc", strip_listen_path: true } }) });
    results = (await lint({ paths: ["legacy.json"], cwd: dir })).results;
  });

  it.each(FORMATS)("%s", (format) => {
    const rules = ruleCatalog(compileOrgRules(defs, "/repo/tyk-ts.config.json"));
    const output = formatters[format](results, { rules, cwd: "/repo", toolVersion: "0.0.0-test", color: new Chalk({ level: 0 }) });
    expect(output).toContain("org/https-upstream");
    expect(output).toContain("every API");
    if (format === "sarif") {
      const driver = (JSON.parse(output) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; help: { text: string } }> } } }> }).runs[0]!.tool.driver;
      expect(driver.rules.find((r) => r.id === "org/https-upstream")?.help.text).toContain("Organisation rule from /repo/tyk-ts.config.json");
    }
  });
});

describe("tyk-ts lint (built CLI): --profile production, organisation rules and ignores", () => {
  it("security warnings become errors, and SARIF describes the organisation rule and reports it at its line", async () => {
    const legacy = api("legacy", { use_keyless: true, proxy: { listen_path: "/v1/legacy/", target_url: "http://legacy.example.com", strip_listen_path: true } });
    const dir = await project({
      "tyk-ts.config.json": { orgRules: [ORG_RULES[0]], ignore: [{ files: "legacy.json", rules: "security/plaintext-upstream", reason: "decommissioned next month" }] },
      "legacy.json": legacy,
    });
    const relaxed = await runCli(["lint", "legacy.json"], { cwd: dir });
    expect(relaxed.stdout).toMatch(/warning\s+the API accepts requests without credentials.*security\/keyless-api/);

    const gate = await runCli(["lint", "--profile", "production", "-f", "sarif", "legacy.json"], { cwd: dir });
    expect(gate.code).toBe(1);
    const run = (JSON.parse(gate.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } }; results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> }).runs[0]!;
    const lineOfResult = (rule: string) => run.results.filter((r) => r.ruleId === rule).map((r) => [r.level, r.locations[0]!.physicalLocation.region.startLine]);
    const source = text(legacy);
    expect(lineOfResult("security/keyless-api")).toEqual([["error", lineOf(source, '"use_keyless": true')]]);
    expect(lineOfResult("org/https-upstream")).toEqual([["error", lineOf(source, '"target_url"')]]);
    expect(lineOfResult("security/plaintext-upstream")).toEqual([]);
    expect(run.tool.driver.rules.find((r) => r.id === "org/https-upstream")?.shortDescription.text).toBe("every API's target_url must start with https://");

    const unknown = await runCli(["lint", "--profile", "staging", "legacy.json"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Allowed choices are default, production");
  });
});
