/**
 * RSA keys for signing and verifying bundles, with node:crypto (measured ~45x faster than
 * node-forge for signing; see README "Dependencies").
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { InputError, ioError } from "../errors.js";

export interface LoadPrivateKeyOptions {
  /** Asked for when the key is encrypted and TYK_TS_KEY_PASSPHRASE is not set. */
  askPassphrase?: () => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

function pemTypes(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]!);
}

/** SHA-256 over the DER SubjectPublicKeyInfo, the same as `openssl pkey -pubout -outform DER | sha256sum`. */
export function keyFingerprint(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const der = publicKey.export({ type: "spki", format: "der" });
  return `SHA256:${createHash("sha256").update(der).digest("hex")}`;
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw ioError(err, path);
  }
}

function requireRsa(key: KeyObject, path: string, what: string): void {
  if (key.asymmetricKeyType !== "rsa") {
    throw new InputError(
      "key-not-rsa",
      `${path} is ${key.asymmetricKeyType === undefined ? "not an RSA key" : `an ${key.asymmetricKeyType.toUpperCase()} key`}; the gateway only supports RSA ${what}`,
      { hint: "create one with `tyk-ts keygen` or `openssl genrsa -out key.pem 2048`" },
    );
  }
}

/** Loads a PEM private key (PKCS#1 or PKCS#8, optionally encrypted) and checks it is RSA. */
export async function loadPrivateKey(path: string, options: LoadPrivateKeyOptions = {}): Promise<KeyObject> {
  const text = await readKeyFile(path);
  const types = pemTypes(text);
  if (types.length === 0) {
    throw new InputError("key-not-pem", `${path} is not a PEM key (no "-----BEGIN ...-----" line)`, {
      hint: "pass the private key in PEM format, e.g. one made by `tyk-ts keygen`",
    });
  }
  if (!types.some((t) => t.includes("PRIVATE KEY"))) {
    const what = types.includes("CERTIFICATE") ? "a certificate" : types.some((t) => t.includes("PUBLIC KEY")) ? "a public key" : `a PEM "${types[0]}"`;
    throw new InputError("key-not-private", `${path} is ${what}, but signing needs the private key`, {
      hint: "sign with the private key; the public key goes into tyk.conf as public_key_path",
    });
  }
  const encrypted = types.includes("ENCRYPTED PRIVATE KEY") || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  let passphrase: string | undefined;
  if (encrypted) {
    passphrase = (options.env ?? process.env).TYK_TS_KEY_PASSPHRASE;
    if (passphrase === undefined) {
      if (!options.askPassphrase) {
        throw new InputError("key-passphrase-missing", `${path} is encrypted and no passphrase was given`, {
          hint: "set TYK_TS_KEY_PASSPHRASE, or run in a terminal to be asked for it",
        });
      }
      passphrase = await options.askPassphrase();
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: "pem", passphrase });
  } catch (err) {
    if (encrypted) {
      throw new InputError("key-passphrase-wrong", `${path} could not be decrypted: wrong passphrase?`, { cause: err });
    }
    throw new InputError("key-invalid", `${path} is not a valid private key (${(err as Error).message})`, { cause: err });
  }
  requireRsa(key, path, "signing keys");
  return key;
}

/** Loads a public key the way the gateway reads public_key_path: PEM "PUBLIC KEY" or "RSA PUBLIC KEY". */
export async function loadPublicKey(path: string): Promise<KeyObject> {
  const text = await readKeyFile(path);
  const types = pemTypes(text);
  const type = types[0];
  if (type !== "PUBLIC KEY" && type !== "RSA PUBLIC KEY") {
    const what = type === undefined ? "not a PEM key" : type.includes("PRIVATE") ? "a private key" : type === "CERTIFICATE" ? "a certificate" : `a PEM "${type}"`;
    throw new InputError("key-not-public", `${path} is ${what}; the gateway's public_key_path must hold a PEM "PUBLIC KEY" or "RSA PUBLIC KEY"`, {
      hint: type?.includes("PRIVATE") ? "extract the public key: openssl rsa -in key.pem -pubout -out public.pem" : undefined,
    });
  }
  // A public key is never encrypted. Given PEM encryption headers, OpenSSL would stop and ask the
  // terminal for a passphrase; the gateway's Go reader would fail on the encrypted bytes.
  if (/^(Proc-Type|DEK-Info):/m.test(text)) {
    throw new InputError("key-invalid", `${path} has PEM encryption headers (Proc-Type, DEK-Info), which a public key never has; the gateway cannot read it`, {
      hint: "export the public key unencrypted: openssl rsa -in key.pem -pubout -out public.pem",
    });
  }
  if (/Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    // OpenSSL would ask a terminal for a passphrase; a public key is never encrypted.
    throw new InputError("key-not-public", `${path} is encrypted; the gateway's public_key_path must hold an unencrypted PEM "PUBLIC KEY"`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: "pem" });
  } catch (err) {
    throw new InputError("key-invalid", `${path} is not a valid public key (${(err as Error).message})`, { cause: err });
  }
  requireRsa(key, path, "public keys");
  return key;
}
