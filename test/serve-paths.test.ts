/**
 * `serve` never hands out anything outside its root: hostile request paths sent with curl --path-as-is
 * (so nothing is normalised on the way), symlinks leaving the root, dotfiles.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isInside, parseRequestPath } from "../src/serve/request-path.js";
import { curl, fetchRaw, startServer, type StartedServer } from "./helpers/serve-client.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

describe("parseRequestPath", () => {
  it("splits on raw slashes before decoding, and drops empty segments", () => {
    expect(parseRequestPath("/a/b%20c.zip")).toEqual({ ok: true, segments: ["a", "b c.zip"] });
    expect(parseRequestPath("//a///b/")).toEqual({ ok: true, segments: ["a", "b"] });
    expect(parseRequestPath("/a.zip?v=../../x#frag")).toEqual({ ok: true, segments: ["a.zip"] });
    expect(parseRequestPath("/")).toEqual({ ok: true, segments: [] });
  });

  it.each([
    ["/../etc/passwd", '".." segment'],
    ["/a/./b", '"." segment'],
    ["/%2e%2e/etc", '".." segment'],
    ["/%2E%2e/etc", '".." segment'],
    ["/..%2fetc", "encoded slash"],
    ["/a%2Fb", "encoded slash"],
    ["/a\\b", "backslash"],
    ["/..%5cetc", "encoded backslash"],
    ["/a%00.zip", "NUL byte"],
    ["/a%0a.zip", "control character"],
    ["/%", "malformed percent-encoding"],
    ["/%zz", "malformed percent-encoding"],
    ["/%c0%ae%c0%ae/etc", "malformed percent-encoding"],
    ["relative/path", "does not start with /"],
    ["http://example.com/a.zip", "does not start with /"],
    [`/${"a".repeat(300)}`, "longer than 255 bytes"],
    [`/${"a/".repeat(40)}`, "deeper than 32 levels"],
    [`/${"a".repeat(3000)}`, "longer than 2048 characters"],
  ])("refuses %.60s (%s)", (url, reason) => {
    const parsed = parseRequestPath(url);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe("isInside", () => {
  it("compares paths, not string prefixes", () => {
    expect(isInside("/srv/bundles", "/srv/bundles")).toBe(true);
    expect(isInside("/srv/bundles", "/srv/bundles/a/b.zip")).toBe(true);
    expect(isInside("/srv/bundles", "/srv/bundles/..hidden.zip")).toBe(true);
    expect(isInside("/srv/bundles", "/srv/bundles-private/key.pem")).toBe(false);
    expect(isInside("/srv/bundles", "/srv")).toBe(false);
    expect(isInside("/srv/bundles", "/etc/passwd")).toBe(false);
  });
});

describe.skipIf(!hasTool("curl"))("serve: hostile paths over HTTP", () => {
  let started: StartedServer;
  let base: string;

  beforeAll(async () => {
    const top = await tempDir("tyk-ts-serve-paths-");
    const root = path.join(top, "served");
    await mkdir(path.join(root, "sub"), { recursive: true });
    await mkdir(path.join(root, ".git"), { recursive: true });
    await mkdir(path.join(top, "outside"));
    await mkdir(path.join(top, "served-private"));
    await writeFile(path.join(top, "outside", "secret.txt"), "TOP SECRET outside");
    await writeFile(path.join(top, "served-private", "key.pem"), "PRIVATE sibling with the same prefix");
    await writeFile(path.join(root, "ok.zip"), "ok bundle");
    await writeFile(path.join(root, "sub", "inner.zip"), "inner bundle");
    await writeFile(path.join(root, ".secret"), "DOT SECRET");
    await writeFile(path.join(root, ".git", "config"), "DOT SECRET git");
    await symlink("ok.zip", path.join(root, "inside-link.zip"));
    await symlink(".secret", path.join(root, "dot-link.zip"));
    await symlink("../outside/secret.txt", path.join(root, "escape-file.zip"));
    await symlink(path.join(top, "outside"), path.join(root, "escape-dir"));
    await symlink("../served-private", path.join(root, "prefix-trap"));
    started = await startServer({ root });
    base = started.server.url.replace(/\/$/, "");
  });

  it.each([
    ["/../outside/secret.txt", 400],
    ["/sub/../../outside/secret.txt", 400],
    ["/%2e%2e/outside/secret.txt", 400],
    ["/%2E%2E/outside/secret.txt", 400],
    ["/.%2e/outside/secret.txt", 400],
    ["/..%2foutside%2fsecret.txt", 400],
    ["/sub/%2e%2e%2f%2e%2e%2foutside/secret.txt", 400],
    ["/%2f..%2foutside%2fsecret.txt", 400],
    ["/..%5coutside%5csecret.txt", 400],
    ["/..\\outside\\secret.txt", 400],
    ["/ok.zip%00.txt", 400],
    ["/%c0%ae%c0%ae/outside/secret.txt", 400],
    ["/%25%32%65%25%32%65/outside/secret.txt", 404],
    ["/.secret", 404],
    ["/%2esecret", 404],
    ["/.git/config", 404],
    ["/sub/../.secret", 400],
    ["/dot-link.zip", 404],
    ["/escape-file.zip", 404],
    ["/escape-dir/secret.txt", 404],
    ["/escape-dir/", 404],
    ["/prefix-trap/key.pem", 404],
    [`/${"x".repeat(3000)}`, 400],
  ])("%.60s → %i, and nothing secret in the body", async (target, status) => {
    const r = await curl([`${base}${target}`]);
    expect(r.status).toBe(status);
    expect(r.body).not.toMatch(/SECRET|PRIVATE/);
  });

  it("refuses a request target that is not an absolute path", async () => {
    const r = await curl(["--request-target", "outside/secret.txt", `${base}/`]);
    expect(r.status).toBe(400);
  });

  it("serves what is inside: plain files, nested files, repeated slashes, symlinks that stay in the root", async () => {
    expect(await curl([`${base}/ok.zip`])).toEqual({ status: 200, body: "ok bundle" });
    expect(await curl([`${base}/sub/inner.zip`])).toEqual({ status: 200, body: "inner bundle" });
    expect(await curl([`${base}//sub//inner.zip`])).toEqual({ status: 200, body: "inner bundle" });
    expect(await curl([`${base}/inside-link.zip`])).toEqual({ status: 200, body: "ok bundle" });
    expect(await curl([`${base}/ok.zip?v=../../outside`])).toEqual({ status: 200, body: "ok bundle" });
  });

  it("lists neither dotfiles nor symlinks that lead out of the root or to dotfiles", async () => {
    const r = await fetchRaw(started.server.url, "/", { headers: { Accept: "application/json" } });
    const names = (JSON.parse(r.body.toString()) as { entries: Array<{ name: string }> }).entries.map((e) => e.name);
    expect(names).toEqual(["sub", "inside-link.zip", "ok.zip"]);
  });

  it("answers 400 to raw bytes no HTTP client would send, and logs them", async () => {
    const from = started.logs.length;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(started.server.port, "127.0.0.1", () => socket.end("GET /ok.zip\x00/../../outside HTTP/1.1\r\nHost: x\r\n\r\n"));
      let data = "";
      socket.setEncoding("latin1").on("data", (d: string) => (data += d));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).not.toContain("ok bundle");
    expect(started.logs.slice(from)).toEqual([expect.objectContaining({ type: "request", status: 400, reason: expect.stringMatching(/^unparseable request/) })]);
  });

  it("logs why a request was refused, with the request path escaped", async () => {
    const from = started.logs.length;
    await curl([`${base}/a%0d%0aforged.zip`]);
    await curl([`${base}/escape-file.zip`]);
    const entries = started.logs.slice(from).filter((e) => e.type === "request");
    expect(entries[0]).toMatchObject({ status: 400, path: "/a%0d%0aforged.zip", reason: "control character in request path" });
    expect(entries[1]).toMatchObject({ status: 404, reason: expect.stringContaining("outside the served directory") });
  });
});
