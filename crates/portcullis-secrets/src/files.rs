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

/// Whether the first block of a file (`head`) shows a JSON credential file
/// that no path names: a cloud service-account key (`"type":
/// "service_account"`, `"private_key_id"`). Only the first 64 KiB are read.
pub fn wants_by_head(head: &[u8]) -> bool {
    let head = &head[..head.len().min(64 << 10)];
    let mut i = 0;
    if head.starts_with(b"\xEF\xBB\xBF") {
        i = 3;
    }
    while i < head.len() && head[i].is_ascii_whitespace() {
        i += 1;
    }
    if head.get(i) != Some(&b'{') {
        return false;
    }
    memchr::memmem::find(head, b"\"private_key_id\"").is_some() || json_type_is(head, b"service_account")
}

/// Whether `head` has a `"type"` key whose value is the string `ty`.
fn json_type_is(head: &[u8], ty: &[u8]) -> bool {
    let skip = |mut i: usize| {
        while i < head.len() && head[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    memchr::memmem::find_iter(head, b"\"type\"").any(|k| {
        let i = skip(k + 6);
        if head.get(i) != Some(&b':') {
            return false;
        }
        let i = skip(i + 1);
        head.get(i) == Some(&b'"')
            && head[i + 1..].starts_with(ty)
            && head.get(i + 1 + ty.len()) == Some(&b'"')
    })
}

/// The credentials in a credential file, each with its byte range in `bytes`.
pub fn scan(_path: &[u8], _bytes: &[u8]) -> Vec<Found> {
    Vec::new()
}
