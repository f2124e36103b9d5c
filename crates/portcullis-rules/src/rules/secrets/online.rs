//! SQ34253–SQ34256 and SQ34401–SQ34404: whether a found secret is live,
//! which only its service can say. portcullis works offline and never sends
//! a secret anywhere, so these are declared (`portcullis rules` lists them)
//! and reported as not applicable, with [`REASON`].

use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

/// Why these policies are not applicable, as reports say it.
pub const REASON: &str = "needs a live check of the found secret against the service that issued it; portcullis works offline and never sends a secret anywhere";

macro_rules! online_rule {
    ($static:ident, $code:literal, $name:literal, $title:literal, $what:literal) => {
        pub static $static: Rule = Rule {
            code: $code,
            name: $name,
            title: $title,
            category: Category::SensitiveInformation,
            severity: Severity::High,
            remediation: "Revoke the secret at its service and remove it from the image.",
            applies_to: &[],
            doc: Doc {
                what: concat!($what, " Not applicable in portcullis: it ", "needs a live check of the found secret against the service that issued it; portcullis works offline and never sends a secret anywhere. The offline policies (SQ34101–SQ34306) report the same secrets by their shape."),
                why: "A secret that its service still accepts is an open door; one already revoked is a clean-up task.",
                fix: "Revoke the secret at its service, then remove it from the image and provide credentials at run time.",
                bad: "FROM debian:bookworm\nENV GITHUB_TOKEN=(a live token)\n",
                good: "FROM debian:bookworm\n",
            },
            check,
        };
    };
}

online_rule!(
    LIVE_TOKEN,
    "SQ34253",
    "live-access-token",
    "Web service access token that is live",
    "A web service access token that its service confirms is valid."
);
online_rule!(
    LIVE_API_KEY,
    "SQ34254",
    "live-api-key",
    "Web service API key that is live",
    "An API key that its service confirms is valid."
);
online_rule!(
    LIVE_WEBHOOK,
    "SQ34255",
    "live-webhook-key",
    "Webhook key that is live",
    "A webhook URL or key that its service confirms still accepts messages."
);
online_rule!(
    LIVE_CREDENTIALS,
    "SQ34256",
    "live-credentials",
    "Web service credentials that are live",
    "An identifier and secret pair that its service confirms is valid."
);
online_rule!(
    VERIFIED_TOKEN,
    "SQ34401",
    "verified-access-token",
    "Access token verified with its service",
    "An access token verified with its service, with the permissions it grants."
);
online_rule!(
    VERIFIED_API_KEY,
    "SQ34402",
    "verified-api-key",
    "API key verified with its service",
    "An API key verified with its service, with what it can reach."
);
online_rule!(
    VERIFIED_WEBHOOK,
    "SQ34403",
    "verified-webhook-key",
    "Webhook key verified with its service",
    "A webhook verified with its service."
);
online_rule!(
    VERIFIED_CREDENTIALS,
    "SQ34404",
    "verified-credentials",
    "Credentials verified with their service",
    "An identifier and secret pair verified with its service, with the account it opens."
);

/// Every online policy.
pub static ALL: [&Rule; 8] = [
    &LIVE_TOKEN,
    &LIVE_API_KEY,
    &LIVE_WEBHOOK,
    &LIVE_CREDENTIALS,
    &VERIFIED_TOKEN,
    &VERIFIED_API_KEY,
    &VERIFIED_WEBHOOK,
    &VERIFIED_CREDENTIALS,
];

fn check(_: &Subject, _: &mut Findings) {}
