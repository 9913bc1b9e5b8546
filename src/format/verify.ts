/** How `bundle verify` prints its reports: one formatter per output format, each returning the text for stdout. */
import type { ChalkInstance } from "chalk";
import { formatProblem } from "../ui/problems.js";
import type { BundleReport } from "../bundle/verify.js";

export const VERIFY_FORMATS = ["text", "json", "junit", "github"] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

export const verifyFormatters: Record<VerifyFormat, (reports: BundleReport[], color: ChalkInstance) => string> = {
  text: formatText,
  json: formatJson,
  junit: formatJunit,
  github: formatGithub,
};

function verdictLine(r: BundleReport, color: ChalkInstance): string {
  if (!r.accepted) return `${r.file}: ${color.red.bold("refused")}`;
  const how = r.signatureChecked ? "checksum and signature match" : r.signed ? "checksum matches; signature not checked" : "checksum matches; unsigned";
  return `${r.file}: ${color.green.bold("accepted")} ${color.dim(`(${how})`)}`;
}

function formatText(reports: BundleReport[], color: ChalkInstance): string {
  return reports.map((r) => [verdictLine(r, color), ...r.problems.map((p) => `  ${formatProblem(p, color)}`)].join("\n") + "\n").join("");
}

/** Exactly the documented shape, whatever else a report carries. */
function formatJson(reports: BundleReport[]): string {
  const shaped = reports.map(({ file, accepted, signed, signatureChecked, checksum, problems }) => ({
    file,
    accepted,
    signed,
    signatureChecked,
    checksum,
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

/** One test case per bundle; a refused bundle fails with the gateway's reason. */
function formatJunit(reports: BundleReport[]): string {
  const failures = reports.filter((r) => !r.accepted).length;
  const cases = reports.map((r) => {
    const lines = r.problems.map((p) => `${p.severity}: ${p.message} [${p.code}]`).join("\n");
    const first = r.problems[0];
    const body =
      !r.accepted && first
        ? `\n      <failure message="${xml(first.message)}" type="${xml(first.code)}">${xml(lines)}</failure>\n    `
        : lines
          ? `\n      <system-out>${xml(lines)}</system-out>\n    `
          : "";
    return `    <testcase classname="tyk-ts.bundle.verify" name="${xml(r.file)}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tyk-ts bundle verify" tests="${reports.length}" failures="${failures}">`,
    `  <testsuite name="tyk-ts bundle verify" tests="${reports.length}" failures="${failures}" errors="0" skipped="0">`,
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

function formatGithub(reports: BundleReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const p of r.problems) {
      lines.push(`::${GITHUB_COMMAND[p.severity]} file=${escapeProperty(r.file)},title=${escapeProperty(`bundle verify: ${p.code}`)}::${escapeData(p.message)}`);
    }
    lines.push(`${r.file}: ${r.accepted ? "accepted" : "refused"}`);
  }
  return `${lines.join("\n")}\n`;
}
