//! SQ34110: Encrypted private key in the image.

super::secret_rule! {
    code: SQ34110,
    name: "encrypted-private-key",
    title: "Encrypted private key in the image",
    severity: Medium,
    applies_to: [Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("A file that is an encrypted private key: PEM `ENCRYPTED PRIVATE KEY` (PKCS#8) or a traditional key with `Proc-Type: 4,ENCRYPTED`.", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. Its password is usually nearby (an environment variable, a config file) and can be attacked offline.",
    fix: "Remove the key and its password from the image and provide both at run time.",
    bad: "FROM nginx:1.27\nCOPY tls.key.enc /etc/nginx/\n",
    good: "FROM nginx:1.27\n# the key is mounted at run time\n",
}
