/**
 * Go plugins inside a bundle: which `.so` each gateway version loads for each Go hook
 * (file-names.ts), what those files are (inspect.ts) and whether they load and hold the hooks'
 * symbols (check.ts). `bundle verify` and `bundle inspect` call `analyseGoPlugins`.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import type { BundleTree } from "../bundle/gateway-unpack.js";
import { binaryToText, type ZipArchive } from "../bundle/zip-reader.js";
import { allHooks, type BundleManifest, type Problem } from "../bundle/manifest.js";
import { checkGoPlugins, describeLoadFailure, type PluginLoadPrediction, type SymbolCheck } from "./check.js";
import {
  bundlePath,
  DEFAULT_GATEWAY_PLATFORM,
  parseGatewayRelease,
  parseVersionedName,
  resolvePluginFile,
  versionedVariants,
  type GatewayVersion,
  type GoPlatform,
} from "./file-names.js";
import { readGoObject, type GoFileFacts } from "./inspect.js";

export interface GoPluginOptions {
  /** The gateway version to resolve versioned file names for, e.g. `5.3.0`. */
  gatewayVersion?: string;
  /** The gateway binary: `.so` files are checked against it. */
  gateway?: string;
}

/** The bundle's files as verify sees them: paths inside the bundle, and a way to read one. */
export interface BundleFiles {
  paths: string[];
  open(path: string): Promise<Readable>;
}

/** The unpacked bundle's files (the gateway's view: the last entry of a name wins). */
export function bundleFiles(archive: ZipArchive, tree: BundleTree): BundleFiles {
  const byPath = new Map(tree.files().map((f) => [bundlePath(binaryToText(f.path)), f.entry]));
  return {
    paths: [...byPath.keys()],
    open: (p) => archive.openEntry(byPath.get(p)!),
  };
}

export interface GoHookLoading {
  kind: string;
  name: string;
  path: string;
  /** One row per versioned build in the bundle, then one for every other gateway version. */
  loads: Array<{ gateway: string; file: string | null }>;
  /** The file the given gateway version loads (null: none found); absent when no version was given. */
  selected?: string | null;
}

export interface GoPluginAnalysis {
  gatewayVersion?: string;
  platform: GoPlatform;
  hooks: GoHookLoading[];
  /** Facts about each `.so` some gateway would load for a hook. */
  files: GoFileFacts[];
  problems: Problem[];
}

const platformLabel = (p: GoPlatform) => `${p.goos}/${p.goarch}`;

export async function analyseGoPlugins(manifest: BundleManifest, bundle: BundleFiles, options: GoPluginOptions = {}): Promise<GoPluginAnalysis> {
  const version = options.gatewayVersion ? parseGatewayRelease(options.gatewayVersion) : undefined;
  const gatewayFacts = options.gateway ? (await readGoObject(options.gateway)).facts : undefined;
  const platform = gatewayFacts?.goos && gatewayFacts.goarch ? { goos: gatewayFacts.goos, goarch: gatewayFacts.goarch } : DEFAULT_GATEWAY_PLATFORM;
  const present = new Set(bundle.paths.map(bundlePath));
  const exists = (f: string) => present.has(f);
  const problems: Problem[] = [];
  if (options.gatewayVersion && !version) {
    problems.push({
      severity: "info",
      code: "goplugin-version-incomplete",
      message: `gateway version "${options.gatewayVersion}" has no patch number, and the versioned .so names a gateway looks for hold all three (plugin_v5.3.0_linux_amd64.so): give the full version to know which file it loads`,
    });
  }
  const gatewayLabel = (v: GatewayVersion, p: GoPlatform) => `gateway ${v.text} (${platformLabel(p)})`;

  const hooks: GoHookLoading[] = [];
  // The files to read, with the hooks that load them.
  const wanted = new Map<string, Array<{ kind: string; name: string }>>();
  const want = (file: string, hook: { kind: string; name: string }) => wanted.set(file, [...(wanted.get(file) ?? []), hook]);
  for (const { kind, hook } of allHooks(manifest.custom_middleware)) {
    if (hook.path === "" || hook.disabled) continue;
    const exact = bundlePath(hook.path);
    const variants = versionedVariants(exact, present);
    const label = `${kind} hook "${hook.name}"`;
    const loads = variants.map((v) => ({ gateway: gatewayLabel(v.version, v.platform), file: resolvePluginFile(exact, v.version, exists, v.platform).file ?? null }));
    loads.push({ gateway: variants.length ? "any other gateway" : "every gateway", file: exists(exact) ? exact : null });
    const row: GoHookLoading = { kind, name: hook.name, path: hook.path, loads };
    for (const v of variants) {
      const chosen = resolvePluginFile(exact, v.version, exists, v.platform).file;
      if (chosen !== v.file) {
        problems.push({
          severity: "warning",
          code: "goplugin-exact-path-first",
          message: `${label}: ${gatewayLabel(v.version, v.platform)} loads ${chosen}, not ${v.file}: gateways 4.1.0 to 4.3.1 try the exact path first`,
        });
      }
    }
    if (version) {
      const resolved = resolvePluginFile(exact, version, exists, platform);
      row.selected = resolved.file ?? null;
      if (resolved.file) {
        want(resolved.file, { kind, name: hook.name });
        problems.push({ severity: "info", code: "goplugin-file", message: `${label}: ${gatewayLabel(version, platform)} loads ${resolved.file}` });
      } else {
        problems.push({
          severity: "error",
          code: "goplugin-file-not-found",
          message: `${label}: ${gatewayLabel(version, platform)} finds no plugin file ("plugin file not found"): it tries ${resolved.tried.join(", ")}, and the bundle has none of them`,
        });
      }
    } else {
      if (exists(exact)) want(exact, { kind, name: hook.name });
      for (const v of variants) want(v.file, { kind, name: hook.name });
      if (!exists(exact) && variants.length > 0) {
        problems.push({
          severity: "info",
          code: "goplugin-versioned-only",
          message: `${label}: only ${variants.map((v) => gatewayLabel(v.version, v.platform)).join(", ")} find a file for ${hook.path}; other gateways log "plugin file not found"`,
        });
      }
    }
    hooks.push(row);
  }

  const files = [...wanted.keys()];
  const result: GoPluginAnalysis = { ...(version && { gatewayVersion: version.text }), platform, hooks, files: [], problems };
  if (files.length === 0) return result;
  const dir = await mkdtemp(path.join(os.tmpdir(), "tyk-ts-goplugin-"));
  try {
    const local = files.map((f, i) => path.join(dir, `${i}.so`));
    for (const [i, f] of files.entries()) await pipeline(await bundle.open(f), createWriteStream(local[i]!, { flags: "wx", mode: 0o600 }));
    const symbols = Object.fromEntries(local.map((l, i) => [l, wanted.get(files[i]!)!.map((h) => ({ name: h.name, hook: h.kind }))]));
    const inBundle = new Map(local.map((l, i) => [l, files[i]!]));
    // With a version, one gateway opens the files it selected, in hook order; without, each file is
    // what some gateway would open on its own.
    const runs = version ? [local] : local.map((l) => [l]);
    for (const run of runs) {
      const checked = await checkGoPlugins(run, { ...(options.gateway && { gateway: options.gateway }), symbols });
      for (const p of checked.plugins) {
        const name = inBundle.get(p.file)!;
        result.files.push({ ...p.facts, file: name });
        problems.push(...pluginProblems(name, p, (f) => inBundle.get(f) ?? f));
      }
    }
    if (!version) {
      const { conflicts } = await checkGoPlugins(local.filter((l) => !parseVersionedName(inBundle.get(l)!)));
      for (const c of conflicts) {
        problems.push({
          severity: "warning",
          code: "goplugin-conflict",
          message: `${inBundle.get(c.files[0])} and ${inBundle.get(c.files[1])} were built with different versions of package ${c.package}: one gateway cannot load both`,
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}

/** Problems for one checked file; `name` turns the temporary copies' paths back into bundle paths. */
function pluginProblems(file: string, p: PluginLoadPrediction, name: (local: string) => string): Problem[] {
  const out: Problem[] = [];
  if (p.loads === false && p.failure) {
    const f = p.failure;
    const failure = "file" in f ? { ...f, file: name(f.file) } : "against" in f && f.against !== "gateway" ? { ...f, against: name(f.against) } : f;
    out.push({ severity: "error", code: "goplugin-will-not-load", message: `${file}: ${describeLoadFailure(failure, p.goError)}` });
    return out;
  }
  const named = parseVersionedName(file)?.platform;
  if (named && p.facts.kind === "go-plugin" && (named.goos !== p.facts.goos || named.goarch !== p.facts.goarch)) {
    out.push({
      severity: "error",
      code: "goplugin-wrong-platform",
      message: `${file}: its name says ${platformLabel(named)} but it was built for ${p.facts.goos}/${p.facts.goarch}; a ${platformLabel(named)} gateway cannot open it`,
    });
  }
  for (const s of p.symbols) out.push(...symbolProblems(file, s, p.facts));
  return out;
}

function symbolProblems(file: string, s: SymbolCheck, facts: GoFileFacts): Problem[] {
  const label = `${s.hook ?? "Go"} hook "${s.name}"`;
  if (facts.kind !== "go-plugin" || (facts.exports.length === 0 && !facts.pluginPath)) return [];
  if (!s.found) {
    const names = facts.exports.map((e) => e.name);
    return [
      {
        severity: "error",
        code: "goplugin-symbol-not-found",
        message: `${label}: ${file} exports no symbol ${s.name} ("plugin: symbol ${s.name} not found in plugin ${facts.pluginPath}")${s.suggestion ? `; did you mean "${s.suggestion}"?` : names.length ? `; it exports ${names.join(", ")}` : ""}`,
      },
    ];
  }
  if (s.typeMatches === false) {
    return [
      {
        severity: "error",
        code: "goplugin-hook-type",
        message: `${label}: ${s.name} in ${file} is ${s.kind === "var" ? `a variable (${s.type ?? "not a function"})` : s.type}, but the gateway needs a ${s.expectedType} for a ${s.hook} hook`,
      },
    ];
  }
  return [];
}
