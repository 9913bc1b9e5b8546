/**
 * .env files as docker compose reads them (compose-spec/compose-go v2, dotenv/parser.go). The
 * expectations follow that parser's rules, one case per rule, positions included.
 */
import { describe, expect, it } from "vitest";
import { DotenvSyntaxError, parseDotenv } from "../src/config/dotenv.js";

const values = (text: string, env: Record<string, string> = {}) => Object.fromEntries(parseDotenv(text, (n) => env[n]).entries.map((e) => [e.name, e.value]));

describe("parseDotenv", () => {
  it("reads KEY=value, KEY: value and export KEY=value, skipping comments and blank lines", () => {
    expect(values("# gateway\n\nA=1\nexport B=2\nC: 3\n  D = 4  \n")).toEqual({ A: "1", B: "2", C: "3", D: "4" });
  });

  it("cuts an unquoted value at ' #' but keeps a # without a space before it", () => {
    expect(values("A=abc # note\nB=abc#def\nC=#x\n")).toEqual({ A: "abc", B: "abc#def", C: "#x" });
  });

  it("keeps single-quoted values literal and expands escapes and variables in double quotes", () => {
    const v = values(`S='a\\nb $X'\nD="a\\nb $X \\$Y"\nQ='it\\'s'\nE="say \\"hi\\""\n`, { X: "x" });
    expect(v).toEqual({ S: "a\\nb $X", D: "a\nb x $Y", Q: "it's", E: 'say "hi"' });
  });

  it("takes quoted values over several lines", () => {
    expect(values('PEM="line1\nline2"\nNEXT=1\n')).toEqual({ PEM: "line1\nline2", NEXT: "1" });
  });

  it("interpolates ${VAR}, $VAR, defaults and earlier lines; $$ is a dollar", () => {
    const v = values("BASE=/opt\nA=${BASE}/tyk\nB=$BASE/x\nC=${MISSING:-fallback}\nD=${BASE:+set}\nE=$$literal\n");
    expect(v).toEqual({ BASE: "/opt", A: "/opt/tyk", B: "/opt/x", C: "fallback", D: "set", E: "$literal" });
  });

  it("warns when an interpolated variable is not set (compose substitutes an empty string)", () => {
    const r = parseDotenv("A=x\nB=${NOPE}\n");
    expect(r.entries.at(-1)).toMatchObject({ name: "B", value: "" });
    expect(r.warnings).toEqual([{ line: 2, column: 3, message: "${NOPE} is not set: compose substitutes an empty string" }]);
  });

  it("takes a bare KEY from the environment, and sets nothing when it has none", () => {
    expect(values("TYK_GW_SECRET\nOTHER\n", { TYK_GW_SECRET: "s3cret" })).toEqual({ TYK_GW_SECRET: "s3cret" });
  });

  it("reports the line and column of every name, and a name set twice", () => {
    const r = parseDotenv("# c\nA=1\n\n  export   B=2\nA=3\n");
    expect(r.entries.map((e) => [e.name, e.line, e.column])).toEqual([["A", 2, 1], ["B", 4, 12], ["A", 5, 1]]);
    expect(r.warnings).toEqual([{ line: 5, column: 1, message: "A is set again here; the last value wins" }]);
  });

  it("refuses what compose refuses, with the line", () => {
    expect(() => parseDotenv("A=1\nBAD KEY=2\n")).toThrow(DotenvSyntaxError);
    expect(() => parseDotenv("A=1\nB='open\n")).toThrow(/unterminated quoted value/);
    expect(() => parseDotenv("A=${REQUIRED:?set it}\n")).toThrow(/required variable REQUIRED is missing a value: set it/);
    try {
      parseDotenv("A=1\nB$=2\n");
    } catch (err) {
      expect(err).toMatchObject({ line: 2, column: 2, message: expect.stringContaining('unexpected character "$" in variable name') });
    }
  });
});
