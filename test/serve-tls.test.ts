/** `serve` over HTTPS: the gateway's downloader caps TLS at 1.2, so 1.2 handshakes must work. */
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/serve/server.js";
import { fetchRaw, startServer } from "./helpers/serve-client.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const run = promisify(execFile);

async function rootWithBundle(): Promise<string> {
  const root = await tempDir("tyk-ts-serve-tls-");
  await writeFile(path.join(root, "a.zip"), "bundle bytes");
  return root;
}

/** Connects with TLS 1.2 at most, trusting `ca`, and reports what was negotiated. */
function handshake(port: number, ca: string): Promise<{ protocol: string | null; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca, maxVersion: "TLSv1.2" }, () => {
      resolve({ protocol: socket.getProtocol(), authorized: socket.authorized });
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("serve --self-signed", () => {
  it("makes a certificate for localhost and 127.0.0.1 that a TLS 1.2 client verifies", async () => {
    const { server } = await startServer({ root: await rootWithBundle(), tls: { selfSigned: true } });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const certificate = new X509Certificate(server.tls!.certificate);
    expect(certificate.subjectAltName).toContain("DNS:localhost");
    expect(certificate.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true); // signed by its own key
    expect(server.tls!.fingerprint).toBe(certificate.fingerprint256);

    expect(await handshake(server.port, server.tls!.certificate)).toEqual({ protocol: "TLSv1.2", authorized: true });
    const r = await fetchRaw(server.url, "/a.zip", { ca: server.tls!.certificate, maxVersion: "TLSv1.2" });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("bundle bytes");
  });

  it.skipIf(!hasTool("openssl"))("completes an openssl s_client -tls1_2 handshake with a Go-default cipher suite", async () => {
    const { server } = await startServer({ root: await rootWithBundle(), tls: { selfSigned: true } });
    const caFile = path.join(await tempDir(), "ca.pem");
    await writeFile(caFile, server.tls!.certificate);
    // s_client's exit status says how the connection ended after the handshake (a reset while it
    // sends close_notify happens under load); the handshake itself is what its report shows.
    const { stdout } = await run(
      "sh",
      ["-c", `openssl s_client -connect 127.0.0.1:${server.port} -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -CAfile ${caFile} -verify_return_error </dev/null`],
      { timeout: 10_000 },
    ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }));
    expect(stdout).toMatch(/Protocol\s*:\s*TLSv1\.2/);
    expect(stdout).toMatch(/Cipher\s*:\s*ECDHE-RSA-AES128-GCM-SHA256/);
    expect(stdout).toContain("Verify return code: 0 (ok)");
  });
});

describe.skipIf(!hasTool("openssl"))("serve --tls-cert/--tls-key", () => {
  it("serves HTTPS with a certificate and key made by openssl", async () => {
    const dir = await tempDir();
    const [cert, key] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"]);
    const { server } = await startServer({ root: await rootWithBundle(), tls: { cert, key } });
    expect(server.tls?.selfSigned).toBe(false);
    const r = await fetchRaw(server.url, "/a.zip", { ca: await readFile(cert, "utf8"), maxVersion: "TLSv1.2" });
    expect(r.status).toBe(200);
  });

  it("names the files when the key does not belong to the certificate", async () => {
    const dir = await tempDir();
    const [cert, key, otherKey] = ["cert.pem", "key.pem", "other.pem"].map((n) => path.join(dir, n)) as [string, string, string];
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"]);
    await run("openssl", ["genrsa", "-out", otherKey, "2048"]);
    await expect(createServer({ root: dir, port: 0, tls: { cert, key: otherKey } })).rejects.toMatchObject({
      code: "tls-key-invalid",
      message: expect.stringContaining(`TLS key ${otherKey} cannot be used with certificate ${cert}`),
    });
    await expect(createServer({ root: dir, port: 0, tls: { cert: key, key } })).rejects.toMatchObject({ code: "tls-cert-invalid" });
  });
});
