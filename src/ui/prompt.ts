/** Terminal questions. Callers check `isInteractive()` first: we never wait on a pipe. */
import { createInterface } from "node:readline";

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks a yes/no question on stderr; only an answer starting with "y" counts as yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once("close", () => resolve(""));
      rl.question(`${question} [y/N] `, resolve);
    });
    return /^y/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Reads a secret without echoing it. */
export async function askSecret(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  output._writeToOutput = (s: string) => {
    if (!asked) process.stderr.write(s);
  };
  try {
    return await new Promise<string>((resolve) => {
      rl.once("close", () => resolve(""));
      rl.question(question, (answer) => {
        process.stderr.write("\n");
        resolve(answer);
      });
      asked = true;
    });
  } finally {
    rl.close();
  }
}
