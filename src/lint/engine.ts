/**
 * `lint()`: files in, results out (the `--format json` shape). Reading, detection, schema
 * validation and rules per file; cross-file rules and bundle checks once all files are read;
 * positions and severities at the end. It never writes to the files it checks.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InputError, ioError } from "../errors.js";
import { loadConfig, type LintConfig } from "./config.js";
import { detectDocuments, TYK_OAS_EXTENSIONS, type DetectedDocument } from "./detect.js";
import { discoverFiles } from "./discover.js";
import { isWrapperExtra, isWrapperString } from "./extras.js";
import { openApiVersion, validateOpenApi } from "./openapi.js";
import { childPointer, fieldName, isObject, pointerSegments, valueAt } from "./pointer.js";
import { ruleCatalog, rules, type CoreRuleId } from "./rules/index.js";
import { applyIgnores, checkIgnoredRules, IGNORE_WITHOUT_REASON } from "./ignores.js";
import { compileOrgRules } from "./org-rules.js";
import { profileSeverity } from "./profile.js";
import { schemaFindings } from "./schema-findings.js";
import { canonicalKeys, type CanonicalKeys } from "./schema-walk.js";
import { deprecatedFields } from "./deprecated-fields.js";
import { SchemaSet, schemaNameFor } from "./schemas.js";
import { isYamlPath, parseSource, type Anchor, type Range, type SourceDocument } from "./source.js";
import { closest } from "../suggest.js";
import type { Kind, LintContext, LintDocument, LintMessage, LintResult, Profile, Rule, RuleMeta, RuleSeverity } from "./types.js";
import { checkBundles } from "./bundles.js";

export interface LintOptions {
  /** `production` turns the warnings of security rules into errors (the CI gate). */
  profile?: Profile;
  /** Told every rule of the run, organisation rules included, for formats that describe rules (SARIF). */
  onRules?: (rules: readonly RuleMeta[]) => void;
  /** Files, directories and globs; none means the current directory. */
  paths: string[];
  cwd?: string;
  /** Lint every document as this kind instead of detecting it. */
  kind?: Kind;
  /** A config file to use instead of the nearest `tyk-ts.config.json` / `.tyk-ts.json`. */
  configPath?: string;
  /** Check every bundle the APIs use against this directory (exists, passes `bundle verify`). */
  bundlesDir?: string;
  /** Where the project's JSON Schemas are (default: the package's schemas/). */
  schemasDir?: string;
  /** Told about every file that was looked at and left out, and why (`--verbose`). */
  onSkip?: (file: string, reason: string) => void;
}

/** A finding waiting for its position and severity. */
interface PendingMessage {
  ruleId: string;
  message: string;
  /** Where to find the position; a syntax error carries its range instead. */
  source?: SourceDocument;
  pointer: string;
  anchor: Anchor;
  range?: Range;
}

interface FileState {
  displayPath: string;
  kinds: Set<Kind | "mixed">;
  pending: PendingMessage[];
}

/** How a document's pointers map back to its file. */
interface DocumentOrigin {
  file: FileState;
  source: SourceDocument;
  /** Canonical pointer inside the document → pointer inside the file as written. */
  toFile(pointer: string): string;
}

// Text that makes an unparsable file found in a directory worth reporting rather than skipping.
const TYK_MARKERS = /x-tyk-api-gateway|"(api_id|listen_path|target_url|listen_port|file_list|custom_middleware|access_rights)"|tyk\.tyk\.io\//;

export async function lint(options: LintOptions): Promise<LintResult[]> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const config = loadConfig({ cwd, configPath: options.configPath });
  const run = ruleRun(config, options.profile);
  options.onRules?.([...run.metas.values()]);
  const { files, ignored } = discoverFiles(options.paths, { cwd, ignore: config.ignore, ignoreBase: config.baseDir });
  for (const file of ignored) options.onSkip?.(displayPath(file, cwd), "matches an ignore pattern in the config");

  const schemas = new SchemaSet(options.schemasDir);
  const ctx: LintContext = { cwd, ruleOptions: config.ruleOptions };
  const states: FileState[] = [];
  const documents: LintDocument[] = [];
  const origins = new WeakMap<LintDocument, DocumentOrigin>();

  for (const file of files) {
    const shown = displayPath(file.absolutePath, cwd);
    let text: string;
    try {
      // Synchronous reads: thousands of small files read faster one after the other than through promises.
      text = readFileSync(file.absolutePath, "utf8");
    } catch (err) {
      throw ioError(err, shown);
    }
    const parsed = parseSource(text, isYamlPath(file.absolutePath) ? "yaml" : "json");
    const state: FileState = { displayPath: shown, kinds: new Set(), pending: [] };
    if (parsed.syntaxErrors.length > 0 && !file.explicit && parsed.documents.length === 0 && !TYK_MARKERS.test(text)) {
      options.onSkip?.(shown, `not ${parsed.format === "yaml" ? "YAML" : "JSON"}, and nothing in it looks like Tyk`);
      continue;
    }
    for (const e of parsed.syntaxErrors) state.pending.push({ ruleId: "syntax", message: e.message, pointer: "", anchor: "value", range: e.range });

    for (const source of parsed.documents) {
      const detection = detectDocuments(source.value, options.kind);
      if (detection.kind) state.kinds.add(detection.kind);
      for (const detected of detection.documents) {
        const doc = validateDocument(detected, source, file.absolutePath, shown, schemas, state);
        documents.push(doc.document);
        origins.set(doc.document, { file: state, source, toFile: doc.toFile });
        for (const rule of run.documentRules(doc.document.kind)) {
          for (const f of rule.check(doc.document, ctx)) state.pending.push({ ruleId: rule.id, message: f.message, source, pointer: doc.toFile(f.pointer), anchor: f.at ?? "value" });
        }
      }
    }
    if (state.kinds.size === 0 && parsed.syntaxErrors.length === 0) {
      if (!file.explicit) {
        options.onSkip?.(shown, "not a Tyk document");
        continue;
      }
      state.pending.push({
        ruleId: "unknown-kind",
        message: "not recognised as a Tyk document (tyk.conf, API definition, policy or bundle manifest); pass --kind to lint it as one",
        pointer: "",
        anchor: "key",
        source: parsed.documents[0],
        range: parsed.documents[0] ? undefined : { line: 1, column: 1, endLine: 1, endColumn: 1 },
      });
    }
    // Positions now, while the text is fresh in the processor's cache; findings of project rules,
    // which come later, are placed at the end.
    for (const p of state.pending) {
      if (p.range || !p.source || run.isOff(p.ruleId)) continue;
      p.range = p.source.locate(p.pointer, p.anchor);
    }
    states.push(state);
  }

  const report = (doc: LintDocument, ruleId: string, pointer: string, message: string, anchor: Anchor = "value") => {
    const origin = origins.get(doc);
    if (origin) origin.file.pending.push({ ruleId, message, source: origin.source, pointer: origin.toFile(pointer), anchor });
  };
  for (const rule of run.rules) {
    if (!rule.checkProject || run.severity(rule) === "off") continue;
    for (const f of rule.checkProject(documents, ctx)) report(f.document, rule.id, f.pointer, f.message, f.at);
  }
  if (options.bundlesDir !== undefined) {
    const bundlesDir = path.resolve(cwd, options.bundlesDir);
    if (!statSync(bundlesDir, { throwIfNoEntry: false })?.isDirectory()) throw new InputError("bundles-dir", `--bundles ${options.bundlesDir} is not a directory`);
    for (const f of await checkBundles(documents, bundlesDir)) report(f.document, f.ruleId, f.pointer, f.message);
  }

  const results = states.map((state) => toResult(state, run));
  const reasonless = run.severity(IGNORE_WITHOUT_REASON);
  return applyIgnores(results, { entries: config.ignores, configFile: config.file ?? "", baseDir: config.baseDir, cwd }, reasonless === "off" ? undefined : reasonless === "error" ? 2 : 1);
}

function displayPath(file: string, cwd: string): string {
  // Most files are under the cwd: a prefix check costs far less than path.relative.
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  const rel = file.startsWith(prefix) ? file.slice(prefix.length) : path.relative(cwd, file);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return file;
  return path.sep === "/" ? rel : rel.split(path.sep).join("/");
}

type DocumentRule = Rule & Required<Pick<Rule, "check">>;

/** The rules of one run: built-in and organisation rules, with the severities the config and profile give them. */
interface RuleRun {
  rules: readonly Rule[];
  metas: ReadonlyMap<string, RuleMeta>;
  severity(rule: RuleMeta): RuleSeverity;
  isOff(ruleId: string): boolean;
  /** The rules with a per-document check for this kind that are not off. */
  documentRules(kind: LintDocument["kind"]): readonly DocumentRule[];
}

function ruleRun(config: LintConfig, profile: Profile | undefined): RuleRun {
  const orgRules = compileOrgRules(config.orgRules, config.file ?? "");
  const metas = new Map<string, RuleMeta>(ruleCatalog().map((r) => [r.id, r]));
  for (const rule of orgRules) {
    if (metas.has(rule.id)) throw new InputError("config-invalid", `${config.file}: organisation rule "${rule.id}" has the id of a built-in rule; choose another, e.g. "org/${rule.id}"`);
    metas.set(rule.id, rule);
  }
  checkConfiguredRules(config, metas);
  checkIgnoredRules(config.ignores, new Set(metas.keys()), config.file ?? "");
  const all = [...rules, ...orgRules];
  const severity = (rule: RuleMeta) => profileSeverity(rule, config.severities[rule.id] ?? rule.defaultSeverity, profile);
  const byKind = new Map<LintDocument["kind"], DocumentRule[]>();
  return {
    rules: all,
    metas,
    severity,
    isOff: (ruleId) => {
      const meta = metas.get(ruleId);
      return meta !== undefined && severity(meta) === "off";
    },
    documentRules: (kind) => {
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = all.filter((rule): rule is DocumentRule => rule.check !== undefined && rule.kinds.includes(kind) && severity(rule) !== "off")));
      return list;
    },
  };
}

function checkConfiguredRules(config: LintConfig, ruleMetas: ReadonlyMap<string, RuleMeta>): void {
  for (const id of Object.keys(config.severities)) {
    if (ruleMetas.has(id)) continue;
    const suggestion = closest(id, ruleMetas.keys());
    throw new InputError("config-invalid", `${config.file}: unknown rule "${id}"${suggestion ? `; did you mean "${suggestion}"?` : ""}`, {
      hint: "`tyk-ts lint --list-rules` lists every rule id",
    });
  }
}

function toResult(state: FileState, run: RuleRun): LintResult {
  const messages: LintMessage[] = [];
  for (const p of state.pending) {
    const meta = run.metas.get(p.ruleId);
    const severity = meta ? run.severity(meta) : "error";
    if (severity === "off") continue;
    const range = p.range ?? p.source?.locate(p.pointer, p.anchor) ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
    messages.push({ ruleId: p.ruleId, severity: severity === "error" ? 2 : 1, message: p.message, ...range, pointer: p.pointer });
  }
  messages.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  const kinds = [...state.kinds];
  return {
    filePath: state.displayPath,
    kind: kinds.length === 0 ? null : kinds.length === 1 ? kinds[0]! : "mixed",
    errorCount: messages.filter((m) => m.severity === 2).length,
    warningCount: messages.filter((m) => m.severity === 1).length,
    messages,
  };
}

interface ValidatedDocument {
  document: LintDocument;
  toFile(pointer: string): string;
}

/** Schema findings for one document, queued on its file; returns the document rules will see. */
function validateDocument(detected: DetectedDocument, source: SourceDocument, absolutePath: string, file: string, schemas: SchemaSet, state: FileState): ValidatedDocument {
  const raw = valueAt(source.value, detected.pointer);
  const queue = (ruleId: CoreRuleId, pointer: string, message: string, anchor: Anchor) =>
    state.pending.push({ ruleId, message, source, pointer: detected.pointer + pointer, anchor });

  let value: unknown;
  let toDocument: (pointer: string) => string;
  if (detected.kind === "tyk-oas" && isObject(raw)) {
    checkOpenApi(raw, (pointer, message, anchor) => queue("openapi-schema", pointer, message, anchor));
    const extensionKey = "x-tyk-api-gateway";
    const extension = validateAgainstSchema(raw[extensionKey], detected, schemas, childPointer("", extensionKey), queue);
    value = Object.hasOwn(raw, extensionKey) ? { ...raw, [extensionKey]: extension.value } : raw;
    toDocument = (pointer) => {
      const prefix = childPointer("", extensionKey);
      return pointer === prefix || pointer.startsWith(`${prefix}/`) ? prefix + extension.originalPointer(pointer.slice(prefix.length)) : pointer;
    };
  } else {
    const validated = validateAgainstSchema(raw, detected, schemas, "", queue);
    value = validated.value;
    toDocument = validated.originalPointer;
  }
  const document: LintDocument = {
    kind: detected.kind,
    file,
    absolutePath,
    value,
    pointer: detected.pointer,
    wrapper: detected.wrapper,
    yamlDocument: source.yamlIndex,
  };
  return { document, toFile: (pointer) => detected.pointer + toDocument(pointer) };
}

function validateAgainstSchema(
  raw: unknown,
  detected: DetectedDocument,
  schemas: SchemaSet,
  at: string,
  queue: (ruleId: CoreRuleId, pointer: string, message: string, anchor: Anchor) => void,
): { value: unknown; originalPointer(pointer: string): string } {
  if (raw === undefined) return { value: raw, originalPointer: (p) => p };
  const name = schemaNameFor(detected.kind);
  const graph = schemas.graph(name);
  const validate = schemas.validator(name);
  let valid = validate(raw);
  let errors = validate.errors ?? [];
  // Where every object refuses keys the schema does not name, a document the validator accepts has
  // no case variants of field names: only look for them when it does not.
  let walk: CanonicalKeys = { value: raw, caseMatches: [], originalPointer: (p) => p };
  if (!valid || !graph.refusesUnnamedKeys) {
    walk = canonicalKeys(raw, graph);
    if (walk.value !== raw) {
      valid = validate(walk.value);
      errors = validate.errors ?? [];
    }
  }
  const original = (pointer: string) => at + walk.originalPointer(pointer);
  for (const m of walk.caseMatches) {
    const where = fieldName(at + m.pointer.slice(0, m.pointer.lastIndexOf("/")));
    queue(
      "field-case",
      at + m.pointer,
      m.alsoPresent
        ? `\`${m.key}\` and \`${m.canonical}\` are both set${where ? ` in \`${where}\`` : ""}: the gateway reads both into \`${m.canonical}\` (Go matches keys case-insensitively) and the later one wins; remove one`
        : `\`${m.key}\` is read by the gateway as \`${m.canonical}\` (Go matches keys case-insensitively), but other tools do not; write \`${m.canonical}\``,
      "key",
    );
  }
  for (const d of deprecatedFields(walk.value, graph)) {
    queue("deprecated-field", original(d.pointer), `\`${fieldName(at + d.pointer)}\` is deprecated${d.description ? `: ${firstSentence(d.description)}` : ""}`, "key");
  }
  if (!valid) {
    const findings = schemaFindings(errors, { base: at, locateField: (field) => schemas.fieldLocations(name, field) });
    const streams = detected.kind === "tyk-oas";
    for (const f of findings) {
      if (f.ruleId === "unknown-field" && isWrapperExtra(detected.wrapper, detected.kind, f.pointer)) continue;
      if (f.ruleId === "invalid-type" && isWrapperString(detected.wrapper, detected.kind, f.pointer, valueAt(walk.value, f.pointer))) continue;
      // Tyk Streams APIs have no upstream: the gateway validates them with the Streams schema.
      if (streams && f.ruleId === "missing-field" && f.missing === "upstream" && f.pointer === "") continue;
      queue(f.ruleId, original(f.pointer), f.message, f.anchor);
    }
  }
  return { value: walk.value, originalPointer: (p) => walk.originalPointer(p) };
}

function firstSentence(text: string): string {
  return /^[^]*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
}

function checkOpenApi(doc: Record<string, unknown>, report: (pointer: string, message: string, anchor: Anchor) => void): void {
  const version = openApiVersion(doc);
  if (!version) {
    report("/openapi", `\`openapi\` is ${JSON.stringify(doc.openapi)}; Tyk OAS APIs are OpenAPI 3.0.x or 3.1.x documents`, "value");
    return;
  }
  for (const f of schemaFindings(validateOpenApi(doc, version), { unknownField: "OpenAPI does not allow it" })) {
    // Extensions are validated on their own; the OpenAPI schema only says they may be there.
    if (TYK_OAS_EXTENSIONS.includes(pointerSegments(f.pointer)[0] ?? "")) continue;
    report(f.pointer, `OpenAPI ${version}: ${f.message}`, f.anchor);
  }
}
