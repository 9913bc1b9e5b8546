/**
 * Where `bundle publish` puts bundles, and the URL the gateway downloads them from.
 */
import path from "node:path";
import { InputError } from "../errors.js";

export type PublishTarget =
  | { kind: "s3"; bucket: string; prefix: string }
  | { kind: "http"; url: string }
  | { kind: "folder"; dir: string };

/** `s3://bucket/prefix/`, `https://host/path/` (or `http://`), or a folder path. */
export function parseTarget(to: string): PublishTarget {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(to);
  if (s3) {
    const prefix = s3[2]!;
    return { kind: "s3", bucket: s3[1]!, prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` };
  }
  if (/^https?:\/\//i.test(to)) {
    let url: URL;
    try {
      url = new URL(to);
    } catch {
      throw new InputError("publish-target", `the target ${to} is not a valid URL`);
    }
    if (url.username || url.password) {
      throw new InputError("publish-secret-in-url", "the target URL carries a user name or password", {
        hint: "secrets come from the environment: set TYK_TS_PUBLISH_TOKEN, or send a header whose value names an environment variable",
      });
    }
    if (url.search || url.hash) throw new InputError("publish-target", `the target ${to} has a query or fragment; give the folder URL bundles are PUT under`);
    if (!url.pathname.endsWith("/")) url.pathname += "/";
    return { kind: "http", url: url.href };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(to)) {
    throw new InputError("publish-target", `unknown target scheme in ${to}`, { hint: "publish to s3://bucket/prefix/, an http(s):// URL that accepts PUT, or a folder" });
  }
  return { kind: "folder", dir: path.resolve(to) };
}

/**
 * The URL the gateway downloads `name` from when `bundle_base_url` is `base`: the gateway parses the
 * base and joins the name onto its path (gateway/coprocess_bundle.go, fetchBundle:
 * `u.Path = path.Join(u.Path, spec.CustomMiddlewareBundle)`), so a missing trailing slash is harmless.
 */
export function gatewayBundleUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = path.posix.join(url.pathname || "/", name);
  return url.href;
}

export function describeTarget(target: PublishTarget): string {
  return target.kind === "s3" ? `s3://${target.bucket}/${target.prefix}` : target.kind === "http" ? target.url : target.dir;
}

/** Where a bundle named `name` is stored: an s3:// URL, the URL it is PUT to, or a file path. */
export function storedLocation(target: PublishTarget, name: string): string {
  return target.kind === "s3" ? `s3://${target.bucket}/${target.prefix}${name}` : target.kind === "http" ? new URL(name, target.url).href : path.join(target.dir, name);
}
