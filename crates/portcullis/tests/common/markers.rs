//! Secrets for the doc examples, made when the tests run: the examples hold
//! markers, never a secret (SECRETS.md). `{{fake:KIND:SEED}}` is a fake
//! token of a kind of `portcullis_secrets::tokens::KINDS`;
//! `{{key:NAME}}` a private key made by a real tool
//! (crates/portcullis-rules/tests/support/keys.rs, the same keys as the
//! rules' Dockerfile fixtures).

#[path = "../../../portcullis-rules/tests/support/keys.rs"]
mod keys;

/// `text` with every marker replaced by its value. Panics on a `{{…}}`
/// that is not a marker: an example asking for one is wrong.
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
            ["key", name] => keys::key(name),
            _ => panic!("unknown secret marker {{{{{marker}}}}}"),
        };
        out.push_str(&value);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}
