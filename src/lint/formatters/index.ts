/** Output formats: adding one is adding a file and a line here. */
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import { json } from "./json.js";
import { junit } from "./junit.js";
import { sarif } from "./sarif.js";
import { stylish } from "./stylish.js";
import type { Formatter } from "./types.js";

import type { Format } from "./formats.js";

export const formatters: Record<Format, Formatter> = { stylish, json, sarif, junit, github, gitlab };

export { FORMATS, type Format } from "./formats.js";

export type { FormatContext, Formatter } from "./types.js";
