/**
 * A JSON file read whole and parsed with positions: what build (manifest.json), verify (tyk.conf)
 * and lint (its config) read. An unreadable file is an I/O error naming it; invalid JSON an error
 * naming the file, line and column (`manifest.json:2:24: invalid JSON: trailing comma before ']'`).
 */
import { InputError } from "../errors.js";
import { readTextFile } from "../fs/read-text.js";
import { JsonSyntaxError, parseJson, type JsonNode } from "./parse.js";

export interface JsonFile {
  text: string;
  root: JsonNode;
}

/** `file` as the user named it; `syntaxCode` is the error code for invalid JSON (e.g. `manifest-syntax`). */
export async function readJsonFile(file: string, syntaxCode: string): Promise<JsonFile> {
  const text = await readTextFile(file);
  try {
    return { text, root: parseJson(text) };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new InputError(syntaxCode, `${file}:${err.position.line}:${err.position.column}: invalid JSON: ${err.reason}`, { data: { file, ...err.position } });
  }
}
