/**
 * `tyk-ts config env`, `tyk-ts config print`, and `bundle verify -c` with the environment, as a
 * user runs them (the built CLI, in a temporary folder).
 */
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { envFields } from "../src/config/env-names.js";
import { FIXTURES, runCli } from "./helpers/cli.js";
import { hasPython, pythonBundle } from "./helpers/independent.js";
import { writeTestKeys } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

// The tests decide the environment: nothing of the machine's TYK_* leaks in.
const CLEAN = Object.fromEntries(Object.keys(process.env).filter((k) => /^TYK_/i.test(k)).map((k) => [k, undefined]));

describe("tyk-ts config env", () => {
  it("lists every field's variable as JSON", async () => {
    const r = await runCli(["config", "env", "--json"]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; path: string; type: string; default?: unknown }>;
    expect(rows).toHaveLength(envFields().length);
    expect(rows).toContainEqual({ name: "TYK_GW_LISTENPORT", path: "listen_port", goType: "int", type: expect.stringMatching(/^int /), default: 8080 });
    expect(rows).toContainEqual(expect.objectContaining({ name: "TYK_GW_LIVENESSCHECK_CHECKDURATION", type: expect.stringContaining("duration") }));
  });

  it("takes sections, paths and variable names, and answers a typo with a suggestion (exit 2)", async () => {
    const r = await runCli(["config", "env", "coprocess_options.enable_coprocess", "TYK_GW_SECRET"]);
    expect(r.stdout).toMatch(/^TYK_GW_COPROCESSOPTIONS_ENABLECOPROCESS +coprocess_options.enable_coprocess +bool/m);
    expect(r.stdout).toMatch(/^TYK_GW_SECRET +secret +string/m);
    const typo = await runCli(["config", "env", "TYK_GW_ENABLE_BUNDLE_DOWNLOADER"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean TYK_GW_ENABLEBUNDLEDOWNLOADER?");
  });
});

describe("tyk-ts config print", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    cpSync(path.join(FIXTURES, "gateway-env"), dir, { recursive: true });
  });
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(["config", "print", ...args], { cwd: dir, env: { ...CLEAN, ...env } });

  it("prints tyk.conf with the .env on top, secrets redacted, references kept", async () => {
    const r = await run(["-c", "tyk.conf", "--env-file", "run.env"]);
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout) as Record<string, any>;
    expect(config.secret).toBe("<redacted>");
    expect(config.storage).toMatchObject({ host: "tyk-redis", password: "env://redis_password", optimisation_max_idle: 100 });
    expect(config.secrets).toEqual({ upstream: "<redacted>" });
    expect(r.stderr).toBe("");
  });

  it("--explain names each layer and the one that wins", async () => {
    const r = await run(["-c", "tyk.conf", "--env-file", "run.env", "--explain", "TYK_GW_SECRET", "--show-secrets"]);
    expect(r.stdout.split("\n").map((l) => l.trim())).toEqual([
      'secret = "9c4f2b7e1d8a6f3c5e0b9a7d2c4f6e8a1b3d5f7c"  (TYK_GW_SECRET)',
      'under  default "352d20ee67be67f6340b4c0605b044b7"  config.Default',
      'under  file    "352d20ee67be67f6340b4c0605b044b7"  tyk.conf',
      'wins   env     "9c4f2b7e1d8a6f3c5e0b9a7d2c4f6e8a1b3d5f7c"  run.env:1',
      "",
    ]);
  });

  it("--env applies this process's variables last; TYK_GW_OMITCONFIGFILE=true drops tyk.conf and the defaults", async () => {
    const r = await run(["-c", "tyk.conf", "--env", "--json"], { TYK_GW_OMITCONFIGFILE: "True", TYK_GW_LISTENPORT: "9000" });
    const out = JSON.parse(r.stdout) as { config: unknown; omitConfigFile: boolean; problems: Array<{ code: string }> };
    expect(out.config).toEqual({ listen_port: 9000 });
    expect(out.omitConfigFile).toBe(true);
    expect(out.problems.map((p) => p.code)).toEqual(["env-ignored-file"]);
    const one = await run(["-c", "tyk.conf", "--env", "--json"], { TYK_GW_OMITCONFIGFILE: "1" });
    expect((JSON.parse(one.stdout) as { omitConfigFile: boolean }).omitConfigFile).toBe(false);
  });

  it("exits 1 with the gateway's own error, at the line of the .env, when a value stops the gateway", async () => {
    writeFileSync(path.join(dir, "bad.env"), "# ok\nTYK_GW_LISTENPORT=8080\nTYK_GW_HTTPSERVEROPTIONS_USESSL=yes\nTYK_GW_ENABLE_JSVM=true\n");
    const r = await run(["-c", "tyk.conf", "--env-file", "bad.env"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error bad.env:3: TYK_GW_HTTPSERVEROPTIONS_USESSL=\"yes\" stops the gateway at start: envconfig.Process: assigning TYK_GW_HTTPSERVEROPTIONS_USESSL to UseSSL: converting 'yes' to type bool. details: strconv.ParseBool: parsing \"yes\": invalid syntax [env-parse]");
    expect(r.stderr).toContain("bad.env:4: TYK_GW_ENABLE_JSVM is not a gateway variable, the gateway ignores it; did you mean TYK_GW_ENABLEJSVM?");
    // tyk.conf's env://redis_password is unresolved in this environment.
    expect(r.stderr).toContain("storage.password is env://redis_password, but TYK_SECRET_REDIS_PASSWORD is not set");
  });

  it("refuses a .env that compose would refuse, with its line (exit 2)", async () => {
    writeFileSync(path.join(dir, "broken.env"), "A=1\nB='open\n");
    const r = await run(["--env-file", "broken.env"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken.env:2:1: unterminated quoted value 'open");
  });
});

describe.skipIf(!hasPython)("bundle verify -c with the gateway's environment", () => {
  it("takes public_key_path from TYK_GW_PUBLICKEYPATH over tyk.conf, from --env-file or the process", async () => {
    const dir = await tempDir();
    const right = writeTestKeys(dir, "right");
    const wrong = writeTestKeys(dir, "wrong");
    const bundle = path.join(dir, "signed.zip");
    pythonBundle({ out: bundle, entries: [{ name: "middleware.py", text: "print('hi')\n" }], manifest: { file_list: ["middleware.py"], custom_middleware: { driver: "python", pre: [{ name: "Pre" }] } }, sign_key: right.privatePkcs8 });
    writeFileSync(path.join(dir, "tyk.conf"), JSON.stringify({ public_key_path: path.basename(wrong.publicSpki) }));
    writeFileSync(path.join(dir, "gw.env"), `TYK_GW_PUBLICKEYPATH=${right.publicSpki}\n`);
    const fileOnly = await runCli(["bundle", "verify", "-c", "tyk.conf", bundle], { cwd: dir, env: CLEAN });
    expect(fileOnly.code).toBe(1);
    const withEnvFile = await runCli(["bundle", "verify", "-c", "tyk.conf", "--env-file", "gw.env", bundle], { cwd: dir, env: CLEAN });
    expect(withEnvFile.code).toBe(0);
    expect(withEnvFile.stdout).toContain("accepted (checksum and signature match)");
    const fromProcess = await runCli(["bundle", "verify", "-c", "tyk.conf", bundle], { cwd: dir, env: { ...CLEAN, TYK_GW_PUBLICKEYPATH: right.publicSpki } });
    expect(fromProcess.code).toBe(0);
    const misspelt = await runCli(["bundle", "verify", "-c", "tyk.conf", bundle], { cwd: dir, env: { ...CLEAN, TYK_GW_PUBLIC_KEY_PATH: right.publicSpki } });
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toContain("TYK_GW_PUBLIC_KEY_PATH is not a gateway variable, the gateway ignores it; did you mean TYK_GW_PUBLICKEYPATH?");
    const serveBoth = await runCli(["serve", dir, "-k", right.publicSpki, "-c", "tyk.conf"], { cwd: dir, env: CLEAN });
    expect(serveBoth).toMatchObject({ code: 2, stderr: expect.stringContaining("--key and --config both name the public key") });
  });
});
