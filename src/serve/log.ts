/** What the server reports while it runs: one entry per request, and the builds of `--watch`. */
import type { Problem } from "../problem.js";

export interface RequestLogEntry {
  type: "request";
  /** When the request arrived (ISO 8601). */
  time: string;
  remote: string;
  method: string;
  /** The request target as received, with control characters escaped. */
  path: string;
  status: number;
  /** Body bytes handed to the connection. */
  bytes: number;
  durationMs: number;
  /** False when the client went away (or shutdown cut it) before the response was complete. */
  completed: boolean;
  /** Why a request was refused or failed (400, 404 of a hidden file, 409 of a refused bundle). */
  reason?: string;
}

export interface BuildLogEntry {
  type: "build";
  time: string;
  /** The watched plugin directory. */
  plugin: string;
  /** The versioned bundle name: the value for the API's `custom_middleware_bundle`. */
  bundle: string;
  url: string;
  checksum: string;
  signed: boolean;
  warnings: Problem[];
}

export interface BuildFailedLogEntry {
  type: "build-failed";
  time: string;
  plugin: string;
  message: string;
}

export type ServeLogEntry = RequestLogEntry | BuildLogEntry | BuildFailedLogEntry;

/** Escapes what a hostile request could use to forge log lines or drive the terminal. */
export function printableTarget(target: string, max = 2048): string {
  const escaped = target.replace(/[\x00-\x1f\x7f-\x9f\s\\"]/g, (c) => (c === " " ? "%20" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** `time method path status bytes duration [note]`, the order a person scans an access log in. */
export function formatRequestLine(e: RequestLogEntry): string {
  const notes = [e.completed ? "" : "incomplete", e.reason ?? ""].filter(Boolean).join("; ");
  return `${e.time} ${e.method} ${e.path} ${e.status} ${e.bytes} ${e.durationMs}ms${notes ? ` (${notes})` : ""}`;
}
