import { valueAt } from "../../pointer.js";
import { isKvReference } from "../api-facts.js";
import { EXAMPLE_SECRETS } from "../example-secret.js";
import { OWASP, type SecurityRule } from "./common.js";

const SECRET_FIELDS = ["/secret", "/node_secret"] as const;
const MIN_SECRET_LENGTH = 16;
const PLACEHOLDER = /example|sample|change[-_ ]?me|placeholder|dummy|default|test|your[-_ ]?secret/i;

/**
 * Why a secret is weak, or undefined. Tyk's own example values are example-secret's to report; an
 * empty value is left to the environment (TYK_GW_SECRET), which overrides the file.
 */
export function secretWeakness(value: string): string | undefined {
  if (value === "" || isKvReference(value) || EXAMPLE_SECRETS.includes(value.toLowerCase())) return undefined;
  if (value.length < MIN_SECRET_LENGTH) return `is ${value.length} characters long (use at least ${MIN_SECRET_LENGTH}, better 32 random ones)`;
  if (/^(.)\1*$/.test(value)) return "repeats a single character";
  if (PLACEHOLDER.test(value)) return "looks like a placeholder";
  return undefined;
}

/** Whether `secret` is known or guessable: a Tyk example value or a weak one. */
export function gatewaySecretIsWeak(conf: unknown): boolean {
  const secret = valueAt(conf, "/secret");
  return typeof secret === "string" && (EXAMPLE_SECRETS.includes(secret.toLowerCase()) || secretWeakness(secret) !== undefined);
}

export const weakSecret: SecurityRule = {
  id: "security/weak-secret",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.brokenAuthentication,
  description: "`secret` or `node_secret` in tyk.conf is short, a repeated character or a placeholder.",
  help: "`secret` is the only credential of the gateway's control API, which creates keys, reads and changes API definitions and policies; `node_secret` authenticates the node to a Dashboard. A short or placeholder value can be guessed. Tyk's published example values are reported by `example-secret`; empty values (set through the environment instead) and values read from a KV store (`env://`, `secrets://`, `vault://`, `consul://`, `$secret_…`) are not checked.",
  fix: "Generate a long random value (`openssl rand -hex 32`) and pass it through the environment (TYK_GW_SECRET, TYK_GW_NODESECRET) or a secret store rather than the file.",
  check(doc) {
    return SECRET_FIELDS.flatMap((pointer) => {
      const value = valueAt(doc.value, pointer);
      const weakness = typeof value === "string" ? secretWeakness(value) : undefined;
      return weakness ? [{ pointer, message: `\`${pointer.slice(1)}\` ${weakness}: it can be guessed` }] : [];
    });
  },
};

export const hashedKeysListing: SecurityRule = {
  id: "security/hashed-keys-listing",
  defaultSeverity: "warning",
  kinds: ["tyk-conf"],
  owasp: OWASP.brokenAuthentication,
  description: "`enable_hashed_keys_listing` is on while the control API `secret` is an example or weak value.",
  help: "Key listing lets whoever holds the control API secret enumerate every key hash and its session: with a guessable `secret` that is anyone who can reach the control API.",
  fix: "Set a strong random `secret` (see security/weak-secret), or turn `enable_hashed_keys_listing` off.",
  check(doc) {
    if (valueAt(doc.value, "/enable_hashed_keys_listing") !== true || !gatewaySecretIsWeak(doc.value)) return [];
    return [{ pointer: "/enable_hashed_keys_listing", message: "`enable_hashed_keys_listing` is true while `secret` is an example or weak value: anyone who guesses it can list every key" }];
  },
};
