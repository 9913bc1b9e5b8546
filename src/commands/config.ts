/** `tyk-ts config env` and `tyk-ts config print`: the gateway's TYK_GW_* variables and the config it runs. */
import type { Command } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.js";
import { stdoutColor } from "../ui/color.js";
import { printProblems } from "../ui/problems.js";
import type { EnvField } from "../config/env-names.js";

interface EnvFlags {
  json?: boolean;
}

interface PrintFlags {
  config?: string;
  envFile: string[];
  env?: boolean;
  explain?: string;
  json?: boolean;
  showSecrets?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerConfig: CommandRegistrar = (program: Command, wrap) => {
  const config = program
    .command("config")
    .description("the gateway's environment variables and the config it runs with them")
    .addHelpText(
      "after",
      `
Examples:
  tyk-ts config env storage                    the TYK_GW_* variables of the storage section
  tyk-ts config print -c tyk.conf --env-file .env --explain public_key_path`,
    );
  config
    .command("env")
    .description("print the TYK_GW_* variable, type and default of tyk.conf fields")
    .argument("[fields...]", "tyk.conf paths (storage.host), sections (storage) or variable names; all fields when none")
    .option("--json", "print the fields as JSON")
    .addHelpText(
      "after",
      `
The gateway names each variable after the Go fields of its config struct, not the JSON keys:
coprocess_options.enable_coprocess is TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS.

Examples:
  tyk-ts config env                          every variable
  tyk-ts config env storage                  the storage section
  tyk-ts config env enable_bundle_downloader public_key_path
  tyk-ts config env --json > tyk-gw-env.json`,
    )
    .action(wrap(runEnv));
  config
    .command("print")
    .description("print the config the gateway runs: tyk.conf, then the environment on top")
    .option("-c, --config <tyk.conf>", "the gateway config file (default: none, config.Default)")
    .option("--env-file <file>", "a .env file, read as docker compose reads it (repeatable; later files win)", collect, [])
    .option("--env", "apply this process's TYK_* variables last, as the gateway would when run here")
    .option("--explain <field>", "say where one field's value comes from (a tyk.conf path or a TYK_GW_* name)")
    .option("--json", "print the config with its sources, problems and secret references as JSON")
    .option("--show-secrets", "print secret values instead of <redacted>")
    .addHelpText(
      "after",
      `
Defaults come first, then tyk.conf, then the --env-file files in order, then --env. When
TYK_GW_OMITCONFIGFILE is true the gateway drops tyk.conf and its defaults. A value the gateway cannot
parse stops it at start: that is reported and the exit code is 1, as it is for unknown TYK_GW_* names
close to a real one and for env:// or secrets:// references that are not set.

Examples:
  tyk-ts config print -c tyk.conf --env-file .env
  tyk-ts config print -c tyk.conf --env-file .env --explain public_key_path
  tyk-ts config print --env --explain TYK_GW_SECRET
  tyk-ts config print -c tyk.conf --env-file .env --json`,
    )
    .action(wrap(runPrint));
};

async function runEnv(args: string[], flags: EnvFlags): Promise<number> {
  const { envFields, envFieldByName, suggestEnvName } = await import("../config/env-names.js");
  const { describeEnvKind } = await import("../config/describe.js");
  const { closest } = await import("../suggest.js");
  const all = envFields();
  let selected: EnvField[] = [...all];
  if (args.length > 0) {
    selected = [];
    for (const arg of args) {
      const byName = envFieldByName(arg);
      const matches = byName ? [byName] : all.filter((f) => f.path === arg || f.path.startsWith(`${arg}.`));
      if (matches.length === 0) {
        const sections = new Set(all.flatMap((f) => f.path.split(".").map((_, i, keys) => keys.slice(0, i + 1).join("."))));
        const guess = arg.toUpperCase().startsWith("TYK_") ? suggestEnvName(arg) : closest(arg, sections);
        throw new UsageError(`"${arg}" is not a tyk.conf field that a variable sets`, { hint: guess ? `did you mean ${guess}?` : "run tyk-ts config env to list them all" });
      }
      selected.push(...matches);
    }
  }
  const rows = selected.map((f) => ({
    name: f.name,
    path: f.path,
    goType: f.goType,
    type: describeEnvKind(f.envKind),
    ...(f.default !== undefined ? { default: f.default } : {}),
    ...(f.deprecated ? { deprecated: true } : {}),
    ...(f.enum ? { enum: f.enum } : {}),
  }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  const c = stdoutColor;
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const extras = [r.default !== undefined ? `default ${JSON.stringify(r.default)}` : "", r.deprecated ? "deprecated" : ""].filter(Boolean).join(", ");
    process.stdout.write(`${c.bold(r.name.padEnd(width))}  ${r.path}  ${c.dim(r.type)}${extras ? `  ${c.dim(extras)}` : ""}\n`);
  }
  return EXIT_OK;
}

async function runPrint(flags: PrintFlags): Promise<number> {
  const { gatewayProblems, loadGatewayEnvironment, problemAt, processGatewayEnv } = await import("../config/load.js");
  const { explainField } = await import("../config/effective.js");
  const { redactSecrets } = await import("../config/describe.js");
  const gw = await loadGatewayEnvironment({
    ...(flags.config ? { configFile: flags.config } : {}),
    envFiles: flags.envFile,
    ...(flags.env ? { processEnv: processGatewayEnv() } : {}),
  });
  const declared = flags.envFile.length > 0 || Boolean(flags.env);
  const show = (v: unknown) => (flags.showSecrets ? v : redactSecrets(v));
  const problems = gatewayProblems(gw, declared);
  const failed = problems.some((p) => p.severity === "error");

  if (flags.explain) {
    const explanation = explainField(gw, flags.explain);
    if (!explanation) {
      const { suggestEnvName } = await import("../config/env-names.js");
      const guess = flags.explain.toUpperCase().startsWith("TYK_") ? suggestEnvName(flags.explain) : undefined;
      throw new UsageError(`--explain: "${flags.explain}" is not a tyk.conf field that a variable sets`, { hint: guess ? `did you mean ${guess}?` : "tyk-ts config env lists the fields" });
    }
    const shown = { ...explanation, value: show(valueWithKey(explanation.path, explanation.value)), layers: explanation.layers.map((l) => ({ ...l, value: show(valueWithKey(explanation.path, l.value)) })) };
    if (flags.json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    else process.stdout.write(formatExplanation(shown, gw.omitConfigFile));
  } else if (flags.json) {
    process.stdout.write(`${JSON.stringify({ config: show(gw.config), omitConfigFile: gw.omitConfigFile, problems, references: gw.references }, null, 2)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(show(gw.config), null, 2)}\n`);
  }
  if (!flags.json) printProblems(problems.map(problemAt));
  return failed ? EXIT_FINDINGS : EXIT_OK;
}

/** Redaction goes by key name, so explain the value under its own key. */
function valueWithKey(path: string, value: unknown): unknown {
  const key = path.slice(path.lastIndexOf(".") + 1);
  return { [key]: value };
}

function formatExplanation(e: { path: string; variable: string; value: unknown; source: { from: string }; layers: Array<{ from: string; value: unknown; where?: string }> }, omitted: boolean): string {
  const c = stdoutColor;
  const unwrap = (v: unknown) => JSON.stringify(Object.values(v as object)[0]);
  const lines = [`${c.bold(e.path)} = ${unwrap(e.value)}  ${c.dim(`(${e.variable})`)}`];
  if (e.layers.length === 0) lines.push(`  not set anywhere${omitted ? " (TYK_GW_OMITCONFIGFILE dropped tyk.conf and the defaults)" : ""}: the gateway uses Go's zero value`);
  for (const [i, layer] of e.layers.entries()) {
    const won = i === e.layers.length - 1;
    lines.push(`  ${won ? c.green("wins  ") : c.dim("under ")} ${layer.from.padEnd(7)} ${unwrap(layer.value)}  ${c.dim(layer.where ?? "")}`);
  }
  return `${lines.join("\n")}\n`;
}
