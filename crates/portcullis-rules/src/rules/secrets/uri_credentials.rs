//! SQ34302: Credentials in a URI.

super::secret_rule! {
    code: SQ34302,
    name: "uri-credentials",
    title: "Credentials in a URI",
    severity: Medium,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Take the credentials out of the URI; give the password through a secret at run time (a mounted file, an environment variable set at deploy time).",
    what: concat!("A network URI with a user and a real-looking password (`postgres://app:Xk29…@db/app`, `https://user:token@git.example.com/…`).", super::places!()),
    why: "Anything in an image is readable by everyone who can pull it, and a build argument or `ENV` value stays in the config and history for good. A live credential there is a credential published. URIs also end up in logs and error messages.",
    fix: "Remove the password from the URI and provide it at run time.",
    bad: "FROM debian:bookworm\nENV DATABASE_URL=postgres://app:Zq8vR2mT9xK4wL7p@db.internal:5432/app\n",
    good: "FROM debian:bookworm\nENV DATABASE_URL=postgres://db.internal:5432/app\n# the password comes from /run/secrets/db_password\n",
}
