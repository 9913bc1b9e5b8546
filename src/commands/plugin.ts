/**
 * `tyk-ts plugin inspect|check`: Go plugin files (.so) → src/goplugin → a readable summary, or JSON
 * with --json.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_FINDINGS, EXIT_OK } from "../errors.js";
import type { PluginCheckResult, PluginLoadPrediction } from "../goplugin/check.js";
import { HOOK_SIGNATURES } from "../goplugin/hooks.js";
import type { GoFileFacts } from "../goplugin/inspect.js";
import { stdoutColor } from "../ui/color.js";
import { formatBytes } from "../bytes.js";

const HOOK_KINDS = Object.keys(HOOK_SIGNATURES);

/** `pre:AddFooBarHeader` or `AddFooBarHeader`, collected over repeated --hook flags. */
function collectHook(value: string, previous: Array<{ name: string; hook?: string }> = []): Array<{ name: string; hook?: string }> {
  const at = value.indexOf(":");
  const [hook, name] = at < 0 ? [undefined, value] : [value.slice(0, at), value.slice(at + 1)];
  if (hook !== undefined && !HOOK_KINDS.includes(hook)) throw new InvalidArgumentError(`"${hook}" is not a hook kind (${HOOK_KINDS.join(", ")})`);
  if (!/^\p{Lu}[\p{L}\p{N}_]*$/u.test(name)) throw new InvalidArgumentError(`"${name}" is not an exported Go name (it starts with a capital letter)`);
  return [...previous, { name, ...(hook && { hook }) }];
}

export const registerPlugin: CommandRegistrar = (program, wrap) => {
  const plugin = program
    .command("plugin")
    .description("read Go plugins (.so) and predict whether a gateway loads them")
    .addHelpText("after", "\nExamples:\n  tyk-ts plugin inspect plugin.so\n  tyk-ts plugin check plugin.so --gateway /opt/tyk-gateway/tyk");
  registerInspect(plugin, wrap);
  registerCheck(plugin, wrap);
};

function registerInspect(plugin: Command, wrap: Parameters<CommandRegistrar>[1]): void {
  plugin
    .command("inspect")
    .description("show what a Go plugin or gateway binary was built from: platform, plugin path, exported symbols, Go and module versions, package hashes")
    .argument("<files...>", "Go plugins (.so) or a gateway binary")
    .option("--json", "print the result as JSON (with every package hash)")
    .addHelpText(
      "after",
      "\nThe file is read, never loaded or run; no Go toolchain is needed.\n\nExamples:\n  tyk-ts plugin inspect plugin.so\n  tyk-ts plugin inspect /opt/tyk-gateway/tyk --json | jq .[0].goVersion",
    )
    .action(
      wrap(async (files: string[], flags: { json?: boolean }) => {
        const { inspectGoFile } = await import("../goplugin/inspect.js");
        const results = await Promise.all(files.map((f) => readOrExplain(f, inspectGoFile)));
        process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : results.map(formatFacts).join("\n"));
        return EXIT_OK;
      }),
    );
}

function registerCheck(plugin: Command, wrap: Parameters<CommandRegistrar>[1]): void {
  plugin
    .command("check")
    .description("predict plugin.Open's verdict for Go plugins in a gateway: platform, plugin paths, package hashes, hook symbols")
    .argument("<files...>", "Go plugins (.so), in the order the gateway opens them")
    .option("-g, --gateway <tyk>", "the gateway binary the plugins must load into")
    .option("--hook <kind:Name>", "a hook each plugin must export, e.g. pre:AddFooBarHeader (repeatable)", collectHook)
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Without --gateway, tyk-ts reports what the files alone tell: two plugins with one plugin path, two
plugins built with different versions of a package, missing hook symbols.

Exit codes: 0 nothing wrong found, 1 a plugin will not load or lacks a hook, 2 unreadable file.

Examples:
  tyk-ts plugin check plugin.so --gateway /opt/tyk-gateway/tyk
  tyk-ts plugin check auth.so headers.so --gateway ./tyk --hook pre:AddFooBarHeader --json`,
    )
    .action(
      wrap(async (files: string[], flags: { gateway?: string; hook?: Array<{ name: string; hook?: string }>; json?: boolean }) => {
        const { checkGoPlugins } = await import("../goplugin/check.js");
        const symbols = flags.hook ? Object.fromEntries(files.map((f) => [f, flags.hook!])) : undefined;
        const result = await readOrExplain(files[0]!, () => checkGoPlugins(files, { ...(flags.gateway && { gateway: flags.gateway }), ...(symbols && { symbols }) }));
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : await formatCheck(result, Boolean(flags.gateway)));
        return checkFailed(result) ? EXIT_FINDINGS : EXIT_OK;
      }),
    );
}

async function readOrExplain<T>(file: string, read: (file: string) => Promise<T>): Promise<T> {
  const { ioError } = await import("../errors.js");
  try {
    return await read(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw ioError(err, (err as NodeJS.ErrnoException).path ?? file);
    throw err;
  }
}

export function checkFailed(r: PluginCheckResult): boolean {
  return r.conflicts.length > 0 || r.plugins.some((p) => p.loads === false || p.symbols.some((s) => !s.found || s.typeMatches === false));
}

const KIND_LABEL: Record<GoFileFacts["kind"], string> = {
  "go-plugin": "Go plugin",
  "go-executable": "Go executable",
  "go-shared-library": "Go shared library (c-shared), not a Go plugin",
  "shared-object": "shared object, not a Go plugin",
  executable: "executable, not built by Go",
  "other-elf": "ELF file, not a Go plugin",
  "not-elf": "not an ELF file",
};

export function formatFacts(f: GoFileFacts): string {
  const c = stdoutColor;
  const rows: Array<[string, string]> = [["kind", KIND_LABEL[f.kind]]];
  if (f.goarch) rows.push(["platform", `${f.goos}/${f.goarch}`]);
  if (f.pluginPath) rows.push(["plugin path", f.pluginPath]);
  if (f.kind === "go-plugin" || f.kind === "go-executable") rows.push(["Go", f.goVersion ?? c.dim("unknown")]);
  if (f.mainModule) rows.push(["main module", `${f.mainModule.path} ${f.mainModule.version}`]);
  if (f.revision) rows.push(["commit", f.revision]);
  if (f.kind === "go-plugin" || f.mainModule) rows.push(["tyk", f.tykVersion ?? c.dim("unknown")]);
  if (f.loadsPlugins !== undefined) rows.push(["loads plugins", f.loadsPlugins ? "yes (imports package plugin)" : c.yellow("no: built without Go plugin support")]);
  if (f.packages.length) rows.push(["packages", `${f.packages.length} with link-time hashes ${c.dim("(--json lists them)")}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const out = [`${c.bold(f.file)}  ${c.dim(formatBytes(f.size))}`, ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`)];
  if (f.kind === "go-plugin") {
    out.push("exports");
    const w = Math.max(0, ...f.exports.map((e) => e.name.length));
    out.push(...(f.exports.length ? f.exports.map((e) => `  ${e.name.padEnd(w)}  ${e.kind === "func" ? e.type ?? "func" : `var ${e.type ?? ""}`}`) : ["  (none found)"]));
  }
  if (f.modules.length) {
    out.push(f.kind === "go-plugin" ? "modules (from source paths in DWARF)" : "modules");
    const w = Math.max(...f.modules.map((m) => m.path.length));
    out.push(...f.modules.map((m) => `  ${m.path.padEnd(w)}  ${m.version}${m.replacedBy ? c.dim(` => ${m.replacedBy}`) : ""}`));
  }
  for (const u of f.unknown) out.push(`${c.dim("note")} ${u}`);
  return `${out.join("\n")}\n`;
}

async function formatCheck(r: PluginCheckResult, withGateway: boolean): Promise<string> {
  const { describeLoadFailure } = await import("../goplugin/check.js");
  const c = stdoutColor;
  const out: string[] = [];
  if (r.gateway) out.push(`gateway  ${r.gateway.file}  ${c.dim(`${r.gateway.goos}/${r.gateway.goarch}, ${r.gateway.goVersion ?? "Go version unknown"}`)}`);
  for (const p of r.plugins) {
    const verdict =
      p.loads === true ? c.green("loads")
      : p.loads === false ? `${c.red("will not load")}: ${describeLoadFailure(p.failure!, p.goError)}`
      : c.dim(withGateway ? "unknown" : "loads if its packages match the gateway's (pass --gateway to check)");
    out.push(`${c.bold(p.file)}  ${verdict}`);
    out.push(...p.symbols.map((s) => `  ${formatSymbol(s, p)}`));
  }
  for (const x of r.conflicts) out.push(`${c.red("conflict")} ${x.files[0]} and ${x.files[1]} were built with different versions of package ${x.package}: one gateway cannot load both`);
  return `${out.join("\n")}\n`;
}

function formatSymbol(s: PluginLoadPrediction["symbols"][number], p: PluginLoadPrediction): string {
  const c = stdoutColor;
  const label = `${s.hook ? `${s.hook} ` : ""}${s.name}`;
  if (!s.found) return `${label}  ${c.red("not found")}${s.suggestion ? `: did you mean ${s.suggestion}?` : p.facts.exports.length ? ` (exports: ${p.facts.exports.map((e) => e.name).join(", ")})` : ""}`;
  if (s.typeMatches === false) return `${label}  ${c.red("wrong type")}: ${s.kind === "var" ? "a variable" : s.type}, the gateway needs ${s.expectedType}`;
  return `${label}  ${c.green("ok")}${s.type ? c.dim(`  ${s.type}`) : ""}`;
}
