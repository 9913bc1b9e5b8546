/**
 * `bundle verify` must reach the gateway's verdict on every input. The bundles are made by Python's
 * zipfile and openssl (test/support/parity_cases.py), the reference verdict comes from a model of the
 * gateway's loader written with Go's archive/zip and encoding/json (test/support/gateway-loader).
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
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
});
