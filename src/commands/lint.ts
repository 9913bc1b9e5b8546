/** `tyk-ts lint`: flags → lint() → formatters. Results go to stdout (or -o files), everything else to stderr. */
import { createRequire } from "node:module";
import { InvalidArgumentError, Option } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK } from "../errors.js";
import { inCliWords, type ErrorWords } from "./cli-words.js";
import { stderrColor, stdoutColor } from "../ui/color.js";
import { printCreatedFolder } from "../ui/created-folder.js";
import { FORMATS, type Format } from "../lint/formatters/formats.js";
import { KINDS, PROFILES, type Kind, type Profile } from "../lint/types.js";
import { outputWords } from "./output-hints.js";

interface LintFlags {
  kind?: Kind;
  config?: string;
  bundles?: string;
  envFile: string[];
  maxWarnings?: number;
  quiet?: boolean;
  failSeverity: "error" | "warning";
  verbose?: boolean;
  listRules?: boolean;
  profile: Profile;
}

/** A format and where it goes: `-o` applies to the `-f` before it (or to the default format). */
interface OutputTarget {
  format: Format;
  file?: string;
}

export const registerLint: CommandRegistrar = (program, wrap) => {
  // -f and -o pair up in the order they are given, so they share one list; commander calls these in argv order.
  let targets: OutputTarget[] = [];
  const addFormat = (format: string) => {
    if (!(FORMATS as readonly string[]).includes(format)) throw new InvalidArgumentError(`unknown format "${format}" (choose from ${FORMATS.join(", ")})`);
    targets.push({ format: format as Format });
    return format;
  };
  const addOutput = (file: string) => {
    const last = targets.at(-1);
    if (!last) targets.push({ format: "stylish", file });
    else if (last.file === undefined) last.file = file;
    else throw new InvalidArgumentError(`"${last.file}" already receives the ${last.format} output; put a --format before each --output`);
    return file;
  };
  program
    .command("lint")
    .description("check tyk.conf, API definitions (Classic and OAS), policies and bundle manifests")
    .argument("[paths...]", "files, directories and globs (default: the current directory)")
    .option("-f, --format <format>", `output format: ${FORMATS.join(", ")} (repeatable; default stylish)`, addFormat)
    .option("-o, --output <file>", "write the output of the preceding --format to a file, - for standard output (repeatable)", addOutput)
    .addOption(new Option("--kind <kind>", "lint every document as this kind instead of detecting it").choices([...KINDS]))
    .option("-c, --config <file>", "config file (default: tyk-ts.config.json or .tyk-ts.json in the current directory or above)")
    .option("--bundles <dir>", "check that every custom_middleware_bundle is in <dir> and passes bundle verify")
    .option("--env-file <file>", "the gateway's .env file: lint tyk.conf with its TYK_GW_* variables on top, and check env:// and $secret_env. references against it (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
    .option("--max-warnings <n>", "exit 1 when there are more than <n> warnings", parseCount)
    .option("--quiet", "report errors only")
    .addOption(new Option("--fail-severity <severity>", "lowest severity that makes the exit code 1").choices(["error", "warning"]).default("error"))
    .addOption(new Option("--profile <profile>", "production: security rules report errors instead of warnings (the CI gate)").choices([...PROFILES]).default("default"))
    .option("--verbose", "list the files that were skipped, and which files the cross-file rules compare (on stderr)")
    .option("--list-rules", "print every rule with its default severity and description, then exit")
    .addHelpText(
      "after",
      `
Kinds (detected from content; --kind forces one): ${KINDS.join(", ")}.
Dashboard exports, tyk-sync dumps, lists and Tyk Operator ApiDefinition/SecurityPolicy resources
are linted at the position of the definition inside them. Directories are searched for .json,
.yaml, .yml and .conf files and .env files, skipping node_modules and .git. The gateway's
environment is checked where it is set: .env files, docker compose environment:, Kubernetes env:
lists and ConfigMaps, Helm extraEnvs.

Exit codes: 0 no errors; 1 errors (or more warnings than --max-warnings); 2 usage error,
unreadable path or unknown format.

Examples:
  tyk-ts lint                                   everything under the current directory
  tyk-ts lint apps/ policies/policies.json tyk.conf
  tyk-ts lint 'apis/**/*.yaml' --kind tyk-oas
  tyk-ts lint -f sarif -o lint.sarif -f stylish  SARIF to a file, and a summary for people
  tyk-ts lint --profile production apps/ tyk.conf  fail CI on security findings
  tyk-ts lint --bundles dist/bundles apps/ tyk.conf
  tyk-ts lint --env-file .env tyk.conf apps/     tyk.conf as the gateway runs it with .env`,
    )
    .action(
      wrap(async (paths: string[], flags: LintFlags) => {
        const chosen = targets;
        targets = [];
        return runLint(paths, flags, chosen);
      }),
    );
};

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number of warnings");
  return Number(value);
}

async function runLint(paths: string[], flags: LintFlags, targets: OutputTarget[]): Promise<number> {
  const { ruleCatalog } = await import("../lint/rules/index.js");
  if (flags.listRules) {
    process.stdout.write(formatRuleList(ruleCatalog()));
    return EXIT_OK;
  }
  const { lint } = await import("../lint/engine.js");
  const { errorsOnly, lintGate } = await import("../lint/gate.js");
  const { formatters } = await import("../lint/formatters/index.js");
  const cwd = process.cwd();
  const report = await lint({
    paths,
    cwd,
    profile: flags.profile,
    kind: flags.kind,
    configPath: flags.config,
    bundlesDir: flags.bundles,
    envFiles: flags.envFile,
    onSkip: flags.verbose ? (file, reason) => process.stderr.write(`${stderrColor.dim("skipped")} ${file}: ${reason}\n`) : undefined,
    onScope: flags.verbose ? (note) => process.stderr.write(`${stderrColor.dim("cross-file")} ${note.file ? `${note.file}: ` : ""}${note.message}\n`) : undefined,
  }).catch(inCliWords(LINT_WORDS));
  const results = flags.quiet ? errorsOnly(report.results) : report.results;

  const outputs: OutputTarget[] = targets.length > 0 ? targets : [{ format: "stylish" }];
  const context = { rules: report.rules, cwd, toolVersion: toolVersion() };
  for (const { format, file } of outputs) {
    const formatter = formatters[format];
    if (file) {
      const { Chalk } = await import("chalk");
      const text = formatter(results, { ...context, color: new Chalk({ level: 0 }) });
      const { writeOutput } = await import("../fs/atomic-file.js");
      const { createParentFolders } = await import("../fs/parent-folders.js");
      printCreatedFolder(await createParentFolders(file).catch(inCliWords(OUTPUT_WORDS)));
      await writeOutput(file, text).catch(inCliWords(OUTPUT_WORDS));
    } else {
      process.stdout.write(formatter(results, { ...context, color: stdoutColor }));
    }
  }

  const gate = lintGate(results, { failSeverity: flags.failSeverity, maxWarnings: flags.maxWarnings, quiet: flags.quiet });
  if (results.length === 0) process.stderr.write(`${stderrColor.yellow("warning")} no Tyk documents found${paths.length ? ` in ${paths.join(", ")}` : ""}\n`);
  else if (gate.errors + gate.warnings === 0) process.stderr.write(`${stderrColor.green("✔")} ${results.length} ${results.length === 1 ? "file" : "files"} checked, no problems\n`);
  if (gate.tooManyWarnings) process.stderr.write(`${stderrColor.red("error")} ${gate.warnings} warnings, more than --max-warnings ${flags.maxWarnings}\n`);
  return gate.exitCode;
}

const OUTPUT_WORDS = outputWords("-o");

const LINT_WORDS: ErrorWords = {
  "bundles-dir": (err) => ({ message: `--bundles ${String(err.data?.path)} is not a directory` }),
  "env-file-syntax": (err) => ({ message: `--env-file ${err.message}` }),
  "config-invalid": (err) => (err.data?.unknownRule === undefined ? undefined : { hint: "`tyk-ts lint --list-rules` lists every rule id" }),
};

function toolVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("../../package.json") as { version: string }).version;
}

function formatRuleList(rules: ReadonlyArray<{ id: string; defaultSeverity: string; description: string }>): string {
  const width = Math.max(...rules.map((r) => r.id.length));
  return `${rules.map((r) => `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${r.description}`).join("\n")}\n`;
}
