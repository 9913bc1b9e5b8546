/**
 * `serve --watch`: rebuilds a plugin's bundle into the served directory whenever its sources change.
 *
 * The gateway never downloads a bundle name it has already unpacked, so each build gets a name of its
 * own, `<plugin>-<first 12 hex of the zip's SHA-256>.zip`
 * (src/bundle/content-name.ts, shared with `bundle publish`). Bundles are built reproducibly (same inputs,
 * same bytes), so the name changes exactly when the content does: a file, a hook, the driver or the
 * signature; saving a file unchanged keeps the name. The zip is written under a hidden name (never
 * served) and renamed into place, so a download sees the whole bundle or nothing (`placeFile`: the
 * same rules as every other output).
 */
import type { KeyObject } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { stat, unlink } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { MANIFEST_NAME } from "../bundle/names.js";
import { contentAddressedName, fileSha256, urlSafeName } from "../bundle/content-name.js";
import { placeFile, temporaryNameFor } from "../fs/atomic-file.js";
import { isHiddenName, isInside } from "./request-path.js";
import type { BuildFailedLogEntry, BuildLogEntry } from "./log.js";

/** Edits arrive as bursts of events (save = write + rename + chmod); build once they settle. */
const SETTLE_MS = 150;

export interface PluginSource {
  /** Absolute path of the folder holding manifest.json. */
  dir: string;
  /** Bundle names start with this: the folder's name, reduced to URL-safe characters. */
  name: string;
}

/** Checks each plugin folder to watch and derives distinct bundle names, before anything is started. */
export async function pluginSources(dirs: string[]): Promise<PluginSource[]> {
  const sources: PluginSource[] = [];
  for (const given of dirs) {
    const dir = path.resolve(given);
    const manifest = path.join(dir, MANIFEST_NAME);
    const info = await stat(manifest).catch(() => undefined);
    if (!info?.isFile()) {
      throw new InputError("watch-no-manifest", `plugin folder ${given}: no ${MANIFEST_NAME} in ${dir}`, {
        hint: "a plugin folder holds the manifest.json that `bundle build` reads",
        data: { given, dir },
      });
    }
    const name = urlSafeName(path.basename(dir));
    const clash = sources.find((s) => s.name === name);
    if (clash) {
      throw new InputError("watch-name-clash", `plugin folders ${clash.dir} and ${dir} would both build bundles named ${name}-….zip`, {
        hint: "rename one of the folders",
        data: { first: clash.dir, second: dir, name },
      });
    }
    sources.push({ dir, name });
  }
  return sources;
}

export interface PluginWatcherOptions {
  /** The served directory (realpath), where bundles are written. */
  root: string;
  /** Signs each build; without it the bundles are unsigned. */
  signingKey?: KeyObject;
  /** The URL the bundle will be served at, for the report. */
  urlFor(bundle: string): string;
  report(entry: BuildLogEntry | BuildFailedLogEntry): void;
}

export class PluginWatcher {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private building?: Promise<void>;
  private again = false;
  private stopped = false;
  /** The last bundle written, so an unchanged rebuild stays silent. */
  private current?: string;

  constructor(
    private readonly source: PluginSource,
    private readonly options: PluginWatcherOptions,
  ) {}

  /** Builds once now, then after every change. */
  start(): void {
    try {
      this.watcher = watch(this.source.dir, { recursive: true }, (_event, filename) => {
        if (filename === null || this.isOwnOutput(filename)) return;
        this.schedule();
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError("watch-failed", `cannot watch ${this.source.dir} (${code ?? (err as Error).message})`, {
        hint: code === "ENOSPC" ? "the system's limit of watched folders is reached: raise fs.inotify.max_user_watches" : undefined,
      });
    }
    this.watcher.on("error", (err) => this.fail(`stopped watching: ${err.message}`));
    this.schedule(0);
  }

  /** Stops watching and waits for a build in progress, so no temporary file is left behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    await this.building;
  }

  /** Dotfiles (editor swap files, .git, our temporary zips) and the bundles we write are not sources. */
  private isOwnOutput(filename: string): boolean {
    if (filename.split(path.sep).some(isHiddenName)) return true;
    const absolute = path.join(this.source.dir, filename);
    return absolute.endsWith(".zip") && isInside(this.options.root, absolute);
  }

  private schedule(delay = SETTLE_MS): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.building) {
        this.again = true;
        return;
      }
      this.building = this.build().finally(() => {
        this.building = undefined;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        }
      });
    }, delay);
  }

  private async build(): Promise<void> {
    const { buildBundle } = await import("../bundle/build.js");
    const staging = temporaryNameFor(path.join(this.options.root, `${this.source.name}.zip`));
    try {
      const result = await buildBundle({ manifest: path.join(this.source.dir, MANIFEST_NAME), output: staging, key: this.options.signingKey });
      const bundle = contentAddressedName(this.source.name, await fileSha256(staging));
      const target = path.join(this.options.root, bundle);
      if (bundle === this.current && (await stat(target).catch(() => undefined))) return;
      // A link in its place is followed, a device written to; never replaced.
      await placeFile(staging, target);
      this.current = bundle;
      this.options.report({
        type: "build",
        time: new Date().toISOString(),
        plugin: this.source.dir,
        bundle,
        url: this.options.urlFor(bundle),
        checksum: result.checksum,
        signed: result.signed,
        warnings: result.warnings,
      });
    } catch (err) {
      this.fail((err as Error).message);
    } finally {
      await unlink(staging).catch(() => undefined);
    }
  }

  private fail(message: string): void {
    this.current = undefined;
    this.options.report({ type: "build-failed", time: new Date().toISOString(), plugin: this.source.dir, message });
  }
}
