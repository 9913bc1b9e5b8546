/**
 * Kustomize patches: files a `kustomization.yaml` lists under `patches` (`path:`),
 * `patchesStrategicMerge` or `patchesJson6902` (`path:`) hold a part of a resource that kustomize
 * merges into one from `resources`, not a resource: linted on their own, the fields they leave out
 * look missing or off. Lint leaves them out and says why.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { isObject } from "./pointer.js";

const require = createRequire(import.meta.url);

/** Tested on whole paths (path.basename for each of thousands of files adds up). */
const KUSTOMIZATION = /(?:^|[\\/])(?:kustomization\.ya?ml|Kustomization)$/;

/** Patch file (absolute) → the kustomization (absolute) that lists it. */
export function kustomizePatches(files: readonly string[]): Map<string, string> {
  const patches = new Map<string, string>();
  for (const file of files) {
    if (!KUSTOMIZATION.test(file)) continue;
    let value: unknown;
    try {
      // yaml is loaded only when a repository has a kustomization.
      value = (require("yaml") as typeof import("yaml")).parse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (!isObject(value)) continue;
    const entries = [value.patches, value.patchesStrategicMerge, value.patchesJson6902].flatMap((list) => (Array.isArray(list) ? list : []));
    for (const entry of entries) {
      const relative = typeof entry === "string" ? entry : isObject(entry) && typeof entry.path === "string" ? entry.path : undefined;
      // An inline patch (a YAML text rather than a path) is no file.
      if (relative === undefined || relative.includes("\n")) continue;
      patches.set(path.resolve(path.dirname(file), relative), file);
    }
  }
  return patches;
}
