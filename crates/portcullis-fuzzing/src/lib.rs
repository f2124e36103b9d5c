//! One function per parser of untrusted bytes, each taking the bytes and
//! returning nothing: it must not panic, abort, or run out of memory or
//! time, whatever the bytes. `fuzz/` (cargo-fuzz, outside the workspace's
//! default members) drives each with libFuzzer; `tests/replay.rs` runs every
//! committed corpus file through the same functions on stable Rust.
//!
//! Parsers that read files (images, the policy file) get the bytes written
//! to a file in a directory of this process's own.

use std::io::Read;
use std::path::PathBuf;

/// A fuzz entry point: its name (the `fuzz_targets/` file and the
/// `fuzz/corpus/` directory) and the function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, in the order `fuzz/fuzz_targets/` lists them.
pub const TARGETS: &[Target] = &[
    ("dockerfile", dockerfile),
    ("dockerfile_scan", dockerfile_scan),
    ("inline", inline),
    ("policy", policy),
    ("layer", layer),
    ("docker_archive", docker_archive),
    ("oci_archive", oci_archive),
    ("history", history),
    ("lxd_metadata", lxd_metadata),
    ("lxd_unified", lxd_unified),
    ("lxd_squashfs", lxd_squashfs),
    ("secrets", secrets),
    ("dpkg", dpkg),
    ("apk", apk),
    ("rpm", rpm),
    ("python", python),
    ("npm", npm),
    ("binary", binary),
    ("jar", jar),
    ("elf", elf),
    ("osv", osv),
    ("vex", vex),
];

/// The most bytes a scan may decompress here: far above what a fuzz input
/// holds, far below what would exhaust memory.
const MAX_UNCOMPRESSED: u64 = 256 << 20;

/// A file named `name` in this process's scratch directory, holding `data`.
fn scratch(name: &str, data: &[u8]) -> Option<PathBuf> {
    // Per thread: the replay's tests run in parallel in one process.
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    let dir = std::env::temp_dir().join(format!("portcullis-fuzz-{}-{thread}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(name);
    std::fs::write(&path, data).ok()?;
    Some(path)
}

fn scan(target: &str) -> Result<usize, String> {
    let scanner = portcullis::Scanner {
        max_uncompressed: MAX_UNCOMPRESSED,
        ..portcullis::Scanner::default()
    };
    scanner
        .scan(target)
        .map(|reports| reports.len())
        .map_err(|e| e.message)
}

/// The scan behind the scanning targets, with its outcome, for the replay
/// to check that seeds reach past the first check: `data` written as
/// `file` and scanned as `PREFIX` + its path (`docker-archive:`, `lxd:`, or
/// nothing for a Dockerfile).
pub fn scan_as(prefix: &str, file: &str, data: &[u8]) -> Result<usize, String> {
    let path = scratch(file, data).ok_or("cannot write the scratch file")?;
    scan(&format!("{prefix}{}", path.display()))
}

/// Parse, expand (stages, ARG/ENV) and read the inline suppressions.
pub fn dockerfile(data: &[u8]) {
    let Ok(df) = portcullis_dockerfile::parse_bytes(data) else {
        return;
    };
    let _ = portcullis_policy::inline::suppressions("Dockerfile", &df);
    let _ = portcullis_dockerfile::Build::new(&df, &[("A".into(), "x".into())]);
}

/// A Dockerfile scanned end to end: parser, expansion, every rule, policy.
pub fn dockerfile_scan(data: &[u8]) {
    let _ = scan_as("", "Dockerfile", data);
}

/// One `# portcullis …` comment above an instruction.
pub fn inline(data: &[u8]) {
    let mut text = b"FROM alpine\n# portcullis ".to_vec();
    text.extend(data.iter().filter(|&&b| b != b'\n'));
    text.extend_from_slice(b"\nRUN true\n");
    if let Ok(df) = portcullis_dockerfile::parse_bytes(&text) {
        let _ = portcullis_policy::inline::suppressions("Dockerfile", &df);
    }
}

/// A policy file (`extends` may name files of the scratch directory).
pub fn policy(data: &[u8]) {
    if let Some(path) = scratch("portcullis.toml", data) {
        let _ = portcullis_policy::Policy::load(&path, "portcullis.toml");
    }
}

/// A layer blob: compression sniffed, tar entries, whiteouts, names.
pub fn layer(data: &[u8]) {
    let budget = portcullis_image::layer::Budget::new(MAX_UNCOMPRESSED);
    let _ = portcullis_image::layer::read_layer(data, &budget, &|_| true, true);
}

/// A `docker save` archive: outer tar, manifest.json, config, history, layers.
pub fn docker_archive(data: &[u8]) {
    let _ = scan_as("docker-archive:", "image.tar", data);
}

/// An OCI archive: index.json, manifests, config, layers.
pub fn oci_archive(data: &[u8]) {
    let _ = scan_as("oci-archive:", "image.oci.tar", data);
}

/// An image config's `history` (a JSON array): `created_by` read as a
/// build step, and the base/build boundary.
pub fn history(data: &[u8]) {
    let Ok(entries) = serde_json::from_slice::<Vec<portcullis_image::config::HistoryEntry>>(data)
    else {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = portcullis_image::history::parse_created_by(text);
        }
        return;
    };
    let steps = portcullis_image::history::steps(&entries);
    let _ = portcullis_image::history::boundary(&steps);
}

pub fn lxd_metadata(data: &[u8]) {
    let _ = portcullis_image::lxd::metadata::parse(data);
}

/// A unified LXD image (a tarball of metadata.yaml and rootfs/).
pub fn lxd_unified(data: &[u8]) {
    let _ = scan_as("lxd:", "lxd.tar", data);
}

/// The rootfs of a split LXD image (a squashfs, or a tarball), with a
/// valid metadata tarball beside it.
pub fn lxd_squashfs(data: &[u8]) {
    const META: &[u8] = include_bytes!("../../../fixtures/lxd/tiny.meta.tar.xz");
    if let Some(meta) = scratch("meta.tar.xz", META) {
        let _ = scan_as(&format!("lxd:{},", meta.display()), "rootfs", data);
    }
}

/// Every secret detector, on a file's text.
pub fn secrets(data: &[u8]) {
    let _ = portcullis_secrets::Scanner::scan(b"app/config.env", data);
    let mut streamed = portcullis_secrets::Scanner::new(b"app/id_rsa");
    for chunk in data.chunks(977) {
        streamed.feed(chunk);
    }
    let _ = streamed.finish();
}

/// A file fed to the package cataloguer that wants `path`, in chunks as a
/// layer walk feeds it.
fn catalog(path: &str, data: &[u8]) {
    let Some(mut cataloger) = portcullis_packages::cataloger_for(path, data.len() as u64) else {
        return;
    };
    for chunk in data.chunks(4096) {
        if !cataloger.chunk(chunk) {
            break;
        }
    }
    let _ = cataloger.finish(true);
}

pub fn dpkg(data: &[u8]) {
    catalog("var/lib/dpkg/status", data);
    catalog("var/lib/dpkg/status.d/pkg", data);
    catalog("var/lib/dpkg/info/pkg:amd64.list", data);
}

pub fn apk(data: &[u8]) {
    catalog("lib/apk/db/installed", data);
}

/// The rpm database in each of its three formats (sqlite, Berkeley DB,
/// ndb), told apart by its bytes.
pub fn rpm(data: &[u8]) {
    catalog("var/lib/rpm/rpmdb.sqlite", data);
    let mut notes = Default::default();
    portcullis_packages::rpm::bdb::headers(data, &mut notes, &mut |h| {
        let _ = portcullis_packages::rpm::header::Header::parse(h);
        true
    });
    portcullis_packages::rpm::ndb::headers(data, &mut notes, &mut |_| true);
    portcullis_packages::rpm::sqlite::headers(data, &mut notes, &mut |_| true);
}

pub fn python(data: &[u8]) {
    catalog(
        "usr/lib/python3/site-packages/x-1.0.dist-info/METADATA",
        data,
    );
    catalog("usr/lib/python3/site-packages/x-1.0.dist-info/RECORD", data);
}

pub fn npm(data: &[u8]) {
    catalog("app/node_modules/x/package.json", data);
    catalog("app/node_modules/.package-lock.json", data);
}

/// An executable: Go build info and cargo auditable data.
pub fn binary(data: &[u8]) {
    catalog("usr/bin/app", data);
    let _ = portcullis_packages::binary::auditable::parse_section(data);
    let _ = portcullis_packages::binary::golang::parse_header(data);
}

/// A jar (zip, nested jars, manifests, pom.properties).
pub fn jar(data: &[u8]) {
    catalog("app/lib/x-1.0.jar", data);
}

pub fn elf(data: &[u8]) {
    let _ = portcullis_elf::parse(data);
}

pub fn osv(data: &[u8]) {
    let _ = portcullis_advisories::osv::parse(data);
}

/// An OpenVEX or CycloneDX VEX document.
pub fn vex(data: &[u8]) {
    let mut set = portcullis_advisories::vex::VexSet::new();
    let _ = set.load(std::path::Path::new("vex.json"), data);
}

/// Read `path` whole, for the replay.
pub fn read(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}
