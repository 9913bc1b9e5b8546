/**
 * The OpenAPI part of Tyk OAS APIs: 3.0 against the draft-04 schema, 3.1 against the 2020-12 one
 * (no false errors on JSON Schema 2020-12 features), versions Tyk does not take, Streams and MCP
 * variants.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/lint/engine.js";
import type { LintResult } from "../src/lint/types.js";
import { tempDir } from "./helpers/tmp.js";

const extension = { info: { name: "Pets", id: "pets", state: { active: true } }, upstream: { url: "https://pets.example.com" }, server: { listenPath: { value: "/pets/", strip: true } } };

async function lintDoc(doc: unknown, name = "api.json"): Promise<LintResult> {
  const dir = await tempDir();
  await writeFile(path.join(dir, name), `${JSON.stringify(doc, null, 2)}\n`);
  const [result] = (await lint({ paths: [name], cwd: dir })).results;
  return result!;
}

/** 1-based line of `snippet` in `value` written as pretty JSON. */
function lineOf(value: unknown, snippet: string): number {
  return JSON.stringify(value, null, 2).split("\n").findIndex((l) => l.includes(snippet)) + 1;
}

const openapiFindings = (r: LintResult) => r.messages.filter((m) => m.ruleId === "openapi-schema").map((m) => `${m.line} ${m.message}`);

describe("OpenAPI 3.1", () => {
  it("accepts 2020-12 schemas, webhooks without paths and $ref siblings", async () => {
    const doc = {
      openapi: "3.1.0",
      info: { title: "Pets", version: "1.0.0", summary: "pets", license: { name: "MIT", identifier: "MIT" } },
      webhooks: { newPet: { post: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } }, responses: { "200": { description: "ok" } } } } },
      components: {
        schemas: {
          Pet: {
            type: "object",
            required: ["name"],
            properties: { name: { type: ["string", "null"], examples: ["Rex"] }, tag: { $ref: "#/components/schemas/Tag", description: "sibling of $ref" }, id: { const: 1, exclusiveMinimum: 0 } },
            unevaluatedProperties: false,
          },
          Tag: { type: "string", contentMediaType: "text/plain" },
        },
      },
      "x-tyk-api-gateway": extension,
    };
    expect(openapiFindings(await lintDoc(doc))).toEqual([]);
  });

  it("reports what the 3.1 schema forbids", async () => {
    const doc = { openapi: "3.1.0", info: { title: "Pets", version: "1.0.0" }, paths: { "/pets": { get: { responses: { "200": { description: "ok" } }, operationId: 7 } } }, "x-tyk-api-gateway": extension };
    expect(openapiFindings(await lintDoc(doc))).toEqual([`${lineOf(doc, "operationId")} OpenAPI 3.1: \`paths./pets.get.operationId\` must be a string; found the number 7`]);
  });
});

describe("OpenAPI 3.0", () => {
  it("reports a misspelt operation field with the line of the key", async () => {
    const doc = { openapi: "3.0.3", info: { title: "Pets", version: "1.0.0" }, paths: { "/pets": { get: { responses: { "200": { description: "ok" } }, sumary: "typo" } } }, "x-tyk-api-gateway": extension };
    expect(openapiFindings(await lintDoc(doc))).toEqual([
      `${lineOf(doc, "sumary")} OpenAPI 3.0: unknown field \`sumary\` in \`paths./pets.get\`: OpenAPI does not allow it; did you mean \`summary\`?`,
    ]);
  });

  it("treats null like a missing value, as the gateway's Go decoder does", async () => {
    const doc = { openapi: "3.0.3", info: { title: "MCP", version: "1.0.0" }, paths: {}, components: null, "x-tyk-api-gateway": extension };
    expect(openapiFindings(await lintDoc(doc))).toEqual([]);
  });
});

it("refuses OpenAPI versions Tyk does not take", async () => {
  const result = await lintDoc({ openapi: "3.2.0", info: { title: "Pets", version: "1.0.0" }, paths: {}, "x-tyk-api-gateway": extension });
  expect(openapiFindings(result)).toEqual(['2 `openapi` is "3.2.0"; Tyk OAS APIs are OpenAPI 3.0.x or 3.1.x documents']);
});

it("lints Tyk Streams APIs (no upstream) and a YAML MCP API without false errors", async () => {
  const streams = {
    openapi: "3.0.3",
    info: { title: "Stream", version: "1.0.0" },
    paths: {},
    "x-tyk-streaming": { streams: { s: { input: { kafka: { addresses: ["kafka:9092"] } }, output: { http_server: { path: "/sub" } } } } },
    "x-tyk-api-gateway": { info: { name: "Stream", state: { active: true } }, server: { listenPath: { value: "/stream/", strip: true } } },
  };
  expect((await lintDoc(streams)).messages.filter((m) => m.severity === 2)).toEqual([]);
  const mcp = `openapi: 3.0.3
info:
  title: mcp
  version: 1.0.0
paths: {}
components:
x-tyk-api-gateway:
  info:
    name: mcp
    state:
      active: true
  upstream:
    url: http://mcp-server:7878
  server:
    listenPath:
      value: /mcp/
      strip: true
`;
  const dir = await tempDir();
  await writeFile(path.join(dir, "mcp.yaml"), mcp);
  const [result] = (await lint({ paths: ["mcp.yaml"], cwd: dir })).results;
  expect(result!.kind).toBe("tyk-oas");
  expect(result!.messages.filter((m) => m.severity === 2)).toEqual([]);
});
