"""Normalised description of an image archive, as JSON on stdout.

Usage: python3 image-dump.py ARCHIVE [--ref NAME] [--format auto|docker|oci]

ARCHIVE is a tar written by `docker save` (docker-archive: manifest.json, config JSON,
layer tars) and/or holding an OCI image layout (oci-layout, index.json, blobs/).
Layers may be plain or gzip-compressed tars; each must match its diff_id, and every
blob of an OCI layout its digest. The output is the image's comparable config
fields and its merged root filesystem after applying the layers in order with OCI
whiteout semantics. It is an oracle for tests, so it relies on Python's own tarfile
module alone and shares no code with the project under test.
"""

import argparse
import gzip
import hashlib
import io
import json
import posixpath
import sys
import tarfile

CONFIG_FIELDS = (
    "Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels",
    "StopSignal", "Healthcheck", "OnBuild", "Shell", "ArgsEscaped",
)
WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
CHUNK = 1 << 20


class DumpError(Exception):
    pass


def norm_path(name):
    """Tar member name to a relative path without ./, leading or trailing slashes."""
    p = name
    while p.startswith("./"):
        p = p[2:]
    p = p.strip("/")
    if p in ("", "."):
        return ""
    parts = p.split("/")
    if any(part == ".." for part in parts):
        raise DumpError(f"tar entry {name!r} escapes the root")
    return "/".join(part for part in parts if part not in ("", "."))


class Archive:
    """The outer tar, read fully into memory: members by normalised name."""

    def __init__(self, path):
        self.members = {}
        with tarfile.open(path, mode="r:*") as tar:
            for m in tar:
                if m.isfile():
                    self.members[norm_path(m.name)] = tar.extractfile(m).read()

    def has(self, name):
        return name in self.members

    def read(self, name):
        try:
            return self.members[name]
        except KeyError:
            raise DumpError(f"archive has no member {name}") from None

    def json(self, name):
        return json.loads(self.read(name))


def blob_path(digest):
    algorithm, _, hexpart = digest.partition(":")
    if algorithm != "sha256" or len(hexpart) != 64:
        raise DumpError(f"unsupported digest {digest!r}")
    return f"blobs/{algorithm}/{hexpart}"


def read_blob(archive, digest):
    """A blob of the OCI layout, checked against its digest."""
    data = archive.read(blob_path(digest))
    got = "sha256:" + hashlib.sha256(data).hexdigest()
    if got != digest:
        raise DumpError(f"blob {digest} holds content with digest {got}")
    return data


def uncompressed(data, index):
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        raise DumpError(f"layer {index} is zstd-compressed, which this reader does not support")
    return data


def docker_image(archive, ref):
    manifest = archive.json("manifest.json")
    if not isinstance(manifest, list) or not manifest:
        raise DumpError("manifest.json lists no image")
    if ref is None:
        if len(manifest) != 1:
            raise DumpError(f"manifest.json lists {len(manifest)} images; name one with --ref")
        entry = manifest[0]
    else:
        matches = [e for e in manifest if ref in (e.get("RepoTags") or [])]
        if not matches:
            raise DumpError(f"manifest.json has no image tagged {ref}")
        entry = matches[0]
    config = archive.json(entry["Config"])
    return config, [archive.read(norm_path(layer)) for layer in entry["Layers"]]


def oci_ref_names(descriptor):
    ann = descriptor.get("annotations") or {}
    names = set()
    for key in ("io.containerd.image.name", "org.opencontainers.image.ref.name"):
        if key in ann:
            names.add(ann[key])
    return names


def oci_manifests(archive, index):
    """Image manifests reachable from an index, with the names annotating the path to them."""
    found = []
    for d in index.get("manifests") or []:
        media = d.get("mediaType", "")
        body = json.loads(read_blob(archive, d["digest"]))
        if "index" in media or "manifest.list" in media or "manifests" in body:
            for names, manifest in oci_manifests(archive, body):
                found.append((names | oci_ref_names(d), manifest))
        else:
            found.append((oci_ref_names(d), body))
    return found


def oci_image(archive, ref):
    manifests = oci_manifests(archive, archive.json("index.json"))
    if not manifests:
        raise DumpError("index.json lists no image manifest")
    if ref is None:
        if len(manifests) != 1:
            raise DumpError(f"index.json reaches {len(manifests)} images; name one with --ref")
        manifest = manifests[0][1]
    else:
        tag = ref.rsplit(":", 1)[1] if ":" in ref.rsplit("/", 1)[-1] else None
        matches = [m for names, m in manifests if ref in names or (tag is not None and tag in names)]
        if not matches:
            raise DumpError(f"index.json has no image named {ref}")
        manifest = matches[0]
    config = json.loads(read_blob(archive, manifest["config"]["digest"]))
    return config, [read_blob(archive, layer["digest"]) for layer in manifest["layers"]]


def entry_type(m):
    if m.isreg():
        return "file"
    if m.isdir():
        return "dir"
    if m.issym():
        return "symlink"
    if m.islnk():
        return "hardlink"
    if m.ischr():
        return "char"
    if m.isblk():
        return "block"
    if m.isfifo():
        return "fifo"
    raise DumpError(f"tar entry {m.name!r} has unsupported type {m.type!r}")


class Inode:
    """What hard links share: type, metadata and content."""

    __slots__ = ("type", "mode", "uid", "gid", "size", "sha256", "target", "devmajor", "devminor", "xattrs")

    def __init__(self, m, digest):
        self.type = entry_type(m)
        self.mode = m.mode & 0o7777
        self.uid = m.uid
        self.gid = m.gid
        self.size = m.size if self.type == "file" else None
        self.sha256 = digest
        self.target = m.linkname if self.type == "symlink" else None
        self.devmajor = m.devmajor if self.type in ("char", "block") else None
        self.devminor = m.devminor if self.type in ("char", "block") else None
        self.xattrs = {
            k[len("SCHILY.xattr."):]: v for k, v in (m.pax_headers or {}).items() if k.startswith("SCHILY.xattr.")
        }


def remove_tree(fs, path):
    fs.pop(path, None)
    prefix = path + "/"
    for p in [p for p in fs if p.startswith(prefix)]:
        del fs[p]


def apply_layer(fs, data, index):
    """Applies one layer tar to `fs` (path -> Inode); returns the layer's own entry list."""
    listing = []
    seen = set()
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except tarfile.TarError as e:
        raise DumpError(f"layer {index}: not a tar: {e}") from None
    with tar:
        for m in tar:
            path = norm_path(m.name)
            parent, base = posixpath.split(path)
            if base == OPAQUE:
                # Hides what lower layers put in `parent`; entries of this layer stay.
                listing.append(f"opaque {path}")
                prefix = parent + "/" if parent else ""
                for p in [p for p in fs if p.startswith(prefix) and p != parent and p not in seen]:
                    del fs[p]
                continue
            if base.startswith(WHITEOUT):
                listing.append(f"whiteout {path}")
                remove_tree(fs, posixpath.join(parent, base[len(WHITEOUT):]))
                continue
            if path == "":
                continue
            kind = entry_type(m)
            listing.append(f"{kind} {path}")
            seen.add(path)
            if kind == "hardlink":
                target = norm_path(m.linkname)
                inode = fs.get(target)
                if inode is None:
                    raise DumpError(f"layer {index}: hard link {path} to missing {target}")
                # The link's header describes the shared inode, as extraction applies it.
                inode.mode = m.mode & 0o7777
                inode.uid = m.uid
                inode.gid = m.gid
                if path != target:
                    remove_tree(fs, path)
                    fs[path] = inode
                continue
            digest = None
            if kind == "file":
                h = hashlib.sha256()
                f = tar.extractfile(m)
                while True:
                    chunk = f.read(CHUNK)
                    if not chunk:
                        break
                    h.update(chunk)
                digest = h.hexdigest()
            old = fs.get(path)
            if not (kind == "dir" and old is not None and old.type == "dir"):
                # A non-directory replaces whatever was there, with its subtree.
                remove_tree(fs, path)
            fs[path] = Inode(m, digest)
    return sorted(listing)


def describe_fs(fs):
    groups = {}
    for path, inode in fs.items():
        groups.setdefault(id(inode), []).append(path)
    first_of = {k: min(paths) for k, paths in groups.items() if len(paths) > 1}
    out = []
    for path in sorted(fs):
        inode = fs[path]
        e = {"path": "/" + path, "type": inode.type, "mode": f"{inode.mode:04o}", "uid": inode.uid, "gid": inode.gid}
        if inode.type == "file":
            e["size"] = inode.size
            e["sha256"] = inode.sha256
        if inode.target is not None:
            e["target"] = inode.target
        if inode.devmajor is not None:
            e["dev"] = f"{inode.devmajor},{inode.devminor}"
        if inode.xattrs:
            e["xattrs"] = dict(sorted(inode.xattrs.items()))
        first = first_of.get(id(inode))
        if first is not None and first != path:
            e["hardlink"] = "/" + first
        out.append(e)
    return out


def describe(config, layers):
    raw = config.get("config") or {}
    cfg = {}
    for key in CONFIG_FIELDS:
        if raw.get(key) is not None:
            cfg[key] = raw[key]
    history = []
    for h in config.get("history") or []:
        item = {"created_by": h.get("created_by", "")}
        if h.get("empty_layer"):
            item["empty_layer"] = True
        if h.get("comment"):
            item["comment"] = h["comment"]
        history.append(item)
    diff_ids = (config.get("rootfs") or {}).get("diff_ids") or []
    if len(diff_ids) != len(layers):
        raise DumpError(f"config lists {len(diff_ids)} diff_ids but the manifest {len(layers)} layers")
    fs = {}
    layer_listings = []
    for i, data in enumerate(layers):
        raw = uncompressed(data, i)
        diff_id = "sha256:" + hashlib.sha256(raw).hexdigest()
        if diff_ids[i] != diff_id:
            raise DumpError(f"layer {i} has diff_id {diff_id} but the config lists {diff_ids[i]}")
        layer_listings.append(apply_layer(fs, raw, i))
    out = {"architecture": config.get("architecture"), "os": config.get("os")}
    if config.get("author"):
        out["author"] = config["author"]
    out.update({
        "config": cfg,
        "history": history,
        "layerCount": len(diff_ids),
        "layers": layer_listings,
        "rootfs": describe_fs(fs),
    })
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("--ref")
    ap.add_argument("--format", choices=("auto", "docker", "oci"), default="auto")
    args = ap.parse_args()
    try:
        archive = Archive(args.archive)
        has_docker = archive.has("manifest.json")
        has_oci = archive.has("index.json")
        wanted = {"auto": [f for f, ok in (("docker", has_docker), ("oci", has_oci)) if ok],
                  "docker": ["docker"], "oci": ["oci"]}[args.format]
        if not wanted:
            raise DumpError("neither manifest.json nor index.json in the archive")
        dumps = {}
        for fmt in wanted:
            config, layers = (docker_image if fmt == "docker" else oci_image)(archive, args.ref)
            dumps[fmt] = describe(config, layers)
        if len(dumps) == 2 and dumps["docker"] != dumps["oci"]:
            raise DumpError("the docker-archive and the OCI layout in the archive describe different images")
        result = next(iter(dumps.values()))
        result["formats"] = sorted(dumps)
        json.dump(result, sys.stdout, ensure_ascii=True)
        sys.stdout.write("\n")
    except (DumpError, KeyError, ValueError, tarfile.TarError) as e:
        sys.stderr.write(f"image-dump: {args.archive}: {e}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
