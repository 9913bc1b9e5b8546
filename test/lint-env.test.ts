/**
 * lint finds the gateway's environment where teams keep it (fixtures/gateway-env: compose, .env,
 * Kubernetes, Helm values) and reports at the real line and column; `--env-file` lints tyk.conf as
 * the gateway runs it.
 */
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import type { LintResult } from "../src/lint/types.js";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const REPO = path.join(FIXTURES, "gateway-env");

/** `line:column rule` of every message of a file, in order. */
function findings(results: LintResult[], file: string): string[] {
  const result = results.find((r) => r.filePath.endsWith(file));
  return (result?.messages ?? []).map((m) => `${m.line}:${m.column} ${m.ruleId}`);
}

function message(results: LintResult[], file: string, line: number): string {
  return results.find((r) => r.filePath.endsWith(file))!.messages.find((m) => m.line === line)!.message;
}

describe("lint: the gateway's environment in a repository", async () => {
  const { results } = await lint({ paths: ["."], cwd: REPO });

  it("docker compose: list and map forms, a misspelt name, values the gateway cannot parse, a rule on an env-set value", () => {
    expect(findings(results, "docker-compose.yml")).toEqual([
      "14:9 env-misspelt-variable", // - TYK_GW_ENABLE_BUNDLE_DOWNLOADER=true
      "16:9 env-invalid-value", // - TYK_GW_LISTENPORT=8O80
      // line 18: env://node_secret is fine, TYK_SECRET_NODE_SECRET comes from the env_file
      "33:7 env-misspelt-variable", // TYK_GW_TRACING_ENABLED: (map key)
      "34:43 env-invalid-value", // a duration without a unit
      "35:55 security/tls-verify-off",
      "36:22 secret-reference-unset", // env://gw_secret, and the service sets no TYK_SECRET_GW_SECRET
      "37:55 env-invalid-value", // yes is not a Go bool
    ]);
    expect(message(results, "docker-compose.yml", 14)).toContain("did you mean TYK_GW_ENABLEBUNDLEDOWNLOADER?");
    expect(message(results, "docker-compose.yml", 33)).toContain("did you mean TYK_GW_TRACER_ENABLED?");
    expect(message(results, "docker-compose.yml", 34)).toContain('time: missing unit in duration "10000000000"');
  });

  it("leaves alone other services, TYK_PMP_* variables and values compose interpolates (${GATEWAY_SECRET})", () => {
    const lines = findings(results, "docker-compose.yml").map((f) => Number(f.split(":")[0]));
    expect(lines.some((l) => (l >= 18 && l <= 29) || l === 13)).toBe(false);
  });

  it("a container's envFrom ConfigMap counts as its environment", async () => {
    // The DaemonSet loads tyk-gateway-env, which has no TYK_SECRET_REDIS_PASSWORD.
    expect(message(results, "k8s/gateway-deployment.yaml", 73)).toContain("the gateway reads TYK_SECRET_REDIS_PASSWORD, which this environment does not set");
    const dir = await tempDir();
    cpSync(REPO, dir, { recursive: true });
    writeFileSync(path.join(dir, "k8s/gateway-configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tyk-gateway-env\ndata:\n  TYK_SECRET_REDIS_PASSWORD: s3cret\n");
    const { results: fixed } = await lint({ paths: ["k8s"], cwd: dir });
    expect(findings(fixed, "k8s/gateway-deployment.yaml")).not.toContain("73:22 secret-reference-unset");
  });

  it(".env files: export, quotes and comments read as compose reads them", () => {
    expect(findings(results, "gateway.env")).toEqual(["3:1 env-misspelt-variable", "4:8 env-unknown-variable", "5:35 env-not-settable", "6:16 env-invalid-value", "7:37 security/weak-tls-version"]);
    expect(message(results, "gateway.env", 3)).toContain("did you mean TYK_GW_OPENTELEMETRY_SAMPLING_RATE?");
    expect(message(results, "gateway.env", 6)).toContain('invalid map item: "upstream:https://httpbin.org"');
  });

  it("Kubernetes: container env lists in a Deployment and a StatefulSet, and the ConfigMap envFrom loads", () => {
    expect(findings(results, "k8s/gateway-deployment.yaml")).toEqual([
      "27:22 env-invalid-value", // "6379 " has a trailing space
      "29:22 env-invalid-value",
      "35:21 env-misspelt-variable",
      "54:22 secret-reference-unset", // the StatefulSet's container has no other source of variables
      "56:22 security/weak-tls-version", // 0x0301 is TLS 1.0
      "73:22 secret-reference-unset", // the DaemonSet's ConfigMap does not set TYK_SECRET_REDIS_PASSWORD
    ]);
    expect(findings(results, "k8s/gateway-configmap.yaml")).toEqual(["8:3 env-misspelt-variable", "9:28 env-invalid-value"]);
  });

  it("Helm values: extraEnvs of the official charts, templated values skipped", () => {
    expect(findings(results, "helm/values.yaml")).toEqual(["13:16 security/hash-keys-off", "16:15 env-misspelt-variable"]);
  });

  it("--env-file: tyk.conf as the gateway runs it, references checked against the declared environment", async () => {
    const { results: effective } = await lint({ paths: ["tyk.conf", "apps"], cwd: REPO, envFiles: ["run.env"] });
    // run.env replaces the example secret and sets TYK_SECRET_REDIS_PASSWORD: neither is reported.
    expect(findings(effective, "tyk.conf")).toEqual(["1:1 security/control-api-exposed"]);
    expect(findings(effective, "apps/httpbin.json")).toEqual(["20:28 secret-reference-unset", "21:23 secret-reference-unset"]);
    expect(findings(effective, "run.env")).toEqual([]);
    // Without the env file the example secret is the file's.
    const { results: plain } = await lint({ paths: ["tyk.conf"], cwd: REPO });
    expect(findings(plain, "tyk.conf")).toContain("3:13 example-secret");
  });

  it("--env-file: a weak value set by the environment is reported at its line, an unset TYK_SECRET_* at tyk.conf's", async () => {
    const dir = await tempDir();
    cpSync(REPO, dir, { recursive: true });
    writeFileSync(path.join(dir, "weak.env"), "# gateway\nTYK_GW_SECRET=changeme\nTYK_GW_OMITCONFIGFILE=false\n");
    const { results: r } = await lint({ paths: ["tyk.conf"], cwd: dir, envFiles: ["weak.env"] });
    expect(findings(r, "weak.env")).toEqual(["2:15 example-secret"]);
    expect(findings(r, "tyk.conf")).toEqual(["1:1 security/control-api-exposed", "11:17 secret-reference-unset"]);
  });

  it("the CLI takes --env-file and exits 1 on the findings", async () => {
    const r = await runCli(["lint", "tyk.conf", "apps", "--env-file", "run.env", "-f", "json"], { cwd: REPO });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as LintResult[];
    expect(json.find((x) => x.filePath === "apps/httpbin.json")?.errorCount).toBe(2);
  });
});

describe("lint: compose anchors", () => {
  it("a variable in an anchor merged into several services is one finding at its line (Ataimo007/tyk-otel)", async () => {
    const dir = await tempDir();
    writeFileSync(
      path.join(dir, "docker-compose.yml"),
      "x-gateway: &gateway\n  image: tykio/tyk-gateway:v5.8.0\n  environment:\n    - TYK_GW_PROXYSSLINSECURESKIPVERIFY=true\nservices:\n  gw1:\n    <<: *gateway\n  gw2:\n    <<: *gateway\n  gw3:\n    <<: *gateway\n",
    );
    const { results } = await lint({ paths: ["."], cwd: dir });
    expect(findings(results, "docker-compose.yml")).toEqual(["4:7 security/tls-verify-off"]);
  });
});
