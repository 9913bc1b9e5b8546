/**
 * Real stores on the loopback interface for `bundle publish` tests: s3rver (an S3-compatible server
 * from npm, speaking the S3 REST protocol the AWS SDK uses), moto_server where installed (stricter:
 * conditional writes), Debian's nginx with WebDAV PUT, and a TCP relay that cuts the connection
 * after a number of bytes, as a dropped network does.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { afterAll } from "vitest";
import { tempDir } from "./tmp.js";

const require = createRequire(import.meta.url);
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

export interface Running {
  /** http://127.0.0.1:port */
  url: string;
  port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

function track(child: ChildProcess): () => Promise<void> {
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    children.delete(child);
  };
}

export function s3rverPath(): string | undefined {
  try {
    return require.resolve("s3rver/bin/s3rver.js");
  } catch {
    return undefined;
  }
}

/** s3rver with one bucket; its credentials are S3RVER / S3RVER. Anonymous GETs are served (a public bucket). */
export async function startS3rver(bucket: string): Promise<Running & { dir: string }> {
  const bin = s3rverPath();
  if (!bin) throw new Error("s3rver is not installed (npm ci installs it as a devDependency)");
  const dir = await tempDir("tyk-ts-s3rver-");
  const child = spawn(process.execPath, [bin, "-d", dir, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket], { stdio: ["ignore", "pipe", "pipe"] });
  const stop = track(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 15_000);
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `http://127.0.0.1:${port}`, port, dir, stop };
}

export const hasMoto = (): boolean => spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;

/** moto_server (Python; not installable from Debian 12): used when present. */
export async function startMoto(): Promise<Running> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const stop = track(child);
  await waitForPort(port, 20_000);
  return { url: `http://127.0.0.1:${port}`, port, stop };
}

export const hasNginx = (): boolean => spawnSync("nginx", ["-v"], { stdio: "ignore" }).status === 0;

/**
 * nginx with WebDAV PUT under its own prefix (config, pid, logs and temp files in a temp folder),
 * in the foreground as our child. PUT needs `Authorization: Bearer <token>`; GET is public, as a
 * gateway's download is.
 */
export async function startNginxDav(options: { token: string; maxBody?: string }): Promise<Running & { root: string }> {
  const prefix = await tempDir("tyk-ts-nginx-");
  const root = path.join(prefix, "root");
  await mkdir(root);
  await mkdir(path.join(prefix, "logs"));
  const port = await freePort();
  const conf = `${process.getuid?.() === 0 ? "user root;\n" : ""}daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  access_log ${prefix}/logs/access.log;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    client_max_body_size ${options.maxBody ?? "256m"};
    location / {
      dav_methods PUT;
      create_full_put_path on;
      set $refuse "";
      if ($request_method = PUT) { set $refuse "P"; }
      if ($http_authorization != "Bearer ${options.token}") { set $refuse "\${refuse}A"; }
      if ($refuse = "PA") { return 401; }
    }
  }
}
`;
  await writeFile(path.join(prefix, "nginx.conf"), conf);
  const child = spawn("nginx", ["-p", prefix, "-c", path.join(prefix, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const stop = track(child);
  await waitForPort(port, 10_000).catch((err: Error) => {
    throw new Error(`${err.message}; nginx said: ${stderr}`);
  });
  return { url: `http://127.0.0.1:${port}`, port, root, stop };
}

/**
 * A TCP relay to `port` that, once `cutAfter` bytes have gone from client to server, resets every
 * connection it carries and each new one: the network drops in the middle of an upload. With
 * `stall`, it stops forwarding instead and keeps the connections open: the network hangs.
 */
export async function startCuttingRelay(port: number, cutAfter: number, mode: "cut" | "stall" = "cut"): Promise<Running & { forwarded(): number }> {
  let total = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    sockets.add(client).add(upstream);
    const cut = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    const stop = () => (mode === "cut" ? cut() : client.pause());
    if (total >= cutAfter) return stop();
    client.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total >= cutAfter) stop();
      else upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    for (const s of [client, upstream]) s.on("error", () => cut()).on("close", () => (cut(), sockets.delete(s)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const relayPort = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${relayPort}`,
    port: relayPort,
    forwarded: () => total,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Environment for the AWS SDK that reads no file of this machine's and reaches no metadata service. */
export function awsEnv(dir: string, keys: { id: string; secret: string }): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: keys.id,
    AWS_SECRET_ACCESS_KEY: keys.secret,
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: path.join(dir, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
  };
}
