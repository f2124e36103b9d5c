#!/usr/bin/env python3
"""Write fuzz/corpus/<target>/ seeds from the repository's own fixtures and
a few hand-made inputs that reach each parser's interesting code. Small on
purpose (each seed under 64 KiB): libFuzzer grows the corpus from them.
Run from the repository root: python3 fuzz/seed.py"""
import io, json, lzma, os, pathlib, shutil, tarfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
LIMIT = 64 << 10

def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    assert len(data) <= LIMIT, (target, name, len(data))
    (d / name).write_bytes(data)

def file(target, name, path, xz=False):
    data = (ROOT / path).read_bytes()
    if xz:
        data = lzma.decompress(data)
    if len(data) <= LIMIT:
        put(target, name, data)

def tar(members, fmt=tarfile.GNU_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.SYMTYPE:
                info.linkname = data.decode()
                data = b""
            info.size = len(data)
            info.mode = 0o4755 if name.endswith("su") else 0o644
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()

shutil.rmtree(CORPUS, ignore_errors=True)

# Dockerfiles: the example, and the constructs expansion and the parser care about.
dockerfiles = {
    "example": (ROOT / "examples/Dockerfile").read_text(),
    "stages": "ARG V=1\nFROM alpine:${V} AS a\nENV P=/opt X=${P:-/x}\nWORKDIR $P\nFROM a\nCOPY --from=a --chown=1:1 x ${X}/y\nUSER ${U:-root}\nEXPOSE 22 80/udp\n",
    "heredoc": "# syntax=docker/dockerfile:1\n# escape=`\nFROM scratch\nRUN <<EOF bash\necho hi `\n  there\nEOF\nONBUILD RUN x\nHEALTHCHECK CMD [\"curl\",\"-f\",\"x\"]\n",
    "nested": "FROM alpine\nLABEL a=${x:-${y:+\"${z?w}\"}} b='$q' c=\"${v#p}\"\n",
    "suppressed": "FROM alpine\n# portcullis ignore=SQ40104,SQ41102 reason=\"bastion\"\nEXPOSE 22\n# portcullis ignore-file=SQ41101\n",
}
for name, text in dockerfiles.items():
    put("dockerfile", name, text)
    put("dockerfile_scan", name, text)
for name, text in {
    "codes": "ignore=SQ40104, SQ41102 reason=\"vendored, \\\"checked\\\"\"",
    "file": "ignore-file=SQ41101",
    "bad": "ignroe=SQ1 reason=two words",
}.items():
    put("inline", name, text)

put("policy", "full", "profile = \"default\"\nfail-on = \"low\"\ndisable = [\"SQ411*\", \"{SQ4010[12],SQ40104}\"]\nrequire-reason = true\n[rule.SQ40104]\nseverity = \"critical\"\naction = \"warn\"\n[[exception]]\nrules = [\"SQ401*\"]\nimages = [\"oci:*\"]\npaths = [\"/usr/bin/*\"]\nports = [22]\nreason = \"r\"\nexpires = 2030-01-01\n")
put("policy", "extends", "extends = \"portcullis.toml\"\n")

layer = tar([("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", tarfile.REGTYPE),
             ("usr/bin/su", b"\x7fELF", tarfile.REGTYPE),
             ("etc/.wh.motd", b"", tarfile.REGTYPE),
             ("var/.wh..wh..opq", b"", tarfile.REGTYPE),
             ("bin/sh", b"/bin/busybox", tarfile.SYMTYPE)])
put("layer", "plain", layer)
put("layer", "pax", tar([("a" * 150, b"x", tarfile.REGTYPE)], tarfile.PAX_FORMAT))
import gzip
put("layer", "gzip", gzip.compress(layer))
file("layer", "lxd-rootfs-gzip", "fixtures/lxd/tiny.rootfs.tar.gz")
file("layer", "zstd", "fixtures/lxd/tiny.tar.zst")

file("docker_archive", "buildah-opaque", "fixtures/images/buildah-overlay-opaque.docker.tar")
# An OCI archive of the OCI layout fixture.
def oci(dirpath):
    members = []
    base = ROOT / dirpath
    for p in sorted(base.rglob("*")):
        if p.is_file():
            members.append((str(p.relative_to(base)), p.read_bytes(), tarfile.REGTYPE))
    return tar(members)
# A minimal OCI archive around the layer above: index, manifest, config.
import hashlib
def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data
layer_digest, layer_blob = blob(gzip.compress(layer))
config = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"User": "0", "ExposedPorts": {"22/tcp": {}}, "Labels": {"a": "b"}},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
    "history": [{"created_by": "/bin/sh -c #(nop) ADD file:x in /"}]}).encode()
config_digest, _ = blob(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": len(layer_blob)}]}).encode()
manifest_digest, _ = blob(manifest)
index = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": manifest_digest, "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "app"}}]}).encode()
put("oci_archive", "minimal", tar([("oci-layout", b'{"imageLayoutVersion":"1.0.0"}', tarfile.REGTYPE),
    ("index.json", index, tarfile.REGTYPE),
    ("blobs/sha256/" + manifest_digest[7:], manifest, tarfile.REGTYPE),
    ("blobs/sha256/" + config_digest[7:], config, tarfile.REGTYPE),
    ("blobs/sha256/" + layer_digest[7:], layer_blob, tarfile.REGTYPE)]))
data = oci("fixtures/images/oci-good-buildah")
if len(data) <= LIMIT:
    put("oci_archive", "buildah", data)
data = oci("fixtures/images/oci-bad-zstd")
if len(data) <= LIMIT:
    put("oci_archive", "bad-zstd", data)

put("history", "docker", json.dumps([
    {"created": "2024-01-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
    {"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": True},
    {"created_by": "RUN /bin/sh -c apk add curl # buildkit", "comment": "buildkit.dockerfile.v0"},
    {"created_by": "USER app", "comment": "buildkit.dockerfile.v0", "empty_layer": True},
    {"created_by": "/bin/sh -c #(nop) EXPOSE 22/tcp", "empty_layer": True},
]))
put("history", "buildah", json.dumps([{"created_by": "/bin/sh -c #(nop) COPY dir:x in /app ", "comment": "FROM docker.io/library/alpine:latest"}]))

put("lxd_metadata", "debian", "architecture: x86_64\ncreation_date: 1700000000\nexpiry_date: 1702592000\nproperties:\n  description: \"Debian bookworm amd64\"\n  os: Debian\n  release: bookworm\ntemplates:\n  /etc/hostname:\n    when:\n    - create\n    - copy\n    template: hostname.tpl\n    properties: {}\n")
for name in ["tiny.tar", "tiny.tar.xz", "tiny.tar.bz2"]:
    file("lxd_unified", name, "fixtures/lxd/" + name)
file("lxd_squashfs", "tiny.squashfs", "fixtures/lxd/tiny.rootfs.squashfs")
file("lxd_squashfs", "tiny.tar.gz", "fixtures/lxd/tiny.rootfs.tar.gz")

put("secrets", "mixed", "AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE\npassword = \"hunter2hunter2\"\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n")

for p in sorted((ROOT / "crates/portcullis-packages/tests/data/deb/distroless/var/lib/dpkg/status.d").iterdir())[:3]:
    file("dpkg", p.name, p.relative_to(ROOT))
status = lzma.decompress((ROOT / "crates/portcullis-packages/tests/data/deb/root/var/lib/dpkg/status.xz").read_bytes())
put("dpkg", "status-head", status[:16000])
file("apk", "installed", "crates/portcullis-packages/tests/data/apk/lib/apk/db/installed")
for name in ["Packages-512.xz", "Packages.db.xz", "Packages-be.xz"]:
    data = lzma.decompress((ROOT / "crates/portcullis-packages/tests/data/rpm" / name).read_bytes())
    if len(data) <= LIMIT:
        put("rpm", name[:-3], data)
put("python", "metadata", "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\nRequires-Dist: idna (<4,>=2.5)\nClassifier: License :: OSI Approved :: Apache Software License\n\nlong description\n")
put("python", "record", "requests/__init__.py,sha256=abc,123\nrequests-2.31.0.dist-info/METADATA,,\n")
put("npm", "package", json.dumps({"name": "@scope/x", "version": "1.2.3", "license": {"type": "MIT"}, "dependencies": {"y": "^1"}}))
put("npm", "lock", json.dumps({"lockfileVersion": 3, "packages": {"node_modules/y": {"version": "1.0.0", "license": "ISC"}}}))
for name in ["app-1.0.0.jar", "zip64.jar", "piped.jar", "shaded-2.0.jar", "outer-0.9.jar", "web.war"]:
    file("jar", name, "crates/portcullis-packages/tests/data/java/" + name)
for exe in ["/bin/true", "/usr/bin/env"]:
    data = pathlib.Path(exe).read_bytes()[:LIMIT]
    put("elf", os.path.basename(exe) + "-head", data)
    put("binary", os.path.basename(exe) + "-head", data)
for p in sorted((ROOT / "crates/portcullis-advisories/tests/data/db").glob("*.json"))[:6]:
    if p.name != "kev-excerpt.json":
        file("osv", p.name, p.relative_to(ROOT))
for p in sorted((ROOT / "crates/portcullis-advisories/tests/data/vex").rglob("*.json"))[:6]:
    file("vex", p.name, p.relative_to(ROOT))
