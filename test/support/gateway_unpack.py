"""An independent stand-in for the gateway's bundle loader (TYK-FACTS "How the gateway loads a bundle").

Unpacks a bundle the way the gateway does -- mkdir for directory entries (the parent must exist),
create for files (no parent directories are made), names cleaned and refused when absolute or
starting with ".." -- then checks the manifest's MD5 over file_list. Prints "ok <checksum>" or the
reason for refusal and exits 1.
"""
import hashlib
import json
import os
import posixpath
import sys
import zipfile


def main(bundle, dest):
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            name = info.filename
            if name.startswith("/"):
                return f"refused name {name!r}: absolute"
            cleaned = posixpath.normpath(name)
            if cleaned.startswith(".."):
                return f"refused name {name!r}: outside"
            target = os.path.join(dest, cleaned)
            if name.endswith("/"):
                os.mkdir(target)  # raises if the parent is missing or it exists
            else:
                with open(target, "wb") as out:  # raises if the parent is missing
                    out.write(zf.read(info))
    with open(os.path.join(dest, "manifest.json"), "rb") as f:
        manifest = json.load(f)
    digest = hashlib.md5()
    for entry in manifest.get("file_list") or []:
        with open(os.path.join(dest, entry), "rb") as f:
            digest.update(f.read())
    if digest.hexdigest() != manifest.get("checksum"):
        return "invalid checksum"
    print("ok", digest.hexdigest())
    return None


if __name__ == "__main__":
    try:
        reason = main(sys.argv[1], sys.argv[2])
    except OSError as e:
        reason = f"unpack failed: {e}"
    if reason:
        print(reason)
        sys.exit(1)
