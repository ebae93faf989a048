"""Writes malformed and hostile image archives for the CLI's bad-input tests.

usage: python3 bad-archives.py OUTDIR

Each case is OUTDIR/<name>.tar (or a folder <name>/ for an OCI layout, or
<name>.tar.gz), and OUTDIR/cases.json lists them: {name, path, what}. Everything is
made here with Python's tarfile, gzip and hashlib, sharing no code with layerbox, so
the archives are what a hostile or broken producer could write. The same run gives the
same bytes (fixed mtimes, seeded data, no gzip name or time).
"""
import gzip
import hashlib
import io
import json
import os
import random
import sys
import tarfile

OUT = sys.argv[1]
MTIME = 946684800  # 2000-01-01T00:00:00Z
rng = random.Random(20240601)
cases = []


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def hexof(b):
    return hashlib.sha256(b).hexdigest()


def info(name, typ=tarfile.REGTYPE, size=0, mode=0o644, linkname=""):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.size = size if typ == tarfile.REGTYPE else 0
    ti.mode = mode
    ti.mtime = MTIME
    ti.linkname = linkname
    return ti


def layer(entries, fmt=tarfile.PAX_FORMAT):
    """A layer tar from (name, type, data, linkname) tuples; names are written as given."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, typ, data, link in entries:
            ti = info(name, typ, len(data or b""), 0o755 if typ == tarfile.DIRTYPE else 0o644, link)
            t.addfile(ti, io.BytesIO(data) if typ == tarfile.REGTYPE else None)
    return buf.getvalue()


def gz(b):
    return gzip.compress(b, compresslevel=6, mtime=0)


GOOD_LAYER = layer([
    ("etc", tarfile.DIRTYPE, None, ""),
    ("etc/hello", tarfile.REGTYPE, b"hello from a good layer\n", ""),
    ("etc/data.bin", tarfile.REGTYPE, rng.randbytes(3000), ""),
])


def config_for(diff_ids):
    return json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "created": "2000-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2000-01-01T00:00:00Z", "created_by": "test layer %d" % i} for i in range(len(diff_ids))],
    }, separators=(",", ":")).encode()


def tar_bytes(members):
    """An outer archive from (name, bytes) pairs, in order."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            t.addfile(info(name, size=len(data)), io.BytesIO(data))
    return buf.getvalue()


def add(name, what, members=None, raw=None, ext=".tar"):
    path = os.path.join(OUT, name + ext)
    with open(path, "wb") as f:
        f.write(raw if raw is not None else tar_bytes(members))
    cases.append({"name": name, "path": path, "what": what})


def docker_archive(layers, config=None, tag="bad/image:latest", layer_names=None, config_name=None):
    """docker-archive members: layers as stored (maybe gzip), config, manifest.json."""
    if config is None:
        config = config_for([sha(l if not is_gz(l) else gzip.decompress(l)) for l in layers])
    config_name = config_name or hexof(config) + ".json"
    names = layer_names or ["%02d/layer.tar" % i for i in range(len(layers))]
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": names}]
    return [(n, l) for n, l in zip(names, layers)] + [(config_name, config), ("manifest.json", json.dumps(manifest).encode())]


def is_gz(b):
    return b[:2] == b"\x1f\x8b"


def oci_members(layers, config=None, manifest_layers=None, config_desc=None, blob_overrides=None, tag="bad/oci:1"):
    """OCI layout members: oci-layout, blobs, index.json. Layers are stored gzip-compressed."""
    blobs = {}
    descs = []
    diff_ids = []
    for l in layers:
        c = gz(l)
        blobs[hexof(c)] = c
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha(c), "size": len(c)})
        diff_ids.append(sha(l))
    if config is None:
        config = config_for(diff_ids)
    blobs[hexof(config)] = config
    cdesc = config_desc or {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config), "size": len(config)}
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": cdesc,
        "layers": manifest_layers if manifest_layers is not None else descs,
    }).encode()
    blobs[hexof(manifest)] = manifest
    for k, v in (blob_overrides or {}).items():
        blobs[k] = v
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(manifest), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": tag},
    }]}
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
    members += [("blobs/sha256/" + h, b) for h, b in blobs.items()]
    members.append(("index.json", json.dumps(index).encode()))
    return members, descs


def set_checksum(block):
    """Recompute a ustar header's checksum after editing it."""
    b = bytearray(block)
    b[148:156] = b" " * 8
    b[148:156] = b"%06o\0 " % sum(b)
    return bytes(b)


def edit_first_header(tar_bytes, field_at, value, fix_checksum=True):
    b = bytearray(tar_bytes)
    b[field_at:field_at + len(value)] = value
    head = bytes(b[:512])
    if fix_checksum:
        head = set_checksum(head)
    return head + bytes(b[512:])


# --- entries that escape or confuse the layer -------------------------------------------

def bad_layer_case(name, what, entries):
    add(name, what, docker_archive([layer(entries, fmt=tarfile.GNU_FORMAT)]))


bad_layer_case("traversal-dotdot", "a layer entry ../x", [("etc", tarfile.DIRTYPE, None, ""), ("../x", tarfile.REGTYPE, b"escaped\n", "")])
bad_layer_case("traversal-nested-dotdot", "a layer entry etc/../../x", [("etc", tarfile.DIRTYPE, None, ""), ("etc/../../x", tarfile.REGTYPE, b"escaped\n", "")])
bad_layer_case("traversal-absolute", "a layer entry /abs", [("/abs", tarfile.REGTYPE, b"absolute\n", "")])
bad_layer_case("hardlink-outside-dotdot", "a hardlink to ../../etc/passwd", [("etc", tarfile.DIRTYPE, None, ""), ("etc/pw", tarfile.LNKTYPE, None, "../../etc/passwd")])
bad_layer_case("hardlink-outside-absolute", "a hardlink to /etc/passwd", [("etc", tarfile.DIRTYPE, None, ""), ("etc/pw", tarfile.LNKTYPE, None, "/etc/passwd")])
bad_layer_case("hardlink-not-in-layer", "a hardlink to a file the layer does not have", [("etc", tarfile.DIRTYPE, None, ""), ("etc/pw", tarfile.LNKTYPE, None, "etc/passwd")])
bad_layer_case("whiteout-dotdot", "a whiteout .wh... (naming ..)", [("etc", tarfile.DIRTYPE, None, ""), ("etc/.wh...", tarfile.REGTYPE, b"", "")])
bad_layer_case("whiteout-root-dotdot", "a whiteout .wh... at the layer root", [(".wh...", tarfile.REGTYPE, b"", "")])
bad_layer_case("duplicate-entry", "the same file twice in one layer", [("etc", tarfile.DIRTYPE, None, ""), ("etc/a", tarfile.REGTYPE, b"one\n", ""), ("etc/a", tarfile.REGTYPE, b"two\n", "")])
bad_layer_case("below-a-file", "an entry below a regular file", [("etc", tarfile.REGTYPE, b"a file\n", ""), ("etc/x", tarfile.REGTYPE, b"below\n", "")])

# --- malformed headers and truncation ---------------------------------------------------

add("header-bad-checksum", "a layer whose first header has a wrong checksum",
    docker_archive([edit_first_header(GOOD_LAYER, 0, b"etc-renamed", fix_checksum=False)]))
add("header-bad-size", "a layer header whose size field is not octal",
    docker_archive([edit_first_header(layer([("etc/x", tarfile.REGTYPE, b"payload\n", "")], fmt=tarfile.USTAR_FORMAT), 124, b"zz9zz9zz9zz\0")]))
add("header-bad-mode", "a layer header whose mode field is not octal",
    docker_archive([edit_first_header(layer([("etc/x", tarfile.REGTYPE, b"payload\n", "")], fmt=tarfile.USTAR_FORMAT), 100, b"9x9x9x9\0")]))
add("header-bad-typeflag", "a layer header with an unknown type flag",
    docker_archive([edit_first_header(layer([("etc/x", tarfile.REGTYPE, b"payload\n", "")], fmt=tarfile.USTAR_FORMAT), 156, b"Q")]))

whole = tar_bytes(docker_archive([GOOD_LAYER]))
layer_at = whole.find(GOOD_LAYER)
assert layer_at > 0
add("truncated-archive", "the archive cut inside a layer's data", raw=whole[:layer_at + 1700])
add("truncated-layer", "a layer tar cut short inside a header (the archive itself is whole)", docker_archive([GOOD_LAYER[:1700]], config=config_for([sha(GOOD_LAYER)])))

GZ = gz(GOOD_LAYER)
add("truncated-gzip-layer", "a gzip layer cut in half", docker_archive([GZ[: len(GZ) // 2]], config=config_for([sha(GOOD_LAYER)])))
crc = bytearray(GZ)
for i in range(len(crc) - 8, len(crc) - 4):
    crc[i] ^= 0xFF
add("corrupt-gzip-crc", "a gzip layer whose CRC-32 trailer is flipped", docker_archive([bytes(crc)], config=config_for([sha(GOOD_LAYER)])))
mid = bytearray(GZ)
for i in range(len(mid) // 3, len(mid) // 3 + 16):
    mid[i] ^= 0x5A
add("corrupt-gzip-data", "a gzip layer with 16 flipped bytes in its deflate data", docker_archive([bytes(mid)], config=config_for([sha(GOOD_LAYER)])))
outer = gz(whole)
add("truncated-gzip-archive", "a gzip-compressed archive cut in half", raw=outer[: len(outer) // 2], ext=".tar.gz")
flipped = bytearray(outer)
for i in range(len(flipped) // 2, len(flipped) // 2 + 16):
    flipped[i] ^= 0xA5
add("corrupt-gzip-archive", "a gzip-compressed archive with 16 flipped bytes", raw=bytes(flipped), ext=".tar.gz")


# --- a decompression bomb: 200 MB of zeros in one file, gzip-compressed ------------------

class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k


BOMB_SIZE = 200 * 1024 * 1024
bomb = io.BytesIO()
with gzip.GzipFile(fileobj=bomb, mode="wb", compresslevel=9, mtime=0) as g:
    with tarfile.open(fileobj=g, mode="w|", format=tarfile.PAX_FORMAT) as t:
        t.addfile(info("zeros", size=BOMB_SIZE), io.BufferedReader(Zeros(BOMB_SIZE), 1 << 20))
bomb = bomb.getvalue()
# The config cannot know the diff_id without hashing 200 MB; the load must stop long before.
add("bomb-layer", "a gzip layer holding 200 MB of zeros", docker_archive([bomb], config=config_for(["sha256:" + "0" * 64])))

# --- descriptors and digests that do not match ------------------------------------------

other = layer([("other", tarfile.REGTYPE, b"another layer\n", "")])
members, descs = oci_members([GOOD_LAYER])
wrong = dict(descs[0], digest=sha(gz(other)))
add("oci-wrong-layer-digest", "an OCI manifest naming a layer digest the archive does not have",
    oci_members([GOOD_LAYER], manifest_layers=[wrong])[0])
config_good = config_for([sha(GOOD_LAYER)])
add("oci-wrong-config-digest", "an OCI manifest naming a config digest the archive does not have",
    oci_members([GOOD_LAYER], config_desc={"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config_good + b" "), "size": len(config_good) + 1})[0])
add("oci-blob-content-mismatch", "an OCI layer blob whose content does not hash to its file name",
    oci_members([GOOD_LAYER], blob_overrides={descs[0]["digest"][7:]: gz(other)})[0])
cfg_tampered = config_good.replace(b'"Cmd":["/bin/sh"]', b'"Cmd":["/bin/evil"]')
assert cfg_tampered != config_good
add("oci-config-content-mismatch", "an OCI config blob whose content does not hash to its file name",
    oci_members([GOOD_LAYER], blob_overrides={hexof(config_good): cfg_tampered})[0])
add("docker-missing-config", "a manifest.json whose Config names a file the archive does not have",
    [m for m in docker_archive([GOOD_LAYER], config_name="0" * 64 + ".json") if not m[0].endswith(".json") or m[0] == "manifest.json"])
add("diff-ids-mismatch", "a config whose diff_ids do not match the layers",
    docker_archive([GOOD_LAYER], config=config_for([sha(other)])))
add("diff-ids-count", "a config listing two diff_ids for a one-layer image",
    docker_archive([GOOD_LAYER], config=config_for([sha(GOOD_LAYER), sha(other)])))
add("layers-swapped", "a two-layer manifest listing its layers in the wrong order",
    docker_archive([other, GOOD_LAYER], config=config_for([sha(GOOD_LAYER), sha(other)])))

# An OCI layout folder with a blob whose content does not match its name.
lay = os.path.join(OUT, "layout-blob-mismatch")
for n, d in oci_members([GOOD_LAYER], blob_overrides={descs[0]["digest"][7:]: gz(other)})[0]:
    p = os.path.join(lay, n)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(d)
cases.append({"name": "layout-blob-mismatch", "path": lay, "what": "an OCI layout folder whose layer blob does not hash to its file name"})

# Root filesystem tarballs for `layerbox import`, which reads a plain tar, not an image.
import_cases = []


def add_import(name, what, entries):
    path = os.path.join(OUT, name + ".tar")
    with open(path, "wb") as f:
        f.write(layer(entries, fmt=tarfile.GNU_FORMAT))
    import_cases.append({"name": name, "path": path, "what": what})


add_import("import-traversal", "a rootfs tar with an entry ../x", [("etc", tarfile.DIRTYPE, None, ""), ("../x", tarfile.REGTYPE, b"escaped\n", "")])
add_import("import-absolute", "a rootfs tar with an entry /abs", [("/abs", tarfile.REGTYPE, b"absolute\n", "")])
add_import("import-hardlink-outside", "a rootfs tar with a hardlink to ../../etc/passwd", [("a", tarfile.REGTYPE, b"a\n", ""), ("b", tarfile.LNKTYPE, None, "../../etc/passwd")])
add_import("import-duplicate", "a rootfs tar with the same file twice", [("a", tarfile.REGTYPE, b"one\n", ""), ("a", tarfile.REGTYPE, b"two\n", "")])
trunc_path = os.path.join(OUT, "import-truncated.tar")
with open(trunc_path, "wb") as f:
    f.write(GOOD_LAYER[:1700])
import_cases.append({"name": "import-truncated", "path": trunc_path, "what": "a rootfs tar cut inside a file's data"})

# Controls: the same builders without a defect, which must load, so each failure above is
# down to its one defect.
bad_cases = cases
cases = []
add("good-docker", "a valid docker-archive", docker_archive([GOOD_LAYER], tag="good/docker:1"))
add("good-docker-gzip", "a valid docker-archive with a gzip layer", docker_archive([GZ], tag="good/docker:gzip"))
add("good-docker-two-layers", "a valid two-layer docker-archive", docker_archive([GOOD_LAYER, other], tag="good/docker:two"))
add("good-oci", "a valid OCI archive", oci_members([GOOD_LAYER], tag="good/oci:1")[0])
add("good-gzip-archive", "a valid gzip-compressed docker-archive", raw=gz(whole), ext=".tar.gz")
add("good-small-layer", "a valid docker-archive whose layer has one ustar file", docker_archive([layer([("etc/x", tarfile.REGTYPE, b"payload\n", "")], fmt=tarfile.USTAR_FORMAT)], tag="good/small:1"))
small_zeros = io.BytesIO()
with gzip.GzipFile(fileobj=small_zeros, mode="wb", compresslevel=9, mtime=0) as g:
    with tarfile.open(fileobj=g, mode="w|", format=tarfile.PAX_FORMAT) as t:
        t.addfile(info("zeros", size=1 << 20), io.BufferedReader(Zeros(1 << 20), 1 << 20))
add("good-zeros", "a valid gzip layer of 1 MiB of zeros (under every limit)", docker_archive([small_zeros.getvalue()], tag="good/zeros:1"))

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"bad": bad_cases, "good": cases, "import": import_cases}, f, indent=1)
