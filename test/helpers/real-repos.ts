/**
 * Real repository layouts rebuilt from ../shared/corpus: every file goes back to the path its
 * repository keeps it at (SOURCES.tsv: `repo` and `path` columns), one folder per repository.
 * Files taken at an older tag are left out (they would sit at the same path as the current file),
 * and so are the files the corpus README lists as invalid on purpose.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./cli.js";

export const SHARED_CORPUS = path.resolve(ROOT, "../shared/corpus");

export const KNOWN_INVALID = new Set([
  "gateway-configs/TykTechnologies__tyk__ci__install__data__tyk.self_contained.conf",
  "gateway-configs/TykTechnologies__tyk__ci__install__data__tyk.with_dash.conf",
  "plugins/vverbani__tyk-plugins__python__vault/manifest.json",
]);

export interface CorpusSource {
  /** Path under the corpus folder. */
  file: string;
  repo: string;
  /** Path inside the repository. */
  path: string;
  commit: string;
  license: string;
}

export function corpusSources(corpus = SHARED_CORPUS): CorpusSource[] {
  const [header, ...rows] = readFileSync(path.join(corpus, "SOURCES.tsv"), "utf8").trimEnd().split("\n");
  const columns = header!.split("\t");
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split("\t"))
    .map((cells) => ({ file: cells[at("file")]!, repo: cells[at("repo")]!, path: cells[at("path")]!, commit: cells[at("commit")]!, license: cells[at("license")]! }))
    .filter((s) => s.repo.includes("/"));
}

/** A historical copy (`<sha> (v2.4.0)`); `branch legacy` is the branch the repository is read from. */
function isOlderTag(source: CorpusSource): boolean {
  return /\(/.test(source.commit) && !/branch/.test(source.commit);
}

/**
 * Copies the corpus files of each repository to `<target>/<owner>__<name>/<path>`; returns the
 * repository folders. Plugin manifests (a folder per manifest in the corpus) are placed too.
 */
export function assembleRepositories(target: string, corpus = SHARED_CORPUS): Map<string, string> {
  const repos = new Map<string, string>();
  for (const source of corpusSources(corpus)) {
    if (isOlderTag(source) || KNOWN_INVALID.has(source.file)) continue;
    const from = path.join(corpus, source.file);
    if (!existsSync(from)) continue;
    const dir = path.join(target, source.repo.replace("/", "__"));
    const to = path.join(dir, source.path);
    if (path.relative(dir, to).startsWith("..")) continue;
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
    repos.set(source.repo, dir);
  }
  return repos;
}
