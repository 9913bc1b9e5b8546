/**
 * Keys written twice in one JSON object. JSON.parse keeps the last silently; Go's decoder (the
 * gateway, config.Load, the policy loaders) decodes both into the same field, which lint models in
 * validate/go-decode.ts. Most texts are cleared by counting their keys' colons (hasDuplicateKeys);
 * only a text with more colons than keys is scanned with a set of keys per object, and the tree
 * with every occurrence is built only for the rare file that has some.
 */
import { type JsonNode, parseJson } from "../../json/parse.js";
import { childPointer } from "./pointer.js";

export interface DuplicateKey {
  /** Pointer of the object that holds the key twice. */
  object: string;
  key: string;
  /** Offsets of the earlier and the later occurrence of the key. */
  firstKey: number;
  secondKey: number;
}

/**
 * Whether any object in the JSON text has a key twice, given how many keys the value JSON.parse made
 * of it holds (read/census.ts). The quick answer: every key is followed by `:`, with nothing but
 * whitespace between its closing quote and the colon, so counting the colons whose previous
 * non-blank character is an unescaped `"` counts every key written, plus any string that starts
 * with a colon. When that count is no more than the keys JSON.parse kept, none was dropped;
 * otherwise scan. On 2,000 exported definitions (7 MB) the count costs a few milliseconds; scanning
 * every text cost 700 ms.
 */
export function hasDuplicateKeys(text: string, keys: number): boolean {
  let written = 0;
  for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) {
    let j = i - 1;
    for (let c = text.charCodeAt(j); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(--j));
    if (text.charCodeAt(j) !== 34) continue;
    let backslashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0 && ++written > keys) return scanForDuplicateKeys(text);
  }
  return false;
}

function scanForDuplicateKeys(text: string): boolean {
  const stack: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      const top = stack[stack.length - 1];
      if (top === undefined || top === null) continue;
      // A key is a string followed by ':'.
      let j = i + 1;
      while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13 || text.charCodeAt(j) === 9) j++;
      if (text.charCodeAt(j) !== 58) continue;
      let key = text.slice(start + 1, i);
      if (key.includes("\\")) key = JSON.parse(`"${key}"`) as string;
      if (top.has(key)) return true;
      top.add(key);
    } else if (c === 123) stack.push(new Set());
    else if (c === 91) stack.push(null);
    else if (c === 125 || c === 93) stack.pop();
  }
  return false;
}

/** Every repeated key with its earlier occurrence, from the tree of the text's first JSON value. */
export function duplicateKeys(text: string): { tree: JsonNode; duplicates: DuplicateKey[] } | undefined {
  let tree: JsonNode;
  try {
    tree = parseJson(text, { firstValueOnly: true });
  } catch {
    return undefined;
  }
  const duplicates: DuplicateKey[] = [];
  const walk = (node: JsonNode, pointer: string): void => {
    if (node.type === "array") node.items.forEach((item, i) => walk(item, childPointer(pointer, i)));
    if (node.type !== "object") return;
    const seen = new Map<string, number>();
    for (const m of node.members) {
      const earlier = seen.get(m.key);
      if (earlier !== undefined) duplicates.push({ object: pointer, key: m.key, firstKey: earlier, secondKey: m.keyOffset });
      seen.set(m.key, m.keyOffset);
      walk(m.value, childPointer(pointer, m.key));
    }
  };
  walk(tree, "");
  return { tree, duplicates };
}
