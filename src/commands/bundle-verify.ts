/** `tyk-ts bundle verify`: flags → verifyBundles() → one of the report formats on stdout. */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CommandRegistrar } from "./types.js";
import { BUNDLE_PROBLEM_WORDS } from "./bundle-words.js";
import { problemsInCliWords } from "./cli-words.js";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.js";
import { printProblems } from "../ui/problems.js";
import { stderrColor, stdoutColor } from "../ui/color.js";

interface VerifyFlags {
  key?: string;
  config?: string;
  envFile: string[];
  format: "text" | "json" | "junit" | "github";
  maxEntries?: number;
  maxSize?: number;
  maxRatio?: number;
  maxManifestSize?: number;
  gatewayVersion?: string;
  gateway?: string;
}

/** The flag that raises each of verify's limits (the core reports the limit by its code). */
export const LIMIT_FLAGS = { entries: "--max-entries", size: "--max-size", ratio: "--max-ratio", manifest: "--max-manifest-size" } as const;

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
    .option("-c, --config <tyk.conf>", "take public_key_path from this gateway config (relative to the config file), with TYK_GW_PUBLICKEYPATH from the environment on top")
    .option("--env-file <file>", "the gateway's .env file: its TYK_GW_* variables apply over -c, then this process's (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "junit", "github"]).default("text"))
    .option("--gateway-version <version>", "the gateway's version, for verdicts that differ between versions (e.g. 5.8.2) and the .so a Go hook loads (default: gatewayVersion in tyk-ts.config.json)")
    .option("--gateway <tyk>", "goplugin bundles: check each .so against this gateway binary (platform, plugin paths, package hashes)")
    .option("--max-entries <n>", "leave zips with more entries than this unchecked (default 10000)", parsePositive)
    .option("--max-size <size>", "leave zips that unpack to more than this unchecked (default 1GiB)", parseSize)
    .option("--max-ratio <n>", "leave zips with an entry over 1 MiB compressed better than n:1 unchecked (default 100)", parsePositive)
    .option("--max-manifest-size <size>", "read at most this much of manifest.json (default 8MiB)", parseSize)
    .addHelpText(
      "after",
      `
The verdict is the gateway's on a fresh download: unpack (names it refuses, folders without
directory entries), manifest.json decoding, "Bundle isn't signed" when a key is set, the MD5
checksum over file_list and the RSA signature. Nothing is unpacked to disk, except the .so files
of a goplugin bundle, copied to a private temporary folder while they are read (never loaded).

A bundle over one of tyk-ts's safety limits (--max-*) is "unchecked": the gateway has no such limit,
so tyk-ts cannot say what it does; raise the limit if the bundle is genuine.

Exit codes: 0 every bundle accepted, 1 any refused or unchecked or with an error finding (such as a
Go plugin that will not load), 2 usage error or unreadable path.

Examples:
  tyk-ts bundle verify bundle.zip
  tyk-ts bundle verify -k public.pem dist/
  tyk-ts bundle verify -c /opt/tyk-gateway/tyk.conf --format github bundles/*.zip
  tyk-ts bundle verify -c tyk.conf --env-file .env bundles/
  tyk-ts bundle verify -k public.pem --gateway-version 5.8.2 bundle.zip
  tyk-ts bundle verify go-bundle.zip --gateway-version 5.3.0 --gateway /opt/tyk-gateway/tyk
  tyk-ts bundle verify --max-size 2GiB --max-manifest-size 32MiB big-bundle.zip`,
    )
    .action(wrap(runVerify));
};

async function runVerify(paths: string[], flags: VerifyFlags): Promise<number> {
  if (flags.key && (flags.config || flags.envFile.length > 0)) throw new UsageError(`--key and ${flags.config ? "--config" : "--env-file"} both name the public key; pass one of them`);
  const { verifyBundles } = await import("../bundle/verify.js");
  const { parseGatewayVersion } = await import("../bundle/gateway-versions.js");
  if (flags.gatewayVersion !== undefined && !parseGatewayVersion(flags.gatewayVersion)) {
    throw new UsageError(`--gateway-version: expected a gateway version such as 5.8.2, got "${flags.gatewayVersion}"`);
  }
  const { verifyFormatters } = await import("../format/verify.js");
  let publicKey = flags.key;
  let middlewarePath: string | undefined;
  if (flags.config || flags.envFile.length > 0) {
    const { gatewaySettings } = await import("../config/load.js");
    const gw = await gatewaySettings({ ...(flags.config ? { configFile: flags.config } : {}), envFiles: flags.envFile });
    ({ publicKeyPath: publicKey, middlewarePath } = gw);
    printProblems(gw.problems);
    if (!publicKey) process.stderr.write(`${stderrColor.cyan("note")} ${flags.config ?? "the environment"} sets no public_key_path: that gateway does not check signatures\n`);
  }
  const limits = {
    ...(flags.maxEntries !== undefined && { maxEntries: flags.maxEntries }),
    ...(flags.maxSize !== undefined && { maxTotalSize: flags.maxSize }),
    ...(flags.maxRatio !== undefined && { maxRatio: flags.maxRatio }),
    ...(flags.maxManifestSize !== undefined && { maxManifestSize: flags.maxManifestSize }),
  };
  const gatewayVersion = flags.gatewayVersion ?? (await (await import("../lint/config.js")).loadConfig({ cwd: process.cwd() })).gatewayVersion;
  const verified = await verifyBundles(paths, { publicKey, limits, gatewayVersion, middlewarePath, ...(flags.gateway && { gateway: flags.gateway }) });
  const reports = verified.map((r) => ({ ...r, problems: problemsInCliWords(r.problems, BUNDLE_PROBLEM_WORDS) }));
  process.stdout.write(verifyFormatters[flags.format](reports, { color: stdoutColor, limitFlags: LIMIT_FLAGS }));
  const count = (verdict: string) => reports.filter((r) => r.verdict === verdict).length;
  const [refused, unchecked] = [count("refused"), count("unchecked")];
  if (flags.format === "text" && reports.length > 1) {
    const uncheckedNote = unchecked > 0 ? `, ${unchecked} unchecked` : "";
    process.stderr.write(`${reports.length} bundles: ${count("accepted")} accepted, ${refused} refused${uncheckedNote}\n`);
  }
  const withErrors = reports.filter((r) => r.verdict === "accepted" && r.problems.some((p) => p.severity === "error")).length;
  return refused + unchecked + withErrors > 0 ? EXIT_FINDINGS : EXIT_OK;
}
