/** `tyk-ts bundle verify`: flags → verifyBundles() → one of the report formats on stdout. */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CommandRegistrar } from "../cli.js";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.js";
import { stderrColor, stdoutColor } from "../ui/color.js";

interface VerifyFlags {
  key?: string;
  config?: string;
  format: "text" | "json" | "junit" | "github";
  maxEntries?: number;
  maxSize?: number;
  maxRatio?: number;
  gateway?: string;
  gatewayVersion?: string;
}

const SIZE_UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** "500MB", "2GiB", "1048576": binary units, so 1M = 1 MiB. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError(`expected a size such as 500MB or 2GiB, got "${value}"`);
  return Math.floor(Number(m[1]) * unit);
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

export const registerBundleVerify = (bundle: Command, wrap: Parameters<CommandRegistrar>[1]): void => {
  bundle
    .command("verify")
    .description("predict whether the gateway will load bundles, and say why not")
    .argument("<bundles...>", "bundle zips, or directories whose .zip files to verify")
    .option("-k, --key <public.pem>", "the gateway's public key (PEM PUBLIC KEY or RSA PUBLIC KEY), as public_key_path")
    .option("-c, --config <tyk.conf>", "take public_key_path from this gateway config (relative to the config file)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "junit", "github"]).default("text"))
    .option("--max-entries <n>", "refuse zips with more entries than this (default 10000)", parsePositive)
    .option("--max-size <size>", "refuse zips that unpack to more than this (default 1GiB)", parseSize)
    .option("--max-ratio <n>", "refuse entries over 1 MiB that compress better than n:1 (default 100)", parsePositive)
    .option("--gateway <tyk>", "goplugin bundles: check each .so against this gateway binary (package hashes, platform, plugin paths)")
    .option("--gateway-version <version>", "goplugin bundles: say which .so this gateway version loads for each hook (default: gatewayVersion in tyk-ts.config.json)")
    .addHelpText(
      "after",
      `
The verdict is the gateway's on a fresh download: unpack (names it refuses, folders without
directory entries), manifest.json decoding, "Bundle isn't signed" when a key is set, the MD5
checksum over file_list and the RSA signature. Nothing is unpacked to disk, except the .so files
of a goplugin bundle, to a private temporary folder while they are read (never loaded).

Exit codes: 0 every bundle accepted, 1 any refused or with an error finding (such as a Go plugin
that will not load), 2 usage error or unreadable path.

Examples:
  tyk-ts bundle verify bundle.zip
  tyk-ts bundle verify -k public.pem dist/
  tyk-ts bundle verify -c /opt/tyk-gateway/tyk.conf --format github bundles/*.zip
  tyk-ts bundle verify go-bundle.zip --gateway-version 5.3.0 --gateway /opt/tyk-gateway/tyk`,
    )
    .action(wrap(runVerify));
};

async function runVerify(paths: string[], flags: VerifyFlags): Promise<number> {
  if (flags.key && flags.config) throw new UsageError("--key and --config both name the public key; pass one of them");
  const { verifyBundles, publicKeyPathFromConfig } = await import("../bundle/verify.js");
  const { verifyFormatters } = await import("../bundle/verify-formats.js");
  let publicKey = flags.key;
  if (flags.config) {
    publicKey = await publicKeyPathFromConfig(flags.config);
    if (!publicKey) process.stderr.write(`${stderrColor.cyan("note")} ${flags.config} sets no public_key_path: that gateway does not check signatures\n`);
  }
  const limits = {
    ...(flags.maxEntries !== undefined && { maxEntries: flags.maxEntries }),
    ...(flags.maxSize !== undefined && { maxTotalSize: flags.maxSize }),
    ...(flags.maxRatio !== undefined && { maxRatio: flags.maxRatio }),
  };
  if (flags.gatewayVersion !== undefined && !(await import("../goplugin/file-names.js")).parseGatewayVersion(flags.gatewayVersion)) {
    throw new UsageError(`option '--gateway-version <version>' argument '${flags.gatewayVersion}' is invalid: expected a gateway version such as 5.3.0, got "${flags.gatewayVersion}"`);
  }
  const gatewayVersion = flags.gatewayVersion ?? (await import("../lint/config.js")).loadConfig({ cwd: process.cwd() }).gatewayVersion;
  const goPlugins = { ...(flags.gateway && { gateway: flags.gateway }), ...(gatewayVersion && { gatewayVersion }) };
  const reports = await verifyBundles(paths, { publicKey, limits, goPlugins });
  process.stdout.write(verifyFormatters[flags.format](reports, stdoutColor));
  const refused = reports.filter((r) => !r.accepted).length;
  const failed = reports.filter((r) => !r.accepted || r.problems.some((p) => p.severity === "error")).length;
  if (flags.format === "text" && reports.length > 1) {
    process.stderr.write(`${reports.length} bundles: ${reports.length - refused} accepted, ${refused} refused\n`);
  }
  return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
