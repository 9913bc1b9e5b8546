/** What `bundle verify` and `bundle inspect` add to the core's bundle problems: the flags and commands to use. */
import type { ProblemWords } from "./cli-words.js";

export const BUNDLE_PROBLEM_WORDS: ProblemWords = {
  "bundle-not-signed": () =>
    'manifest.json has no signature, and with a public key set the gateway refuses unsigned bundles ("Bundle isn\'t signed"); sign it with `tyk-ts bundle build -k <private.pem>`',
  "signature-not-checked": () => "the signature was not checked (no public key given; pass -k or -c): a gateway without public_key_path accepts the bundle on its checksum alone",
};
