/**
 * Directory listings: what a developer wants to see before pointing the gateway at a bundle (its
 * size, whether its checksum holds, whether and how it is signed). HTML for browsers, JSON for tools.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { formatBytes } from "../bytes.js";
import { isHiddenName, isInside } from "./request-path.js";
import type { BundleStatus, BundleVerdicts } from "./verdicts.js";

export interface ListingEntry {
  name: string;
  type: "file" | "directory";
  /** Absolute, percent-encoded URL path. */
  url: string;
  /** Bytes; files only. */
  size?: number;
  modified: string;
  /** Bundles only (`.zip` files, or every file under --verify). */
  bundle?: BundleStatus;
}

export interface Listing {
  path: string;
  entries: ListingEntry[];
}

export function urlPathOf(segments: string[], directory: boolean): string {
  const joined = segments.map(encodeURIComponent).join("/");
  return `/${joined}${directory && joined ? "/" : ""}`;
}

export interface ListOptions {
  rootReal: string;
  dirReal: string;
  /** The directory's path under the root, as segments. */
  segments: string[];
  verdicts: BundleVerdicts;
  /** Check every file as a bundle (under --verify), not only `.zip` files. */
  checkAll: boolean;
}

export async function listDirectory(o: ListOptions): Promise<Listing> {
  const names = (await readdir(o.dirReal)).filter((n) => !isHiddenName(n));
  const entries = await Promise.all(names.map((name) => describeEntry(o, name)));
  const shown = entries.filter((e): e is ListingEntry => e !== undefined);
  shown.sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type === "directory" ? -1 : 1));
  return { path: urlPathOf(o.segments, true), entries: shown };
}

/** Undefined for what a request could not reach either: symlinks out of the root or to dotfiles. */
async function describeEntry(o: ListOptions, name: string): Promise<ListingEntry | undefined> {
  let real: string;
  try {
    real = await realpath(path.join(o.dirReal, name));
  } catch {
    return undefined; // dangling symlink, or removed since readdir
  }
  if (!isInside(o.rootReal, real) || path.relative(o.rootReal, real).split(path.sep).some(isHiddenName)) return undefined;
  const stats = await stat(real, { bigint: true }).catch(() => undefined);
  if (!stats || !(stats.isFile() || stats.isDirectory())) return undefined;
  const modified = new Date(Number(stats.mtimeMs)).toISOString();
  if (stats.isDirectory()) return { name, type: "directory", url: urlPathOf([...o.segments, name], true), modified };
  const entry: ListingEntry = { name, type: "file", url: urlPathOf([...o.segments, name], false), size: Number(stats.size), modified };
  if (o.checkAll || name.toLowerCase().endsWith(".zip")) {
    const verdict = await o.verdicts.verdictFor(real, stats);
    if (verdict) entry.bundle = verdict;
  }
  return entry;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function statusCells(b: BundleStatus | undefined): string {
  if (!b) return "<td></td><td></td><td></td>";
  const problems = b.problems.filter((p) => p.severity !== "info").map((p) => `${p.severity}: ${p.message}`);
  const verdict = `<span class="${b.verdict === "accepted" ? "ok" : b.verdict === "refused" ? "bad" : "warn"}">${b.verdict}</span>`;
  const detail = problems.length ? `<ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul>` : "";
  const cell = (s: string) => `<td${s === "ok" || s === "valid" ? ' class="ok"' : s === "mismatch" || s === "invalid" ? ' class="bad"' : ""}>${s}</td>`;
  return `${cell(b.checksum)}${cell(b.signature)}<td>${verdict}${detail}</td>`;
}

export function renderListingHtml(listing: Listing): string {
  const rows = listing.entries.map((e) => {
    const label = escapeHtml(e.type === "directory" ? `${e.name}/` : e.name);
    const size = e.size === undefined ? "" : `<span title="${e.size} bytes">${formatBytes(e.size)}</span>`;
    return `<tr><td><a href="${escapeHtml(e.url)}">${label}</a></td><td class="num">${size}</td><td>${e.modified.replace("T", " ").replace(/\.\d+Z$/, "Z")}</td>${statusCells(e.bundle)}</tr>`;
  });
  if (listing.path !== "/") rows.unshift(`<tr><td><a href="${escapeHtml(listing.path.replace(/[^/]+\/$/, ""))}">../</a></td><td></td><td></td><td></td><td></td><td></td></tr>`);
  const title = `Index of ${escapeHtml(decodeURIComponent(listing.path))}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}th,td{padding:.25em .8em;text-align:left;vertical-align:top}
tr:nth-child(even){background:#f4f4f4}.num{text-align:right}.ok{color:#186a18}.bad{color:#b00020}.warn{color:#8a5a00}ul{margin:.2em 0;padding-left:1.2em}</style></head>
<body><h1>${title}</h1>
<table><thead><tr><th>Name</th><th>Size</th><th>Modified</th><th>Checksum</th><th>Signature</th><th>Verdict</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table>
<p>Served by tyk-ts serve. Dotfiles are not listed or served.</p>
</body></html>
`;
}
