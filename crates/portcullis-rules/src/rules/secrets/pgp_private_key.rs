//! SQ34106: PGP private key in the image.

super::secret_rule! {
    code: SQ34106,
    name: "pgp-private-key",
    title: "PGP private key in the image",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("An OpenPGP private key: an armored `PGP PRIVATE KEY BLOCK` whose packets start with a secret-key packet, GnuPG's `private-keys-v1.d/*.key` files or a `secring.gpg`.", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. A signing key in an image lets anyone sign packages or commits as its owner.",
    fix: "Remove the key; sign in a separate, protected step (a CI secret, a signing service); revoke and replace the key.",
    bad: "FROM debian:bookworm\nRUN gpg --batch --import <<EOF\n{{key:pgp}}\nEOF\n",
    good: "FROM debian:bookworm\nCOPY signing-key.pub.asc /keys/\nRUN gpg --import /keys/signing-key.pub.asc\n",
}
