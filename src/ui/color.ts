/**
 * The one colour module. chalk does not honour NO_COLOR by itself, so the level is decided here:
 * off for NO_COLOR, --no-color or a stream that is not a terminal; on for FORCE_COLOR.
 */
import { Chalk, type ChalkInstance } from "chalk";

export function colorLevelFor(stream: NodeJS.WriteStream, flag?: boolean): 0 | 1 | 2 | 3 {
  const env = process.env;
  if (flag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  if (env.FORCE_COLOR !== undefined) {
    const n = Number(env.FORCE_COLOR);
    if (env.FORCE_COLOR === "" || env.FORCE_COLOR === "true") return 1;
    if (env.FORCE_COLOR === "false" || n === 0) return 0;
    return (Math.min(3, Math.max(1, n)) as 1 | 2 | 3) || 1;
  }
  if (flag === true) return 1;
  return stream.isTTY ? 1 : 0;
}

let colorFlag: boolean | undefined;

/** Called by the CLI with the value of --color/--no-color. */
export function setColorFlag(flag: boolean | undefined): void {
  colorFlag = flag;
  stdoutColor = new Chalk({ level: colorLevelFor(process.stdout, colorFlag) });
  stderrColor = new Chalk({ level: colorLevelFor(process.stderr, colorFlag) });
}

/** Colours for what goes to stdout (results). */
export let stdoutColor: ChalkInstance = new Chalk({ level: colorLevelFor(process.stdout) });
/** Colours for what goes to stderr (messages, progress). */
export let stderrColor: ChalkInstance = new Chalk({ level: colorLevelFor(process.stderr) });
