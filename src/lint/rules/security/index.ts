/**
 * The built-in security rules (`security/…`): warnings by default, errors with `--profile production`.
 * The order here is the order of docs/security-rules.md: API definitions, policies, tyk.conf.
 */
import type { SecurityRule } from "./common.js";
import { corsAnyOriginWithCredentials } from "./cors-credentials.js";
import { detailedRecording } from "./detailed-recording.js";
import { controlApiExposed, hashKeysOff, insecureConfigsAllowed, plaintextBundleDownloader } from "./gateway-config.js";
import { hashedKeysListing, weakSecret } from "./gateway-secrets.js";
import { blockListAsAccessControl, emptyIpAllowList } from "./ip-lists.js";
import { jwtSharedSecret, jwtWeakValidation } from "./jwt.js";
import { keylessApi } from "./keyless-api.js";
import { noRateLimit } from "./no-rate-limit.js";
import { plaintextUpstream } from "./plaintext-upstream.js";
import { policyAllApis, policyNoExpiry, policyNoLimits } from "./policy.js";
import { stripAuthDataOff } from "./strip-auth-data.js";
import { tlsVerifyOff } from "./tls-verify-off.js";
import { unverifiedBundles } from "./unverified-bundles.js";
import { weakTlsVersion } from "./weak-tls-version.js";

export const securityRules: readonly SecurityRule[] = [
  keylessApi,
  plaintextUpstream,
  tlsVerifyOff,
  weakTlsVersion,
  noRateLimit,
  corsAnyOriginWithCredentials,
  detailedRecording,
  jwtSharedSecret,
  jwtWeakValidation,
  stripAuthDataOff,
  unverifiedBundles,
  emptyIpAllowList,
  blockListAsAccessControl,
  policyAllApis,
  policyNoExpiry,
  policyNoLimits,
  weakSecret,
  hashKeysOff,
  hashedKeysListing,
  insecureConfigsAllowed,
  plaintextBundleDownloader,
  controlApiExposed,
];

export type { SecurityRule } from "./common.js";
