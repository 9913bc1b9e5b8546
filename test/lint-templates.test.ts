/**
 * Files a deployment step renders before the gateway or the Operator reads them: Helm chart
 * templates (`{{ … }}` outside strings) are skipped with a reason, and placeholders in values
 * (`${VAR}`, `{{ .Values.x }}`, `<<AUTO REPLACE …>>`) are not judged as URLs or listen paths.
 * The fixture repository (fixtures/templated-repo) has the shapes of caroltyk/tyk-apiops-demo's
 * charts and CanDIG/CanDIGv2's tyk templates; see fixtures/README.md.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import { isHelmTemplate } from "../src/lint/read/detect.js";
import { isPlaceholder } from "../src/lint/rules/support/api-facts.js";

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "templated-repo");

describe("templated files", () => {
  it("lint . on a repository with Helm charts: templates skipped with a reason, placeholders not judged, real mistakes still errors", async () => {
    const skipped: Array<[string, string]> = [];
    const { results } = await lint({ paths: ["."], cwd: repo, onSkip: (file, reason) => skipped.push([file, reason]) });
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => [r.filePath, m.ruleId, m.line]));
    expect(errors).toEqual([
      ["apps/broken.json", "target-url", 10],
      ["apps/broken.json", "listen-path-slash", 11],
    ]);
    const helm = skipped.filter(([, reason]) => reason.startsWith("a Helm template")).map(([file]) => file).sort();
    expect(helm).toEqual(["charts/oas-httpbin/templates/tykapi.yaml", "charts/simple-graphql/templates/tykapi.yaml", "deploy/gateway-api.yaml"]);
    // Tyk's own Go templates inside strings (mock bodies, transform templates) are linted as usual.
    expect(results.map((r) => r.filePath)).toContain("charts/oas-httpbin/apidefinitions/oas-httpbin.json");
    expect(skipped.map(([f]) => f)).not.toContain("apps/transform.json");
  });

  it("knows the placeholders deployment steps fill in, and not path parameters (CanDIG/tyk-keycloak-starter-kit writes {BACKEND_APP_LISTEN_PATH})", () => {
    for (const value of ["${LISTEN_PATH}", "{{ .Values.url }}", "<<AUTO REPLACE TARGETURL>>", "{BACKEND_APP_LISTEN_PATH}", "{TYK_SERVER_ADDRESS}/auth/login"]) expect(isPlaceholder(value), value).toBe(true);
    for (const value of ["/users/{id}", "/{ID}/", "{API}", "http://example.com/{version}"]) expect(isPlaceholder(value), value).toBe(false);
  });

  it("tells a template from a Tyk document holding Go templates in strings", () => {
    expect(isHelmTemplate("spec:\n  name: {{ .Name }}\n", true, false)).toBe(true);
    expect(isHelmTemplate("{{- range .Values.apis }}\n- x\n{{- end }}\n", false, false)).toBe(true);
    expect(isHelmTemplate('spec:\n  name: "{{ .Values.name }}"\n', true, true)).toBe(true);
    expect(isHelmTemplate('spec:\n  name: "{{ .Values.name }}"\n', true, false)).toBe(false);
    expect(isHelmTemplate("mock:\n  body: |\n    {\"origin\": \"{{ .origin }}\"}\n", true, false)).toBe(false);
    expect(isHelmTemplate("template_source: |\n  {{ range .items }}{{ .id }}{{ end }}\n", true, false)).toBe(false);
  });
});
