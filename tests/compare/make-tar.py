"""Writes a tar archive with chosen owners and modes, for ADD cases of the compare table.

Usage: python3 make-tar.py OUTPUT plain|gzip < entries.json

entries.json is a list of {path, type (file|dir|symlink|hardlink), mode (octal text),
uid, gid, uname, gname, content, target}; a hard link takes its target's owner and
mode unless it names its own. Every entry gets the same fixed mtime, and
gzip output has no name or time in its header, so the bytes depend on the list alone.
"""

import gzip
import io
import json
import sys
import tarfile

MTIME = 946684800  # 2000-01-01T00:00:00Z


def main():
    out, compression = sys.argv[1], sys.argv[2]
    entries = json.load(sys.stdin)
    by_path = {e["path"]: e for e in entries}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for e in entries:
            kind = e.get("type", "file")
            info = tarfile.TarInfo(e["path"])
            info.mtime = MTIME
            info.uid = e.get("uid", 0)
            info.gid = e.get("gid", 0)
            info.uname = e.get("uname", "")
            info.gname = e.get("gname", "")
            data = None
            if kind == "file":
                info.type = tarfile.REGTYPE
                data = e.get("content", "").encode()
                info.size = len(data)
                info.mode = int(e.get("mode", "0644"), 8)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = int(e.get("mode", "0755"), 8)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = e["target"]
                info.mode = int(e.get("mode", "0777"), 8)
            elif kind == "hardlink":
                # A hard link shares its target's inode, so its header repeats the
                # target's owner and mode unless the entry says otherwise.
                target = by_path.get(e["target"], {})
                info.type = tarfile.LNKTYPE
                info.linkname = e["target"]
                info.mode = int(e.get("mode", target.get("mode", "0644")), 8)
                for key in ("uid", "gid", "uname", "gname"):
                    if key not in e and key in target:
                        setattr(info, key, target[key])
            else:
                raise SystemExit(f"make-tar: unknown entry type {kind}")
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    if compression == "gzip":
        raw = gzip.compress(raw, mtime=0)
    with open(out, "wb") as f:
        f.write(raw)


if __name__ == "__main__":
    main()
