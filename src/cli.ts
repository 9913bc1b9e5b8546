/**
 * The commander program: global flags, command registration, and the one place that turns errors
 * into exit codes. Command modules only declare flags; the work they do is imported lazily inside
 * their actions so `--help` and `--version` stay fast.
 */
import { Command, CommanderError, Option } from "commander";
import { createRequire } from "node:module";
import { EXIT_OK, EXIT_USAGE, TykTsError } from "./errors.js";
import { setColorFlag, stderrColor } from "./ui/color.js";
import { registerBundleCommands } from "./commands/bundle.js";
import { registerKeygen } from "./commands/keygen.js";
import { registerServe } from "./commands/serve.js";
import { registerInit } from "./commands/init.js";
import { registerCompletion } from "./commands/completion.js";
import { registerLint } from "./commands/lint.js";
import { registerSchema } from "./commands/schema.js";
import { registerPlugin } from "./commands/plugin.js";
import { registerConfig } from "./commands/config.js";
import type { ActionResult, ActionWrapper, CommandRegistrar } from "./commands/types.js";

const require = createRequire(import.meta.url);
const { version } = require("../package.json") as { version: string };

interface ProgramState {
  exitCode: number;
}

/** Wraps an async action so its returned exit code reaches `main`. */
export function action<A extends unknown[]>(
  state: ProgramState,
  fn: (...args: A) => Promise<ActionResult>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const code = await fn(...args);
    state.exitCode = typeof code === "number" ? code : EXIT_OK;
  };
}

const registrars: CommandRegistrar[] = [registerInit, registerBundleCommands, registerKeygen, registerServe, registerCompletion, registerLint, registerSchema, registerConfig, registerPlugin];

export function createProgram(state: ProgramState = { exitCode: EXIT_OK }): Command {
  const program = new Command("tyk-ts")
    .description("Build, verify and serve Tyk plugin bundles; lint Tyk API definitions, policies and tyk.conf.")
    .version(version, "-V, --version", "print the version")
    .addOption(new Option("--debug", "print stack traces for unexpected errors"))
    .addOption(new Option("--color", "force coloured output"))
    .addOption(new Option("--no-color", "disable coloured output (NO_COLOR is honoured too)"))
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .exitOverride()
    .hook("preAction", (cmd) => {
      const opts = cmd.optsWithGlobals() as { color?: boolean };
      setColorFlag(process.argv.includes("--color") ? true : opts.color === false ? false : undefined);
    });
  const wrap: ActionWrapper = (fn) => action(state, fn);
  for (const register of registrars) register(program, wrap);
  applyToAll(program, (cmd) => cmd.exitOverride().showSuggestionAfterError(true));
  return program;
}

function applyToAll(cmd: Command, fn: (cmd: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyToAll(sub, fn);
}

/**
 * Tyk's docs write long options with one dash (`-output x.zip -key k.pem`). Commander would read
 * `-output` as `-o utput`, so rewrite such words to the double-dash form when they name a long option
 * the program knows.
 */
export function normalizeSingleDashLongOptions(args: string[], program: Command): string[] {
  const longNames = new Set<string>();
  applyToAll(program, (cmd) => {
    for (const opt of cmd.options) if (opt.long) longNames.add(opt.long.slice(2));
  });
  const out: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const m = /^-([a-z][a-z0-9-]+)(=.*)?$/.exec(arg);
    out.push(m && longNames.has(m[1]!) ? `-${arg}` : arg);
  }
  return out;
}

/** Runs the CLI and returns the exit code (the caller sets `process.exitCode`). */
export async function main(argv: string[]): Promise<number> {
  // `tyk-ts lint -f sarif | head` closes our stdout early: stop quietly, like other Unix tools.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? EXIT_OK);
    throw err;
  });
  const state: ProgramState = { exitCode: EXIT_OK };
  const program = createProgram(state);
  const args = normalizeSingleDashLongOptions(argv.slice(2), program);
  try {
    await program.parseAsync(args, { from: "user" });
    return state.exitCode;
  } catch (err) {
    return reportError(err, args.includes("--debug"));
  }
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version are "errors" to commander; they already printed what they had to.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT_OK;
    return EXIT_USAGE;
  }
  const c = stderrColor;
  if (err instanceof TykTsError) {
    process.stderr.write(`${c.red("error")} ${err.message}\n`);
    const cause = err.cause as { message?: string } | undefined;
    if (cause?.message && debug) process.stderr.write(`  cause: ${cause.message}\n`);
    if (err.hint) process.stderr.write(`  ${c.dim("hint:")} ${err.hint}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`${c.red("error")} unexpected failure: ${e?.message ?? String(err)}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write(`  ${c.dim("hint:")} run again with --debug for details, and report it if it persists\n`);
  return EXIT_USAGE;
}
