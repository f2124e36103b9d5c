//! SQ34252: Canary token.

super::secret_rule! {
    code: SQ34252,
    name: "canary-token",
    title: "Canary token",
    severity: Low,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Nothing to revoke: a canary is meant to be found. Check that it is where you planted it.",
    what: concat!("A token the organisation declared a canary: listed by fingerprint in the policy file's `[secrets] canaries`. Reported so that a canary is seen as one and not as a leak.", super::places!()),
    why: "Canary tokens are planted on purpose to detect who uses them; one found in an image is expected, but worth a look if it is not where it was planted.",
    fix: "No fix is needed; keep the canary listed in the policy file.",
    bad: "FROM debian:bookworm\nENV DEPLOY_TOKEN=(a token listed as a canary)\n",
    good: "FROM debian:bookworm\n",
}
