/**
 * The shapes lint works with. Rules see documents as plain JSON values and answer with JSON
 * pointers; the engine turns pointers into line/column when it builds the results.
 */

/** What a document is. Detected from content; `--kind` forces one. */
export const KINDS = ["tyk-conf", "classic-api", "tyk-oas", "policy", "policies", "bundle-manifest"] as const;
export type Kind = (typeof KINDS)[number];

/** `production` is the CI gate: security rules report errors instead of warnings (src/lint/profile.ts). */
export const PROFILES = ["default", "production"] as const;
export type Profile = (typeof PROFILES)[number];

export type Severity = "error" | "warning";
export type RuleSeverity = Severity | "off";

/** What every rule declares, whether it is a check below or a schema finding. */
export interface RuleMeta {
  /** Stable id used in output, config files and docs, e.g. `listen-path-slash`. */
  id: string;
  defaultSeverity: RuleSeverity;
  /** One line: what the rule finds. */
  description: string;
  /** Why it matters and how to fix it (SARIF help text, docs). */
  help?: string;
  /** The OWASP API Security Top 10 (2023) category a security rule guards, e.g. `API2:2023 Broken Authentication`. */
  owasp?: string;
  /** What to change to resolve a finding (security rules; shown in SARIF help and docs). */
  fix?: string;
}

/** One thing a rule found, relative to the document it was given. */
export interface RuleFinding {
  /** JSON pointer into the document (`""` is the document itself). */
  pointer: string;
  message: string;
  /** Report at the member's key instead of its value (unknown fields, misspelt keys). */
  at?: "key" | "value";
}

/** A finding from a cross-file rule: it names the document it belongs to. */
export interface ProjectFinding extends RuleFinding {
  document: LintDocument;
  /** A pointer from the root of the document's file instead of `pointer` (how a file wraps its documents). */
  filePointer?: string;
}

/** A Tyk document found in a file: a file can hold several (lists, wrappers, multi-document YAML). */
export interface LintDocument {
  kind: Exclude<Kind, "policies">;
  /** The file as the user named it (relative to the cwd when it lies below it). */
  file: string;
  /** Absolute path of the file. */
  absolutePath: string;
  /**
   * The document as the gateway reads it: keys that match a known field case-insensitively are
   * renamed to that field (Go's decoder does the same). Rules read this.
   */
  value: unknown;
  /** Where the document sits in its file, e.g. `/api_definition` or `/spec`; `""` at the root. */
  pointer: string;
  /** How it was wrapped: raw, a Dashboard export (`api_definition`, `oas`), a list, an Operator resource. */
  wrapper: DocumentWrapper;
  /** 0-based index of the YAML document in a multi-document file. */
  yamlDocument?: number;
  /** The Kubernetes resource a Tyk Operator document is the `spec` of. */
  resource?: OperatorResource;
}

/** Kind, namespace and name: what makes two Kubernetes resources one object. */
export interface OperatorResource {
  kind: string;
  name?: string;
  /** Unset when the namespace is chosen at apply time (`kubectl apply -n`). */
  namespace?: string;
}

export type DocumentWrapper = "none" | "dashboard" | "list" | "policies-map" | "operator";

export interface LintContext {
  /** The directory relative paths in documents are resolved against. */
  cwd: string;
  /** Rule settings from the config file, by rule id (for rules that take options). */
  ruleOptions: Readonly<Record<string, unknown>>;
}

// Deployment scope (read/deployments.ts): which documents one gateway, Dashboard or Operator namespace loads together.

/** A deployment declared in tyk-ts.config.json: globs relative to the config file's folder. */
export interface DeclaredDeployment {
  gateway?: string;
  apis: string[];
  policies: string[];
}

export type PolicyFileShape = "map" | "folder";

/** Documents loaded together. */
export interface Deployment {
  /** How the documents were put together, for messages: a config file, a declared deployment, a file, a namespace. */
  label: string;
  /** The tyk.conf, when the deployment is a gateway's. */
  gateway?: LintDocument;
  /** What the gateway runs with: the tyk.conf with the `TYK_GW_*` variables its compose service sets. */
  settings?: unknown;
  apis: LintDocument[];
  policies: LintDocument[];
  /** How the gateway reads its policy files, when it reads them from files. */
  policyShape?: PolicyFileShape;
  /** The setting that names them (`policies.policy_path` or `policies.policy_record_name`). */
  policySetting?: string;
  /** Policy files the gateway reads (absolute paths), whether or not lint recognised them. */
  policyFiles: string[];
  /** API documents in the gateway's `app_path` that it does not serve, and why (read/deployments.ts loadedFromDir). */
  notLoaded?: NotLoaded[];
}

export interface NotLoaded {
  document: LintDocument;
  reason: string;
}

/** One thing `--verbose` says about pairing: what was (not) paired with a file, and why. */
export interface ScopeNote {
  file?: string;
  message: string;
}

export interface DeploymentScope {
  deployments: Deployment[];
  notes: ScopeNote[];
}

/** A gateway that loads an API: its tyk.conf and what it runs with. */
export interface Gateway {
  config: LintDocument;
  settings: unknown;
}

/** What cross-file rules are told besides the documents: which of them are loaded together. */
export interface ProjectContext extends LintContext {
  scope: DeploymentScope;
}

/** A check beyond the schema. Give it `check` (one document) or `checkProject` (all of them), or both. */
export interface Rule extends RuleMeta {
  /** The kinds `check` is called for. */
  kinds: ReadonlyArray<LintDocument["kind"]>;
  check?(doc: LintDocument, ctx: LintContext): RuleFinding[];
  /**
   * Cross-file checks: called once with every document of the run. Compare documents only within
   * the deployments of `ctx.scope` (read/deployments.ts): what one gateway, Dashboard or Operator
   * namespace loads together.
   */
  checkProject?(docs: readonly LintDocument[], ctx: ProjectContext): ProjectFinding[];
}

/** One message in a result, in the shape of `--format json`. */
export interface LintMessage {
  ruleId: string;
  /** 2 error, 1 warning (ESLint's numbers). */
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  pointer: string;
}

export interface LintResult {
  filePath: string;
  /** The kind of the file's documents; `mixed` when they differ, `null` when none was recognised. */
  kind: Kind | "mixed" | null;
  errorCount: number;
  warningCount: number;
  messages: LintMessage[];
}
