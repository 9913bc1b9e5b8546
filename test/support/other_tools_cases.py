"""Writes bundles zipped by the tools people use instead of `bundle build` (issue 15): Info-ZIP's zip,
7-Zip, libarchive's bsdtar, the JDK's jar, git archive, Python's zipfile and shutil, each with the
options that change the bytes (compression method, zip64, streaming with data descriptors,
encryption, symlinks, prepended data, folder entries, comments, split archives). Manifests,
checksums and signatures are made here with hashlib and openssl, independently of tyk-ts.

Usage: other_tools_cases.py <out-dir> <private.pem>
Writes <out-dir>/cases/<tool>--<how>--<plugin>.zip and prints JSON: the tools it skipped (not
installed) and the specs for Go's writer (test/support/go-zip-writer), which the test runs.
The test (test/verify-other-tools.test.ts) compares `bundle verify` with the Go model of the gateway.
"""
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile

warnings.simplefilter("ignore")  # duplicate names are made on purpose

OUT, KEY = sys.argv[1], sys.argv[2]
CASES = os.path.join(OUT, "cases")
PLUGINS = os.path.join(OUT, "plugins")
os.makedirs(CASES, exist_ok=True)

MW = b"from tyk.decorators import Hook\nfrom lib.util import X\n"
HELPER = b"def helper():\n    return 1\n"
UTIL = b"X = 1\n"
# Compresses well but stays far below the ratio limit (checked above 1 MiB only).
TEXT = b"".join(b"line %d of a data file the plugin reads\n" % i for i in range(8000))
HOOKS = {"driver": "python", "pre": [{"name": "Pre"}]}


def sign(data):
    proc = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=data, capture_output=True, check=True)
    return base64.b64encode(proc.stdout).decode()


def manifest_for(files, listed, **extra):
    data = b"".join(files[name] for name in listed)
    m = {"file_list": listed, "custom_middleware": HOOKS, "checksum": hashlib.md5(data).hexdigest(), "signature": sign(data)}
    m.update(extra)
    return m, data


def plugin(name, files, manifest, symlinks=None):
    """A plugin folder: files (path -> bytes), manifest.json (dict or raw bytes), symlinks (path -> target)."""
    root = os.path.join(PLUGINS, name)
    os.makedirs(root, exist_ok=True)
    for path, content in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        with open(os.path.join(root, path), "wb") as f:
            f.write(content)
    for path, target in (symlinks or {}).items():
        os.symlink(target, os.path.join(root, path))
    with open(os.path.join(root, "manifest.json"), "wb") as f:
        f.write(manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode())
    return root


# The plugins every tool zips (with each of its options)...
# Empty files (a package's __init__.py) are stored, deflated to 2 bytes or given a data descriptor,
# depending on the tool.
NESTED = {"middleware.py": MW, "lib/__init__.py": b"", "lib/util.py": UTIL, "lib/deep/helper.py": HELPER, "data.txt": TEXT}
BASIC = {
    "flat": ({"middleware.py": MW, "helper.py": HELPER}, ["middleware.py", "helper.py"]),
    "nested": (NESTED, ["middleware.py", "lib/__init__.py", "lib/util.py", "lib/deep/helper.py", "data.txt"]),
}
for name, (files, listed) in BASIC.items():
    plugin(name, files, manifest_for(files, listed)[0])

# ...and plugins whose manifest or links probe the loader, zipped once per tool.
FLAT = {"middleware.py": MW, "helper.py": HELPER}
good, data = manifest_for(FLAT, ["middleware.py", "helper.py"])
sig = good["signature"]
PROBES = {
    "bom": ({**FLAT}, b"\xef\xbb\xbf" + json.dumps(good).encode()),
    "case-keys": ({**FLAT}, {"File_List": good["file_list"], "CHECKSUM": good["checksum"], "Signature": sig, "custom_middleware": HOOKS}),
    "dup-key-last-good": ({**FLAT}, ('{"checksum": "0", "file_list": %s, "checksum": "%s", "signature": "%s"}' % (json.dumps(good["file_list"]), good["checksum"], sig)).encode()),
    "dup-key-last-bad": ({**FLAT}, ('{"checksum": "%s", "file_list": %s, "checksum": "0", "signature": "%s"}' % (good["checksum"], json.dumps(good["file_list"]), sig)).encode()),
    "dot-slash-list": ({**FLAT}, {**good, "file_list": ["./middleware.py", "helper.py"]}),
    "abs-list": ({**FLAT}, {**good, "file_list": ["/middleware.py", "helper.py"]}),
    "dup-list": ({**FLAT}, manifest_for(FLAT, ["middleware.py", "middleware.py", "helper.py"])[0]),
    "upper-checksum": ({**FLAT}, {**good, "checksum": good["checksum"].upper()}),
    "sig-newlines": ({**FLAT}, {**good, "signature": "\n".join(sig[i : i + 64] for i in range(0, len(sig), 64)) + "\r\n"}),
    "sig-spaces": ({**FLAT}, {**good, "signature": " ".join(sig[i : i + 64] for i in range(0, len(sig), 64))}),
    "sig-urlsafe": ({**FLAT}, {**good, "signature": sig.replace("+", "-").replace("/", "_")}),
    "manifest-listed": ({**FLAT}, None),  # filled below: lists manifest.json itself
    "trailing-data": ({**FLAT}, json.dumps(good).encode() + b"\n\n# built by hand\n"),
    "utf8-name": ({"middleware.py": MW, "h\u00e9lper.py": HELPER}, manifest_for({"middleware.py": MW, "h\xe9lper.py": HELPER}, ["middleware.py", "h\xe9lper.py"])[0]),
    "hidden-files": ({**FLAT, ".env": b"A=1\n", "..hidden.py": b"x\n"}, good),
    "empty-dir": ({**FLAT}, good),  # gets an empty folder below
    "grpc-only": ({}, {"file_list": [], "custom_middleware": {"driver": "grpc", "pre": [{"name": "Pre"}]}, "checksum": hashlib.md5(b"").hexdigest(), "signature": sign(b"")}),
    "symlink-listed": ({"middleware.py": MW}, manifest_for({"middleware.py": MW, "helper.py": MW}, ["middleware.py", "helper.py"])[0]),
    "symlink-dir": ({"middleware.py": MW, "real/util.py": UTIL}, manifest_for({"middleware.py": MW, "lib/util.py": UTIL}, ["middleware.py", "lib/util.py"])[0]),
}
# A data file of zeros: far beyond the ratio tyk-ts checks without a flag (its verdict is "unchecked").
ZEROS = {"middleware.py": MW, "zeros.bin": bytes(2 * 1024 * 1024)}
plugin("zeros", ZEROS, manifest_for(ZEROS, ["middleware.py", "zeros.bin"])[0])
# Data that does not compress, so a split archive really has several parts.
RANDOM = {"middleware.py": MW, "blob.bin": __import__("random").Random(15).randbytes(200_000)}
plugin("random", RANDOM, manifest_for(RANDOM, ["middleware.py", "blob.bin"])[0])
# A file name that is not UTF-8 (Latin-1 bytes): JSON cannot name it, Go's decoder makes U+FFFD of the byte.
latin = os.path.join(PLUGINS, "latin1-name")
os.makedirs(latin)
for n, c in ((b"middleware.py", MW), (b"h\xe9lper.py", HELPER)):
    with open(os.path.join(latin.encode(), n), "wb") as f:
        f.write(c)
with open(os.path.join(latin, "manifest.json"), "wb") as f:
    lm = manifest_for({"middleware.py": MW, "x": HELPER}, ["middleware.py", "x"])[0]
    f.write(json.dumps({**lm, "file_list": ["middleware.py", "@"]}).encode().replace(b'"@"', b'"h\xe9lper.py"'))
for name, (files, m) in PROBES.items():
    if name == "manifest-listed":
        continue
    links = {"helper.py": "middleware.py"} if name == "symlink-listed" else {"lib": "real"} if name == "symlink-dir" else None
    root = plugin(name, files, m, links)
    if name == "empty-dir":
        os.makedirs(os.path.join(root, "docs", "empty"))
# A manifest listing itself: the checksum covers the manifest as written, which changes it.
root = plugin("manifest-listed", FLAT, {"file_list": ["middleware.py", "manifest.json"], "checksum": "0" * 32})

ALL = list(BASIC) + list(PROBES)
skipped = []


def have(tool):
    if shutil.which(tool):
        return True
    skipped.append(tool)
    return False


def run(cmd, cwd, out):
    """Runs a shell command in the plugin folder; OUT stands for the case's path."""
    res = subprocess.run(["sh", "-c", cmd.replace("OUT", "'" + out + "'")], cwd=cwd, capture_output=True)
    if res.returncode != 0 or not os.path.exists(out):
        sys.stderr.write("could not make %s: %s\n" % (out, res.stderr.decode(errors="replace")[-300:]))
        if os.path.exists(out):
            os.remove(out)


def make(tool, how, cmd, plugins, parent=False):
    for p in plugins:
        out = os.path.join(CASES, "%s--%s--%s.zip" % (tool, how, p))
        cwd = PLUGINS if parent else os.path.join(PLUGINS, p)
        run(cmd.replace("PLUGIN", p), cwd, out)


BASIC_NAMES = list(BASIC)

# Info-ZIP zip: folder entries by default, -D leaves them out; -fz forces zip64; -y stores links;
# "-" streams to stdout (data descriptors); -A fixes offsets after a self-extractor stub.
if have("zip"):
    make("zip", "r", "zip -qr OUT .", ALL)
    make("zip", "r-star", "zip -qr OUT *", BASIC_NAMES + ["hidden-files"])
    for how, flags in {"D": "-D", "store": "-0", "best": "-9", "fz": "-fz", "y": "-y", "X": "-X"}.items():
        make("zip", how, "zip -qr %s OUT ." % flags, BASIC_NAMES + (["symlink-listed", "symlink-dir"] if how == "y" else []))
    make("zip", "stream", "zip -qr - . > OUT", BASIC_NAMES)
    make("zip", "stream-fz", "zip -qr -fz - . > OUT", BASIC_NAMES)
    make("zip", "stdin-list", "find . -type f | sort | zip -q -@ - > OUT", BASIC_NAMES)
    make("zip", "bzip2", "zip -qr -Z bzip2 OUT .", BASIC_NAMES)
    make("zip", "password", "zip -qr -P secret OUT .", BASIC_NAMES)
    make("zip", "comment", "echo made by hand | zip -qrz OUT .", BASIC_NAMES)
    # A comment holding an end-record signature whose comment length runs past the file (Go issue 66869).
    make("zip", "comment-eocd", "printf 'PK\\005\\006 release notes for 1.2.3' | zip -qrz OUT .", ["flat"])
    make("zip", "sfx-adjusted", "zip -qr t.zip . && printf '#!/bin/sh\\nexit 0\\n' > OUT && cat t.zip >> OUT && rm t.zip && zip -qA OUT", BASIC_NAMES)
    make("zip", "sfx-raw", "zip -qr t.zip . && printf '#!/bin/sh\\nexit 0\\n' > OUT && cat t.zip >> OUT && rm t.zip", BASIC_NAMES)
    make("zip", "parent", "zip -qr OUT PLUGIN", BASIC_NAMES, parent=True)
    make("zip", "update", "zip -qr OUT . && zip -q OUT middleware.py", BASIC_NAMES)
    # A split archive: the gateway downloads the .zip part only.
    make("zip", "split", "zip -qr -s 64k OUT .", ["flat", "random"])
    make("zip", "r", "zip -qr OUT .", ["zeros", "latin1-name"])

# 7-Zip: its own deflate, Deflate64, BZip2, LZMA, PPMd; ZipCrypto and AES; folder entries.
if have("7z"):
    make("7z", "default", "7z a -tzip -bd -bso0 OUT .", ALL)
    for how, flags in {"copy": "-mm=Copy", "deflate64": "-mm=Deflate64", "bzip2": "-mm=BZip2", "lzma": "-mm=LZMA", "ppmd": "-mm=PPMd", "ultra": "-mx=9", "zipcrypto": "-psecret", "aes": "-psecret -mem=AES256", "utf8": "-mcu=on", "star": ""}.items():
        target = "*" if how == "star" else "."
        make("7z", how, "7z a -tzip -bd -bso0 %s OUT %s" % (flags, target), BASIC_NAMES)
    make("7z", "times", "7z a -tzip -bd -bso0 -mtc=on -mta=on OUT .", BASIC_NAMES)
    make("7z", "store-level", "7z a -tzip -bd -bso0 -mx=0 OUT .", BASIC_NAMES)
    make("7z", "default", "7z a -tzip -bd -bso0 OUT .", ["zeros", "latin1-name"])
    # Beyond the ratio limit, but in a method Go cannot read: refused whatever the size.
    make("7z", "bzip2", "7z a -tzip -bd -bso0 -mm=BZip2 OUT .", ["zeros"])
    make("7z", "parent", "7z a -tzip -bd -bso0 OUT PLUGIN", BASIC_NAMES, parent=True)
    make("7z", "symlinks", "7z a -tzip -bd -bso0 -snl OUT .", ["symlink-listed", "symlink-dir"])

# libarchive's bsdtar: names start with "./" when given "."; data descriptors; stored; zip64; links.
if have("bsdtar"):
    make("bsdtar", "dot", "bsdtar --format zip -cf OUT .", ALL)
    make("bsdtar", "star", "bsdtar --format zip -cf OUT *", BASIC_NAMES + ["symlink-listed", "symlink-dir", "empty-dir"])
    make("bsdtar", "store", "bsdtar --format zip --options zip:compression=store -cf OUT *", BASIC_NAMES)
    make("bsdtar", "zip64", "bsdtar --format zip --options zip:zip64 -cf OUT *", BASIC_NAMES)
    make("bsdtar", "stream", "bsdtar --format zip -cf - * > OUT", BASIC_NAMES)
    make("bsdtar", "follow", "bsdtar --format zip -L -cf OUT *", ["symlink-listed", "symlink-dir"])
    make("bsdtar", "zipcrypt", "bsdtar --format zip --options zip:encryption=zipcrypt --passphrase secret -cf OUT *", ["flat"])

# The JDK's jar (ZipOutputStream: data descriptors, META-INF entries with an 0xCAFE extra field).
if have("jar"):
    make("jar", "cf", "jar cf OUT .", ["flat", "nested"])
    make("jar", "cfM", "jar cfM OUT .", ["nested"])
    make("jar", "stored", "jar cf0M OUT .", ["nested"])

# git archive: the commit id as the zip comment, folder entries, links stored as links.
if have("git"):
    git = "git init -q && git add -A && git -c user.email=qa@example.com -c user.name=qa -c commit.gpgsign=false commit -qm plugin && git archive --format=zip %s -o OUT HEAD && rm -rf .git"
    make("git", "archive", git % "", BASIC_NAMES + ["symlink-listed", "empty-dir", "hidden-files"])
    make("git", "prefix", git % "--prefix=plugin/", ["flat"])
    make("git", "store", git % "-0", ["nested"])

# Python: every method zipfile writes, zip64, streaming, shutil.make_archive, the zipfile CLI.
if sys.version_info >= (3, 6):
    def python_zip(p, how, method, force_zip64=False, stream=False, dirs=True, comment=b""):
        root = os.path.join(PLUGINS, p)
        out = os.path.join(CASES, "python--%s--%s.zip" % (how, p))
        sink = io.BytesIO() if stream else open(out, "wb")

        class Unseekable(io.RawIOBase):  # a pipe: zipfile writes data descriptors
            def writable(self):
                return True

            def write(self, b):
                return sink.write(b)

        target = Unseekable() if stream else sink
        with zipfile.ZipFile(target, "w", method) as zf:
            zf.comment = comment
            for folder, subdirs, names in os.walk(root):
                subdirs.sort()
                rel = os.path.relpath(folder, root)
                if dirs and rel != ".":
                    zf.write(folder, rel)
                for n in sorted(names):
                    full = os.path.join(folder, n)
                    arc = os.path.normpath(os.path.join(rel, n))
                    if force_zip64:
                        with open(full, "rb") as src, zf.open(zipfile.ZipInfo.from_file(full, arc), "w", force_zip64=True) as dst:
                            dst.write(src.read())
                    else:
                        zf.write(full, arc)
        if stream:
            with open(out, "wb") as f:
                f.write(sink.getvalue())
        else:
            sink.close()

    methods = {"stored": zipfile.ZIP_STORED, "deflated": zipfile.ZIP_DEFLATED, "bzip2": zipfile.ZIP_BZIP2, "lzma": zipfile.ZIP_LZMA}
    for how, method in methods.items():
        python_zip("nested", how, method)
    python_zip("zeros", "lzma", zipfile.ZIP_LZMA)
    for p in ALL + ["zeros"]:  # zipfile cannot write a name that is not UTF-8
        python_zip(p, "default", zipfile.ZIP_DEFLATED)
    for p in BASIC_NAMES:
        python_zip(p, "zip64", zipfile.ZIP_DEFLATED, force_zip64=True)
        python_zip(p, "stream", zipfile.ZIP_DEFLATED, stream=True)
        python_zip(p, "stream-stored", zipfile.ZIP_STORED, stream=True)
        python_zip(p, "no-dirs", zipfile.ZIP_DEFLATED, dirs=False)
        python_zip(p, "comment", zipfile.ZIP_DEFLATED, comment=b"made by hand")
        python_zip(p, "comment-eocd", zipfile.ZIP_DEFLATED, comment=b"PK\x05\x06 not an end record")
        # A whole empty end record in the comment: every Go reads it as the zip's (an empty zip).
        python_zip(p, "comment-eocd-fits", zipfile.ZIP_DEFLATED, comment=b"PK\x05\x06" + bytes(18))
        shutil.make_archive(os.path.join(CASES, "python--make-archive--" + p), "zip", root_dir=os.path.join(PLUGINS, p))
        run("%s -m zipfile -c OUT *" % sys.executable, os.path.join(PLUGINS, p), os.path.join(CASES, "python--cli--%s.zip" % p))

    # Names written by hand the way scripts do: "./" prefixes, doubled and dotted separators.
    def python_names(how, names):
        out = os.path.join(CASES, "python--%s--nested.zip" % how)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for arc, rel in names:
                if rel is None:
                    zf.writestr(zipfile.ZipInfo(arc), b"")
                else:
                    with open(os.path.join(PLUGINS, "nested", rel), "rb") as f:
                        zf.writestr(arc, f.read())

    nested_files = ["middleware.py", "data.txt", "manifest.json"]
    python_names("dot-slash-names", [("./lib/", None), ("./lib/deep/", None), ("./lib/__init__.py", "lib/__init__.py"), ("./lib/util.py", "lib/util.py"), ("./lib/deep/helper.py", "lib/deep/helper.py")] + [("./" + n, n) for n in nested_files])
    python_names("double-slash-names", [("lib/", None), ("lib//deep/", None), ("lib//__init__.py", "lib/__init__.py"), ("lib//util.py", "lib/util.py"), ("lib/deep//helper.py", "lib/deep/helper.py")] + [(n, n) for n in nested_files])
    python_names("dotted-names", [("lib/", None), ("lib/./deep/", None), ("lib/./__init__.py", "lib/__init__.py"), ("lib/./util.py", "lib/util.py"), ("lib/deep/../deep/helper.py", "lib/deep/helper.py")] + [(n, n) for n in nested_files])

# Go's archive/zip writer (the test feeds these specs to test/support/go-zip-writer): as `tyk bundle
# build` writes (no folder entries, data descriptors), with folder entries, stored.
go_specs = []
for p in BASIC_NAMES:
    root = os.path.join(PLUGINS, p)
    files = []
    for folder, subdirs, names in os.walk(root):
        subdirs.sort()
        rel = os.path.relpath(folder, root)
        if rel != ".":
            files.append({"name": rel + "/", "dir": True})
        for n in sorted(names):
            with open(os.path.join(folder, n), "rb") as f:
                files.append({"name": os.path.normpath(os.path.join(rel, n)), "text": f.read().decode()})
    go_specs.append({"out": os.path.join(CASES, "go--dirs--%s.zip" % p), "entries": files})
    go_specs.append({"out": os.path.join(CASES, "go--stored--%s.zip" % p), "entries": [{**e, "store": True} for e in files]})
    go_specs.append({"out": os.path.join(CASES, "go--no-dirs--%s.zip" % p), "entries": [e for e in files if not e.get("dir")]})

print(json.dumps({"skipped": sorted(set(skipped)), "go": go_specs}))
