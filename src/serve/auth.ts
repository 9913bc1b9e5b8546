/** HTTP basic auth (`user:password`) for the bundle server; the gateway sends it from `bundle_base_url`. */
import { createHash, timingSafeEqual } from "node:crypto";
import { UsageError } from "../errors.js";

export interface Credentials {
  user: string;
  password: string;
}

/** What is wrong with `user:password`, or undefined when nothing is. */
export function credentialsProblem(value: string): string | undefined {
  const colon = value.indexOf(":");
  return colon === 0 ? "an empty user name" : colon < 0 ? "no colon" : undefined;
}

export function parseCredentials(value: string): Credentials {
  const problem = credentialsProblem(value);
  if (problem) throw new UsageError(`auth expects user:password, got ${problem}`, { hint: "for example dev:s3cret (the user name cannot contain a colon)" });
  const colon = value.indexOf(":");
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

const digest = (data: Buffer | string) => createHash("sha256").update(data).digest();

/**
 * Returns a check for an Authorization header. Both sides are hashed first so the comparison is
 * constant-time whatever the lengths, and the time taken tells nothing about the password.
 */
export function basicAuthCheck(credentials: Credentials): (authorization: string | undefined) => boolean {
  const expected = digest(`${credentials.user}:${credentials.password}`);
  return (authorization) => {
    const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization ?? "");
    const given = digest(m ? Buffer.from(m[1]!, "base64") : "");
    return timingSafeEqual(given, expected) && m !== null;
  };
}
