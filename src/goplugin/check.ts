/**
 * "Will this .so load into this gateway?" answered statically, the way Go's runtime decides when
 * the gateway calls `plugin.Open` (goplugin/goplugin.go, GetHandler → plugin.Open → Lookup → cast):
 *
 * 1. dlopen (plugin/plugin_dlopen.go, open): an ELF shared object for the gateway's machine.
 *    The library joins the global scope (RTLD_GLOBAL) even if step 3 refuses it.
 * 2. runtime/plugin.go, plugin_lastmoduleinit: the newest module must be a Go plugin whose
 *    pluginpath no loaded plugin has ("plugin already loaded"); a library that adds no module
 *    makes it pick the previous one (already loaded) or none, which is a fatal runtime error.
 * 3. For each of the plugin's `pkghashes`, in order: the hash it was linked with must equal the one
 *    `go.link.pkghash.<package>` resolves to, i.e. the gateway's when the gateway has the package,
 *    else an earlier plugin's, else its own ("plugin was built with a different version of package X").
 * 4. Lookup(name) finds the hook among the exported symbols, and the gateway's cast needs a function
 *    of the hook's type ("could not cast function symbol to http.HandlerFunc").
 * Files are taken in the order given, as one gateway process would open them.
 */
import { realpath } from "node:fs/promises";
import { closest } from "../suggest.js";
import { HOOK_SIGNATURES } from "./hooks.js";
import { readGoObject, TYK_MODULE, type GoFileFacts, type GoObject } from "./inspect.js";

export { HOOK_SIGNATURES } from "./hooks.js";

export type LoadFailure =
  | { reason: "not-elf" }
  | { reason: "platform"; plugin: string; gateway: string }
  | { reason: "not-a-go-plugin"; kind: GoFileFacts["kind"]; crashes: boolean }
  | { reason: "same-file"; file: string; crashes: boolean }
  | { reason: "already-loaded"; file: string; pluginPath: string }
  | { reason: "previous-failure"; file: string }
  | {
      reason: "package-mismatch";
      package: string;
      pluginHash: string;
      otherHash: string;
      /** "gateway", or the plugin file whose copy the symbol bound to */
      against: string;
      /** The package belongs to the Go runtime or standard internals: different toolchains. */
      toolchain: boolean;
      /** For a package of github.com/TykTechnologies/tyk: the tyk version the plugin names, and the gateway's source ("commit …" or "tyk …"), when known. */
      tyk?: { plugin?: string; gateway?: string };
    }
  | { reason: "gateway-without-plugins" };

export interface SymbolCheck {
  name: string;
  /** The hook kind asking for it (pre, response, …), when known. */
  hook?: string;
  found: boolean;
  kind?: "func" | "var";
  type?: string;
  expectedType?: string;
  /** False when the gateway's cast would fail; undefined when the type is not known. */
  typeMatches?: boolean;
  suggestion?: string;
}

export interface PluginLoadPrediction {
  file: string;
  facts: GoFileFacts;
  /** plugin.Open's verdict; null when it depends on a gateway that was not given. */
  loads: boolean | null;
  failure?: LoadFailure;
  /** The text Go puts after `plugin.Open("…"): `, when Go's runtime (not dlopen) writes it. */
  goError?: string;
  symbols: SymbolCheck[];
}

/** Two plugins that cannot both load into any one gateway: they disagree on a package. */
export interface PluginConflict {
  package: string;
  files: [string, string];
}

export interface PluginCheckResult {
  gateway?: GoFileFacts;
  plugins: PluginLoadPrediction[];
  conflicts: PluginConflict[];
}

export interface PluginCheckOptions {
  /** The gateway binary (the `tyk` executable). */
  gateway?: string;
  /** Hook names to look up, per file (as given in `files`). */
  symbols?: Record<string, Array<{ name: string; hook?: string }>>;
}

const TOOLCHAIN_PACKAGE = /^(runtime|internal\/|unsafe$|sync\/atomic$)/;

export async function checkGoPlugins(files: string[], options: PluginCheckOptions = {}): Promise<PluginCheckResult> {
  const gateway = options.gateway ? await readGoObject(options.gateway) : undefined;
  const objects = await Promise.all(files.map((f) => readGoObject(f)));
  const realpaths = await Promise.all(files.map((f) => realpath(f)));
  const predictions: PluginLoadPrediction[] = [];
  // The process's state as the gateway opens each file: libraries in the global scope, Go modules.
  const scope: Array<{ file: string; obj: GoObject }> = [];
  const modules: Array<{ file: string; obj: GoObject; bad: boolean }> = [];
  const opened = new Map<string, PluginLoadPrediction>();
  const platform = (f: GoFileFacts) => `${f.goos}/${f.goarch}`;

  for (const [i, file] of files.entries()) {
    const obj = objects[i]!;
    const facts = obj.facts;
    const p: PluginLoadPrediction = { file, facts, loads: null, symbols: [] };
    predictions.push(p);
    const fail = (failure: LoadFailure, goError?: string) => {
      p.loads = false;
      p.failure = failure;
      if (goError) p.goError = goError;
    };
    const earlier = opened.get(realpaths[i]!);
    if (earlier) {
      // plugin.Open keeps plugins by real path: the same file again is the same answer.
      if (earlier.loads === false) fail({ reason: "previous-failure", file: earlier.file }, earlier.goError && `${earlier.goError} (previous failure)`);
      else p.loads = earlier.loads;
    } else if (facts.kind === "not-elf") {
      fail({ reason: "not-elf" });
    } else if (gateway && (gateway.machine !== obj.machine || gateway.is64 !== obj.is64 || gateway.facts.goos !== facts.goos)) {
      fail({ reason: "platform", plugin: platform(facts), gateway: platform(gateway.facts) });
    } else if (gateway && gateway.facts.loadsPlugins === false) {
      fail({ reason: "gateway-without-plugins" });
    } else if (facts.kind === "executable" || facts.kind === "go-executable" || facts.kind === "other-elf") {
      // dlopen refuses it, and plugin.Open remembers only what dlopen accepted.
      fail({ reason: "not-a-go-plugin", kind: facts.kind, crashes: false });
    } else {
      opened.set(realpaths[i]!, p);
      const last = modules.at(-1);
      const sameInode = scope.find((s) => s.obj.dev === obj.dev && s.obj.ino === obj.ino);
      if (sameInode) {
        // dlopen hands back the library already loaded; the runtime then sees no new module.
        const crashes = !last || last.bad;
        fail({ reason: "same-file", file: sameInode.file, crashes }, crashes ? "runtime: no plugin module data" : "plugin already loaded");
      } else if (facts.kind !== "go-plugin") {
        scope.push({ file, obj });
        const crashes = !last || last.bad;
        fail({ reason: "not-a-go-plugin", kind: facts.kind, crashes }, crashes ? "runtime: no plugin module data" : "plugin already loaded");
      } else {
        const module = { file, obj, bad: false };
        const twin = facts.pluginPath !== undefined ? modules.find((m) => !m.bad && m.obj.facts.pluginPath === facts.pluginPath) : undefined;
        modules.push(module);
        if (twin) {
          module.bad = true;
          fail({ reason: "already-loaded", file: twin.file, pluginPath: facts.pluginPath! }, "plugin already loaded");
        } else {
          // Without the gateway a package shared with an earlier plugin might come from the gateway
          // instead; `conflicts` reports those pairs.
          const mismatch = gateway && firstMismatch(obj, gateway, scope);
          if (mismatch) {
            module.bad = true;
            fail(mismatch, `plugin was built with a different version of package ${mismatch.package}`);
          } else if (gateway) {
            p.loads = true;
          }
        }
        scope.push({ file, obj });
      }
    }
    if (p.loads !== false) p.symbols = (options.symbols?.[file] ?? []).map((s) => checkSymbol(facts, s.name, s.hook));
  }
  return { ...(gateway && { gateway: gateway.facts }), plugins: predictions, conflicts: conflicts(files, objects) };
}

function firstMismatch(obj: GoObject, gateway: GoObject, scope: Array<{ file: string; obj: GoObject }>): Extract<LoadFailure, { reason: "package-mismatch" }> | undefined {
  for (const { path, hash } of obj.facts.packages) {
    const provider = gateway.provides.has(path) ? { file: "gateway", obj: gateway } : scope.find((s) => s.obj.provides.has(path));
    const other = provider?.obj.provides.get(path);
    if (provider && other !== undefined && other !== hash) {
      const { revision, tykVersion } = provider.obj.facts;
      const source = revision ? `commit ${revision}` : tykVersion ? `tyk ${tykVersion}` : undefined;
      const tyk =
        path === TYK_MODULE || path.startsWith(`${TYK_MODULE}/`) ? { ...(obj.facts.tykVersion && { plugin: obj.facts.tykVersion }), ...(source && { gateway: source }) } : {};
      return {
        reason: "package-mismatch",
        package: path,
        pluginHash: hash,
        otherHash: other,
        against: provider.file,
        toolchain: TOOLCHAIN_PACKAGE.test(path),
        ...(Object.keys(tyk).length > 0 && { tyk }),
      };
    }
  }
  return undefined;
}

function checkSymbol(facts: GoFileFacts, name: string, hook?: string): SymbolCheck {
  const expectedType = hook ? HOOK_SIGNATURES[hook] : undefined;
  const check: SymbolCheck = { name, ...(hook && { hook }), found: false, ...(expectedType && { expectedType }) };
  if (facts.kind !== "go-plugin" || (facts.exports.length === 0 && facts.pluginPath === undefined)) return check;
  const found = facts.exports.find((e) => e.name === name);
  if (!found) {
    const suggestion = closest(name, facts.exports.map((e) => e.name));
    return { ...check, ...(suggestion && { suggestion }) };
  }
  check.found = true;
  check.kind = found.kind;
  if (found.type) check.type = found.type;
  if (expectedType) {
    if (found.kind === "var") check.typeMatches = false;
    else if (found.type) check.typeMatches = found.type === expectedType;
  }
  return check;
}

/** Pairs of plugins that link one package with different hashes: whatever the gateway, one of them fails. */
function conflicts(files: string[], objects: GoObject[]): PluginConflict[] {
  const out: PluginConflict[] = [];
  for (let a = 0; a < objects.length; a++) {
    for (let b = a + 1; b < objects.length; b++) {
      if (objects[a]!.facts.kind !== "go-plugin" || objects[b]!.facts.kind !== "go-plugin") continue;
      if (objects[a]!.dev === objects[b]!.dev && objects[a]!.ino === objects[b]!.ino) continue;
      const theirs = new Map(objects[b]!.facts.packages.map((p) => [p.path, p.hash]));
      const clash = objects[a]!.facts.packages.find((p) => theirs.has(p.path) && theirs.get(p.path) !== p.hash);
      if (clash) out.push({ package: clash.path, files: [files[a]!, files[b]!] });
    }
  }
  return out;
}

/** A sentence for a failure: what plugin.Open does and why. */
export function describeLoadFailure(failure: LoadFailure, goError?: string): string {
  const said = goError ? ` ("${goError}")` : "";
  switch (failure.reason) {
    case "not-elf":
      return "is not an ELF shared object, so dlopen refuses it";
    case "platform":
      return `was built for ${failure.plugin} and the gateway is ${failure.gateway}, so dlopen refuses it`;
    case "gateway-without-plugins":
      return "the gateway binary does not import package plugin (built without Go plugin support), so it cannot load any Go plugin";
    case "not-a-go-plugin":
      if (failure.kind === "executable" || failure.kind === "go-executable" || failure.kind === "other-elf") return `is a ${failure.kind === "other-elf" ? "ELF file but not a shared object" : "program, not a shared object"}, so dlopen refuses it`;
      return failure.crashes
        ? `is not a Go plugin (${failure.kind}): plugin.Open stops the whole gateway with a fatal runtime error${said}`
        : `is not a Go plugin (${failure.kind}): plugin.Open fails${said}`;
    case "same-file":
      return failure.crashes ? `is the same file as ${failure.file}, opened under another name: the gateway stops with a fatal runtime error${said}` : `is the same file as ${failure.file}, opened under another name${said}`;
    case "already-loaded":
      return `has the plugin path ${failure.pluginPath}, like ${failure.file}, which is loaded first${said}; give each plugin its own module path`;
    case "previous-failure":
      return `failed when ${failure.file} was opened, and plugin.Open remembers it${said}`;
    case "package-mismatch": {
      const against = failure.against === "gateway" ? "the gateway" : failure.against;
      const why = failure.toolchain
        ? "the two were built with different Go toolchains (or build flags such as -trimpath, -race, -gcflags): build the plugin with the gateway's exact Go version"
        : failure.against === "gateway"
          ? `build it against the gateway's own source of ${failure.package} (same version, same source path: Go hashes file paths too), as Tyk's plugin compiler image for the gateway's version does`
          : `build both against the same version of the module that holds ${failure.package}`;
      const tyk = failure.tyk ? `; plugin: tyk ${failure.tyk.plugin ?? "version unknown"}, gateway: ${failure.tyk.gateway ?? "source unknown"}` : "";
      return `was built with a different version of package ${failure.package} than ${against} (hash ${failure.pluginHash}, ${against === "the gateway" ? "gateway's" : "theirs"} ${failure.otherHash}${tyk})${said}: ${why}`;
    }
  }
}
