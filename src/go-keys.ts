/**
 * Go's encoding/json matches JSON keys to struct fields case-insensitively, comparing them with
 * Unicode simple case folding (K and ſ fold to k and s, among others): the gateway reads
 * `Listen_Path` as `listen_path`. Bundle manifests and linted documents are read the same way.
 */
export function foldKey(key: string): string {
  return key.replace(/\u212A/g, "k").replace(/\u017F/g, "s").toLowerCase();
}
