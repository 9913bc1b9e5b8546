/**
 * The import picture has floors that only point down: in every folder of src/, the files and
 * sub-folders it holds import one another without a circle (a sub-folder counts as one node, so a
 * circle through two folders is caught as well as one between two files). Type-only and lazy
 * `import()`s count too: a reader follows them all the same.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

const SRC = path.join(ROOT, "src");
const files = readdirSync(SRC, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.split(path.sep).join("/"));

/** file → the files it imports, all relative to src/. */
const imports = new Map(
  files.map((file) => {
    const text = readFileSync(path.join(SRC, file), "utf8");
    const targets = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!.replace(/\.js$/, ".ts"))),
    );
    return [file, targets.filter((t) => files.includes(t))];
  }),
);

/** A circle among the children of `dir` (files, and sub-folders taken whole), or undefined. */
function circleIn(dir: string): string[] | undefined {
  const prefix = dir ? `${dir}/` : "";
  const child = (file: string) => (file.startsWith(prefix) ? file.slice(prefix.length).split("/")[0]! : undefined);
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of imports) {
    const from = child(file);
    if (from === undefined) continue;
    for (const target of targets) {
      const to = child(target);
      if (to === undefined || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const state = new Map<string, "open" | "done">();
  const trail: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, "open");
    trail.push(node);
    for (const next of edges.get(node) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    trail.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys()) {
    const circle = visit(node);
    if (circle) return circle.map((c) => prefix + c);
  }
  return undefined;
}

const folders = ["", ...new Set(files.flatMap((f) => f.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))))].sort();

describe("imports in src/", () => {
  it("reads every module's imports", () => {
    expect(imports.get("cli.ts")).toContain("commands/types.ts");
  });

  it.each(folders.map((f) => [f || "src"]))("no import circle in %s", (folder) => {
    expect(circleIn(folder === "src" ? "" : folder)).toBeUndefined();
  });
});
