/**
 * The rules of one run: the built-in rules and the config's organisation rules, each with the
 * severity the config and the profile give it.
 */
import { InputError } from "../errors.js";
import { closest } from "../suggest.js";
import type { LintConfig } from "./config.js";
import { checkIgnoredRules } from "./ignores.js";
import { compileOrgRules } from "./org-rules.js";
import { profileSeverity } from "./profile.js";
import { ruleCatalog, rules } from "./rules/index.js";
import type { LintDocument, Profile, Rule, RuleMeta, RuleSeverity } from "./types.js";

type DocumentRule = Rule & Required<Pick<Rule, "check">>;

export interface RuleSet {
  /** The rules with checks, built-in and organisation rules. */
  rules: readonly Rule[];
  /** Every rule's description, by id, in catalogue order (what `lint()` returns as `rules`). */
  metas: ReadonlyMap<string, RuleMeta>;
  severity(rule: RuleMeta): RuleSeverity;
  isOff(ruleId: string): boolean;
  /** The rules with a per-document check for this kind that are not off. */
  documentRules(kind: LintDocument["kind"]): readonly DocumentRule[];
}

export function ruleSet(config: LintConfig, profile: Profile | undefined): RuleSet {
  const orgRules = compileOrgRules(config.orgRules, config.file ?? "");
  const metas = new Map<string, RuleMeta>(ruleCatalog().map((r) => [r.id, r]));
  for (const rule of orgRules) {
    if (metas.has(rule.id)) throw new InputError("config-invalid", `${config.file}: organisation rule "${rule.id}" has the id of a built-in rule; choose another, e.g. "org/${rule.id}"`);
    metas.set(rule.id, rule);
  }
  checkConfiguredRules(config, metas);
  checkIgnoredRules(config.ignores, new Set(metas.keys()), config.file ?? "");
  const all = [...rules, ...orgRules];
  // Asked for every finding: worked out once per rule.
  const severities = new Map<string, RuleSeverity>();
  const severity = (rule: RuleMeta): RuleSeverity => {
    let known = severities.get(rule.id);
    if (known === undefined) severities.set(rule.id, (known = profileSeverity(rule, config.severities[rule.id] ?? rule.defaultSeverity, profile)));
    return known;
  };
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
    throw new InputError("config-invalid", `${config.file}: unknown rule "${id}"${suggestion ? `; did you mean "${suggestion}"?` : ""}`, { data: { unknownRule: id } });
  }
}
