/**
 * `tyk-ts lint .` at the root of whole repositories, spawned as a user runs it: real layouts
 * (fixtures/repos, and every repository of ../shared/corpus rebuilt at its own paths) give no error,
 * and crafted deployments get exactly the cross-file findings a gateway loading them would deserve,
 * each once.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { hasGo } from "./helpers/gateway-loader.js";
import { gatewayLoadsPolicies } from "./helpers/policy-loader.js";
import { assembleRepositories, SHARED_CORPUS } from "./helpers/real-repos.js";
import { tempDir } from "./helpers/tmp.js";

const REPOS = path.join(FIXTURES, "repos");

interface Finding {
  file: string;
  ruleId: string;
  severity: 1 | 2;
  message: string;
  line: number;
}

interface JsonResult {
  filePath: string;
  messages: Array<{ ruleId: string; severity: 1 | 2; message: string; line: number }>;
}

async function lintRepo(dir: string, args: string[] = []): Promise<{ code: number | null; findings: Finding[]; stderr: string }> {
  const r = await runCli(["lint", ".", "-f", "json", ...args], { cwd: dir, timeoutMs: 60_000 });
  const results = JSON.parse(r.stdout) as JsonResult[];
  const findings = results.flatMap((res) => res.messages.map((m) => ({ file: res.filePath, ruleId: m.ruleId, severity: m.severity, message: m.message, line: m.line })));
  return { code: r.code, findings, stderr: r.stderr };
}

const CROSS_FILE = new Set(["duplicate-api-id", "duplicate-listen-path", "policy-unknown-api", "coprocess-disabled", "bundle-downloader-disabled", "policies-file-shape", "security/unverified-bundles"]);

/** The cross-file findings, as `file ruleId`, sorted. */
function crossFile(findings: Finding[]): string[] {
  return findings
    .filter((f) => CROSS_FILE.has(f.ruleId))
    .map((f) => `${f.file} ${f.ruleId}`)
    .sort();
}

/** Lints a crafted repository: it must fail with exactly these cross-file findings. */
async function crafted(repo: string, expected: string[]): Promise<{ findings: Finding[] }> {
  const r = await lintRepo(path.join(REPOS, repo));
  expect(r.code).toBe(1);
  expect(crossFile(r.findings)).toEqual(expected);
  return r;
}

function errors(findings: Finding[]): string[] {
  return findings.filter((f) => f.severity === 2).map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message}`);
}

describe("lint . on real repository layouts", () => {
  for (const repo of ["tyk", "tyk-operator", "tyk-cicd-demo"]) {
    it(`${repo}: no errors`, async () => {
      const r = await lintRepo(path.join(REPOS, repo));
      expect(errors(r.findings)).toEqual([]);
      expect(r.code).toBe(0);
    });
  }

  it("tyk: --verbose says which cross-checks were skipped, and why", async () => {
    const r = await lintRepo(path.join(REPOS, "tyk"), ["--verbose"]);
    // Neither ci/install/data nor the folder above it has an apps folder: no guess among the repository's others.
    expect(r.stderr).toMatch(/ci\/install\/data\/tyk\.standalone\.conf: `app_path` "\/opt\/tyk-gateway\/apps\/" is a path on the gateway's machine; no `apps` or `tyk-gateway\/apps` is in the folder of ci\/install\/data\/tyk\.standalone\.conf or the one above it/);
    // RPC mode (slave_options.use_rpc) loads APIs from MDCB, not from app_path.
    expect(r.stderr).toMatch(/ci\/images\/hybrid\/tyk\/tyk\.conf: .*slave_options\.use_rpc/);
    // The error-overrides config's own folders, one level up, as its docker-compose file mounts them.
    expect(r.stderr).toMatch(/ci\/tests\/error-overrides\/configs\/tyk\.conf: loads .*ci\/tests\/error-overrides\/apps/);
  });

  it("tyk-operator: Dashboard client samples and Operator samples are not one deployment", async () => {
    const r = await lintRepo(path.join(REPOS, "tyk-operator"), ["--verbose"]);
    expect(crossFile(r.findings)).toEqual([]);
    expect(r.stderr).toMatch(/no namespace/);
  });

  it("tyk-cicd-demo: the same API in dev, stg and prod is not a duplicate", async () => {
    const r = await lintRepo(path.join(REPOS, "tyk-cicd-demo"));
    expect(crossFile(r.findings)).toEqual([]);
  });
});

describe("lint . on crafted deployments: the cross-file rules fire, once per problem", () => {
  it("the app_path folder of two tyk.conf files: duplicates and disabled plugins, not the subfolder", async () => {
    const r = await crafted("crafted-gateway", [
      "apps/billing.json bundle-downloader-disabled",
      "apps/billing.json coprocess-disabled",
      "apps/billing.json security/unverified-bundles",
      "apps/orders.json duplicate-listen-path",
      "policies/policies.json policy-unknown-api",
    ]);
    const coprocess = r.findings.find((f) => f.ruleId === "coprocess-disabled")!;
    expect(coprocess.message).toMatch(/tyk\.canary\.conf/);
    expect(coprocess.message).toMatch(/tyk\.conf\b/);
    expect(r.findings.find((f) => f.ruleId === "duplicate-listen-path")!.message).toMatch(/apps\/orders-v2\.json/);
    expect(r.findings.find((f) => f.ruleId === "policy-unknown-api")!.message).toMatch(/"inventory"/);
    expect(r.findings.some((f) => f.file.startsWith("apps/archive/") && CROSS_FILE.has(f.ruleId))).toBe(false);
  });

  it("environment folders, each with its own tyk.conf: only the duplicate inside dev", async () => {
    const r = await crafted("crafted-environments", ["dev/apps/users.json duplicate-api-id"]);
    expect(r.findings.find((f) => f.ruleId === "duplicate-api-id")!.message).toMatch(/dev\/apps\/users-copy\.json/);
  });

  it("deployments declared in tyk-ts.config.json", async () => {
    const dir = path.join(REPOS, "crafted-declared");
    await crafted("crafted-declared", [
      "gw/definitions/catalog.json duplicate-listen-path",
      "gw/definitions/pricing.json bundle-downloader-disabled",
      "gw/definitions/pricing.json coprocess-disabled",
      "gw/definitions/pricing.json security/unverified-bundles",
      "gw/policies/policies.json policy-unknown-api",
    ]);
    // Without the declaration the gateway's app_path (/opt/tyk-gateway/apps) pairs with nothing.
    const empty = await tempDir();
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path.join(empty, "tyk-ts.config.json"), "{}\n");
    const undeclared = await lintRepo(dir, ["-c", path.join(empty, "tyk-ts.config.json"), "--verbose"]);
    expect(crossFile(undeclared.findings)).toEqual([]);
    expect(undeclared.stderr).toMatch(/gw\/tyk\.conf: `app_path` "\/opt\/tyk-gateway\/apps" is a path on the gateway's machine; no `apps`/);
  });

  it("a docker-compose volume names the app_path and policy_path folders", async () => {
    const r = await crafted("crafted-compose", ["gateway/apis/search.json duplicate-api-id", "gateway/policies/all.json policies-file-shape"]);
    expect(r.findings.find((f) => f.ruleId === "policies-file-shape")!.message).toMatch(/one policy/);
  });

  it("the Dashboard's and MDCB's configs beside the gateway's are left out with a reason, not linted as tyk.conf", async () => {
    const r = await lintRepo(path.join(REPOS, "crafted-compose"), ["--verbose"]);
    expect(r.findings.filter((f) => f.file.startsWith("dashboard/") || f.file.startsWith("mdcb/"))).toEqual([]);
    expect(r.stderr).toContain("skipped dashboard/tyk_analytics.conf: a Tyk Dashboard config");
    expect(r.stderr).toContain("skipped mdcb/tyk_sink.conf: an MDCB config");
  });

  it("policies.json shapes are read the way the governing tyk.conf makes the gateway read them", async () => {
    const r = await crafted("crafted-policies", [
      "data-map/policies.json policies-file-shape",
      "data/policies.json policies-file-shape",
      "flat/policies.json policies-file-shape",
      "folder/policies/all.json policies-file-shape",
      "wrapped/policies.json policies-file-shape",
    ]);
    const message = (file: string) => r.findings.find((f) => f.file === file && f.ruleId === "policies-file-shape")!.message;
    expect(message("flat/policies.json")).toMatch(/no policy loads/);
    expect(message("wrapped/policies.json")).toMatch(/one empty policy/);
    expect(message("data/policies.json")).toMatch(/no policy loads/);
    expect(message("data-map/policies.json")).toMatch(/`Data` is loaded as one empty policy/);
    // A map copied from an old example, whose policies carry session fields, is read as policies.
    expect(r.findings.filter((f) => f.file === "old-example/policies.json").map((f) => `${f.line} ${f.ruleId}`)).toEqual(["7 unknown-field", "8 unknown-field"]);
    expect(message("folder/policies/all.json")).toMatch(/one empty policy/);
  });

  it.skipIf(!hasGo)("each policies-file-shape message says what Go's decoder makes of the file in the gateway's loaders", async () => {
    const dir = path.join(REPOS, "crafted-policies");
    const r = await lintRepo(dir);
    const said = (file: string) => r.findings.find((f) => f.file === file && f.ruleId === "policies-file-shape")?.message ?? "loads as written";
    const verdict = (loaded: ReturnType<typeof gatewayLoadsPolicies>, wanted: number) =>
      loaded.policies.length === 0 ? "no policy loads" : loaded.policies.some((p) => p.name === "" && p.access_rights === 0) ? "one empty policy" : loaded.policies.length === wanted ? "loads as written" : "other";
    for (const [file, mode, target, wanted] of [
      ["flat/policies.json", "file", "flat/policies.json", 1],
      ["wrapped/policies.json", "file", "wrapped/policies.json", 1],
      ["data/policies.json", "file", "data/policies.json", 1],
      ["data-map/policies.json", "file", "data-map/policies.json", 1],
      ["good/policies.json", "file", "good/policies.json", 1],
      ["folder/policies/all.json", "dir", "folder/policies", 3],
    ] as const) {
      const expected = verdict(gatewayLoadsPolicies(mode, path.join(dir, target)), wanted);
      expect(said(file), file).toContain(expected);
    }
  });

  it("app_path as FromDir reads it: a Tyk OAS API and its Classic file are one API; files the gateway does not load are said so and not compared", async () => {
    const r = await crafted("crafted-app-path", ["apps/shipping.json duplicate-listen-path"]);
    expect(errors(r.findings)).toEqual([expect.stringMatching(/^apps\/shipping\.json:7 duplicate-listen-path listen path "\/orders\/" is already used by apps\/orders(-oas)?\.json/)]);
    const notLoaded = r.findings.filter((f) => f.ruleId === "api-not-loaded");
    expect(notLoaded.map((f) => `${f.file}:${f.line}`).sort()).toEqual(["apps/dashboard-export.json:3", "apps/openapi.json:1", "apps/orders-copy-oas.json:1", "apps/template.json:1"]);
    const said = (file: string) => notLoaded.find((f) => f.file === file)!.message;
    expect(said("apps/openapi.json")).toMatch(/decodes every `\*\.json` of `app_path` but `\*-oas\.json` as a Tyk Classic definition/);
    expect(said("apps/orders-copy-oas.json")).toMatch(/only with `orders-copy\.json`/);
    expect(said("apps/dashboard-export.json")).toMatch(/Dashboard export/);
    expect(said("apps/template.json")).toMatch(/listen_path` is empty/);
    // The template's empty upstream is never used: the gateway skips the API before it looks at it.
    expect(r.findings.filter((f) => f.file === "apps/template.json" && f.ruleId === "target-url")).toEqual([]);
  });

  it("kustomize patches are parts of a resource, left out with a reason; a patch named on the command line is linted", async () => {
    const dir = path.join(REPOS, "kustomize-overlay");
    const r = await lintRepo(dir, ["--verbose"]);
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([]);
    expect(r.stderr).toContain("skipped overlays/prod/tags.yaml: a kustomize patch (overlays/prod/kustomization.yaml)");
    expect(r.stderr).toContain("skipped overlays/prod/listen-path.yaml: a kustomize patch (overlays/prod/kustomization.yaml)");
    const named = await runCli(["lint", "overlays/prod/tags.yaml", "-f", "json"], { cwd: dir });
    expect(JSON.parse(named.stdout)[0].messages.map((m: { ruleId: string }) => m.ruleId)).toEqual(["security/strip-auth-data-off"]);
  });

  it("Operator resources: one file is applied together, one namespace is one deployment, one kind/namespace/name is one object", async () => {
    const r = await lintRepo(path.join(REPOS, "crafted-operator"));
    expect(r.code).toBe(1);
    const found = crossFile(r.findings);
    expect(found).toHaveLength(2);
    expect(found[0]).toBe("team-a/apis.yaml duplicate-listen-path");
    expect(found[1]).toMatch(/^team-b\/payments(-v2)?\.yaml duplicate-listen-path$/);
  });
});

describe.skipIf(!existsSync(path.join(SHARED_CORPUS, "SOURCES.tsv")))("lint . on every repository of ../shared/corpus, rebuilt at its own paths", () => {
  it("no errors in any of them", async () => {
    const target = await tempDir("tyk-ts-repos-");
    const repos = assembleRepositories(target);
    expect(repos.size).toBeGreaterThan(20);
    const found: string[] = [];
    for (const [repo, dir] of repos) {
      const r = await lintRepo(dir);
      found.push(...errors(r.findings).map((e) => `${repo}: ${e}`));
      if (r.code !== 0 && errors(r.findings).length === 0) found.push(`${repo}: exit ${r.code}`);
    }
    expect(found).toEqual([]);
  }, 300_000);
});
