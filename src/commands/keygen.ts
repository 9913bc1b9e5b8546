/** `tyk-ts keygen`: flags → generateKeyPair() → the paths, the fingerprint and the tyk.conf line. */
import { InvalidArgumentError } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK } from "../errors.js";
import { inCliWords } from "./cli-words.js";
import { stdoutColor } from "../ui/color.js";
import { printCreatedFolder } from "../ui/created-folder.js";
import { outputWords } from "./output-hints.js";

interface KeygenFlags {
  out: string;
  bits: number;
  force?: boolean;
  json?: boolean;
}

function parseBits(value: string): number {
  if (!["2048", "3072", "4096"].includes(value)) throw new InvalidArgumentError("choose 2048, 3072 or 4096");
  return Number(value);
}

export const registerKeygen: CommandRegistrar = (program, wrap) => {
  program
    .command("keygen")
    .description("create an RSA key pair for signing bundles")
    .option("-o, --out <path>", "the private key; the public key is written beside it as <name>.pub.pem", "signing.pem")
    .option("--bits <bits>", "key size: 2048, 3072 or 4096", parseBits, 2048)
    .option("--force", "replace existing key files")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Sign with the private key (tyk-ts bundle build -k signing.pem); point the gateway's public_key_path
at the public key. Keep the private key out of version control. -o must name a file (a symlink is
followed): the private key is never printed, and is always written with mode 0600.

Examples:
  tyk-ts keygen
  tyk-ts keygen -o keys/bundle-signing.pem --bits 4096`,
    )
    .action(wrap(runKeygen));
};

async function runKeygen(flags: KeygenFlags): Promise<number> {
  const { generateKeyPair } = await import("../bundle/keygen.js");
  const result = await generateKeyPair({ out: flags.out, bits: flags.bits, force: flags.force }).catch(inCliWords(outputWords("-o")));
  printCreatedFolder(result.createdFolder);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT_OK;
  }
  const c = stdoutColor;
  process.stdout.write(
    [
      `${c.green("wrote")} private key ${result.privateKeyPath} ${c.dim(`(RSA ${result.bits}, mode 0600; keep it secret)`)}`,
      `${c.green("wrote")} public key  ${result.publicKeyPath}`,
      `fingerprint ${result.fingerprint}`,
      "",
      "Add to tyk.conf:",
      `  "public_key_path": ${JSON.stringify(result.publicKeyPath)}`,
      "",
      `Sign bundles with: tyk-ts bundle build -k ${result.privateKeyPath}`,
      "",
    ].join("\n"),
  );
  return EXIT_OK;
}
