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
    match inflate(data, JSON_CAP) {
        Ok(json) => parse_json(&json),
        Err(e) => note(&format!("cargo auditable data: {e}")),
    }
}

/// Reads the inflated JSON.
pub fn parse_json(json: &[u8]) -> Found {
    let mut found = Found::default();
    let info: VersionInfo = match serde_json::from_slice(json) {
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

/// Looks for cargo auditable's zlib stream in bytes as they stream (the
/// part of a file's tail beyond what the reader keeps: the `.dep-v0` of a
/// binary with debug info lies after tens of MiB of `.debug_*`): each zlib
/// header is tried ([`looks_like_start`]) on the [`LOOKAHEAD`] bytes after
/// it; the first that inflates to `{"packages"` is inflated as it streams
/// (at most [`JSON_CAP`]). Memory: a window of 64 KiB + [`LOOKAHEAD`], and
/// the JSON once found.
#[derive(Default)]
pub struct Hunter {
    win: Vec<u8>,
    /// Positions of `win` before this were tried.
    tried: usize,
    capture: Option<(Box<Decompress>, Vec<u8>)>,
    found: Option<Found>,
}

/// The bytes after a zlib header a trial inflates.
pub const LOOKAHEAD: usize = 512;

impl Hunter {
    /// The next bytes (contiguous with the previous ones).
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.found.is_some() {
            return;
        }
        if self.capture.is_some() {
            self.inflate(bytes);
            return;
        }
        self.win.extend_from_slice(bytes);
        self.hunt(false);
        // Forget what was tried, keeping the lookahead's worth.
        if self.tried > 64 << 10 {
            self.win.drain(..self.tried);
            self.tried = 0;
        }
    }

    /// Tries the candidates whose lookahead is here (all, at the end).
    fn hunt(&mut self, end: bool) {
        let limit = if end {
            self.win.len()
        } else {
            self.win.len().saturating_sub(LOOKAHEAD)
        };
        if self.tried >= limit {
            return;
        }
        let region = self.win.get(self.tried..limit).unwrap_or(&[]);
        let mut hit = None;
        for i in memchr::memchr_iter(0x78, region) {
            let at = self.tried + i;
            let b = self.win.get(at..).unwrap_or(&[]);
            if matches!(b.get(1), Some(0x01 | 0x5e | 0x9c | 0xda)) && looks_like_start(b) {
                hit = Some(at);
                break;
            }
        }
        match hit {
            Some(at) => {
                let rest = self.win.split_off(at);
                self.win = Vec::new();
                self.tried = 0;
                self.capture = Some((Box::new(Decompress::new(true)), Vec::new()));
                self.inflate(&rest);
            }
            None => self.tried = limit,
        }
    }

    fn inflate(&mut self, bytes: &[u8]) {
        let Some((z, out)) = self.capture.as_mut() else {
            return;
        };
        let mut input = bytes;
        let mut buf = [0u8; 8192];
        loop {
            let (in0, out0) = (z.total_in(), z.total_out());
            let status = z.decompress(input, &mut buf, FlushDecompress::None);
            let ate = (z.total_in() - in0) as usize;
            let made = (z.total_out() - out0) as usize;
            input = input.get(ate..).unwrap_or(&[]);
            if out.len() + made > JSON_CAP {
                self.found = Some(note(
                    "cargo auditable data: inflates to more than 3 MiB: not read",
                ));
                self.capture = None;
                return;
            }
            out.extend_from_slice(buf.get(..made).unwrap_or(&[]));
            match status {
                Ok(Status::StreamEnd) => {
                    let json = std::mem::take(out);
                    self.found = Some(parse_json(&json));
                    self.capture = None;
                    return;
                }
                Err(e) => {
                    self.found = Some(note(&format!(
                        "cargo auditable data: corrupt zlib data: {e}"
                    )));
                    self.capture = None;
                    return;
                }
                Ok(_) if ate == 0 && made == 0 => return,
                Ok(_) => {}
            }
        }
    }

    /// What was found, once the bytes ended (or the section headers came).
    pub fn take(&mut self, end: bool) -> Option<Found> {
        if end && self.found.is_none() && self.capture.is_none() {
            self.hunt(true);
        }
        if end && self.capture.is_some() {
            self.capture = None;
            return Some(note("cargo auditable data: the zlib data is truncated"));
        }
        self.found.take()
    }
}

fn note(text: &str) -> Found {
    Found {
        notes: vec![text.to_owned()],
        ..Found::default()
    }
}
