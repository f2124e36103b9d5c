//! Never the value: a masked preview and a stable fingerprint.

use sha2::{Digest, Sha256};

/// Characters shown at the start of a preview, at most; fewer for short
/// values, so that at least three quarters of a value are always starred.
const SHOWN: usize = 6;

/// A few leading characters of `value`, the rest as `*` (at most 12 of
/// them, whatever the length): `ghp_ab************`. Values of fewer than
/// 8 bytes show nothing. Control characters and anything not printable
/// ASCII are shown as `?`, so a preview is always one short, safe line.
pub fn preview(value: &[u8]) -> String {
    let shown = if value.len() < 8 {
        0
    } else {
        SHOWN.min(value.len() / 4)
    };
    let mut out: String = value[..shown]
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect();
    let hidden = (value.len() - shown).clamp(1, 12);
    out.extend(std::iter::repeat_n('*', hidden));
    out
}

/// Domain separation of the value fingerprint: a fingerprint is never the
/// plain SHA-256 of the value, which anyone holding a guess could check
/// against other SHA-256 lists.
const DOMAIN: &[u8] = b"portcullis secret fingerprint v1\0";

/// `sha256:` and the first 16 bytes (32 hex digits) of SHA-256 over the
/// domain and the value: stable across images, layers and lines, so that
/// an exception can name one secret without repeating it.
pub fn fingerprint(value: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(value);
    let digest = h.finalize();
    let mut out = String::with_capacity(7 + 32);
    out.push_str("sha256:");
    for b in &digest[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_show_a_quarter_at_most_and_a_bounded_mask() {
        assert_eq!(
            preview(b"ghp_0123456789abcdefghijklmnopqrstuvwxyz"),
            "ghp_01************"
        );
        assert_eq!(preview(b"hunter22"), "hu******");
        assert_eq!(preview(b"short"), "*****");
        assert_eq!(preview(b""), "*");
        assert_eq!(preview(b"\x1b[2Jxxxxxxxxxxxx"), "?[2J************");
    }

    #[test]
    fn fingerprints_are_domain_separated_and_stable() {
        let f = fingerprint(b"secret");
        assert_eq!(f.len(), 7 + 32);
        assert_eq!(f, fingerprint(b"secret"));
        assert_ne!(f, fingerprint(b"secret2"));
        // Not the plain SHA-256 of the value.
        let plain = Sha256::digest(b"secret");
        assert!(!f.contains(&format!("{:02x}{:02x}", plain[0], plain[1])));
    }
}
