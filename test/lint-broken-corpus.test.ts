/**
 * Broken copies of real files (fixtures/corpus, provenance in fixtures/corpus/SOURCES.tsv): each
 * copy has one mistake people make, and the finding must be on the line of the mistake and name the
 * key that was meant.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import type { LintMessage } from "../src/lint/types.js";
import { FIXTURES } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const corpus = (file: string) => readFileSync(path.join(FIXTURES, "corpus", file), "utf8");

/** The text with `from` replaced once (it must be there). */
function broken(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test bug: ${from} not in the file`);
  return text.replace(from, to);
}

function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`test bug: ${needle} not in text`);
  return i + 1;
}

async function lintOne(name: string, text: string): Promise<LintMessage[]> {
  const dir = await tempDir();
  await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
  await writeFile(path.join(dir, name), text);
  return (await lint({ paths: [name], cwd: dir })).results.flatMap((r) => r.messages);
}

describe("broken copies of real files", () => {
  it("tyk.conf.example (TykTechnologies/tyk): a key set twice names both lines and the value Go keeps", async () => {
    const text = broken(corpus("gateway-configs/TykTechnologies__tyk__tyk.conf.example"), '  "hash_keys": true,', '  "hash_keys": true,\n  "allow_master_keys": true,');
    const found = (await lintOne("tyk.conf", text)).filter((m) => m.ruleId === "duplicate-key");
    const first = lineOf(text, '"allow_master_keys": false');
    const second = lineOf(text, '"allow_master_keys": true');
    expect(found.map((m) => m.line)).toEqual([second]);
    expect(found[0]!.message).toBe(`\`allow_master_keys\` is written twice (line ${first}, column 3 and line ${second}, column 3): Go keeps the later value, so the gateway uses \`true\`; remove the other`);
  });

  it("tyk.conf.example: a TLS setting written at the top level belongs under http_server_options; data after the value is read by no one", async () => {
    const text = `${broken(corpus("gateway-configs/TykTechnologies__tyk__tyk.conf.example"), '  "hash_keys": true,', '  "hash_keys": true,\n  "min_version": 771,')}{"secret": "x"}\n`;
    const messages = await lintOne("tyk.conf", text);
    const misplaced = messages.find((m) => m.ruleId === "unknown-field" && m.message.includes("min_version"))!;
    expect(misplaced.line).toBe(lineOf(text, '"min_version": 771'));
    expect(misplaced.message).toContain("belongs under `http_server_options` (`http_server_options.min_version`)");
    const trailing = messages.find((m) => m.ruleId === "trailing-data")!;
    expect([trailing.line, trailing.severity]).toEqual([lineOf(text, '{"secret": "x"}'), 1]);
    expect(messages.filter((m) => m.ruleId === "syntax")).toEqual([]);
  });

  it("a Dashboard export (TykTechnologies/native-go-auth-middleware): misspelt envelope keys, each with what was meant", async () => {
    const original = corpus("classic-apis-dashboard-wrapped/TykTechnologies__native-go-auth-middleware__example_api_def.json");
    const text = broken(broken(original, '"user_group_owners"', '"user_group_ownesr"'), '"hook_references"', '"hook_referencse"');
    const found = (await lintOne("api.json", text)).filter((m) => m.ruleId === "unknown-field" && m.message.includes("Dashboard envelope"));
    expect(found.map((m) => [m.line, m.message])).toEqual([
      [lineOf(text, '"hook_referencse"'), expect.stringContaining("did you mean `hook_references`?")],
      [lineOf(text, '"user_group_ownesr"'), expect.stringContaining("did you mean `user_group_owners`?")],
    ]);
  });

  it("the same export with `api_definition` misspelt: still an envelope, and the Dashboard would import nothing", async () => {
    const original = corpus("classic-apis-dashboard-wrapped/TykTechnologies__native-go-auth-middleware__example_api_def.json");
    const text = broken(original, '"api_definition"', '"api_defintion"');
    const messages = await lintOne("api.json", text);
    const missing = messages.find((m) => m.ruleId === "missing-field")!;
    expect([missing.line, missing.severity]).toEqual([lineOf(text, '"api_defintion"'), 2]);
    expect(missing.message).toContain("did you mean `api_definition`?");
    // The definition inside is linted as it would be under the right key.
    expect(messages.filter((m) => m.ruleId === "unknown-kind")).toEqual([]);
  });

  it("a Tyk OAS API (TykTechnologies/tyk ci/tests) with `openapi` misspelt is still a Tyk OAS API, missing `openapi`", async () => {
    const text = broken(corpus("oas-apis/TykTechnologies__tyk__ci__tests__tracing__apps__test-multiauth-oas.json"), '"openapi"', '"opnapi"');
    const found = (await lintOne("oas.json", text)).filter((m) => m.ruleId === "missing-field");
    expect(found.map((m) => [m.line, m.severity])).toEqual([[lineOf(text, '"opnapi"'), 2]]);
    expect(found[0]!.message).toContain("did you mean `openapi`?");
  });

  it("the same Tyk OAS API with authentication switched off but its schemes left on: the gateway checks no credential", async () => {
    const text = broken(corpus("oas-apis/TykTechnologies__tyk__ci__tests__tracing__apps__test-multiauth-oas.json"), '"authentication": {\n                "enabled": true', '"authentication": {\n                "enabled": false');
    const found = (await lintOne("oas.json", text)).filter((m) => m.ruleId === "security/keyless-with-auth");
    expect(found.map((m) => m.line)).toEqual([lineOf(text, '"authentication": {') + 1]);
  });

  it("a Classic API (TykTechnologies/tyk apps/) with its listen path at the top level: it belongs under proxy", async () => {
    const text = broken(corpus("classic-apis/TykTechnologies__tyk__apps__coprocess_grpc_app_sample_protected.json"), '    "use_keyless": true,', '    "use_keyless": true,\n    "listen_path": "/grpc/",');
    const found = (await lintOne("app.json", text)).filter((m) => m.ruleId === "unknown-field" && m.message.includes("`listen_path`"));
    expect(found.map((m) => [m.line, m.message])).toEqual([[lineOf(text, '"listen_path": "/grpc/"'), expect.stringContaining("`listen_path` belongs under `proxy` (`proxy.listen_path`)")]]);
  });
});
