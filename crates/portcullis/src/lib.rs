//! The library front door: [`Scanner`] turns a target string into a
//! [`TargetReport`]. The binary is a thin shell around it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use portcullis_policy::{Policy, Report, TargetInfo, TargetReport};
use portcullis_rules::subject::SourceFile;

/// Why a target could not be scanned. Displayed as one line naming the target.
#[derive(Debug)]
pub struct ScanError {
    pub target: String,
    pub message: String,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.target, self.message)
    }
}

impl std::error::Error for ScanError {}

#[derive(Default)]
pub struct Scanner {
    pub policy: Policy,
    /// `NAME=VALUE` pairs, as `docker build --build-arg`.
    pub build_args: Vec<(String, String)>,
    /// Keep each Dockerfile's text and tree in its report, for renderers that
    /// show source lines. Off, a report holds only its findings.
    pub keep_source: bool,
}

impl Scanner {
    /// Scan one target: a Dockerfile path, a directory holding a `Dockerfile`, or `-` for stdin.
    pub fn scan(&self, target: &str) -> Result<TargetReport, ScanError> {
        let fail = |message: String| ScanError {
            target: target.to_owned(),
            message,
        };
        let (display, bytes) = if target == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|e| fail(format!("cannot read standard input: {e}")))?;
            ("<stdin>".to_owned(), buf)
        } else {
            let mut path = PathBuf::from(target);
            if path.is_dir() {
                path.push("Dockerfile");
            }
            let bytes = std::fs::read(&path).map_err(|e| fail(io_message(target, &path, &e)))?;
            (path.display().to_string(), bytes)
        };
        self.scan_dockerfile(&display, &bytes)
    }

    /// Scan Dockerfile text that was read already. `path` names it in locations.
    pub fn scan_dockerfile(&self, path: &str, bytes: &[u8]) -> Result<TargetReport, ScanError> {
        let syntax_error = |e: &portcullis_dockerfile::ParseError| {
            let at = portcullis_dockerfile::error_position(bytes, e);
            ScanError {
                target: format!("{path}:{}:{}", at.line, at.column),
                message: e.message.clone(),
            }
        };
        let dockerfile = portcullis_dockerfile::parse_bytes(bytes).map_err(|e| syntax_error(&e))?;
        let subject = portcullis_rules::from_dockerfile(path, dockerfile, &self.build_args)
            .map_err(|e| syntax_error(&e))?;
        let outcomes = portcullis_rules::check(&subject, path);
        let source: Option<Arc<SourceFile>> = subject.source.clone().filter(|_| self.keep_source);
        Ok(self.policy.evaluate(
            TargetInfo {
                target: path.to_owned(),
                kind: "dockerfile".into(),
                digest: Some(sha256_digest(bytes)),
                source,
            },
            outcomes,
        ))
    }

    /// Scan targets in parallel; reports come back in the order given.
    pub fn scan_all(&self, targets: &[String]) -> Vec<Result<TargetReport, ScanError>> {
        use rayon::prelude::*;
        targets.par_iter().map(|t| self.scan(t)).collect()
    }

    pub fn report(targets: Vec<TargetReport>) -> Report {
        Report::new(env!("CARGO_PKG_VERSION"), targets)
    }
}

fn sha256_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// "cannot read: No such file or directory", without Rust's "(os error 2)";
/// names the file when it is not the target itself (a directory's Dockerfile).
fn io_message(target: &str, path: &Path, e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    if path == Path::new(target) {
        format!("cannot read: {text}")
    } else {
        format!("cannot read {}: {text}", path.display())
    }
}
