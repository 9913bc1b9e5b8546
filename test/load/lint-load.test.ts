/**
 * `tyk-ts lint` over generated Classic API definitions, 1,000 and then 5,000 (TYK_TS_LOAD=heavy:
 * 2,000 and 10,000), through the built CLI: time must grow roughly linearly (cross-file rules such as
 * duplicate listen paths must not make it quadratic) and memory must stay bounded.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { pollPeakRss } from "../helpers/memory.js";

const CLI = path.join(ROOT, "bin/tyk-ts.js");
const HEAVY = process.env.TYK_TS_LOAD === "heavy";
const SMALL = HEAVY ? 2000 : 1000;
const LARGE = SMALL * 5;

/** A Classic API definition with the usual sections; some share a listen path so cross-file rules fire. */
function definition(i: number): object {
  return {
    name: `Service ${i}`,
    api_id: i.toString(16).padStart(32, "0"),
    org_id: "5e9d9544a1dcd60001d0ed20",
    use_keyless: i % 9 === 0,
    strip_auth_data: true,
    auth: { auth_header_name: "Authorization" },
    version_data: { not_versioned: true, versions: { Default: { name: "Default", use_extended_paths: true, extended_paths: { ignored: [], white_list: [], black_list: [] } } } },
    proxy: { listen_path: `/service-${i % 997}/`, target_url: `http://upstream-${i}.internal:8080/`, strip_listen_path: true },
    custom_middleware_bundle: `bundle-${i}.zip`,
    active: true,
    tags: ["generated", `team-${i % 13}`],
  };
}

/** The definitions, and a tyk.conf whose app_path is their folder: one gateway loads them all, so the cross-file rules compare them all. */
function writeDefinitions(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `api-${i}.json`), JSON.stringify(definition(i), null, 2));
  const conf = { listen_port: 8080, secret: "a-long-random-secret-for-load-tests", storage: { type: "redis" }, app_path: "./", enable_bundle_downloader: true, bundle_base_url: "https://bundles.internal/" };
  writeFileSync(path.join(dir, "tyk.conf"), JSON.stringify(conf, null, 2));
}

/** The CLI's wall time and peak RSS (VmHWM, polled) for one lint run. */
function measureLint(dir: string, out: string): Promise<{ ms: number; peakMiB: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, "lint", dir, "-f", "json", "-o", out], { stdio: "ignore" });
    const memory = pollPeakRss(child.pid);
    child.on("error", reject);
    child.on("close", (code) => {
      const peakKb = memory.stop();
      resolve({ ms: performance.now() - started, peakMiB: peakKb / 1024, code });
    });
  });
}

let root: string;

beforeAll(async () => {
  root = await tempDir("tyk-ts-load-lint-");
  writeDefinitions(path.join(root, "small"), SMALL);
  writeDefinitions(path.join(root, "large"), LARGE);
});

describe("lint over thousands of API definitions", () => {
  it(`${SMALL} vs ${LARGE} definitions: roughly linear time, bounded memory`, async () => {
    const small = await measureLint(path.join(root, "small"), path.join(root, "small.json"));
    const large = await measureLint(path.join(root, "large"), path.join(root, "large.json"));
    // Exit 1: the generated definitions share listen paths on purpose.
    expect([small.code, large.code]).toEqual([1, 1]);
    const results = JSON.parse(readFileSync(path.join(root, "large.json"), "utf8")) as Array<{ messages: Array<{ ruleId: string }> }>;
    expect(results).toHaveLength(LARGE + 1);
    expect(results.flatMap((r) => r.messages).filter((m) => m.ruleId === "duplicate-listen-path")).toHaveLength(LARGE - 997);

    const timeRatio = large.ms / small.ms;
    const summary = {
      small: { files: SMALL, ms: Math.round(small.ms), peakRssMiB: +small.peakMiB.toFixed(1) },
      large: { files: LARGE, ms: Math.round(large.ms), peakRssMiB: +large.peakMiB.toFixed(1) },
      timeRatio: +timeRatio.toFixed(2),
      msPerFileLarge: +(large.ms / LARGE).toFixed(3),
    };
    process.stdout.write(`lint-load ${JSON.stringify(summary)}\n`);
    // Five times the files: at most five times the time (start-up is shared), far from the 25x of quadratic.
    expect(timeRatio).toBeLessThan(6.5);
    // The results are kept for the report, so memory grows with them, but not with the square of the files.
    expect(large.peakMiB).toBeLessThan(small.peakMiB * 3);
    expect(large.peakMiB).toBeLessThan(HEAVY ? 1024 : 512);
  }, 180_000);
});
