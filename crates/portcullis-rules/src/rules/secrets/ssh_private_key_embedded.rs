//! SQ34103: Unencrypted SSH private key embedded in a file.

super::secret_rule! {
    code: SQ34103,
    name: "ssh-private-key-embedded",
    title: "Unencrypted SSH private key embedded in a file",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("An unencrypted SSH private key inside another file: a script, a source file, a configuration file, a binary or a Dockerfile (a `RUN` heredoc that writes it).", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. A key embedded in code is also copied wherever the code goes.",
    fix: "Take the key out of the file; read it at run time from a mounted secret. Rotate it.",
    bad: "FROM debian:bookworm\nRUN <<EOF\nmkdir -p /root/.ssh\ncat > /root/.ssh/id_ed25519 <<KEY\n{{key:ed25519}}\nKEY\nEOF\n",
    good: "FROM debian:bookworm\nRUN --mount=type=ssh git clone git@github.com:org/repo.git\n",
}
