/**
 * `bundle verify` must reach the gateway's verdict on every input. The bundles are made by Python's
 * zipfile and openssl (test/support/parity_cases.py), the reference verdict comes from a model of the
 * gateway's loader written with Go's archive/zip and encoding/json (test/support/gateway-loader).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../src/bundle/verify.js";
import { ROOT } from "./helpers/cli.js";
import { gatewayVerdict, hasGo } from "./helpers/gateway-loader.js";
import { hasTool, writeTestKeys, type TestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

describe.skipIf(!hasGo || !hasTool("python3") || !hasTool("openssl"))("verdicts equal the gateway's", () => {
  let dir: string;
  let keys: TestKeys;
  let cases: string[];
  beforeAll(async () => {
    dir = await tempDir();
    keys = writeTestKeys(await tempDir());
    execFileSync("python3", [path.join(ROOT, "test/support/parity_cases.py"), dir, keys.privatePkcs8]);
    cases = readdirSync(dir).filter((f) => f.endsWith(".zip")).sort();
  }, 60_000);

  it("covers the loader's rules with at least 60 independently made bundles", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const withKey of [true, false]) {
    it(`agrees on every bundle ${withKey ? "with public_key_path set" : "without a public key"}`, async () => {
      const disagreements: string[] = [];
      let accepted = 0;
      for (const name of cases) {
        const file = path.join(dir, name);
        const gateway = gatewayVerdict(file, withKey ? keys.publicSpki : undefined);
        const report = await verifyBundle(file, withKey ? { publicKey: keys.publicSpki } : {});
        if (report.accepted) accepted++;
        if (report.accepted !== gateway.accepted) {
          disagreements.push(`${name}: gateway ${gateway.output}; tyk-ts ${report.accepted ? "accepted" : `refused (${report.problems[0]?.message})`}`);
        }
      }
      expect(disagreements).toEqual([]);
      // Both outcomes are exercised, so agreement is not trivial.
      expect(accepted).toBeGreaterThan(10);
      expect(accepted).toBeLessThan(cases.length - 20);
    }, 120_000);
  }

  it("agrees on randomly damaged bundles (seeded; TYK_TS_FUZZ_RUNS for a longer run)", async () => {
    const sources = ["ok-flat-signed", "ok-nested-with-dirs", "grpc-manifest-only", "extra-unlisted-entry"].map((n) => readFileSync(path.join(dir, `${n}.zip`)));
    const damaged = path.join(dir, "damaged.bin");
    const mutation = fc.record({
      source: fc.nat({ max: sources.length - 1 }),
      edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.double({ min: 0.5, max: 1, noNaN: true }), { freq: 5 }),
      withKey: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ source, edits, cut, withKey }) => {
        let bytes = Buffer.from(sources[source]!);
        for (const e of edits) bytes[Math.floor(e.at * bytes.length)] = e.value;
        if (cut !== null) bytes = bytes.subarray(0, Math.floor(cut * bytes.length));
        writeFileSync(damaged, bytes);
        const gateway = gatewayVerdict(damaged, withKey ? keys.publicSpki : undefined);
        const report = await verifyBundle(damaged, withKey ? { publicKey: keys.publicSpki } : {});
        expect(report.accepted, gateway.output).toBe(gateway.accepted);
        // A refusal always says why.
        if (!report.accepted) expect(report.problems.some((p) => p.severity === "error")).toBe(true);
      }),
      { seed: Number(process.env.TYK_TS_FUZZ_SEED ?? 20261123), numRuns: Number(process.env.TYK_TS_FUZZ_RUNS ?? 150) },
    );
  }, 120_000);
});
