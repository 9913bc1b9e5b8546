/** Output formats: adding one is adding a file and a line here. */
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import { json } from "./json.js";
import { junit } from "./junit.js";
import { sarif } from "./sarif.js";
import { stylish } from "./stylish.js";
import type { Formatter } from "./types.js";

export const FORMATS = ["stylish", "json", "sarif", "junit", "github", "gitlab"] as const;
export type Format = (typeof FORMATS)[number];

export const formatters: Record<Format, Formatter> = { stylish, json, sarif, junit, github, gitlab };

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export type { FormatContext, Formatter } from "./types.js";
