/**
 * Issue 15: `bundle verify` gives the gateway's verdict on bundles zipped by other tools. Info-ZIP's
 * zip, 7-Zip, bsdtar, the JDK's jar and Python's zipfile zip the same plugins with the options that
 * change the bytes (test/support/other_tools_cases.py); the reference verdict is the Go model of the
 * gateway's loader (test/support/gateway-loader: Go's archive/zip, encoding/json, crypto/rsa).
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

describe.skipIf(!hasGo || !hasTool("python3") || !hasTool("openssl"))("verdicts on bundles zipped by other tools equal the gateway's", () => {
  let dir: string;
  let keys: TestKeys;
  let cases: string[];
  beforeAll(async () => {
    dir = await tempDir();
    keys = writeTestKeys(await tempDir());
    const made = JSON.parse(execFileSync("python3", [path.join(ROOT, "test/support/other_tools_cases.py"), dir, keys.privatePkcs8], { encoding: "utf8" })) as { skipped: string[] };
    if (made.skipped.length) console.warn(`verify-other-tools: not installed, their cases are skipped: ${made.skipped.join(", ")} (.ci/run installs them)`);
    cases = readdirSync(path.join(dir, "cases")).filter((f) => f.endsWith(".zip")).sort();
  }, 120_000);

  for (const withKey of [true, false]) {
    it(`agrees on every bundle ${withKey ? "with public_key_path set" : "without a public key"}`, async () => {
      const disagreements: string[] = [];
      for (const name of cases) {
        const file = path.join(dir, "cases", name);
        const gateway = gatewayVerdict(file, withKey ? keys.publicSpki : undefined);
        const report = await verifyBundle(file, withKey ? { publicKey: keys.publicSpki } : {});
        if (report.verdict !== (gateway.accepted ? "accepted" : "refused")) {
          disagreements.push(`${name}: gateway ${gateway.output}; tyk-ts ${report.verdict} (${report.problems.find((p) => p.severity === "error")?.message ?? ""})`);
        }
      }
      expect(disagreements).toEqual([]);
    }, 180_000);
  }
});
