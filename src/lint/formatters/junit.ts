/** JUnit XML for CI test reports: a test suite per file, a failing test case per problem. */
import type { Formatter } from "./types.js";

export const junit: Formatter = (results) => {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const result of results) {
    const cases = result.messages.map((m) => {
      const severity = m.severity === 2 ? "error" : "warning";
      const detail = `${result.filePath}:${m.line}:${m.column} ${severity} ${m.message} (${m.ruleId})`;
      return `    <testcase classname="${attr(result.filePath)}" name="${attr(`${m.ruleId} at ${m.line}:${m.column}`)}" time="0">\n      <failure type="${severity}" message="${attr(m.message)}">${text(detail)}</failure>\n    </testcase>`;
    });
    // A file without problems is a passing test, so the report shows what was checked.
    if (cases.length === 0) cases.push(`    <testcase classname="${attr(result.filePath)}" name="lint" time="0"/>`);
    tests += cases.length;
    failures += result.messages.length;
    suites.push(`  <testsuite name="${attr(result.filePath)}" tests="${cases.length}" failures="${result.messages.length}" errors="0" time="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tyk-ts lint" tests="${tests}" failures="${failures}" errors="0">\n${suites.join("\n")}${suites.length ? "\n" : ""}</testsuites>\n`;
};

// XML 1.0 cannot carry most control characters at all, even escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
