//! SQ34108: Unencrypted private key in the image.

super::secret_rule! {
    code: SQ34108,
    name: "private-key",
    title: "Unencrypted private key in the image",
    severity: High,
    applies_to: [Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("A file that is an unencrypted private key other than an SSH key: PEM `PRIVATE KEY` (PKCS#8), `RSA`, `EC` or `DSA PRIVATE KEY`, whose body decodes to a key's structure (a truncated example in a README is not a key).", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. A TLS or signing key needs nothing more to be used.",
    fix: "Remove the key from the image (from the layer that added it), rotate it, and mount keys at run time.",
    bad: "FROM nginx:1.27\nCOPY tls.key /etc/nginx/tls.key\n",
    good: "FROM nginx:1.27\n# tls.key is mounted at /etc/nginx/tls at run time\n",
}
