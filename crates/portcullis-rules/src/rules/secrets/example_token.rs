//! SQ34251: Publicly documented example token.

super::secret_rule! {
    code: SQ34251,
    name: "example-token",
    title: "Publicly documented example token",
    severity: Low,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Replace the documentation value with a real credential provided at run time, or remove it.",
    what: concat!("A value that has the exact shape of a token or key but is a publicly documented example (AWS's documentation key pair, whose id ends in `EXAMPLE`; a vendor's documented test key). It grants nothing, so it is low, not a leak.", super::places!()),
    why: "An example value is harmless in itself, but it shows where a real credential is expected to be baked in, and tools that only check shapes report it as critical: knowing it is an example keeps the report honest.",
    fix: "Remove it, or supply the real value at run time rather than in the image.",
    bad: "FROM debian:bookworm\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
    good: "FROM debian:bookworm\n# AWS credentials come from the task role at run time\n",
}
