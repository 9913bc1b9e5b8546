/** What `bundle verify` and `bundle inspect` add to the bundle problems of the core: the flags to use. */
import type { ProblemWords } from "./cli-words.js";

const LIMIT_FLAGS: Readonly<Record<string, string>> = { "limit-entries": "--max-entries", "limit-size": "--max-size", "limit-ratio": "--max-ratio" };

export const BUNDLE_PROBLEM_WORDS: ProblemWords = {
  ...Object.fromEntries(Object.entries(LIMIT_FLAGS).map(([code, flag]) => [code, (p) => `${p.message} with ${flag}`])),
  "bundle-not-signed": () =>
    'manifest.json has no signature, and with a public key set the gateway refuses unsigned bundles ("Bundle isn\'t signed"); sign it with `tyk-ts bundle build -k <private.pem>`',
  "signature-not-checked": () => "the signature was not checked (no public key given; pass -k or -c): a gateway without public_key_path accepts the bundle on its checksum alone",
};
