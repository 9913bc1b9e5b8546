/**
 * The three kinds of store `bundle publish` writes to. Each answers two questions the same way:
 * does this name already hold these bytes (`compare`), and write this name unless it exists
 * (`create`). A name that holds other bytes is never replaced: the caller refuses before `create`,
 * and `create` asks the store to refuse too where it can (S3 and HTTP `If-None-Match: *`).
 */
import { lstat, readFile, stat } from "node:fs/promises";
import { EXIT_FINDINGS, InputError, TykTsError, ioError } from "../errors.js";
import { writeOutput } from "../fs/atomic-file.js";
import { httpRequest, type HttpReply } from "./http-client.js";
import { storedLocation, type PublishTarget } from "./target.js";
import { interrupted, md5Base64, networkCode, storeError, type BundleStore, type StoreOptions } from "./store.js";

export async function openStore(target: PublishTarget, options: StoreOptions): Promise<BundleStore> {
  if (target.kind === "s3") return (await import("./s3-store.js")).openS3Store(target, options);
  if (target.kind === "http") return httpStore(target, options);
  return folderStore(target);
}

function folderStore(target: PublishTarget & { kind: "folder" }): BundleStore {
  const { dir } = target;
  const file = (name: string) => storedLocation(target, name);
  return {
    location: file,
    async compare(name, data) {
      const info = await lstat(file(name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return undefined;
        throw ioError(err, file(name));
      });
      if (!info) return "absent";
      // A symlink, pipe, device or folder under the name is never read through or replaced.
      if (!info.isFile()) {
        throw new TykTsError("publish-not-a-file", `${file(name)} exists and is not a regular file; it was not replaced`, EXIT_FINDINGS, {
          hint: "move it away if the name is meant for this bundle",
        });
      }
      const existing = await readFile(file(name)).catch((err: unknown) => {
        throw ioError(err, file(name));
      });
      return existing.equals(data) ? "same" : "different";
    },
    async create(name, data) {
      const info = await stat(dir).catch(() => undefined);
      if (!info?.isDirectory()) throw new InputError("publish-target", `the folder ${dir} does not exist`, { hint: "create it, or check the path" });
      // Written under a hidden temporary name and renamed into place: a gateway or `serve` never
      // sees half a bundle. The rename would replace a file created since `compare`; a folder has
      // no conditional rename, and a content-addressed name makes that file the same bundle.
      await writeOutput(file(name), data, { binary: true });
      return { outcome: "written", conditional: false, parts: 1 };
    },
    close() {},
  };
}

function httpStore(target: PublishTarget & { kind: "http" }, options: StoreOptions): BundleStore {
  const url = (name: string) => storedLocation(target, name);
  const request = async (method: string, name: string, extra: { headers?: Record<string, string>; body?: Buffer; readBody?: boolean } = {}): Promise<HttpReply> => {
    try {
      // No redirects: one would carry the store's credentials to another address.
      return await httpRequest(url(name), { method, headers: { ...options.headers, ...extra.headers }, body: extra.body, readBody: extra.readBody, idleTimeoutMs: options.timeoutMs ?? 120_000, signal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw interrupted();
      throw storeError("network", `${method} ${url(name)} failed: ${networkCode(err) ?? (err as Error).message}`, { cause: err });
    }
  };
  const refused = (method: string, name: string, res: HttpReply): InputError =>
    res.status === 401 || res.status === 403
      ? storeError("credentials", `${method} ${url(name)}: the store refused the credentials (HTTP ${res.status})`, {
          hint: "check the token or header the store expects; secrets come from the environment (TYK_TS_PUBLISH_TOKEN, or a header naming a variable)",
        })
      : storeError("store", `${method} ${url(name)}: the store answered HTTP ${res.status} ${res.statusText}`.trimEnd());
  return {
    location: url,
    async compare(name, data) {
      const res = await request("GET", name, { readBody: true });
      if (res.status === 404 || res.status === 410) return "absent";
      if (res.status !== 200) throw refused("GET", name, res);
      return res.body.equals(data) ? "same" : "different";
    },
    async create(name, data) {
      const res = await request("PUT", name, { body: data, headers: { "Content-Type": "application/zip", "Content-MD5": md5Base64(data), "If-None-Match": "*" } });
      if (res.status === 412) return { outcome: "exists", conditional: true, parts: 1 };
      if (res.status >= 200 && res.status < 300) return { outcome: "written", conditional: true, parts: 1 };
      throw refused("PUT", name, res);
    },
    close() {},
  };
}
