//! Images generated in the test, for edge cases real tools rarely produce:
//! each test builds an OCI layout or docker-archive byte by byte.

use std::io::Write;
use std::path::Path;

use portcullis_image::{display_path, resolve, EntryKind, LoadOptions, Target};
use sha2::{Digest, Sha256};

fn digest(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    format!(
        "sha256:{}",
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// A tar entry for a generated layer.
enum E<'a> {
    File(&'a [u8], u32, &'a [u8]),
    Dir(&'a [u8]),
    Hard(&'a [u8], &'a [u8]),
    Sym(&'a [u8], &'a [u8]),
}

fn tar_bytes(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        match e {
            E::File(path, mode, content) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(*mode);
                h.set_size(content.len() as u64);
                h.set_path(Path::new(std::str::from_utf8(path).unwrap_or("x")))
                    .ok();
                set_raw_name(&mut h, path);
                h.set_cksum();
                b.append(&h, *content).expect("append");
            }
            E::Dir(path) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                set_raw_name(&mut h, path);
                h.set_cksum();
                b.append(&h, &[][..]).expect("append");
            }
            E::Hard(path, target) | E::Sym(path, target) => {
                h.set_entry_type(if matches!(e, E::Hard(..)) {
                    tar::EntryType::Link
                } else {
                    tar::EntryType::Symlink
                });
                h.set_mode(0o644);
                h.set_size(0);
                set_raw_name(&mut h, path);
                let name = &mut h.as_old_mut().linkname;
                name.fill(0);
                name[..target.len()].copy_from_slice(target);
                h.set_cksum();
                b.append(&h, &[][..]).expect("append");
            }
        }
    }
    b.into_inner().expect("tar")
}

/// Names are written raw so tests can use `..`, absolute and non-UTF-8 names.
fn set_raw_name(h: &mut tar::Header, path: &[u8]) {
    let name = &mut h.as_old_mut().name;
    name.fill(0);
    name[..path.len()].copy_from_slice(path);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("zstd")
}

struct Layout {
    dir: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("blobs/sha256")).expect("mkdir");
        std::fs::write(
            dir.path().join("oci-layout"),
            br#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .expect("write");
        Layout { dir }
    }

    fn blob(&self, bytes: &[u8]) -> String {
        let d = digest(bytes);
        std::fs::write(self.dir.path().join("blobs/sha256").join(&d[7..]), bytes).expect("blob");
        d
    }

    /// An image whose layers are (uncompressed tar, stored blob bytes) pairs.
    fn image(&self, layers: &[(Vec<u8>, Vec<u8>)], config_extra: &str) -> String {
        let diff_ids: Vec<String> = layers.iter().map(|(tar, _)| digest(tar)).collect();
        let config = format!(
            r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":{}}}{config_extra}}}"#,
            serde_json::to_string(&diff_ids).expect("json")
        );
        let config_digest = self.blob(config.as_bytes());
        let layer_descs: Vec<String> = layers
            .iter()
            .map(|(_, blob)| {
                format!(
                    r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{}","size":{}}}"#,
                    self.blob(blob),
                    blob.len()
                )
            })
            .collect();
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{}}},"layers":[{}]}}"#,
            config.len(),
            layer_descs.join(",")
        );
        self.blob(manifest.as_bytes())
    }

    fn index(&self, entries: &[(String, &str)]) {
        let manifests: Vec<String> = entries
            .iter()
            .map(|(d, extra)| format!(r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":1{extra}}}"#))
            .collect();
        std::fs::write(
            self.dir.path().join("index.json"),
            format!(
                r#"{{"schemaVersion":2,"manifests":[{}]}}"#,
                manifests.join(",")
            ),
        )
        .expect("index");
    }

    fn path(&self) -> String {
        self.dir.path().display().to_string()
    }
}

fn all_paths(_: &[u8]) -> bool {
    true
}

fn load(target: &str) -> Result<portcullis_image::Image, String> {
    load_with(target, u64::MAX, None)
}

fn load_with(
    target: &str,
    cap: u64,
    platform: Option<&str>,
) -> Result<portcullis_image::Image, String> {
    load_full(target, cap, platform, false)
}

fn load_full(
    target: &str,
    cap: u64,
    platform: Option<&str>,
    full_digests: bool,
) -> Result<portcullis_image::Image, String> {
    let t = Target::parse(target)
        .map_err(|e| e.message)?
        .ok_or("not an image target")?;
    let refs = resolve(&t, platform).map_err(|e| e.message)?;
    assert_eq!(refs.len(), 1);
    refs[0]
        .load(&LoadOptions {
            max_uncompressed: cap,
            want: &all_paths,
            progress: &|_| {},
            full_digests,
            analyser: None,
        })
        .map_err(|e| e.message)
}

fn names(image: &portcullis_image::Image) -> Vec<(String, u32, usize)> {
    image
        .fs
        .files()
        .map(|f| (display_path(f.entry.path), f.entry.mode, f.layer))
        .collect()
}

#[test]
fn layers_merge_with_whiteouts_opaque_dirs_hard_links_and_readditions() {
    let l0 = tar_bytes(&[
        E::Dir(b"bin"),
        E::File(b"bin/su", 0o4755, b"su"),
        E::File(b"bin/gone", 0o4755, b"x"),
        E::Dir(b"cache"),
        E::File(b"cache/a", 0o644, b"a"),
        E::File(b"etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n"),
        E::Hard(b"bin/su2", b"bin/su"),
    ]);
    let l1 = tar_bytes(&[
        E::File(b"bin/.wh.gone", 0o644, b""),
        E::File(b"cache/.wh..wh..opq", 0o644, b""),
        E::File(b"cache/b", 0o644, b"b"),
        E::File(b"bin/su", 0o755, b"su"),
    ]);
    let l2 = tar_bytes(&[
        E::File(b"bin/gone", 0o755, b"back"),
        E::File(
            b"./etc/passwd",
            0o644,
            b"root:x:0:0::/root:/bin/sh\nadmin:x:0:0::/:/bin/sh\n",
        ),
    ]);
    let layout = Layout::new();
    let m = layout.image(
        &[
            (l0.clone(), gzip(&l0)),
            (l1.clone(), zstd(&l1)),
            (l2.clone(), l2.clone()),
        ],
        "",
    );
    layout.index(&[(m.clone(), "")]);
    let image = load(&format!("oci:{}", layout.path())).expect("load");
    assert_eq!(image.digest, m);
    assert_eq!(image.kind, "oci");
    assert_eq!(
        image
            .layers
            .iter()
            .map(|l| l.compression)
            .collect::<Vec<_>>(),
        ["gzip", "zstd", "none"]
    );
    assert_eq!(
        names(&image),
        vec![
            ("/bin".into(), 0o755, 0),
            ("/bin/gone".into(), 0o755, 2),
            ("/bin/su".into(), 0o755, 1),
            ("/bin/su2".into(), 0o4755, 0),
            ("/cache".into(), 0o755, 0),
            ("/cache/b".into(), 0o644, 1),
            ("/etc/passwd".into(), 0o644, 2),
        ]
    );
    let su2 = image.fs.get(b"bin/su2").expect("bin/su2");
    assert_eq!(su2.entry.kind, EntryKind::HardLink);
    assert_eq!(su2.entry.link, Some(&b"bin/su"[..]));
    let mut shadowed: Vec<(String, u32, usize, String)> = image
        .fs
        .shadowed()
        .map(|s| {
            (
                display_path(s.file.entry.path),
                s.file.entry.mode,
                s.file.layer,
                format!("{:?}", s.gone),
            )
        })
        .collect();
    shadowed.sort();
    assert_eq!(
        shadowed,
        vec![
            ("/bin/gone".into(), 0o4755, 0, "Deleted(1)".into()),
            ("/bin/su".into(), 0o4755, 0, "Replaced(1)".into()),
            ("/cache/a".into(), 0o644, 0, "Hidden(1)".into()),
            ("/etc/passwd".into(), 0o644, 0, "Replaced(2)".into()),
        ]
    );
    assert_eq!(
        image.fs.contents[&b"etc/passwd"[..]],
        b"root:x:0:0::/root:/bin/sh\nadmin:x:0:0::/:/bin/sh\n"
    );
}

#[test]
fn docker_archive_legacy_layout_with_two_images() {
    let layer = tar_bytes(&[E::File(b"hello", 0o644, b"hi")]);
    let config = |user: &str| {
        format!(
            r#"{{"config":{{"User":"{user}"}},"rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
            digest(&layer)
        )
    };
    let (c1, c2) = (config("root"), config("app"));
    let (d1, d2) = (digest(c1.as_bytes()), digest(c2.as_bytes()));
    let manifest = format!(
        r#"[{{"Config":"{}.json","RepoTags":["one:1"],"Layers":["abc/layer.tar"]}},{{"Config":"{}.json","RepoTags":["two:2"],"Layers":["abc/layer.tar"]}}]"#,
        &d1[7..],
        &d2[7..]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("two.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&path).expect("create"));
    for (name, bytes) in [
        ("manifest.json".to_owned(), manifest.as_bytes().to_vec()),
        (format!("{}.json", &d1[7..]), c1.into_bytes()),
        (format!("{}.json", &d2[7..]), c2.into_bytes()),
        ("abc/layer.tar".to_owned(), layer.clone()),
        ("repositories".to_owned(), b"{}".to_vec()),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, &bytes[..]).expect("append");
    }
    b.finish().expect("finish");
    drop(b);
    let bare = path.display().to_string();
    let target = Target::parse(&bare).expect("parse").expect("detected");
    assert!(matches!(target, Target::DockerArchive { .. }));
    let refs = resolve(&target, None).expect("resolve");
    assert_eq!(
        refs.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        [
            format!("docker-archive:{bare}:one:1"),
            format!("docker-archive:{bare}:two:2")
        ]
    );
    let one = refs[1]
        .load(&LoadOptions {
            full_digests: false,
            analyser: None,
            max_uncompressed: u64::MAX,
            want: &all_paths,
            progress: &|_| {},
        })
        .expect("load");
    assert_eq!(
        one.config
            .config
            .as_ref()
            .and_then(|c| c.user.clone())
            .as_deref(),
        Some("app")
    );
    assert_eq!(one.digest, d2);
    let named = resolve(
        &Target::parse(&format!("docker-archive:{bare}:one:1"))
            .expect("p")
            .expect("t"),
        None,
    )
    .expect("resolve");
    assert_eq!(named.len(), 1);
    let err = resolve(
        &Target::parse(&format!("docker-archive:{bare}:three:3"))
            .expect("p")
            .expect("t"),
        None,
    )
    .err()
    .expect("no such tag");
    assert_eq!(
        err.message,
        format!("{bare}: no image tagged \"three:3\" in this archive (it has: one:1, two:2)")
    );
}

fn one_layer_layout(stored: Vec<u8>, tar: Vec<u8>, config_extra: &str) -> Layout {
    let layout = Layout::new();
    let m = layout.image(&[(tar, stored)], config_extra);
    layout.index(&[(m, "")]);
    layout
}

#[test]
fn a_blob_that_does_not_match_its_digest_stops_the_scan() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let layout = one_layer_layout(tar.clone(), tar.clone(), "");
    // Corrupt the stored layer blob in place (same name and size, other
    // bytes: a blob of another size is refused before it is read).
    let blobs = layout.dir.path().join("blobs/sha256");
    let mut tampered = false;
    for e in std::fs::read_dir(&blobs).expect("ls") {
        let p = e.expect("e").path();
        let bytes = std::fs::read(&p).expect("read");
        if bytes == tar {
            let other = tar_bytes(&[E::File(b"b", 0o4755, b"e")]);
            assert_eq!(other.len(), tar.len());
            std::fs::write(&p, &other).expect("write");
            let err = load(&layout.path()).expect_err("mismatch");
            let name = format!(
                "blobs/sha256/{}",
                p.file_name().expect("n").to_string_lossy()
            );
            assert!(
                err.starts_with(&format!(
                    "{}: layer 0 ({name}): blob does not match its digest: expected sha256:",
                    layout.path()
                )),
                "{err}"
            );
            assert!(err.contains(&format!(", got {}", digest(&other))), "{err}");
            tampered = true;
        }
    }
    assert!(tampered);
}

#[test]
fn diff_id_mismatch_missing_blob_and_bad_config_are_errors() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let layout = Layout::new();
    let other = tar_bytes(&[E::File(b"z", 0o644, b"z")]);
    // The config names the diff_id of `other`, the layer holds `tar`.
    let m = layout.image(&[(other.clone(), gzip(&tar))], "");
    layout.index(&[(m, "")]);
    let err = load_full(&layout.path(), u64::MAX, None, true).expect_err("diff_id");
    let expected = format!(
        "uncompressed content does not match the config's diff_id: expected {}, got {}",
        digest(&other),
        digest(&tar)
    );
    assert!(err.ends_with(&expected), "{err}");
    // By default a compressed blob is checked by its digest, which the
    // manifest pins; the config's diff_id is taken as it is (a runtime
    // refuses to unpack such an image).
    let image = load(&layout.path()).expect("blob digest verified");
    assert_eq!(image.layers[0].diff_id, digest(&other));
    assert_eq!(names(&image), vec![("/a".to_owned(), 0o644, 0)]);
    // An uncompressed blob's diff_id is its blob digest: always checked.
    let layout = Layout::new();
    let m = layout.image(&[(other.clone(), tar.clone())], "");
    layout.index(&[(m, "")]);
    let err = load(&layout.path()).expect_err("plain diff_id");
    assert!(err.ends_with(&expected), "{err}");

    let layout = one_layer_layout(gzip(&tar), tar.clone(), "");
    for e in std::fs::read_dir(layout.dir.path().join("blobs/sha256")).expect("ls") {
        let p = e.expect("e").path();
        if std::fs::read(&p).expect("r").starts_with(&[0x1f, 0x8b]) {
            std::fs::remove_file(&p).expect("rm");
            let err = load(&layout.path()).expect_err("missing");
            assert_eq!(
                err,
                format!(
                    "{}: blobs/sha256/{} is missing",
                    layout.path(),
                    p.file_name().expect("n").to_string_lossy()
                )
            );
        }
    }

    let layout = one_layer_layout(gzip(&tar), tar, r#","config":{"User":5}"#);
    let err = load(&layout.path()).expect_err("types");
    assert!(
        err.contains("is not valid: invalid type: integer `5`, expected a string"),
        "{err}"
    );
}

#[test]
fn truncated_streams_are_errors() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, &[7u8; 100_000])]);
    for (stored, what) in [(gzip(&tar), "gzip"), (zstd(&tar), "zstd")] {
        let cut = stored[..stored.len() / 2].to_vec();
        let layout = Layout::new();
        // Store the truncated blob under its own digest so only decompression can fail.
        let m = layout.image(&[(tar.clone(), cut)], "");
        layout.index(&[(m, "")]);
        let err = load(&layout.path()).expect_err("truncated");
        assert!(
            err.contains(&format!("{what} stream is corrupt or truncated")),
            "{err}"
        );
    }
}

#[test]
fn hostile_names_are_refused_and_absolute_ones_normalised() {
    let tar = tar_bytes(&[E::File(b"../../etc/shadow", 0o644, b"x")]);
    let layout = one_layer_layout(gzip(&tar), tar, "");
    let err = load(&layout.path()).expect_err("dotdot");
    assert!(err.ends_with("entry ../../etc/shadow leaves the image root (a `..` path component): refusing a hostile layer"), "{err}");
    // `..` that climbs out after going down is as hostile.
    let tar = tar_bytes(&[E::File(b"usr/../../etc/shadow", 0o644, b"x")]);
    let layout = one_layer_layout(gzip(&tar), tar, "");
    let err = load(&layout.path()).expect_err("dotdot");
    assert!(err.ends_with("entry usr/../../etc/shadow leaves the image root (a `..` path component): refusing a hostile layer"), "{err}");
    // `dir/..` inside the root is read as Docker unpacks it.
    let tar = tar_bytes(&[E::File(b"usr/lib/../bin/tool", 0o4755, b"x")]);
    let layout = one_layer_layout(gzip(&tar), tar, "");
    let image = load(&layout.path()).expect("inside the root");
    assert_eq!(names(&image), [("/usr/bin/tool".to_owned(), 0o4755, 0)]);

    let tar = tar_bytes(&[
        E::File(b"/abs/file", 0o644, b"x"),
        E::File(b"caf\xe9\n", 0o644, b"x"),
        E::Sym(b"loop", b"loop"),
        E::Hard(b"dangling", b"nowhere"),
    ]);
    let layout = one_layer_layout(gzip(&tar), tar, "");
    let image = load(&layout.path()).expect("load");
    let paths: Vec<String> = image
        .fs
        .files()
        .map(|f| display_path(f.entry.path))
        .collect();
    assert_eq!(paths, ["/abs/file", "/caf\\xe9\\x0a", "/dangling", "/loop"]);
}

#[test]
fn decompression_beyond_the_budget_is_refused() {
    let tar = tar_bytes(&[E::File(b"zeros", 0o644, &vec![0u8; 4 << 20])]);
    let stored = gzip(&tar);
    assert!(stored.len() < 64 << 10, "a small blob that inflates a lot");
    let layout = one_layer_layout(stored, tar, "");
    let err = load_with(&layout.path(), 1 << 20, None).expect_err("bomb");
    assert!(
        err.contains("more than 1048576 bytes after decompression (the --max-uncompressed limit)"),
        "{err}"
    );
    assert!(load_with(&layout.path(), 8 << 20, None).is_ok());
}

#[test]
fn multi_platform_index_picks_the_platform() {
    let layout = Layout::new();
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let amd = layout.image(&[(tar.clone(), gzip(&tar))], r#","config":{"User":"amd"}"#);
    let arm = layout.image(&[(tar.clone(), gzip(&tar))], r#","config":{"User":"arm"}"#);
    let nested = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{amd}","size":1,"platform":{{"os":"linux","architecture":"amd64"}}}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{arm}","size":1,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}}]}}"#
    );
    let idx = layout.blob(nested.as_bytes());
    layout.index(&[(
        idx,
        r#","annotations":{"org.opencontainers.image.ref.name":"multi"}"#,
    )]);
    let user = |p: Option<&str>| {
        load_with(&format!("oci:{}:multi", layout.path()), u64::MAX, p)
            .map(|i| i.config.config.and_then(|c| c.user).unwrap_or_default())
    };
    assert_eq!(user(Some("linux/arm64")), Ok("arm".to_owned()));
    assert_eq!(user(Some("linux/arm64/v8")), Ok("arm".to_owned()));
    assert_eq!(user(Some("linux/amd64")), Ok("amd".to_owned()));
    assert_eq!(
        user(Some("linux/s390x")),
        Err(format!("{}: no image for platform linux/s390x (available: linux/amd64, linux/arm64/v8); choose one with --platform", layout.path()))
    );
    // A single-platform image is checked against --platform by its config,
    // as `docker run --platform` does.
    let single = Layout::new();
    let manifest = single.image(&[(tar.clone(), gzip(&tar))], r#","config":{"User":"amd"}"#);
    single.index(&[(manifest, "")]);
    let single_user = |p: Option<&str>| {
        load_with(&format!("oci:{}", single.path()), u64::MAX, p)
            .map(|i| i.config.config.and_then(|c| c.user).unwrap_or_default())
    };
    assert_eq!(single_user(Some("linux/amd64")), Ok("amd".to_owned()));
    assert_eq!(single_user(None), Ok("amd".to_owned()));
    assert_eq!(
        single_user(Some("linux/arm64")),
        Err(format!("{}: the image is for linux/amd64, not linux/arm64 (--platform), and holds no other platform", single.path()))
    );
    let err =
        load_with(&format!("oci:{}:nope", layout.path()), u64::MAX, None).expect_err("no ref");
    assert_eq!(
        err,
        format!(
            "{}: no image \"nope\" in this layout (it has: multi)",
            layout.path()
        )
    );
}

/// Docker 25+ `docker save`: an OCI layout inside the tar, plus manifest.json
/// naming blobs/sha256/… for the config and the (uncompressed) layers.
#[test]
fn docker_archive_oci_based_layout_of_docker_25() {
    let tar = tar_bytes(&[E::File(b"usr/bin/su", 0o4755, b"su")]);
    let layout = Layout::new();
    let m = layout.image(
        &[(tar.clone(), tar.clone())],
        r#","config":{"User":"root"}"#,
    );
    layout.index(&[(m.clone(), r#","annotations":{"io.containerd.image.name":"docker.io/library/app:1","org.opencontainers.image.ref.name":"1"}"#)]);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(layout.dir.path().join("blobs/sha256").join(&m[7..])).expect("m"),
    )
    .expect("json");
    let config = manifest["config"]["digest"]
        .as_str()
        .expect("config")
        .to_owned();
    let layer = manifest["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .to_owned();
    let docker_manifest = format!(
        r#"[{{"Config":"blobs/sha256/{}","RepoTags":["app:1"],"Layers":["blobs/sha256/{}"]}}]"#,
        &config[7..],
        &layer[7..]
    );
    std::fs::write(layout.dir.path().join("manifest.json"), docker_manifest).expect("manifest");
    let archive = tempfile::NamedTempFile::new().expect("tmp");
    let mut b = tar::Builder::new(std::fs::File::create(archive.path()).expect("create"));
    b.append_dir_all(".", layout.dir.path())
        .expect("tar layout");
    b.finish().expect("finish");
    drop(b);
    let target = archive.path().display().to_string();
    let t = Target::parse(&target).expect("parse").expect("detected");
    assert!(matches!(t, Target::DockerArchive { .. }), "{t:?}");
    let image = load(&target).expect("load");
    assert_eq!(image.kind, "docker-archive");
    assert_eq!(image.layers[0].blob_digest, layer);
    assert_eq!(names(&image), [("/usr/bin/su".to_owned(), 0o4755, 0)]);
}

#[test]
fn a_huge_history_is_read_and_understood() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let mut history = vec![r#"{"created_by":"/bin/sh -c #(nop) ADD file:abc in / "}"#.to_owned()];
    history.extend((0..200_000).map(|i| {
        format!(r#"{{"created_by":"/bin/sh -c #(nop)  LABEL n={i}","empty_layer":true}}"#)
    }));
    let layout = one_layer_layout(
        gzip(&tar),
        tar,
        &format!(r#","history":[{}]"#, history.join(",")),
    );
    let image = load(&layout.path()).expect("load");
    let steps = portcullis_image::history::steps(&image.config.history);
    assert_eq!(steps.len(), 200_001);
    assert_eq!(
        steps[200_000].instruction.as_deref(),
        Some("LABEL n=199999")
    );
    assert_eq!(steps[0].layer, Some(0));
    assert_eq!(
        portcullis_image::history::boundary(&steps),
        portcullis_image::history::Boundary::NoBase
    );
}

#[test]
fn layout_blobs_must_be_regular_files_inside_the_layout() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let gz = gzip(&tar);
    let layer_name = format!("blobs/sha256/{}", &digest(&gz)[7..]);

    // A blob that is a symbolic link out of the layout.
    let layout = one_layer_layout(gz.clone(), tar.clone(), "");
    let outside = tempfile::tempdir().expect("tempdir");
    let elsewhere = outside.path().join("layer");
    std::fs::write(&elsewhere, &gz).expect("write");
    let blob = layout.dir.path().join(&layer_name);
    std::fs::remove_file(&blob).expect("rm");
    std::os::unix::fs::symlink(&elsewhere, &blob).expect("symlink");
    let err = load(&layout.path()).expect_err("escapes");
    assert_eq!(
        err,
        format!(
            "{}: {layer_name} is a symbolic link out of the layout (to {}): refusing it",
            layout.path(),
            elsewhere.canonicalize().expect("real").display()
        )
    );

    // A symbolic link that stays inside the layout is followed.
    let layout = one_layer_layout(gz.clone(), tar.clone(), "");
    let blob = layout.dir.path().join(&layer_name);
    std::fs::rename(&blob, layout.dir.path().join("blobs/kept")).expect("mv");
    std::os::unix::fs::symlink("../kept", &blob).expect("symlink");
    assert_eq!(load(&layout.path()).expect("inside").layers.len(), 1);

    // A FIFO where the blob should be: refused without blocking on it.
    let layout = one_layer_layout(gz, tar, "");
    let blob = layout.dir.path().join(&layer_name);
    std::fs::remove_file(&blob).expect("rm");
    let made = std::process::Command::new("mkfifo")
        .arg(&blob)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let err = load(&layout.path()).expect_err("fifo");
    assert_eq!(
        err,
        format!("{}: {layer_name} is not a regular file", layout.path())
    );
}

#[test]
fn targets_with_colons_in_the_path_and_named_references() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let outer = tempfile::tempdir().expect("tempdir");
    let dir = outer.path().join("build:42");
    let layout = Layout::new();
    let m = layout.image(&[(tar.clone(), gzip(&tar))], "");
    layout.index(&[(
        m,
        r#","annotations":{"org.opencontainers.image.ref.name":"v1:rc"}"#,
    )]);
    std::fs::rename(layout.dir.path(), &dir).expect("mv");
    let path = dir.display().to_string();
    let t = Target::parse(&format!("oci:{path}:v1:rc"))
        .expect("parse")
        .expect("target");
    assert_eq!(
        t,
        Target::OciLayout {
            path: path.clone(),
            reference: Some("v1:rc".into())
        }
    );
    // A named reference is part of the image's name, so two scans of one
    // layout by different references are told apart.
    let refs = resolve(&t, None).expect("resolve");
    assert_eq!(refs[0].name, format!("oci:{path}:v1:rc"));
    assert_eq!(
        Target::parse(&format!("oci:{path}")).expect("parse"),
        Some(Target::OciLayout {
            path: path.clone(),
            reference: None
        })
    );
}

#[test]
fn a_compressed_archive_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("image.tar.zstd");
    std::fs::write(&path, zstd(b"x")).expect("write");
    let shown = path.display().to_string();
    let err = Target::parse(&shown).expect_err("compressed");
    assert_eq!(
        err.message,
        format!("{shown}: a zstd-compressed file; portcullis reads image archives plain or gzip-compressed, so decompress it first (e.g. `docker save` without a compressor)")
    );
    // gzip is read, but a gzip stream that holds no tar is no image.
    let path = dir.path().join("image.tar.gz");
    std::fs::write(&path, gzip(b"x")).expect("write");
    let shown = path.display().to_string();
    let err = Target::parse(&shown).expect_err("not a tar");
    assert_eq!(
        err.message,
        format!("{shown}: unrecognised input: gzip-compressed, but not a tar archive (not a Dockerfile, image archive, OCI layout or LXD image)")
    );
}

#[test]
fn archive_member_symlink_loops_and_escapes_resolve_to_nothing() {
    let layer = tar_bytes(&[E::File(b"hello", 0o644, b"hi")]);
    let config = format!(
        r#"{{"rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
        digest(&layer)
    );
    let config_name = format!("{}.json", &digest(config.as_bytes())[7..]);
    let dir = tempfile::tempdir().expect("tempdir");
    for (layer_name, links) in [
        // a -> b -> a
        (
            "a/layer.tar",
            vec![
                ("a/layer.tar", "../b/layer.tar"),
                ("b/layer.tar", "../a/layer.tar"),
            ],
        ),
        // out of the archive
        ("c/layer.tar", vec![("c/layer.tar", "../../../etc/passwd")]),
    ] {
        let manifest = format!(
            r#"[{{"Config":"{config_name}","RepoTags":["x:1"],"Layers":["{layer_name}"]}}]"#
        );
        let path = dir.path().join(format!("{}.tar", &layer_name[..1]));
        let mut b = tar::Builder::new(std::fs::File::create(&path).expect("create"));
        for (name, bytes) in [
            ("manifest.json", manifest.as_bytes()),
            (config_name.as_str(), config.as_bytes()),
        ] {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, bytes).expect("append");
        }
        for (name, target) in links {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            h.set_mode(0o777);
            b.append_link(&mut h, name, target).expect("link");
        }
        b.finish().expect("finish");
        drop(b);
        let shown = path.display().to_string();
        let err = load(&shown).expect_err("unresolvable layer");
        assert_eq!(err, format!("{shown}: {layer_name} is missing"));
    }
}

#[test]
fn a_huge_gnu_long_name_is_refused_before_it_is_held_in_memory() {
    // An 8 MiB name: the tar reader would read it whole into memory.
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_mode(0o644);
    let long = "d/".repeat(4 << 20);
    b.append_data(&mut h, format!("{long}f"), &b"x"[..])
        .expect("append");
    let tar = b.into_inner().expect("tar");
    let layout = one_layer_layout(gzip(&tar), tar, "");
    let err = load(&layout.path()).expect_err("huge name");
    assert!(
        err.ends_with("an entry's tar metadata (GNU long name or PAX records) is over 4194304 bytes: refusing a hostile layer"),
        "{err}"
    );

    // Big file data before an ordinary entry is not metadata: it is skipped.
    let big = vec![7u8; 9 << 20];
    let tar = tar_bytes(&[
        E::File(b"big", 0o644, &big),
        E::File(b"after", 0o4755, b"x"),
    ]);
    let layout = one_layer_layout(gzip(&tar), tar, "");
    let image = load(&layout.path()).expect("big file");
    assert_eq!(
        names(&image),
        [
            ("/after".to_owned(), 0o4755, 0),
            ("/big".to_owned(), 0o644, 0)
        ]
    );
}

#[test]
fn a_blob_larger_than_its_descriptor_is_refused_before_it_is_read() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let blob = gzip(&tar);
    let layout = one_layer_layout(blob.clone(), tar, "");
    let path = layout
        .dir
        .path()
        .join("blobs/sha256")
        .join(&digest(&blob)[7..]);
    // A sparse 60 GiB file in the blob's place: hashing it would take
    // minutes; the size alone says it is not the blob.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(60 << 30).expect("sparse");
    let started = std::time::Instant::now();
    let err = load(&layout.path()).expect_err("size");
    assert_eq!(
        err,
        format!(
            "{}: layer 0 (blobs/sha256/{}): blob is {} bytes but its descriptor says {}: refusing it unread",
            layout.path(),
            &digest(&blob)[7..],
            60u64 << 30,
            blob.len()
        )
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Back at its size, the same blob loads.
    file.set_len(0).expect("truncate");
    std::fs::write(&path, &blob).expect("write");
    load(&layout.path()).expect("loads");
}

#[test]
fn an_index_of_more_manifests_than_a_target_may_hold_is_refused() {
    let tar = tar_bytes(&[E::File(b"a", 0o644, b"a")]);
    let layout = Layout::new();
    let m = layout.image(&[(tar.clone(), gzip(&tar))], "");
    let named = |n: usize| -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                (
                    m.clone(),
                    format!(r#","annotations":{{"org.opencontainers.image.ref.name":"r{i}"}}"#),
                )
            })
            .collect()
    };
    let entries = named(1001);
    let refs: Vec<(String, &str)> = entries
        .iter()
        .map(|(d, e)| (d.clone(), e.as_str()))
        .collect();
    layout.index(&refs);
    assert_eq!(
        load(&layout.path()).expect_err("too many"),
        format!(
            "{}: index.json lists 1001 manifests, more than the 1000 one target may hold: refusing a hostile archive",
            layout.path()
        )
    );
    // At the bound, a reference picks one and it loads.
    let entries = named(1000);
    let refs: Vec<(String, &str)> = entries
        .iter()
        .map(|(d, e)| (d.clone(), e.as_str()))
        .collect();
    layout.index(&refs);
    let image = load(&format!("oci:{}:r999", layout.path())).expect("at the bound");
    assert_eq!(image.references, ["r999"]);
}
