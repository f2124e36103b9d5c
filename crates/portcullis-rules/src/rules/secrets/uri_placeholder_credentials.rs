//! SQ34301: Credentials with a placeholder password in a URI.

super::secret_rule! {
    code: SQ34301,
    name: "uri-placeholder-credentials",
    title: "Credentials with a placeholder password in a URI",
    severity: Low,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Take the credentials out of the URI; give the password through a secret at run time (a mounted file, an environment variable set at deploy time).",
    what: concat!("A network URI with credentials (`scheme://user:password@host`) whose password is a placeholder: `password`, `changeme`, `xxx`, `${VAR}`, `$VAR`, `%s`, `<password>`, `{{ … }}` and the like.", super::places!()),
    why: "A placeholder is not a secret, but it shows a credential is expected in the URI, and a default like `changeme` is often left in production.",
    fix: "Build the URI at run time from a secret, or use a credential-free URI and authenticate separately.",
    bad: "FROM debian:bookworm\nENV DATABASE_URL=postgres://app:changeme@db:5432/app\n",
    good: "FROM debian:bookworm\nENV DATABASE_URL=postgres://db:5432/app\n",
}
