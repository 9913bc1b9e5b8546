import { childPointer, fieldName, isObject, valueAt } from "../../read/pointer.js";
import type { RuleFinding } from "../../types.js";
import { OAS_EXTENSION, OWASP, type SecurityRule } from "../support/security.js";

/**
 * tyk.conf switches that turn certificate checks off, whose certificates then go unchecked, and for
 * connections that use TLS only when told to, the switch that says so.
 */
const GATEWAY_SWITCHES: ReadonlyArray<readonly [string, string, string?]> = [
  ["/proxy_ssl_insecure_skip_verify", "every API's upstream"],
  ["/http_server_options/ssl_insecure_skip_verify", "the Dashboard the gateway loads API definitions and policies from"],
  ["/jwt_ssl_insecure_skip_verify", "JWKS endpoints (forged signing keys would be trusted)"],
  ["/bundle_insecure_skip_verify", "the plugin bundle server"],
  ["/slave_options/ssl_insecure_skip_verify", "the MDCB control plane", "/slave_options/use_ssl"],
  ["/storage/ssl_insecure_skip_verify", "Redis", "/storage/use_ssl"],
  ["/cache_storage/ssl_insecure_skip_verify", "the cache Redis", "/cache_storage/use_ssl"],
  ["/analytics_storage/ssl_insecure_skip_verify", "the analytics Redis", "/analytics_storage/use_ssl"],
  ["/kv/consul/tls_config/insecure_skip_verify", "Consul"],
  ["/opentelemetry/tls/insecure_skip_verify", "the OpenTelemetry collector"],
  ["/opentelemetry/traces/tls/insecure_skip_verify", "the OpenTelemetry traces collector"],
  ["/opentelemetry/metrics/tls/insecure_skip_verify", "the OpenTelemetry metrics collector"],
];
const EXTERNAL_SERVICES = "/external_services";

export const tlsVerifyOff: SecurityRule = {
  id: "security/tls-verify-off",
  defaultSeverity: "warning",
  kinds: ["classic-api", "tyk-oas", "tyk-conf"],
  owasp: OWASP.securityMisconfiguration,
  description: "TLS certificate verification is turned off for an upstream or for a service the gateway connects to.",
  help: "Without certificate verification anyone who can intercept the connection can impersonate the server: read and change proxied traffic, or serve the gateway forged JWKS keys, bundles or configuration. API definitions: `proxy.transport.ssl_insecure_skip_verify` (Tyk OAS `upstream.tlsTransport.insecureSkipVerify`); tyk.conf: `proxy_ssl_insecure_skip_verify`, `http_server_options.ssl_insecure_skip_verify` (the Dashboard connection), `jwt_ssl_insecure_skip_verify`, `bundle_insecure_skip_verify` and the `ssl_insecure_skip_verify`/`insecure_skip_verify` of storage, MDCB, KV, OpenTelemetry and external services (for Redis and MDCB only when their `use_ssl` is on).",
  fix: "Set the switch to false and give the gateway the CA that signed the server's certificate (system trust store, or `upstream_certificates`/`security.certificates.upstream` for upstreams).",
  check(doc) {
    if (doc.kind === "classic-api") return switchOn(doc.value, "/proxy/transport/ssl_insecure_skip_verify", "the upstream");
    if (doc.kind === "tyk-oas") return switchOn(doc.value, `${OAS_EXTENSION}/upstream/tlsTransport/insecureSkipVerify`, "the upstream");
    // Without TLS there is no certificate to skip checking (plain connections are another matter).
    const findings = GATEWAY_SWITCHES.flatMap(([pointer, what, tlsSwitch]) => (tlsSwitch && valueAt(doc.value, tlsSwitch) !== true ? [] : switchOn(doc.value, pointer, what)));
    const services = valueAt(doc.value, EXTERNAL_SERVICES);
    if (isObject(services)) {
      for (const name of Object.keys(services)) findings.push(...switchOn(doc.value, `${childPointer(EXTERNAL_SERVICES, name)}/mtls/insecure_skip_verify`, `the ${name} service`));
    }
    return findings;
  },
};

function switchOn(root: unknown, pointer: string, what: string): RuleFinding[] {
  if (valueAt(root, pointer) !== true) return [];
  return [{ pointer, message: `\`${fieldName(pointer)}\` is true: the certificates of ${what} are not verified` }];
}
