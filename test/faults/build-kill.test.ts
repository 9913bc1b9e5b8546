/**
 * `bundle build` killed with SIGKILL at random moments on a large plugin, while `tyk-ts serve` serves
 * the output directory. Nothing can clean up after SIGKILL, so the guarantee must come from the
 * write itself: under the real name there is only ever the previous bundle or the complete new one,
 * and the leftover temporary file is a dotfile that serve neither lists nor hands out.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../../src/bundle/verify.js";
import { hasTool, writeTestKeys } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { FUZZ_SEED, runsFor } from "../fuzz/budget.js";
import { CLI, listing, pythonConsistency, request, startServe, writeLargePlugin } from "./support.js";

const TEMPORARY = /^\.bundle\.zip\.[0-9a-f]{12}\.tmp$/;

let root: string;
let manifest: string;
let out: string;
let key: string;
let serveUrl: string;

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Runs `bundle build`, killing it after `killAfterMs` (undefined: let it finish). */
function build(killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, "bundle", "build", "-m", manifest, "-o", path.join(out, "bundle.zip"), "-k", key], { stdio: "ignore" });
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - started });
    });
  });
}

beforeAll(async () => {
  root = await tempDir("tyk-ts-fault-kill-");
  manifest = writeLargePlugin(path.join(root, "plugin"), 16);
  out = path.join(root, "out");
  await mkdir(out);
  key = writeTestKeys(root).privatePkcs8;
  serveUrl = (await startServe(out)).url;
});

describe.skipIf(!hasTool("python3"))("SIGKILL during bundle build", () => {
  it("leaves the previous bundle or the complete new one, never a partial file that serve hands out", async () => {
    const full = await build();
    expect(full.code).toBe(0);
    const kills = runsFor(6, 200);
    // Moments across the whole build, from "just started" to "renamed" (builds vary in length).
    const moments = fc.sample(fc.integer({ min: 0, max: Math.ceil(full.ms * 1.4) }), { seed: FUZZ_SEED, numRuns: kills });
    const outcomes = { untouched: 0, absent: 0, replaced: 0, temporaryLeft: 0 };

    for (const [i, moment] of moments.entries()) {
      const withPrevious = i % 2 === 1;
      if (withPrevious && !existsSync(path.join(out, "bundle.zip"))) expect((await build()).code).toBe(0);
      if (!withPrevious) rmSync(path.join(out, "bundle.zip"), { force: true });
      const previous = withPrevious ? sha256(path.join(out, "bundle.zip")) : undefined;
      // A new source version, so a build that completes is told apart from the previous bundle.
      writeFileSync(path.join(root, "plugin/lib/m0.py"), `# version ${i}\n`);

      const before = new Set(readdirSync(out));
      const killed = await build(moment);
      const context = `kill ${i} after ${moment} ms (exit ${killed.code}, signal ${killed.signal}), previous bundle: ${withPrevious}`;
      const names = readdirSync(out);
      for (const name of names) expect(name === "bundle.zip" || TEMPORARY.test(name), `${context}: unexpected ${name}`).toBe(true);
      outcomes.temporaryLeft += names.filter((n) => TEMPORARY.test(n) && !before.has(n)).length;

      const bundle = path.join(out, "bundle.zip");
      if (!existsSync(bundle)) {
        expect(withPrevious, `${context}: the previous bundle disappeared`).toBe(false);
        outcomes.absent++;
      } else if (previous !== undefined && sha256(bundle) === previous) {
        outcomes.untouched++;
      } else {
        // Renamed into place: it must be the whole new bundle.
        const python = pythonConsistency(bundle);
        expect(python.ok, `${context}: ${python.output}`).toBe(true);
        expect((await verifyBundle(bundle)).accepted, context).toBe(true);
        outcomes.replaced++;
      }

      // What the gateway's downloader would see: only the real name, and whole.
      const shown = await listing(serveUrl);
      expect(shown.filter((n) => n.startsWith(".")), context).toEqual([]);
      for (const name of names.filter((n) => TEMPORARY.test(n))) {
        for (const method of ["GET", "HEAD"]) expect((await request(`${serveUrl}${encodeURIComponent(name)}`, { method })).status, `${context}: ${method} ${name}`).toBe(404);
      }
      if (existsSync(bundle)) {
        const served = await request(`${serveUrl}bundle.zip`);
        expect(served.status, context).toBe(200);
        expect(served.body.equals(readFileSync(bundle)), context).toBe(true);
      }
    }
    process.stdout.write(`build-kill: ${kills} SIGKILLs over a ${full.ms.toFixed(0)} ms build: ${JSON.stringify(outcomes)}\n`);
    expect(outcomes.untouched + outcomes.absent + outcomes.replaced).toBe(kills);

    // Leftover temporary files do not get in the way of the next build.
    expect((await build()).code).toBe(0);
    expect(pythonConsistency(path.join(out, "bundle.zip")).ok).toBe(true);
  }, 240_000);
});
