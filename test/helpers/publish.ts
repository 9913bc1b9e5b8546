/** Bundles and API definitions for the `bundle publish` tests. */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildBundle } from "../../src/bundle/build.js";
import { FIXTURES } from "./cli.js";
import { writePlugin } from "./serve-client.js";

/** Builds a python plugin `name` into `<dir>/<name>.zip`; `edit` changes its source (a new build). */
export async function buildPlugin(dir: string, name: string, edit = "", key?: string): Promise<string> {
  const plugin = await writePlugin(path.join(dir, "src", name), { "middleware.py": `def MyPre(request, session, spec):\n    return request, session\n${edit}` });
  const output = path.join(dir, `${name}.zip`);
  await buildBundle({ manifest: path.join(plugin, "manifest.json"), output, key });
  return output;
}

const CLASSIC = path.join(FIXTURES, "corpus/classic-apis/TykTechnologies__tyk__ci__tests__python-plugins__src__apidef.json");
const MULTI = path.join(FIXTURES, "corpus/classic-apis/TykTechnologies__tyk-plugin-starter__e2e__apps__multi-bundle.json");
const DASHBOARD = path.join(FIXTURES, "corpus/classic-apis-dashboard-wrapped/TykTechnologies__native-go-auth-middleware__example_api_def.json");

export const OAS = `{
  "openapi": "3.0.3",
  "info": { "title": "auth", "version": "1.0.0" },
  "paths": {},
  "x-tyk-api-gateway": {
    "info": { "name": "auth", "state": { "active": true } },
    "server": { "listenPath": { "value": "/auth/", "strip": true } },
    "upstream": { "url": "http://127.0.0.1:8000" },
    "middleware": {
      "global": {
        "pluginConfig": { "driver": "python", "bundle": { "enabled": true, "path": "auth.zip" } }
      }
    }
  }
}
`;

export const OPERATOR = `# The auth API, managed by Tyk Operator.
apiVersion: tyk.tyk.io/v1alpha1
kind: ApiDefinition
metadata:
  name: auth-api   # the Kubernetes name
spec:
  name: auth
  use_keyless: true
  protocol: http
  active: true
  proxy:
    target_url: http://auth.default.svc:8000
    listen_path: /auth
    strip_listen_path: true
  custom_middleware_bundle: 'auth-0123abcd.zip'  # set by CI
---
apiVersion: v1
kind: Service
metadata:
  name: auth
spec:
  ports:
    - port: 8000
`;

/**
 * A folder of API definitions, each referring to a bundle named `auth`: a Tyk Classic API from
 * Tyk's own tests, Tyk's multi-bundle example, a Dashboard export, Tyk OAS JSON and an Operator
 * resource in YAML with comments.
 */
export async function writeDefinitions(dir: string): Promise<Record<"classic" | "multi" | "dashboard" | "oas" | "operator", string>> {
  const files = {
    classic: path.join(dir, "classic.json"),
    multi: path.join(dir, "multi.json"),
    dashboard: path.join(dir, "dashboard.json"),
    oas: path.join(dir, "oas.json"),
    operator: path.join(dir, "operator.yaml"),
  };
  // Tyk's file says "bundle.zip"; the plugin here is called auth.
  await writeFile(files.classic, (await readFile(CLASSIC, "utf8")).replace('"bundle.zip"', '"auth.zip"'));
  await writeFile(files.multi, (await readFile(MULTI, "utf8")).replace('"pre-trace-id.zip,', '"pre-trace-id.zip,auth.zip,'));
  await writeFile(files.dashboard, (await readFile(DASHBOARD, "utf8")).replace('"custom_middleware_bundle": ""', '"custom_middleware_bundle": "auth.zip"'));
  await writeFile(files.oas, OAS);
  await writeFile(files.operator, OPERATOR);
  return files;
}

export async function copyInto(dir: string, file: string): Promise<string> {
  const to = path.join(dir, path.basename(file));
  await copyFile(file, to);
  return to;
}

/** The text with the one value changed from `from` to `to` (as a JSON or YAML token). */
export function withReplaced(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i === -1 || text.indexOf(from, i + 1) !== -1) throw new Error(`expected exactly one ${from}`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}
