/**
 * Where teams set the gateway's environment, found in YAML documents: docker compose
 * `environment:` (list and map forms), Kubernetes container `env:` lists (Deployments,
 * StatefulSets, DaemonSets, Pods, Jobs, whatever holds a pod template), Helm values of the official
 * charts (`extraEnvs:`, the same `name`/`value` list), and ConfigMaps whose data a container loads
 * with `envFrom`. A group counts only when it sets at least one TYK_* variable, so unrelated
 * `env:` lists are left alone.
 */
import { escapeSegment, isObject } from "./pointer.js";
import type { Anchor } from "./source.js";

export interface EnvSetting {
  name: string;
  /** The value as the container gets it; undefined when it comes from elsewhere (valueFrom, `${VAR}`, a bare compose name). */
  value: string | undefined;
  /** JSON pointer of the name (a map key, a `name:` field or a `KEY=value` list item) and of the value. */
  namePointer: string;
  nameAnchor: Anchor;
  valuePointer: string;
}

export interface EnvGroup {
  settings: EnvSetting[];
  /** compose `env_file:` entries, as written (relative to the compose file). */
  envFiles: string[];
  /** Names of the ConfigMaps a container loads with `envFrom`. */
  configMaps: string[];
  /** It also gets variables tyk-ts cannot read (a Secret through envFrom or valueFrom), so a missing one may be set. */
  opaque: boolean;
  /** For a ConfigMap: its name, so containers that load it can find it. */
  configMapName?: string;
}

/** Values a tool fills in later (compose `${VAR}`, Kubernetes `$(VAR)`, Helm `{{ }}`): not checked. */
const TEMPLATED = /\$\{|\$\(|\{\{|(^|[^$])\$[A-Za-z_]/;

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return TEMPLATED.test(value) ? undefined : value.replace(/\$\$/g, "$");
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

const isTykName = (name: string) => /^tyk/i.test(name);

/** The groups of variables a YAML document sets. */
export function envGroups(root: unknown): EnvGroup[] {
  const groups: EnvGroup[] = [];
  const keep = (group: EnvGroup) => {
    if (group.settings.some((s) => isTykName(s.name))) groups.push(group);
  };
  const visit = (node: unknown, pointer: string, depth: number): void => {
    if (depth > 40) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${pointer}/${i}`, depth + 1));
      return;
    }
    if (!isObject(node)) return;
    if (node.kind === "ConfigMap" && isObject(node.data)) {
      const name = isObject(node.metadata) && typeof node.metadata.name === "string" ? node.metadata.name : undefined;
      keep({ settings: mapSettings(node.data, `${pointer}/data`), envFiles: [], configMaps: [], opaque: false, ...(name ? { configMapName: name } : {}) });
    }
    for (const [key, value] of Object.entries(node)) {
      const child = `${pointer}/${escapeSegment(key)}`;
      if (key === "environment") {
        // docker compose: a list of KEY=value strings, or a map.
        const sources = { envFiles: composeEnvFiles(node.env_file), configMaps: [], opaque: false };
        if (Array.isArray(value) && value.every((v) => typeof v === "string")) keep({ settings: listSettings(value as string[], child), ...sources });
        else if (isObject(value)) keep({ settings: mapSettings(value, child), ...sources });
      } else if (Array.isArray(value) && value.length > 0 && value.every((v) => isObject(v) && typeof v.name === "string")) {
        // Kubernetes env and Helm extraEnvs: [{name, value}] or [{name, valueFrom}].
        const items = value as Array<Record<string, unknown>>;
        if (items.some((v) => "value" in v || "valueFrom" in v)) {
          const envFrom = Array.isArray(node.envFrom) ? node.envFrom.filter(isObject) : [];
          const configMaps = envFrom.flatMap((e) => (isObject(e.configMapRef) && typeof e.configMapRef.name === "string" ? [e.configMapRef.name] : []));
          // A Secret, or an envFrom prefix, hides names tyk-ts cannot see.
          const opaque = envFrom.length > configMaps.length || envFrom.some((e) => e.prefix !== undefined) || items.some((v) => "valueFrom" in v);
          keep({ settings: nameValueSettings(items, child), envFiles: [], configMaps, opaque });
          continue;
        }
      }
      visit(value, child, depth + 1);
    }
  };
  visit(root, "", 0);
  return groups;
}

/** compose's `env_file:`: a path, a list of paths, or a list of `{path, required}`. */
function composeEnvFiles(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.flatMap((v) => (typeof v === "string" ? [v] : isObject(v) && typeof v.path === "string" ? [v.path] : []));
}

function mapSettings(map: Record<string, unknown>, pointer: string): EnvSetting[] {
  return Object.entries(map).map(([name, value]) => {
    const at = `${pointer}/${escapeSegment(name)}`;
    return { name, value: scalarText(value), namePointer: at, nameAnchor: "key", valuePointer: at };
  });
}

function listSettings(list: string[], pointer: string): EnvSetting[] {
  return list.map((item, i) => {
    const eq = item.indexOf("=");
    const at = `${pointer}/${i}`;
    return { name: eq < 0 ? item : item.slice(0, eq), value: eq < 0 ? undefined : scalarText(item.slice(eq + 1)), namePointer: at, nameAnchor: "value", valuePointer: at };
  });
}

function nameValueSettings(items: Array<Record<string, unknown>>, pointer: string): EnvSetting[] {
  return items.map((item, i) => ({
    name: item.name as string,
    value: "value" in item ? scalarText(item.value) : undefined,
    namePointer: `${pointer}/${i}/name`,
    nameAnchor: "value",
    valuePointer: `${pointer}/${i}/${"value" in item ? "value" : "name"}`,
  }));
}
