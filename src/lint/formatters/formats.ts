/** The format names, apart from the formatters so the CLI can list them without loading any. */
export const FORMATS = ["stylish", "json", "sarif", "junit", "github", "gitlab"] as const;
export type Format = (typeof FORMATS)[number];
