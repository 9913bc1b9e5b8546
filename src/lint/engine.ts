/**
 * `lint()`: files in, results out (the `--format json` shape) with the rules of the run. The stages:
 * read (read/: find files, parse, detect documents), validate (validate/: schemas), rules (rules/:
 * per document, then across all documents, then the bundles of `bundlesDir`), then severities,
 * positions and ignores. It never writes to the files it checks.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InputError, ioError } from "../errors.js";
import { loadConfig } from "./config.js";
import { applyIgnores } from "./ignores.js";
import { deploymentScope } from "./read/deployments.js";
import { detectDocuments, isHelmTemplate, mentionsTyk, type ConfigMapKey, type ConfigMapRef } from "./read/detect.js";
import { discoverFiles, displayPath, isEnvFile } from "./read/discover.js";
import { envGroups } from "./read/env-settings.js";
import { kustomizePatches } from "./read/kustomize.js";
import { isYamlPath, parseSource, type Anchor, type Range, type SourceDocument } from "./read/source.js";
import { locatePending, toResult, type FileState } from "./results.js";
import { ruleSet } from "./rule-set.js";
import { ignoreWithoutReason } from "./rules/config/ignore-without-reason.js";
import { UNKNOWN_KIND_MESSAGE } from "./rules/document/unknown-kind.js";
import { checkBundles } from "./rules/support/bundles-dir.js";
import type { DeploymentScope, Kind, LintContext, LintDocument, LintResult, Profile, RuleMeta, ScopeNote } from "./types.js";
import { SchemaSet } from "./validate/schemas.js";
import { validateDocument } from "./validate/document.js";
import { environmentChecks, unsetReferences, withEnvironment } from "./validate/env.js";
import { lintEnvFile, readDeclaredEnvironment, readEnvFileNames } from "./validate/env-files.js";
import { secretReferenceUnset } from "./rules/env/secret-reference-unset.js";
import { valueAt } from "./read/pointer.js";

export interface LintOptions {
  /** `production` turns the warnings of security rules into errors (the CI gate). */
  profile?: Profile;
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
  /**
   * The gateway's .env files: lint tyk.conf as the gateway runs it with them (their TYK_GW_*
   * variables on top, findings on env-set values at the variable's line), and report env:// and
   * $secret_env. references to TYK_SECRET_* variables they do not set.
   */
  envFiles?: string[];
  /** Told about every file that was looked at and left out, and why (`--verbose`). */
  onSkip?: (file: string, reason: string) => void;
  /** Told which documents the cross-file rules compare, and which pairings were skipped and why (`--verbose`). */
  onScope?: (note: ScopeNote) => void;
}

export interface LintReport {
  /** One result per file with a Tyk document (and one for the config when it has ignores without a reason). */
  results: LintResult[];
  /** Every rule of the run, organisation rules included, for formats that describe rules (SARIF). */
  rules: RuleMeta[];
}

/** How a document's pointers map back to its file. */
interface DocumentOrigin {
  file: FileState;
  source: SourceDocument;
  toFile(pointer: string): string;
}

/** An options object rather than "utf8": Node copies its defaults for a string, on every one of thousands of reads. */
const READ_UTF8 = { encoding: "utf8", flag: "r" } as const;

/** Kinds the gateway reads with json.Decoder, which stops after the first JSON value (rules/document/trailing-data.ts). */
const DECODED_KINDS: ReadonlySet<LintDocument["kind"]> = new Set(["tyk-conf", "policy", "bundle-manifest"]);

function trailingFinding(range: Range, kinds: ReadonlyArray<LintDocument["kind"]>): FileState["pending"][number] {
  if (kinds.length > 0 && kinds.every((k) => DECODED_KINDS.has(k))) {
    return { ruleId: "trailing-data", anchor: "value", pointer: "", range, message: "more data after the end of the JSON value: the gateway reads this file with Go's json.Decoder, which stops after the first value, so nothing from here on is read; remove it or merge it into the value" };
  }
  const why = kinds.length > 0 ? ": the gateway reads API definitions with json.Unmarshal (loadDefFromFilePath), which refuses the whole file, so the API is not loaded" : "";
  return { ruleId: "syntax", anchor: "value", pointer: "", range, message: `invalid JSON: more data after the end of the JSON value${why}; remove it` };
}

export async function lint(options: LintOptions): Promise<LintReport> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const config = await loadConfig({ cwd, configPath: options.configPath });
  const run = ruleSet(config, options.profile);
  const discovered = discoverFiles(options.paths, { cwd, ignore: config.ignore, ignoreBase: config.baseDir });
  const { ignored } = discovered;
  for (const file of ignored) options.onSkip?.(displayPath(file, cwd), "matches an ignore pattern in the config");

  const schemas = new SchemaSet(options.schemasDir);
  const ctx: LintContext = { cwd, ruleOptions: config.ruleOptions };
  const states: FileState[] = [];
  const documents: LintDocument[] = [];
  const origins = new Map<LintDocument, DocumentOrigin>();
  const effectiveConfigs = new WeakMap<LintDocument, ReturnType<typeof withEnvironment>>();
  const declared = options.envFiles?.length ? readDeclaredEnvironment(options.envFiles, cwd, { run, ctx }) : undefined;
  if (declared) states.push(...declared.states);
  const patches = kustomizePatches(discovered.files.map((f) => f.absolutePath));
  const files = discovered.files.filter((f) => {
    const kustomization = patches.get(f.absolutePath);
    if (kustomization && !f.explicit) options.onSkip?.(displayPath(f.absolutePath, cwd), `a kustomize patch (${displayPath(kustomization, cwd)}), merged into a resource rather than applied on its own`);
    return !declared?.paths.has(f.absolutePath) && (!kustomization || f.explicit);
  });
  const environmentsOfRun = environmentChecks({ run, ctx, readEnvFileNames });

  // ConfigMaps that Operator resources name, and those found, to say which definitions went unchecked.
  const configMapRefs: Array<ConfigMapRef & { file: string }> = [];
  const configMapsSeen: ConfigMapKey[] = [];
  for (const file of files) {
    const shown = displayPath(file.absolutePath, cwd);
    let text: string;
    try {
      // Synchronous reads: thousands of small files read faster one after the other than through promises.
      text = readFileSync(file.absolutePath, READ_UTF8);
    } catch (err) {
      throw ioError(err, shown);
    }
    const state: FileState = { displayPath: shown, kinds: new Set(), pending: [] };
    if (isEnvFile(file.absolutePath)) {
      if (lintEnvFile(text, state, { run, ctx, file: shown }) || file.explicit) {
        locatePending(state, run);
        states.push(state);
      } else options.onSkip?.(shown, "an env file without TYK_* variables");
      continue;
    }
    const yamlFile = isYamlPath(file.absolutePath);
    // Checked before parsing too: `name: {{ .Name }}` parses, as a map keyed by a map.
    if (yamlFile && isHelmTemplate(text, true, inChartTemplates(file.absolutePath))) {
      options.onSkip?.(shown, HELM_TEMPLATE);
      continue;
    }
    const parsed = parseSource(text, yamlFile ? "yaml" : "json", () => readFileSync(file.absolutePath, READ_UTF8));
    let environments = 0;
    if (yamlFile && isHelmTemplate(text, parsed.syntaxErrors.length === 0, false)) {
      options.onSkip?.(shown, HELM_TEMPLATE);
      continue;
    }
    if (parsed.syntaxErrors.length > 0 && !file.explicit && parsed.documents.length === 0 && !mentionsTyk(text)) {
      options.onSkip?.(shown, `not ${parsed.format === "yaml" ? "YAML" : "JSON"}, and nothing in it looks like Tyk`);
      continue;
    }
    for (const e of parsed.syntaxErrors) state.pending.push({ ruleId: "syntax", message: e.message, pointer: "", anchor: "value", range: e.range });

    const skippedHere: string[] = [];
    const documentKinds: Array<LintDocument["kind"]> = [];
    for (const source of parsed.documents) {
      const detection = detectDocuments(source.value, options.kind);
      if (detection.kind) state.kinds.add(detection.kind);
      if (detection.skipped) skippedHere.push(...detection.skipped);
      for (const ref of detection.configMapRefs ?? []) configMapRefs.push({ ...ref, file: shown });
      if (source.embeddedIn) configMapsSeen.push(source.embeddedIn);
      for (const detected of detection.documents) {
        const { document, findings, toFile } = validateDocument(detected, source, file.absolutePath, shown, schemas);
        for (const f of findings) state.pending.push({ ruleId: f.ruleId, message: f.message, source, pointer: f.pointer, anchor: f.anchor });
        documents.push(document);
        documentKinds.push(document.kind);
        origins.set(document, { file: state, source, toFile });
        // With --env-file, tyk.conf is checked as the gateway runs it; findings on env-set values go to the variable's line.
        const effective = declared && document.kind === "tyk-conf" ? withEnvironment(document.value, declared.env) : undefined;
        const checked = effective ? { ...document, value: effective.value } : document;
        for (const rule of run.documentRules(document.kind)) {
          for (const f of rule.check(checked, ctx)) {
            const variable = effective?.variableAt(f.pointer);
            if (variable) declared!.report(variable, rule.id, `${variable.name}: ${f.message}`);
            else state.pending.push({ ruleId: rule.id, message: f.message, source, pointer: toFile(f.pointer), anchor: f.at ?? "value" });
          }
        }
        if (effective) effectiveConfigs.set(document, effective);
      }
    }
    if (parsed.trailing) state.pending.push(trailingFinding(parsed.trailing, documentKinds));
    for (const reason of skippedHere) options.onSkip?.(shown, reason);
    for (const source of parsed.format === "yaml" || state.kinds.size === 0 ? parsed.documents : []) {
      for (const group of envGroups(source.value)) {
        environments++;
        environmentsOfRun.add(group, file.absolutePath, ({ ruleId, message, where, at }) => {
          state.pending.push({ ruleId, message, source, pointer: at === "name" ? where.namePointer : where.valuePointer, anchor: at === "name" ? where.nameAnchor : "value" });
        });
      }
    }
    if (state.kinds.size === 0 && environments === 0 && parsed.syntaxErrors.length === 0) {
      // A file of session keys is recognised, and said so above: not an unknown kind even when named.
      if (skippedHere.length > 0) continue;
      if (!file.explicit) {
        options.onSkip?.(shown, "not a Tyk document");
        continue;
      }
      const source = parsed.documents[0];
      state.pending.push({ ruleId: "unknown-kind", message: UNKNOWN_KIND_MESSAGE, pointer: "", anchor: "key", source, range: source ? undefined : { line: 1, column: 1, endLine: 1, endColumn: 1 } });
    }
    // Findings of project rules, which come later, are placed at the end.
    locatePending(state, run);
    for (const source of parsed.documents) source.release?.();
    states.push(state);
  }

  for (const ref of configMapRefs) {
    const found = configMapsSeen.some((cm) => cm.name === ref.name && cm.key === ref.key && (!cm.namespace || !ref.namespace || cm.namespace === ref.namespace));
    if (!found) options.onSkip?.(ref.file, `${ref.resource}: ConfigMap ${JSON.stringify(ref.name)} with key ${JSON.stringify(ref.key)} is not among the linted files, so its definition was not checked`);
  }
  environmentsOfRun.finish();
  const report = (doc: LintDocument, ruleId: string, pointer: string, message: string, anchor: Anchor = "value") => {
    const origin = origins.get(doc);
    if (origin) origin.file.pending.push({ ruleId, message, source: origin.source, pointer: origin.toFile(pointer), anchor });
  };
  // What each gateway, Dashboard or Operator namespace loads together: computed when a cross-file check needs it.
  let scope: DeploymentScope | undefined;
  const deployments = (): DeploymentScope => {
    if (scope) return scope;
    scope = deploymentScope(documents, {
      files: files.map((f) => f.absolutePath),
      declared: config.deployments,
      baseDir: config.baseDir,
      display: (file) => (file === cwd ? "." : displayPath(file, cwd)),
      settingsOf: (conf) => effectiveConfigs.get(conf)?.value,
    });
    for (const note of scope.notes) options.onScope?.(note);
    return scope;
  };
  for (const rule of run.rules) {
    if (!rule.checkProject || run.severity(rule) === "off") continue;
    for (const f of rule.checkProject(documents, { ...ctx, scope: deployments() })) {
      const origin = origins.get(f.document);
      if (f.filePointer !== undefined && origin) origin.file.pending.push({ ruleId: rule.id, message: f.message, source: origin.source, pointer: f.filePointer, anchor: f.at ?? "value" });
      else report(f.document, rule.id, f.pointer, f.message, f.at);
    }
  }
  if (declared) {
    // References need every document: an API's secrets:// needs the gateway's secrets map.
    const confs = documents.filter((d) => d.kind === "tyk-conf");
    const secrets = confs.length === 1 ? valueAt(effectiveConfigs.get(confs[0]!)?.value, "/secrets") ?? {} : undefined;
    for (const doc of documents) {
      const effective = effectiveConfigs.get(doc);
      for (const f of unsetReferences(effective ? { ...doc, value: effective.value } : doc, declared.env, secrets)) {
        const variable = effective?.variableAt(f.pointer);
        if (variable) declared.report(variable, secretReferenceUnset.id, `${variable.name}: ${f.message}`);
        else report(doc, secretReferenceUnset.id, f.pointer, f.message);
      }
    }
  }
  if (options.bundlesDir !== undefined) {
    const bundlesDir = path.resolve(cwd, options.bundlesDir);
    if (!statSync(bundlesDir, { throwIfNoEntry: false })?.isDirectory()) throw new InputError("bundles-dir", `bundles directory ${options.bundlesDir} is not a directory`, { data: { path: options.bundlesDir } });
    for (const f of await checkBundles(documents, bundlesDir, deployments())) report(f.document, f.ruleId, f.pointer, f.message);
  }

  const results = states.map((state) => toResult(state, run));
  const reasonless = run.severity(ignoreWithoutReason);
  return {
    results: applyIgnores(results, { entries: config.ignores, configFile: config.file ?? "", baseDir: config.baseDir, cwd }, reasonless === "off" ? undefined : reasonless === "error" ? 2 : 1),
    rules: [...run.metas.values()],
  };
}

const HELM_TEMPLATE = "a Helm template ({{ … }}), which is not the YAML that gets deployed until Helm renders it; lint the output of `helm template` instead";

/** Whether a file sits in a Helm chart's `templates/` folder (next to the chart's Chart.yaml). */
function inChartTemplates(file: string): boolean {
  const dir = path.dirname(file);
  return path.basename(dir) === "templates" && existsSync(path.join(path.dirname(dir), "Chart.yaml"));
}
