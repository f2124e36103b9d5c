//! SQ34109: Unencrypted private key embedded in a file.

super::secret_rule! {
    code: SQ34109,
    name: "private-key-embedded",
    title: "Unencrypted private key embedded in a file",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("An unencrypted non-SSH private key inside another file: source code, a script, a configuration file (a kube config's `client-key-data`), a binary or a Dockerfile heredoc.", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. A key in code travels with the code.",
    fix: "Take the key out of the file, load it at run time from a mounted secret, and rotate it.",
    bad: "FROM python:3.12\nCOPY <<EOF /app/settings.py\nJWT_SIGNING_KEY = \"\"\"\n{{key:pkcs8}}\"\"\"\nEOF\n",
    good: "FROM python:3.12\nCOPY settings.py /app/\n# settings.py reads the key from /run/secrets/jwt_signing_key\n",
}
