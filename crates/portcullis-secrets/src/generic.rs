//! Secrets without a recognisable shape: a name that says it is secret
//! (`*_PASSWORD`, `*_SECRET`, `SECRET_KEY`, `*_TOKEN`, `password=` in a
//! JDBC or application config, `mysql -p…`) assigned a real-looking value,
//! and credentials in network URIs (`scheme://user:password@host`).

use crate::Found;

/// Case-sensitive literals the prefilter looks for to call [`assignment`].
pub static KEYWORDS: &[&str] = &[];

/// `text` holds one of [`KEYWORDS`] at `at` (with the same look-behind and
/// look-ahead as tokens). The secret value assigned there, when it passes
/// the precision checks (length, entropy, not a placeholder, not a variable
/// reference, not a hash, UUID or path).
pub fn assignment(_text: &[u8], _at: usize) -> Option<Found> {
    None
}

/// `text` holds `://` at `at`. Credentials in the URI around it: SQ34301
/// when the password is a placeholder, SQ34302 otherwise; `None` without
/// a password.
pub fn uri(_text: &[u8], _at: usize) -> Option<Found> {
    None
}
