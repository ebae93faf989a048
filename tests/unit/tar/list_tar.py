"""List a tar archive with Python's tarfile, as JSON, for the tar codec tests.

usage: python3 list_tar.py ARCHIVE > listing.json

One object per member in archive order: name (as tarfile reports it), type (the
typeflag character), mode, uid, gid, uname, gname, mtime, size, linkname, devmajor,
devminor, the pax records (values hex-encoded, since xattr values may be binary) and
the SHA-256 of regular files' content. This is the independent reader the tests
compare layerbox's reader and writer against.
"""
import hashlib
import json
import sys
import tarfile

out = []
with tarfile.open(sys.argv[1], "r:") as tf:
    for m in tf:
        digest = None
        if m.isreg():
            h = hashlib.sha256()
            f = tf.extractfile(m)
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                h.update(b)
            digest = h.hexdigest()
        out.append({
            "name": m.name,
            "type": m.type.decode("latin-1"),
            "mode": m.mode,
            "uid": m.uid,
            "gid": m.gid,
            "uname": m.uname,
            "gname": m.gname,
            "mtime": m.mtime,
            "size": m.size,
            "linkname": m.linkname,
            "devmajor": m.devmajor,
            "devminor": m.devminor,
            "pax": {k: v.encode("utf-8", "surrogateescape").hex() for k, v in m.pax_headers.items()},
            "sha256": digest,
        })
sys.stdout.write(json.dumps(out))  # one write: many small writes to a pipe are slow
