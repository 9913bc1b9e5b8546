/**
 * Runs the shell of the CI recipes in docs/ci.md against a repository made from fixtures/, with a
 * `tyk-ts` on PATH that is this build (or TYK_TS_BIN, the single executable). Steps that install
 * tyk-ts or call other actions are left out; the files those actions consume are checked instead.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, writeCliShim } from "./helpers/cli.js";
import { writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const doc = readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Record<string, unknown>);

let shimDir = "";
let keys: TestKeys;

beforeAll(async () => {
  shimDir = await tempDir();
  writeCliShim(shimDir);
  keys = writeTestKeys(await tempDir());
});

/** A repository laid out as docs/ci.md describes, from the fixtures. */
async function fixtureRepository(): Promise<string> {
  const repo = await tempDir("tyk-ts-repo-");
  const corpus = path.join(FIXTURES, "corpus");
  mkdirSync(path.join(repo, "apis"));
  cpSync(path.join(corpus, "classic-apis/TykTechnologies__tyk__ci__tests__python-plugins__src__apidef.json"), path.join(repo, "apis/python-api.json"));
  cpSync(path.join(corpus, "oas-apis/TykTechnologies__tyk__apidef__oas__testdata__urlRewrite.json"), path.join(repo, "apis/oas-api.json"));
  mkdirSync(path.join(repo, "policies"));
  cpSync(path.join(corpus, "policies/TykTechnologies__tyk__policies__policies.json"), path.join(repo, "policies/policies.json"));
  cpSync(path.join(corpus, "gateway-configs/TykTechnologies__tyk-plugin-starter__e2e__tyk.conf"), path.join(repo, "tyk.conf"));
  for (const plugin of ["python-plugin", "grpc-plugin"]) cpSync(path.join(FIXTURES, plugin), path.join(repo, "plugins", plugin), { recursive: true });
  return repo;
}

/** Skips installing tyk-ts: the shim on PATH stands in for it. */
const isInstall = (command: string) => /^npm install -g tyk-ts$/.test(command.trim());

function runShell(script: string, cwd: string, env: Record<string, string>): void {
  const r = spawnSync("bash", ["-e", "-c", script], { cwd, encoding: "utf8", env: { PATH: `${shimDir}:${process.env.PATH}`, HOME: cwd, NO_COLOR: "1", ...env }, timeout: 30_000 });
  expect(r.status, `${script}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
}

describe("docs/ci.md: GitHub Actions", () => {
  const workflow = yamlBlocks.find((b) => b.jobs && b.on) as { jobs: Record<string, { steps: Array<Record<string, unknown>> }> };
  const secrets = (): Record<string, string> => ({
    "secrets.TYK_BUNDLE_SIGNING_KEY": readFileSync(keys.privatePkcs8, "utf8").trim(),
    "secrets.TYK_BUNDLE_PUBLIC_KEY": readFileSync(keys.publicSpki, "utf8").trim(),
  });

  /** Runs a job's `run` steps with their `env` (expressions resolved), returning the repository. */
  async function runJob(name: string): Promise<string> {
    const repo = await fixtureRepository();
    const runnerTemp = await tempDir();
    for (const step of workflow.jobs[name]!.steps) {
      if (typeof step.run !== "string" || isInstall(step.run)) continue;
      const env: Record<string, string> = { GITHUB_SHA: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", RUNNER_TEMP: runnerTemp };
      for (const [key, value] of Object.entries((step.env ?? {}) as Record<string, string>)) {
        env[key] = String(value).replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, expr: string) => {
          const known = secrets()[expr];
          if (known === undefined) throw new Error(`step "${String(step.name)}" uses \${{ ${expr} }}, which this test does not provide`);
          return known;
        });
      }
      runShell(step.run, repo, env);
    }
    return repo;
  }

  it("is a workflow with a lint job and a bundles job", () => {
    expect(Object.keys(workflow.jobs)).toEqual(["lint", "bundles"]);
  });

  it("lint writes the SARIF file that upload-sarif sends to code scanning", async () => {
    const repo = await runJob("lint");
    const upload = workflow.jobs.lint!.steps.find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif"))!;
    const sarif = JSON.parse(readFileSync(path.join(repo, (upload.with as { sarif_file: string }).sarif_file), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].tool.driver.name).toBe("tyk-ts");
  });

  it("bundles builds one signed bundle per plugin, named after the commit, and verifies them", async () => {
    const repo = await runJob("bundles");
    expect(readdirSync(path.join(repo, "bundles")).sort()).toEqual(["grpc-plugin-1a2b3c4d.zip", "python-plugin-1a2b3c4d.zip"]);
    // The private key was written only for the build step.
    expect(readdirSync(repo).filter((f) => f.endsWith(".pem"))).toEqual([]);
  });
});

describe("docs/ci.md: GitLab CI", () => {
  const pipeline = yamlBlocks.find((b) => b["tyk-lint"]) as Record<string, { script: string[]; artifacts: { reports?: { codequality: string }; paths?: string[] } }>;

  async function runJob(name: string): Promise<string> {
    const repo = await fixtureRepository();
    const script = pipeline[name]!.script.filter((line) => !isInstall(line)).join("\n");
    runShell(script, repo, { CI_COMMIT_SHORT_SHA: "1a2b3c4d", TYK_BUNDLE_SIGNING_KEY: keys.privatePkcs1, TYK_BUNDLE_PUBLIC_KEY: keys.publicSpki });
    return repo;
  }

  it("tyk-lint writes the code quality report GitLab reads", async () => {
    const repo = await runJob("tyk-lint");
    const report = JSON.parse(readFileSync(path.join(repo, pipeline["tyk-lint"]!.artifacts.reports!.codequality), "utf8"));
    expect(Array.isArray(report)).toBe(true);
    expect(report[0]).toMatchObject({ description: expect.any(String), check_name: expect.any(String), fingerprint: expect.any(String), location: { path: expect.any(String) } });
  });

  it("tyk-bundles builds and verifies one bundle per plugin", async () => {
    const repo = await runJob("tyk-bundles");
    expect(pipeline["tyk-bundles"]!.artifacts.paths).toEqual(["bundles/"]);
    expect(readdirSync(path.join(repo, "bundles")).sort()).toEqual(["grpc-plugin-1a2b3c4d.zip", "python-plugin-1a2b3c4d.zip"]);
  });
});

describe("docs/ci.md: a refused bundle fails the job", () => {
  it("bundle verify exits 1 for a bundle signed with another key", async () => {
    const repo = await fixtureRepository();
    const other = writeTestKeys(await tempDir(), "other");
    runShell(`mkdir bundles && tyk-ts bundle build -m plugins/python-plugin/manifest.json -o bundles/p.zip -k "${other.privatePkcs8}"`, repo, {});
    const r = spawnSync("bash", ["-c", `tyk-ts bundle verify bundles/ -k "${keys.publicSpki}"`], { cwd: repo, encoding: "utf8", env: { PATH: `${shimDir}:${process.env.PATH}`, NO_COLOR: "1" } });
    expect(r.status).toBe(1);
    expect(existsSync(path.join(repo, "bundles/p.zip"))).toBe(true);
  });
});
