/**
 * Every shell block in README.md and docs/*.md runs, as written, so a walkthrough cannot break
 * again. The conventions, for whoever writes docs:
 *
 * - A ```sh block (also bash, shell, console) is run with `bash -e -o pipefail` in a fresh temporary
 *   folder holding the example repository of fixtures/docs-project/ (apis/, policies/, tyk.conf: a
 *   user's repository, clean under `--profile production`), with `tyk-ts` on PATH (this build, or
 *   TYK_TS_BIN) and HOME set to that folder. Every command must succeed.
 * - `<!-- setup: <shell> -->` on a line just above the block runs first: it makes what the block
 *   assumes the reader already has (a plugin folder, keys, a bundles folder), without cluttering the
 *   page.
 * - `<!-- not-run: <reason> -->` just above a shell block leaves it out; the reason is required and
 *   should name the test that covers it, if any.
 * - `tyk-ts serve` lines run until the server says it is serving, then get Ctrl-C, as a reader would
 *   do; they get `-p 0` so that runs in parallel do not fight over port 8000.
 * - Every other block says what it is: ```text for output and illustrations, ```json, ```yaml, ```js,
 *   ```ts for file contents and code (the library examples of docs/distribution.md run in
 *   test/library.test.ts, the CI recipes of docs/ci.md in test/ci-recipes.test.ts). A block without
 *   a language is refused.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, writeCliShim } from "./helpers/cli.js";
import { tempDir } from "./helpers/tmp.js";

const SHELLS = new Set(["sh", "bash", "shell", "console"]);
const DOCS = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  setup: string[];
  notRun?: string;
}

function blocksOf(file: string): Block[] {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(.*)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i]!.startsWith("```")) body.push(lines[i]!);
    const setup: string[] = [];
    let notRun: string | undefined;
    for (let j = start - 1; j >= 0; j--) {
      const comment = /^<!--\s*(setup|not-run):\s*([^]*?)\s*-->$/.exec(lines[j]!);
      if (!comment) break;
      if (comment[1] === "setup") setup.unshift(comment[2]!);
      else notRun = comment[2]!;
    }
    blocks.push({ file, line: start + 1, lang: fence[1]!.trim(), code: body.join("\n"), setup, notRun });
  }
  return blocks;
}

const blocks = DOCS.flatMap(blocksOf);
const shellBlocks = blocks.filter((b) => SHELLS.has(b.lang));
const runnable = shellBlocks.filter((b) => b.notRun === undefined);

/** Runs `tyk-ts serve …` until it is serving, then stops it with Ctrl-C (SIGINT), as a reader would. */
const PRELUDE = `
serve_until_listening() {
  "$@" > .serve.out 2> .serve.err &
  local pid=$!
  for _ in $(seq 600); do
    grep -q '^serving' .serve.out 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if ! grep -q '^serving' .serve.out 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    echo "not serving after 30 s:" >&2; cat .serve.out .serve.err >&2
    return 1
  fi
  kill -INT "$pid"
  wait "$pid"
}
`;

function script(block: Block): string {
  const code = block.code.replace(/^(\s*)tyk-ts serve\b/gm, "$1serve_until_listening tyk-ts serve -p 0");
  return [PRELUDE, ...block.setup, code].join("\n");
}

let shimDir = "";

beforeAll(async () => {
  shimDir = await tempDir();
  writeCliShim(shimDir);
});

describe("code blocks in README.md and docs/", () => {
  it("finds the shell blocks", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(7);
    expect(runnable.some((b) => b.file === "README.md" && b.code.includes("tyk-ts init my-plugin"))).toBe(true);
  });

  it("every block says what it is", () => {
    expect(blocks.filter((b) => b.lang === "").map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  it("markers sit on shell blocks, and every not-run block says why", () => {
    expect(blocks.filter((b) => (b.setup.length > 0 || b.notRun !== undefined) && !SHELLS.has(b.lang)).map((b) => `${b.file}:${b.line}`)).toEqual([]);
    expect(shellBlocks.filter((b) => b.notRun !== undefined && b.notRun.length < 10).map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  it("links point at files of this repository", () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith("#")) continue;
        const local = path.resolve(path.dirname(path.join(ROOT, file)), target!.split("#")[0]!);
        if (!local.startsWith(ROOT + path.sep) || !existsSync(local)) broken.push(`${file}: ${target}`);
      }
      if (text.includes("../shared/")) broken.push(`${file}: ../shared/ is not part of the project`);
    }
    expect(broken).toEqual([]);
  });

  it.each(runnable.map((b) => [`${b.file}:${b.line}`, b] as const))("%s runs as written", async (_, block) => {
    const dir = await tempDir("tyk-ts-docs-");
    cpSync(path.join(FIXTURES, "docs-project"), dir, { recursive: true });
    const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script(block)], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: `${shimDir}:${process.env.PATH}`, HOME: dir, NO_COLOR: "1", TMPDIR: dir },
      timeout: 120_000,
    });
    expect(r.status, `${block.file}:${block.line}\n${script(block)}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
  }, 150_000);
});
