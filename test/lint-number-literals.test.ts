/**
 * Numbers in Go number fields, with Go's encoding/json as the oracle: `8080.0`, `1e3`, `-0` in a
 * uint and integers past a type's range are refused by Go (decode.go literalStore parses the
 * literal's text) although JSON.parse reads most of them as whole numbers; 1e400 is refused everywhere.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tykConfFields } from "../src/config/tyk-conf-fields.js";
import { lint } from "../src/lint/engine.js";
import { goRefusesNumber, mayHaveNumberLiterals } from "../src/lint/read/number-literals.js";
import { census } from "../src/lint/read/census.js";
import { runCli, FIXTURES } from "./helpers/cli.js";
import { goJson, hasGo } from "./helpers/go-json.js";
import { tempDir } from "./helpers/tmp.js";

const LITERALS = [
  "8080", "8080.0", "8080.5", "1e3", "1E3", "1e+3", "1.5e3", "1e-3", "0", "-0", "-0.0", "0.0", "0e0", "-1", "127", "128", "255", "256",
  "32767", "32768", "65535", "65536", "2147483647", "2147483648", "-2147483649", "4294967295", "4294967296", "9007199254740993",
  "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
  "18446744073709551616", "100000000000000000000", "1e400", "-1e400", "3.4e38", "3.5e38", "1e-400",
];
const NUMBER_TYPES = ["int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "time.Duration", "float32", "float64"];

/** Go type → literal → whether json.Unmarshal refuses it. */
function goVerdicts(): Map<string, Map<string, boolean>> {
  const lines = goJson(["numbers"], `${LITERALS.join("\n")}\n`).trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
  const out = new Map<string, Map<string, boolean>>();
  LITERALS.forEach((literal, i) => {
    for (const [type, error] of Object.entries(lines[i]!)) {
      if (!out.has(type)) out.set(type, new Map());
      out.get(type)!.set(literal, error !== "");
    }
  });
  return out;
}

describe("number literals in Go number fields", () => {
  it.skipIf(!hasGo)("goRefusesNumber agrees with Go for every number type", () => {
    const go = goVerdicts();
    for (const type of NUMBER_TYPES) {
      for (const literal of LITERALS) expect({ type, literal, refused: goRefusesNumber(literal, type) }).toEqual({ type, literal, refused: go.get(type)!.get(literal) });
    }
  });

  it.skipIf(!hasGo)("lint reports an error on a tyk.conf field exactly when Go refuses the number there", async () => {
    const go = goVerdicts();
    // One top-level field of each Go number type tyk.conf has, with the type's own bounds.
    const overridden = new Set(["listen_port", "control_api_port", "storage.port"]);
    const fields = new Map<string, string>();
    for (const f of tykConfFields()) {
      if ((f.type === "integer" || f.type === "number") && !/[[*]/.test(f.path) && !overridden.has(f.path) && !fields.has(f.goType)) fields.set(f.goType, f.path);
    }
    expect([...fields.keys()].sort()).toEqual(["float32", "float64", "int", "int32", "int64", "time.Duration", "uint16", "uint64"]);
    const dir = await tempDir();
    const cases: Array<{ file: string; type: string; field: string; literal: string }> = [];
    for (const [type, field] of fields) {
      LITERALS.forEach((literal, i) => {
        const file = `${type}-${i}.json`;
        cases.push({ file, type, field, literal });
      });
    }
    await Promise.all(
      cases.map(({ file, field, literal }) => {
        // The field nested by its path, written out by hand so the literal stays as it is.
        const keys = field.split(".");
        const inner = keys.reduceRight((acc, key) => `{"${key}": ${acc}}`, literal);
        const text = `{"secret": "b3f1c0d9e8a7465fa2c4e6d8f0a1b3c5", "hash_keys": true, "control_api_port": 8081, "app_path": "apps",\n "${keys[0]}": ${inner.slice(inner.indexOf(":") + 2, -1)}}\n`;
        return writeFile(path.join(dir, file), text);
      }),
    );
    const { results } = await lint({ paths: ["."], cwd: dir, kind: "tyk-conf" });
    const mismatches: string[] = [];
    for (const c of cases) {
      const result = results.find((r) => path.basename(r.filePath) === c.file)!;
      const pointer = `/${c.field.replaceAll(".", "/")}`;
      const errors = result.messages.filter((m) => m.severity === 2 && m.pointer === pointer);
      const refused = go.get(c.type)!.get(c.literal)!;
      if ((errors.length > 0) !== refused) mismatches.push(`${c.type} ${c.field} = ${c.literal}: Go ${refused ? "refuses" : "takes"} it, lint ${errors.length > 0 ? `says ${errors.map((e) => e.message).join(" | ")}` : "says nothing"}`);
      if (errors.length > 1) mismatches.push(`${c.type} ${c.field} = ${c.literal}: ${errors.length} errors for one number`);
    }
    expect(mismatches).toEqual([]);
  });

  it("the quick test finds number tokens, not digits in strings", () => {
    const quick = (text: string) => mayHaveNumberLiterals(text, census(JSON.parse(text)).unusualNumber);
    expect(quick('{"a": 8080.0}')).toBe(true);
    expect(quick('{"a":[1,2e3]}')).toBe(true);
    expect(quick('{"a":[1,\n  -2E3]}')).toBe(true);
    expect(quick('8e2')).toBe(true);
    expect(quick('{"a": -0}')).toBe(true);
    expect(quick('{"a": 1.5}')).toBe(true);
    expect(quick('{"a": 12345678901234567}')).toBe(true);
    expect(quick('{"a": 1e400}')).toBe(true);
    expect(quick('{"api_id": "5e9d9544a1dcd60001d0ed20", "version": "1.0.0", "host": "10.0.0.1", "a": 8080, "b": -1, "c": 0, "d": [1, 2]}')).toBe(false);
  });

  it("Tyk OAS: only numbers inside x-tyk-api-gateway; float fields and strings are left alone", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "apps"));
    const oas = {
      openapi: "3.0.3",
      info: { title: "T", version: "1.0.0" },
      paths: {},
      components: { schemas: { Level: { type: "integer", maximum: "@100.0@", description: "limit: 2.5e3" } } },
      "x-tyk-api-gateway": {
        info: { name: "T", state: { active: true } },
        upstream: { url: "http://t.internal/", rateLimit: { enabled: true, rate: "@10.0@", per: "1s" } },
        server: { listenPath: { value: "/t/", strip: true } },
      },
    };
    await writeFile(path.join(dir, "apps/oas.json"), JSON.stringify(oas, null, 2).replace(/"@([^@]+)@"/g, "$1"));
    const { results } = await lint({ paths: ["."], cwd: dir });
    const messages = results.flatMap((r) => r.messages.filter((m) => m.ruleId === "invalid-type"));
    // rateLimit.rate is an int in oas.RateLimit: 10.0 is refused; the OpenAPI part is not Go structs.
    expect(messages.map((m) => m.pointer)).toEqual(["/x-tyk-api-gateway/upstream/rateLimit/rate"]);
  });

  it("JSON kept in a ConfigMap is checked at its line; Operator YAML is left to Kubernetes", async () => {
    const dir = await tempDir();
    const configMap = [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: tyk-gateway-conf",
      "data:",
      "  tyk.conf: |-",
      "    {",
      '      "listen_port": 8080,',
      '      "secret": "b3f1c0d9e8a7465fa2c4e6d8f0a1b3c5",',
      '      "hash_keys": true,',
      '      "control_api_port": 8081.0',
      "    }",
      "",
    ].join("\n");
    // The API server reads YAML numbers itself before the Operator sees them (not Go's literalStore).
    const operator = [
      "apiVersion: tyk.tyk.io/v1alpha1",
      "kind: ApiDefinition",
      "metadata:",
      "  name: orders",
      "spec:",
      "  name: Orders",
      "  use_keyless: true",
      "  active: true",
      "  proxy:",
      "    listen_path: /orders/",
      "    target_url: http://orders.internal/",
      "  cache_options:",
      "    cache_timeout: 60.0",
      "",
    ].join("\n");
    await writeFile(path.join(dir, "gateway.yaml"), configMap);
    await writeFile(path.join(dir, "api.yaml"), operator);
    const { results } = await lint({ paths: ["."], cwd: dir });
    const found = results.flatMap((r) => r.messages.filter((m) => m.ruleId === "invalid-type").map((m) => ({ file: path.basename(r.filePath), line: m.line, column: m.column })));
    expect(found).toEqual([{ file: "gateway.yaml", line: 11, column: 27 }]);
  });
});

describe("the CLI on a repository with such numbers", () => {
  it("reports each at its line and column, with Go's words and the fix, and exits 1", async () => {
    const r = await runCli(["lint", "--format", "json", "."], { cwd: path.join(FIXTURES, "number-literals") });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; severity: number; line: number; column: number; endColumn: number; message: string }> }>;
    const found = results.flatMap((res) => res.messages.filter((m) => m.ruleId === "invalid-type").map((m) => ({ file: res.filePath, line: m.line, column: m.column, endColumn: m.endColumn, severity: m.severity })));
    expect(found).toEqual([
      { file: "apps/api.json", line: 12, column: 39, endColumn: 42, severity: 2 },
      { file: "apps/oas.json", line: 10, column: 72, endColumn: 77, severity: 2 },
      { file: "policies/policies.json", line: 7, column: 18, endColumn: 21, severity: 2 },
      { file: "tyk.conf", line: 2, column: 18, endColumn: 24, severity: 2 },
      { file: "tyk.conf", line: 8, column: 79, endColumn: 82, severity: 2 },
    ]);
    const listen = results.find((res) => res.filePath.endsWith("tyk.conf"))!.messages.find((m) => m.line === 2)!;
    expect(listen.message).toBe("`listen_port` is 8080.0: Go cannot unmarshal number 8080.0 into a field of type int (an integer field is read from its digits alone: no fraction, no exponent), so config.Load fails and the gateway does not start; write 8080");
    // rate 10.0 and per 1.5 in the Classic API and rate 100.0 in the policy are float64 in Go: fine.
    expect(results.flatMap((res) => res.messages).some((m) => /rate|per\b/.test(m.message))).toBe(false);
  });
});
