/**
 * Which file a gateway loads for a Go hook's `path`. Since 4.1.0 the gateway also looks for
 * `<name>_<version>_<GOOS>_<GOARCH>.so` next to it, so one bundle can carry a build per gateway
 * version. The order changed:
 *
 * - before 4.1.0: the exact path only;
 * - 4.1.0 – 4.3.1 (TT-4354, tyk#3873): the exact path first, then `_4.2.0_`, then `_v4.2.0_`
 *   (gateway/mw_go_plugin.go, goPluginFromTykVersion; later goplugin.GetPluginFileNameToLoad
 *   "if !fileExist(path)");
 * - 4.3.2 and later (TT-7351, tyk#4576, on release-4.3 in tyk#4580): `_v4.3.2_`, then `_4.3.2_`,
 *   then the exact path (goplugin/file_loader.go, GetPluginFileNameToLoad).
 *
 * The version is the gateway's own with any `-rc…` suffix cut (getPrefixedVersion,
 * getPluginNameFromTykVersion); GOOS/GOARCH are the gateway's (runtime.GOOS, runtime.GOARCH).
 */
import { posix } from "node:path";
import { InputError } from "../errors.js";

export interface GoPlatform {
  goos: string;
  goarch: string;
}

export const DEFAULT_GATEWAY_PLATFORM: GoPlatform = { goos: "linux", goarch: "amd64" };

export interface GatewayVersion {
  major: number;
  minor: number;
  patch: number;
  /** `5.3.0`: no `v`, no suffix. */
  text: string;
}

export type LoadingOrder = "exact-only" | "exact-first" | "versioned-first";

/**
 * `5.3.0`, `v5.3.0`, `v5.3.0-rc2` → 5.3.0. Stricter than bundle/gateway-versions.ts's reading of
 * `--gateway-version` (which takes `5.8`): a versioned file name holds all three numbers.
 */
export function parseGatewayRelease(value: string): GatewayVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(value.trim());
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** Parses a gateway version from a flag or config, with the error people see. */
export function gatewayVersionOf(value: string, source: string): GatewayVersion {
  const version = parseGatewayRelease(value);
  if (!version) throw new InputError("gateway-version-invalid", `${source}: "${value}" is not a gateway version`, { hint: "give it as major.minor.patch, e.g. 5.3.0" });
  return version;
}

function atLeast(v: GatewayVersion, major: number, minor: number, patch: number): boolean {
  return v.major !== major ? v.major > major : v.minor !== minor ? v.minor > minor : v.patch >= patch;
}

export function loadingOrder(v: GatewayVersion): LoadingOrder {
  return !atLeast(v, 4, 1, 0) ? "exact-only" : atLeast(v, 4, 3, 2) ? "versioned-first" : "exact-first";
}

/** A hook path as a path inside the bundle: the gateway joins it to the bundle directory. */
export function bundlePath(p: string): string {
  const clean = posix.normalize(p.replace(/^\/+/, ""));
  return clean.startsWith("./") ? clean.slice(2) : clean;
}

/** `dir/name.so` → `dir/name_<version>_<goos>_<goarch>.so` (goplugin getPluginNameFromTykVersion). */
export function versionedPluginPath(hookPath: string, version: string, platform: GoPlatform = DEFAULT_GATEWAY_PLATFORM): string {
  const dir = posix.dirname(hookPath);
  const name = posix.basename(hookPath).replace(/\.so$/, "");
  return bundlePath(`${dir}/${[name, version, platform.goos, platform.goarch].join("_")}.so`);
}

/** The files a gateway tries for a hook path, in its order. */
export function pluginFileCandidates(hookPath: string, version: GatewayVersion, platform: GoPlatform = DEFAULT_GATEWAY_PLATFORM): string[] {
  const exact = bundlePath(hookPath);
  const prefixed = versionedPluginPath(hookPath, `v${version.text}`, platform);
  const plain = versionedPluginPath(hookPath, version.text, platform);
  switch (loadingOrder(version)) {
    case "exact-only":
      return [exact];
    case "exact-first":
      return [exact, plain, prefixed];
    case "versioned-first":
      return [prefixed, plain, exact];
  }
}

export interface ResolvedPluginFile {
  /** The file the gateway loads; undefined when it finds none ("plugin file not found"). */
  file?: string;
  tried: string[];
}

export function resolvePluginFile(hookPath: string, version: GatewayVersion, exists: (file: string) => boolean, platform?: GoPlatform): ResolvedPluginFile {
  const tried = pluginFileCandidates(hookPath, version, platform);
  const file = tried.find(exists);
  return { ...(file !== undefined && { file }), tried };
}

export interface VersionedVariant {
  file: string;
  /** The hook path it stands in for: `dir/name.so`. */
  hookPath: string;
  version: GatewayVersion;
  platform: GoPlatform;
}

/** `dir/name_v5.3.0_linux_amd64.so` → the hook path `dir/name.so`, version 5.3.0, linux/amd64. */
export function parseVersionedName(file: string): VersionedVariant | undefined {
  const f = bundlePath(file);
  const m = /^(.+)_v?(\d+\.\d+\.\d+)_([a-z0-9]+)_([a-z0-9]+)\.so$/.exec(f);
  const version = m && parseGatewayRelease(m[2]!);
  if (!m || !version || loadingOrder(version) === "exact-only") return undefined;
  return { file: f, hookPath: `${m[1]}.so`, version, platform: { goos: m[3]!, goarch: m[4]! } };
}

/** The files among `files` that some gateway version and platform loads for `hookPath` by its versioned name. */
export function versionedVariants(hookPath: string, files: Iterable<string>): VersionedVariant[] {
  const exact = bundlePath(hookPath).replace(/\.so$/, "") + ".so";
  const out: VersionedVariant[] = [];
  for (const file of files) {
    const v = parseVersionedName(file);
    if (v && v.hookPath === exact && pluginFileCandidates(hookPath, v.version, v.platform).includes(v.file)) out.push(v);
  }
  return out;
}
