/** `tyk-ts bundle inspect`: bundle → inspectBundle() → a readable summary, or JSON with --json. */
import type { Command } from "commander";
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK } from "../errors.js";
import type { BundleInspection } from "../bundle/inspect.js";
import type { GoPluginAnalysis } from "../bundle/go-plugins.js";
import { formatFacts } from "./plugin.js";
import { stdoutColor } from "../ui/color.js";
import { formatProblem } from "../ui/problems.js";
import { BUNDLE_PROBLEM_WORDS } from "./bundle-words.js";
import { problemsInCliWords } from "./cli-words.js";
import { formatBytes } from "../bytes.js";

export const registerBundleInspect = (bundle: Command, wrap: Parameters<CommandRegistrar>[1]): void => {
  bundle
    .command("inspect")
    .description("show what a bundle holds: manifest, hooks, files, checksum, signature, zip entries")
    .argument("<bundle>", "the bundle zip")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nNothing is unpacked or executed. To check a signature, use `tyk-ts bundle verify -k public.pem`.\n\nExamples:\n  tyk-ts bundle inspect bundle.zip\n  tyk-ts bundle inspect bundle.zip --json | jq .manifest.fileList",
    )
    .action(wrap(runInspect));
};

async function runInspect(file: string, flags: { json?: boolean }): Promise<number> {
  const { inspectBundle } = await import("../bundle/inspect.js");
  const inspected = await inspectBundle(file);
  const result = { ...inspected, problems: problemsInCliWords(inspected.problems, BUNDLE_PROBLEM_WORDS) };
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatInspection(result));
  return EXIT_OK;
}

function table(rows: string[][], indent = "  "): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

function formatGoPlugins(g: GoPluginAnalysis): string[] {
  const c = stdoutColor;
  const out = ["Go plugin files, by gateway"];
  for (const h of g.hooks) {
    out.push(`  ${h.kind} ${h.name} (${h.path})`);
    out.push(...table(h.loads.map((l) => [l.gateway, l.file ?? c.red("none found")]), "    "));
  }
  for (const f of g.files) {
    out.push(
      ...formatFacts(f)
        .trimEnd()
        .split("\n")
        .map((line) => `  ${line}`),
    );
  }
  return out;
}

export function formatInspection(r: BundleInspection): string {
  const c = stdoutColor;
  const out: string[] = [`${c.bold(r.file)}  ${c.dim(`${formatBytes(r.size)}, ${r.entries.length} zip entries`)}`];
  const verdict = r.verdict === "accepted" ? c.green("accepted") : r.verdict === "refused" ? c.red("refused") : c.yellow("unchecked");
  out.push(`verdict   ${verdict} ${c.dim("(by a gateway without public_key_path)")}`);
  const { declared, computed, matches } = r.checksum;
  const checksum =
    declared === null ? c.dim("unknown (manifest.json unreadable)")
    : matches ? `${declared} ${c.green("matches")}`
    : computed === null ? `${declared} ${c.yellow("cannot be computed")}`
    : `${declared || '""'} ${c.red(`does not match ${computed}`)}`;
  out.push(`checksum  ${checksum}`);
  out.push(`signed    ${r.signed ? `yes ${c.dim("(check it with: tyk-ts bundle verify -k public.pem)")}` : "no"}`);
  if (r.manifest) {
    out.push(`driver    ${r.manifest.driver || c.yellow("(none)")}`);
    out.push("hooks");
    out.push(...(r.manifest.hooks.length ? table(r.manifest.hooks.map((h) => [h.kind, h.name, [h.path, h.disabled ? "(disabled)" : ""].filter(Boolean).join(" ")])) : ["  (none)"]));
    out.push("file_list");
    out.push(...(r.manifest.fileList.length ? table(r.manifest.fileList.map((f) => [f.name, f.size === null ? c.red("missing") : formatBytes(f.size)])) : ["  (empty)"]));
  }
  if (r.goPlugins) out.push(...formatGoPlugins(r.goPlugins));
  out.push("zip entries");
  out.push(
    ...table(
      r.entries.map((e) =>
        e.type === "directory" ? ["dir", e.name, "", ""] : ["file", e.name, formatBytes(e.size), `${e.method}${e.listed || e.name === "manifest.json" ? "" : ", not in file_list"}`],
      ),
    ),
  );
  if (r.problems.length) {
    out.push("problems");
    out.push(...r.problems.map((p) => `  ${formatProblem(p, c)}`));
  }
  return `${out.join("\n")}\n`;
}
