/**
 * A JSON Schema as a graph of the places a value can be, built once per schema and run, for the
 * checks a schema validator cannot make (Go's case-insensitive keys, deprecated fields). A place is
 * a `Position`: the schema objects that apply there, with `$ref`s and the branches of
 * `allOf`/`anyOf`/`oneOf`/`then`/`else` followed, so it works whatever the schemas' layout.
 * Positions are shared: equal sets of schema objects are one Position, whose lookups are memoised.
 */
import { isObject } from "./pointer.js";

export type JsonSchema = Record<string, unknown>;

/** Finds a schema by absolute URI (with or without fragment); knows every loaded schema's `$id`. */
export type SchemaResolver = (ref: string, base: string) => { schema: JsonSchema; base: string } | undefined;

/** Go's encoding/json compares keys with Unicode simple case folding (K, ſ fold to k, s). */
export function foldKey(key: string): string {
  return key.replace(/\u212A/g, "k").replace(/\u017F/g, "s").toLowerCase();
}

/** One schema object with the base URI its `$ref`s resolve against, and where its children may be. */
interface SchemaNode {
  id: number;
  schema: JsonSchema;
  properties: Map<string, Position>;
  patterns: Array<{ pattern: RegExp | null; position: Position }>;
  additional: Position | undefined;
  /** One Position for every item, or one per index (tuple `items`). */
  items: Position | Position[] | undefined;
  /** Set once the graph is complete: this schema or one below it marks a field deprecated. */
  leadsToDeprecated: boolean;
}

const NO_NODES: readonly SchemaNode[] = [];
/** Keywords whose subschemas a validator may apply to a value or not, depending on the value. */
const BRANCHES = ["anyOf", "oneOf", "if", "then", "else", "not"];

export class Position {
  private readonly propertyCache = new Map<string, Position | null>();
  private readonly otherCache = new Map<string, Position>();
  private readonly itemCache: Position[] = [];
  private foldedNames: Map<string, string> | undefined;

  constructor(
    private readonly graph: SchemaGraph,
    readonly nodes: readonly SchemaNode[],
  ) {}

  /** Where the value of a property the schema names is, or undefined when no schema here names `key`. */
  property(key: string): Position | undefined {
    let cached = this.propertyCache.get(key);
    if (cached === undefined) {
      const found = this.nodes.flatMap((n) => n.properties.get(key)?.nodes ?? NO_NODES);
      cached = found.length > 0 ? this.graph.position(found) : null;
      this.propertyCache.set(key, cached);
    }
    return cached ?? undefined;
  }

  /** Where the value of a key the schema does not name is: `patternProperties`, else `additionalProperties`. */
  other(key: string): Position {
    const patterned = this.nodes.some((n) => n.patterns.length > 0);
    const cacheKey = patterned ? key : "";
    let cached = this.otherCache.get(cacheKey);
    if (!cached) {
      const found = this.nodes.flatMap((n) => {
        const matching = n.patterns.filter((p) => p.pattern?.test(key));
        return matching.length > 0 ? matching.flatMap((p) => p.position.nodes) : (n.additional?.nodes ?? NO_NODES);
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
    const tuple = this.nodes.some((n) => Array.isArray(n.items));
    const slot = tuple ? index : 0;
    let cached = this.itemCache[slot];
    if (!cached) {
      cached = this.graph.position(this.nodes.flatMap((n) => (Array.isArray(n.items) ? (n.items[index]?.nodes ?? NO_NODES) : (n.items?.nodes ?? NO_NODES))));
      if (slot < 256) this.itemCache[slot] = cached;
    }
    return cached;
  }

  /** The schema's spelling of a key that matches it case-insensitively, as Go's decoder matches. */
  canonicalName(key: string): string | undefined {
    if (!this.foldedNames) {
      this.foldedNames = new Map();
      for (const n of this.nodes) for (const name of n.properties.keys()) if (!this.foldedNames.has(foldKey(name))) this.foldedNames.set(foldKey(name), name);
    }
    return this.foldedNames.get(foldKey(key));
  }

  /** The first schema object here marked `deprecated: true`. */
  get deprecatedSchema(): JsonSchema | undefined {
    return this.nodes.find((n) => n.schema.deprecated === true)?.schema;
  }

  /** A field marked deprecated is here or below: only such places need looking into. */
  get leadsToDeprecated(): boolean {
    return this.nodes.some((n) => n.leadsToDeprecated);
  }

  get isEmpty(): boolean {
    return this.nodes.length === 0;
  }
}

export class SchemaGraph {
  readonly root: Position;
  /** Every property name the schema knows. */
  readonly names = new Set<string>();
  /** Names that share their case-folded form with another name (`id` and `ID`). */
  readonly ambiguousNames = new Set<string>();
  /** The case-folded form of every name. */
  readonly foldedNames = new Set<string>();
  /**
   * Every object the schema describes refuses keys it does not name (`additionalProperties: false`,
   * no patterns, no branches that a validator might not take): then a validator reports every key
   * that is not spelt as the schema spells it.
   */
  refusesUnnamedKeys = true;
  private readonly nodes = new Map<JsonSchema, Map<string, SchemaNode>>();
  private readonly positions = new Map<string, Position>();
  private readonly expansions = new Map<SchemaNode, readonly SchemaNode[]>();
  private nextId = 0;

  constructor(
    root: JsonSchema,
    private readonly resolve: SchemaResolver,
  ) {
    this.root = this.position(this.expand(root, typeof root.$id === "string" ? root.$id : ""));
    this.markDeprecatedPaths();
    this.indexNames();
  }

  /** The one Position for this set of schema objects. */
  position(nodes: readonly SchemaNode[]): Position {
    const unique = [...new Set(nodes)];
    const key = unique.map((n) => n.id).join(",");
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
      const nodeBase = baseOf(s, b);
      if (typeof s.$ref === "string") {
        const target = this.resolve(s.$ref, nodeBase);
        if (target) add(target.schema, target.base, depth + 1);
      }
      for (const keyword of ["allOf", "anyOf", "oneOf"]) {
        const branches = s[keyword];
        if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch)) add(branch, nodeBase, depth + 1);
      }
      for (const keyword of ["then", "else"]) {
        const branch = s[keyword];
        if (isObject(branch)) add(branch, nodeBase, depth + 1);
      }
    };
    add(schema, base, 0);
    const first = out[0];
    if (first && !this.expansions.has(first)) this.expansions.set(first, out);
    return out;
  }

  /** The node of one schema object; its children are filled in after it is registered, so cycles end. */
  private node(schema: JsonSchema, base: string): SchemaNode {
    let byBase = this.nodes.get(schema);
    const existing = byBase?.get(base);
    if (existing) return existing;
    const node: SchemaNode = { id: this.nextId++, schema, properties: new Map(), patterns: [], additional: undefined, items: undefined, leadsToDeprecated: false };
    if (!byBase) this.nodes.set(schema, (byBase = new Map()));
    byBase.set(base, node);

    const named = isObject(schema.properties) || isObject(schema.patternProperties);
    if ((named && (schema.additionalProperties !== false || isObject(schema.patternProperties))) || BRANCHES.some((k) => schema[k] !== undefined)) {
      this.refusesUnnamedKeys = false;
    }
    const nodeBase = baseOf(schema, base);
    const at = (sub: unknown) => (isObject(sub) ? this.position(this.expand(sub, nodeBase)) : undefined);
    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        const position = at(sub);
        if (position) node.properties.set(name, position);
      }
    }
    if (isObject(schema.patternProperties)) {
      for (const [pattern, sub] of Object.entries(schema.patternProperties)) {
        const position = at(sub);
        if (position) node.patterns.push({ pattern: safeRegExp(pattern), position });
      }
    }
    node.additional = at(schema.additionalProperties);
    node.items = Array.isArray(schema.items) ? schema.items.map((sub) => at(sub) ?? this.position(NO_NODES)) : at(schema.items);
    return node;
  }

  /** Marks every schema object from which a deprecated field can be reached (a fixpoint: schemas may recurse). */
  private markDeprecatedPaths(): void {
    const all = [...this.nodes.values()].flatMap((byBase) => [...byBase.values()]);
    const children = (n: SchemaNode): Position[] => [
      ...n.properties.values(),
      ...n.patterns.map((x) => x.position),
      ...(n.additional ? [n.additional] : []),
      ...(Array.isArray(n.items) ? n.items : n.items ? [n.items] : []),
    ];
    for (const n of all) n.leadsToDeprecated = n.schema.deprecated === true;
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of all) {
        if (n.leadsToDeprecated || !children(n).some((c) => c.leadsToDeprecated)) continue;
        n.leadsToDeprecated = true;
        changed = true;
      }
    }
  }

  private indexNames(): void {
    const spellings = new Map<string, Set<string>>();
    for (const byBase of this.nodes.values()) {
      for (const node of byBase.values()) {
        for (const name of node.properties.keys()) {
          this.names.add(name);
          const fold = foldKey(name);
          this.foldedNames.add(fold);
          spellings.set(fold, (spellings.get(fold) ?? new Set()).add(name));
        }
      }
    }
    for (const names of spellings.values()) if (names.size > 1) for (const name of names) this.ambiguousNames.add(name);
  }
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
