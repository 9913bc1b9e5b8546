/** A finding about a bundle or a manifest; the same shape in build warnings, verify reports, inspect and serve. */
export interface Problem {
  severity: "error" | "warning" | "info";
  /** Stable identifier, e.g. `checksum-mismatch`. */
  code: string;
  message: string;
}
