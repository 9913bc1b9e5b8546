/**
 * Which documents of a run a gateway (or a Dashboard, or one Operator namespace) loads together:
 * the scope of every cross-file rule. Comparing every file with every other reports the same API
 * kept in dev/, stg/ and prod/ as a duplicate and checks sample apps against unrelated tyk.conf
 * files; a team that sees that switches the tool off. So documents are compared only when the
 * gateway's own loading rules put them together, and a pairing the files cannot decide is left
 * out and said (`--verbose`), never guessed.
 *
 * How the gateway loads from files (TykTechnologies/tyk):
 * - config/config.go `Load`: one tyk.conf, then `TYK_GW_*` environment variables over it.
 * - gateway/server.go `syncAPISpecs`: `use_db_app_configs` → the Dashboard; else
 *   `slave_options.use_rpc` → MDCB; else `APIDefinitionLoader.FromDir(app_path)`
 *   (gateway/api_definition.go), which reads `filepath.Glob(app_path/*.json)`: one folder, not its
 *   subfolders, JSON only, `-oas.json`/`-mcp.json` companions loaded with their `<name>.json`.
 * - gateway/server.go `syncPolicies`: `policy_source` "service" → the Dashboard, "rpc" → MDCB;
 *   otherwise `policy_path` → `LoadPoliciesFromDir` (gateway/policy.go: every `*.json` in the
 *   folder is one policy), else `policy_record_name` → `LoadPoliciesFromFile` (one file decoded
 *   as a map of policy id → policy).
 * Relative paths are opened from the gateway's working directory, which Tyk's images and packages
 * set to the folder holding tyk.conf (`WORKDIR /opt/tyk-gateway`): resolved here against the
 * config's folder.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import picomatch from "picomatch";
import { envGroups } from "./env-settings.js";
import { isObject, valueAt } from "./pointer.js";
import type { DeclaredDeployment, Deployment, DeploymentScope, Gateway, LintDocument, NotLoaded, ScopeNote } from "../types.js";

// yaml is loaded only when a compose file is read: most runs lint JSON only.
const require = createRequire(import.meta.url);

export interface ScopeOptions {
  /** Every file the run looked at (absolute), Tyk or not: compose files and tyk-sync indexes are among them. */
  files: readonly string[];
  declared?: readonly DeclaredDeployment[];
  /** The folder declared globs are relative to (the config file's). */
  baseDir: string;
  /** A tyk.conf as the gateway runs it when the run declares its environment (`--env-file`); its own value otherwise. */
  settingsOf?(conf: LintDocument): unknown;
  display(absolutePath: string): string;
}

const API_KINDS = new Set(["classic-api", "tyk-oas"]);
/** Tested on whole paths: a run has thousands of files, and path.basename for each adds up. */
const COMPOSE_FILE = /(?:^|[\\/])(docker-)?compose(\.[\w.-]+)?\.ya?ml$/i;
const TYK_SYNC_INDEX = /(?:^|[\\/])\.tyk\.json$/;

const isApi = (d: LintDocument) => API_KINDS.has(d.kind);

export function deploymentScope(docs: readonly LintDocument[], options: ScopeOptions): DeploymentScope {
  const notes: ScopeNote[] = [];
  const deployments: Deployment[] = [];
  const declared = declaredDeployments(docs, options, notes);
  deployments.push(...declared.deployments);

  const services = composeServices(options.files);
  const folders = new Folders(docs, options.files);
  for (const conf of docs) {
    if (conf.kind !== "tyk-conf" || conf.wrapper !== "none" || declared.gateways.has(conf)) continue;
    const found = gatewayDeployment(conf, folders, services, options, notes);
    if (found) deployments.push(found);
  }
  deployments.push(...fileDeployments(docs, options, notes));
  notes.push(...unpairedNotes(docs, deployments, options));
  return { deployments, notes };
}

/** Folders of API definitions nothing puts together with other files: why they were not compared. */
function unpairedNotes(docs: readonly LintDocument[], deployments: readonly Deployment[], options: ScopeOptions): ScopeNote[] {
  const paired = new Set(deployments.flatMap((d) => d.apis));
  const byFolder = new Map<string, number>();
  for (const doc of docs) {
    if (!isApi(doc) || paired.has(doc)) continue;
    const folder = path.dirname(doc.absolutePath);
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  return [...byFolder].map(([folder, count]) => ({
    file: options.display(folder),
    message: `${count} API definition${count === 1 ? "" : "s"} no linted tyk.conf loads and no deployment names: not compared with other files (lint them with the tyk.conf whose app_path holds them, or declare a deployment in tyk-ts.config.json)`,
  }));
}

/** Files and folders of the run, and the documents in each. */
class Folders {
  readonly byFolder = new Map<string, LintDocument[]>();
  readonly byFile = new Map<string, LintDocument[]>();
  /** Folders holding API definitions: where an `app_path` can be. */
  readonly apiFolders: string[];
  /** Folders holding any file of the run: where a `policy_path` can be. */
  readonly folders: string[];
  constructor(
    docs: readonly LintDocument[],
    readonly files: readonly string[],
  ) {
    for (const doc of docs) {
      push(this.byFile, doc.absolutePath, doc);
      push(this.byFolder, path.dirname(doc.absolutePath), doc);
    }
    this.apiFolders = [...this.byFolder].filter(([, inFolder]) => inFolder.some(isApi)).map(([folder]) => folder);
    this.folders = [...new Set(files.map((f) => path.dirname(f)))];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function gatewayDeployment(conf: LintDocument, folders: Folders, services: readonly ComposeService[], options: ScopeOptions, notes: ScopeNote[]): Deployment | undefined {
  const note = (message: string) => notes.push({ file: conf.file, message });
  const { settings, applied, unknown } = effectiveSettings(conf, options.settingsOf?.(conf) ?? conf.value, services);
  if (unknown.length > 0) {
    note(`the compose service that mounts it sets ${unknown.join(", ")} to values the repository does not hold: cross-file checks with it are skipped`);
    return undefined;
  }
  if (applied.length > 0) note(`with ${applied.join(", ")} from the compose service that mounts it`);
  const deployment: Deployment = { label: conf.file, gateway: conf, settings, apis: [], policies: [], policyFiles: [] };

  const appPath = valueAt(settings, "/app_path");
  if (valueAt(settings, "/use_db_app_configs") === true) note("`use_db_app_configs` is true: its APIs come from the Dashboard, not from files, so no file is checked against it");
  else if (valueAt(settings, "/slave_options/use_rpc") === true) note("RPC mode (`slave_options.use_rpc`): its APIs come from MDCB, not from files, so no file is checked against it");
  else if (typeof appPath !== "string" || appPath.trim() === "") note("no `app_path`: the gateway would read the folder it is started in, which the files do not say; its APIs are not checked against it");
  else {
    const folder = locate(conf, appPath, "app_path", folders.apiFolders, services, options, notes);
    if (folder) {
      const { loaded, skipped } = loadedFromDir((folders.byFolder.get(folder) ?? []).filter(isApi));
      deployment.apis = loaded;
      deployment.notLoaded = skipped;
      const also = skipped.length > 0 ? `; ${skipped.length} more the gateway does not load (api-not-loaded)` : "";
      note(`loads ${options.display(folder)} (\`app_path\` ${JSON.stringify(appPath)}): ${loaded.length} API definition${loaded.length === 1 ? "" : "s"}${also}`);
    }
  }

  const source = valueAt(settings, "/policies/policy_source");
  const policyPath = valueAt(settings, "/policies/policy_path");
  const recordName = valueAt(settings, "/policies/policy_record_name");
  if (source === "service" || source === "rpc") {
    // The Dashboard or MDCB: nothing on disk.
  } else if (typeof policyPath === "string" && policyPath.trim() !== "") {
    const folder = locate(conf, policyPath, "policies.policy_path", folders.folders, services, options, notes);
    if (folder) {
      deployment.policyShape = "folder";
      deployment.policySetting = "policies.policy_path";
      deployment.policyFiles = folders.files.filter((f) => path.dirname(f) === folder && /\.json$/i.test(f));
    }
  } else if (typeof recordName === "string" && recordName.trim() !== "") {
    const file = locate(conf, recordName, "policies.policy_record_name", folders.files, services, options, notes);
    if (file) {
      deployment.policyShape = "map";
      deployment.policySetting = "policies.policy_record_name";
      deployment.policyFiles = [file];
    }
  }
  deployment.policies = deployment.policyFiles.flatMap((f) => (folders.byFile.get(f) ?? []).filter((d) => d.kind === "policy"));
  if (deployment.policyFiles.length > 0) {
    const where = deployment.policyShape === "folder" ? `every .json file of ${options.display(path.dirname(deployment.policyFiles[0]!))}` : options.display(deployment.policyFiles[0]!);
    note(`reads its policies from ${where} (\`${deployment.policySetting}\`)`);
  }
  return deployment.apis.length > 0 || deployment.policyFiles.length > 0 ? deployment : undefined;
}

/**
 * What the gateway serves of the API documents in its `app_path` (`APIDefinitionLoader.FromDir`,
 * gateway/api_definition.go): every `*.json` file there but `*-oas.json` and `*-mcp.json` is decoded
 * as one Tyk Classic definition (`loadDefFromFilePath`), and one with `is_oas: true` is loaded
 * together with its `<name>-oas.json` (`-mcp.json`). So a Tyk OAS document under any other name, a
 * `*-oas.json` without that Classic file, a Dashboard export and a list decode to a definition with no
 * listen path; `skipSpecBecauseInvalid` (gateway/api_loader.go) skips those, and an HTTP API whose
 * listen path is empty or has spaces.
 */
export function loadedFromDir(docs: readonly LintDocument[]): { loaded: LintDocument[]; skipped: NotLoaded[] } {
  const loaded: LintDocument[] = [];
  const skipped: NotLoaded[] = [];
  const oasClassics = new Set(docs.filter((d) => d.kind === "classic-api" && d.wrapper === "none" && isObject(d.value) && d.value.is_oas === true).map((d) => d.absolutePath));
  const pairedClassic = (oasFile: string): boolean => oasClassics.has(`${oasFile.replace(/-(oas|mcp)\.json$/i, "")}.json`);
  for (const doc of docs) {
    if (!/\.json$/i.test(doc.absolutePath)) continue;
    const companion = /-(oas|mcp)\.json$/i.test(doc.absolutePath);
    let why: string | undefined;
    if (doc.wrapper !== "none" || doc.pointer !== "") {
      why = "the gateway reads each file of `app_path` as one raw definition, so a definition inside a Dashboard export or a list is not loaded; store the raw definition in a file of its own";
    } else if (doc.kind === "tyk-oas") {
      if (!companion) why = `the gateway decodes every \`*.json\` of \`app_path\` but \`*-oas.json\` as a Tyk Classic definition, and a Tyk OAS API has no Classic \`proxy.listen_path\`, so it skips this one ("Listen path is empty"); keep it as \`<name>-oas.json\` beside a Classic \`<name>.json\` with \`is_oas: true\`, the two files the gateway and the Dashboard write for a Tyk OAS API`;
      else if (!pairedClassic(doc.absolutePath)) {
        const name = path.basename(doc.absolutePath);
        why = `the gateway reads \`${name}\` only with \`${name.replace(/-(oas|mcp)\.json$/i, ".json")}\`, a Classic definition with \`is_oas: true\`, which this folder does not have, so this API is not loaded`;
      }
    } else if (companion) {
      continue; // a Classic definition named like a companion file is never read
    } else {
      const facts = classicListenPath(doc.value);
      if (facts !== undefined) why = facts;
    }
    if (why) skipped.push({ document: doc, reason: why });
    else loaded.push(doc);
  }
  return { loaded, skipped };
}

/** Why skipSpecBecauseInvalid skips a Classic definition for its listen path, if it does. */
function classicListenPath(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (value.protocol === "tcp" || value.protocol === "tls") return undefined;
  const listenPath = isObject(value.proxy) ? value.proxy.listen_path : undefined;
  if (typeof listenPath !== "string" || listenPath === "") return "its `proxy.listen_path` is empty, so the gateway skips it (`skipSpecBecauseInvalid`: \"Listen path is empty\")";
  if (listenPath.includes(" ")) return `its \`proxy.listen_path\` ${JSON.stringify(listenPath)} has a space, so the gateway skips it (\`skipSpecBecauseInvalid\`)`;
  return undefined;
}

/**
 * The file or folder of the run a path in tyk.conf names. Relative: against the config's folder.
 * Absolute (a path on the gateway's machine): through a docker-compose volume of a service that
 * mounts this config, else by its trailing names placed in the config's folder, then in the folder
 * above it (where Tyk's own compose files keep `configs/tyk.conf` beside `apps/`).
 */
function locate(conf: LintDocument, setting: string, name: string, candidates: readonly string[], services: readonly ComposeService[], options: ScopeOptions, notes: ScopeNote[]): string | undefined {
  const note = (message: string) => notes.push({ file: conf.file, message });
  const shown = `\`${name}\` ${JSON.stringify(setting)}`;
  if (!path.posix.isAbsolute(setting) && !path.isAbsolute(setting)) {
    const target = path.resolve(path.dirname(conf.absolutePath), setting);
    if (candidates.includes(target)) return target;
    note(`${shown} is ${options.display(target)}, which holds nothing this run lints`);
    return undefined;
  }
  const mounted = throughCompose(conf.absolutePath, setting, services);
  if (mounted.hosts.length === 1) {
    const host = mounted.hosts[0]!;
    if (candidates.includes(host)) return host;
    note(`${shown} is mounted from ${options.display(host)}, which holds nothing this run lints`);
    return undefined;
  }
  if (mounted.hosts.length > 1) {
    note(`${shown} is mounted from several places (${mounted.hosts.map(options.display).join(", ")}): cross-file checks with it are skipped`);
    return undefined;
  }
  if (mounted.files.length > 0) {
    note(`${shown} is not mounted from this repository by ${mounted.files.map(options.display).join(", ")}, which mounts the config: the gateway reads what its image has there, so cross-file checks with it are skipped`);
    return undefined;
  }
  // As if the config's folder, or the one above it, were the folder the path ends in
  // (/opt/tyk-gateway/apps → <folder>/apps, <folder>/tyk-gateway/apps): the longest such path there.
  const wanted = trailingNames(setting);
  const confDir = path.dirname(conf.absolutePath);
  for (const root of [confDir, path.dirname(confDir)]) {
    let best: string | undefined;
    let bestLength = 0;
    for (const candidate of candidates) {
      if (!isInside(candidate, root)) continue;
      const rel = trailingNames(path.relative(root, candidate));
      if (rel.length > bestLength && rel.length <= wanted.length && rel.every((name, i) => name === wanted[wanted.length - rel.length + i])) {
        best = candidate;
        bestLength = rel.length;
      }
    }
    if (best) return best;
  }
  const tails = [1, 2].filter((n) => n <= wanted.length).map((n) => `\`${wanted.slice(-n).join("/")}\``).join(" or ");
  note(`${shown} is a path on the gateway's machine; no ${tails} is in the folder of ${conf.file} or the one above it, so cross-file checks with it are skipped (declare the deployment in tyk-ts.config.json)`);
  return undefined;
}

function trailingNames(p: string): string[] {
  return p.split(/[\\/]+/).filter((s) => s !== "" && s !== ".");
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** A bind mount of one docker-compose service: host path → path in the container. */
interface ComposeMount {
  host: string;
  container: string;
}

/** The bind mounts and environment of one service of a compose file. */
interface ComposeService {
  file: string;
  mounts: ComposeMount[];
  /** Its variables (envGroups); undefined for a value the repository does not hold (`${VAR}`). */
  environment: Map<string, string | undefined>;
}

/** The bind mounts of every service of every compose file in the run. */
function composeServices(files: readonly string[]): ComposeService[] {
  const services: ComposeService[] = [];
  for (const file of files) {
    if (!COMPOSE_FILE.test(file)) continue;
    let docs: unknown[];
    try {
      docs = (require("yaml") as typeof import("yaml")).parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS());
    } catch {
      continue;
    }
    for (const doc of docs) {
      const list = valueAt(doc, "/services");
      if (!isObject(list)) continue;
      for (const service of Object.values(list)) {
        const volumes = isObject(service) ? service.volumes : undefined;
        if (!Array.isArray(volumes)) continue;
        const mounts: ComposeMount[] = [];
        for (const v of volumes) {
          const [source, target] = typeof v === "string" ? v.split(":") : isObject(v) ? [v.source, v.target] : [];
          // Named volumes (no path) hold nothing from the repository.
          if (typeof source !== "string" || typeof target !== "string" || !/^[.~/]/.test(source)) continue;
          mounts.push({ host: path.resolve(path.dirname(file), source), container: path.posix.normalize(target).replace(/(.)\/+$/, "$1") });
        }
        if (mounts.length > 0) services.push({ file, mounts, environment: new Map(envGroups(service).flatMap((g) => g.settings.map((v) => [v.name, v.value] as const))) });
      }
    }
  }
  return services;
}

/**
 * The `TYK_GW_*` variables that change what lint reads from a tyk.conf, and where each goes
 * (config/config.go `Load` applies them over the file with envconfig; booleans as strconv.ParseBool).
 */
const ENV_SETTINGS: Record<string, { pointer: string[]; bool?: true }> = {
  TYK_GW_APPPATH: { pointer: ["app_path"] },
  TYK_GW_USEDBAPPCONFIGS: { pointer: ["use_db_app_configs"], bool: true },
  TYK_GW_SLAVEOPTIONS_USERPC: { pointer: ["slave_options", "use_rpc"], bool: true },
  TYK_GW_POLICIES_POLICYSOURCE: { pointer: ["policies", "policy_source"] },
  TYK_GW_POLICIES_POLICYPATH: { pointer: ["policies", "policy_path"] },
  TYK_GW_POLICIES_POLICYRECORDNAME: { pointer: ["policies", "policy_record_name"] },
  TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS: { pointer: ["coprocess_options", "enable_coprocess"], bool: true },
  TYK_GW_ENABLEBUNDLEDOWNLOADER: { pointer: ["enable_bundle_downloader"], bool: true },
  TYK_GW_BUNDLEBASEURL: { pointer: ["bundle_base_url"] },
  TYK_GW_PUBLICKEYPATH: { pointer: ["public_key_path"] },
  TYK_GW_BUNDLEINSECURESKIPVERIFY: { pointer: ["bundle_insecure_skip_verify"], bool: true },
  TYK_GW_SKIPVERIFYEXISTINGPLUGINBUNDLE: { pointer: ["skip_verify_existing_plugin_bundle"], bool: true },
};

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/**
 * The tyk.conf as the gateway runs it: the variables of the compose services that mount it applied.
 * `unknown` names the variables whose value the repository does not hold (`${VAR}`, or services
 * that disagree).
 */
function effectiveSettings(conf: LintDocument, base: unknown, services: readonly ComposeService[]): { settings: unknown; applied: string[]; unknown: string[] } {
  const values = new Map<string, Set<string | undefined>>();
  for (const service of services) {
    if (!service.mounts.some((m) => isInside(conf.absolutePath, m.host))) continue;
    for (const [name, value] of service.environment) {
      if (!Object.hasOwn(ENV_SETTINGS, name)) continue;
      const seen = values.get(name) ?? new Set<string | undefined>();
      seen.add(value);
      values.set(name, seen);
    }
  }
  const applied: string[] = [];
  const unknown: string[] = [];
  let settings = base;
  for (const [name, seen] of values) {
    const [value] = seen;
    const target = ENV_SETTINGS[name]!;
    const parsed = value === undefined ? undefined : target.bool ? (TRUE.has(value) ? true : FALSE.has(value) ? false : undefined) : value;
    if (seen.size > 1 || parsed === undefined) {
      unknown.push(name);
      continue;
    }
    settings = withSetting(settings, target.pointer, parsed);
    applied.push(name);
  }
  return { settings, applied, unknown };
}

/** A copy of `root` with the value at `keys` replaced (objects on the way copied, not changed). */
function withSetting(root: unknown, keys: readonly string[], value: unknown): unknown {
  const [key, ...rest] = keys;
  const object = isObject(root) ? root : {};
  return { ...object, [key!]: rest.length === 0 ? value : withSetting(object[key!], rest, value) };
}

/**
 * Where a path in the container of the services that mount this config file comes from: the
 * compose files of those services, and the host paths (none when no volume of theirs covers it).
 */
function throughCompose(conf: string, containerPath: string, services: readonly ComposeService[]): { files: string[]; hosts: string[] } {
  const wanted = path.posix.normalize(containerPath).replace(/(.)\/+$/, "$1");
  const files = new Set<string>();
  const hosts = new Set<string>();
  for (const service of services) {
    if (!service.mounts.some((m) => isInside(conf, m.host))) continue;
    files.add(service.file);
    let best: ComposeMount | undefined;
    for (const m of service.mounts) {
      if ((wanted === m.container || wanted.startsWith(`${m.container}/`)) && (!best || m.container.length > best.container.length)) best = m;
    }
    if (best) hosts.add(path.join(best.host, wanted.slice(best.container.length)));
  }
  return { files: [...files], hosts: [...hosts] };
}

/** Deployments from tyk-ts.config.json; the configs they name are paired by them only. */
function declaredDeployments(docs: readonly LintDocument[], options: ScopeOptions, notes: ScopeNote[]): { deployments: Deployment[]; gateways: Set<LintDocument> } {
  const deployments: Deployment[] = [];
  const gateways = new Set<LintDocument>();
  const base = options.baseDir;
  const rel = (doc: LintDocument) => path.relative(base, doc.absolutePath).split(path.sep).join("/");
  (options.declared ?? []).forEach((d, i) => {
    const label = `deployments[${i}]`;
    const apis = picomatch(d.apis.length > 0 ? d.apis : ["!**"], { dot: true });
    const policies = d.policies.length > 0 ? picomatch(d.policies, { dot: true }) : () => false;
    const gatewayPath = d.gateway ? path.resolve(base, d.gateway) : undefined;
    const gateway = gatewayPath ? docs.find((doc) => doc.kind === "tyk-conf" && doc.absolutePath === gatewayPath) : undefined;
    if (gatewayPath && !gateway) notes.push({ file: options.display(gatewayPath), message: `${label}: not a tyk.conf this run lints; its gateway checks are skipped` });
    if (gateway) gateways.add(gateway);
    const deployment: Deployment = {
      label: gateway?.file ?? label,
      gateway,
      settings: gateway && (options.settingsOf?.(gateway) ?? gateway.value),
      apis: docs.filter((doc) => isApi(doc) && apis(rel(doc))),
      policies: docs.filter((doc) => doc.kind === "policy" && policies(rel(doc))),
      policyFiles: [],
    };
    deployment.policyFiles = [...new Set(deployment.policies.map((p) => p.absolutePath))];
    if (gateway) Object.assign(deployment, declaredPolicyShape(deployment.settings));
    deployments.push(deployment);
  });
  return { deployments, gateways };
}

function declaredPolicyShape(settings: unknown): Pick<Deployment, "policyShape" | "policySetting"> {
  const source = valueAt(settings, "/policies/policy_source");
  if (source === "service" || source === "rpc") return {};
  const policyPath = valueAt(settings, "/policies/policy_path");
  return typeof policyPath === "string" && policyPath.trim() !== ""
    ? { policyShape: "folder", policySetting: "policies.policy_path" }
    : { policyShape: "map", policySetting: "policies.policy_record_name" };
}

/**
 * Definitions applied together without a gateway config: one file holding several (a Dashboard
 * export, `kubectl apply -f` of a multi-document file), a tyk-sync folder (its `.tyk.json` lists
 * what `tyk-sync publish` sends to one Dashboard), and Operator resources of one namespace.
 */
function fileDeployments(docs: readonly LintDocument[], options: ScopeOptions, notes: ScopeNote[]): Deployment[] {
  const deployments: Deployment[] = [];
  const byFile = new Map<string, LintDocument[]>();
  for (const doc of docs) if (isApi(doc) || doc.kind === "policy") push(byFile, doc.absolutePath, doc);
  for (const [, inFile] of byFile) {
    const apis = inFile.filter(isApi);
    if (apis.length > 1) deployments.push({ label: inFile[0]!.file, apis, policies: inFile.filter((d) => d.kind === "policy"), policyFiles: [] });
  }

  const byNamespace = new Map<string, LintDocument[]>();
  const withoutNamespace = new Set<string>();
  for (const doc of docs) {
    if (!isApi(doc) || !doc.resource) continue;
    if (doc.resource.namespace) push(byNamespace, doc.resource.namespace, doc);
    else withoutNamespace.add(doc.file);
  }
  for (const [namespace, inNamespace] of byNamespace) {
    if (new Set(inNamespace.map((d) => d.absolutePath)).size > 1) deployments.push({ label: `namespace ${namespace}`, apis: inNamespace, policies: [], policyFiles: [] });
  }
  if (withoutNamespace.size > 1) {
    notes.push({
      message: `Operator resources in ${withoutNamespace.size} files have no namespace: it is chosen when they are applied (\`kubectl apply -n\`), so resources of different files are not compared, only those of one file`,
    });
  }

  for (const index of options.files.filter((f) => TYK_SYNC_INDEX.test(f))) {
    const listed = tykSyncFiles(index);
    if (!listed) continue;
    const apis = docs.filter((d) => isApi(d) && listed.has(d.absolutePath));
    const policies = docs.filter((d) => d.kind === "policy" && listed.has(d.absolutePath));
    if (apis.length + policies.length > 0) deployments.push({ label: options.display(index), apis, policies, policyFiles: [] });
  }
  return deployments;
}

/** The files a tyk-sync `.tyk.json` lists (API definitions and policies), absolute. */
function tykSyncFiles(index: string): Set<string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(index, "utf8"));
  } catch {
    return undefined;
  }
  const files = new Set<string>();
  for (const key of ["files", "policies"]) {
    const list = isObject(value) ? value[key] : undefined;
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isObject(entry) && typeof entry.file === "string") files.add(path.resolve(path.dirname(index), entry.file));
  }
  return files;
}

const gatewayIndex = new WeakMap<DeploymentScope, Map<LintDocument, Gateway[]>>();

/** The gateways whose deployments load this API (indexed once per scope). */
export function gatewaysOf(scope: DeploymentScope, api: LintDocument): readonly Gateway[] {
  let index = gatewayIndex.get(scope);
  if (!index) {
    index = new Map();
    for (const d of scope.deployments) {
      if (!d.gateway) continue;
      const gateway: Gateway = { config: d.gateway, settings: d.settings };
      for (const doc of d.apis) {
        const list = index.get(doc);
        if (!list) index.set(doc, [gateway]);
        else if (!list.some((g) => g.config === gateway.config)) list.push(gateway);
      }
    }
    gatewayIndex.set(scope, index);
  }
  return index.get(api) ?? [];
}
