import type { LintDocument, Rule } from "../../types.js";

export const apiNotLoaded: Rule = {
  id: "api-not-loaded",
  defaultSeverity: "warning",
  kinds: ["classic-api", "tyk-oas"],
  description: "An API definition in a tyk.conf's `app_path` that the gateway does not serve.",
  help: "The gateway reads every `*.json` file directly in `app_path`, except `*-oas.json` and `*-mcp.json`, as one Tyk Classic definition, and reads `<name>-oas.json` only with a Classic `<name>.json` that has `is_oas: true` (gateway/api_definition.go `APIDefinitionLoader.FromDir`, `loadDefFromFilePath`). A Tyk OAS API stored under another name, or without that Classic file, a definition inside a Dashboard export or a list, and an HTTP API whose `proxy.listen_path` is empty or has a space are skipped (gateway/api_loader.go `skipSpecBecauseInvalid`): the gateway starts without them and logs the reason. Such files are left out of the checks that compare the APIs a gateway loads.",
  checkProject(_docs, { scope }) {
    const byDocument = new Map<LintDocument, { reason: string; configs: string[] }>();
    for (const deployment of scope.deployments) {
      for (const { document, reason } of deployment.notLoaded ?? []) {
        const entry = byDocument.get(document);
        if (entry) entry.configs.push(deployment.label);
        else byDocument.set(document, { reason, configs: [deployment.label] });
      }
    }
    return [...byDocument].map(([document, { reason, configs }]) => ({
      document,
      pointer: "",
      at: "key" as const,
      message: `not loaded by the gateway of ${configs.join(" and ")}: ${reason}`,
    }));
  },
};
