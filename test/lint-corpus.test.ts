/**
 * Real files: no error on any file real gateways load, no crash on any file, and broken copies of
 * real files (wrong type, bad enum value, misspelt key, missing required field) reported with the
 * right rule at the exact line and column. Uses ../shared/corpus when present (CI has it), else the
 * licence-compatible sample in fixtures/corpus.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/json/parse.js";
import { lint } from "../src/lint/engine.js";
import { rules } from "../src/lint/rules/index.js";
import type { LintMessage } from "../src/lint/types.js";
import { FIXTURES, ROOT } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const SHARED_CORPUS = path.resolve(ROOT, "../shared/corpus");
const CORPUS = existsSync(SHARED_CORPUS) ? SHARED_CORPUS : path.join(FIXTURES, "corpus");
const SAMPLE = path.join(FIXTURES, "corpus");

// Listed as invalid in the corpus README: install templates with bare placeholders, and a manifest
// with a trailing comma. Everything else is a file a gateway loads.
const KNOWN_INVALID = new Set([
  "gateway-configs/TykTechnologies__tyk__ci__install__data__tyk.self_contained.conf",
  "gateway-configs/TykTechnologies__tyk__ci__install__data__tyk.with_dash.conf",
  "plugins/vverbani__tyk-plugins__python__vault/manifest.json",
]);

// Cross-file rules compare unrelated repositories here (every demo has an API on /httpbin/): they
// are tested on purpose-built sets of files elsewhere.
const CROSS_FILE_RULES = new Set(rules.filter((r) => r.checkProject).map((r) => r.id));

describe(`the corpus (${path.relative(ROOT, CORPUS)})`, () => {
  it("lints every file without crashing, and finds no error in the files gateways load", async () => {
    const results = (await lint({ paths: ["."], cwd: CORPUS })).results;
    const kinds = new Set(results.map((r) => r.kind));
    for (const kind of ["tyk-conf", "classic-api", "tyk-oas", "policy", "policies", "bundle-manifest"]) expect(kinds).toContain(kind);
    const errors: string[] = [];
    for (const r of results) {
      const found = r.messages.filter((m) => m.severity === 2 && !CROSS_FILE_RULES.has(m.ruleId));
      if (KNOWN_INVALID.has(r.filePath)) {
        expect(found.map((m) => m.ruleId)).toEqual(["syntax"]);
        continue;
      }
      for (const m of found) errors.push(`${r.filePath}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
      for (const m of r.messages) expect(m.line * m.column * m.endLine * m.endColumn).toBeGreaterThanOrEqual(1);
    }
    expect(errors).toEqual([]);
  });
});

interface Mutation {
  name: string;
  file: string;
  find: string;
  replace: string;
  rule: string;
  /** The text in `replace` the finding must point at (its first character). */
  at: string;
  message: RegExp;
}

// Each mutation names a snippet that occurs exactly once in a real file from fixtures/corpus.
const MUTATIONS: Mutation[] = [
  {
    name: "wrong type (a quoted boolean) in a Classic API",
    file: "classic-apis/TykTechnologies__tyk__ci__tests__python-plugins__src__apidef.json",
    find: '"use_keyless": true',
    replace: '"use_keyless": "true"',
    rule: "invalid-type",
    at: '"true"',
    message: /`use_keyless` must be a boolean \(true or false\); found a string "true"; remove the quotes/,
  },
  {
    name: "misspelt key in a Classic API",
    file: "classic-apis/TykTechnologies__tyk__ci__tests__python-plugins__src__apidef.json",
    find: '"listen_path": "/pyplugin/"',
    replace: '"listen_pth": "/pyplugin/"',
    rule: "unknown-field",
    at: '"listen_pth"',
    message: /unknown field `listen_pth` in `proxy`: the gateway ignores it; did you mean `listen_path`\?/,
  },
  {
    name: "bad enum value in a bundle manifest",
    file: "plugins/TykTechnologies__tyk__ci__tests__python-plugins__src/manifest.json",
    find: '"driver": "python"',
    replace: '"driver": "pyhton"',
    rule: "invalid-value",
    at: '"pyhton"',
    message: /`custom_middleware.driver` must be one of .*"python".*; found "pyhton"; did you mean "python"\?/,
  },
  {
    name: "wrong type (a quoted number) in tyk.conf",
    file: "gateway-configs/TykTechnologies__tyk__tyk.conf.example",
    find: '"listen_port": 8080',
    replace: '"listen_port": "8080"',
    rule: "invalid-type",
    at: '"8080"',
    message: /`listen_port` must be an integer; found a string "8080"; remove the quotes/,
  },
  {
    name: "wrong type inside a policies.json map",
    file: "policies/TykTechnologies__tyk__policies__policies.json",
    find: '"rate": 1000',
    replace: '"rate": "fast"',
    rule: "invalid-type",
    at: '"fast"',
    message: /`rate` must be a number; found a string "fast"/,
  },
  {
    name: "missing required field in the OpenAPI part of a Tyk OAS API",
    file: "oas-apis/TykTechnologies__tyk__ci__tests__tracing__apps__test-multiauth-oas.json",
    find: '"title": "MultiAuthTestAPI",',
    replace: "",
    rule: "openapi-schema",
    at: '"info"',
    message: /OpenAPI 3\.0: `info` is missing the required field `title`/,
  },
  {
    name: "wrong type in the x-tyk-api-gateway extension",
    file: "oas-apis/TykTechnologies__tyk__ci__tests__tracing__apps__test-multiauth-oas.json",
    find: '"strip": true',
    replace: '"strip": 1',
    rule: "invalid-type",
    at: "1",
    message: /`x-tyk-api-gateway.server.listenPath.strip` must be a boolean \(true or false\); found the number 1/,
  },
  {
    name: "a key spelt with other capitals, which the gateway still reads",
    file: "gateway-configs/TykTechnologies__tyk__tyk.conf.example",
    find: '"hash_keys": true',
    replace: '"Hash_Keys": true',
    rule: "field-case",
    at: '"Hash_Keys"',
    message: /`Hash_Keys` is read by the gateway as `hash_keys`/,
  },
];

describe("mutations of real files", () => {
  for (const m of MUTATIONS) {
    it(`${m.name}: ${m.rule} at the exact position`, async () => {
      const original = readFileSync(path.join(SAMPLE, m.file), "utf8");
      expect(original.split(m.find)).toHaveLength(2); // the snippet is unique
      const mutated = original.replace(m.find, m.replace);
      const dir = await tempDir();
      const name = path.basename(m.file);
      await writeFile(path.join(dir, name), mutated);

      const [before] = (await lint({ paths: [path.join(SAMPLE, m.file)], cwd: SAMPLE })).results;
      const [after] = (await lint({ paths: [name], cwd: dir })).results;
      // Only the mutation's rule: other rules may react to the changed value too (a quoted `true` is not true).
      const introduced = after!.messages.filter((x) => x.ruleId === m.rule && !before!.messages.some((y) => sameFinding(x, y)));
      // A replaced snippet is pointed at directly; for a removed member, the key of its parent object.
      const offset = m.replace ? mutated.indexOf(m.replace) + m.replace.indexOf(m.at) : mutated.lastIndexOf(m.at, original.indexOf(m.find));
      const expected = new LineIndex(mutated).position(offset);
      expect(introduced).toHaveLength(1);
      expect(introduced[0]).toMatchObject({ ruleId: m.rule, line: expected.line, column: expected.column });
      expect(introduced[0]!.message).toMatch(m.message);
    });
  }
});

function sameFinding(a: LintMessage, b: LintMessage): boolean {
  return a.ruleId === b.ruleId && a.pointer === b.pointer && a.message === b.message;
}
