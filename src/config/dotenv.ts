/**
 * `.env` files read the way docker compose reads them (`env_file:` and the project `.env`): the
 * grammar of compose-spec/compose-go v2, dotenv/parser.go (`parse`, `locateKeyName`,
 * `extractVarValue`, `extractQuotedValue`, `expandEscapes`).
 *
 * - `KEY=value`, `KEY: value` and `export KEY=value`; blank lines and lines starting with `#` skipped.
 * - Unquoted values run to the end of the line; ` #` (a space, then #) starts a comment; trailing
 *   spaces are dropped. `KEY=a#b` keeps the `#`.
 * - 'single quotes' are literal (only \' is unescaped); "double quotes" take \n \t \\ \" \$ … escapes.
 *   Both may span lines.
 * - `${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR:?message}` are
 *   interpolated in unquoted and double-quoted values; `$$` is a literal `$`.
 * - A line holding only `KEY` takes the value of KEY from the environment compose runs in, and sets
 *   nothing when it has none.
 */

export interface EnvEntry {
  name: string;
  value: string;
  /** 1-based line and column of the name. */
  line: number;
  column: number;
  /** It interpolates a variable that is not set (compose substitutes ""). */
  unresolved?: boolean;
}

export interface DotenvProblem {
  line: number;
  column: number;
  message: string;
}

export interface DotenvResult {
  entries: EnvEntry[];
  /** Interpolations of unset variables (compose substitutes ""), and entries set twice. */
  warnings: DotenvProblem[];
}

/** A malformed file: compose refuses it. */
export class DotenvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/** Looks a name up in the environment compose runs in. */
export type EnvLookup = (name: string) => string | undefined;

// isSpace in parser.go: a space that is not a line break.
const isSpace = (c: string) => c === " " || c === "\t" || c === "\v" || c === "\f" || c === "\r" || c === "\u0085" || c === "\u00a0";
const isKeyChar = (c: string) => /[\p{L}\p{N}_.\-[\]]/u.test(c);

/** Parses a .env file. `lookup` answers `${VAR}` and bare `KEY` lines; variables set earlier in the file are used after it. */
export function parseDotenv(text: string, lookup: EnvLookup = () => undefined): DotenvResult {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const where = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const entries: EnvEntry[] = [];
  const warnings: DotenvProblem[] = [];
  const vars = new Map<string, string>();
  const resolve = (name: string) => lookup(name) ?? vars.get(name);
  let i = 0;
  for (;;) {
    // getStatementStart: skip white space and comment lines.
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] === "#") {
      const nl = text.indexOf("\n", i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    if (/^export[ \t]/.test(text.slice(i, i + 7))) {
      i += 6;
      while (i < text.length && isSpace(text[i]!)) i++;
    }
    const keyStart = i;
    let terminator = "";
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (isSpace(c)) continue;
      if (c === "=" || c === ":" || c === "\n") {
        terminator = c;
        break;
      }
      if (!isKeyChar(c)) {
        const pos = where(i);
        throw new DotenvSyntaxError(pos.line, pos.column, `unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(text.slice(keyStart, text.indexOf("\n", keyStart) < 0 ? undefined : text.indexOf("\n", keyStart)))}`);
      }
    }
    const pos = where(keyStart);
    const name = text.slice(keyStart, i).replace(/\s+$/, "");
    if (/\s/.test(name)) throw new DotenvSyntaxError(pos.line, pos.column, "key cannot contain a space");
    const set = (value: string) => {
      const unresolved = warnings.slice(warningsBefore).some((w) => w.message.endsWith("compose substitutes an empty string"));
      if (vars.has(name)) warnings.push({ ...pos, message: `${name} is set again here; the last value wins` });
      vars.set(name, value);
      entries.push({ name, value, ...pos, ...(unresolved ? { unresolved } : {}) });
    };
    const warningsBefore = warnings.length;
    i++; // past the terminator (or the end)
    if (terminator !== "=" && terminator !== ":") {
      // A bare KEY (at the end of a line or of the file) is inherited from the environment.
      const value = lookup(name);
      if (value !== undefined) set(value);
      continue;
    }
    while (i < text.length && isSpace(text[i]!)) i++;
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      let raw = "";
      let j = i + 1;
      let closed = false;
      for (; j < text.length; j++) {
        const c = text[j]!;
        if (c === "\\" && j + 1 < text.length) {
          // An escaped quote drops its backslash; any other escaped character keeps it.
          raw += text[j + 1] === quote ? quote : `\\${text[j + 1]}`;
          j++;
          continue;
        }
        if (c === quote) {
          closed = true;
          break;
        }
        raw += c;
      }
      if (!closed) {
        const end = text.indexOf("\n", i);
        throw new DotenvSyntaxError(pos.line, pos.column, `unterminated quoted value ${text.slice(i, end < 0 ? undefined : end)}`);
      }
      const valuePos = where(i);
      set(quote === '"' ? interpolate(expandEscapes(raw), resolve, valuePos, warnings) : raw);
      i = j + 1;
      continue;
    }
    const nl = text.indexOf("\n", i);
    const lineValue = text.slice(i, nl < 0 ? undefined : nl);
    const valuePos = where(i);
    const uncommented = lineValue.split(" #")[0]!.replace(/\s+$/, "");
    set(interpolate(uncommented, resolve, valuePos, warnings));
    i = nl < 0 ? text.length : nl;
  }
  return { entries, warnings };
}

const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", c: "\\c", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", '"': '"', "\\": "\\" };

/** expandEscapes: the escapes compose knows in double quotes; `\$` becomes `$$` so it stays literal. */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:[abcfnrtv$"\\]|0[0-7]{0,3})/g, (m) => {
    const c = m[1]!;
    if (c === "$") return "$$";
    if (c === "0") return String.fromCharCode(parseInt(m.slice(2) || "0", 8));
    return ESCAPES[c] ?? m;
  });
}

/** compose's template substitution, for the forms .env files use. */
function interpolate(s: string, resolve: (name: string) => string | undefined, at: { line: number; column: number }, warnings: DotenvProblem[]): string {
  return s.replace(/\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])((?:[^}\\]|\\.)*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (m === "$$") return "$";
    const name = (braced ?? bare)!;
    const value = resolve(name);
    const empty = value === undefined || (op?.startsWith(":") && value === "");
    switch (op) {
      case ":-":
      case "-":
        return empty ? arg! : value!;
      case ":+":
      case "+":
        return empty ? "" : arg!;
      case ":?":
      case "?":
        if (empty) throw new DotenvSyntaxError(at.line, at.column, `required variable ${name} is missing a value${arg ? `: ${arg}` : ""}`);
        return value!;
      default:
        if (value === undefined) warnings.push({ ...at, message: `\${${name}} is not set: compose substitutes an empty string` });
        return value ?? "";
    }
  });
}
