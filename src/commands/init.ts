/** `tyk-ts init <dir> --driver <driver>`: flags → initPlugin() → the files written and what to do next. */
import path from "node:path";
import { Option } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { INIT_DRIVERS, type InitDriver } from "../init/drivers.js";
import type { InitResult } from "../init/scaffold.js";
import { stderrColor, stdoutColor } from "../ui/color.js";

interface InitFlags {
  driver: InitDriver;
  gatewayVersion?: string;
  json?: boolean;
}

export const registerInit: CommandRegistrar = (program, wrap) => {
  program
    .command("init")
    .description("create a plugin folder (manifest.json, entry file, README) that builds right away")
    .argument("<dir>", "the folder to create; it must be new or empty")
    .addOption(new Option("-d, --driver <driver>", "the plugin's language driver").choices(INIT_DRIVERS).makeOptionMandatory())
    .option("--gateway-version <version>", "Go plugins: the Tyk Gateway version to build for, e.g. 5.3.0 (go.mod, file_list, README)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Each template has one "pre" hook that adds the header X-Hello to requests, and a README on how to
build, serve and point an API at it. Go plugins must be compiled (see their README) before the first build.

Examples:
  tyk-ts init my-plugin --driver python && cd my-plugin && tyk-ts bundle build -y
  tyk-ts init auth-server --driver grpc
  tyk-ts init go-headers --driver goplugin --gateway-version 5.3.0
  tyk-ts init headers --driver otto --json`,
    )
    .action(wrap(runInit));
};

async function runInit(dir: string, flags: InitFlags): Promise<number> {
  const { initPlugin } = await import("../init/scaffold.js");
  if (flags.gatewayVersion && flags.driver !== "goplugin") throw new UsageError("--gateway-version applies to --driver goplugin only");
  const result = await initPlugin({ dir, driver: flags.driver, ...(flags.gatewayVersion && { gatewayVersion: flags.gatewayVersion }) });
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printInitResult(dir, result);
  return EXIT_OK;
}

function printInitResult(given: string, r: InitResult): void {
  const c = stdoutColor;
  const lines = [`${c.green("created")} ${given} (${r.driver} plugin, ${r.hook.kind} hook ${r.hook.name})`, ...r.files.map((f) => `  ${f}`)];
  process.stdout.write(`${lines.join("\n")}\n`);
  const cd = path.relative(process.cwd(), r.dir) || ".";
  const next = [
    `cd ${cd.includes(" ") ? JSON.stringify(cd) : cd}`,
    ...(r.buildOutputs.length > 0 ? [`# compile ${r.buildOutputs.join(", ")} first: see README.md`] : []),
    "tyk-ts bundle build -y",
    "tyk-ts serve ../bundles --watch .",
  ];
  process.stderr.write(`\n${stderrColor.dim("next:")}\n${next.map((l) => `  ${l}`).join("\n")}\n`);
}
