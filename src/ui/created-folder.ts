/** Says on stderr that a folder was created for an output file (`created folder bundles/`). */
import path from "node:path";
import { stderrColor } from "./color.js";

export function printCreatedFolder(dir: string | undefined): void {
  if (dir === undefined) return;
  const relative = path.relative(process.cwd(), dir);
  const shown = relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : dir;
  process.stderr.write(`${stderrColor.dim("created folder")} ${shown}${path.sep}\n`);
}
