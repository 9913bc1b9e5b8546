/** What a command module exports: a function that adds its command to the program. */
import type { Command } from "commander";

/** An action's outcome: the exit code it wants. */
export type ActionResult = number | void;

/** Wraps an async action so the exit code it returns reaches the program. */
export type ActionWrapper = <A extends unknown[]>(fn: (...args: A) => Promise<ActionResult>) => (...args: A) => Promise<void>;

export type CommandRegistrar = (program: Command, wrap: ActionWrapper) => void;
