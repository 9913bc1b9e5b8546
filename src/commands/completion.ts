/** `tyk-ts completion bash|zsh|fish`: prints a completion script generated from the command tree. */
import { Argument, type Command } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK } from "../errors.js";
import type { Shell } from "../completion/shells.js";

const SHELLS = ["bash", "zsh", "fish"] as const satisfies readonly Shell[];

export const registerCompletion: CommandRegistrar = (program, wrap) => {
  program
    .command("completion")
    .description("print a shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(SHELLS))
    .addHelpText(
      "after",
      `
The script lists every command, option and choice of this version; regenerate it after upgrading.

Examples:
  tyk-ts completion bash > ~/.local/share/bash-completion/completions/tyk-ts
  tyk-ts completion zsh > "\${fpath[1]}/_tyk-ts"
  tyk-ts completion fish > ~/.config/fish/completions/tyk-ts.fish
  source <(tyk-ts completion bash)                     this shell only`,
    )
    .action(wrap(runCompletion));
};

async function runCompletion(shell: Shell, _flags: unknown, cmd: Command): Promise<number> {
  const [{ completionTree }, { completionScripts }] = await Promise.all([import("../completion/tree.js"), import("../completion/shells.js")]);
  let program = cmd;
  while (program.parent) program = program.parent;
  process.stdout.write(completionScripts[shell](completionTree(program), program.version() ?? ""));
  return EXIT_OK;
}
