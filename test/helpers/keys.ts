/** RSA keys generated for a test run: never committed. */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

export interface TestKeys {
  privatePkcs8: string;
  privatePkcs1: string;
  publicSpki: string;
  publicPkcs1: string;
}

/** Writes a fresh 2048-bit key pair in the formats the gateway reads, into `dir`. */
export function writeTestKeys(dir: string, name = "key"): TestKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const files = {
    privatePkcs8: path.join(dir, `${name}.pkcs8.pem`),
    privatePkcs1: path.join(dir, `${name}.pkcs1.pem`),
    publicSpki: path.join(dir, `${name}.pub.pem`),
    publicPkcs1: path.join(dir, `${name}.rsapub.pem`),
  };
  writeFileSync(files.privatePkcs8, privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(files.privatePkcs1, privateKey.export({ type: "pkcs1", format: "pem" }));
  writeFileSync(files.publicSpki, publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(files.publicPkcs1, publicKey.export({ type: "pkcs1", format: "pem" }));
  return files;
}

/** True when a command is on PATH (tests that need unzip, openssl or python3 check first). */
export function hasTool(tool: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
