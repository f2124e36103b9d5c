//! SQ34105: Passphrase-protected SSH private key embedded in a file.

super::secret_rule! {
    code: SQ34105,
    name: "ssh-private-key-encrypted-embedded",
    title: "Passphrase-protected SSH private key embedded in a file",
    severity: Medium,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("A passphrase-protected SSH private key inside another file (a script, source file, configuration file, binary, or a Dockerfile heredoc).", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. The passphrase can be attacked offline.",
    fix: "Take the key out of the file and provide it at run time.",
    bad: "FROM debian:bookworm\nRUN <<EOF\nmkdir -p /root/.ssh\ncat > /root/.ssh/id_ed25519 <<KEY\n{{key:ed25519-encrypted}}\nKEY\nEOF\n",
    good: "FROM debian:bookworm\nRUN --mount=type=ssh ./fetch-private-deps.sh\n",
}
