"""Writes bundles that probe every rule of the gateway's loader, each made here with Python's
zipfile and openssl (independently of tyk-ts). Usage: parity_cases.py <out-dir> <private.pem>

Each case is <name>.zip. The parity test runs the Go model of the gateway and `tyk-ts bundle
verify` on every case, with and without the public key, and requires the same verdict.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import warnings
import zipfile

warnings.simplefilter("ignore")  # duplicate names are made on purpose

OUT, KEY = sys.argv[1], sys.argv[2]
MW = b"from tyk.decorators import Hook\n"
HELPER = b"def helper():\n    return 1\n"
HOOKS = {"driver": "python", "pre": [{"name": "Pre"}]}


def sign(data):
    proc = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=data, capture_output=True, check=True)
    return base64.b64encode(proc.stdout).decode()


def manifest(files, data=None, signed=True, **extra):
    data = b"".join(files) if data is None else data
    m = {"file_list": extra.pop("file_list"), "custom_middleware": HOOKS, "checksum": hashlib.md5(data).hexdigest(), "signature": sign(data) if signed else ""}
    m.update(extra)
    return json.dumps(m).encode()


def write(name, entries):
    """entries: (name, bytes or None for a directory, optional external_attr)."""
    with zipfile.ZipFile(os.path.join(OUT, name + ".zip"), "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in entries:
            ename, content = entry[0], entry[1]
            info = zipfile.ZipInfo(ename, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = entry[2] if len(entry) > 2 else ((0o40755 << 16) | 0x10 if content is None else 0o100644 << 16)
            zf.writestr(info, b"" if content is None else content)


flat = [("middleware.py", MW), ("helper.py", HELPER)]
flat_m = manifest([MW, HELPER], file_list=["middleware.py", "helper.py"])
write("ok-flat-signed", flat + [("manifest.json", flat_m)])
write("ok-flat-unsigned", flat + [("manifest.json", manifest([MW, HELPER], signed=False, file_list=["middleware.py", "helper.py"]))])
nested_m = manifest([MW, HELPER], file_list=["middleware.py", "lib/helper.py"])
write("ok-nested-with-dirs", [("middleware.py", MW), ("lib/", None), ("lib/helper.py", HELPER), ("manifest.json", nested_m)])
write("nested-without-dir-entry", [("middleware.py", MW), ("lib/helper.py", HELPER), ("manifest.json", nested_m)])
write("dir-after-file", [("middleware.py", MW), ("lib/helper.py", HELPER), ("lib/", None), ("manifest.json", nested_m)])
write("child-dir-before-parent", [("middleware.py", MW), ("a/b/", None), ("a/", None), ("a/b/h.py", HELPER), ("manifest.json", manifest([MW, HELPER], file_list=["middleware.py", "a/b/h.py"]))])
write("duplicate-dir-entry", [("middleware.py", MW), ("lib/", None), ("lib/", None), ("lib/helper.py", HELPER), ("manifest.json", nested_m)])
write("dot-slash-dir-entry", [("./", None)] + flat + [("manifest.json", flat_m)])
write("dir-by-unix-mode-without-slash", [("middleware.py", MW), ("lib", b"", (0o40755 << 16)), ("lib/helper.py", HELPER), ("manifest.json", nested_m)])
write("dir-by-dos-attribute", [("middleware.py", MW), ("lib", b"", 0x10), ("lib/helper.py", HELPER), ("manifest.json", nested_m)])
write("dotdot-hidden-name", flat + [("..hidden.py", b"x"), ("manifest.json", flat_m)])
write("traversal-name", flat + [("../evil.py", b"x"), ("manifest.json", flat_m)])
write("traversal-inside-name", flat + [("lib/../../evil.py", b"x"), ("manifest.json", flat_m)])
write("harmless-dotdot-inside", [("lib/", None)] + flat + [("lib/../extra.py", b"x"), ("manifest.json", flat_m)])
write("absolute-name", flat + [("/tmp/evil.py", b"x"), ("manifest.json", flat_m)])
write("backslash-name", flat + [("lib\\x.py", b"x"), ("manifest.json", flat_m)])
write("no-manifest", flat)
write("manifest-not-json", flat + [("manifest.json", b"{not json")])
write("manifest-bom", flat + [("manifest.json", b"\xef\xbb\xbf" + flat_m)])
write("manifest-trailing-garbage", flat + [("manifest.json", flat_m + b"\n}{ garbage")])
write("manifest-is-array", flat + [("manifest.json", b"[]")])
write("manifest-null", flat + [("manifest.json", b"null")])
write("manifest-in-subdir-only", flat + [("sub/", None), ("sub/manifest.json", flat_m)])
write("manifest-is-directory", flat + [("manifest.json/", None)])
write("manifest-twice-last-wins", flat + [("manifest.json", b"{}"), ("manifest.json", flat_m)])
write("manifest-twice-last-bad", flat + [("manifest.json", flat_m), ("manifest.json", b"{}")])
data = MW + HELPER
good = {"file_list": ["middleware.py", "helper.py"], "custom_middleware": HOOKS, "checksum": hashlib.md5(data).hexdigest(), "signature": sign(data)}
def variant(name, **changes):
    m = dict(good)
    m.update(changes)
    write(name, flat + [("manifest.json", json.dumps(m).encode())])
variant("file-list-string", file_list="middleware.py")
variant("checksum-number", checksum=5)
variant("pre-object", custom_middleware={"driver": "python", "pre": {"name": "x"}})
variant("hook-name-number", custom_middleware={"driver": "python", "pre": [{"name": 1}]})
variant("file-list-null", file_list=None, checksum=hashlib.md5(b"").hexdigest(), signature=sign(b""))
variant("checksum-uppercase", checksum=good["checksum"].upper())
variant("checksum-tampered", checksum="0" * 32)
variant("signature-not-base64", signature="!!!not-base64!!!")
variant("signature-truncated", signature=good["signature"][:40])
variant("signature-unpadded", signature=good["signature"].rstrip("="))
variant("signature-with-newlines", signature=good["signature"][:30] + "\n" + good["signature"][30:] + "\r\n")
variant("signature-of-other-data", signature=sign(b"other"))
variant("signature-empty", signature="")
variant("listed-twice", file_list=["middleware.py", "middleware.py", "helper.py"], checksum=hashlib.md5(MW + MW + HELPER).hexdigest(), signature=sign(MW + MW + HELPER))
variant("listed-missing", file_list=["middleware.py", "helper.py", "gone.py"])
variant("listed-outside", file_list=["middleware.py", "../helper.py"])
variant("listed-dot-slash", file_list=["./middleware.py", "helper.py"])
variant("listed-empty-name", file_list=["middleware.py", "helper.py", ""])
variant("listed-manifest", file_list=["middleware.py", "helper.py", "manifest.json"])
variant("unknown-driver-still-loads", custom_middleware={"driver": "pyhton", "pre": [{"name": "P"}]})
variant("no-hooks-still-loads", custom_middleware={"driver": "python"})
variant("extra-unknown-fields", x_owner="team", nested={"a": [1, 2]})
ci = {"File_List": good["file_list"], "CUSTOM_MIDDLEWARE": HOOKS, "Checksum": good["checksum"], "signaturE": good["signature"]}
write("case-insensitive-keys", flat + [("manifest.json", json.dumps(ci).encode())])
dup = ('{"file_list": ["middleware.py", "helper.py"], "checksum": "%s", "signature": "%s", "checksum": "%s"}' % ("0" * 32, good["signature"], good["checksum"])).encode()
write("duplicate-key-last-wins", flat + [("manifest.json", dup)])
dup_bad = ('{"file_list": ["middleware.py", "helper.py"], "checksum": "%s", "signature": "%s", "checksum": "%s"}' % (good["checksum"], good["signature"], "0" * 32)).encode()
write("duplicate-key-last-bad", flat + [("manifest.json", dup_bad)])
write("file-tampered", [("middleware.py", MW + b"#"), ("helper.py", HELPER), ("manifest.json", flat_m)])
write("file-twice-last-wins", [("middleware.py", b"old"), ("middleware.py", MW), ("helper.py", HELPER), ("manifest.json", flat_m)])
write("file-over-directory", [("lib/", None), ("lib", b"x")] + flat + [("manifest.json", flat_m)])
write("extra-unlisted-entry", flat + [("extra.py", b"unchecked"), ("manifest.json", flat_m)])
empty = {"file_list": [], "custom_middleware": {"driver": "grpc", "pre": [{"name": "P"}]}, "checksum": hashlib.md5(b"").hexdigest(), "signature": sign(b"")}
write("grpc-manifest-only", [("manifest.json", json.dumps(empty).encode())])
write("empty-zip", [])
# Not zips, or broken ones.
with open(os.path.join(OUT, "not-a-zip.zip"), "wb") as f:
    f.write(b"hello, this is not a zip file\n")
raw = open(os.path.join(OUT, "ok-flat-signed.zip"), "rb").read()
with open(os.path.join(OUT, "truncated.zip"), "wb") as f:
    f.write(raw[: len(raw) // 2])
def flip(source, entry_name, name):
    """Flips one bit in an entry's compressed data: its CRC-32 no longer matches."""
    data = bytearray(open(os.path.join(OUT, source + ".zip"), "rb").read())
    info = zipfile.ZipFile(os.path.join(OUT, source + ".zip")).getinfo(entry_name)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 2] ^= 0x01
    with open(os.path.join(OUT, name + ".zip"), "wb") as f:
        f.write(bytes(data))
flip("ok-flat-signed", "middleware.py", "crc-bad-listed-file")
flip("extra-unlisted-entry", "extra.py", "crc-bad-unlisted-file")
