/**
 * What the gateway makes of a load-balancing target: `EnsureTransport` (gateway/reverse_proxy.go)
 * trims the host, parses it with Go's `url.Parse` and, when that finds no scheme, sets the API's
 * protocol (http by default); when the parse fails it returns the host unchanged. So `httpbin.org`
 * and `10.0.0.1/api` become http:// URLs, while `localhost:8080` is read as the scheme
 * `localhost:` and `10.0.0.1:8080` fails to parse: both stay as written and no request reaches them.
 */

export interface GoUrlStart {
  /** The scheme Go's url.Parse finds, lower-cased; "" when there is none. */
  scheme: string;
  /** Set when url.Parse refuses the text. */
  error?: string;
}

/** The scheme part of Go's `url.Parse` (net/url `getScheme` and the colon check of `parse`). */
export function goUrlStart(raw: string): GoUrlStart {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { scheme: "", error: "invalid control character in URL" };
  let scheme = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) return { scheme: "", error: "missing protocol scheme" };
      scheme = raw.slice(0, i).toLowerCase();
    }
    break;
  }
  const rest = (scheme ? raw.slice(scheme.length + 1) : raw).split("#")[0]!.split("?")[0]!;
  if (!scheme && !rest.startsWith("/") && rest.split("/")[0]!.includes(":")) return { scheme, error: "first path segment in URL cannot contain colon" };
  return { scheme };
}

export interface Transported {
  /** The URL the gateway proxies to. */
  url: string;
  /** Why the gateway could not add a scheme, when it could not. */
  problem?: string;
}

export function ensureTransport(host: string, protocol: string): Transported {
  const trimmed = host.trim();
  const start = goUrlStart(trimmed);
  if (start.error) return { url: trimmed, problem: `Go's url.Parse refuses it (${start.error})` };
  if (start.scheme === "") return { url: `${protocol.trim() || "http"}://${trimmed.replace(/^\/\//, "")}` };
  if (start.scheme === "h2c") return { url: `http:${trimmed.slice(4)}` };
  return { url: trimmed };
}
