import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { hasTool } from "./helpers/keys.js";
import { tempDir } from "./helpers/tmp.js";

const scripts: Record<string, string> = {};
let dir = "";
/** The command names `tyk-ts --help` lists, so the test follows the program as commands are added. */
let helpCommands: string[] = [];

beforeAll(async () => {
  dir = await tempDir();
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = await runCli(["completion", shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = path.join(dir, `tyk-ts.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
  const help = await runCli(["--help"]);
  helpCommands = [...help.stdout.split("Commands:")[1]!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
});

/** Asks bash's completion function what it offers for the words typed so far (the last one is being typed). */
function bashComplete(...words: string[]): string[] {
  const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _tyk_ts; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", script, "bash", scripts.bash!, "tyk-ts", ...words], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** zsh's completion system needs a terminal, so its builtins are stood in for by functions that print what they were given. */
function zshComplete(...words: string[]): string {
  const script = `compdef() { :; }; source "$1"; shift
_describe() { print -r -- "\${(j: :)\${(@)\${(P)4}%%:*}}"; }
compadd() { print -r -- "\${(j: :)\${(P)2}}"; }
_files() { print -r -- "<files>"; }
words=("$@"); CURRENT=$#; PREFIX=\${words[CURRENT]}; _tyk_ts`;
  return execFileSync("zsh", ["-c", script, "zsh", scripts.zsh!, "tyk-ts", ...words], { encoding: "utf8" }).trim();
}

function fishComplete(line: string): string[] {
  return execFileSync("fish", ["-c", `source $argv[1]; complete -C $argv[2]`, scripts.fish!, line], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t")[0]!);
}

describe("tyk-ts completion", () => {
  it("refuses an unknown shell and names the ones it knows", async () => {
    const r = await runCli(["completion", "powershell"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Allowed choices are bash, zsh, fish");
  });

  it.runIf(hasTool("bash"))("bash: completes every command, subcommands, options, choices and files", () => {
    expect(bashComplete("")).toEqual([...helpCommands]);
    expect(bashComplete("bu")).toEqual(["bundle"]);
    expect(bashComplete("bundle", "")).toContain("build");
    expect(bashComplete("bundle", "build", "--ma")).toEqual(["--manifest"]);
    expect(bashComplete("--debug", "init", "x", "--driver", "")).toEqual(["python", "grpc", "goplugin", "lua", "otto"]);
    expect(bashComplete("init", "-d", "g")).toEqual(["grpc", "goplugin"]);
    expect(bashComplete("completion", "")).toEqual(["bash", "zsh", "fish"]);
    // A value that is a path: nothing offered, so bash falls back to file names (complete -o default).
    expect(bashComplete("bundle", "build", "-m", "")).toEqual([]);
    expect(bashComplete("bundle", "build", "-m", "m.json", "--js")).toEqual(["--json"]);
  });

  it.runIf(hasTool("zsh"))("zsh: completes commands with descriptions, options, choices and files", () => {
    expect(zshComplete("").split(" ")).toEqual([...helpCommands]);
    expect(zshComplete("bundle", "build", "--")).toContain("--manifest");
    expect(zshComplete("init", "x", "--driver", "")).toBe("python grpc goplugin lua otto");
    expect(zshComplete("bundle", "build", "-k", "")).toBe("<files>");
    expect(zshComplete("completion", "")).toBe("bash zsh fish");
  });

  it.runIf(hasTool("fish"))("fish: completes commands, options, choices and files", async () => {
    expect(fishComplete("tyk-ts ")).toEqual(expect.arrayContaining(helpCommands));
    expect(fishComplete("tyk-ts bundle build --ma")).toEqual(["--manifest"]);
    expect(fishComplete("tyk-ts init x --driver ")).toEqual(["goplugin", "grpc", "lua", "otto", "python"]);
    writeFileSync(path.join(dir, "plugin-manifest.json"), "{}");
    expect(fishComplete(`tyk-ts bundle build -m ${dir}/plugin-m`)).toEqual([`${dir}/plugin-manifest.json`]);
  });
});
