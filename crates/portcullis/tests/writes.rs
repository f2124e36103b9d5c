//! Report files are written safely: through a fresh temporary file beside
//! the target (created exclusively, under a name no one can predict), then
//! renamed over it — never through a link someone planted.

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn a_report_path_that_is_a_symlink_is_replaced_not_written_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "secret\n").expect("victim");
    let out = dir.path().join("out.json");
    std::os::unix::fs::symlink(&victim, &out).expect("symlink");
    let o = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(["scan", "--no-config", "--quiet", "-f"])
        .arg(format!("json={}", out.display()))
        .arg(repo().join("examples/Dockerfile"))
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "secret\n"
    );
    let meta = std::fs::symlink_metadata(&out).expect("out");
    assert!(meta.file_type().is_file(), "out.json is still a link");
    assert!(std::fs::read_to_string(&out)
        .expect("report")
        .contains("\"schema_version\": 1"));
    // Nothing else is left in the directory: no temporary files.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["out.json", "victim"]);
}
