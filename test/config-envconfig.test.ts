/**
 * parseEnvValue against kelseyhightower/envconfig itself: a Go program (test/support/envconfig-oracle)
 * runs envconfig.Process on a one-field struct for each value, and the verdicts and error texts must
 * match. The oracle builds against Debian's golang-github-kelseyhightower-envconfig-dev (v1.3.0;
 * tyk pins v1.4.0). The two differ only for blank list and map values (v1.4.0 gives an empty
 * list/map, v1.3.0 a list of one "" and an error): those are tested against v1.4.0's source below.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EnvKind, parseEnvValue } from "../src/config/envconfig.js";
import { envconfigError } from "../src/config/effective.js";
import { deriveEnvFields, envKindOf, type ConfigField, type EnvField } from "../src/config/env-names.js";
import { ROOT } from "./helpers/cli.js";
import { hasGo } from "./helpers/gateway-loader.js";

const ENVCONFIG_SRC = "/usr/share/gocode/src/github.com/kelseyhightower/envconfig";
const canRun = hasGo && existsSync(ENVCONFIG_SRC);

/** The Go types the gateway's config uses, with the inventory's JSON type. */
const GO_TYPES: Record<string, { type: string; values?: string; items?: string }> = {
  bool: { type: "boolean" },
  int: { type: "integer" },
  int8: { type: "integer" },
  int32: { type: "integer" },
  int64: { type: "integer" },
  uint16: { type: "integer" },
  uint64: { type: "integer" },
  float32: { type: "number" },
  float64: { type: "number" },
  "time.Duration": { type: "integer" },
  string: { type: "string" },
  "[]string": { type: "array", items: "string" },
  "[]int": { type: "array", items: "integer" },
  "map[string]string": { type: "object", values: "string" },
  "map[string]int": { type: "object", values: "integer" },
};

function field(goType: string): EnvField {
  const kind = envKindOf({ goType, ...GO_TYPES[goType]! }) as EnvKind;
  return { name: "TYK_GW_V", path: "v", goField: "V", goType, envKind: kind };
}

type Verdict = { value: unknown } | { error: string };

function ours(goType: string, raw: string): Verdict {
  const f = field(goType);
  const r = parseEnvValue(f.envKind, raw);
  if (!r.ok) return { error: envconfigError(f, raw, r.error) };
  return { value: r.value };
}

let oracleBinary: string | undefined;
function buildOracle(): string {
  return (oracleBinary ??= (() => {
    const out = path.join(os.tmpdir(), `tyk-ts-envconfig-oracle-${process.pid}`);
    execFileSync("go", ["build", "-o", out, "."], {
      cwd: path.join(ROOT, "test/support/envconfig-oracle"),
      env: { ...process.env, GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), CGO_ENABLED: "0" },
      stdio: "pipe",
    });
    return out;
  })());
}

function oracle(cases: Array<{ type: string; value: string }>): Verdict[] {
  const input = cases.map((c) => JSON.stringify(c)).join("\n");
  return execFileSync(buildOracle(), { input, encoding: "utf8", maxBuffer: 64 << 20 })
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Verdict);
}

/** Floats come back from Go as strconv.FormatFloat text; compare them as numbers of the field's width. */
function same(goType: string, got: Verdict, want: Verdict): boolean {
  if ("error" in want || "error" in got) return JSON.stringify(got) === JSON.stringify(want);
  if (goType.startsWith("float")) {
    const w = Number((want.value as string).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    const g = got.value as number;
    if (Number.isNaN(w)) return Number.isNaN(g);
    return goType === "float32" ? Math.fround(w) === Math.fround(g) : w === g;
  }
  // Go's JSON encoder sorts map keys.
  const sorted = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v);
  return JSON.stringify(sorted(got.value)) === JSON.stringify(sorted(want.value));
}

const blankCollection = (goType: string, raw: string) => /^(\[\]|map)/.test(goType) && raw.trim() === "";

function compare(cases: Array<{ type: string; value: string }>): void {
  const usable = cases.filter((c) => !blankCollection(c.type, c.value));
  const want = oracle(usable);
  const mismatches = usable.map((c, i) => ({ ...c, ours: ours(c.type, c.value), go: want[i]! })).filter((m) => !same(m.type, m.ours, m.go));
  expect(mismatches).toEqual([]);
}

const EXAMPLES: Record<string, string[]> = {
  bool: ["true", "True", "TRUE", "t", "T", "1", "0", "f", "F", "false", "FALSE", "False", "yes", "no", "on", "", " true", "tRUE", "2"],
  int: ["0", "8080", "-1", "+5", "010", "08", "0x1F", "0X1f", "0o17", "0b101", "1_000", "_1", "1__0", "1_", "0x_1f", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "", " 1", "1 ", "1.0", "1e3", "0x", "0b", "abc"],
  int8: ["127", "128", "-128", "-129", "0x7f", "0x80"],
  int32: ["2147483647", "2147483648", "-2147483648"],
  int64: ["9223372036854775807", "1e3"],
  uint16: ["0", "65535", "65536", "-1", "+1", "0x303", "771", "0o1403"],
  uint64: ["18446744073709551615", "18446744073709551616", "-0"],
  float32: ["1.5", "3.4028235e38", "3.5e38", "1e-50", "inf", "-Inf", "NaN", "+nan", "1_0.5", "0x1p-2", "0x10", "1e", ".5", "1.", "", "5%"],
  float64: ["0.5", "1e308", "1e309", "-1e309", "1_000.5", "0x1.8p1", "0x1_0p0", "infinity", "+Infinity", "nan", "1__0", "0_1", "._5", "1e1_0", "0.5 "],
  "time.Duration": ["10s", "1h30m", "1.5h", "300ms", "2us", "2µs", "2μs", "0", "-0", "+0", "10", "10000000000", "", ".s", "1.s", "-1m", "+5s", "1hh", "5 s", "1d", "9223372036854775807ns", "9223372036854775808ns", "2562047h", "2562048h", "1.000000000001s"],
  string: ["", "x", "a b", "héllo", "env://x"],
  "[]string": ["a", "a,b", "a, b", ",", "a,,b", "1.2.3.4,5.6.7.8"],
  "[]int": ["1,2", "1, 2", "1,x", "0x10,010"],
  "map[string]string": ["a:b", "a:b,c:d", "*:/certs/default.pem,example.com:ab23ef123", "a:b:c", "a", "a:", ":b", "a:b,", "k1:http://x"],
  "map[string]int": ["a:1", "a:x", "a:1,b:0x10"],
};

if (!canRun) it.skip("parseEnvValue = envconfig.Process: skipped, needs go and golang-github-kelseyhightower-envconfig-dev", () => {});

describe.skipIf(!canRun)("names: deriveEnvFields = envconfig's own (Go oracle)", () => {
  it("names a struct with tyk's shapes as envconfig.Usage does: nested, embedded, pointer, Decoder, maps", () => {
    // The inventory rows of the oracle's Config (test/support/envconfig-oracle/main.go), as the
    // extractor writes them: JSON paths, Go paths with embedded struct names, Go types.
    const rows: ConfigField[] = [
      { path: "hostname", type: "string", goPath: "HostName", goType: "string" },
      { path: "storage", type: "object", goPath: "Storage", goType: "struct{...}" },
      { path: "storage.host", type: "string", goPath: "Storage.Host", goType: "string" },
      { path: "storage.port", type: "integer", goPath: "Storage.Port", goType: "int" },
      { path: "drl_threshold", type: "number", goPath: "RateLimit.DRLThreshold", goType: "float64" },
      { path: "enable_fixed_window_rate_limiter", type: "boolean", goPath: "RateLimit.EnableFixedWindowRateLimiter", goType: "bool" },
      { path: "tracing", type: "object", goPath: "Tracer", goType: "struct{...}" },
      { path: "tracing.name", type: "string", goPath: "Tracer.Name", goType: "string" },
      { path: "tracing.options", type: "object", goPath: "Tracer.Options", goType: "map[string]interface{}", values: "any" },
      { path: "traces", type: "object", goPath: "Traces", goType: "main.TracesConfig", pointer: true },
      { path: "traces.enabled", type: "boolean", goPath: "Traces.Base.Enabled", goType: "bool" },
      { path: "traces.exporter", type: "object", goPath: "Traces.Base.Exporter", goType: "struct{...}" },
      { path: "traces.exporter.endpoint", type: "string", goPath: "Traces.Base.Exporter.Endpoint", goType: "string" },
      { path: "traces.extra", type: "integer", goPath: "Traces.Extra", goType: "int" },
      { path: "certificates", type: "array", goPath: "Certificates", goType: "config.CertsData", items: "object" },
      { path: "secrets", type: "object", goPath: "Secrets", goType: "map[string]string", values: "string" },
      { path: "events", type: "object", goPath: "Events", goType: "map[string][]Trigger", values: "array" },
      { path: "duration", type: "integer", goPath: "Duration", goType: "time.Duration" },
    ];
    const goNames = execFileSync(buildOracle(), ["names"], { encoding: "utf8" }).trim().split("\n");
    expect(deriveEnvFields(rows).map((f) => f.name)).toEqual(goNames);
  });
});

describe.skipIf(!canRun)("parseEnvValue = envconfig.Process (Go oracle)", () => {
  it("hand-picked values of every Go type the config uses", () => {
    compare(Object.entries(EXAMPLES).flatMap(([type, values]) => values.map((value) => ({ type, value }))));
  });

  it("random values, shaped like what people type", () => {
    const number = fc.stringMatching(/^[+-]?(0[xXoObB])?[0-9a-fA-F_.]{0,8}([eEpP][+-]?[0-9_]{0,3})?$/);
    const duration = fc.stringMatching(/^[+-]?([0-9]{0,4}(\.[0-9]{0,3})?(ns|us|µs|ms|s|m|h|d|x)?){1,3}$/);
    const any = fc.string({ maxLength: 8 });
    const cases: Array<{ type: string; value: string }> = [];
    for (const type of ["int", "int8", "int32", "uint16", "uint64"]) for (const value of fc.sample(fc.oneof(number, any), 300)) cases.push({ type, value });
    for (const type of ["float32", "float64"]) for (const value of fc.sample(fc.oneof(number, any, fc.double().map(String)), 300)) cases.push({ type, value });
    for (const value of fc.sample(fc.oneof(duration, any), 400)) cases.push({ type: "time.Duration", value });
    for (const value of fc.sample(fc.oneof(any, fc.constantFrom("true", "1", "F", "valueOf", "constructor", "__proto__")), 200)) cases.push({ type: "bool", value });
    for (const value of ["1constructor", "1__proto__", "1valueOf"]) cases.push({ type: "time.Duration", value });
    for (const value of fc.sample(fc.stringMatching(/^[a-z0-9:, ]{1,12}$/), 300)) cases.push({ type: "map[string]string", value }, { type: "[]int", value });
    compare(cases);
  });
});

describe("blank lists and maps (envconfig v1.4.0, processField: `len(strings.TrimSpace(value)) != 0`)", () => {
  it("a blank value gives an empty list or map, as tyk's pinned envconfig does", () => {
    expect(parseEnvValue(field("[]string").envKind, "")).toEqual({ ok: true, value: [] });
    expect(parseEnvValue(field("[]string").envKind, "  ")).toEqual({ ok: true, value: [] });
    expect(parseEnvValue(field("map[string]string").envKind, "")).toEqual({ ok: true, value: {} });
  });
});
