/** How the gateway reads `custom_middleware_bundle`: one name, or several in multi-bundle mode. */
import path from "node:path";

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

