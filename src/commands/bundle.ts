/** `tyk-ts bundle …`: the parent command; each subcommand lives in its own file. */
import type { CommandRegistrar } from "./types.js";
import { registerBundleBuild } from "./bundle-build.js";
import { registerBundleVerify } from "./bundle-verify.js";
import { registerBundleInspect } from "./bundle-inspect.js";
import { registerBundlePublish } from "./bundle-publish.js";

export const registerBundleCommands: CommandRegistrar = (program, wrap) => {
  const bundle = program
    .command("bundle")
    .description("build, verify, inspect and publish plugin bundles")
    .addHelpText(
      "after",
      "\nExamples:\n  tyk-ts bundle build -y\n  tyk-ts bundle build -m plugin/manifest.json -o plugin.zip -k signing.pem\n  tyk-ts bundle publish plugin.zip -k signing.pub.pem --to /srv/bundles --update apis/*.json",
    );
  registerBundleBuild(bundle, wrap);
  registerBundleVerify(bundle, wrap);
  registerBundleInspect(bundle, wrap);
  registerBundlePublish(bundle, wrap);
};
