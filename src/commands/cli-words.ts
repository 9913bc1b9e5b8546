/**
 * The core says what went wrong by code and data, in words that name no flag (library callers have
 * none). A command says the same in the CLI's words, naming the flag the value came from: it maps
 * the codes it knows to its own sentences and leaves the rest as they are.
 */
import { reworded, TykTsError } from "../errors.js";
import type { Problem } from "../problem.js";

export type ErrorWords = Readonly<Record<string, (err: TykTsError) => { message?: string; hint?: string } | undefined>>;

/** For `.catch()` around a core call: rethrows its error in the command's words. */
export function inCliWords(words: ErrorWords): (err: unknown) => never {
  return (err) => {
    const said = err instanceof TykTsError ? words[err.code]?.(err) : undefined;
    throw said ? reworded(err as TykTsError, said) : err;
  };
}

export type ProblemWords = Readonly<Record<string, (problem: Problem) => string>>;

/** The problems with the command's message for each code it has words for. */
export function problemsInCliWords<P extends Problem>(problems: readonly P[], words: ProblemWords): P[] {
  return problems.map((p) => (words[p.code] ? { ...p, message: words[p.code]!(p) } : p));
}
