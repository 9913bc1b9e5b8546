/** `tyk-ts init`: writes a new plugin folder from a driver's template, never over existing files. */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError, UsageError, ioError } from "../errors.js";
import { resolveOutput } from "../fs/atomic-file.js";
import { INIT_DRIVERS, type InitDriver } from "./drivers.js";
import { pluginTemplate } from "./templates.js";
import { gatewayVersionOf } from "../goplugin/file-names.js";

export { INIT_DRIVERS, type InitDriver } from "./drivers.js";

export interface InitOptions {
  /** The folder to create; it may exist if it is empty (or holds only .git). */
  dir: string;
  driver: InitDriver;
  /** Go plugins: the gateway version to build for (go.mod, file_list, README, tyk-ts.config.json). */
  gatewayVersion?: string;
}

export interface InitResult {
  dir: string;
  driver: InitDriver;
  /** The files written, relative to `dir`. */
  files: string[];
  hook: { kind: "pre"; name: string };
  /** Files a build step must produce before `bundle build` works (a Go plugin's .so). */
  buildOutputs: string[];
}

/** Entries that do not make a folder "non-empty": a fresh `git init` is a fine place to start. */
const IGNORED_ENTRIES = new Set([".git"]);

/**
 * The folder to write into: `given`, or where it leads if it is a symlink (the link stays a link; a
 * dangling one gets its folder created). Anything but a folder, new or empty, is refused.
 */
async function targetFolder(given: string): Promise<string> {
  const destination = await resolveOutput(given);
  if (destination.kind === "descriptor" || destination.kind === "device") {
    const what = destination.kind === "device" ? `a ${destination.type}` : "standard output";
    throw new InputError("init-not-a-directory", `${given} is ${what}; init writes a folder of files`, { hint: "choose a new folder name" });
  }
  if (destination.kind === "file") {
    if (destination.existing) throw new InputError("init-not-a-directory", `${given} exists and is not a directory`, { hint: "choose a new folder name" });
    return destination.path;
  }
  const dir = destination.path;
  const entries = (await readdir(dir).catch((err: unknown) => Promise.reject(ioError(err, given)))).filter((e) => !IGNORED_ENTRIES.has(e));
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, … (${entries.length} entries)` : "");
    throw new InputError("init-not-empty", `${dir} is not empty (${shown}); init writes only into a new or empty folder`, {
      hint: "give init the name of a folder that does not exist yet; it creates it",
    });
  }
  return dir;
}

export async function initPlugin(options: InitOptions): Promise<InitResult> {
  if (!(INIT_DRIVERS as readonly string[]).includes(options.driver)) {
    throw new UsageError(`unknown driver "${options.driver}"; init knows ${INIT_DRIVERS.join(", ")}`);
  }
  const gatewayVersion = options.gatewayVersion === undefined ? undefined : gatewayVersionOf(options.gatewayVersion, "gateway version");
  if (gatewayVersion && options.driver !== "goplugin") {
    throw new UsageError(`a gateway version applies to Go plugins only (driver goplugin), not to ${options.driver} plugins`);
  }
  const dir = path.resolve(options.dir);
  const folder = await targetFolder(options.dir);
  const template = pluginTemplate(options.driver, path.basename(dir), { ...(gatewayVersion && { gatewayVersion }) });
  await mkdir(folder, { recursive: true }).catch(async (err: NodeJS.ErrnoException) => {
    // A recursive mkdir reports ENOENT for a parent it could not create (e.g. on a read-only file
    // system); a plain mkdir of the folder itself names the real cause.
    if (err.code === "ENOENT") await mkdir(folder).catch((inner: unknown) => Promise.reject(ioError(inner, dir, "write")));
    throw ioError(err, dir, "write");
  });
  const files = Object.keys(template.files);
  for (const name of files) {
    // "wx" (O_EXCL): fail rather than overwrite, or follow a link, if something appeared since the check.
    await writeFile(path.join(folder, name), template.files[name]!, { flag: "wx" }).catch((err) => {
      throw ioError(err, path.join(dir, name), "write");
    });
  }
  return { dir, driver: options.driver, files, hook: template.hook, buildOutputs: template.buildOutputs };
}
