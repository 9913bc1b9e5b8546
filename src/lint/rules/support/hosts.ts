/**
 * Which upstream hosts are on the gateway's own machine or network, where plain HTTP is an accepted
 * trade-off: the traffic never crosses a network the team does not control.
 */
import { isIPv4, isIPv6 } from "node:net";

/** Kubernetes service names, cloud-internal DNS (`*.internal`) and `*.localhost`. */
const INTERNAL_SUFFIXES = [".svc", ".cluster.local", ".internal", ".localhost"];

/** Loopback, RFC 1918 private networks and IPv4 link-local. */
const INTERNAL_IPV4: ReadonlyArray<readonly [number, number]> = [
  [0x7f000000, 8], // 127.0.0.0/8
  [0x0a000000, 8], // 10.0.0.0/8
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0a80000, 16], // 192.168.0.0/16
  [0xa9fe0000, 16], // 169.254.0.0/16
];

/**
 * `host` is a URL's hostname. Internal: `localhost`, single-label names (Docker Compose and
 * same-namespace Kubernetes services such as `httpbin`), the suffixes above, loopback and private
 * addresses, and whatever the team lists in `extra` (`api.corp.example` or `*.corp.example`).
 */
export function isInternalHost(host: string, extra: readonly string[] = []): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (extra.some((pattern) => matchesHostPattern(name, pattern.toLowerCase()))) return true;
  if (isIPv4(name)) return isInternalIPv4(name);
  if (isIPv6(name)) return isInternalIPv6(name);
  if (name === "localhost" || !name.includes(".")) return true;
  return INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

function matchesHostPattern(name: string, pattern: string): boolean {
  return pattern.startsWith("*.") ? name.endsWith(pattern.slice(1)) : name === pattern;
}

function isInternalIPv4(address: string): boolean {
  const value = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  if (value === 0) return true; // 0.0.0.0 reaches the local machine
  return INTERNAL_IPV4.some(([network, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(network / 2 ** (32 - bits)));
}

function isInternalIPv6(address: string): boolean {
  if (address === "::1" || address === "::") return true;
  // IPv4-mapped addresses; URL parsing writes them in hex (`::ffff:7f00:1`).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return isInternalIPv4(mapped[1]!);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mappedHex) {
    const [high, low] = [parseInt(mappedHex[1]!, 16), parseInt(mappedHex[2]!, 16)];
    return isInternalIPv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  // fc00::/7 unique local, fe80::/10 link-local
  return /^f[cd][0-9a-f]{0,2}:/.test(address) || /^fe[89ab][0-9a-f]?:/.test(address);
}
