/** `tyk-ts schema <kind>`: prints one of the project's JSON Schemas, for editors and other validators. */
import type { CommandRegistrar } from "./types.js";
import { EXIT_OK, UsageError } from "../errors.js";

// What each name prints; `tyk-oas` is the schema of the `x-tyk-api-gateway` object.
const SCHEMA_KINDS: Record<string, string> = {
  "tyk-conf": "gateway config (tyk.conf)",
  "classic-api": "Tyk Classic API definition",
  "tyk-oas": "the x-tyk-api-gateway object of a Tyk OAS API definition (alias: tyk-oas-extension)",
  policy: "one policy",
  policies: "policies.json: an object of policy id → policy (refers to policy.schema.json)",
  "bundle-manifest": "plugin bundle manifest.json",
};

export const registerSchema: CommandRegistrar = (program, wrap) => {
  program
    .command("schema")
    .description("print the JSON Schema of a kind of Tyk file, for editors")
    .argument("[kind]", Object.keys(SCHEMA_KINDS).join(", "))
    .option("--path", "print the path of the schema file instead of its content")
    .option("--list", "list the kinds")
    .addHelpText(
      "after",
      `
Kinds:
${Object.entries(SCHEMA_KINDS).map(([k, d]) => `  ${k.padEnd(16)}${d}`).join("\n")}

Examples:
  tyk-ts schema classic-api > classic-api.schema.json
  tyk-ts schema tyk-conf --path          the file VS Code's "json.schemas" can point at`,
    )
    .action(wrap(runSchema));
};

async function runSchema(kind: string | undefined, flags: { path?: boolean; list?: boolean }): Promise<number> {
  if (flags.list) {
    process.stdout.write(`${Object.entries(SCHEMA_KINDS).map(([k, d]) => `${k.padEnd(16)}${d}`).join("\n")}\n`);
    return EXIT_OK;
  }
  const name = kind === "tyk-oas-extension" ? "tyk-oas" : kind;
  if (!name || !(name in SCHEMA_KINDS)) {
    throw new UsageError(kind ? `unknown kind "${kind}"` : "which schema? name a kind", { hint: `kinds: ${Object.keys(SCHEMA_KINDS).join(", ")}` });
  }
  const { policiesSchema, schemaFile } = await import("../lint/validate/schemas.js");
  if (name === "policies") {
    if (flags.path) throw new UsageError("policies has no file of its own: it is generated around policy.schema.json", { hint: "tyk-ts schema policy --path" });
    process.stdout.write(`${JSON.stringify(policiesSchema(), null, 2)}\n`);
    return EXIT_OK;
  }
  const schemaName = name === "tyk-oas" ? "tyk-oas-extension" : name;
  const { isSingleExecutable, readPackageFile } = await import("../package-files.js");
  if (flags.path) {
    if (isSingleExecutable()) throw new UsageError("the single executable has no schema files on disk", { hint: `tyk-ts schema ${name} > ${schemaName}.schema.json` });
    process.stdout.write(`${schemaFile(schemaName as Parameters<typeof schemaFile>[0])}\n`);
    return EXIT_OK;
  }
  process.stdout.write(readPackageFile(`schemas/${schemaName}.schema.json`));
  return EXIT_OK;
}
