import path from "node:path";
import { apiFacts } from "./api-facts.js";
import type { Rule } from "../types.js";

/** The names in `custom_middleware_bundle`; more than one only in multi-bundle mode. */
export function bundleNames(value: string): string[] {
  // The gateway switches to multi-bundle mode unless the value is exactly one bare name.
  if (!value.includes(",") && value.trim() === value) return [value];
  return value.split(",").map((n) => n.trim()).filter((n) => n !== "");
}

/** The directory a bundle unpacks into in multi-bundle mode: its name without extension, `/` as `__`. */
export function bundleDirectoryName(name: string): string {
  return name.slice(0, name.length - path.posix.extname(name).length).replace(/\//g, "__");
}

export const bundleNameCollision: Rule = {
  id: "bundle-name-collision",
  defaultSeverity: "error",
  kinds: ["classic-api", "tyk-oas"],
  description: "Two bundles in one multi-bundle `custom_middleware_bundle` unpack into the same directory.",
  help: "In multi-bundle mode each bundle unpacks into a directory named after it without its extension, with `/` written as `__`: `auth.zip` and `auth.tar`, or `a/b.zip` and `a__b.zip`, land in the same place and overwrite each other. Rename one of them.",
  check(doc) {
    const bundle = apiFacts(doc)?.bundle;
    if (!bundle) return [];
    const names = bundleNames(bundle.value);
    if (names.length < 2) return [];
    const byDirectory = new Map<string, string>();
    const messages: string[] = [];
    for (const name of names) {
      const dir = bundleDirectoryName(name);
      const earlier = byDirectory.get(dir);
      if (earlier === undefined) byDirectory.set(dir, name);
      else messages.push(earlier === name ? `bundle ${JSON.stringify(name)} is listed twice` : `bundles ${JSON.stringify(earlier)} and ${JSON.stringify(name)} both unpack into the directory ${JSON.stringify(dir)}`);
    }
    return messages.map((message) => ({ pointer: bundle.pointer, message }));
  },
};
