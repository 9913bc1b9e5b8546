/**
 * What differs between gateway versions when a bundle is checked.
 *
 * RSA keys under 1024 bits: since Go 1.24, crypto/rsa's VerifyPKCS1v15 refuses them
 * (checkPublicKeySize → checkKeySize in crypto/rsa/rsa.go: "crypto/rsa: %d-bit keys are insecure
 * (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)") unless GODEBUG rsa1024min=0, whose
 * default follows the go line of the gateway's go.mod. The gateway checks a bundle's signature
 * with that function (goverify's VerifyHash, called from Bundle.DeepVerify in
 * gateway/coprocess_bundle.go), so a gateway built with Go 1.24 refuses every bundle for such a key.
 * Which releases are built with Go 1.24 or later, from the "3rd Party Dependencies & Tools" table
 * and the "Go 1.24 Upgrade for Tyk Gateway" entries of Tyk's release notes
 * (tyk-docs developer-support/release-notes/gateway.mdx): 5.8.6 and later 5.8 patches, 5.10.0 and
 * later; 5.8.0–5.8.5, 5.9.x and everything before 5.8 are built with Go 1.23 or older.
 */

/** Go 1.24's minimum, in bits. */
export const GO_RSA_MIN_BITS = 1024;

/** The releases that refuse keys under GO_RSA_MIN_BITS, as people write them. */
export const GO_RSA_MIN_RELEASES = "5.8.6 and later 5.8 releases, and 5.10.0 and later";

/** "v5.8.2", "5.10" → [5, 8, 2]; undefined when the text is not a version. */
export function parseGatewayVersion(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Whether that gateway release is built with Go 1.24 or later; undefined when `version` cannot be read. */
export function builtWithGo124(version: string): boolean | undefined {
  const parsed = parseGatewayVersion(version);
  if (!parsed) return undefined;
  const [major, minor, patch] = parsed;
  if (major !== 5) return major > 5;
  if (minor === 8) return patch >= 6;
  return minor >= 10;
}

/** Go's error for a key of `bits` bits, as the gateway logs it. */
export function goRsaKeySizeError(bits: number): string {
  return `crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`;
}
