/** `tyk-ts bundle publish`: flags → publishBundles() → one line per upload and edit, or JSON. */
import type { Command } from "commander";
import type { CommandRegistrar } from "./types.js";
import { BUNDLE_PROBLEM_WORDS } from "./bundle-words.js";
import { inCliWords, problemsInCliWords, type ErrorWords } from "./cli-words.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { PublishOptions, PublishResult } from "../publish/publish.js";
import { stderrColor, stdoutColor } from "../ui/color.js";
import { formatBytes } from "../bytes.js";
import { LIMIT_FLAGS, parseSize } from "./bundle-verify.js";

interface PublishFlags {
  to: string;
  publicUrl?: string;
  update?: string[];
  key?: string;
  config?: string;
  endpoint?: string;
  pathStyle?: boolean;
  region?: string;
  header: string[];
  dryRun?: boolean;
  json?: boolean;
  maxSize?: number;
}

/** Header names whose values are secrets: these must come from the environment. */
const SECRET_HEADER = /auth|token|secret|key|cookie|signature|password/i;

export const registerBundlePublish = (bundle: Command, wrap: Parameters<CommandRegistrar>[1]): void => {
  bundle
    .command("publish")
    .description("verify bundles, upload them under content-addressed names, and point API definitions at them")
    .argument("<bundles...>", "bundle zips, or directories whose .zip files to publish")
    .requiredOption("--to <target>", "s3://bucket/prefix/, an http(s):// URL that accepts PUT, or a folder")
    .option("--public-url <url>", "the URL gateways download from (their bundle_base_url); each bundle is read back from it (required for s3://)")
    .option("--update <definitions...>", "API definitions whose bundle reference to point at the published name (after every upload succeeded)")
    .option("-k, --key <public.pem>", "verify signatures with the gateway's public key (its public_key_path)")
    .option("-c, --config <tyk.conf>", "take public_key_path from this gateway config")
    .option("--endpoint <url>", "S3-compatible endpoint (MinIO, Ceph, R2, …) instead of AWS")
    .option("--path-style", "S3 path-style addressing, bucket in the path (the default with --endpoint or AWS_ENDPOINT_URL_S3)")
    .option("--no-path-style", "S3 virtual-hosted addressing, bucket in the host name (the default on AWS)")
    .option("--region <region>", "S3 region (default: AWS_REGION or the AWS profile; us-east-1 with --endpoint)")
    .option("--header <header>", 'HTTP header for the store, "Name: value"; $VAR in the value is read from the environment (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option("--max-size <size>", "refuse bundles that unpack to more than this (default 1GiB)", parseSize)
    .option("--dry-run", "verify, name and show the plan; contact no store and write nothing")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Each bundle is verified as \`bundle verify\` does, then stored as <name>-<first 12 hex of its
SHA-256>.zip: a new build gets a new name, which gateways download; an unchanged build keeps its
name and is skipped. A name that holds other bytes is never overwritten (exit 1). After the upload
each bundle is read back from --public-url; only then are the --update definitions rewritten (only
the bundle reference's bytes change; each file is replaced atomically). A reference is updated when
it names a build of the same plugin: <name>.zip or <name>-<hex>.zip.

Credentials come from the environment only: the AWS chain for s3:// (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_REGION, roles); for http(s)://,
TYK_TS_PUBLISH_TOKEN (sent as "Authorization: Bearer …") or --header 'Authorization: Bearer $TOKEN'.

Exit codes: 0 published, 1 a bundle refused or a name holding other bytes or a read-back mismatch,
2 usage, input, network or credential error. No definition changes unless the exit code is 0.

Examples:
  tyk-ts bundle publish dist/ --to /srv/bundles --update apis/*.json
  tyk-ts bundle publish auth.zip -k public.pem --to s3://acme-bundles/tyk/ --public-url https://bundles.acme.com/tyk/ --update apis/auth.json
  AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000 tyk-ts bundle publish auth.zip --to s3://bundles/ --public-url http://127.0.0.1:9000/bundles/
  TYK_TS_PUBLISH_TOKEN=… tyk-ts bundle publish auth.zip --to https://artifacts.acme.com/tyk/ --dry-run`,
    )
    .action(wrap(runPublish));
};

async function runPublish(paths: string[], flags: PublishFlags): Promise<number> {
  if (flags.key && flags.config) throw new UsageError("--key and --config both name the public key; pass one of them");
  // The SDK warns on every run that future versions need Node 22: noise for a CLI user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { publishBundles, PublishRefusedError } = await import("../publish/publish.js");
  let publicKey = flags.key;
  let middlewarePath: string | undefined;
  if (flags.config) {
    const { gatewaySettingsFromConfig } = await import("../bundle/verify.js");
    ({ publicKeyPath: publicKey, middlewarePath } = await gatewaySettingsFromConfig(flags.config));
    if (!publicKey) process.stderr.write(`${stderrColor.cyan("note")} ${flags.config} sets no public_key_path: that gateway does not check signatures\n`);
  }
  const options: PublishOptions = {
    bundles: paths,
    to: flags.to,
    publicUrl: flags.publicUrl,
    update: flags.update,
    dryRun: flags.dryRun,
    publicKey,
    middlewarePath,
    endpoint: flags.endpoint,
    pathStyle: flags.pathStyle,
    region: flags.region,
    headers: storeHeaders(flags.header),
    ...(flags.maxSize !== undefined && { limits: { maxTotalSize: flags.maxSize } }),
  };
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let result: PublishResult;
  try {
    result = await publishBundles({ ...options, signal: controller.signal }).catch(async (err: unknown) => {
      if (err instanceof PublishRefusedError) {
        const { verifyFormatters } = await import("../format/verify.js");
        const notAccepted = err.reports.filter((r) => r.verdict !== "accepted").map((r) => ({ ...r, problems: problemsInCliWords(r.problems, BUNDLE_PROBLEM_WORDS) }));
        process.stderr.write(verifyFormatters.text(notAccepted, { color: stderrColor, limitFlags: LIMIT_FLAGS }));
      }
      return inCliWords(PUBLISH_WORDS)(err);
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatPublish(result));
  if (result.definitions.length > 0 && !result.definitions.some((d) => d.status === "updated" || d.status === "current")) {
    const bases = result.bundles.map((b) => `${b.base}.zip or ${b.base}-<hex>.zip`).join(", ");
    process.stderr.write(`${stderrColor.cyan("note")} no definition given to --update names ${bases}; none was changed\n`);
  }
  return EXIT_OK;
}

/** --header values, with $VAR and ${VAR} read from the environment; TYK_TS_PUBLISH_TOKEN as a bearer token. */
export function storeHeaders(given: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const headers: Record<string, string> = {};
  if (env.TYK_TS_PUBLISH_TOKEN) headers.Authorization = `Bearer ${env.TYK_TS_PUBLISH_TOKEN}`;
  for (const h of given) {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*)$/.exec(h);
    if (!m) throw new UsageError(`--header "${h}" is not "Name: value"`);
    const [, name, raw] = m as unknown as [string, string, string];
    if (SECRET_HEADER.test(name) && !/\$\{?[A-Za-z_]/.test(raw)) {
      throw new UsageError(`--header ${name}: a secret would be in the shell history and the process list`, {
        hint: `put it in an environment variable and name it: --header '${name}: Bearer $TOKEN' (single quotes, so tyk-ts reads the variable)`,
      });
    }
    headers[name] = raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_all, a?: string, b?: string) => {
      const variable = (a ?? b)!;
      const value = env[variable];
      if (value === undefined) throw new UsageError(`--header ${name} names the environment variable ${variable}, which is not set`);
      return value;
    });
  }
  return headers;
}

/** The core's errors that come from a flag's value, said with the flag. */
const PUBLISH_WORDS: ErrorWords = {
  "publish-no-public-url": () => ({ hint: "pass --public-url with the gateways' bundle_base_url, e.g. --public-url https://bundles.example.com/tyk/" }),
  "publish-public-url": () => ({ hint: "--public-url takes the gateways' bundle_base_url, an http(s) URL" }),
  "publish-refused": () => ({ hint: "`tyk-ts bundle verify` with the same -k or -c shows the same; an unchecked bundle needs a higher --max-size" }),
};

export function formatPublish(r: PublishResult): string {
  const c = stdoutColor;
  const out: string[] = [];
  const verb = { uploaded: c.green("uploaded"), skipped: c.dim("skipped "), planned: c.cyan("would upload") };
  for (const b of r.bundles) {
    const how = b.upload === "skipped" ? c.dim("already there with the same bytes") : `${formatBytes(b.size)}${b.parts && b.parts > 1 ? `, ${b.parts} parts` : ""}`;
    out.push(`${verb[b.upload]} ${b.file} → ${b.location}  ${how}`);
    if (b.readBack) out.push(`  ${c.green("read back")} ${b.url ?? b.location}`);
    else if (b.url) out.push(`  ${c.dim("gateways download")} ${b.url}`);
  }
  for (const d of r.definitions) {
    for (const ref of d.references) {
      const where = `${d.file}:${ref.line}`;
      if (ref.from !== ref.to) out.push(`${r.dryRun ? c.cyan("would update") : c.green("updated ")} ${where}  ${ref.from} → ${ref.to}`);
      else out.push(`${c.dim("unchanged")} ${where}  ${ref.from}${d.status === "unmatched" ? c.dim(" (no published bundle of that name)") : ""}`);
    }
    if (d.status === "no-reference") out.push(`${c.dim("unchanged")} ${d.file}  ${c.dim("(no bundle reference)")}`);
  }
  if (r.dryRun) out.push(c.dim("dry run: nothing was uploaded or written"));
  return `${out.join("\n")}\n`;
}
