/**
 * The core names the output path and what it is; the command knows which flag gave the path. These
 * hints finish its sentence (in the words of src/commands/cli-words.ts).
 */
import type { ErrorWords } from "./cli-words.js";

const HINTS: Record<string, (flag: string) => string> = {
  "output-is-directory": (flag) => `give ${flag} a file name inside it`,
  "output-is-terminal": (flag) => `redirect standard output to a file or a pipe (${flag} - > bundle.zip), or give ${flag} a file name`,
  "output-link-loop": (flag) => `fix the link, or give ${flag} another path`,
  "output-exists": (flag) => `choose another ${flag} path, or pass --force to replace it`,
  "output-is-input": (flag) => `write the bundle somewhere else with ${flag}`,
  "key-exists": (flag) => `choose another path with ${flag}, or pass --force to replace it`,
  "key-not-a-file": (flag) => `give ${flag} a file name, such as ${flag} signing.pem`,
};

/** The hints for errors about an output path that `flag` gave. */
export function outputWords(flag: string): ErrorWords {
  return Object.fromEntries(Object.entries(HINTS).map(([code, hint]) => [code, () => ({ hint: hint(flag) })]));
}
