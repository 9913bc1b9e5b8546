/**
 * Sources and manifest edited while `bundle build` reads them, by another process that never stops:
 * bytes overwritten in place, the file rewritten at another size, a new version renamed over it
 * (an editor's save), the manifest switched between two file lists. Every build must fail with a
 * typed error or produce a bundle whose checksum matches the bytes it zipped — checked by Python's
 * zipfile and hashlib, not by tyk-ts — and never leave a temporary file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { TykTsError } from "../../src/errors.js";
import { hasTool } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { runsFor } from "../fuzz/budget.js";
import { pythonConsistency } from "./support.js";

const BLOB_BYTES = 3 * 1024 * 1024;

/** Edits the plugin in a loop from another process, so the edits race the build for real. */
const MUTATOR = `
const fs = require("fs"), path = require("path"), crypto = require("crypto");
const [dir, mode] = process.argv.slice(1);
const blob = path.join(dir, "blob.so");
const size = ${BLOB_BYTES};
const manifests = [
  JSON.stringify({ file_list: ["blob.so", "a.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }),
  JSON.stringify({ file_list: ["a.py", "b.py"], custom_middleware: { driver: "python", pre: [{ name: "Other" }] } }),
];
const pause = new Int32Array(new SharedArrayBuffer(4));
// One random buffer, stamped with the edit number: cheap to write, different every time.
const content = crypto.randomBytes(size + 65536);
let n = 0;
for (;;) {
  n++;
  // A short breath, so the build gets the other core; still dozens of edits per build.
  Atomics.wait(pause, 0, 0, 2);
  if (mode === "in-place") {
    const fd = fs.openSync(blob, "r+");
    fs.writeSync(fd, crypto.randomBytes(4096), 0, 4096, crypto.randomInt(size - 4096));
    fs.closeSync(fd);
  } else if (mode === "resize") {
    content.writeUInt32LE(n, 0);
    fs.writeFileSync(blob, content.subarray(0, n % 2 ? size + 65536 : size - 65536));
  } else if (mode === "rename") {
    const next = path.join(dir, ".blob.new");
    content.writeUInt32LE(n, 0);
    fs.writeFileSync(next, content.subarray(0, size));
    fs.renameSync(next, blob);
  } else if (mode === "manifest") {
    fs.writeFileSync(path.join(dir, "manifest.json"), manifests[n % 2]);
    fs.writeFileSync(path.join(dir, "a.py"), "# " + n + "\\n");
  }
}
`;

let root: string;
let mutator: ChildProcess | undefined;

afterEach(() => {
  mutator?.kill("SIGKILL");
  mutator = undefined;
});

function writePlugin(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "blob.so"), randomBytes(BLOB_BYTES));
  writeFileSync(path.join(dir, "a.py"), "# a\n");
  writeFileSync(path.join(dir, "b.py"), "# b\n");
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ file_list: ["blob.so", "a.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
}

beforeAll(async () => {
  root = await tempDir("tyk-ts-fault-edit-");
});

describe.skipIf(!hasTool("python3"))("sources changing during bundle build", () => {
  for (const mode of ["in-place", "resize", "rename", "manifest"] as const) {
    it(`${mode}: a typed error or a bundle whose checksum matches its files, never a temporary file`, async () => {
      const dir = path.join(root, mode);
      const out = path.join(root, `${mode}-out`);
      writePlugin(dir);
      mkdirSync(out);
      mutator = spawn(process.execPath, ["-e", MUTATOR, dir, mode], { stdio: "ignore" });
      const outcomes: Record<string, number> = {};
      const builds = runsFor(5, 200);
      for (let i = 0; i < builds; i++) {
        const output = path.join(out, "bundle.zip");
        rmSync(output, { force: true });
        let outcome: string;
        try {
          await buildBundle({ manifest: path.join(dir, "manifest.json"), output });
          const python = pythonConsistency(output);
          expect(python.ok, `${mode} build ${i}: ${python.output}`).toBe(true);
          expect((await verifyBundle(output)).accepted, `${mode} build ${i}`).toBe(true);
          outcome = "consistent bundle";
        } catch (err) {
          if (!(err instanceof TykTsError)) throw err;
          outcome = `refused (${err.code})`;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        expect(readdirSync(out).filter((n) => n !== "bundle.zip"), `${mode} build ${i}`).toEqual([]);
      }
      process.stdout.write(`changing sources, ${mode}: ${builds} builds: ${JSON.stringify(outcomes)}\n`);
    }, 120_000);
  }
});
