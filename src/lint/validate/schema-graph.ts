/**
 * A JSON Schema as a graph of the places a value can be, built once per schema and run, for the
 * checks a schema validator cannot make (Go's case-insensitive keys, deprecated fields). A place is
 * a `Position`: the schema objects that apply there, with `$ref`s and the branches of
 * `allOf`/`anyOf`/`oneOf`/`then`/`else` followed, so it works whatever the schemas' layout.
 * Positions are shared: equal sets of schema objects are one Position, whose lookups are memoised.
 */
import { foldKey } from "../../go-keys.js";
import { isObject } from "../read/pointer.js";

export type JsonSchema = Record<string, unknown>;

/** Finds a schema by absolute URI (with or without fragment); knows every loaded schema's `$id`. */
export type SchemaResolver = (ref: string, base: string) => { schema: JsonSchema; base: string } | undefined;

/** One schema object with the base URI its `$ref`s resolve against; its children are found on first use. */
interface SchemaNode {
  id: number;
  schema: JsonSchema;
  base: string;
  children?: NodeChildren;
}

/** Where the values below a schema object may be. */
interface NodeChildren {
  properties: Map<string, Position>;
  patterns: Array<{ pattern: RegExp | null; position: Position }>;
  additional: Position | undefined;
  /** One Position for every item, or one per index (tuple `items`). */
  items: Position | Position[] | undefined;
}

const NO_NODES: readonly SchemaNode[] = [];
/** Keywords whose subschemas a validator may apply to a value or not, depending on the value. */
const BRANCHES = ["anyOf", "oneOf", "if", "then", "else", "not"];

export class Position {
  private readonly propertyCache = new Map<string, Position | null>();
  private readonly otherCache = new Map<string, Position>();
  private readonly itemCache: Position[] = [];
  private foldedNames: Map<string, string> | undefined;
  private leads: boolean | undefined;
  private tuple: boolean | undefined;
  private deprecated: JsonSchema | null | undefined;
  private leadingNames: string[] | null | undefined;
  private shape: Position["goShape"] | undefined;

  constructor(
    private readonly graph: SchemaGraph,
    readonly nodes: readonly SchemaNode[],
  ) {}

  /** Where the value of a property the schema names is, or undefined when no schema here names `key`. */
  property(key: string): Position | undefined {
    let cached = this.propertyCache.get(key);
    if (cached === undefined) {
      const found = this.nodes.flatMap((n) => this.graph.childrenOf(n).properties.get(key)?.nodes ?? NO_NODES);
      cached = found.length > 0 ? this.graph.position(found) : null;
      this.propertyCache.set(key, cached);
    }
    return cached ?? undefined;
  }

  /** Where the value of a key the schema does not name is: `patternProperties`, else `additionalProperties`. */
  other(key: string): Position {
    const patterned = this.nodes.some((n) => this.graph.childrenOf(n).patterns.length > 0);
    const cacheKey = patterned ? key : "";
    let cached = this.otherCache.get(cacheKey);
    if (!cached) {
      const found = this.nodes.flatMap((n) => {
        const { patterns, additional } = this.graph.childrenOf(n);
        const matching = patterns.filter((p) => p.pattern?.test(key));
        return matching.length > 0 ? matching.flatMap((p) => p.position.nodes) : (additional?.nodes ?? NO_NODES);
      });
      cached = this.graph.position(found);
      // Keys of maps are unbounded (API ids, header names): remember only a few per pattern set.
      if (this.otherCache.size < 256) this.otherCache.set(cacheKey, cached);
    }
    return cached;
  }

  /** Where array item `index` is. */
  item(index: number): Position {
    // Without tuple `items` every item is at the same place.
    this.tuple ??= this.nodes.some((n) => Array.isArray(this.graph.childrenOf(n).items));
    const slot = this.tuple ? index : 0;
    let cached = this.itemCache[slot];
    if (!cached) {
      const itemsOf = this.nodes.map((n) => this.graph.childrenOf(n).items);
      cached = this.graph.position(itemsOf.flatMap((items) => (Array.isArray(items) ? (items[index]?.nodes ?? NO_NODES) : (items?.nodes ?? NO_NODES))));
      if (slot < 256) this.itemCache[slot] = cached;
    }
    return cached;
  }

  /** The schema's spelling of a key that matches it case-insensitively, as Go's decoder matches. */
  canonicalName(key: string): string | undefined {
    if (!this.foldedNames) {
      this.foldedNames = new Map();
      for (const n of this.nodes) for (const name of this.graph.childrenOf(n).properties.keys()) if (!this.foldedNames.has(foldKey(name))) this.foldedNames.set(foldKey(name), name);
    }
    return this.foldedNames.get(foldKey(key));
  }

  /** The first schema object here marked `deprecated: true`. */
  get deprecatedSchema(): JsonSchema | undefined {
    if (this.deprecated === undefined) this.deprecated = this.nodes.find((n) => n.schema.deprecated === true)?.schema ?? null;
    return this.deprecated ?? undefined;
  }

  /** A field marked deprecated is here or below: only such places need looking into. */
  get leadsToDeprecated(): boolean {
    this.leads ??= this.nodes.some((n) => this.graph.leadsToDeprecated(n.schema));
    return this.leads;
  }

  /**
   * The properties named here that lead to a deprecated field, or undefined when a key the schema
   * does not name may lead to one too (then every key must be looked at).
   */
  get namesLeadingToDeprecated(): readonly string[] | undefined {
    if (this.leadingNames === undefined) {
      const children = this.nodes.map((n) => this.graph.childrenOf(n));
      const otherLeads = children.some((c) => c.additional?.leadsToDeprecated || c.patterns.some((p) => p.position.leadsToDeprecated));
      const names = new Set(children.flatMap((c) => [...c.properties.keys()]));
      this.leadingNames = otherLeads ? null : [...names].filter((name) => this.property(name)?.leadsToDeprecated);
    }
    return this.leadingNames ?? undefined;
  }

  /**
   * The Go number type the schema records here (`x-go-type`, written by scripts/generate-schemas.mjs
   * on every integer and number field), or undefined when the value is not a Go number.
   */
  get goNumberType(): string | undefined {
    for (const n of this.nodes) if (typeof n.schema["x-go-type"] === "string") return n.schema["x-go-type"];
    return undefined;
  }

  get isEmpty(): boolean {
    return this.nodes.length === 0;
  }

  /**
   * The Go type the schema describes here, as far as decoding a repeated key cares: a struct (named
   * properties), a map (only additional or pattern properties), a slice (items), or anything else
   * (scalars, interface{}).
   */
  get goShape(): "struct" | "map" | "slice" | "other" {
    this.shape ??= this.nodes.some((n) => this.graph.childrenOf(n).properties.size > 0)
      ? "struct"
      : this.nodes.some((n) => { const c = this.graph.childrenOf(n); return c.additional !== undefined || c.patterns.length > 0 || n.schema.additionalProperties === true; })
        ? "map"
        : this.nodes.some((n) => this.graph.childrenOf(n).items !== undefined)
          ? "slice"
          : "other";
    return this.shape;
  }
}

export class SchemaGraph {
  /**
   * Every object the schema describes refuses keys it does not name (`additionalProperties: false`,
   * no patterns, no branches that a validator might not take): then a validator reports every key
   * that is not spelt as the schema spells it.
   */
  refusesUnnamedKeys = true;
  /** Schema objects that mark a field deprecated or have one below them. */
  private readonly deprecatedPaths = new Set<JsonSchema>();
  private readonly nodes = new Map<JsonSchema, Map<string, SchemaNode>>();
  private readonly positions = new Map<string, Position>();
  private readonly expansions = new Map<SchemaNode, readonly SchemaNode[]>();
  private rootPosition: Position | undefined;
  private nextId = 0;

  constructor(
    private readonly rootSchema: JsonSchema,
    private readonly resolve: SchemaResolver,
  ) {
    this.survey();
  }

  /** Where the document itself is. */
  get root(): Position {
    this.rootPosition ??= this.position(this.expand(this.rootSchema, typeof this.rootSchema.$id === "string" ? this.rootSchema.$id : ""));
    return this.rootPosition;
  }

  leadsToDeprecated(schema: JsonSchema): boolean {
    return this.deprecatedPaths.has(schema);
  }

  /** The one Position for this set of schema objects. */
  position(nodes: readonly SchemaNode[]): Position {
    const unique = nodes.length === 1 ? nodes : [...new Set(nodes)];
    const key = unique.length === 1 ? String(unique[0]!.id) : unique.map((n) => n.id).join(",");
    let position = this.positions.get(key);
    if (!position) {
      position = new Position(this, unique);
      this.positions.set(key, position);
    }
    return position;
  }

  /** The schema object and every branch it may take. */
  private expand(schema: JsonSchema, base: string): readonly SchemaNode[] {
    const out: SchemaNode[] = [];
    const add = (s: JsonSchema, b: string, depth: number): void => {
      if (depth > 32) return;
      const node = this.node(s, b);
      const known = this.expansions.get(node);
      if (known) {
        out.push(...known);
        return;
      }
      out.push(node);
      for (const branch of branchesOf(s, node.base, this.resolve)) add(branch.schema, branch.base, depth + 1);
    };
    add(schema, base, 0);
    const first = out[0];
    if (first && !this.expansions.has(first)) this.expansions.set(first, out);
    return out;
  }

  private node(schema: JsonSchema, base: string): SchemaNode {
    let byBase = this.nodes.get(schema);
    let node = byBase?.get(base);
    if (!node) {
      node = { id: this.nextId++, schema, base: baseOf(schema, base) };
      if (!byBase) this.nodes.set(schema, (byBase = new Map()));
      byBase.set(base, node);
    }
    return node;
  }

  /** A node's children, found the first time a document reaches it. */
  childrenOf(node: SchemaNode): NodeChildren {
    if (node.children) return node.children;
    const { schema } = node;
    const at = (sub: unknown) => (isObject(sub) ? this.position(this.expand(sub, node.base)) : undefined);
    const children: NodeChildren = { properties: new Map(), patterns: [], additional: at(schema.additionalProperties), items: undefined };
    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        const position = at(sub);
        if (position) children.properties.set(name, position);
      }
    }
    if (isObject(schema.patternProperties)) {
      for (const [pattern, sub] of Object.entries(schema.patternProperties)) {
        const position = at(sub);
        if (position) children.patterns.push({ pattern: safeRegExp(pattern), position });
      }
    }
    children.items = Array.isArray(schema.items) ? schema.items.map((sub) => at(sub) ?? this.position(NO_NODES)) : at(schema.items);
    node.children = children;
    return children;
  }

  /**
   * One pass over every schema object, before any document: whether it refuses unnamed keys
   * everywhere, and which objects lead to a deprecated field (marked from each deprecated one up to
   * the root, through every way of reaching it; schemas may recurse).
   */
  private survey(): void {
    const parents = new Map<JsonSchema, JsonSchema[]>();
    const deprecated: JsonSchema[] = [];
    const stack: Array<{ schema: JsonSchema; base: string }> = [{ schema: this.rootSchema, base: typeof this.rootSchema.$id === "string" ? this.rootSchema.$id : "" }];
    const seen = new Set<JsonSchema>([this.rootSchema]);
    while (stack.length > 0) {
      const { schema, base } = stack.pop()!;
      if (schema.deprecated === true) deprecated.push(schema);
      const named = isObject(schema.properties) || isObject(schema.patternProperties);
      if ((named && (schema.additionalProperties !== false || isObject(schema.patternProperties))) || BRANCHES.some((k) => schema[k] !== undefined)) {
        this.refusesUnnamedKeys = false;
      }
      const inner = baseOf(schema, base);
      for (const child of [...subschemasOf(schema), ...branchesOf(schema, inner, this.resolve).map((b) => b.schema)]) {
        const known = parents.get(child);
        if (known) known.push(schema);
        else parents.set(child, [schema]);
        if (seen.has(child)) continue;
        seen.add(child);
        stack.push({ schema: child, base: inner });
      }
    }
    for (const queue = deprecated; queue.length > 0; ) {
      const schema = queue.pop()!;
      if (this.deprecatedPaths.has(schema)) continue;
      this.deprecatedPaths.add(schema);
      queue.push(...(parents.get(schema) ?? []));
    }
  }
}

/** The schemas of what is below a schema object: its properties, other keys and items. */
function subschemasOf(schema: JsonSchema): JsonSchema[] {
  const out: unknown[] = [];
  if (isObject(schema.properties)) out.push(...Object.values(schema.properties));
  if (isObject(schema.patternProperties)) out.push(...Object.values(schema.patternProperties));
  out.push(schema.additionalProperties);
  if (Array.isArray(schema.items)) out.push(...schema.items);
  else out.push(schema.items);
  return out.filter(isObject);
}

/** The schemas that apply to the same value as a schema object: its `$ref` target and branches. */
function branchesOf(schema: JsonSchema, base: string, resolve: SchemaResolver): Array<{ schema: JsonSchema; base: string }> {
  const out: Array<{ schema: JsonSchema; base: string }> = [];
  if (typeof schema.$ref === "string") {
    const target = resolve(schema.$ref, base);
    if (target) out.push(target);
  }
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch)) out.push({ schema: branch, base });
  }
  for (const keyword of ["then", "else"]) {
    const branch = schema[keyword];
    if (isObject(branch)) out.push({ schema: branch, base });
  }
  return out;
}

/** The base URI inside a schema object: its own `$id`, resolved against where it sits. */
function baseOf(schema: JsonSchema, base: string): string {
  return typeof schema.$id === "string" ? new URL(schema.$id, base || undefined).href : base;
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return null;
  }
}
