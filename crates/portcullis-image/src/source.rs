//! Finding images in a target: docker-archive (legacy and OCI-based `docker
//! save`), OCI image layouts and OCI archives, with index and platform
//! resolution. The result names blobs in a [`Store`]; nothing is read yet.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::store::{Store, TarIndex};

/// Metadata blobs (manifests, indexes, configs) larger than this are refused.
pub(crate) const METADATA_CAP: u64 = 64 << 20;

/// Most images (index.json manifests, manifest.json entries) one target may
/// list: each is loaded and reported, so 100,000 entries naming one small
/// manifest took 5.3 GiB and 51 s.
pub const MAX_IMAGES: usize = 1000;

const INDEX_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// How the user named the image source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    DockerArchive {
        path: String,
        reference: Option<String>,
    },
    OciLayout {
        path: String,
        reference: Option<String>,
    },
    OciArchive {
        path: String,
        reference: Option<String>,
    },
    /// An LXD image (`lxd:PATH`, `lxd:METADATA,ROOTFS`), loaded with
    /// [`crate::lxd::load`] rather than [`resolve`].
    Lxd(crate::lxd::Layout),
    /// `docker://HOST[:PORT]/REPO[:TAG|@DIGEST]` (short names normalised).
    Registry(crate::registry::Reference),
    /// `docker-daemon:NAME[:TAG]`: loaded by [`crate::daemon::load`] (a
    /// stream, not a store), so [`resolve`] refuses it.
    DockerDaemon { name: String },
}

impl Target {
    /// `docker-archive:PATH[:REF]`, `oci:DIR[:REF]`, `oci-archive:PATH[:REF]`,
    /// or a bare path (a directory with `oci-layout`, or a tar file).
    pub fn parse(target: &str) -> Result<Option<Target>> {
        Target::parse_with(target, None)
    }

    /// [`Target::parse`] for a scan that will load the image with
    /// `analysis`: a gzip-compressed archive, which recognising decompresses
    /// whole, has its large layers read as they stream by, so that loading
    /// it decompresses nothing again (see [`crate::store`]).
    pub fn parse_analysing(
        target: &str,
        analysis: &crate::LoadOptions<'_>,
    ) -> Result<Option<Target>> {
        Target::parse_with(target, Some(analysis))
    }

    fn parse_with(
        target: &str,
        analysis: Option<&crate::LoadOptions<'_>>,
    ) -> Result<Option<Target>> {
        let split = |rest: &str| -> (String, Option<String>) {
            // Paths may hold ':' too: the path is the longest prefix ending
            // before a ':' that exists; the reference is what follows.
            if Path::new(rest).exists() {
                return (rest.to_owned(), None);
            }
            let existing = rest
                .rmatch_indices(':')
                .map(|(i, _)| i)
                .find(|&i| Path::new(&rest[..i]).exists());
            match existing.or_else(|| rest.find(':')) {
                Some(i) if i + 1 < rest.len() => {
                    (rest[..i].to_owned(), Some(rest[i + 1..].to_owned()))
                }
                _ => (rest.to_owned(), None),
            }
        };
        if let Some(rest) = target.strip_prefix("docker://") {
            return crate::registry::Reference::parse(rest).map(|r| Some(Target::Registry(r)));
        }
        if let Some(rest) = target.strip_prefix("docker-daemon:") {
            if rest.is_empty() {
                return Err(Error::new(format!(
                    "{target}: name an image, as docker-daemon:NAME[:TAG]"
                )));
            }
            return Ok(Some(Target::DockerDaemon {
                name: rest.to_owned(),
            }));
        }
        if let Some(rest) = target.strip_prefix("docker-archive:") {
            let (path, reference) = split(rest);
            return Ok(Some(Target::DockerArchive { path, reference }));
        }
        if let Some(rest) = target.strip_prefix("oci-archive:") {
            let (path, reference) = split(rest);
            return Ok(Some(Target::OciArchive { path, reference }));
        }
        if let Some(rest) = target.strip_prefix("lxd:") {
            return Ok(Some(Target::Lxd(crate::lxd::parse_target(rest))));
        }
        if let Some(rest) = target.strip_prefix("oci:") {
            let (path, reference) = split(rest);
            return Ok(Some(Target::OciLayout { path, reference }));
        }
        let path = Path::new(target);
        if path.is_dir() && path.join("oci-layout").is_file() {
            return Ok(Some(Target::OciLayout {
                path: target.to_owned(),
                reference: None,
            }));
        }
        if path.is_file() && crate::lxd::looks_like_lxd(path) {
            return Ok(Some(Target::Lxd(crate::lxd::Layout::Unified {
                path: target.to_owned(),
            })));
        }
        let gzip = path.is_file() && crate::store::is_gzip(path);
        if path.is_file() && !gzip {
            if let Some(format) = compressed_format(path) {
                return Err(Error::new(format!(
                    "{target}: a {format}-compressed file; portcullis reads image archives plain or gzip-compressed, so decompress it first (e.g. `docker save` without a compressor)"
                )));
            }
        }
        if gzip && !is_gzip_tar(path) {
            return Err(Error::new(format!(
                "{target}: unrecognised input: gzip-compressed, but not a tar archive (not a Dockerfile, image archive, OCI layout or LXD image)"
            )));
        }
        if path.is_file() && (is_tar(path) || gzip) {
            let index = match analysis {
                Some(analysis) if gzip => TarIndex::open_analysing(path, analysis)?,
                _ => TarIndex::open(path)?,
            };
            let gzip = index.is_gzip();
            let store = Store::Tar(index);
            let (path, reference) = (target.to_owned(), None);
            let found = if store.exists("manifest.json") {
                Target::DockerArchive { path, reference }
            } else if store.exists("index.json") {
                Target::OciArchive { path, reference }
            } else if store.exists("metadata.yaml") {
                Target::Lxd(crate::lxd::Layout::Unified { path })
            } else {
                return Err(Error::new(format!(
                    "{target}: a tar file, but neither a docker-archive (no manifest.json) nor an OCI archive (no index.json)"
                )));
            };
            // Indexing a gzip stream decompresses all of it: done once.
            if let (true, Store::Tar(index)) = (gzip, store) {
                index.keep();
            }
            return Ok(Some(found));
        }
        Ok(None)
    }
}

/// Whether `path` is an image portcullis reads (an OCI layout directory,
/// a docker-archive or OCI archive, plain or gzip-compressed, an LXD
/// unified image), for `scan --recursive`: a look at names only (for a
/// gzip file, at its first member headers).
pub fn is_image(path: &Path) -> bool {
    if path.is_dir() {
        return path.join("oci-layout").is_file();
    }
    if !path.is_file() {
        return false;
    }
    if crate::lxd::looks_like_lxd(path) {
        return true;
    }
    let image_member = |name: &str| matches!(name, "manifest.json" | "index.json");
    if is_tar(path) {
        // A plain tar with metadata.yaml is an LXD unified image.
        return TarIndex::open(path)
            .is_ok_and(|t| t.names().any(|n| image_member(n) || n == "metadata.yaml"));
    }
    if crate::store::is_gzip(path) && is_gzip_tar(path) {
        return crate::store::gzip_looks_like_image(path);
    }
    false
}

/// `gzip`/`zstd`/`xz`/`bzip2` when the file starts with that format's magic.
fn compressed_format(path: &Path) -> Option<&'static str> {
    use std::io::Read;
    let mut buf = [0u8; 6];
    let mut file = crate::error::open_file(path).ok()?;
    file.read_exact(&mut buf).ok()?;
    crate::layer::Compression::sniff(&buf)
        .map(crate::layer::Compression::name)
        .or_else(|| buf.starts_with(&[0x04, 0x22, 0x4d, 0x18]).then_some("lz4"))
}

/// Whether a gzip file decompresses to a tar archive ("ustar" at 257).
fn is_gzip_tar(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 263];
    crate::error::open_file(path)
        .and_then(|f| flate2::read::MultiGzDecoder::new(f).read_exact(&mut buf))
        .map(|()| &buf[257..262] == b"ustar")
        .unwrap_or(false)
}

/// A tar archive has "ustar" at offset 257 of its first header.
fn is_tar(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 263];
    crate::error::open_file(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .map(|()| &buf[257..262] == b"ustar")
        .unwrap_or(false)
}

/// A blob to read: its name in the store and the digest it must have.
#[derive(Clone, Debug)]
pub struct BlobRef {
    pub name: String,
    /// `sha256:…`, when the source names the blob by digest.
    pub digest: Option<String>,
    pub media_type: Option<String>,
    /// The size its descriptor gives, checked before the blob is read: a
    /// sparse 60 GB file named by a descriptor of a few bytes is refused
    /// at once instead of hashed for minutes.
    pub size: Option<u64>,
}

/// One image found in a target, ready to load.
pub struct ImageRef {
    pub(crate) store: Arc<Store>,
    /// How reports name it: the target, plus the image reference when the
    /// target holds several.
    pub name: String,
    /// The image's references in its source: a docker-archive's `RepoTags`,
    /// an OCI layout's `org.opencontainers.image.ref.name` (empty when none).
    pub references: Vec<String>,
    pub kind: &'static str,
    pub manifest_digest: Option<String>,
    /// The index the manifest was picked from, when it was (where
    /// BuildKit keeps the image's attestation manifests).
    pub index_digest: Option<String>,
    pub config: BlobRef,
    pub layers: Vec<BlobRef>,
    /// The `--platform` asked for: the config must be of it (a
    /// single-platform image of another one is refused, as `docker run
    /// --platform` refuses it, rather than scanned as if it matched).
    pub platform: Option<String>,
}

#[derive(Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    digest: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    platform: Option<Platform>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Clone, Debug)]
struct Platform {
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    os: String,
    #[serde(default)]
    variant: Option<String>,
}

impl Platform {
    fn describe(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

#[derive(Deserialize)]
struct Index {
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<u32>,
}

/// The platform to pick from multi-platform indexes: `os/arch[/variant]`.
pub fn host_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    format!("linux/{arch}")
}

fn platform_matches(p: &Platform, wanted: &str) -> bool {
    let mut parts = wanted.split('/');
    let (os, arch, variant) = (parts.next(), parts.next(), parts.next());
    Some(p.os.as_str()) == os
        && Some(p.architecture.as_str()) == arch
        && (variant.is_none() || p.variant.as_deref() == variant)
}

pub(crate) fn blob_name(digest: &str) -> Result<String> {
    match digest.split_once(':') {
        Some(("sha256", hex)) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(format!("blobs/sha256/{hex}"))
        }
        _ => Err(Error::new(format!(
            "unsupported or malformed digest {digest:?} (only sha256 is supported)"
        ))),
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(store: &Store, what: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| Error::new(format!("{}: {what} is not valid: {e}", store.describe())))
}

/// Read a blob named by digest and check the digest.
pub(crate) fn read_verified(store: &Store, digest: &str, what: &str) -> Result<Vec<u8>> {
    let name =
        blob_name(digest).map_err(|e| Error::new(format!("{}: {what}: {e}", store.describe())))?;
    let bytes = store.read_small(&name, METADATA_CAP)?;
    let actual = crate::layer::sha256_hex(&bytes);
    if digest != actual {
        return Err(Error::new(format!(
            "{}: {what} {name} does not match its digest: expected {digest}, got {actual}",
            store.describe()
        )));
    }
    Ok(bytes)
}

/// Every image in `target`, or the one it names.
pub fn resolve(target: &Target, platform: Option<&str>) -> Result<Vec<ImageRef>> {
    resolve_with(target, platform, None)
}

/// [`resolve`] for a scan that will load the images with `analysis`: a
/// gzip-compressed archive not indexed yet is indexed reading its large
/// layers as they stream by (see [`Target::parse_analysing`]).
pub fn resolve_analysing(
    target: &Target,
    platform: Option<&str>,
    analysis: &crate::LoadOptions<'_>,
) -> Result<Vec<ImageRef>> {
    resolve_with(target, platform, Some(analysis))
}

fn resolve_with(
    target: &Target,
    platform: Option<&str>,
    analysis: Option<&crate::LoadOptions<'_>>,
) -> Result<Vec<ImageRef>> {
    let open = |path: &str| match analysis {
        Some(analysis) => TarIndex::open_kept_analysing(Path::new(path), analysis),
        None => TarIndex::open_kept(Path::new(path)),
    };
    match target {
        Target::DockerDaemon { name } => Err(Error::new(format!(
            "docker-daemon:{name}: a daemon image is a stream: load it with daemon::load"
        ))),
        Target::Registry(reference) => crate::registry::resolve(
            reference,
            platform,
            &crate::registry::RegistryOptions::default(),
        ),
        Target::DockerArchive { path, reference } => {
            let store = Arc::new(Store::Tar(open(path)?));
            docker_archive(store, path, reference.as_deref(), platform)
        }
        Target::OciArchive { path, reference } => {
            let store = Arc::new(Store::Tar(open(path)?));
            oci_layout(store, "oci-archive", path, reference.as_deref(), platform)
        }
        Target::Lxd(layout) => Err(Error::new(format!(
            "{layout:?}: an LXD image holds no OCI image; load it with lxd::load"
        ))),
        Target::OciLayout { path, reference } => {
            let dir = Path::new(path);
            if !dir.is_dir() {
                return Err(Error::new(format!("{path}: not a directory (an OCI layout is a directory with oci-layout and index.json)")));
            }
            if !dir.join("oci-layout").is_file() {
                return Err(Error::new(format!(
                    "{path}: not an OCI image layout: oci-layout is missing"
                )));
            }
            oci_layout(
                Arc::new(Store::Dir(dir.to_owned())),
                "oci",
                path,
                reference.as_deref(),
                platform,
            )
        }
    }
}

#[derive(Deserialize)]
struct DockerManifestEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
}

pub(crate) fn docker_archive(
    store: Arc<Store>,
    path: &str,
    reference: Option<&str>,
    platform: Option<&str>,
) -> Result<Vec<ImageRef>> {
    let bytes = store.read_small("manifest.json", METADATA_CAP)?;
    let entries: Vec<DockerManifestEntry> = parse_json(&store, "manifest.json", &bytes)?;
    if entries.is_empty() {
        return Err(Error::new(format!("{path}: manifest.json lists no images")));
    }
    if entries.len() > MAX_IMAGES {
        return Err(Error::new(format!(
            "{path}: manifest.json lists {} images, more than the {MAX_IMAGES} one target may hold: refusing a hostile archive",
            entries.len()
        )));
    }
    let many = entries.len() > 1;
    let all_tags: Vec<String> = entries
        .iter()
        .flat_map(|e| e.repo_tags.iter().flatten().cloned())
        .collect();
    let mut out = Vec::new();
    for entry in entries {
        let tags = entry.repo_tags.clone().unwrap_or_default();
        if let Some(r) = reference {
            if !tags.iter().any(|t| {
                t == r
                    || t.strip_prefix("docker.io/library/") == Some(r)
                    || t.strip_prefix("localhost/") == Some(r)
            }) {
                continue;
            }
        }
        // Config and layers are named by digest in Docker 25+ (blobs/sha256/…)
        // and in the legacy layout (<hex>.json); layer.tar files are checked
        // against the config's diff_ids instead.
        let digest_of = |name: &str| -> Option<String> {
            let base = name.rsplit('/').next().unwrap_or(name);
            let hex = base.strip_suffix(".json").unwrap_or(base);
            (name.starts_with("blobs/sha256/") || name.ends_with(".json"))
                .then(|| format!("sha256:{hex}"))
                .filter(|d| d.len() == 71 && d[7..].bytes().all(|b| b.is_ascii_hexdigit()))
        };
        // Name the image as the user did, or by its tag when the archive has several.
        let name = match (reference, many, tags.first()) {
            (Some(r), _, _) => format!("docker-archive:{path}:{r}"),
            (None, true, Some(tag)) => format!("docker-archive:{path}:{tag}"),
            (None, true, None) => format!("docker-archive:{path}@{}", entry.config),
            (None, false, _) => path.to_owned(),
        };
        out.push(ImageRef {
            store: store.clone(),
            name,
            references: tags.clone(),
            kind: "docker-archive",
            manifest_digest: None,
            index_digest: None,
            platform: platform.map(str::to_owned),
            config: BlobRef {
                digest: digest_of(&entry.config),
                name: entry.config.clone(),
                media_type: None,
                size: None,
            },
            layers: entry
                .layers
                .iter()
                .map(|l| BlobRef {
                    digest: l
                        .starts_with("blobs/sha256/")
                        .then(|| digest_of(l))
                        .flatten(),
                    name: l.clone(),
                    media_type: None,
                    size: None,
                })
                .collect(),
        });
    }
    if out.is_empty() {
        // Listed as the OCI layout error lists its references.
        return Err(Error::new(format!(
            "{path}: no image tagged {:?} in this archive (it has: {})",
            reference.unwrap_or_default(),
            if all_tags.is_empty() {
                "no tagged images".to_owned()
            } else {
                all_tags.join(", ")
            }
        )));
    }
    Ok(out)
}

fn oci_layout(
    store: Arc<Store>,
    kind: &'static str,
    path: &str,
    reference: Option<&str>,
    platform: Option<&str>,
) -> Result<Vec<ImageRef>> {
    let bytes = store.read_small("index.json", METADATA_CAP)?;
    let index: Index = parse_json(&store, "index.json", &bytes)?;
    let manifests = index.manifests.unwrap_or_default();
    if manifests.len() > MAX_IMAGES {
        return Err(Error::new(format!(
            "{path}: index.json lists {} manifests, more than the {MAX_IMAGES} one target may hold: refusing a hostile archive",
            manifests.len()
        )));
    }
    let mut chosen: Vec<(Option<String>, &Descriptor)> = Vec::new();
    for d in &manifests {
        let ref_name = d
            .annotations
            .as_ref()
            .and_then(|a| a.get("org.opencontainers.image.ref.name").cloned());
        match reference {
            Some(r) if ref_name.as_deref() == Some(r) || d.digest == r => {
                chosen.push((ref_name, d))
            }
            Some(_) => {}
            // cosign's signature, attestation and SBOM tags and the
            // referrers tag are about an image, not images to scan.
            None if ref_name.as_deref().is_some_and(is_signature_tag) => {}
            None => chosen.push((ref_name, d)),
        }
    }
    if chosen.is_empty() {
        let refs: Vec<String> = manifests
            .iter()
            .filter_map(|d| {
                d.annotations
                    .as_ref()?
                    .get("org.opencontainers.image.ref.name")
                    .cloned()
            })
            .collect();
        return Err(Error::new(match reference {
            Some(r) => format!(
                "{path}: no image {r:?} in this layout (it has: {})",
                if refs.is_empty() {
                    "no named references".into()
                } else {
                    refs.join(", ")
                }
            ),
            None => format!("{path}: index.json lists no images"),
        }));
    }
    let many = chosen.len() > 1;
    let wanted = platform.map(str::to_owned).unwrap_or_else(host_platform);
    let mut out = Vec::new();
    for (ref_name, d) in chosen {
        let mut index_digest = None;
        let (manifest_digest, manifest) =
            resolve_manifest(&store, d, &wanted, platform.is_some(), 0, &mut index_digest)?;
        let name = match (reference, many, &ref_name) {
            (Some(r), _, _) => format!("{kind}:{path}:{r}"),
            (None, true, Some(r)) => format!("{kind}:{path}:{r}"),
            (None, true, None) => format!("{kind}:{path}@{manifest_digest}"),
            (None, false, _) => path.to_owned(),
        };

        let (Some(config), Some(layers)) = (manifest.config, manifest.layers) else {
            return Err(Error::new(format!(
                "{path}: manifest {manifest_digest} has no config or no layers"
            )));
        };
        out.push(ImageRef {
            store: store.clone(),
            name,
            references: ref_name.iter().cloned().collect(),
            kind,
            // An index chose this manifest by platform already; a manifest
            // named directly is of whatever platform its config says.
            platform: platform
                .filter(|_| manifest_digest == d.digest)
                .map(str::to_owned),
            manifest_digest: Some(manifest_digest),
            index_digest,
            config: BlobRef {
                name: blob_name(&config.digest)
                    .map_err(|e| Error::new(format!("{path}: config: {e}")))?,
                digest: Some(config.digest),
                media_type: config.media_type,
                size: config.size,
            },
            layers: layers
                .into_iter()
                .map(|l| {
                    Ok(BlobRef {
                        name: blob_name(&l.digest)
                            .map_err(|e| Error::new(format!("{path}: layer: {e}")))?,
                        digest: Some(l.digest),
                        media_type: l.media_type,
                        size: l.size,
                    })
                })
                .collect::<Result<_>>()?,
        });
    }
    Ok(out)
}

/// `sha256-<64 hex>` with an optional `.sig`, `.att` or `.sbom`, after an
/// optional `name:`: the tags cosign and the OCI referrers fallback keep
/// next to an image.
fn is_signature_tag(ref_name: &str) -> bool {
    let tag = ref_name.rsplit(':').next().unwrap_or(ref_name);
    let Some(rest) = tag.strip_prefix("sha256-") else {
        return false;
    };
    let hex = [".sig", ".att", ".sbom"]
        .iter()
        .find_map(|s| rest.strip_suffix(s))
        .unwrap_or(rest);
    hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Follow a descriptor through (nested) indexes to one image manifest.
fn resolve_manifest(
    store: &Store,
    d: &Descriptor,
    wanted: &str,
    explicit: bool,
    depth: usize,
    parent: &mut Option<String>,
) -> Result<(String, Index)> {
    if depth > 8 {
        return Err(Error::new(format!(
            "{}: indexes nested more than 8 deep",
            store.describe()
        )));
    }
    let bytes = match store {
        Store::Registry(_) => read_registry_manifest(store, &d.digest)?,
        _ => read_verified(store, &d.digest, "manifest")?,
    };
    let doc: Index = parse_json(store, &format!("manifest {}", d.digest), &bytes)?;
    let media_type = doc
        .media_type
        .clone()
        .or_else(|| d.media_type.clone())
        .unwrap_or_default();
    if media_type == "application/vnd.docker.distribution.manifest.v1+json"
        || doc.schema_version == Some(1)
    {
        return Err(Error::new(format!(
            "{}: manifest {} is Docker schema 1, which is not supported",
            store.describe(),
            d.digest
        )));
    }
    if doc.config.is_some() && !INDEX_TYPES.contains(&media_type.as_str()) {
        return Ok((d.digest.clone(), doc));
    }
    let Some(manifests) = &doc.manifests else {
        return Err(Error::new(format!(
            "{}: manifest {} is neither an image manifest nor an index",
            store.describe(),
            d.digest
        )));
    };
    // Attestations and other non-image entries carry platform unknown/unknown.
    let images: Vec<&Descriptor> = manifests
        .iter()
        .filter(|m| m.platform.as_ref().is_none_or(|p| p.os != "unknown"))
        .collect();
    let pick = images
        .iter()
        .find(|m| {
            m.platform
                .as_ref()
                .is_some_and(|p| platform_matches(p, wanted))
        })
        .or_else(|| {
            if images.len() == 1 && !explicit {
                images.first()
            } else {
                None
            }
        });
    match pick {
        Some(m) => {
            *parent = Some(d.digest.clone());
            resolve_manifest(store, m, wanted, explicit, depth + 1, parent)
        }
        None => {
            let available: Vec<String> = images
                .iter()
                .filter_map(|m| m.platform.as_ref().map(Platform::describe))
                .collect();
            Err(Error::new(format!(
                "{}: no image for platform {wanted} (available: {}); choose one with --platform",
                store.describe(),
                available.join(", ")
            )))
        }
    }
}

/// A manifest from a registry store, by digest, verified.
fn read_registry_manifest(store: &Store, digest: &str) -> Result<Vec<u8>> {
    let name = blob_name(digest)
        .map_err(|e| Error::new(format!("{}: manifest: {e}", store.describe())))?;
    let name = format!("manifests/{}", name.trim_start_matches("blobs/"));
    let bytes = store.read_small(&name, crate::registry::MANIFEST_CAP)?;
    let actual = crate::layer::sha256_hex(&bytes);
    if digest != actual {
        return Err(Error::new(format!(
            "{}: manifest {digest} does not match its digest: got {actual}",
            store.describe()
        )));
    }
    Ok(bytes)
}

/// The image a manifest (or index, resolved for the platform) names, with
/// its blobs in `store`; for registries, whose first manifest is fetched by tag.
pub(crate) fn image_from_manifest(
    store: Arc<Store>,
    name: String,
    kind: &'static str,
    digest: &str,
    media_type: Option<String>,
    platform: Option<&str>,
) -> Result<ImageRef> {
    let wanted = platform.map(str::to_owned).unwrap_or_else(host_platform);
    let d = Descriptor {
        media_type,
        digest: digest.to_owned(),
        size: None,
        platform: None,
        annotations: None,
    };
    let mut index_digest = None;
    let (manifest_digest, manifest) = resolve_manifest(
        &store,
        &d,
        &wanted,
        platform.is_some(),
        0,
        &mut index_digest,
    )?;
    let picked_directly = manifest_digest == digest;
    let (Some(config), Some(layers)) = (manifest.config, manifest.layers) else {
        return Err(Error::new(format!(
            "{name}: manifest {manifest_digest} has no config or no layers"
        )));
    };
    let blob = |d: Descriptor| -> Result<BlobRef> {
        if let (Store::Registry(client), Some(size)) = (&*store, d.size) {
            client.note_size(&d.digest, size);
        }
        Ok(BlobRef {
            name: blob_name(&d.digest).map_err(|e| Error::new(format!("{name}: {e}")))?,
            digest: Some(d.digest),
            media_type: d.media_type,
            size: d.size,
        })
    };
    let config = blob(config)?;
    let layers = layers.into_iter().map(blob).collect::<Result<_>>()?;
    // A registry image's reference is what the target names (docker://REF).
    let references = vec![name.strip_prefix("docker://").unwrap_or(&name).to_owned()];
    Ok(ImageRef {
        store: store.clone(),
        name,
        kind,
        manifest_digest: Some(manifest_digest),
        index_digest,
        config,
        layers,
        references,
        platform: platform.filter(|_| picked_directly).map(str::to_owned),
    })
}

/// Whether an image config is of the platform `wanted` (`os/arch[/variant]`):
/// an error naming the image's own platform when it is not.
pub fn check_platform(
    config: &crate::ImageConfig,
    wanted: &str,
) -> std::result::Result<(), String> {
    let have = Platform {
        os: config.os.clone().unwrap_or_default(),
        architecture: config.architecture.clone().unwrap_or_default(),
        variant: config.variant.clone(),
    };
    // A config that does not say is not contradicted.
    if have.os.is_empty() && have.architecture.is_empty() || platform_matches(&have, wanted) {
        return Ok(());
    }
    Err(format!(
        "the image is for {}, not {wanted} (--platform), and holds no other platform",
        have.describe()
    ))
}
