/** How the CLI feels: suggestions, colour switches, examples in every help text, a light start. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "../src/cli.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

/** Every command path, e.g. ["bundle", "build"], read off the program itself. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((sub) => [[...prefix, sub.name()], ...commandPaths(sub, [...prefix, sub.name()])]);
}

const GREEN = "\u001b[32m";

describe("suggestions", () => {
  it("suggests the closest command for a typo", async () => {
    const r = await runCli(["bundel"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'bundel'");
    expect(r.stderr).toContain("Did you mean bundle?");
  });

  it("suggests the closest subcommand and flag", async () => {
    const sub = await runCli(["bundle", "biuld"]);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("Did you mean build?");
    const flag = await runCli(["bundle", "build", "--manfest", "m.json"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--manfest'");
    expect(flag.stderr).toContain("Did you mean --manifest?");
  });
});

describe("colour", () => {
  const created = async (env: NodeJS.ProcessEnv, args: string[] = []) => {
    const dir = path.join(await tempDir(), "p");
    const r = await runCli([...args, "init", dir, "--driver", "python"], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } });
    expect(r.code).toBe(0);
    return r.stdout;
  };

  it("is off when output is not a terminal, on with FORCE_COLOR", async () => {
    expect(await created({})).not.toContain("\u001b[");
    expect(await created({ FORCE_COLOR: "1" })).toContain(`${GREEN}created`);
  });

  it("is off with NO_COLOR or --no-color, even with FORCE_COLOR", async () => {
    expect(await created({ FORCE_COLOR: "1", NO_COLOR: "1" })).not.toContain("\u001b[");
    expect(await created({ FORCE_COLOR: "1" }, ["--no-color"])).not.toContain("\u001b[");
  });
});

describe("help", () => {
  const paths = commandPaths(createProgram()).filter((p) => p.at(-1) !== "help");

  it.each(paths.map((p) => [p.join(" ")]))("`tyk-ts %s --help` shows an example", async (name) => {
    const r = await runCli([...name.split(" "), "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nExamples?:\n {2}tyk-ts /);
  });
});

describe("start-up", () => {
  // Records every module Node loads while the compiled (unbundled) CLI answers --help or --version:
  // the heavy modules must wait for the command that needs them.
  it("--help and --version load only the command layer, commander and chalk", async () => {
    const dir = await tempDir();
    const log = path.join(dir, "loaded.txt");
    writeFileSync(
      path.join(dir, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }\n`,
    );
    writeFileSync(path.join(dir, "register.mjs"), `import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n`);
    const cli = pathToFileURL(path.join(ROOT, "dist/cli.js")).href;
    for (const flag of ["--help", "--version"]) {
      writeFileSync(log, "");
      const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(["node", "tyk-ts", ${JSON.stringify(flag)}]);`;
      const r = spawnSync(process.execPath, ["--import", path.join(dir, "register.mjs"), "--input-type=module", "-e", script], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const loaded = readFileSync(log, "utf8")
        .split("\n")
        .filter((url) => url.startsWith("file:"))
        .map((url) => path.relative(ROOT, fileURLToPath(url)));
      // Besides the command layer (and the byte formatter it prints with): modules holding only the constants a command's flags list.
      const constants = ["dist/init/drivers.js", "dist/lint/types.js", "dist/lint/formatters/formats.js", "dist/goplugin/hooks.js"];
      const allowed = /^(dist\/(cli|errors|bytes)\.js|dist\/(commands|ui)\/[^/]+\.js|node_modules\/(commander|chalk)\/.*)$/;
      expect(loaded.filter((m) => !allowed.test(m) && !constants.includes(m))).toEqual([]);
    }
  });
});
