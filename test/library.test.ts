/**
 * The library API as a user meets it: a separate project that installs the packed tyk-ts, imports it
 * by name, calls every function, and type-checks against the published declarations.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT } from "./helpers/cli.js";
import { npmInstall, packPackage } from "./helpers/pack.js";
import { tempDir } from "./helpers/tmp.js";

const run = promisify(execFile);
let project = "";

beforeAll(async () => {
  const { tarball } = await packPackage();
  project = await tempDir("tyk-ts-user-");
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "uses-tyk-ts", private: true, type: "module", dependencies: { "tyk-ts": `file:${tarball}` } }));
  await npmInstall([], project);
}, 60_000);

const USE_EVERY_FUNCTION = `
import { mkdirSync } from "node:fs";
import { buildBundle, verifyBundle, inspectBundle, lint, exitCodeFor, createServer, generateKeyPair, initPlugin, publishBundles, TykTsError } from "tyk-ts";
const [fixtures, work] = process.argv.slice(2);
mkdirSync(work + "/site");

const keys = await generateKeyPair({ out: work + "/signing.pem" });
const built = await buildBundle({ manifest: fixtures + "/python-plugin/manifest.json", output: work + "/site/bundle.zip", key: keys.privateKeyPath });
const verified = await verifyBundle(built.output, { publicKey: keys.publicKeyPath });
const inspected = await inspectBundle(built.output);
const report = await lint({ paths: [fixtures + "/corpus/policies"] });
const linted = report.results;
const warned = [{ filePath: "a.json", kind: "policy", errorCount: 0, warningCount: 2, messages: [] }];
const gate = {
  rules: report.rules.map((r) => r.id),
  linted: exitCodeFor(linted),
  overMax: exitCodeFor(warned, { maxWarnings: 1 }),
  withinMax: exitCodeFor(warned, { maxWarnings: 2 }),
  quiet: exitCodeFor(warned, { maxWarnings: 1, quiet: true }),
  failOnWarning: exitCodeFor(warned, { failSeverity: "warning" }),
};
const plugin = await initPlugin({ dir: work + "/new-plugin", driver: "lua" });

const server = await createServer({ root: work + "/site", port: 0, log: () => {} });
const response = await fetch(new URL("bundle.zip", server.url));
const served = { status: response.status, size: (await response.arrayBuffer()).byteLength };
await server.close();

mkdirSync(work + "/store");
const published = await publishBundles({ bundles: [built.output], to: work + "/store", publicKey: keys.publicKeyPath, dryRun: true });

let failure;
try {
  await buildBundle({ manifest: work + "/missing/manifest.json", output: work + "/x.zip" });
} catch (err) {
  failure = { isTykTsError: err instanceof TykTsError, code: err.code, exitCode: err.exitCode, message: err.message };
}
console.log(JSON.stringify({ built, verified, inspected, linted, gate, plugin, served, published, failure }));
`;

const TYPED_USE = `
import { buildBundle, createServer, exitCodeFor, lint, verifyBundle, type BuildResult, type BundleReport, type LintResult, type TykTsServer } from "tyk-ts";

export async function release(manifest: string): Promise<boolean> {
  const built: BuildResult = await buildBundle({ manifest, output: "bundle.zip", key: "signing.pem" });
  const report: BundleReport = await verifyBundle(built.output, { publicKey: "signing.pub.pem" });
  const results: LintResult[] = (await lint({ paths: ["apis/"] })).results;
  const server: TykTsServer = await createServer({ root: ".", port: 0 });
  await server.close();
  // @ts-expect-error: a build needs an output path
  await buildBundle({ manifest });
  return report.accepted && exitCodeFor(results, { maxWarnings: 10 }) === 0;
}
`;

describe("import from \"tyk-ts\" in another project", () => {
  it("builds, verifies, inspects, lints, scaffolds and serves with plain-object results", async () => {
    const work = await tempDir();
    writeFileSync(path.join(project, "use.mjs"), USE_EVERY_FUNCTION);
    const { stdout } = await run(process.execPath, ["use.mjs", FIXTURES, work], { cwd: project, timeout: 30_000 });
    const r = JSON.parse(stdout);

    expect(r.built).toMatchObject({ signed: true, output: path.join(work, "site/bundle.zip"), files: [{ listed: "middleware.py" }, {}, {}] });
    expect(r.verified).toMatchObject({ accepted: true, signed: true, signatureChecked: true, checksum: r.built.checksum });
    expect(r.inspected).toMatchObject({ accepted: true, manifest: { driver: "python" }, checksum: { matches: true } });
    expect(r.linted.length).toBeGreaterThan(0);
    expect(r.linted[0]).toMatchObject({ filePath: expect.any(String), errorCount: expect.any(Number), messages: expect.any(Array) });
    expect(r.gate.rules).toEqual(expect.arrayContaining(["syntax", "unknown-field", "security/keyless-api", "ignore-without-reason"]));
    expect(r.gate.linted).toBe(r.linted.some((l: { errorCount: number }) => l.errorCount > 0) ? 1 : 0);
    expect([r.gate.overMax, r.gate.withinMax, r.gate.quiet, r.gate.failOnWarning]).toEqual([1, 0, 0, 1]);
    expect(r.plugin).toMatchObject({ driver: "lua", files: expect.arrayContaining(["manifest.json", "middleware.lua"]) });
    expect(r.served).toEqual({ status: 200, size: r.built.size });
    expect(r.published).toMatchObject({ dryRun: true, bundles: [{ base: "bundle", name: expect.stringMatching(/^bundle-[0-9a-f]{12}\.zip$/), upload: "planned" }], definitions: [] });
    expect(r.failure).toMatchObject({ isTykTsError: true, exitCode: 2 });
    expect(r.failure.message).toContain("manifest.json");
  });

  it("type-checks a TypeScript caller against the published declarations", async () => {
    writeFileSync(path.join(project, "release.ts"), TYPED_USE);
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, skipLibCheck: true, typeRoots: [path.join(ROOT, "node_modules/@types")], types: ["node"] },
        files: ["release.ts"],
      }),
    );
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project, timeout: 45_000 }).catch((err: { stdout: string }) => err);
    expect(result.stdout).toBe("");
  }, 60_000);
});

describe("the library examples in docs/distribution.md", () => {
  it("run in order in an empty folder", async () => {
    const doc = readFileSync(path.join(ROOT, "docs/distribution.md"), "utf8");
    const examples = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const work = await tempDir();
    for (const [i, code] of examples.entries()) {
      // Each example is a module of the user's project, run from the folder it works in.
      const file = path.join(project, `example-${i}.mjs`);
      writeFileSync(file, code);
      const r = await run(process.execPath, [file], { cwd: work, timeout: 30_000 }).catch((err: { code: number; stderr: string }) => err);
      expect((r as { code?: number }).code ?? 0, `example ${i + 1}:\n${code}\n${(r as { stderr: string }).stderr}`).toBe(0);
    }
  }, 60_000);
});
