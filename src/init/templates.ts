/**
 * What `tyk-ts init` writes for each driver: a manifest, an entry file with one `pre` hook that adds
 * a header (so a curl through the gateway shows it works), and a README with the next steps.
 */
import type { InitDriver } from "./drivers.js";
import { loadingOrder, parseGatewayRelease, versionedPluginPath, type GatewayVersion } from "../goplugin/file-names.js";

export interface PluginTemplate {
  /** File name → content, written in this order; manifest.json comes first. */
  files: Record<string, string>;
  /** The hook the entry file defines. */
  hook: { kind: "pre"; name: string };
  /** Files that a build step must make before `bundle build` can read them (a Go plugin's .so). */
  buildOutputs: string[];
}

const HEADER = "X-Hello";

/** Built bundles and the private key stay out of version control. */
function gitignore(extra: string[] = []): string {
  return ["*.zip", "signing.pem", ...extra].join("\n") + "\n";
}

function manifestJson(driver: InitDriver, fileList: string[], hook: { name: string; path?: string }): string {
  const manifest = {
    file_list: fileList,
    custom_middleware: {
      driver,
      pre: [{ name: hook.name, path: hook.path ?? "", require_session: false, raw_body_only: false }],
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const PYTHON_MIDDLEWARE = `"""A Tyk Python plugin. The gateway calls each @Hook function that manifest.json names."""
from tyk.decorators import *
from gateway import TykGateway as tyk


@Hook
def AddHelloHeader(request, session, spec):
    # A "pre" hook runs before authentication; it may change the request on its way upstream.
    tyk.log("AddHelloHeader: adding ${HEADER}", "info")
    request.add_header("${HEADER}", "from-python-plugin")
    return request, session
`;

const LUA_MIDDLEWARE = `-- A Tyk Lua plugin. The gateway calls each global function that manifest.json names.

-- A "pre" hook runs before authentication; it may change the request on its way upstream.
function AddHelloHeader(request, session, spec)
  tyk.req.set_header("${HEADER}", "from-lua-plugin")
  return request, session
end
`;

const OTTO_MIDDLEWARE = `// A Tyk JavaScript (otto JSVM) plugin. The hook's name in manifest.json is this variable's name.
var addHelloHeader = new TykJS.TykMiddleware.NewMiddleware({});

// A "pre" hook runs before authentication; it may change the request on its way upstream.
addHelloHeader.NewProcessRequest(function (request, session, spec) {
  request.SetHeaders["${HEADER}"] = "from-otto-plugin";
  return addHelloHeader.ReturnData(request, {});
});
`;

const GO_PLUGIN = `// A Tyk Go plugin. The gateway loads plugin.so and calls each exported function that manifest.json names.
package main

import "net/http"

// AddHelloHeader is a "pre" hook: it runs before authentication and may change the request.
func AddHelloHeader(rw http.ResponseWriter, r *http.Request) {
	r.Header.Set("${HEADER}", "from-go-plugin")
}

// main is required by -buildmode=plugin but never called.
func main() {}
`;

function goMod(version?: GatewayVersion): string {
  const pin = version
    ? `
// Tyk Gateway ${version.text}: the plugin must be compiled against exactly this gateway's source and Go
// version. tykio/tyk-plugin-compiler:v${version.text} does both (it replaces github.com/TykTechnologies/tyk
// with the gateway's source). For your editor, require the commit of the gateway's tag; Go cannot use the
// tag v${version.text} itself, because the module path has no /v${version.major}:
//   go get github.com/TykTechnologies/tyk@$(git ls-remote https://github.com/TykTechnologies/tyk refs/tags/v${version.text} | cut -f1)
`
    : "";
  return `module example.com/tyk-plugin

go 1.22
${pin}`;
}

/**
 * A Go plugin project. With a gateway version, the bundle lists the file Tyk's plugin compiler writes
 * for it (plugin_v5.3.0_linux_amd64.so) and the hooks keep "plugin.so": gateways from 4.1.0 find the
 * versioned file (src/goplugin/file-names.ts).
 */
function goPluginTemplate(hook: { kind: "pre"; name: string }, name: string, version?: GatewayVersion): PluginTemplate {
  const shown = version ?? parseGatewayRelease("5.3.0")!;
  const versioned = loadingOrder(shown) !== "exact-only";
  const output = versioned ? versionedPluginPath("plugin.so", `v${shown.text}`) : "plugin.so";
  const listed = version ? output : "plugin.so";
  return {
    hook,
    buildOutputs: [listed],
    files: {
      "manifest.json": manifestJson("goplugin", [listed], { name: hook.name, path: "plugin.so" }),
      "main.go": GO_PLUGIN,
      "go.mod": goMod(version),
      ...(version && { "tyk-ts.config.json": `${JSON.stringify({ gatewayVersion: version.text }, null, 2)}\n` }),
      "README.md": readme({
        name,
        driver: "goplugin",
        intro: version
          ? `\`main.go\` holds the hooks; the bundle carries them compiled for Tyk Gateway ${version.text} as \`${listed}\`, which \`manifest.json\` lists, while each hook's \`path\` says \`plugin.so\`.`
          : "`main.go` holds the hooks; the bundle carries them compiled as `plugin.so`, which `manifest.json` lists and names in each hook's `path`.",
        prepare: `A Go plugin only loads into the exact gateway version it was compiled against, so compile it with
Tyk's plugin compiler image of your gateway's version (here v${shown.text}):

\`\`\`sh
docker run --rm -v "$PWD":/plugin-source --platform linux/amd64 tykio/tyk-plugin-compiler:v${shown.text} plugin.so
\`\`\`
${
  versioned
    ? `
The compiler names its output after the version and platform: \`${output}\`. ${version ? "`file_list` lists that name" : "Put that name in `file_list`"} and the hooks keep \`"path": "plugin.so"\`: a gateway looks for \`plugin_v<its version>_<os>_<arch>.so\`
(then \`plugin_<its version>_<os>_<arch>.so\`) before \`plugin.so\`, so one bundle can carry a build per
gateway version and a gateway never loads a build made for another version. Gateways 4.1.0 to 4.3.1
try \`plugin.so\` first, and gateways before 4.1.0 look for \`plugin.so\` only.${
        version ? ` \`tyk-ts.config.json\` sets \`gatewayVersion\`, so \`tyk-ts bundle verify\` says which file gateway ${version.text} loads.` : ""
      }`
    : `
Gateway ${shown.text} loads \`plugin.so\` exactly as named (versioned file names came with 4.1.0).`
}
Until the \`.so\` exists, \`tyk-ts bundle build\` stops with "${listed} does not exist". To check a build
against your gateway before deploying it: \`tyk-ts plugin check ${listed} --gateway /path/to/tyk\`.`,
      }),
      ".gitignore": gitignore(["*.so"]),
    },
  };
}

const GRPC_SERVER = `// A Tyk gRPC plugin server. The gateway sends every hook call to Dispatch; hook_name says which hook.
// Needs Tyk's protocol files in ./proto (see README.md) and \`npm install\`.
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";

const definition = protoLoader.loadSync("coprocess_object.proto", {
  includeDirs: [new URL("./proto", import.meta.url).pathname],
  keepCase: true,
  defaults: true,
});
const { coprocess } = grpc.loadPackageDefinition(definition);

const hooks = {
  // A "pre" hook runs before authentication; it may change the request on its way upstream.
  AddHelloHeader(object) {
    object.request.set_headers["${HEADER}"] = "from-grpc-plugin";
    return object;
  },
};

const server = new grpc.Server();
server.addService(coprocess.Dispatcher.service, {
  Dispatch(call, callback) {
    const hook = hooks[call.request.hook_name];
    callback(null, hook ? hook(call.request) : call.request);
  },
  DispatchEvent(_call, callback) {
    callback(null, {});
  },
});

const address = process.env.GRPC_ADDRESS ?? "127.0.0.1:5555";
server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.error(\`gRPC plugin server listening on \${address}\`);
});
`;

const GRPC_PACKAGE_JSON = `${JSON.stringify(
  {
    private: true,
    type: "module",
    scripts: { start: "node server.mjs" },
    dependencies: { "@grpc/grpc-js": "^1.14.0", "@grpc/proto-loader": "^0.8.0" },
  },
  null,
  2,
)}\n`;

const PROTO_FILES = [
  "coprocess_object.proto",
  "coprocess_mini_request_object.proto",
  "coprocess_response_object.proto",
  "coprocess_session_state.proto",
  "coprocess_common.proto",
  "coprocess_return_overrides.proto",
];

interface ReadmeParts {
  name: string;
  driver: InitDriver;
  intro: string;
  /** Steps before the first build, if any. */
  prepare?: string;
  /** tyk.conf keys this driver needs besides the bundle downloader. */
  gatewayConfig?: string;
  /** Notes after the API section. */
  notes?: string;
}

function readme(p: ReadmeParts): string {
  return `# ${p.name}

A Tyk ${p.driver} plugin, made with \`tyk-ts init\`. ${p.intro}
${p.prepare ? `\n## Before the first build\n\n${p.prepare}\n` : ""}
## Build

\`\`\`sh
tyk-ts bundle build -y                             # bundle.zip, unsigned (for a gateway without public_key_path)
tyk-ts keygen                                      # signing.pem (keep it secret) and signing.pub.pem
tyk-ts bundle build -k signing.pem                 # signed: the gateway checks it with public_key_path
tyk-ts bundle verify bundle.zip -k signing.pub.pem # what the gateway will say about it
\`\`\`

## Serve it to the gateway

\`\`\`sh
mkdir -p ../bundles
tyk-ts serve ../bundles --watch .      # add --sign-key signing.pem to sign each build
\`\`\`

This rebuilds the bundle into \`../bundles\` on every change, under a new name each time
(\`${p.name}-<hash>.zip\`): the gateway never downloads a bundle name it already has. The name of each
build is printed; put it in the API definition below.

## Point the gateway and an API at it

In \`tyk.conf\`:

\`\`\`json
"enable_bundle_downloader": true,
"bundle_base_url": "http://127.0.0.1:8000/"${p.gatewayConfig ? `,\n${p.gatewayConfig}` : ""}
\`\`\`

In a Tyk Classic API definition:

\`\`\`json
"custom_middleware_bundle": "${p.name}-<hash>.zip"
\`\`\`

Or in a Tyk OAS API definition, under \`x-tyk-api-gateway\`:

\`\`\`json
"middleware": { "global": { "pluginConfig": { "driver": "${p.driver}", "bundle": { "enabled": true, "path": "${p.name}-<hash>.zip" } } } }
\`\`\`

Reload the gateway, call the API, and the upstream receives the header \`${HEADER}\`.
${p.notes ? `\n${p.notes}\n` : ""}`;
}

/** The files for a new plugin called `name` (the folder's name). */
export function pluginTemplate(driver: InitDriver, name: string, options: { gatewayVersion?: GatewayVersion } = {}): PluginTemplate {
  const hook = { kind: "pre" as const, name: driver === "otto" ? "addHelloHeader" : "AddHelloHeader" };
  switch (driver) {
    case "python":
      return {
        hook,
        buildOutputs: [],
        files: {
          "manifest.json": manifestJson(driver, ["middleware.py"], hook),
          "middleware.py": PYTHON_MIDDLEWARE,
          "README.md": readme({
            name,
            driver,
            intro: "`middleware.py` holds the hooks (the gateway loads it as the entry point); `manifest.json` names them and lists the files that go into the bundle.",
            gatewayConfig: `"coprocess_options": { "enable_coprocess": true, "python_path_prefix": "/opt/tyk-gateway" }`,
            notes: "Add more Python files to `file_list` to bundle them; sub-folders work with tyk-ts bundles.",
          }),
          ".gitignore": gitignore(),
        },
      };
    case "lua":
      return {
        hook,
        buildOutputs: [],
        files: {
          "manifest.json": manifestJson(driver, ["middleware.lua"], hook),
          "middleware.lua": LUA_MIDDLEWARE,
          "README.md": readme({
            name,
            driver,
            intro: "`middleware.lua` holds the hooks; `manifest.json` names them and lists the files that go into the bundle.",
            gatewayConfig: `"coprocess_options": { "enable_coprocess": true }`,
            notes: "Lua plugins need a gateway built with Lua support: Tyk's release builds leave it out.",
          }),
          ".gitignore": gitignore(),
        },
      };
    case "otto":
      return {
        hook,
        buildOutputs: [],
        files: {
          "manifest.json": manifestJson(driver, ["middleware.js"], { name: hook.name, path: "middleware.js" }),
          "middleware.js": OTTO_MIDDLEWARE,
          "README.md": readme({
            name,
            driver,
            intro: "`middleware.js` defines the middleware object; each hook in `manifest.json` names that object and the file it is in.",
            gatewayConfig: `"enable_jsvm": true`,
          }),
          ".gitignore": gitignore(),
        },
      };
    case "goplugin":
      return goPluginTemplate(hook, name, options.gatewayVersion);
    case "grpc":
      return {
        hook,
        buildOutputs: [],
        files: {
          "manifest.json": manifestJson(driver, [], hook),
          "server.mjs": GRPC_SERVER,
          "package.json": GRPC_PACKAGE_JSON,
          "README.md": readme({
            name,
            driver,
            intro: "The hooks run in `server.mjs`, a gRPC server the gateway calls; the bundle carries only `manifest.json`, which names the hooks.",
            prepare: `Fetch Tyk's protocol files into \`proto/\` and install the gRPC libraries, then start the server:

\`\`\`sh
mkdir -p proto
for f in ${PROTO_FILES.join(" ")}; do
  curl -sSfL -o "proto/$f" "https://raw.githubusercontent.com/TykTechnologies/tyk/master/coprocess/proto/$f"
done
npm install
npm start          # listens on 127.0.0.1:5555 (GRPC_ADDRESS changes it)
\`\`\``,
            gatewayConfig: `"coprocess_options": { "enable_coprocess": true, "coprocess_grpc_server": "tcp://127.0.0.1:5555" }`,
            notes: `The bundle lists no files, so a signature covers no data: every such bundle signed with the same
key has the same signature, and anyone holding one can pair it with other hooks. \`tyk-ts\` warns about
this when it builds or verifies one; keep bundle names and the bundle server under your control.`,
          }),
          ".gitignore": gitignore(["node_modules/", "proto/"]),
        },
      };
  }
}
