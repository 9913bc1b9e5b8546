import { childPointer, fieldName, isObject, valueAt } from "../../read/pointer.js";
import type { RuleFinding } from "../../types.js";
import { OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";

/** Go's tls.VersionTLS12: the integer form tyk.conf and Classic definitions use. */
const TLS12 = 771;
const INTEGER_NAMES: Record<number, string> = { 768: "SSL 3.0", 769: "TLS 1.0", 770: "TLS 1.1" };

/** tyk.conf minimums written as integers (Go's constants) and as version strings. */
const GATEWAY_INTEGER_MINIMUMS = ["/http_server_options/min_version", "/proxy_ssl_min_version"];
const GATEWAY_STRING_MINIMUMS = [
  "/storage/tls_min_version",
  "/cache_storage/tls_min_version",
  "/analytics_storage/tls_min_version",
  "/opentelemetry/tls/min_version",
  "/opentelemetry/traces/tls/min_version",
  "/opentelemetry/metrics/tls/min_version",
];

export const weakTlsVersion: SecurityRule = {
  id: "security/weak-tls-version",
  defaultSeverity: "warning",
  kinds: ["classic-api", "tyk-oas", "tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "A TLS minimum version below 1.2 is configured for the gateway's listener, an upstream or a backing service.",
  help: "TLS 1.0 and 1.1 are deprecated (RFC 8996) and allow downgrade attacks on weak ciphers. Integer settings use Go's constants: 769 = TLS 1.0, 770 = TLS 1.1, 771 = TLS 1.2, 772 = TLS 1.3; 0 or absent leaves Go's default. Checked: tyk.conf `http_server_options.min_version`, `proxy_ssl_min_version`, the storage and OpenTelemetry `tls_min_version`/`min_version` and `external_services.*.mtls.tls_min_version`; Classic `proxy.transport.ssl_min_version`; Tyk OAS `upstream.tlsTransport.minVersion`.",
  fix: 'Set the minimum to TLS 1.2 or later: 771 (or 772 for TLS 1.3) for integer settings, "1.2" for string settings.',
  check(doc) {
    if (doc.kind === "classic-api") return integerMinimum(doc.value, "/proxy/transport/ssl_min_version");
    if (doc.kind === "tyk-oas") return stringMinimum(doc.value, `${OAS_EXTENSION}/upstream/tlsTransport/minVersion`);
    const findings = [...GATEWAY_INTEGER_MINIMUMS.flatMap((p) => integerMinimum(doc.value, p)), ...GATEWAY_STRING_MINIMUMS.flatMap((p) => stringMinimum(doc.value, p))];
    const services = valueAt(doc.value, "/external_services");
    if (isObject(services)) {
      for (const name of Object.keys(services)) findings.push(...stringMinimum(doc.value, `${childPointer("/external_services", name)}/mtls/tls_min_version`));
    }
    return findings;
  },
};

function integerMinimum(root: unknown, pointer: string): RuleFinding[] {
  const value = valueAt(root, pointer);
  if (typeof value !== "number" || value <= 0 || value >= TLS12) return [];
  const name = INTEGER_NAMES[value];
  return [{ pointer, message: `\`${fieldName(pointer)}\` is ${value}${name ? ` (${name})` : ""}, below TLS 1.2 (771)` }];
}

function stringMinimum(root: unknown, pointer: string): RuleFinding[] {
  const value = valueAt(root, pointer);
  if (typeof value !== "string" || !/^(1\.[01]|ssl ?3(\.0)?|tls ?1\.[01])$/i.test(value.trim())) return [];
  return [{ pointer, message: `\`${fieldName(pointer)}\` is ${JSON.stringify(value)}, below TLS 1.2` }];
}
