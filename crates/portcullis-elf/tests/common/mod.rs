//! Helpers shared by the integration tests: gcc at test time, and the
//! stream reader fed in chunks.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use portcullis_elf::{parse, ElfFacts, ElfReader};

/// Whether a tool runs (`tool --version`).
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Compile `source` (C, or assembly when `name` ends in `.s`) with gcc and
/// `flags` into `dir`; the output's path, or gcc's complaint.
pub fn gcc(dir: &Path, name: &str, source: &str, flags: &[&str]) -> Result<PathBuf, String> {
    // Assembly starts with a directive.
    let ext = if source.trim_start().starts_with('.') {
        "s"
    } else {
        "c"
    };
    let src = dir.join(format!("{name}.{ext}"));
    std::fs::write(&src, source).map_err(|e| e.to_string())?;
    let out = dir.join(name);
    let done = Command::new("gcc")
        .args(flags)
        .arg("-w")
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !done.status.success() {
        return Err(String::from_utf8_lossy(&done.stderr).into_owned());
    }
    Ok(out)
}

/// The reader fed `bytes` in chunks of `size`, stopping when it says so.
pub fn stream(bytes: &[u8], size: usize) -> Option<Result<ElfFacts, portcullis_elf::ElfError>> {
    let mut reader = ElfReader::new(bytes.len() as u64);
    for chunk in bytes.chunks(size) {
        if !reader.push(chunk) {
            break;
        }
    }
    reader.finish()
}

/// `parse`, checked to agree with the stream reader at every chunk size.
pub fn facts(path: &Path) -> ElfFacts {
    let bytes = std::fs::read(path).expect("read the binary");
    let whole = parse(&bytes).expect("an ELF file");
    for size in [1, 7, 4096, 65536] {
        let streamed = stream(&bytes, size).expect("ELF").expect("facts");
        assert_eq!(streamed, whole, "{} in chunks of {size}", path.display());
    }
    whole
}
