/**
 * The command tree that completion scripts are generated from, read off the commander program so
 * that a new command or flag is completed without anyone editing a script.
 */
import type { Command, Option } from "commander";

export interface CompletionOption {
  /** Every spelling, short first: ["-m", "--manifest"]. */
  names: string[];
  description: string;
  /** True when the option is followed by a value (a path, a number, one of `choices`). */
  takesValue: boolean;
  /** The allowed values, when the option restricts them. */
  choices: string[];
}

export interface CompletionNode {
  /** Subcommand names from the root, space separated: "" for the program, "bundle build". */
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  /** This command's options followed by the program's global ones. */
  options: CompletionOption[];
  /** The allowed values of the command's first argument that restricts them (`completion <shell>`). */
  argumentChoices: string[];
}

function describeOption(option: Option): CompletionOption {
  return {
    names: [option.short, option.long].filter((n): n is string => Boolean(n)),
    description: option.description,
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? [],
  };
}

/** One node per command, parents before children. */
export function completionTree(program: Command): CompletionNode[] {
  const help = program.createHelp();
  // Program options work after a subcommand too, except --version, which only makes sense alone.
  const globals = help.visibleOptions(program).map(describeOption);
  const subcommandGlobals = globals.filter((g) => !g.names.includes("--version"));
  const nodes: CompletionNode[] = [];
  const visit = (cmd: Command, path: string): void => {
    const subcommands = help.visibleCommands(cmd);
    const own = cmd === program ? [] : help.visibleOptions(cmd).map(describeOption);
    const inherited = (cmd === program ? globals : subcommandGlobals).filter((g) => !own.some((o) => o.names.some((n) => g.names.includes(n))));
    nodes.push({
      path,
      subcommands: subcommands.map((c) => ({ name: c.name(), description: c.description() })),
      options: [...own, ...inherited],
      argumentChoices: cmd.registeredArguments.find((a) => a.argChoices)?.argChoices ?? [],
    });
    for (const sub of subcommands) {
      const subPath = path ? `${path} ${sub.name()}` : sub.name();
      // commander's implicit `help [command]` takes the names of its siblings.
      if (sub.name() === "help" && !cmd.commands.includes(sub)) {
        nodes.push({ path: subPath, subcommands: subcommands.filter((c) => c !== sub).map((c) => ({ name: c.name(), description: c.description() })), options: [], argumentChoices: [] });
      } else visit(sub, subPath);
    }
  };
  visit(program, "");
  return nodes;
}
