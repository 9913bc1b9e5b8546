/**
 * Seed and budget for the property tests. CI runs a fixed seed with a small number of runs and a
 * time cap per property; `npm run fuzz` sets TYK_TS_FUZZ_RUNS for a long run. A failure prints the
 * seed and the path to replay it: `TYK_TS_FUZZ_SEED=<seed> npx vitest run test/fuzz/<file>`.
 */
import fc from "fast-check";
import { afterAll } from "vitest";

export const FUZZ_SEED = Number(process.env.TYK_TS_FUZZ_SEED ?? 20_251_123);
const LONG_RUNS = process.env.TYK_TS_FUZZ_RUNS ? Number(process.env.TYK_TS_FUZZ_RUNS) : undefined;

/** Runs per property: the CI default, or TYK_TS_FUZZ_RUNS (up to `longCap` for costly cases). */
export function runsFor(ciRuns: number, longCap = Infinity): number {
  return LONG_RUNS === undefined ? ciRuns : Math.max(ciRuns, Math.min(LONG_RUNS, longCap));
}

/** Wall-time cap per property: short in CI, generous for a long run. */
export function timeCapMs(ciMs: number): number {
  return LONG_RUNS === undefined ? ciMs : 30 * 60_000;
}

/** A vitest timeout that leaves room for the time cap and shrinking a counterexample. */
export function testTimeoutMs(ciMs: number): number {
  return timeCapMs(ciMs) + 60_000;
}

const executed: Array<{ name: string; runs: number; interrupted: boolean }> = [];
afterAll(() => {
  if (executed.length === 0) return;
  const lines = executed.map((e) => `  ${e.name}: ${e.runs} runs${e.interrupted ? " (time cap reached)" : ""}`);
  process.stdout.write(`fuzz seed ${FUZZ_SEED}\n${lines.join("\n")}\n`);
});

/**
 * Checks an async property with the shared seed and budget, and records how many runs it made
 * (`longCap` bounds a long run of a costly property, e.g. one that spawns the CLI per case).
 * Throws fast-check's report (with the counterexample and the seed) when the property fails.
 */
export async function checkProperty<T>(name: string, property: fc.IAsyncProperty<T>, ciRuns: number, ciTimeMs: number, longCap?: number): Promise<void> {
  const details = await fc.check(property, {
    seed: FUZZ_SEED,
    numRuns: runsFor(ciRuns, longCap),
    plugins: [fc.interruptAfterTimeLimit(timeCapMs(ciTimeMs))],
  });
  executed.push({ name, runs: details.numRuns, interrupted: details.interrupted });
  if (details.failed) throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`);
}
