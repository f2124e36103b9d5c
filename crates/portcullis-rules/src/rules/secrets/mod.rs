//! The sensitive-information policies (SQ34xxx, SECRETS.md). The detectors
//! are `portcullis-secrets`'; the Subject holds what they found
//! ([`crate::subject::secrets`]), each secret already given its policy
//! code, and every rule here reports the secrets of its own code. The
//! exceptions are version control data ([`vcs_data`]), which is about
//! directories rather than bytes, and the policies that need a live check
//! against a service ([`online`]), which portcullis, working offline, lists
//! as not applicable.

pub mod api_key;
pub mod canary_token;
pub mod encrypted_private_key;
pub mod encrypted_private_key_embedded;
pub mod example_token;
pub mod known_private_key;
pub mod online;
pub mod pgp_private_key;
pub mod private_certificate;
pub mod private_key;
pub mod private_key_embedded;
pub mod service_access_token;
pub mod service_credentials;
pub mod ssh_private_key;
pub mod ssh_private_key_embedded;
pub mod ssh_private_key_encrypted;
pub mod ssh_private_key_encrypted_embedded;
pub mod uri_credentials;
pub mod uri_placeholder_credentials;
pub mod vcs_data;
pub mod webhook_key;

use crate::finding::{Findings, SecretValue};
use crate::subject::Subject;

/// Report every secret of the subject whose policy is `code`, and say how
/// many were set aside in OS packages' own files.
pub(crate) fn check(subject: &Subject, out: &mut Findings, code: portcullis_secrets::Code) {
    let skipped: Vec<_> = subject
        .secrets_skipped
        .iter()
        .filter(|s| s.secret.code == code)
        .collect();
    if let Some(first) = skipped.first() {
        out.note(
            format!(
                "{} possible secret{} of this kind in files that installed OS packages own (dpkg's file lists) {} not reported: shape-less matches there (secret-named assignments, URI passwords) are the packages' documentation and tests; `[secrets] package-files = \"report\"` in portcullis.toml reports them",
                skipped.len(),
                if skipped.len() == 1 { "" } else { "s" },
                if skipped.len() == 1 { "was" } else { "were" },
            ),
            first.at.location.clone(),
        );
    }
    for found in subject.secrets.iter().filter(|s| s.secret.code == code) {
        let s = &found.secret;
        let mut message = format!("{} `{}`", s.what, s.preview);
        if let Some(hidden) = &found.hidden {
            message.push_str(&format!(" ({hidden})"));
        }
        out.report_secret(
            message,
            found.at.clone(),
            found.related.clone(),
            SecretValue {
                kind: s.kind.clone(),
                preview: s.preview.clone(),
                fingerprint: s.fingerprint.clone(),
            },
        );
    }
}

/// Declares one secret policy: its `RULE`, reporting the subject's secrets
/// of its code.
macro_rules! secret_rule {
    (
        code: $code:ident, name: $name:literal, title: $title:literal,
        severity: $severity:ident, applies_to: [$($kind:ident),*],
        remediation: $remediation:literal,
        what: $what:expr, why: $why:literal, fix: $fix:literal,
        bad: $bad:literal, good: $good:literal $(,)?
    ) => {
        use crate::finding::{Category, Findings, Severity};
        use crate::registry::{Doc, Rule};
        use crate::subject::{Subject, SubjectKind};

        pub static RULE: Rule = Rule {
            code: stringify!($code),
            name: $name,
            title: $title,
            category: Category::SensitiveInformation,
            severity: Severity::$severity,
            remediation: $remediation,
            applies_to: &[$(SubjectKind::$kind),*],
            doc: Doc {
                what: $what,
                why: $why,
                fix: $fix,
                bad: $bad,
                good: $good,
            },
            check,
        };

        fn check(subject: &Subject, out: &mut Findings) {
            super::check(subject, out, portcullis_secrets::Code::$code);
        }
    };
}
pub(crate) use secret_rule;

/// Where a secret is looked for, for the rules' docs.
macro_rules! places {
    () => {
        " Looked for in every regular file of every layer of an image (a file a later layer deleted or replaced is still in its layer's blob: reported at that layer, saying which layer hid it), in the image config's `Env`, `Labels`, `Cmd` and `Entrypoint`, in every history entry's `created_by` (build arguments included), in an LXD image's root filesystem, and, where the policy applies to Dockerfiles, in a Dockerfile's instructions (`ARG`/`ENV` defaults, `RUN` lines and heredocs, `LABEL`s; a key there is embedded in the Dockerfile). Located at the layer, file, line and column; the config field; the history entry; the Dockerfile line and column. Reports show a masked preview and a fingerprint of the value, never the value."
    };
}
pub(crate) use places;
