//! Well-known credential files read by their structure, not by one regex:
//! `.npmrc`, Docker `config.json`, `.pypirc`, `.netrc`, `.git-credentials`,
//! `.aws/credentials`, kube config, cloud service-account JSON, `.env`.

use crate::Found;

/// The largest credential file read whole.
pub const MAX_FILE: u64 = 1 << 20;

/// Whether `path` (relative to the image root, no leading `/`; or a bare
/// file name) is a credential file this module reads, so that the scanner
/// holds it whole (up to [`MAX_FILE`]) and calls [`scan`].
pub fn wants(_path: &[u8]) -> bool {
    false
}

/// The credentials in a credential file, each with its byte range in `bytes`.
pub fn scan(_path: &[u8], _bytes: &[u8]) -> Vec<Found> {
    Vec::new()
}
