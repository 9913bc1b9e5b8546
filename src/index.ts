/**
 * The library API: the functions the CLI commands call, returning the same plain objects that the
 * commands print with `--json`. Failures are thrown as TykTsError subclasses carrying `code`,
 * `exitCode` and a `hint`.
 *
 *   import { buildBundle, verifyBundle } from "tyk-ts";
 *   const built = await buildBundle({ manifest: "plugin/manifest.json", output: "bundle.zip", key: "signing.pem" });
 *   const report = await verifyBundle("bundle.zip", { publicKey: "signing.pub.pem" });
 */
export { buildBundle, type BuildOptions, type BuildProgress, type BuildResult, type BuiltFile } from "./bundle/build.js";
export {
  verifyBundle,
  verifyBundles,
  gatewaySettingsFromConfig,
  DEFAULT_VERIFY_LIMITS,
  type BundleReport,
  type GatewaySettings,
  type LimitHit,
  type Verdict,
  type VerifyLimits,
  type VerifyOptions,
  type VerifyResult,
  type ZipLimits,
} from "./bundle/verify.js";
export { inspectBundle, type BundleInspection, type InspectedEntry, type InspectedFile, type InspectedHook } from "./bundle/inspect.js";
export { publishBundles, PublishRefusedError, type PublishOptions, type PublishResult, type PublishedBundle } from "./publish/publish.js";
export type { DefinitionUpdate, ReferenceEdit } from "./publish/definitions.js";
export { generateKeyPair, type KeygenOptions, type KeygenResult } from "./bundle/keygen.js";
export type { BundleManifest } from "./bundle/manifest.js";
export type { Problem } from "./problem.js";
export { lint, type LintOptions, type LintReport } from "./lint/engine.js";
export { errorsOnly, exitCodeFor, lintGate, type GateOptions, type GateVerdict } from "./lint/gate.js";
export type { DeclaredDeployment, Deployment, DeploymentScope, Gateway, Kind, LintDocument, LintMessage, LintResult, RuleMeta, ScopeNote } from "./lint/types.js";
export { deploymentScope, gatewaysOf, type ScopeOptions } from "./lint/read/deployments.js";
export { createServer, type ServeOptions, type TykTsServer } from "./serve/server.js";
export type { ServeLogEntry } from "./serve/log.js";
export { inspectGoFile, type GoFileFacts, type GoFileKind, type GoModule, type GoPackageHash, type GoPluginExport } from "./goplugin/inspect.js";
export {
  checkGoPlugins,
  describeLoadFailure,
  HOOK_SIGNATURES,
  type LoadFailure,
  type PluginCheckOptions,
  type PluginCheckResult,
  type PluginConflict,
  type PluginLoadPrediction,
  type SymbolCheck,
} from "./goplugin/check.js";
export {
  loadingOrder,
  parseGatewayRelease,
  pluginFileCandidates,
  resolvePluginFile,
  versionedVariants,
  type GatewayVersion,
  type GoPlatform,
  type LoadingOrder,
} from "./goplugin/file-names.js";
export { analyseGoPlugins, type GoHookLoading, type GoPluginAnalysis, type GoPluginOptions } from "./bundle/go-plugins.js";
export { initPlugin, INIT_DRIVERS, type InitDriver, type InitOptions, type InitResult } from "./init/scaffold.js";
export { openOutput, resolveOutput, STANDARD_OUTPUT, writeOutput, type OutputDestination, type OutputFile, type OutputOptions } from "./fs/atomic-file.js";
export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FindingsError, InputError, TykTsError, UsageError } from "./errors.js";
export { envFields, envFieldByName, envFieldByPath, suggestEnvName, deriveEnvFields, type ConfigField, type EnvField } from "./config/env-names.js";
export { parseEnvValue, type EnvKind, type ParsedValue } from "./config/envconfig.js";
export { parseDotenv, DotenvSyntaxError, type DotenvResult, type EnvEntry } from "./config/dotenv.js";
export { effectiveConfig, explainField, checkEnvVariable, type EffectiveConfig, type EnvProblem, type EnvVariable, type FieldExplanation } from "./config/effective.js";
export { loadGatewayEnvironment, gatewayProblems, gatewaySettings, readEnvFile, type GatewayEnvironment, type GatewayProblem } from "./config/load.js";
export { parseReference, resolveReference, middlewareReferences, configReferences, type SecretReference } from "./config/secrets.js";
