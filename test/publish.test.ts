/**
 * `bundle publish` to a local folder (a mounted volume, or the folder `serve` serves) and the edits
 * of API definitions: the CLI spawned as a user runs it, and the library function in-process.
 */
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { publishBundles, type PublishResult } from "../src/index.js";
import { runCli } from "./helpers/cli.js";
import { writeTestKeys } from "./helpers/keys.js";
import { buildPlugin, withReplaced, writeDefinitions } from "./helpers/publish.js";
import { startServer } from "./helpers/serve-client.js";
import { tempDir } from "./helpers/tmp.js";

const sha12 = (data: Buffer) => createHash("sha256").update(data).digest("hex").slice(0, 12);

async function setup() {
  const dir = await tempDir("tyk-ts-publish-");
  const store = path.join(dir, "store");
  await mkdir(store);
  const bundle = await buildPlugin(dir, "auth");
  const name = `auth-${sha12(await readFile(bundle))}.zip`;
  const defs = await writeDefinitions(path.join(dir));
  return { dir, store, bundle, name, defs };
}

async function texts(files: Record<string, string>): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, f]) => [k, await readFile(f, "utf8")])));
}

describe("bundle publish to a folder", () => {
  it("stores the bundle under its content name and changes only the reference's bytes in every kind of definition", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    const before = await texts(defs);
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--update", ...Object.values(defs)], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await readdir(store)).toEqual([name]);
    expect((await readFile(path.join(store, name))).equals(await readFile(bundle))).toBe(true);
    expect(r.stdout).toContain(`uploaded ${bundle} → ${path.join(store, name)}`);

    const after = await texts(defs);
    expect(after.classic).toBe(withReplaced(before.classic!, '"auth.zip"', `"${name}"`));
    expect(after.dashboard).toBe(withReplaced(before.dashboard!, '"auth.zip"', `"${name}"`));
    expect(after.oas).toBe(withReplaced(before.oas!, '"auth.zip"', `"${name}"`));
    // Multi-bundle: only the item naming this plugin changes.
    expect(after.multi).toBe(withReplaced(before.multi!, '"pre-trace-id.zip,auth.zip,jws-request-signing.zip"', `"pre-trace-id.zip,${name},jws-request-signing.zip"`));
    // YAML: comments, quoting style and the other document kept.
    expect(after.operator).toBe(withReplaced(before.operator!, "'auth-0123abcd.zip'", `'${name}'`));
    for (const [kind, file] of Object.entries(defs)) expect(r.stdout, kind).toContain(`updated  ${file}:`);
    // No temporary files left beside the definitions or in the store.
    expect((await readdir(dir)).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("is idempotent: a rerun skips the upload and leaves the definitions as they are", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    expect((await runCli(["bundle", "publish", bundle, "--to", store, "--update", defs.classic], { cwd: dir })).code).toBe(0);
    const once = await readFile(defs.classic, "utf8");
    const again = await runCli(["bundle", "publish", bundle, "--to", store, "--update", defs.classic, "--json"], { cwd: dir });
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout) as PublishResult;
    expect(result.bundles).toMatchObject([{ name, upload: "skipped", readBack: true }]);
    expect(result.definitions).toMatchObject([{ status: "current", references: [{ from: name, to: name }] }]);
    expect(await readFile(defs.classic, "utf8")).toBe(once);
  });

  it("gives a new build a new name and moves the definitions to it; the old name stays for gateways still on it", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    expect((await runCli(["bundle", "publish", bundle, "--to", store, "--update", defs.oas], { cwd: dir })).code).toBe(0);
    const rebuilt = await buildPlugin(dir, "auth", "# changed\n");
    const second = `auth-${sha12(await readFile(rebuilt))}.zip`;
    expect(second).not.toBe(name);
    const r = await runCli(["bundle", "publish", rebuilt, "--to", store, "--update", defs.oas], { cwd: dir });
    expect(r.code).toBe(0);
    expect((await readdir(store)).sort()).toEqual([name, second].sort());
    expect(JSON.parse(await readFile(defs.oas, "utf8"))["x-tyk-api-gateway"].middleware.global.pluginConfig.bundle.path).toBe(second);
  });

  it("never overwrites a name that holds other bytes: exit 1, the file and the definitions untouched", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    await writeFile(path.join(store, name), "someone else's bytes");
    const before = await readFile(defs.classic, "utf8");
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--update", defs.classic], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(store, name)} already exists with other bytes; it was not overwritten`);
    expect(await readFile(path.join(store, name), "utf8")).toBe("someone else's bytes");
    expect(await readFile(defs.classic, "utf8")).toBe(before);
  });

  it("never reads through or replaces a symlink, pipe or folder under the name (exit 1)", async () => {
    const { dir, store, bundle, name } = await setup();
    const elsewhere = path.join(dir, "elsewhere.zip");
    await symlink(elsewhere, path.join(store, name));
    const r = await runCli(["bundle", "publish", bundle, "--to", store], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(store, name)} exists and is not a regular file; it was not replaced`);
    expect((await lstat(path.join(store, name))).isSymbolicLink()).toBe(true);
    await expect(lstat(elsewhere)).rejects.toThrow();
  });

  it("plans a definition named twice once", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--json", "--update", defs.classic, path.relative(dir, defs.classic)], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as PublishResult).definitions).toHaveLength(1);
    expect(JSON.parse(await readFile(defs.classic, "utf8")).custom_middleware_bundle).toBe(name);
  });

  it("publishes nothing when the gateway would refuse a bundle (unsigned, with its public key)", async () => {
    const { dir, store, bundle, defs } = await setup();
    const keys = writeTestKeys(dir);
    const before = await readFile(defs.classic, "utf8");
    const r = await runCli(["bundle", "publish", bundle, "-k", keys.publicSpki, "--to", store, "--update", defs.classic], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Bundle isn't signed");
    expect(r.stderr).toContain("nothing was published");
    expect(await readdir(store)).toEqual([]);
    expect(await readFile(defs.classic, "utf8")).toBe(before);

    // The same key through the gateway's own config, as `bundle verify -c` reads it.
    const conf = path.join(dir, "tyk.conf");
    await writeFile(conf, JSON.stringify({ listen_port: 8080, secret: "x", enable_bundle_downloader: true, bundle_base_url: "http://127.0.0.1/", public_key_path: keys.publicSpki }));
    const viaConfig = await runCli(["bundle", "publish", bundle, "-c", conf, "--to", store], { cwd: dir });
    expect(viaConfig.code).toBe(1);
    expect(viaConfig.stderr).toContain("Bundle isn't signed");

    const signed = await buildPlugin(dir, "auth", "", keys.privatePkcs8);
    const ok = await runCli(["bundle", "publish", signed, "-c", conf, "--to", store, "--update", defs.classic], { cwd: dir });
    expect(ok.code).toBe(0);
  });

  it("--dry-run shows the plan and writes nothing", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    const before = await texts(defs);
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--dry-run", "--json", "--update", defs.classic, defs.operator], { cwd: dir });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as PublishResult;
    expect(result).toMatchObject({ dryRun: true, bundles: [{ name, upload: "planned", readBack: false, location: path.join(store, name) }] });
    expect(result.definitions).toMatchObject([
      { status: "updated", references: [{ pointer: "/custom_middleware_bundle", from: "auth.zip", to: name }] },
      { status: "updated", references: [{ pointer: "/spec/custom_middleware_bundle", yamlDocument: 0, line: 15, from: "auth-0123abcd.zip", to: name }] },
    ]);
    expect(await readdir(store)).toEqual([]);
    expect(await texts(defs)).toEqual(before);
  });

  it("reads the bundle back through the public URL a gateway uses (here `tyk-ts serve` on the store folder)", async () => {
    const { dir, store, bundle, name, defs } = await setup();
    const served = await startServer({ root: store });
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--public-url", served.server.url, "--update", defs.classic, "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bundles: [{ url: `${served.server.url}${name}`, readBack: true }] });
    expect(served.logs.some((e) => e.type === "request" && "path" in e && e.path === `/${name}`)).toBe(true);
  });

  it("leaves definitions of other plugins and without bundles alone, and says so", async () => {
    const { dir, store, bundle, defs } = await setup();
    const other = path.join(dir, "other.json");
    await writeFile(other, (await readFile(defs.classic, "utf8")).replace('"auth.zip"', '"billing-1a2b3c4d.zip"'));
    const none = path.join(dir, "none.json");
    await writeFile(none, (await readFile(defs.classic, "utf8")).replace('"auth.zip"', '""'));
    const before = [await readFile(other, "utf8"), await readFile(none, "utf8")];
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--json", "--update", other, none], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as PublishResult).definitions.map((d) => d.status)).toEqual(["unmatched", "unmatched"]);
    expect(r.stderr).toContain("note no definition given to --update names auth.zip or auth-<hex>.zip; none was changed");
    expect([await readFile(other, "utf8"), await readFile(none, "utf8")]).toEqual(before);
  });

  it("refuses a file that is not an API definition, or not valid, before uploading anything (exit 2)", async () => {
    const { dir, store, bundle } = await setup();
    const policy = path.join(dir, "policies.json");
    await writeFile(policy, JSON.stringify({ p1: { rate: 10, per: 1, access_rights: {} } }));
    const r = await runCli(["bundle", "publish", bundle, "--to", store, "--update", policy], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("policies.json holds no API definition");
    const broken = path.join(dir, "broken.yaml");
    await writeFile(broken, "spec:\n  custom_middleware_bundle: [auth.zip\n");
    const y = await runCli(["bundle", "publish", bundle, "--to", store, "--update", broken], { cwd: dir });
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/broken\.yaml:\d+:\d+: invalid YAML/);
    expect(await readdir(store)).toEqual([]);
  });

  it("the library returns what --json prints", async () => {
    const { dir, store, bundle, defs } = await setup();
    const cli = await runCli(["bundle", "publish", bundle, "--to", store, "--dry-run", "--json", "--update", defs.oas], { cwd: dir });
    const lib = await publishBundles({ bundles: [bundle], to: store, dryRun: true, update: [defs.oas] });
    expect(lib).toEqual(JSON.parse(cli.stdout));
  });
});

describe("bundle publish flags", () => {
  it("refuses a secret typed into --header, and reads $VAR from the environment", async () => {
    const dir = await tempDir("tyk-ts-publish-flags-");
    const bundle = await buildPlugin(dir, "auth");
    const literal = await runCli(["bundle", "publish", bundle, "--to", "http://127.0.0.1:9/", "--header", "Authorization: Bearer abc", "--dry-run"], { cwd: dir });
    expect(literal.code).toBe(2);
    expect(literal.stderr).toContain("--header Authorization: a secret would be in the shell history");
    const unset = await runCli(["bundle", "publish", bundle, "--to", "http://127.0.0.1:9/", "--header", "Authorization: Bearer $NOPE_NOT_SET", "--dry-run"], { cwd: dir, env: { NOPE_NOT_SET: undefined } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("NOPE_NOT_SET, which is not set");
    const userinfo = await runCli(["bundle", "publish", bundle, "--to", "https://me:pw@example.com/b/", "--dry-run"], { cwd: dir });
    expect(userinfo.code).toBe(2);
    expect(userinfo.stderr).toContain("carries a user name or password");
    expect(userinfo.stderr).not.toContain("pw");
  });

  it("needs --public-url for s3://", async () => {
    const dir = await tempDir("tyk-ts-publish-flags-");
    const bundle = await buildPlugin(dir, "auth");
    const r = await runCli(["bundle", "publish", bundle, "--to", "s3://bucket/tyk/", "--dry-run"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hint: pass --public-url");
  });
});
