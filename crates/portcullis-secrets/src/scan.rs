//! The streaming scanner: bytes in, chunk by chunk, [`crate::Secret`]s out.

use crate::Secret;

/// Scans one file (or one text) as its bytes arrive.
#[derive(Debug, Default)]
pub struct Scanner {
    found: Vec<Secret>,
}

impl Scanner {
    pub fn finish(self) -> Vec<Secret> {
        self.found
    }
}
