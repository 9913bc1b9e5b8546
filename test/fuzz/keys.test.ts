/**
 * Hostile PEM files for the key loaders behind `bundle build -k`, `bundle verify -k` and
 * `serve --verify/--sign-key`: garbage, damaged armour and base64, every key type that is not RSA,
 * certificates, encrypted keys with wrong or empty passphrases. Each gives an RSA key or a typed
 * error whose message names the file and never echoes key material.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPrivateKey, loadPublicKey } from "../../src/bundle/keys.js";
import { InputError, TykTsError } from "../../src/errors.js";
import { hasTool } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { checkProperty, testTimeoutMs } from "./budget.js";

let dir: string;
/** Real PEM texts of every kind, the material mutations start from. */
const pems: Record<string, string> = {};
let counter = 0;

beforeAll(async () => {
  dir = await tempDir("tyk-ts-fuzz-keys-");
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pss = generateKeyPairSync("rsa-pss", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ed = generateKeyPairSync("ed25519");
  const dsa = generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 });
  const pem = (k: KeyObject, type: "pkcs8" | "pkcs1" | "spki" | "sec1", extra: object = {}) => k.export({ type, format: "pem", ...extra } as never).toString();
  Object.assign(pems, {
    rsaPkcs8: pem(rsa.privateKey, "pkcs8"),
    rsaPkcs1: pem(rsa.privateKey, "pkcs1"),
    rsaSpki: pem(rsa.publicKey, "spki"),
    rsaPkcs1Public: pem(rsa.publicKey, "pkcs1"),
    rsaEncryptedPkcs8: pem(rsa.privateKey, "pkcs8", { cipher: "aes-256-cbc", passphrase: "right" }),
    rsaEncryptedPkcs1: pem(rsa.privateKey, "pkcs1", { cipher: "aes-128-cbc", passphrase: "right" }),
    pssPkcs8: pem(pss.privateKey, "pkcs8"),
    pssSpki: pem(pss.publicKey, "spki"),
    ecSec1: pem(ec.privateKey, "sec1"),
    ecPkcs8: pem(ec.privateKey, "pkcs8"),
    ecSpki: pem(ec.publicKey, "spki"),
    edPkcs8: pem(ed.privateKey, "pkcs8"),
    edSpki: pem(ed.publicKey, "spki"),
    dsaPkcs8: pem(dsa.privateKey, "pkcs8"),
  });
  if (hasTool("openssl")) {
    const keyFile = path.join(dir, "cert-key.pem");
    await writeFile(keyFile, pems.rsaPkcs8!);
    pems.certificate = execFileSync("openssl", ["req", "-x509", "-key", keyFile, "-subj", "/CN=test", "-days", "1"], { encoding: "utf8" });
  }
});

/** The base64 body lines of a PEM: what must never appear in an error message. */
function secretLines(text: string): string[] {
  return text.split("\n").filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
}

type Mutation =
  | { kind: "as-is" }
  | { kind: "truncate"; at: number }
  | { kind: "flip"; at: number; bit: number }
  | { kind: "label"; label: string }
  | { kind: "garble-body"; at: number; text: string }
  | { kind: "concat"; other: string; before: boolean }
  | { kind: "crlf" }
  | { kind: "garbage"; bytes: Uint8Array };

const mutationArb = (names: string[]): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.constant<Mutation>({ kind: "as-is" }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant("label" as const), label: fc.constantFrom("PRIVATE KEY", "RSA PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "EC PRIVATE KEY", "CERTIFICATE", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", "", "private key") }),
    fc.record({ kind: fc.constant("garble-body" as const), at: fc.nat(), text: fc.constantFrom("!!!!", "====", "\u0000", "-----END PRIVATE KEY-----", "é", "\n\n") }),
    fc.record({ kind: fc.constant("concat" as const), other: fc.constantFrom(...names), before: fc.boolean() }),
    fc.constant<Mutation>({ kind: "crlf" }),
    fc.record({ kind: fc.constant("garbage" as const), bytes: fc.uint8Array({ maxLength: 512 }) }),
  );

function mutate(text: string, m: Mutation): Buffer {
  switch (m.kind) {
    case "as-is":
      return Buffer.from(text);
    case "truncate":
      return Buffer.from(text.slice(0, m.at % text.length));
    case "flip": {
      const b = Buffer.from(text);
      b[m.at % b.length]! ^= 1 << m.bit;
      return b;
    }
    case "label":
      return Buffer.from(text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, `-----$1 ${m.label}-----`));
    case "garble-body": {
      const at = m.at % text.length;
      return Buffer.from(text.slice(0, at) + m.text + text.slice(at));
    }
    case "concat":
      return Buffer.from(m.before ? pems[m.other]! + text : text + pems[m.other]!);
    case "crlf":
      return Buffer.from(text.replace(/\n/g, "\r\n"));
    case "garbage":
      return Buffer.from(m.bytes);
  }
}

async function outcome(load: () => Promise<KeyObject>): Promise<KeyObject | TykTsError> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof TykTsError) return err;
    throw new Error(`untyped error escaped: ${(err as Error)?.stack ?? String(err)}`);
  }
}

describe("key loading on hostile PEM files", () => {
  it(
    "gives an RSA key or a typed error that names the file and leaks no key material",
    async () => {
      const names = Object.keys(pems);
      await checkProperty(
        "mutated PEM → loadPrivateKey / loadPublicKey",
        fc.asyncProperty(fc.constantFrom(...names), mutationArb(names), fc.constantFrom(undefined, "", "right", "wrong", "\u0000"), async (name, mutation, passphrase) => {
          const text = pems[name]!;
          const file = path.join(dir, `key-${counter++}.pem`);
          const bytes = mutate(text, mutation);
          await writeFile(file, bytes);
          const env = passphrase === undefined ? {} : { TYK_TS_KEY_PASSPHRASE: passphrase };
          const context = `${name} ${JSON.stringify(mutation)} passphrase=${JSON.stringify(passphrase)}`;
          for (const result of [await outcome(() => loadPrivateKey(file, { env })), await outcome(() => loadPublicKey(file))]) {
            if (result instanceof TykTsError) {
              expect(result, context).toBeInstanceOf(InputError);
              expect(result.message, context).toContain(file);
              for (const line of secretLines(bytes.toString("latin1"))) expect(result.message, context).not.toContain(line);
              if (result.hint) for (const line of secretLines(bytes.toString("latin1"))) expect(result.hint, context).not.toContain(line);
            } else {
              expect(result.asymmetricKeyType, context).toBe("rsa");
            }
          }
        }),
        400,
        10_000,
      );
    },
    testTimeoutMs(10_000),
  );

  const refusals: Array<[string, string, RegExp, "private" | "public"]> = [
    ["an EC private key", "ecSec1", /EC key; the gateway only supports RSA/, "private"],
    ["an Ed25519 private key", "edPkcs8", /ED25519 key; the gateway only supports RSA/, "private"],
    ["a DSA private key", "dsaPkcs8", /DSA key; the gateway only supports RSA/, "private"],
    ["an RSA-PSS private key (Go's x509 reads only rsaEncryption keys)", "pssPkcs8", /RSA-PSS key; the gateway only supports RSA/, "private"],
    ["a public key given for signing", "rsaSpki", /is a public key, but signing needs the private key/, "private"],
    ["a private key given as public_key_path", "rsaPkcs8", /is a private key; the gateway's public_key_path must hold/, "public"],
    ["an EC public key", "ecSpki", /EC key; the gateway only supports RSA public keys/, "public"],
  ];
  for (const [what, name, message, kind] of refusals) {
    it(`refuses ${what}, saying why`, async () => {
      const file = path.join(dir, `${name}.pem`);
      await writeFile(file, pems[name]!);
      const error = await (kind === "private" ? loadPrivateKey(file, { env: {} }) : loadPublicKey(file)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it.skipIf(!hasTool("openssl"))("refuses a certificate where a key belongs, for signing and for verifying", async () => {
    const file = path.join(dir, "cert.pem");
    await writeFile(file, pems.certificate!);
    await expect(loadPrivateKey(file, { env: {} })).rejects.toThrow(/is a certificate, but signing needs the private key/);
    await expect(loadPublicKey(file)).rejects.toThrow(/is a certificate; the gateway's public_key_path must hold/);
  });

  it("refuses a public key with PEM encryption headers instead of letting OpenSSL ask the terminal for a passphrase", async () => {
    const file = path.join(dir, "encrypted-public.pem");
    await writeFile(file, pems.rsaEncryptedPkcs1!.replace(/RSA PRIVATE KEY/g, "PUBLIC KEY"));
    await expect(loadPublicKey(file)).rejects.toThrow(/has PEM encryption headers/);
  });

  it("names a wrong or empty passphrase for both encrypted formats", async () => {
    for (const name of ["rsaEncryptedPkcs8", "rsaEncryptedPkcs1"]) {
      const file = path.join(dir, `${name}.pem`);
      await writeFile(file, pems[name]!);
      for (const passphrase of ["wrong", ""]) {
        await expect(loadPrivateKey(file, { env: { TYK_TS_KEY_PASSPHRASE: passphrase } }), `${name} ${passphrase}`).rejects.toThrow(/could not be decrypted: wrong passphrase/);
      }
      await expect(loadPrivateKey(file, { env: {} })).rejects.toThrow(/is encrypted and no passphrase was given/);
      expect((await loadPrivateKey(file, { env: { TYK_TS_KEY_PASSPHRASE: "right" } })).asymmetricKeyType).toBe("rsa");
    }
  });
});
