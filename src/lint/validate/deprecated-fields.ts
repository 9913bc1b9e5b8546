/**
 * Fields marked `deprecated: true` in the schema that a document sets. Only the parts of the document
 * that can lead to such a field are looked at, so most of it is never visited.
 */
import { childPointer, isObject, pointerOf } from "../read/pointer.js";
import type { Position, SchemaGraph } from "./schema-graph.js";

export interface DeprecatedField {
  pointer: string;
  description?: string;
}

/** `value` has canonical keys (see canonicalKeys). */
export function deprecatedFields(value: unknown, graph: SchemaGraph): DeprecatedField[] {
  const found: DeprecatedField[] = [];
  // The path is kept as segments and turned into a pointer only for what is reported.
  const path: Array<string | number> = [];
  const visit = (node: unknown, at: Position): void => {
    if (!at.leadsToDeprecated) return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item !== "object" || item === null) continue;
        path.push(i);
        visit(item, at.item(i));
        path.pop();
      }
      return;
    }
    if (!isObject(node)) return;
    // Where only named properties can lead to a deprecated field, look up those rather than every key.
    const names = at.namesLeadingToDeprecated;
    if (names) {
      for (const key of names) if (Object.hasOwn(node, key)) member(node, key, at.property(key)!);
    } else {
      for (const key of Object.keys(node)) member(node, key, at.property(key) ?? at.other(key));
    }
  };
  const member = (node: Record<string, unknown>, key: string, sub: Position): void => {
    if (!sub.leadsToDeprecated) return;
    const child = node[key];
    const marked = sub.deprecatedSchema;
    if (marked && !isEmptyValue(child)) {
      found.push({ pointer: childPointer(pointerOf(path), key), description: typeof marked.description === "string" ? marked.description : undefined });
    }
    if (typeof child === "object" && child !== null) {
      path.push(key);
      visit(child, sub);
      path.pop();
    }
  };
  visit(value, graph.root);
  return found;
}

/**
 * null, "", false, 0, and objects or arrays holding only such values: what the Dashboard writes for
 * every field it exports, so a deprecated field with an empty value is not a sign of use.
 */
function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === "" || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.every(isEmptyValue);
  if (isObject(value)) return Object.values(value).every(isEmptyValue);
  return false;
}
