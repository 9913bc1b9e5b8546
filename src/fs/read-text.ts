import { readFile } from "node:fs/promises";
import { ioError } from "../errors.js";

/** A UTF-8 file read whole; an unreadable file is an I/O error naming it as the user did. */
export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw ioError(err, file);
  }
}
