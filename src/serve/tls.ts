/**
 * HTTPS for `serve`: a certificate and key from files, or a throwaway self-signed certificate.
 * The gateway's bundle downloader speaks at most TLS 1.2, so 1.2 stays enabled (Node's default minimum).
 */
import { generateKeyPair, randomBytes, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { createSecureContext } from "node:tls";
import { promisify } from "node:util";
import { InputError, ioError } from "../errors.js";
import { requirePackage } from "../package-files.js";

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint of the certificate, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  selfSigned: boolean;
}

/** A PEM text is used as is; anything else is read as a file path. */
async function pemFrom(value: string, what: string): Promise<string> {
  if (value.includes("-----BEGIN ")) return value;
  try {
    return await readFile(value, "utf8");
  } catch (err) {
    throw ioError(err, `${what} ${value}`);
  }
}

export async function loadTlsMaterial(cert: string, key: string): Promise<TlsMaterial> {
  const [certPem, keyPem] = await Promise.all([pemFrom(cert, "TLS certificate"), pemFrom(key, "TLS key")]);
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(certPem).fingerprint256;
  } catch (err) {
    throw new InputError("tls-cert-invalid", `TLS certificate ${cert} is not a PEM certificate (${(err as Error).message})`, {
      hint: "give the certificate (-----BEGIN CERTIFICATE-----) and its private key",
    });
  }
  try {
    createSecureContext({ cert: certPem, key: keyPem });
  } catch (err) {
    throw new InputError("tls-key-invalid", `TLS key ${key} cannot be used with certificate ${cert} (${(err as Error).message})`, {
      hint: "check that the key is the unencrypted private key belonging to the certificate",
    });
  }
  return { cert: certPem, key: keyPem, fingerprint, selfSigned: false };
}

/**
 * A certificate for `localhost`, 127.0.0.1, ::1 and the host being served, valid for 30 days. The RSA
 * key comes from node:crypto (native, ~0.15 s); node-forge only assembles and signs the certificate,
 * which Node has no API for.
 */
export async function createSelfSignedCertificate(host: string): Promise<TlsMaterial> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  // A package the CLI bundle leaves out: only this command needs it (package-files.ts requirePackage).
  const forge = requirePackage("node-forge") as typeof import("node-forge");
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial: the top bit of the first byte must be clear.
  cert.serialNumber = `0${randomBytes(16).toString("hex").slice(1)}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + 30 * 24 * 60 * 60 * 1000);
  const name = [
    { name: "commonName", value: "tyk-ts serve (self-signed)" },
    { name: "organizationName", value: "tyk-ts" },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  const altNames: Array<{ type: number; value?: string; ip?: string }> = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
  ];
  const unspecified = host === "0.0.0.0" || host === "::";
  if (!unspecified && host !== "localhost" && host !== "127.0.0.1" && host !== "::1") {
    altNames.push(isIP(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { cert: certPem, key: privateKey, fingerprint: new X509Certificate(certPem).fingerprint256, selfSigned: true };
}
