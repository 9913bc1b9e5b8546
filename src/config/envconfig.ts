/**
 * How the gateway turns one environment variable into a config value: the rules of
 * github.com/kelseyhightower/envconfig v1.4.0 (the version tyk's go.mod pins), `processField` in
 * envconfig.go, with Go's strconv and time parsers it calls. Every error is worded as Go words it,
 * because the gateway prints exactly that and refuses to start: config.FillEnv returns the first
 * envconfig error and the gateway exits (config/config.go, `FillEnv`, `Load`).
 *
 * envconfig.Process looks each variable up with os.LookupEnv, so a variable that is set but empty
 * is parsed too: `TYK_GW_LISTENPORT=` is the empty string, which no integer parser accepts.
 */

/** What envconfig does with a field, decided by its Go type (see `envKindOf` in env-names.ts). */
export type EnvKind =
  | { kind: "string" }
  | { kind: "bool" }
  | { kind: "int"; bits: number; unsigned: boolean }
  | { kind: "float"; bits: 32 | 64 }
  | { kind: "duration" }
  | { kind: "list"; item: EnvKind }
  | { kind: "map"; value: EnvKind | "interface" }
  /** The Go type has a `Decode(string) error` method that runs json.Unmarshal (an envconfig.Decoder). */
  | { kind: "json"; shape: "array" | "object" }
  /** envconfig "sets" it but cannot fill it: elements are structs or interfaces without a decoder. */
  | { kind: "unsupported"; why: string };

export type ParsedValue = { ok: true; value: unknown } | { ok: false; error: string };

const ok = (value: unknown): ParsedValue => ({ ok: true, value });
const fail = (error: string): ParsedValue => ({ ok: false, error });

/** Go's strconv.Quote: printable characters as they are, the rest escaped (\n, \x01, \u00ad). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}
const GO_ESCAPES: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" };

/** The time package's own quote: every byte of a non-ASCII or control character as \xNN. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch < " " || ch.codePointAt(0)! >= 0x80) for (const byte of Buffer.from(ch, "utf8")) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += ch === '"' || ch === "\\" ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

/** Parses `raw` as envconfig's processField would for a field of this kind; values in JSON form. */
export function parseEnvValue(kind: EnvKind, raw: string): ParsedValue {
  switch (kind.kind) {
    case "string":
      return ok(raw);
    case "bool":
      return parseGoBool(raw);
    case "int":
      return kind.unsigned ? parseGoUint(raw, kind.bits) : parseGoInt(raw, kind.bits);
    case "float":
      return parseGoFloat(raw, kind.bits);
    case "duration":
      return parseGoDuration(raw);
    case "list": {
      // envconfig v1.4.0: a blank value gives an empty slice; otherwise split on every comma,
      // without trimming (`a, b` gives "a" and " b").
      if (raw.trim() === "") return ok([]);
      const out: unknown[] = [];
      for (const part of raw.split(",")) {
        const item = parseEnvValue(kind.item, part);
        if (!item.ok) return item;
        out.push(item.value);
      }
      return ok(out);
    }
    case "map": {
      if (raw.trim() === "") return ok({});
      const out: Record<string, unknown> = {};
      for (const pair of raw.split(",")) {
        const kv = pair.split(":");
        if (kv.length !== 2) return fail(`invalid map item: ${goQuote(pair)}`);
        if (kind.value === "interface") {
          // processField has no case for interface{}: the key is kept with a nil value.
          out[kv[0]!] = null;
          continue;
        }
        const value = parseEnvValue(kind.value, kv[1]!);
        if (!value.ok) return value;
        out[kv[0]!] = value.value;
      }
      return ok(out);
    }
    case "json": {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        return fail(`not JSON: ${(err as Error).message}`);
      }
      const shape = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
      // null decodes into nothing (Go's json leaves the value alone); the other shapes must match.
      if (shape !== "null" && shape !== kind.shape) return fail(`json: cannot unmarshal ${shape === "object" ? "object" : shape} into a Go value of ${kind.shape === "array" ? "a list" : "an object"}`);
      return ok(value);
    }
    case "unsupported":
      return ok(undefined);
  }
}

const BOOL_WORDS = new Map(Object.entries({ "1": true, t: true, T: true, TRUE: true, true: true, True: true, "0": false, f: false, F: false, FALSE: false, false: false, False: false }));

/** strconv.ParseBool. */
export function parseGoBool(s: string): ParsedValue {
  const v = BOOL_WORDS.get(s);
  return v === undefined ? fail(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`) : ok(v);
}

const lower = (c: string) => c.toLowerCase();

/**
 * strconv's underscoreOK: underscores may only separate digits (or follow a base prefix), so
 * `1_000` and `0x_1f` pass, `_1`, `1__0` and `1_` do not.
 */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(lower(s[1]!))) {
    i = 2;
    saw = "0";
    hex = lower(s[1]!) === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && lower(c) >= "a" && lower(c) <= "f")) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

type UintResult = { ok: true; value: bigint } | { ok: false; why: "syntax" | "range" };

/** strconv.ParseUint(s, 0, bits): base from the prefix (0x, 0o, 0b, or a leading 0 for octal). */
function goParseUint(s0: string, bits: number): UintResult {
  if (s0 === "") return { ok: false, why: "syntax" };
  let s = s0;
  let base = 10;
  if (s[0] === "0") {
    const p = s.length >= 3 ? lower(s[1]!) : "";
    if (p === "b") [base, s] = [2, s.slice(2)];
    else if (p === "o") [base, s] = [8, s.slice(2)];
    else if (p === "x") [base, s] = [16, s.slice(2)];
    else [base, s] = [8, s.slice(1)];
  }
  const maxVal = (1n << BigInt(bits)) - 1n;
  let underscores = false;
  let n = 0n;
  for (const c of s) {
    let d: number;
    if (c === "_") {
      underscores = true;
      continue;
    } else if (c >= "0" && c <= "9") d = c.charCodeAt(0) - 48;
    else if (lower(c) >= "a" && lower(c) <= "z") d = lower(c).charCodeAt(0) - 87;
    else return { ok: false, why: "syntax" };
    if (d >= base) return { ok: false, why: "syntax" };
    n = n * BigInt(base) + BigInt(d);
    if (n > maxVal) return { ok: false, why: "range" };
  }
  if (underscores && !underscoreOK(s0)) return { ok: false, why: "syntax" };
  return { ok: true, value: n };
}

const numError = (fn: string, s: string, why: "syntax" | "range") =>
  fail(`strconv.${fn}: parsing ${goQuote(s)}: ${why === "syntax" ? "invalid syntax" : "value out of range"}`);

/** strconv.ParseUint(s, 0, bits). */
export function parseGoUint(s: string, bits: number): ParsedValue {
  const r = goParseUint(s, bits);
  return r.ok ? ok(Number(r.value)) : numError("ParseUint", s, r.why);
}

/** strconv.ParseInt(s, 0, bits). */
export function parseGoInt(s0: string, bits: number): ParsedValue {
  if (s0 === "") return numError("ParseInt", s0, "syntax");
  let s = s0;
  let neg = false;
  if (s[0] === "+") s = s.slice(1);
  else if (s[0] === "-") [neg, s] = [true, s.slice(1)];
  const un = goParseUint(s, bits);
  if (!un.ok && un.why === "syntax") return numError("ParseInt", s0, "syntax");
  const cutoff = 1n << BigInt(bits - 1);
  if (!un.ok || (!neg && un.value >= cutoff) || (neg && un.value > cutoff)) return numError("ParseInt", s0, "range");
  return ok(Number(neg ? -un.value : un.value));
}

const DECIMAL_FLOAT = /^[+-]?(?=\.?[0-9])[0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]((?=[0-9a-fA-F_]*\.?[0-9a-fA-F_]*[0-9a-fA-F])[0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?)[pP]([+-]?[0-9_]+)$/;
const FLOAT32_MAX = 3.4028234663852886e38;

/** strconv.ParseFloat(s, bits): decimal and hexadecimal literals, inf/infinity/nan, digit underscores. */
export function parseGoFloat(s: string, bits: 32 | 64): ParsedValue {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (lower(special[2]!) === "nan") return special[1] ? numError("ParseFloat", s, "syntax") : ok(Number.NaN);
    return ok(special[1] === "-" ? -Infinity : Infinity);
  }
  let value: number;
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    if (s.includes("_") && !underscoreOK(s)) return numError("ParseFloat", s, "syntax");
    const [int = "", frac = ""] = hex[2]!.replace(/_/g, "").split(".");
    const mantissa = parseInt(`${int}${frac}` || "0", 16);
    value = mantissa * 2 ** (Number(hex[3]!.replace(/_/g, "")) - 4 * frac.length);
    if (hex[1] === "-") value = -value;
  } else if (DECIMAL_FLOAT.test(s)) {
    if (s.includes("_") && !underscoreOK(s)) return numError("ParseFloat", s, "syntax");
    value = Number(s.replace(/_/g, ""));
  } else return numError("ParseFloat", s, "syntax");
  if (!Number.isFinite(value) || (bits === 32 && Math.abs(value) > FLOAT32_MAX && !Number.isFinite(Math.fround(value)))) return numError("ParseFloat", s, "range");
  return ok(bits === 32 ? Math.fround(value) : value);
}

const DURATION_UNITS = new Map<string, bigint>(Object.entries({
  ns: 1n,
  us: 1000n,
  "\u00b5s": 1000n,
  "\u03bcs": 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
}));
const MAX_DURATION = (1n << 63n) - 1n;

/**
 * time.ParseDuration: `300ms`, `1.5h`, `2h45m`; a bare number other than 0 is refused (`missing
 * unit`). tyk.conf holds the same fields as integer nanoseconds, so `10000000000` works in the
 * file and stops the gateway in the environment. Values in nanoseconds, the JSON form.
 */
export function parseGoDuration(orig: string): ParsedValue {
  const invalid = () => fail(`time: invalid duration ${timeQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) [neg, s] = [s[0] === "-", s.slice(1)];
  if (s === "0") return ok(0);
  if (s === "") return invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    if (m[0] === "" || (m[1] === "" && (m[2] ?? "") === "")) return invalid();
    s = s.slice(m[0].length);
    const unitMatch = /^[^0-9.]*/.exec(s)![0];
    if (unitMatch === "") return fail(`time: missing unit in duration ${timeQuote(orig)}`);
    s = s.slice(unitMatch.length);
    const unit = DURATION_UNITS.get(unitMatch);
    if (unit === undefined) return fail(`time: unknown unit ${timeQuote(unitMatch)} in duration ${timeQuote(orig)}`);
    const whole = BigInt(m[1] || "0");
    const frac = m[2] ?? "";
    let v = whole * unit;
    if (frac !== "") v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_DURATION + (neg ? 1n : 0n)) return invalid();
  }
  return ok(Number(neg ? -total : total));
}
