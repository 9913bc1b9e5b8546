/**
 * `tyk-ts lint` and `tyk-ts schema` through the built CLI: exit codes, results on stdout only,
 * everything else on stderr, -f/-o pairs, and the linted files left untouched.
 */
import { readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const clean = {
  name: "Orders",
  api_id: "orders",
  active: true,
  use_keyless: false,
  use_standard_auth: true,
  strip_auth_data: true,
  version_data: { not_versioned: true, versions: { Default: { name: "Default" } } },
  proxy: { listen_path: "/orders/", target_url: "https://orders.example.com", strip_listen_path: true },
};
const withError = { ...clean, api_id: "broken", proxy: { ...clean.proxy, listen_path: "/broken/", target_url: "orders.example.com" } };
const withWarning = { ...clean, api_id: "typo", proxy: { ...clean.proxy, listen_path: "/typo/", strip_listen_pth: true } };

/** 1-based line of `snippet` in `value` written as pretty JSON. */
function lineOf(value: unknown, snippet: string): number {
  return JSON.stringify(value, null, 2).split("\n").findIndex((l) => l.includes(snippet)) + 1;
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await mkdir(path.join(dir, "apps"));
  await writeFile(path.join(dir, "apps/clean.json"), `${JSON.stringify(clean, null, 2)}\n`);
  await writeFile(path.join(dir, "error.json"), `${JSON.stringify(withError, null, 2)}\n`);
  await writeFile(path.join(dir, "warning.json"), `${JSON.stringify(withWarning, null, 2)}\n`);
  await writeFile(path.join(dir, "package.json"), '{"name": "not-tyk"}\n');
});

describe("tyk-ts lint", () => {
  it("exits 0 for clean files: nothing on stdout, a one-line summary on stderr", async () => {
    const r = await runCli(["lint", "apps"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: "" });
    expect(r.stderr).toMatch(/^✔ \d+ files? checked, no problems\n$/);
  });

  it("exits 1 on errors, with the report on stdout and nothing on stderr", async () => {
    const r = await runCli(["lint", "error.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("error.json");
    expect(r.stdout).toMatch(new RegExp(`${lineOf(withError, '"target_url"')}:19 +error +\`proxy.target_url\` "orders.example.com" is not an absolute URL.*target-url`));
    expect(r.stdout).toContain("✖ 1 problem (1 error, 0 warnings)");
  });

  it("writes valid JSON in the documented shape with -f json", async () => {
    const r = await runCli(["lint", "-f", "json", "error.json", "warning.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const results = JSON.parse(r.stdout);
    expect(results.map((x: { filePath: string }) => x.filePath)).toEqual(["error.json", "warning.json"]);
    expect(results[1]).toEqual({
      filePath: "warning.json",
      kind: "classic-api",
      errorCount: 0,
      warningCount: 1,
      messages: [
        {
          ruleId: "unknown-field",
          severity: 1,
          message: "unknown field `strip_listen_pth` in `proxy`: the gateway ignores it; did you mean `strip_listen_path`?",
          line: lineOf(withWarning, "strip_listen_pth"),
          column: 5,
          endLine: lineOf(withWarning, "strip_listen_pth"),
          endColumn: 23,
          pointer: "/proxy/strip_listen_pth",
        },
      ],
    });
  });

  it("pairs each -o with the -f before it; stdout keeps the formats without a file", async () => {
    const ok = await runCli(["lint", "-f", "sarif", "-o", "out/lint.sarif", "-f", "json", "-f", "github", "-o", "annotations.txt", "warning.json"], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`created folder out${path.sep}`); // out/ did not exist
    expect(JSON.parse(ok.stdout)[0].filePath).toBe("warning.json");
    expect(JSON.parse(readFileSync(path.join(dir, "out/lint.sarif"), "utf8")).version).toBe("2.1.0");
    expect(readFileSync(path.join(dir, "annotations.txt"), "utf8")).toMatch(new RegExp(`^::warning file=warning.json,line=${lineOf(withWarning, "strip_listen_pth")},col=5,`));
  });

  it("fails on warnings over --max-warnings or with --fail-severity warning; --quiet hides them", async () => {
    const over = await runCli(["lint", "--max-warnings", "0", "warning.json"], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain("1 warnings, more than --max-warnings 0");
    expect((await runCli(["lint", "--max-warnings", "1", "warning.json"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["lint", "--fail-severity", "warning", "warning.json"], { cwd: dir })).code).toBe(1);
    const quiet = await runCli(["lint", "--quiet", "warning.json", "error.json"], { cwd: dir });
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).not.toContain("warning.json");
    expect(quiet.stdout).toContain("error.json");
  });

  it("exits 2 on usage errors and unreadable paths, with the reason on stderr and nothing on stdout", async () => {
    for (const args of [["-f", "xml", "."], ["--kind", "nonsense", "."], ["missing.json"], ["'apps/*.yaml'".slice(1, -1)], ["--max-warnings", "many", "."]]) {
      const r = await runCli(["lint", ...args], { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(r.stderr.length, args.join(" ")).toBeGreaterThan(0);
    }
    expect((await runCli(["lint", "-f", "xml", "."], { cwd: dir })).stderr).toContain('unknown format "xml"');
    expect((await runCli(["lint", "missing.json"], { cwd: dir })).stderr).toContain("missing.json does not exist");
  });

  it("lists skipped files with --verbose, on stderr", async () => {
    const r = await runCli(["lint", "--verbose", "."], { cwd: dir });
    expect(r.stderr).toContain("skipped package.json: not a Tyk document");
    expect(r.stdout).not.toContain("package.json");
  });

  it("never writes to the files it checks", async () => {
    const file = path.join(dir, "error.json");
    const before = { text: readFileSync(file, "utf8"), mtime: statSync(file).mtimeMs };
    await runCli(["lint", "-f", "json", "error.json"], { cwd: dir });
    expect({ text: readFileSync(file, "utf8"), mtime: statSync(file).mtimeMs }).toEqual(before);
  });

  it("lists every rule with --list-rules", async () => {
    const r = await runCli(["lint", "--list-rules"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^listen-path-slash +error +A listen path must start with `\/`\.$/m);
    expect(r.stdout).toMatch(/^unknown-field +warning /m);
  });
});

describe("tyk-ts schema", () => {
  it("prints a schema, or its path", async () => {
    const r = await runCli(["schema", "classic-api"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).$id).toBe("https://tyk-ts.dev/schemas/v1/classic-api.schema.json");
    const oas = await runCli(["schema", "tyk-oas"]);
    expect(JSON.parse(oas.stdout).$id).toBe("https://tyk-ts.dev/schemas/v1/tyk-oas-extension.schema.json");
    const policies = JSON.parse((await runCli(["schema", "policies"])).stdout);
    expect(policies.additionalProperties).toEqual({ $ref: "policy.schema.json" });
    const located = await runCli(["schema", "tyk-conf", "--path"]);
    if (process.env.TYK_TS_BIN) {
      // The single executable embeds its schemas: there is no path to print, and it says so.
      expect(located.code).toBe(2);
      expect(located.stderr).toContain("tyk-ts schema tyk-conf >");
    } else {
      expect(JSON.parse(readFileSync(located.stdout.trim(), "utf8")).$id).toBe("https://tyk-ts.dev/schemas/v1/tyk-conf.schema.json");
    }
  });

  it("exits 2 for an unknown kind, naming the known ones", async () => {
    const r = await runCli(["schema", "apis"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('unknown kind "apis"');
    expect(r.stderr).toContain("classic-api");
  });
});
