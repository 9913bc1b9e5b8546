/** `tyk-ts bundle build`: flags → buildBundle() → report. Flags match the gateway's `tyk bundle build`. */
import type { Command } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { inCliWords, problemsInCliWords, type ErrorWords, type ProblemWords } from "./cli-words.js";
import type { BuildResult } from "../bundle/build.js";
import { stderrColor, stdoutColor } from "../ui/color.js";
import { formatBytes } from "../bytes.js";
import { progressLine } from "../ui/progress.js";
import { askSecret, confirm, isInteractive } from "../ui/prompt.js";
import { printProblems } from "../ui/problems.js";
import { printCreatedFolder } from "../ui/created-folder.js";
import { outputWords } from "./output-hints.js";

interface BuildFlags {
  manifest: string;
  output: string;
  key?: string;
  skipSigning?: boolean;
  force?: boolean;
  json?: boolean;
}

export const registerBundleBuild = (bundle: Command, wrap: Parameters<CommandRegistrar>[1]): void => {
  bundle
    .command("build")
    .description("build a bundle zip from manifest.json, with checksum and RSA signature")
    .option("-m, --manifest <path>", "the manifest to build from", "manifest.json")
    .option("-o, --output <path>", "where to write the bundle (- for standard output)", "bundle.zip")
    .option("-k, --key <path>", "PEM RSA private key to sign with (encrypted keys read TYK_TS_KEY_PASSPHRASE)")
    .option("-y, --skip-signing", "build an unsigned bundle without asking")
    .option("--force", "replace an output file even if it is not a zip")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Files in file_list are read relative to the manifest's directory. The single-dash forms from Tyk's
docs work too: tyk-ts bundle build -output mybundle.zip -key mykey.pem

Examples:
  tyk-ts bundle build -y                                  unsigned bundle.zip from ./manifest.json
  tyk-ts bundle build -m plugin/manifest.json -k key.pem  signed bundle
  tyk-ts bundle build -y --json | jq .checksum
  tyk-ts bundle build -y -o - | sha256sum                 the zip on standard output
  tyk-ts bundle build -y -o /dev/null                     check that it builds, keep nothing

-o follows a symlink and replaces the file it points to; a device or a named pipe is written to,
never replaced; an existing bundle keeps its permissions.`,
    )
    .action(wrap(runBuild));
};

async function runBuild(flags: BuildFlags): Promise<number> {
  if (flags.key && flags.skipSigning) throw new UsageError("--key and --skip-signing contradict each other; pass one of them");
  if (!flags.key && !flags.skipSigning) {
    if (!isInteractive()) {
      throw new UsageError("no signing key given", {
        hint: "pass -k <private.pem> to sign the bundle, or -y (--skip-signing) to build it unsigned",
      });
    }
    if (!(await confirm("The bundle will not be signed. Continue?"))) {
      throw new UsageError("build cancelled: no signing key", { hint: "pass -k <private.pem> to sign, or -y to skip signing" });
    }
  }
  const { buildBundle } = await import("../bundle/build.js");
  const { resolveOutput } = await import("../fs/atomic-file.js");
  const destination = await resolveOutput(flags.output).catch(inCliWords(BUILD_WORDS));
  // The zip has standard output to itself: the report goes to stderr.
  const zipOnStdout = destination.kind === "descriptor" && destination.fd === 1;
  if (zipOnStdout && flags.json) throw new UsageError("--json and -o - both want standard output", { hint: "write the bundle to a file with -o, or drop --json" });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const progress = flags.json ? undefined : progressLine();
  try {
    const built = await buildBundle({
      manifest: flags.manifest,
      output: flags.output,
      key: flags.key,
      force: flags.force,
      signal: controller.signal,
      askPassphrase: isInteractive() ? () => askSecret(`Passphrase for ${flags.key}: `) : undefined,
      onProgress: progress
        ? (p) =>
            progress.update(
              () => `bundling ${Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal))}%  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}  file ${Math.min(p.filesDone + 1, p.filesTotal)}/${p.filesTotal}`,
            )
        : undefined,
    }).catch(inCliWords(BUILD_WORDS));
    const result = { ...built, warnings: problemsInCliWords(built.warnings, BUILD_PROBLEM_WORDS) };
    progress?.done();
    printCreatedFolder(result.createdFolder);
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printBuildResult(result, zipOnStdout ? process.stderr : process.stdout);
    return EXIT_OK;
  } finally {
    progress?.done();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

const BUILD_WORDS: ErrorWords = {
  ...outputWords("-o"),
  "key-not-private": () => ({ hint: "pass the private key with -k; the public key goes into tyk.conf as public_key_path" }),
};

const BUILD_PROBLEM_WORDS: ProblemWords = {
  "compression-ratio": (p) => `${p.message}; verify it with --max-ratio`,
};

function printBuildResult(r: BuildResult, to: NodeJS.WriteStream): void {
  const c = to === process.stdout ? stdoutColor : stderrColor;
  printProblems(r.warnings);
  const lines = [
    `${c.green("built")} ${r.output === "-" ? "standard output" : r.output} (${formatBytes(r.size)})`,
    `  files     ${r.files.length} (${formatBytes(r.dataBytes)})`,
    `  checksum  ${r.checksum}`,
    `  signed    ${r.signed ? `yes, key ${r.keyFingerprint}` : c.yellow("no") + " (skip-signing)"}`,
  ];
  to.write(`${lines.join("\n")}\n`);
}
