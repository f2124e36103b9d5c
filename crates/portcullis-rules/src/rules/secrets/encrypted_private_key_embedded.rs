//! SQ34111: Encrypted private key embedded in a file.

super::secret_rule! {
    code: SQ34111,
    name: "encrypted-private-key-embedded",
    title: "Encrypted private key embedded in a file",
    severity: Medium,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("An encrypted private key inside another file (source, script, configuration, binary, Dockerfile heredoc).", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. The password can be attacked offline.",
    fix: "Take the key out of the file and provide it at run time.",
    bad: "FROM python:3.12\nCOPY <<EOF /app/settings.py\nJWT_SIGNING_KEY = \"\"\"\n{{key:pkcs8-encrypted}}\"\"\"\nEOF\n",
    good: "FROM python:3.12\nCOPY settings.py /app/\n# settings.py reads the key from a mounted secret\n",
}
