//! Secrets for fixtures and doc examples, made when the tests run: they
//! hold markers, never a secret (SECRETS.md). `{{fake:KIND:SEED}}` is a
//! fake token of a kind of `portcullis_secrets::tokens::KINDS` (right
//! shape, valid checksum); `{{key:NAME}}` a private key made by a real tool
//! (`keys.rs` beside this file, which the including module declares as its
//! sibling `keys`). Shared by portcullis-rules' Dockerfile fixtures and the
//! CLI's doc-example test.

/// `text` with every marker replaced by its value. Panics on a `{{…}}`
/// that is not a marker: a fixture asking for one is wrong.
pub fn fill_secrets(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let marker = &rest[start + 2..start + len];
        let value = match marker.split(':').collect::<Vec<_>>()[..] {
            ["fake", kind, seed] => {
                portcullis_secrets::fake::token(kind, seed.parse().expect("seed"))
            }
            ["key", name] => super::keys::key(name),
            _ => panic!("unknown secret marker {{{{{marker}}}}}"),
        };
        out.push_str(&value);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}
