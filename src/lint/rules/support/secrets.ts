/** Secrets in tyk.conf: Tyk's published example values and guessable ones. */
import { valueAt } from "../../read/pointer.js";
import { isKvReference } from "./api-facts.js";

/** Secrets from Tyk's sample configs, docs and demos: public knowledge, so no secret at all. */
export const EXAMPLE_SECRETS = [
  "352d20ee67be67f6340b4c0605b044b7",
  "28d220fd77974a4facfb07dc1e49c2aa",
  "12345",
  "foo",
  "secret",
  "changeme",
  "change-me",
  "password",
];

export const SECRET_FIELDS = ["/secret", "/node_secret"] as const;
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
