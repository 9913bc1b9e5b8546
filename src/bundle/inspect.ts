/**
 * `bundle inspect`: what is inside a bundle, for a person or a script. It reads the zip the way
 * verify does (nothing is unpacked or executed) and shows the manifest, the checksum status, the
 * signature and the zip entries.
 */
import type { GoPluginAnalysis, GoPluginOptions } from "./go-plugins.js";
import { allHooks } from "./manifest.js";
import type { Problem } from "../problem.js";
import { analyseBundle, DEFAULT_VERIFY_LIMITS, type LimitHit, type Verdict, type VerifyLimits } from "./verify.js";
import { METHOD_DEFLATE, METHOD_STORE } from "./zip-reader.js";

export interface InspectedHook {
  kind: string;
  name: string;
  path: string;
  disabled: boolean;
}

export interface InspectedFile {
  /** As written in file_list. */
  name: string;
  /** Unpacked size; null when the zip does not hold the file. */
  size: number | null;
}

export interface InspectedEntry {
  name: string;
  type: "file" | "directory";
  size: number;
  compressedSize: number;
  method: string;
  /** Covered by the checksum (named in file_list). */
  listed: boolean;
}

export interface BundleInspection {
  file: string;
  /** Size of the zip in bytes. */
  size: number;
  /** The verdict of a gateway without public_key_path (the signature is not checked). */
  verdict: Verdict;
  /** verdict is "accepted". */
  accepted: boolean;
  /** The tyk-ts limit that left the bundle unchecked. */
  limit: LimitHit | null;
  signed: boolean;
  checksum: {
    /** From manifest.json; null when it cannot be read. */
    declared: string | null;
    /** MD5 over file_list; null when a listed file cannot be read. */
    computed: string | null;
    matches: boolean;
  };
  manifest: null | {
    driver: string;
    hooks: InspectedHook[];
    fileList: InspectedFile[];
  };
  entries: InspectedEntry[];
  /** goplugin bundles: which .so each gateway loads per hook, and what each .so is. */
  goPlugins: GoPluginAnalysis | null;
  problems: Problem[];
}

function methodName(method: number): string {
  return method === METHOD_DEFLATE ? "deflate" : method === METHOD_STORE ? "store" : `method ${method}`;
}

export async function inspectBundle(file: string, options: { limits?: Partial<VerifyLimits> } & GoPluginOptions = {}): Promise<BundleInspection> {
  const { limits, ...goPlugins } = options;
  const analysis = await analyseBundle(file, { limits: { ...DEFAULT_VERIFY_LIMITS, ...limits }, ...goPlugins });
  const { report, manifest } = analysis;
  const listedIndexes = new Set(analysis.listed.flatMap((l) => (l.ok ? [l.entry.index] : [])));
  const declared = report.checksum;
  const computed = analysis.computedChecksum ?? null;
  return {
    file,
    size: analysis.size,
    verdict: report.verdict,
    accepted: report.accepted,
    limit: report.limit,
    signed: report.signed,
    checksum: { declared, computed: manifest ? computed : null, matches: manifest !== undefined && declared === computed },
    manifest: manifest
      ? {
          driver: manifest.custom_middleware.driver,
          hooks: allHooks(manifest.custom_middleware).map(({ kind, hook }) => ({ kind, name: hook.name, path: hook.path, disabled: hook.disabled })),
          fileList: manifest.file_list.map((name, i) => {
            const l = analysis.listed[i];
            return { name, size: l?.ok ? l.entry.uncompressedSize : null };
          }),
        }
      : null,
    entries: analysis.entries.map((e) => ({
      name: e.displayName,
      type: e.isDirectory ? "directory" : "file",
      size: e.uncompressedSize,
      compressedSize: e.compressedSize,
      method: methodName(e.method),
      listed: listedIndexes.has(e.index),
    })),
    goPlugins: analysis.goPlugins ?? null,
    problems: report.problems,
  };
}
