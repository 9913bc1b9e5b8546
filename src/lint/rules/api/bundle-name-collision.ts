import { apiFacts } from "../support/api-facts.js";
import { bundleDirectoryName, bundleNames } from "../support/bundle-names.js";
import type { Rule } from "../../types.js";

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
