"""Build tar archives with Python's tarfile for the tar codec tests.

usage: python3 make_py_archives.py OUTDIR

Writes OUTDIR/py-pax.tar, py-gnu.tar, py-ustar.tar and OUTDIR/py-manifest.json, which
says, per archive, what each member was asked to be (path, type, mode, ids, mtime,
link target, device numbers, xattrs as hex, content SHA-256). Members are made from
TarInfo objects, not from files on disk, so devices, huge ids and xattrs need no
privileges. Content comes from a seeded generator: the same run gives the same bytes.
"""
import base64
import hashlib
import io
import json
import random
import sys
import tarfile

out = sys.argv[1]
rng = random.Random(1234)

LONG150 = "pyroot/" + "n" * 143  # one segment: cannot be split into ustar prefix/name
LONG300 = "pyroot/deep/" + "/".join(["d" * 57] * 5)  # > 255 bytes
SPLIT200 = "pyroot/split/" + "p" * 90 + "/" + "q" * 90  # > 100, fits prefix + name
UNICODE = "pyroot/ünïcødé/日本語/😀.txt"
LONGLINK = "target/" + "t" * 200
BIG = rng.randbytes(5 * 1024 * 1024 + 123)


def members(fmt):
    """(TarInfo, data, expected-extras) for one format."""
    pax = fmt == tarfile.PAX_FORMAT
    gnu = fmt == tarfile.GNU_FORMAT
    ustar = fmt == tarfile.USTAR_FORMAT
    m = []

    def add(name, typ, data=b"", mode=0o644, uid=0, gid=0, uname="", gname="", mtime=1700000000,
            linkname="", devmajor=0, devminor=0, pax_headers=None, xattrs=None):
        ti = tarfile.TarInfo(name)
        ti.type = typ
        ti.mode = mode
        ti.uid, ti.gid, ti.uname, ti.gname = uid, gid, uname, gname
        ti.mtime = mtime
        ti.linkname = linkname
        ti.devmajor, ti.devminor = devmajor, devminor
        ti.size = len(data) if typ == tarfile.REGTYPE else 0
        if pax_headers:
            ti.pax_headers = pax_headers
        m.append((ti, data if typ == tarfile.REGTYPE else None, xattrs or {}))

    add("pyroot/", tarfile.DIRTYPE, mode=0o755)
    add("pyroot/hello.txt", tarfile.REGTYPE, b"hello\n", mode=0o640, uid=1000, gid=1000, uname="alice", gname="staff")
    add("pyroot/empty", tarfile.REGTYPE, b"")
    add("pyroot/suid", tarfile.REGTYPE, b"#!/bin/sh\n", mode=0o4755)
    add("pyroot/sticky/", tarfile.DIRTYPE, mode=0o1777)
    add(SPLIT200, tarfile.REGTYPE, b"split name\n")
    add("pyroot/sym", tarfile.SYMTYPE, mode=0o777, linkname="../etc/hosts")
    add("pyroot/abs-sym", tarfile.SYMTYPE, mode=0o777, linkname="/usr/bin/env")
    add("pyroot/hard", tarfile.LNKTYPE, linkname="pyroot/hello.txt")
    add("pyroot/fifo", tarfile.FIFOTYPE)
    add("pyroot/null", tarfile.CHRTYPE, mode=0o666, devmajor=1, devminor=3)
    add("pyroot/sda1", tarfile.BLKTYPE, mode=0o660, devmajor=8, devminor=1)
    add("pyroot/mid-ids", tarfile.REGTYPE, b"ids\n", uid=2097151, gid=65534)
    add("pyroot/big.bin", tarfile.REGTYPE, BIG)
    for i in range(1000):
        add("pyroot/many/f%04d" % i, tarfile.REGTYPE, rng.randbytes(rng.randrange(0, 1500)),
            mtime=1600000000 + i)
    if not ustar:
        add(LONG150, tarfile.REGTYPE, b"long name\n")
        add(LONG300, tarfile.REGTYPE, b"very long name\n")
        add(UNICODE, tarfile.REGTYPE, "unicode ✓\n".encode())
        add("pyroot/longsym", tarfile.SYMTYPE, mode=0o777, linkname=LONGLINK)
        add("pyroot/longhard", tarfile.LNKTYPE, linkname=LONG300)
        add("pyroot/bigids", tarfile.REGTYPE, b"big ids\n", uid=3000000, gid=4000000)
    if pax:
        add("pyroot/frac", tarfile.REGTYPE, b"frac\n", mtime=1700000000.25)
        add("pyroot/frac2", tarfile.REGTYPE, b"frac2\n", mtime=1700000000.123456)
        add("pyroot/xattrs", tarfile.REGTYPE, b"xattrs\n", pax_headers={
            "SCHILY.xattr.user.comment": "hi there",
            "SCHILY.xattr.user.empty": "",
            "LIBARCHIVE.xattr.user.lib%3Dx": base64.b64encode(b"libval").decode().rstrip("="),
        }, xattrs={"user.comment": b"hi there", "user.empty": b"", "user.lib=x": b"libval"})
        add("pyroot/binxattr", tarfile.REGTYPE, b"bin\n", pax_headers={
            # Lone surrogates make tarfile write raw bytes (and hdrcharset=BINARY).
            "SCHILY.xattr.security.capability": b"\x01\x00\x00\x02\xff\xfe".decode("utf-8", "surrogateescape"),
        }, xattrs={"security.capability": b"\x01\x00\x00\x02\xff\xfe"})
    return m


def expected(ti, data, xattrs, fmt):
    name = ti.name.rstrip("/")
    typ = {tarfile.REGTYPE: "file", tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink",
           tarfile.FIFOTYPE: "fifo", tarfile.CHRTYPE: "char", tarfile.BLKTYPE: "block"}[ti.type]
    return {
        "path": name,
        "type": typ,
        "mode": ti.mode,
        "uid": ti.uid,
        "gid": ti.gid,
        "uname": ti.uname,
        "gname": ti.gname,
        "mtime": ti.mtime if fmt == tarfile.PAX_FORMAT else int(ti.mtime),
        "size": ti.size,
        "linkname": ti.linkname,
        "devmajor": ti.devmajor if typ in ("char", "block") else 0,
        "devminor": ti.devminor if typ in ("char", "block") else 0,
        "xattrs": {k: v.hex() for k, v in xattrs.items()},
        "sha256": hashlib.sha256(data).hexdigest() if data is not None else None,
    }


manifest = {}
for fmt, fname in ((tarfile.PAX_FORMAT, "py-pax.tar"), (tarfile.GNU_FORMAT, "py-gnu.tar"), (tarfile.USTAR_FORMAT, "py-ustar.tar")):
    # A global pax header in the pax archive: tarfile writes it as a 'g' entry first.
    kw = {"pax_headers": {"comment": "made by tarfile"}} if fmt == tarfile.PAX_FORMAT else {}
    entries = []
    with tarfile.open(f"{out}/{fname}", "w", format=fmt, **kw) as tf:
        for ti, data, xattrs in members(fmt):
            tf.addfile(ti, io.BytesIO(data) if data is not None else None)
            entries.append(expected(ti, data, xattrs, fmt))
    manifest[fname] = entries

with open(f"{out}/py-manifest.json", "w") as f:
    json.dump(manifest, f)
