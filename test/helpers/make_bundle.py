"""Builds a bundle for the tests without tyk-ts: Python's zipfile for the zip, hashlib for the
checksum, `openssl dgst -sha256 -sign` for the signature.

Reads a JSON spec on stdin:
  out          the zip to write
  entries      [{name, text | b64, dir?, method?: "store"|"deflate", system?, attr?}] in zip order
  manifest     an object (checksum and signature are filled in unless present) or raw text;
               written last as manifest.json unless manifest_name says otherwise
  manifest_name  the entry name for the manifest (default "manifest.json")
  sign_key     a PEM private key to sign with
  data_from    entry names whose data is checksummed and signed (default: manifest file_list)
  tamper       {name: text}: entry data replaced after checksum and signature were computed
"""
import base64
import hashlib
import json
import subprocess
import sys
import warnings
import zipfile

warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which some tests want


def entry_data(entry):
    if "b64" in entry:
        return base64.b64decode(entry["b64"])
    return entry.get("text", "").encode()


def main():
    spec = json.load(sys.stdin)
    entries = spec["entries"]
    files = {}
    for entry in entries:
        if not entry.get("dir"):
            files[entry["name"]] = entry_data(entry)
    manifest = spec.get("manifest")
    if isinstance(manifest, dict):
        names = spec.get("data_from", manifest.get("file_list") or [])
        # A name the zip lacks contributes nothing (tests of missing files set the checksum themselves).
        data = b"".join(files.get(name, b"") for name in names)
        manifest.setdefault("checksum", hashlib.md5(data).hexdigest())
        if spec.get("sign_key"):
            signature = subprocess.run(
                ["openssl", "dgst", "-sha256", "-sign", spec["sign_key"]],
                input=data, capture_output=True, check=True,
            ).stdout
            manifest.setdefault("signature", base64.b64encode(signature).decode())
        manifest_bytes = json.dumps(manifest).encode()
    elif isinstance(manifest, str):
        manifest_bytes = manifest.encode()
    for name, text in spec.get("tamper", {}).items():
        files[name] = text.encode()

    with zipfile.ZipFile(spec["out"], "w") as zf:
        for entry in entries:
            info = zipfile.ZipInfo(entry["name"])
            info.compress_type = zipfile.ZIP_STORED if entry.get("method") == "store" else zipfile.ZIP_DEFLATED
            if "system" in entry:
                info.create_system = entry["system"]
            if "attr" in entry:
                info.external_attr = entry["attr"]
            elif entry.get("dir"):
                info.external_attr = (0o40755 << 16) | 0x10
            else:
                info.external_attr = 0o100644 << 16
            zf.writestr(info, b"" if entry.get("dir") else files[entry["name"]])
        if manifest is not None:
            zf.writestr(spec.get("manifest_name", "manifest.json"), manifest_bytes)
    print(json.dumps(manifest) if isinstance(manifest, dict) else "")


main()
