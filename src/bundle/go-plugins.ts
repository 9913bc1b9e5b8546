/**
 * Go plugins inside a bundle: which `.so` each gateway version loads for each Go hook
 * (src/goplugin/file-names.ts), what those files are (inspect.ts) and whether they load and hold
 * the hooks' symbols (check.ts). `bundle verify` and `bundle inspect` call `analyseGoPlugins`.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { BundleTree } from "./gateway-unpack.js";
import { binaryToText, type ZipArchive } from "./zip-reader.js";
import { allHooks, type BundleManifest } from "./manifest.js";
import type { Problem } from "../problem.js";
import { checkGoPlugins, describeLoadFailure, type PluginLoadPrediction, type SymbolCheck } from "../goplugin/check.js";
import {
  bundlePath,
  DEFAULT_GATEWAY_PLATFORM,
  parseGatewayRelease,
  parseVersionedName,
  resolvePluginFile,
  versionedVariants,
  type GatewayVersion,
  type GoPlatform,
} from "../goplugin/file-names.js";
import { readGoObject, type GoFileFacts } from "../goplugin/inspect.js";

export interface GoPluginOptions {
  /** The gateway version to resolve versioned file names for, e.g. `5.3.0`. */
  gatewayVersion?: string;
  /** The gateway binary: `.so` files are checked against it. */
  gateway?: string;
}

/** The bundle's files as verify sees them: paths inside the bundle, and a way to read one. */
export interface BundleFiles {
  paths: string[];
  open(path: string): Promise<AsyncIterable<Buffer>>;
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
  const goHooks = allHooks(manifest.custom_middleware).filter(({ hook }) => hook.path !== "" && !hook.disabled);
  // The gateways to simulate, each opening the files it selects in hook order: the given version,
  // or one per versioned build in the bundle plus any other version. With a gateway binary, only
  // those of its platform.
  const scenarios = new Map<string, Array<{ file: string; kind: string; name: string }>>();
  const select = (key: string, file: string, hook: { kind: string; name: string }) => scenarios.set(key, [...(scenarios.get(key) ?? []), { file, ...hook }]);
  for (const { kind, hook } of goHooks) {
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
        select("given", resolved.file, { kind, name: hook.name });
        problems.push({ severity: "info", code: "goplugin-file", message: `${label}: ${gatewayLabel(version, platform)} loads ${resolved.file}` });
      } else {
        problems.push({
          severity: "error",
          code: "goplugin-file-not-found",
          message: `${label}: ${gatewayLabel(version, platform)} finds no plugin file ("plugin file not found"): it tries ${resolved.tried.join(", ")}, and the bundle has none of them`,
        });
      }
    } else if (!exists(exact) && variants.length > 0) {
      problems.push({
        severity: "info",
        code: "goplugin-versioned-only",
        message: `${label}: only ${variants.map((v) => gatewayLabel(v.version, v.platform)).join(", ")} find a file for ${hook.path}; other gateways log "plugin file not found"`,
      });
    }
    hooks.push(row);
  }
  if (!version) {
    const builds = goHooks.flatMap(({ hook }) => versionedVariants(hook.path, present)).filter((v) => !gatewayFacts || platformLabel(v.platform) === platformLabel(platform));
    for (const { kind, hook } of goHooks) {
      for (const v of builds) {
        const file = resolvePluginFile(hook.path, v.version, exists, v.platform).file;
        if (file) select(gatewayLabel(v.version, v.platform), file, { kind, name: hook.name });
      }
      if (exists(bundlePath(hook.path))) select("any other gateway", bundlePath(hook.path), { kind, name: hook.name });
    }
  }

  const result: GoPluginAnalysis = { ...(version && { gatewayVersion: version.text }), platform, hooks, files: [], problems };
  const files = [...new Set([...scenarios.values()].flat().map((s) => s.file))];
  if (files.length === 0) return result;
  const dir = await mkdtemp(path.join(os.tmpdir(), "tyk-ts-goplugin-"));
  try {
    const local = new Map<string, string>();
    for (const [i, f] of files.entries()) {
      const copy = path.join(dir, `${i}.so`);
      try {
        await pipeline(await bundle.open(f), createWriteStream(copy, { flags: "wx", mode: 0o600 }));
        local.set(f, copy);
      } catch (err) {
        // A damaged entry is already the unpack's finding; it only costs this check.
        problems.push({ severity: "info", code: "goplugin-unreadable", message: `${f} could not be read from the zip (${(err as Error).message}), so it was not checked` });
      }
    }
    const inBundle = new Map([...local].map(([f, l]) => [l, f]));
    const name = (l: string) => inBundle.get(l) ?? l;
    const seen = new Set<string>();
    const note = (p: Problem) => {
      if (!seen.has(p.message)) problems.push(p);
      seen.add(p.message);
    };
    for (const selected of scenarios.values()) {
      const run = [...new Set(selected.flatMap((s) => (local.has(s.file) ? [local.get(s.file)!] : [])))];
      const symbols: Record<string, Array<{ name: string; hook: string }>> = {};
      for (const s of selected) if (local.has(s.file)) (symbols[local.get(s.file)!] ??= []).push({ name: s.name, hook: s.kind });
      const checked = await checkGoPlugins(run, { ...(options.gateway && { gateway: options.gateway }), symbols });
      for (const p of checked.plugins) {
        if (!result.files.some((f) => f.file === name(p.file))) result.files.push({ ...p.facts, file: name(p.file) });
        pluginProblems(name(p.file), p, name).forEach(note);
      }
      // Without the gateway, pairs that disagree on a package fail in every gateway.
      if (!options.gateway) {
        for (const c of checked.conflicts) {
          note({
            severity: "warning",
            code: "goplugin-conflict",
            message: `${name(c.files[0])} and ${name(c.files[1])} were built with different versions of package ${c.package}: one gateway cannot load both`,
          });
        }
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
