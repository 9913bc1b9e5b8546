/** `tyk-ts serve`: flags → createServer() → the tyk.conf lines to paste; runs until Ctrl-C or SIGTERM. */
import { networkInterfaces } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { ServeLogEntry } from "../serve/log.js";
import type { ServeOptions, TykTsServer } from "../serve/server.js";
import { stderrColor, stdoutColor } from "../ui/color.js";
import { askSecret, isInteractive } from "../ui/prompt.js";
import { formatProblem, printProblems } from "../ui/problems.js";
import { inCliWords, type ErrorWords } from "./cli-words.js";

interface ServeFlags {
  port: string;
  host: string;
  verify?: boolean;
  key?: string;
  config?: string;
  envFile: string[];
  watch?: string[];
  signKey?: string;
  tlsCert?: string;
  tlsKey?: string;
  selfSigned?: boolean;
  auth?: string;
  jsonLog?: boolean;
}

export const registerServe: CommandRegistrar = (program: Command, wrap) => {
  program
    .command("serve")
    .description("serve bundles to the gateway's bundle downloader during development")
    .argument("[dir]", "the directory to serve", ".")
    .option("-p, --port <n>", "port to listen on (0 picks a free one)", "8000")
    .option("-H, --host <addr>", "address to listen on; anything but loopback is reachable from other machines", "127.0.0.1")
    .option("--verify", "serve only bundles that `bundle verify` accepts; others get 409 with the reason")
    .option("-k, --key <public.pem>", "the gateway's public key (public_key_path): printed in the tyk.conf lines, and used by --verify")
    .option("-c, --config <tyk.conf>", "take public_key_path from this gateway config, with TYK_GW_PUBLICKEYPATH from the environment on top (instead of -k)")
    .option("--env-file <file>", "the gateway's .env file, applied over -c (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
    .option("-w, --watch <plugin-dir...>", "rebuild these plugins (folders with a manifest.json) into <dir> on every change")
    .option("--sign-key <private.pem>", "sign the bundles --watch builds (encrypted keys read TYK_TS_KEY_PASSPHRASE)")
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (needs --tls-key)")
    .option("--tls-key <file>", "the PEM private key of --tls-cert")
    .option("--self-signed", "serve HTTPS with a throwaway self-signed certificate")
    .option("--auth <user:password>", "require HTTP basic auth (the gateway sends it from bundle_base_url)")
    .option("--json-log", "write the log and events as JSON lines")
    .addHelpText(
      "after",
      `
Every request reads the disk afresh: rebuild a bundle and the next download gets it. The gateway
never downloads a bundle name it already has, so give each rebuild a new name (--watch does).
Dotfiles are never served. Access log lines go to stderr.

Examples:
  tyk-ts serve                                   serve ./ on http://127.0.0.1:8000/
  tyk-ts serve dist --verify -k public.pem       refuse bundles the gateway would refuse
  tyk-ts serve dist --verify -c tyk.conf --env-file .env    the same key the gateway uses
  tyk-ts serve dist --watch plugin --sign-key private.pem
  tyk-ts serve dist --self-signed --auth dev:secret -H 0.0.0.0`,
    )
    .action(wrap(runServe));
};

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port expects a number from 0 to 65535, got "${value}"`);
  return Number(value);
}

function checkFlags(flags: ServeFlags): void {
  if (flags.signKey && !flags.watch) throw new UsageError("--sign-key signs the bundles --watch builds; add --watch <plugin-dir>");
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new UsageError("--tls-cert and --tls-key go together; pass both");
  if (flags.selfSigned && flags.tlsCert) throw new UsageError("--self-signed and --tls-cert contradict each other; pass one of them");
}

const SERVE_WORDS: ErrorWords = {
  "watch-no-manifest": (err) => ({
    message: `--watch ${String(err.data?.given)}: no manifest.json in ${String(err.data?.dir)}`,
    hint: "--watch takes plugin folders, each holding the manifest.json that `bundle build` reads",
  }),
  "watch-name-clash": (err) => ({ message: `--watch ${String(err.data?.first)} and ${String(err.data?.second)} would both build bundles named ${String(err.data?.name)}-….zip` }),
  "tls-cert-invalid": () => ({ hint: "pass the certificate (-----BEGIN CERTIFICATE-----) with --tls-cert and its private key with --tls-key" }),
  "tls-key-invalid": () => ({ hint: "check that --tls-key is the unencrypted private key belonging to --tls-cert" }),
  "key-not-private": () => ({ hint: "pass the private key with --sign-key; the public key goes into tyk.conf as public_key_path" }),
  "address-in-use": () => ({ hint: "stop the other server, or choose another port with -p (and update bundle_base_url in tyk.conf to match)" }),
};

async function serveOptions(dir: string, flags: ServeFlags, log: (entry: ServeLogEntry) => void): Promise<ServeOptions> {
  let signingKey: ServeOptions["signingKey"];
  if (flags.signKey) {
    const { loadPrivateKey } = await import("../bundle/keys.js");
    signingKey = await loadPrivateKey(flags.signKey, { askPassphrase: isInteractive() ? () => askSecret(`Passphrase for ${flags.signKey}: `) : undefined }).catch(inCliWords(SERVE_WORDS));
  }
  return {
    root: dir,
    host: flags.host,
    port: parsePort(flags.port),
    verify: flags.verify ? { publicKey: flags.key } : undefined,
    watch: flags.watch,
    signingKey,
    tls: flags.selfSigned ? { selfSigned: true } : flags.tlsCert && flags.tlsKey ? { cert: flags.tlsCert, key: flags.tlsKey } : undefined,
    auth: flags.auth,
    log,
  };
}

async function runServe(dir: string, flags: ServeFlags): Promise<number> {
  checkFlags(flags);
  if (flags.config || flags.envFile.length > 0) {
    if (flags.key) throw new UsageError(`--key and ${flags.config ? "--config" : "--env-file"} both name the public key; pass one of them`);
    const { gatewaySettings } = await import("../config/load.js");
    const gw = await gatewaySettings({ ...(flags.config ? { configFile: flags.config } : {}), envFiles: flags.envFile });
    printProblems(gw.problems);
    flags.key = gw.publicKeyPath;
  }
  const { credentialsProblem } = await import("../serve/auth.js");
  const authProblem = flags.auth === undefined ? undefined : credentialsProblem(flags.auth);
  if (authProblem) throw new UsageError(`--auth expects user:password, got ${authProblem}`, { hint: "for example --auth dev:s3cret (the user name cannot contain a colon)" });
  const { createServer, isLoopbackHost } = await import("../serve/server.js");
  const { formatRequestLine } = await import("../serve/log.js");
  const json = Boolean(flags.jsonLog);
  const log = (entry: ServeLogEntry) => {
    const toStdout = entry.type === "build";
    const stream = toStdout ? process.stdout : process.stderr;
    if (json) stream.write(`${JSON.stringify(entry)}\n`);
    else if (entry.type === "request") stream.write(`${formatRequestLine(entry)}\n`);
    else if (entry.type === "build") printBuild(entry);
    else stream.write(`${stderrColor.red("error")} rebuilding ${entry.plugin}: ${entry.message}\n`);
  };
  const server = await createServer(await serveOptions(dir, flags, log)).catch(inCliWords(SERVE_WORDS));
  // Listen for signals before telling anyone the server is up.
  const stopRequested = stopSignal();
  const tykConf = tykConfFor(server, flags);
  if (json) process.stdout.write(`${JSON.stringify({ type: "listening", url: server.url, root: server.root, tykConf, ...(server.tls ? { tls: server.tls } : {}) })}\n`);
  else printBanner(server, tykConf);
  if (!isLoopbackHost(flags.host)) {
    process.stderr.write(`${stderrColor.yellow("warning")} listening on ${flags.host}: anyone who can reach this machine can download the bundles${flags.auth ? "" : " (add --auth user:password to require credentials)"}\n`);
    const addresses = externalAddresses(flags.host);
    if (addresses.length > 0) {
      process.stderr.write(`  a gateway on another machine or in a container uses this machine's address in bundle_base_url, e.g. ${addresses.map((a) => server.url.replace(/\/\/[^/]+:/, `//${a}:`)).join(" or ")}\n`);
    }
  }
  if (!json) process.stderr.write(stderrColor.dim("Press Ctrl-C to stop.\n"));
  await stopRequested;
  await stop(server);
  return EXIT_OK;
}

/** Resolves on the first Ctrl-C or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** Downloads in flight get a few seconds to finish; a second signal cuts them now. */
async function stop(server: TykTsServer): Promise<void> {
  const cutNow = () => void server.close({ graceMs: 0 });
  process.on("SIGINT", cutNow);
  process.on("SIGTERM", cutNow);
  process.stderr.write("\nstopping: downloads in progress get a few seconds to finish (Ctrl-C again cuts them now)\n");
  await server.close();
  process.off("SIGINT", cutNow);
  process.off("SIGTERM", cutNow);
}

/** This machine's non-loopback addresses that a wildcard `host` listens on. */
function externalAddresses(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [];
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && (a.family === "IPv4" || host === "::"))
    .map((a) => (a.family === "IPv6" ? `[${a.address}]` : a.address));
}

function tykConfFor(server: TykTsServer, flags: ServeFlags): Record<string, string | boolean> {
  let base = server.url;
  if (flags.auth) {
    const colon = flags.auth.indexOf(":");
    const credentials = `${encodeURIComponent(flags.auth.slice(0, colon))}:${encodeURIComponent(flags.auth.slice(colon + 1))}`;
    base = base.replace("://", `://${credentials}@`);
  }
  return {
    enable_bundle_downloader: true,
    bundle_base_url: base,
    ...(flags.key ? { public_key_path: path.resolve(flags.key) } : {}),
    ...(server.tls?.selfSigned ? { bundle_insecure_skip_verify: true } : {}),
  };
}

function printBanner(server: TykTsServer, tykConf: Record<string, string | boolean>): void {
  const c = stdoutColor;
  const settings = Object.entries(tykConf).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  process.stdout.write(`${c.green("serving")} ${server.root} at ${c.bold(server.url)}\n\nIn tyk.conf:\n${settings.join(",\n")}\n\n`);
  if (server.tls) {
    const what = server.tls.selfSigned ? "self-signed certificate" : "certificate";
    process.stderr.write(`${what} SHA-256 fingerprint ${server.tls.fingerprint}\n`);
  }
}

function printBuild(entry: Extract<ServeLogEntry, { type: "build" }>): void {
  const c = stdoutColor;
  for (const w of entry.warnings) process.stderr.write(`${formatProblem(w)}\n`);
  process.stdout.write(
    `${c.green("built")} ${entry.bundle} from ${entry.plugin} (${entry.signed ? "signed" : "unsigned"}, checksum ${entry.checksum})\n` +
      `  in the API definition: "custom_middleware_bundle": ${JSON.stringify(entry.bundle)}\n`,
  );
}
