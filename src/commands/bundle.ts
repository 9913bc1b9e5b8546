/** `tyk-ts bundle …`: the parent command; each subcommand lives in its own file. */
import type { CommandRegistrar } from "./types.js";
import { registerBundleBuild } from "./bundle-build.js";
import { registerBundleVerify } from "./bundle-verify.js";
import { registerBundleInspect } from "./bundle-inspect.js";

export const registerBundleCommands: CommandRegistrar = (program, wrap) => {
  const bundle = program
    .command("bundle")
    .description("build, verify and inspect plugin bundles")
    .addHelpText("after", "\nExamples:\n  tyk-ts bundle build -y\n  tyk-ts bundle build -m plugin/manifest.json -o plugin.zip -k signing.pem");
  registerBundleBuild(bundle, wrap);
  registerBundleVerify(bundle, wrap);
  registerBundleInspect(bundle, wrap);
};
