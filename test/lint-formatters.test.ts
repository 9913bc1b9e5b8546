/**
 * Output formats: SARIF 2.1.0 structure (one rule entry per rule, with help), GitHub annotation
 * escaping, GitLab fingerprints that survive re-runs and line shifts, JUnit XML that a real XML
 * parser reads, and the stylish summary.
 */
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import { formatters, type FormatContext } from "../src/lint/formatters/index.js";
import { escapeData, escapeProperty } from "../src/lint/formatters/github.js";
import { ruleCatalog } from "../src/lint/rules/index.js";
import type { LintResult } from "../src/lint/types.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const context: FormatContext = { rules: ruleCatalog(), cwd: "/repo", toolVersion: "9.9.9", color: new Chalk({ level: 0 }) };

const results: LintResult[] = [
  {
    filePath: "apps/a,b:c.json",
    kind: "classic-api",
    errorCount: 1,
    warningCount: 1,
    messages: [
      { ruleId: "listen-path-slash", severity: 2, message: 'listen path "a/" must start with "/"', line: 3, column: 20, endLine: 3, endColumn: 24, pointer: "/proxy/listen_path" },
      { ruleId: "unknown-field", severity: 1, message: "100% odd:\r\nline two, <b> & \"quotes\"", line: 7, column: 5, endLine: 7, endColumn: 11, pointer: "/x" },
    ],
  },
  { filePath: "apps/clean.json", kind: "tyk-oas", errorCount: 0, warningCount: 0, messages: [] },
];

describe("sarif", () => {
  it("is a SARIF 2.1.0 log with one rule per rule, help texts, and located results", () => {
    const log = JSON.parse(formatters.sarif(results, context));
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: "tyk-ts", version: "9.9.9" });
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual(ruleCatalog().map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(["error", "warning", "none"]).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results).toHaveLength(2);
    const [first, second] = run.results;
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe("listen-path-slash");
    expect(first).toMatchObject({
      ruleId: "listen-path-slash",
      level: "error",
      message: { text: 'listen path "a/" must start with "/"' },
      locations: [{ physicalLocation: { artifactLocation: { uri: "apps/a%2Cb%3Ac.json", uriBaseId: "%SRCROOT%" }, region: { startLine: 3, startColumn: 20, endLine: 3, endColumn: 24 } } }],
    });
    expect(second.level).toBe("warning");
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe("file:///repo/");
  });
});

describe("github", () => {
  it("escapes % CR LF in messages and also : , in properties", () => {
    expect(escapeData("100% a\r\nb")).toBe("100%25 a%0D%0Ab");
    expect(escapeProperty("a,b:c%")).toBe("a%2Cb%3Ac%25");
    expect(formatters.github(results, context).split("\n")).toEqual([
      '::error file=apps/a%2Cb%3Ac.json,line=3,col=20,endLine=3,endColumn=24,title=tyk-ts listen-path-slash::listen path "a/" must start with "/"',
      '::warning file=apps/a%2Cb%3Ac.json,line=7,col=5,endLine=7,endColumn=11,title=tyk-ts unknown-field::100%25 odd:%0D%0Aline two, <b> & "quotes"',
      "",
    ]);
  });
});

describe("gitlab", () => {
  it("gives each problem a fingerprint that stays the same across runs and when lines move", async () => {
    const dir = await tempDir();
    const api = { name: "a", api_id: "a", proxy: { listen_path: "a/", listen_pth: 1, target_url: "ftp://x" }, version_data: { not_versioned: true } };
    await writeFile(path.join(dir, "a.json"), JSON.stringify(api, null, 2));
    const report = async () => JSON.parse(formatters.gitlab((await lint({ paths: ["."], cwd: dir })).results, context)) as Array<Record<string, any>>;
    const first = await report();
    const again = await report();
    await writeFile(path.join(dir, "a.json"), `\n\n${JSON.stringify(api, null, 2)}`);
    const shifted = await report();

    expect(first.length).toBeGreaterThanOrEqual(3);
    const fingerprints = first.map((i) => i.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    expect(again.map((i) => i.fingerprint)).toEqual(fingerprints);
    expect(shifted.map((i) => i.fingerprint)).toEqual(fingerprints);
    expect(shifted[0]!.location.lines.begin).toBe(first[0]!.location.lines.begin + 2);
    expect(first[0]).toMatchObject({ type: "issue", check_name: expect.any(String), description: expect.any(String), severity: expect.stringMatching(/^(major|minor)$/), location: { path: "a.json" } });
  });

  it("keeps identical problems apart", () => {
    const twice: LintResult[] = [{ ...results[0]!, messages: [results[0]!.messages[0]!, results[0]!.messages[0]!] }];
    const [a, b] = JSON.parse(formatters.gitlab(twice, context));
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });
});

describe("junit", () => {
  it("is XML a real parser reads, with a failing test case per problem and a passing one per clean file", () => {
    const xml = formatters.junit([...results, { ...results[1]!, filePath: "ctrl\u0001.json" }], context);
    expect(xml).toContain('<testsuites name="tyk-ts lint" tests="4" failures="2" errors="0">');
    if (!hasTool("python3")) return;
    const summary = execFileSync(
      "python3",
      ["-c", "import sys, xml.etree.ElementTree as E; r=E.fromstring(sys.stdin.read()); print(len(r.findall('.//testcase')), len(r.findall('.//failure')), r.find('.//failure').get('message'))"],
      { input: xml, encoding: "utf8" },
    );
    expect(summary.trim()).toBe('4 2 listen path "a/" must start with "/"');
  });
});

describe("stylish", () => {
  it("groups problems per file and ends with a summary; prints nothing when all is clean", () => {
    expect(formatters.stylish(results, context)).toBe(
      [
        "",
        "apps/a,b:c.json",
        '  3:20  error    listen path "a/" must start with "/"  listen-path-slash',
        "  7:5   warning  100% odd:\r\nline two, <b> & \"quotes\"  unknown-field",
        "",
        "✖ 2 problems (1 error, 1 warning)",
        "",
      ].join("\n"),
    );
    expect(formatters.stylish([results[1]!], context)).toBe("");
  });
});

describe("json", () => {
  it("is the results as they are", () => {
    expect(JSON.parse(formatters.json(results, context))).toEqual(results);
  });
});
