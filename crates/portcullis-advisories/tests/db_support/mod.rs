//! Shared by the database tests (and the CLI's, tests/db.rs there): the
//! real records, zips made by Python's zipfile, and a tiny HTTP/1.1 server
//! on 127.0.0.1.

#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn data() -> PathBuf {
    // From this crate or the CLI's (which includes this module).
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../portcullis-advisories/tests/data/db")
}

/// The real OSV records of tests/data/db (not the KEV excerpt).
pub fn records() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(data()).expect("tests/data/db") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with("kev") {
            out.push((name, std::fs::read(&path).expect("read")));
        }
    }
    out.sort();
    out
}

pub fn record(name: &str) -> Vec<u8> {
    std::fs::read(data().join(name)).expect("record")
}

/// A zip of `entries` (name, bytes), deflated, written by Python's zipfile
/// (as the OSV exporter's Go archive/zip would: one entry per record).
pub fn make_zip(out: &Path, entries: &[(String, Vec<u8>)]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut list = String::new();
    for (i, (name, bytes)) in entries.iter().enumerate() {
        let file = dir.path().join(format!("{i}"));
        std::fs::write(&file, bytes).expect("write");
        list.push_str(&format!("{}\t{}\n", file.display(), name));
    }
    let listing = dir.path().join("list");
    std::fs::write(&listing, list).expect("write");
    let script = r#"
import sys, zipfile
out, listing = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for line in open(listing, encoding="utf-8"):
        path, name = line.rstrip("\n").split("\t")
        z.write(path, name)
"#;
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(out)
        .arg(&listing)
        .status()
        .expect("python3 (the tests make their zips with Python's zipfile)");
    assert!(status.success(), "python3 zipfile failed");
}

/// Runs a Python script with arguments (for zips of special shapes).
pub fn python(script: &str, args: &[&str]) {
    let status = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .status()
        .expect("python3");
    assert!(status.success(), "python3 failed: {script}");
}

/// Files in `dir` whose name starts with `.` and contains `.tmp`: the
/// database writer's temporary files.
pub fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n.contains(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

/// An EPSS csv in FIRST's format (made-up scores).
pub const EPSS_CSV: &str = "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\ncve,epss,percentile\nCVE-2021-44228,0.94358,0.99957\nCVE-2024-22195,0.00126,0.32411\nCVE-2014-3616,0.01012,0.76543\n";
