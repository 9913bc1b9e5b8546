/** HTTP basic auth for `serve --auth user:password`; the gateway sends it from `bundle_base_url`. */
import { createHash, timingSafeEqual } from "node:crypto";
import { UsageError } from "../errors.js";

export interface Credentials {
  user: string;
  password: string;
}

export function parseCredentials(value: string): Credentials {
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw new UsageError(`--auth expects user:password, got ${colon === 0 ? "an empty user name" : "no colon"}`, {
      hint: "for example --auth dev:s3cret (the user name cannot contain a colon)",
    });
  }
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
