/**
 * A strict JSON parser that keeps what `JSON.parse` throws away: the offset of every value, and
 * every occurrence of a duplicated key. Bundle checks need the duplicates (Go's decoder merges them,
 * see TYK-FACTS "How the gateway loads a bundle"), lint needs the offsets for line:column.
 */

export type JsonNode =
  | { type: "object"; offset: number; end: number; members: JsonMember[] }
  | { type: "array"; offset: number; end: number; items: JsonNode[] }
  | { type: "string"; offset: number; end: number; value: string }
  | { type: "number"; offset: number; end: number; value: number; raw: string }
  | { type: "boolean"; offset: number; end: number; value: boolean }
  | { type: "null"; offset: number; end: number; value: null };

export interface JsonMember {
  key: string;
  keyOffset: number;
  keyEnd: number;
  value: JsonNode;
}

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units like editors do. */
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    readonly offset: number,
    readonly position: Position,
  ) {
    super(`${reason} at line ${position.line}, column ${position.column}`);
    this.name = "JsonSyntaxError";
  }
}

export interface ParseOptions {
  /**
   * Stop after the first value and ignore what follows, as Go's json.Decoder does when the gateway
   * reads manifest.json. Default: anything but whitespace after the value is an error.
   */
  firstValueOnly?: boolean;
  /** Most arrays and objects open at once (Go's encoding/json allows 10,000); deeper input is a syntax error. */
  maxDepth?: number;
}

/**
 * Maps offsets to 1-based line/column. Lines are indexed as far as the furthest offset asked for:
 * a file's findings are usually few and near its start, and the rest of the text is never read.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Every line that starts at or before this offset is in `starts`. */
  private indexedTo = 0;
  private readonly carriageReturns: boolean;
  constructor(private readonly text: string) {
    this.carriageReturns = text.includes("\r");
  }
  position(offset: number): Position {
    if (offset > this.indexedTo) this.indexTo(offset);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
  private indexTo(offset: number): void {
    const { text, starts } = this;
    if (!this.carriageReturns) {
      // The common case, found by the native indexOf rather than a loop over every character.
      for (let i = text.indexOf("\n", this.indexedTo); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    } else {
      for (let i = this.indexedTo; i < offset && i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 10) starts.push(i + 1);
        else if (ch === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
    }
    this.indexedTo = offset;
  }
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function parseJson(text: string, options: ParseOptions = {}): JsonNode {
  const maxDepth = options.maxDepth ?? 512;
  let i = 0;
  let lines: LineIndex | undefined;

  const fail = (message: string, at = i): never => {
    lines ??= new LineIndex(text);
    const pos = lines.position(Math.min(at, text.length));
    throw new JsonSyntaxError(message, at, pos);
  };
  const where = (at: number): string => {
    const pos = (lines ??= new LineIndex(text)).position(at);
    return `line ${pos.line}, column ${pos.column}`;
  };
  const describe = (at: number): string =>
    at >= text.length ? "end of input" : `'${text[at] === "\n" ? "\\n" : text[at]}'`;

  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };

  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = "";
    let run = i;
    for (;;) {
      // Go reports where the input ends (io.ErrUnexpectedEOF); say where the string began.
      if (i >= text.length) fail(`unterminated string: the string that starts at ${where(start)} has no closing '"'`, text.length);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("control character in string (escape it, e.g. \\n)");
      if (c === 92) {
        out += text.slice(run, i);
        const e = text[i + 1];
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("invalid \\u escape in string");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          i += 2;
        } else {
          fail(`invalid escape '\\${e ?? ""}' in string`);
        }
        run = i;
      } else {
        i++;
      }
    }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  /** A scalar at `i`, or undefined when a container starts there. */
  const scalar = (): JsonNode | undefined => {
    const offset = i;
    const c = text[i];
    if (c === "{" || c === "[") return undefined;
    if (c === '"') return { type: "string", offset, value: str(), end: i };
    if (text.startsWith("true", i)) return { type: "boolean", offset, end: (i += 4), value: true };
    if (text.startsWith("false", i)) return { type: "boolean", offset, end: (i += 5), value: false };
    if (text.startsWith("null", i)) return { type: "null", offset, end: (i += 4), value: null };
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0] !== "-") {
      i += m[0].length;
      return { type: "number", offset, end: i, value: Number(m[0]), raw: m[0] };
    }
    if (c === "\uFEFF") fail("byte order mark (BOM) before the JSON value; save the file as UTF-8 without BOM");
    if (c === "/") fail("comments are not allowed in JSON");
    return fail(`unexpected ${describe(i)}; expected a JSON value`);
  };

  /** Reads `"key":` of an object member (whitespace before it already skipped). */
  const memberKey = (frame: Frame): void => {
    if (text[i] !== '"') fail(text[i] === "}" ? "trailing comma before '}'" : `expected a quoted key, found ${describe(i)}`);
    frame.keyOffset = i;
    frame.key = str();
    frame.keyEnd = i;
    ws();
    if (text[i] !== ":") fail(`expected ':' after key "${frame.key}", found ${describe(i)}`);
    i++;
  };

  // An explicit stack of open containers instead of recursion: Go's decoder accepts 10,000 levels,
  // deeper than a JavaScript call stack reliably goes. Frames share one shape (fast property access).
  const stack: Frame[] = [];
  let root: JsonNode | undefined;
  while (root === undefined) {
    ws();
    let node = scalar();
    if (!node) {
      // A container opens; the depth counts it, as Go's scanner counts every '[' and '{'.
      if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      const offset = i;
      const isObject = text.charCodeAt(i++) === 123;
      ws();
      if (text.charCodeAt(i) === (isObject ? 125 : 93)) {
        i++;
        node = isObject ? { type: "object", offset, end: i, members: [] } : { type: "array", offset, end: i, items: [] };
      } else {
        const frame: Frame = { isObject, offset, children: [], key: "", keyOffset: 0, keyEnd: 0 };
        stack.push(frame);
        if (isObject) memberKey(frame);
        continue;
      }
    }
    // Hand the finished value to its container; close every container that ends here.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        root = node;
        break;
      }
      frame.children.push(frame.isObject ? { key: frame.key, keyOffset: frame.keyOffset, keyEnd: frame.keyEnd, value: node } : node);
      ws();
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) {
        i++;
        ws();
        if (frame.isObject) memberKey(frame);
        else if (text.charCodeAt(i) === 93) fail("trailing comma before ']'");
        break;
      }
      if (c !== (frame.isObject ? 125 /* } */ : 93 /* ] */)) {
        fail(frame.isObject ? `expected ',' or '}' after a member, found ${describe(i)}` : `expected ',' or ']' after an element, found ${describe(i)}`);
      }
      i++;
      stack.pop();
      node = frame.isObject
        ? { type: "object", offset: frame.offset, end: i, members: frame.children as JsonMember[] }
        : { type: "array", offset: frame.offset, end: i, items: frame.children as JsonNode[] };
    }
  }

  if (!options.firstValueOnly) {
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  }
  return root;
}

/** An open array or object; `key` is the member whose value is being read. */
interface Frame {
  isObject: boolean;
  offset: number;
  /** Members of an object, items of an array. */
  children: Array<JsonMember | JsonNode>;
  key: string;
  keyOffset: number;
  keyEnd: number;
}

/** The plain JavaScript value of a node, with `JSON.parse` semantics (the last duplicate key wins). */
export function toValue(node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const m of node.members) {
        // defineProperty so a "__proto__" key stays an ordinary key, as with JSON.parse.
        Object.defineProperty(out, m.key, { value: toValue(m.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "array":
      return node.items.map(toValue);
    default:
      return node.value;
  }
}
