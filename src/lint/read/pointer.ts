/** JSON pointers (RFC 6901): the address every finding carries. */

export function escapeSegment(segment: string | number): string {
  const text = String(segment);
  return text.includes("~") || text.includes("/") ? text.replace(/~/g, "~0").replace(/\//g, "~1") : text;
}

// Rules read the same few pointers in every document: split each once. Bounded, since keys vary.
const segmentCache = new Map<string, readonly string[]>();

/** The unescaped segments of a pointer. The array is shared: do not modify it. */
export function pointerSegments(pointer: string): readonly string[] {
  let segments = segmentCache.get(pointer);
  if (!segments) {
    const parts = pointer === "" ? [] : pointer.slice(1).split("/");
    segments = pointer.includes("~") ? parts.map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : parts;
    if (segmentCache.size < 10_000) segmentCache.set(pointer, segments);
  }
  return segments;
}

export function pointerOf(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => `/${escapeSegment(s)}`).join("");
}

export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${escapeSegment(segment)}`;
}

/** The value at `pointer`, or undefined when the path does not exist. */
export function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** "/proxy/listen_path" → "proxy.listen_path", "/apis/0/name" → "apis[0].name": how people name fields. */
export function fieldName(pointer: string): string {
  return pointerSegments(pointer).reduce(
    (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    "",
  );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
