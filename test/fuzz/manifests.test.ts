/**
 * Random and mutated manifests for `bundle build`, in-process. Every build either fails with a typed
 * error and leaves nothing behind, or writes a bundle that `bundle verify` and Go's archive/zip (the
 * reference loader) both accept, with the checksum of the files it lists. The plugin folder holds the
 * traps a file_list can name: a symlink out of the folder, a FIFO (reading it would hang), a
 * directory, Unicode and space in names.
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { existsSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle, type BuildResult } from "../../src/bundle/build.js";
import { DRIVERS } from "../../src/bundle/manifest.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { TykTsError } from "../../src/errors.js";
import { hasGo, referenceVerdict } from "../helpers/independent.js";
import { writeTestKeys } from "../helpers/keys.js";
import { tempDir } from "../helpers/tmp.js";
import { checkProperty, testTimeoutMs } from "./budget.js";

const PLUGIN_FILES: Record<string, string> = {
  "middleware.py": "from tyk.decorators import *\n\n@Hook\ndef Pre(request, session, spec):\n    return request, session\n",
  "lib/util.py": "def util():\n    return 1\n",
  "lib/deep/er.py": "X = 1\n",
  "empty.txt": "",
  "sp ace.py": "# space\n",
  "ünï cödé.py": "# unicode\n",
  "plugin.so": "\u007fELF not really",
  "hooks.js": "function Pre(request, session, spec) { return Pre.ReturnData(request, session.meta_data); }\n",
};

/** Names a file_list may hold: real files, and every kind of trouble. */
const LISTED = [
  ...Object.keys(PLUGIN_FILES),
  "./middleware.py", "lib//util.py", "lib/./util.py", "lib/../middleware.py", "lib", "lib/", "folder",
  "link-out.py", "link-in.py", "pipe", "missing.py", "../outside.txt", "/etc/hostname", "..hidden.py",
  "manifest.json", "./manifest.json", "lib\\util.py", "", ".", "nul\u0000.py", "MIDDLEWARE.PY",
];
const DRIVER_VALUES = [...DRIVERS, "pyhton", "Python", "", " python", "grpc\n", "lua"];

const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({}), fc.jsonValue({ maxDepth: 2 }));
const maybeJunk = <T>(arb: fc.Arbitrary<T>, freq = 8) => fc.oneof({ arbitrary: arb, weight: freq }, { arbitrary: junk, weight: 1 });

const hookArb = fc.record(
  {
    name: maybeJunk(fc.oneof(fc.constantFrom("Pre", "Post", "Auth", ""), fc.string({ maxLength: 12 }))),
    path: maybeJunk(fc.constantFrom("", "plugin.so", "hooks.js", "missing.so", "../x.so")),
    code: maybeJunk(fc.constantFrom("", "function Pre(){}")),
    require_session: maybeJunk(fc.boolean()),
    raw_body_only: maybeJunk(fc.boolean()),
    disabled: maybeJunk(fc.boolean()),
  },
  { requiredKeys: [] },
);

const middlewareArb = fc.record(
  {
    driver: maybeJunk(fc.constantFrom(...DRIVER_VALUES), 12),
    pre: maybeJunk(fc.array(maybeJunk(hookArb), { maxLength: 3 })),
    post: maybeJunk(fc.array(hookArb, { maxLength: 2 })),
    post_key_auth: maybeJunk(fc.array(hookArb, { maxLength: 2 })),
    response: maybeJunk(fc.array(hookArb, { maxLength: 2 })),
    auth_check: maybeJunk(hookArb),
    traffic_logs: maybeJunk(hookArb),
    id_extractor: maybeJunk(fc.record({ extract_from: fc.string({ maxLength: 6 }), extractor_config: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] })),
  },
  { requiredKeys: ["driver"] },
);

/** Anything in the manifest's shape, and values of every wrong type. */
const hostileManifestArb = fc.record(
  {
    file_list: maybeJunk(fc.array(maybeJunk(fc.oneof({ arbitrary: fc.constantFrom(...LISTED), weight: 6 }, { arbitrary: fc.string({ maxLength: 16 }), weight: 1 }), 20), { maxLength: 6 }), 12),
    custom_middleware: maybeJunk(middlewareArb, 12),
    checksum: maybeJunk(fc.constantFrom("", "d41d8cd98f00b204e9800998ecf8427e", "CAFE")),
    signature: maybeJunk(fc.constantFrom("", "bm90IGEgc2lnbmF0dXJl")),
    // Go matches keys case-insensitively; the build must see these as the gateway does.
    File_List: fc.array(fc.constantFrom(...LISTED), { maxLength: 2 }),
    CHECKSUM: fc.constant("0"),
    unknown_field: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ["custom_middleware"] },
);

/** What a plugin author writes: real files, a known driver, a hook; with a stray extra now and then. */
const plausibleManifestArb = fc.record(
  {
    file_list: fc.uniqueArray(fc.constantFrom(...Object.keys(PLUGIN_FILES), "link-in.py"), { maxLength: 5 }),
    custom_middleware: fc.record({
      driver: fc.constantFrom(...DRIVERS),
      pre: fc.array(fc.record({ name: fc.constantFrom("Pre", "Check"), path: fc.constantFrom("", "plugin.so", "hooks.js") }, { requiredKeys: ["name"] }), { minLength: 1, maxLength: 2 }),
    }),
    checksum: fc.constantFrom("", "stale"),
    Signature: fc.constant("stale"),
    x_note: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ["file_list", "custom_middleware"] },
);

const manifestArb = fc.oneof({ arbitrary: plausibleManifestArb, weight: 1 }, { arbitrary: hostileManifestArb, weight: 1 });

/** Text-level damage a hand-edited manifest picks up. */
type TextMutation = "none" | "bom" | "comment" | "trailing-comma" | "duplicate-key" | "truncate" | "deep" | "huge-string" | "second-value" | "not-utf8";
const textMutationArb = fc.constantFrom<TextMutation>(
  ...Array<TextMutation>(20).fill("none"), "bom", "comment", "trailing-comma", "duplicate-key", "truncate", "deep", "huge-string", "second-value", "not-utf8",
);

function manifestText(manifest: unknown, mutation: TextMutation, cut: number): Buffer {
  const json = JSON.stringify(manifest, null, 1);
  switch (mutation) {
    case "none":
      return Buffer.from(json);
    case "bom":
      return Buffer.from(`\uFEFF${json}`);
    case "comment":
      return Buffer.from(json.replace("{", "{ // a comment\n"));
    case "trailing-comma":
      return Buffer.from(json.replace(/\n}$/, ",\n}"));
    case "duplicate-key":
      return Buffer.from(json.replace("{", '{"custom_middleware": {"driver": "python", "pre": [{"name": "Shadow"}]},'));
    case "truncate":
      return Buffer.from(json.slice(0, cut % Math.max(json.length, 1)));
    case "deep":
      return Buffer.from(json.replace("{", `{"nest": ${"[".repeat(5000)}${"]".repeat(5000)},`));
    case "huge-string":
      return Buffer.from(json.replace("{", `{"huge": "${"x".repeat(1024 * 1024)}",`));
    case "second-value":
      return Buffer.from(`${json}\n{"file_list": ["middleware.py"]}`);
    case "not-utf8":
      return Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.from([0xff, 0xfe]), Buffer.from("}")]);
  }
}

let root: string;
let plugin: string;
let out: string;
let key: KeyObject;
let publicKeyPath: string;
let pluginListing: string[];

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

beforeAll(async () => {
  root = await tempDir("tyk-ts-fuzz-manifests-");
  plugin = path.join(root, "plugin");
  out = path.join(root, "out");
  await mkdir(path.join(plugin, "folder"), { recursive: true });
  await mkdir(out);
  for (const [name, text] of Object.entries(PLUGIN_FILES)) {
    await mkdir(path.dirname(path.join(plugin, name)), { recursive: true });
    await writeFile(path.join(plugin, name), text);
  }
  await writeFile(path.join(root, "outside.txt"), "secret outside the plugin\n");
  symlinkSync("../outside.txt", path.join(plugin, "link-out.py"));
  symlinkSync("middleware.py", path.join(plugin, "link-in.py"));
  execFileSync("mkfifo", [path.join(plugin, "pipe")]);
  const keys = writeTestKeys(root);
  key = createPrivateKey(readFileSync(keys.privatePkcs8));
  publicKeyPath = keys.publicSpki;
  await writeFile(path.join(plugin, "manifest.json"), "{}");
  pluginListing = listTree(plugin);
});

describe("bundle build on random and mutated manifests", () => {
  it(
    "fails with a typed error and leaves nothing, or writes a bundle verify and Go's archive/zip accept",
    async () => {
      let built = 0;
      await checkProperty(
        "random manifests → build → verify (+ Go reference)",
        fc.asyncProperty(manifestArb, textMutationArb, fc.nat(), fc.boolean(), async (manifest, mutation, cut, signed) => {
          const text = manifestText(manifest, mutation, cut);
          const manifestPath = path.join(plugin, "manifest.json");
          await writeFile(manifestPath, text);
          const output = path.join(out, "bundle.zip");
          await rm(output, { force: true });
          const context = `${mutation} ${JSON.stringify(manifest)}`;

          let result: BuildResult | TykTsError;
          try {
            result = await buildBundle({ manifest: manifestPath, output, key: signed ? key : undefined });
          } catch (err) {
            if (!(err instanceof TykTsError)) throw new Error(`untyped error escaped for ${context}: ${(err as Error)?.stack}`);
            result = err;
          }
          // The sources are never touched; only the output may appear, and never a temporary file.
          expect(readFileSync(manifestPath).equals(text), context).toBe(true);
          expect(listTree(plugin), context).toEqual(pluginListing);
          expect(readdirSync(out), context).toEqual(result instanceof TykTsError ? [] : ["bundle.zip"]);
          if (result instanceof TykTsError) {
            expect(result.message.length, context).toBeGreaterThan(0);
            expect(result.exitCode, context).toBe(2);
            return;
          }
          built++;
          const publicKey = signed ? publicKeyPath : undefined;
          const report = await verifyBundle(output, { publicKey });
          // verify's zip-bomb limits (raised with --max-ratio/--max-size) may stop it reading a very
          // repetitive file; otherwise it must accept the bundle with the checksum build wrote.
          const limited = report.problems.some((p) => p.code.startsWith("limit-"));
          if (!limited) {
            // goplugin-* findings judge the .so files' contents, which the fuzzer makes up (text, not ELF).
            expect(report.problems.filter((p) => p.severity === "error" && !p.code.startsWith("goplugin-")), context).toEqual([]);
            expect(report.checksum, context).toBe(result.checksum);
          }
          if (hasGo) expect(referenceVerdict(output, publicKey), context).toMatchObject({ accepted: true });
        }),
        150,
        12_000,
      );
      // The generator must reach successful builds, not only refusals.
      expect(built).toBeGreaterThan(10);
    },
    testTimeoutMs(12_000),
  );

  it("writes no bundle that its own verify refuses: a manifest larger than verify reads (8 MiB)", async () => {
    const manifestPath = path.join(plugin, "manifest.json");
    // Random text, so the zip's ratio limit does not decide first.
    const notes = randomBytes(6 * 1024 * 1024).toString("base64");
    await writeFile(manifestPath, JSON.stringify({ notes, file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
    const output = path.join(out, "large-manifest.zip");
    const built = await buildBundle({ manifest: manifestPath, output }).catch((e: unknown) => e);
    // Either build refuses it up front, or the bundle it wrote passes verify (the gateway reads it).
    if (built instanceof TykTsError) return;
    const report = await verifyBundle(output);
    await rm(output, { force: true });
    expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(report.accepted).toBe(true);
  });

  it("refuses a FIFO in file_list instead of waiting on it forever", async () => {
    const manifestPath = path.join(plugin, "manifest.json");
    await writeFile(manifestPath, JSON.stringify({ file_list: ["pipe"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }));
    const error = await buildBundle({ manifest: manifestPath, output: path.join(out, "fifo.zip") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TykTsError);
    expect((error as Error).message).toMatch(/file_list\[0\] "pipe" is not a regular file/);
    expect(existsSync(path.join(out, "fifo.zip"))).toBe(false);
  });
});
