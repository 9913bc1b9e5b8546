// Lint throughput and start-up: generates 2,000 Tyk Classic API definitions in the app_path of a
// tyk.conf, lints them with the built CLI, and compares with one Node process that only reads and JSON.parses the same files (the
// least any linter must do); both are timed as whole processes, start-up included. Also times a
// single-file run against `node -e 0`.
// Usage: node bench/lint.mjs [files] [runs]      (npm run build first)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI, ensureBuilt, machine } from "./lib.mjs";

const FILES = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 5);
const TARGET_RATIO = 4;

ensureBuilt();

/** A Classic API definition shaped like a Dashboard export: every section present, most of it defaults. */
function apiDefinition(i) {
  const id = i.toString(16).padStart(32, "0");
  return {
    name: `Service ${i}`,
    slug: `service-${i}`,
    api_id: id,
    org_id: "5e9d9544a1dcd60001d0ed20",
    use_keyless: false,
    use_oauth2: false,
    use_openid: false,
    use_basic_auth: false,
    use_standard_auth: true,
    enable_jwt: false,
    strip_auth_data: true,
    auth_configs: { authToken: { auth_header_name: "Authorization", use_param: false, param_name: "", use_cookie: false, cookie_name: "", use_certificate: false } },
    definition: { location: "header", key: "x-api-version", strip_path: false },
    version_data: {
      not_versioned: true,
      default_version: "",
      versions: {
        Default: {
          name: "Default",
          expires: "",
          use_extended_paths: true,
          extended_paths: {
            ignored: [],
            white_list: [],
            black_list: [],
            transform_headers: [{ delete_headers: ["X-Internal"], add_headers: { "X-Service": `service-${i}` }, path: "/items", method: "GET", act_on: false }],
            hard_timeouts: [{ path: "/slow", method: "GET", timeout: 30 }],
            url_rewrites: [{ path: "/old/{id}", method: "GET", match_pattern: "/old/(.*)", rewrite_to: "/new/$1" }],
          },
          global_headers: {},
          global_headers_remove: [],
          global_size_limit: 0,
          override_target: "",
        },
      },
    },
    proxy: {
      preserve_host_header: false,
      listen_path: `/service-${i}/`,
      target_url: `https://service-${i}.internal.example.com/`,
      strip_listen_path: true,
      enable_load_balancing: false,
      target_list: [],
      check_host_against_uptime_tests: false,
      transport: { ssl_insecure_skip_verify: false, ssl_ciphers: [], ssl_min_version: 771, proxy_url: "" },
    },
    disable_rate_limit: false,
    disable_quota: false,
    global_rate_limit: { rate: 100, per: 1 },
    custom_middleware: { pre: [], post: [], post_key_auth: [], auth_check: { name: "", path: "", require_session: false }, response: [], driver: "", id_extractor: { extract_from: "", extract_with: "", extractor_config: {} } },
    custom_middleware_bundle: "",
    cache_options: { cache_timeout: 60, enable_cache: true, cache_all_safe_requests: false, cache_response_codes: [], enable_upstream_cache_control: false },
    session_lifetime: 0,
    active: true,
    internal: false,
    enable_batch_request_support: false,
    enable_ip_whitelisting: false,
    allowed_ips: [],
    enable_ip_blacklisting: false,
    blacklisted_ips: [],
    response_processors: [],
    CORS: { enable: false, allowed_origins: [], allowed_methods: [], allowed_headers: [], exposed_headers: [], allow_credentials: false, max_age: 24, options_passthrough: false, debug: false },
    domain: "",
    do_not_track: false,
    tags: ["bench"],
    enable_context_vars: false,
    config_data: {},
    tag_headers: [],
    enable_detailed_recording: false,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeCommand(args, options = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "tyk-ts-bench-lint-"));
try {
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const text = `${JSON.stringify(apiDefinition(i), null, 2)}\n`;
    bytes += text.length;
    writeFileSync(path.join(dir, `api-${i}.json`), text);
  }
  // The folder is the app_path of a tyk.conf, so the cross-file rules compare all the definitions
  // (without one, nothing loads them together and those rules have nothing to do).
  writeFileSync(path.join(dir, "tyk.conf"), `${JSON.stringify({ listen_port: 8080, secret: "bench-secret-0123456789abcdef", storage: { type: "redis" }, app_path: "./" }, null, 2)}\n`);
  const single = path.join(dir, "api-0.json");

  const readAndParse = `const fs=require("fs"),p=require("path");for(const n of fs.readdirSync(${JSON.stringify(dir)}))JSON.parse(fs.readFileSync(p.join(${JSON.stringify(dir)},n),"utf8"))`;
  // Interleave the runs so that load from other processes hits every command alike.
  const baseline = [];
  const inProcess = [];
  const linted = [];
  const singleRun = [];
  const bare = [];
  for (let run = 0; run < RUNS; run++) {
    baseline.push(timeCommand(["-e", readAndParse]));
    const started = process.hrtime.bigint();
    for (const name of readdirSync(dir)) JSON.parse(readFileSync(path.join(dir, name), "utf8"));
    inProcess.push(Number(process.hrtime.bigint() - started) / 1e6);
    // The JSON goes to the ignored stdout: never an -o to a system path (issue 15).
    linted.push(timeCommand([CLI, "lint", dir, "-f", "json"], { cwd: dir }));
    singleRun.push(timeCommand([CLI, "lint", single], { cwd: dir }));
    bare.push(timeCommand(["-e", "0"]));
  }
  const base = median(baseline);
  const lint = median(linted);
  const ratio = lint / base;
  const rate = (ms) => `${Math.round(FILES / (ms / 1000))} files/s`;
  console.log(`machine: ${machine()}`);
  console.log(`${FILES} Classic API definitions, ${(bytes / 2 ** 20).toFixed(1)} MiB, median of ${RUNS} runs`);
  console.log(`node: read + JSON.parse every file  ${base.toFixed(0).padStart(6)} ms  (${rate(base)}; ${median(inProcess).toFixed(0)} ms of it reading and parsing)`);
  console.log(`tyk-ts lint <dir>                   ${lint.toFixed(0).padStart(6)} ms  (${rate(lint)})`);
  console.log(`ratio                               ${ratio.toFixed(2).padStart(6)}     (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`);
  console.log(`tyk-ts lint <one file>              ${median(singleRun).toFixed(0).padStart(6)} ms`);
  console.log(`node -e 0                           ${median(bare).toFixed(0).padStart(6)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
