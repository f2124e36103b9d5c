//! `cargo auditable` data: the dependency tree cargo-auditable embeds in a
//! Rust binary's `.dep-v0` section, zlib-compressed JSON
//! (`{"packages":[{"name","version","source","kind","dependencies","root"}],"format":1}`,
//! the schema of the `auditable-serde` crate; cargo-auditable 0.7 writes it
//! with miniz_oxide at level 7, so it starts `78 9c`).
//!
//! On ELF, cargo-auditable creates the section with `sh_flags` 0 (see its
//! `object_file.rs`: "explicitly set no flags to avoid SHF_ALLOC"): it is
//! not loaded, so linkers place it after every `PT_LOAD` segment's bytes,
//! among `.comment`, `.symtab` and the other non-allocated sections, before
//! or near the section headers (readelf of the fixture: `.dep-v0` at
//! 0x52e22, after `.comment`, the last PT_LOAD ending at 0x52d70, the
//! section headers at 0x53018). The streaming reader keeps those bytes.
//!
//! Packages: one per entry of kind `runtime` (the default). Entries of
//! kind `build` are left out: a build dependency (a build script's or a
//! proc-macro's crate) runs at compile time and its code is not in the
//! binary; cargo-auditable records `runtime` for a crate that is both. The
//! root package (the binary's own crate) has `main_module: true`. The
//! `source` (`crates.io`, `local`, `git`, `registry`) has no field in the
//! model and is not kept.

use crate::model::{Ecosystem, Found, Package};
use flate2::{Decompress, FlushDecompress, Status};
use serde::Deserialize;

/// The most JSON inflated (rust-audit-info's own default limit is 8 MiB;
/// real trees of a thousand crates are ~100 KiB).
pub const JSON_CAP: usize = 3 << 20;

#[derive(Deserialize)]
struct VersionInfo {
    #[serde(default)]
    packages: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    root: bool,
}

/// Inflates at most [`JSON_CAP`] bytes of zlib data.
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, String> {
    let mut z = Decompress::new(true);
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(cap));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Err(format!("inflates to more than {} MiB: not read", cap >> 20));
            }
            out.reserve((out.len() + 4096).min(cap - out.len()));
        }
        let before_in = z.total_in();
        let before_out = z.total_out();
        let input = data.get(z.total_in() as usize..).unwrap_or(&[]);
        let status = z
            .decompress_vec(input, &mut out, FlushDecompress::Finish)
            .map_err(|e| format!("corrupt zlib data: {e}"))?;
        match status {
            Status::StreamEnd => return Ok(out),
            _ if z.total_in() == before_in
                && z.total_out() == before_out
                && out.len() < out.capacity() =>
            {
                return Err("the zlib data is truncated".to_owned());
            }
            _ => {}
        }
    }
}

/// Reads the `.dep-v0` section's bytes.
pub fn parse_section(data: &[u8]) -> Found {
    let mut found = Found::default();
    let json = match inflate(data, JSON_CAP) {
        Ok(j) => j,
        Err(e) => {
            found.notes.push(format!("cargo auditable data: {e}"));
            return found;
        }
    };
    let info: VersionInfo = match serde_json::from_slice(&json) {
        Ok(i) => i,
        Err(e) => {
            found.notes.push(format!(
                "cargo auditable data: not the JSON it should be: {e}"
            ));
            return found;
        }
    };
    for e in info.packages {
        if e.kind.as_deref() == Some("build") {
            continue;
        }
        found.packages.push(Package {
            ecosystem: Some(Ecosystem::Cargo),
            name: e.name,
            version: e.version,
            main_module: e.root,
            ..Package::default()
        });
    }
    found
}

/// Whether `bytes` (at least 2) look like the start of cargo auditable's
/// zlib stream: a zlib header with no preset dictionary whose first
/// inflated bytes are `{"packages"`. Used where the section headers are
/// missing or were not kept.
pub fn looks_like_start(bytes: &[u8]) -> bool {
    let (Some(&cmf), Some(&flg)) = (bytes.first(), bytes.get(1)) else {
        return false;
    };
    if cmf != 0x78 || flg & 0x20 != 0 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return false;
    }
    const START: &[u8] = b"{\"packages\"";
    let mut z = Decompress::new(true);
    let mut out = [0u8; 16];
    let input = bytes.get(..bytes.len().min(512)).unwrap_or(&[]);
    match z.decompress(input, &mut out, FlushDecompress::None) {
        Ok(_) => {
            let n = (z.total_out() as usize).min(out.len());
            n >= START.len() && out.get(..START.len()) == Some(START)
        }
        Err(_) => false,
    }
}
