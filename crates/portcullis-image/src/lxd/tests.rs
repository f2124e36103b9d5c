use std::io::Write;

use super::*;
use crate::layer::tests::{tar, T};

const META: &[u8] = b"architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  os: busybox\n  release: '1.36'\n  description: test\n";

fn nothing(_: &[u8]) -> bool {
    false
}

fn options<'a>(want: &'a (dyn Fn(&[u8]) -> bool + Sync)) -> LoadOptions<'a> {
    LoadOptions {
        max_uncompressed: u64::MAX,
        want,
        progress: &|_| {},
        // Tarballs are hashed either way (the scan reads them whole).
        full_digests: false,
        analyser: None,
    }
}

fn unified() -> Vec<u8> {
    tar(&[
        T::File("metadata.yaml", 0o644, META),
        T::Dir("templates"),
        T::File("templates/hostname.tpl", 0o644, b"{{ container.name }}\n"),
        T::Dir("rootfs"),
        T::Dir("rootfs/usr/bin"),
        T::File("rootfs/usr/bin/passwd", 0o4755, b"elf"),
        T::Hard("rootfs/usr/bin/chsh", "rootfs/usr/bin/passwd"),
        T::Sym("rootfs/bin", "/usr/bin"),
        T::File("rootfs/etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n"),
        // Not a whiteout in an LXD rootfs: a plain file.
        T::File("rootfs/etc/.wh.keep", 0o644, b""),
    ])
}

/// A tar entry with a name the `tar` crate would refuse to write.
fn raw_entry(name: &[u8]) -> Vec<u8> {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.set_mode(0o644);
    h.set_size(0);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    h.as_bytes().to_vec()
}

fn compress(format: &str, bytes: &[u8]) -> Vec<u8> {
    match format {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(bytes).expect("gzip");
            e.finish().expect("gzip")
        }
        "zstd" => zstd::encode_all(bytes, 3).expect("zstd"),
        "xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(bytes).expect("xz");
            e.finish().expect("xz")
        }
        "bzip2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(bytes).expect("bzip2");
            e.finish().expect("bzip2")
        }
        _ => bytes.to_vec(),
    }
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

fn listing(fs: &Filesystem) -> Vec<String> {
    fs.files()
        .map(|f| {
            let e = f.entry;
            format!(
                "{} {:?} {:o}{}",
                crate::display_path(e.path),
                e.kind,
                e.mode,
                e.link
                    .map(|l| format!(" -> {}", String::from_utf8_lossy(l)))
                    .unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn unified_images_in_every_compression_are_read_in_one_pass() {
    let dir = tempfile::tempdir().expect("tmp");
    let want = |p: &[u8]| p == b"etc/passwd";
    for format in ["gzip", "xz", "zstd", "bzip2", "none"] {
        let path = write(&dir, &format!("u.{format}"), &compress(format, &unified()));
        assert!(
            looks_like_lxd(Path::new(&path)) == (format != "none"),
            "{format}"
        );
        let layout = Layout::Unified { path: path.clone() };
        let image = load("t", &layout, &options(&want)).expect(format);
        assert_eq!(image.compression, format);
        assert_eq!(image.rootfs_format, "tar");
        assert_eq!(image.metadata.property("release"), Some("1.36"));
        assert_eq!(
            image.fingerprint,
            Some(crate::layer::sha256_hex(
                &std::fs::read(&path).expect("read")
            ))
        );
        assert_eq!(
            listing(&image.fs),
            [
                "/bin Symlink 755 -> /usr/bin",
                "/etc/.wh.keep File 644",
                "/etc/passwd File 644",
                "/usr/bin Dir 755",
                "/usr/bin/chsh HardLink 4755 -> usr/bin/passwd",
                "/usr/bin/passwd File 4755",
            ],
            "{format}"
        );
        assert_eq!(
            image.fs.contents.get(&b"etc/passwd"[..]).map(Vec::as_slice),
            Some(&b"root:x:0:0::/root:/bin/sh\n"[..])
        );
    }
}

#[test]
fn split_images_with_a_tarball_rootfs() {
    let dir = tempfile::tempdir().expect("tmp");
    let meta = write(
        &dir,
        "meta.tar.xz",
        &compress("xz", &tar(&[T::File("metadata.yaml", 0o644, META)])),
    );
    let rootfs = write(
        &dir,
        "rootfs.tar.gz",
        &compress(
            "gzip",
            &tar(&[T::Dir("./"), T::File("./usr/bin/su", 0o4755, b"elf")]),
        ),
    );
    let layout = parse_target(&format!("{meta},{rootfs}"));
    assert_eq!(
        layout,
        Layout::Split {
            metadata: meta.clone(),
            rootfs: rootfs.clone()
        }
    );
    let image = load("t", &layout, &options(&nothing)).expect("split");
    assert_eq!(listing(&image.fs), ["/usr/bin/su File 4755"]);
    let mut both = std::fs::read(&meta).expect("meta");
    both.extend(std::fs::read(&rootfs).expect("rootfs"));
    assert_eq!(image.fingerprint, Some(crate::layer::sha256_hex(&both)));
}

#[test]
fn broken_images_are_refused_with_one_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let err = |name: &str, bytes: &[u8]| {
        let path = write(&dir, name, bytes);
        let e = load(
            "t",
            &Layout::Unified { path: path.clone() },
            &options(&nothing),
        )
        .expect_err(name)
        .message;
        e.strip_prefix(&format!("{path}: "))
            .unwrap_or(&e)
            .to_owned()
    };
    assert_eq!(
        err(
            "nometa.tar.gz",
            &compress("gzip", &tar(&[T::File("rootfs/bin/sh", 0o755, b"")]))
        ),
        "no metadata.yaml: not an LXD image (or the metadata tarball of a split image is missing)"
    );
    assert_eq!(
        err("dotdot.tar", &{
            let mut b = tar(&[T::File("metadata.yaml", 0o644, META)]);
            b.truncate(b.len() - 1024); // the end-of-archive marker
            b.extend(raw_entry(b"rootfs/../etc/shadow"));
            b.extend([0u8; 1024]);
            b
        }),
        "entry rootfs/../etc/shadow has a `..` path component: refusing a hostile image"
    );
    assert_eq!(
        err(
            "hardlink.tar",
            &tar(&[
                T::File("metadata.yaml", 0o644, META),
                T::File("templates/x", 0o644, b""),
                T::Hard("rootfs/x", "templates/x")
            ])
        ),
        "hard link /x points out of the root filesystem"
    );
    assert_eq!(
        err("lz4.tar.lz4", &[0x04, 0x22, 0x4d, 0x18, 0, 0, 0, 0, 0]),
        "lz4-compressed, which LXD images do not use here: gzip, xz, zstd, bzip2 or none are read"
    );
    let mut cut = compress("xz", &unified());
    cut.truncate(cut.len() / 2);
    assert!(err("cut.tar.xz", &cut).starts_with("xz stream is corrupt or truncated: "));
    assert_eq!(
        err(
            "badmeta.tar",
            &tar(&[
                T::File("metadata.yaml", 0o644, b"architecture: x86_64\n"),
                T::File("rootfs/x", 0o644, b"")
            ])
        ),
        "metadata.yaml: creation_date is missing"
    );
    assert_eq!(
        err("vm.img", b"QFI\xfb\0\0\0\x03rest"),
        "a qcow2 disk image: LXD virtual-machine images are not supported (portcullis scans container root filesystems)"
    );
}

#[test]
fn damaged_squashfs_is_an_error_never_a_panic() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lxd/tiny.rootfs.squashfs");
    let good = std::fs::read(&fixture).expect("fixture");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("m.squashfs");
    let mut seed: u64 = 4;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    let (mut ok, mut refused) = (0, 0);
    for round in 0..200 {
        let mut bytes = good.clone();
        for _ in 0..1 + next(8) {
            let at = next(bytes.len());
            bytes[at] = next(256) as u8;
        }
        if round % 3 == 0 {
            bytes.truncate(96 + next(bytes.len() - 96));
        }
        std::fs::write(&path, &bytes).expect("write");
        let budget = Budget::new(1 << 30);
        let result =
            std::panic::catch_unwind(|| squashfs::read(&path, &budget, &|_: &[u8]| true, None));
        match result.expect("no panic escapes") {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(!e.contains('\n'), "{e}");
                refused += 1;
            }
        }
    }
    assert_eq!(ok + refused, 200);
    assert!(refused > 100, "{refused} refused");
}

/// Run the real mksquashfs: `root` into `image`, with `options`.
fn mksquashfs(root: &Path, image: &Path, options: &[&str]) {
    let out = std::process::Command::new("mksquashfs")
        .arg(root)
        .arg(image)
        .args(["-noappend", "-quiet", "-no-progress"])
        .args(options)
        .output()
        .expect("mksquashfs (squashfs-tools) is needed");
    assert!(
        out.status.success(),
        "mksquashfs {options:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Wanted files are read from data blocks, holes and shared fragments,
/// in squashfs images made by the real mksquashfs.
#[test]
fn squashfs_file_contents_come_from_blocks_holes_and_fragments() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    let units = root.join("usr/lib/systemd/system");
    std::fs::create_dir_all(&units).expect("mkdir");
    std::fs::create_dir_all(root.join("etc")).expect("mkdir");
    // Three 128 KiB blocks and a tail; text that differs block to block.
    let passwd: Vec<u8> = (0..400_000u32)
        .map(|i| b"abcdefghijklmnopqrstuvwxyz:\n"[(i as usize * 7 + (i as usize >> 17)) % 28])
        .collect();
    // Two all-zero blocks (stored as holes) and a tail.
    let mut sparse = vec![0u8; 2 << 17];
    sparse.extend_from_slice(b"[Service]\nExecStart=/usr/sbin/sshd -D\n");
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("etc/passwd", passwd),
        ("usr/lib/systemd/system/sparse.service", sparse),
        (
            "usr/lib/systemd/system/a.socket",
            b"[Socket]\nListenStream=22\n".to_vec(),
        ),
        ("usr/lib/systemd/system/b.service", b"[Service]\n".to_vec()),
        ("usr/lib/systemd/system/empty.service", Vec::new()),
    ];
    for (path, bytes) in &files {
        std::fs::write(root.join(path), bytes).expect("write");
    }
    for (compressor, extra) in [
        ("gzip", None),
        ("xz", None),
        ("zstd", Some("-no-fragments")),
        ("lz4", None),
    ] {
        let image = dir.path().join(format!("{compressor}.squashfs"));
        let mut options = vec!["-comp", compressor];
        options.extend(extra);
        mksquashfs(&root, &image, &options);
        let budget = Budget::new(1 << 30);
        let (table, named) =
            squashfs::read(&image, &budget, &|_: &[u8]| true, None).expect(compressor);
        assert_eq!(named, compressor);
        let mut got: Vec<(String, usize)> = table
            .contents
            .iter()
            .map(|(path, bytes)| {
                let (_, want) = files
                    .iter()
                    .find(|(p, _)| p.as_bytes() == &path[..])
                    .expect("a file of ours");
                assert!(bytes == want, "{compressor}: {}", crate::display_path(path));
                (crate::display_path(path), bytes.len())
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("/etc/passwd".to_owned(), 400_000),
                ("/usr/lib/systemd/system/a.socket".to_owned(), 25),
                ("/usr/lib/systemd/system/b.service".to_owned(), 10),
                ("/usr/lib/systemd/system/empty.service".to_owned(), 0),
                ("/usr/lib/systemd/system/sparse.service".to_owned(), 262_182),
            ],
            "{compressor}"
        );
        // The content pass sees every file with data, whole, as the
        // squashfs holds it (blocks, holes, fragments), one open at a time.
        let recorder = crate::content::tests::Recorder {
            take: usize::MAX,
            layers: std::sync::Mutex::new(0),
        };
        let (table, _) =
            squashfs::read(&image, &budget, &|_: &[u8]| false, Some(&recorder)).expect(compressor);
        let fed = table
            .facts
            .as_ref()
            .and_then(|f| f.get::<crate::content::tests::Recorded>())
            .expect("facts");
        let mut fed: Vec<(&[u8], &[u8])> = fed.iter().map(|f| (&f.0[..], &f.2[..])).collect();
        fed.sort();
        let mut expected: Vec<(&[u8], &[u8])> = files
            .iter()
            .filter(|(_, bytes)| !bytes.is_empty())
            .map(|(p, bytes)| (p.as_bytes(), &bytes[..]))
            .collect();
        expected.sort();
        assert!(fed == expected, "{compressor}: the content pass");
        assert!(table.contents.is_empty());
    }
}

/// `unsquashfs -lln`'s mode column as (type letter, permission bits).
fn ls_mode(text: &str) -> (char, u16) {
    let b = text.as_bytes();
    let mut mode = 0u16;
    for (i, bit) in [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1]
        .into_iter()
        .enumerate()
    {
        if !matches!(b[1 + i], b'-' | b'S' | b'T') {
            mode |= bit;
        }
    }
    for (at, bit) in [(3, 0o4000), (6, 0o2000), (9, 0o1000)] {
        if matches!(b[at], b's' | b'S' | b't' | b'T') {
            mode |= bit;
        }
    }
    (b[0] as char, mode)
}

/// Every entry of a squashfs made by mksquashfs (long directories that
/// need several listing headers, hard links, devices, fifos, owners set by
/// pseudo definitions, names with spaces and UTF-8) is read as
/// `unsquashfs -lln` lists it: path, type, mode, owner, size, link target.
#[test]
fn squashfs_listing_matches_unsquashfs() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    let many = root.join("usr/share/many files");
    std::fs::create_dir_all(&many).expect("mkdir");
    std::fs::create_dir_all(root.join("etc/ü/deeper/still")).expect("mkdir");
    for i in 0..2000 {
        std::fs::write(many.join(format!("f{i:03}")), vec![b'x'; i]).expect("write");
    }
    std::fs::write(root.join("etc/passwd"), b"root:x:0:0::/root:/bin/sh\n").expect("write");
    std::os::unix::fs::symlink("/etc/passwd", root.join("etc/abs")).expect("symlink");
    std::os::unix::fs::symlink("../usr/share", root.join("etc/rel")).expect("symlink");
    std::fs::hard_link(root.join("etc/passwd"), root.join("etc/hard")).expect("link");
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("etc/fifo"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let image = dir.path().join("t.squashfs");
    mksquashfs(
        &root,
        &image,
        &[
            "-comp",
            "xz",
            "-p",
            "dev d 755 0 0",
            "-p",
            "dev/null c 666 0 0 1 3",
            "-p",
            "dev/sda b 660 0 6 8 0",
            "-p",
            "etc/passwd m 4755 1000 1001",
            "-p",
            "usr m 1777 0 0",
        ],
    );
    let listed = std::process::Command::new("unsquashfs")
        .args(["-lln", "-d", "r"])
        .arg(&image)
        .output()
        .expect("unsquashfs");
    assert!(listed.status.success());
    let mut want: Vec<String> = String::from_utf8(listed.stdout)
        .expect("utf-8")
        .lines()
        .filter_map(|line| {
            // MODE UID/GID SIZE|MAJOR, MINOR DATE TIME r/PATH[ -> TARGET]
            let (head, path) = line.split_once(" r/")?;
            let fields: Vec<&str> = head.split_whitespace().collect();
            let (kind, mode) = ls_mode(fields[0]);
            let size = if kind == '-' { fields[2] } else { "0" };
            let (path, link) = match path.split_once(" -> ") {
                Some((p, l)) => (p, l),
                None => (path, ""),
            };
            Some(format!(
                "/{path} {kind} {mode:o} {} {size} {link}",
                fields[1]
            ))
        })
        .collect();
    want.sort();
    let budget = Budget::new(1 << 30);
    let (table, _) = squashfs::read(&image, &budget, &nothing, None).expect("read");
    let mut got: Vec<String> = table
        .recs
        .iter()
        .map(|r| {
            let kind = match r.kind {
                EntryKind::File => '-',
                EntryKind::Dir => 'd',
                EntryKind::Symlink => 'l',
                EntryKind::CharDevice => 'c',
                EntryKind::BlockDevice => 'b',
                EntryKind::Fifo => 'p',
                _ => '?',
            };
            format!(
                "{} {kind} {:o} {}/{} {} {}",
                crate::display_path(r.path(&table.names)),
                r.mode,
                r.uid,
                r.gid,
                r.size,
                String::from_utf8_lossy(r.link(&table.names).unwrap_or_default())
            )
        })
        .collect();
    got.sort();
    assert_eq!(got.len(), 2000 + 15);
    assert_eq!(got, want);
}

/// The kernel reads an entry's inode where the entry points (block and
/// offset); an entry whose inode number was changed to another file's must
/// not make the scan read that other file instead: it is refused.
#[test]
fn an_entry_whose_inode_number_disagrees_with_its_location_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    let units = root.join("etc/systemd/system");
    std::fs::create_dir_all(&units).expect("mkdir");
    std::fs::write(
        units.join("a.service"),
        "[Service]\nExecStart=/bin/nc -l -p 4444\n",
    )
    .expect("write");
    std::fs::write(units.join("b.txt"), "harmless\n").expect("write");
    let image = dir.path().join("t.squashfs");
    // Uncompressed metadata, so that the listing can be patched in place.
    mksquashfs(&root, &image, &["-noI", "-noD"]);
    let budget = Budget::new(1 << 30);
    squashfs::read(&image, &budget, &nothing, None).expect("the image as made");
    // The entry: offset u16, inode number delta i16, type u16, name size - 1
    // u16, name. Point a.service's number at the next inode (b.txt's).
    let mut bytes = std::fs::read(&image).expect("read");
    let name = bytes
        .windows(9)
        .rposition(|w| w == b"a.service")
        .expect("the listing holds a.service");
    let delta = i16::from_le_bytes([bytes[name - 6], bytes[name - 5]]) + 1;
    bytes[name - 6..name - 4].copy_from_slice(&delta.to_le_bytes());
    std::fs::write(&image, &bytes).expect("write");
    let err = squashfs::read(&image, &Budget::new(1 << 30), &nothing, None)
        .map(|_| ())
        .expect_err("refused");
    assert!(
        err.starts_with("entry /etc/systemd/system/a.service names inode ")
            && err.ends_with(": refusing a hostile image"),
        "{err}"
    );
    // A name out of order (the kernel's lookup relies on the order, and
    // stops at the first of two equal names): b.txt renamed a.ser.
    mksquashfs(&root, &image, &["-noI", "-noD"]);
    let mut bytes = std::fs::read(&image).expect("read");
    let name = bytes
        .windows(5)
        .rposition(|w| w == b"b.txt")
        .expect("the listing holds b.txt");
    bytes[name..name + 5].copy_from_slice(b"a.ser");
    std::fs::write(&image, &bytes).expect("write");
    let err = squashfs::read(&image, &Budget::new(1 << 30), &nothing, None)
        .map(|_| ())
        .expect_err("refused");
    assert_eq!(
        err,
        "entry \"a.ser\" in /etc/systemd/system is out of order or repeated: refusing a hostile image"
    );
}

/// Small wanted files spread over several fragment blocks, in directories
/// the walk reaches in another order than it reads fragments, all get their
/// own contents.
#[test]
fn contents_of_files_in_many_fragment_blocks() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    let units = root.join("usr/lib/systemd/system");
    std::fs::create_dir_all(&units).expect("mkdir");
    std::fs::create_dir_all(root.join("etc")).expect("mkdir");
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("etc/passwd".into(), b"root:x:0:0::/root:/bin/sh\n".to_vec())];
    // 300 files of 1,000 bytes: three 128 KiB fragment blocks.
    for i in 0..300 {
        let mut unit = format!("[Service]\nExecStart=/usr/bin/u{i}\n").into_bytes();
        unit.resize(1000, b'#');
        files.push((format!("usr/lib/systemd/system/u{i:03}.service"), unit));
    }
    for (path, bytes) in &files {
        std::fs::write(root.join(path), bytes).expect("write");
    }
    let image = dir.path().join("t.squashfs");
    mksquashfs(&root, &image, &["-comp", "gzip"]);
    let budget = Budget::new(1 << 30);
    let (table, _) = squashfs::read(&image, &budget, &|_: &[u8]| true, None).expect("read");
    assert_eq!(table.contents.len(), files.len());
    for (path, want) in &files {
        let got = table
            .contents
            .iter()
            .find(|(p, _)| p == path.as_bytes())
            .map(|(_, c)| c);
        assert_eq!(got, Some(want), "{path}");
    }
}

/// More owners than one metadata block of the id table holds (2,048).
#[test]
fn more_than_2048_owners() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    let mut pseudo = String::new();
    for i in 0..2100 {
        std::fs::write(root.join(format!("f{i:04}")), b"x").expect("write");
        pseudo.push_str(&format!("f{i:04} m 644 {} {}\n", 10_000 + i, 20_000 + i));
    }
    let definitions = dir.path().join("pseudo");
    std::fs::write(&definitions, pseudo).expect("write");
    let image = dir.path().join("t.squashfs");
    let definitions = definitions.to_string_lossy();
    mksquashfs(&root, &image, &["-pf", &definitions]);
    let (table, _) = squashfs::read(&image, &Budget::new(1 << 30), &nothing, None).expect("read");
    let last = table
        .recs
        .iter()
        .find(|r| r.path(&table.names) == b"f2099")
        .expect("f2099");
    assert_eq!((last.uid, last.gid), (12_099, 22_099));
}
