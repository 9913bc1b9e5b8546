/** How `bundle verify` prints its reports: one formatter per output format, each returning the text for stdout. */
import type { ChalkInstance } from "chalk";
import { formatProblem } from "../ui/problems.js";
import type { BundleReport, LimitHit } from "../bundle/verify.js";

export const VERIFY_FORMATS = ["text", "json", "junit", "github"] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

export interface VerifyFormatContext {
  color: ChalkInstance;
  /** The flag that raises each of tyk-ts's limits, named by the command. */
  limitFlags: Record<LimitHit["code"], string>;
}

export const verifyFormatters: Record<VerifyFormat, (reports: BundleReport[], context: VerifyFormatContext) => string> = {
  text: formatText,
  json: formatJson,
  junit: formatJunit,
  github: formatGithub,
};

const LIMIT_NAMES: Record<LimitHit["code"], (value: number) => string> = {
  entries: (n) => `entry limit (${n} entries)`,
  size: (n) => `size limit (${n} bytes unpacked)`,
  ratio: (n) => `compression ratio limit (${n}:1)`,
  manifest: (n) => `manifest size limit (${n} bytes)`,
};

/** "over tyk-ts's size limit (… bytes unpacked); …, raise it with --max-size" for an unchecked report. */
function limitAdvice(limit: LimitHit, context: VerifyFormatContext): string {
  return `over tyk-ts's ${LIMIT_NAMES[limit.code](limit.value)}, which the gateway does not have; if the bundle is genuine, raise it with ${context.limitFlags[limit.code]}`;
}

function verdictLine(r: BundleReport, context: VerifyFormatContext): string {
  const { color } = context;
  if (r.verdict === "unchecked" && r.limit) return `${r.file}: ${color.yellow.bold("unchecked")} ${color.dim(`(${limitAdvice(r.limit, context)})`)}`;
  if (!r.accepted) return `${r.file}: ${color.red.bold("refused")}`;
  const how = r.signatureChecked ? "checksum and signature match" : r.signed ? "checksum matches; signature not checked" : "checksum matches; unsigned";
  return `${r.file}: ${color.green.bold("accepted")} ${color.dim(`(${how})`)}`;
}

function formatText(reports: BundleReport[], context: VerifyFormatContext): string {
  return reports.map((r) => [verdictLine(r, context), ...r.problems.map((p) => `  ${formatProblem(p, context.color)}`)].join("\n") + "\n").join("");
}

/** Exactly the documented shape, whatever else a report carries. */
function formatJson(reports: BundleReport[], context: VerifyFormatContext): string {
  const shaped = reports.map(({ file, verdict, accepted, signed, signatureChecked, checksum, limit, problems }) => ({
    file,
    verdict,
    accepted,
    signed,
    signatureChecked,
    checksum,
    limit: limit && { ...limit, flag: context.limitFlags[limit.code] },
    problems: problems.map(({ severity, code, message }) => ({ severity, code, message })),
  }));
  return `${JSON.stringify(shaped, null, 2)}\n`;
}

function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * One test case per bundle; a refused bundle fails with the gateway's reason, an unchecked one is
 * an error (the check could not finish) naming the limit.
 */
function formatJunit(reports: BundleReport[], context: VerifyFormatContext): string {
  const failures = reports.filter((r) => r.verdict === "refused").length;
  const errors = reports.filter((r) => r.verdict === "unchecked").length;
  const cases = reports.map((r) => {
    const lines = r.problems.map((p) => `${p.severity}: ${p.message} [${p.code}]`).join("\n");
    const first = r.problems[0];
    const body =
      r.verdict === "unchecked" && r.limit
        ? `\n      <error message="${xml(`unchecked: ${limitAdvice(r.limit, context)}`)}" type="limit-${xml(r.limit.code)}">${xml(lines)}</error>\n    `
        : !r.accepted && first
        ? `\n      <failure message="${xml(first.message)}" type="${xml(first.code)}">${xml(lines)}</failure>\n    `
        : lines
          ? `\n      <system-out>${xml(lines)}</system-out>\n    `
          : "";
    return `    <testcase classname="tyk-ts.bundle.verify" name="${xml(r.file)}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tyk-ts bundle verify" tests="${reports.length}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="tyk-ts bundle verify" tests="${reports.length}" failures="${failures}" errors="${errors}" skipped="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** GitHub Actions workflow commands: escaping per the toolkit's `issueCommand`. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const GITHUB_COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

function formatGithub(reports: BundleReport[], context: VerifyFormatContext): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const p of r.problems) {
      const advice = r.limit && p.code === `limit-${r.limit.code}` ? ` (${limitAdvice(r.limit, context)})` : "";
      lines.push(`::${GITHUB_COMMAND[p.severity]} file=${escapeProperty(r.file)},title=${escapeProperty(`bundle verify: ${p.code}`)}::${escapeData(p.message + advice)}`);
    }
    lines.push(`${r.file}: ${r.verdict}`);
  }
  return `${lines.join("\n")}\n`;
}
