//! SQ34102: Unencrypted SSH private key in the image.

super::secret_rule! {
    code: SQ34102,
    name: "ssh-private-key",
    title: "Unencrypted SSH private key in the image",
    severity: High,
    applies_to: [Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("A file that is an unencrypted SSH private key: OpenSSH's `openssh-key-v1` format with cipher `none`, or a PEM private key at an SSH key path (`~/.ssh/id_*`, `/etc/ssh/ssh_host_*_key`). Host keys baked into an image are shared by every container started from it.", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. An unencrypted key needs nothing more to be used.",
    fix: "Remove the key from the image (from the layer that added it: a later `rm` does not help), rotate it, and provide keys at run time. For SSH host keys, generate them when the container starts.",
    bad: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssh-server\n# the package generates /etc/ssh/ssh_host_*_key at build time\n",
    good: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssh-server && rm -f /etc/ssh/ssh_host_*_key*\n# keys are generated at start: ssh-keygen -A\n",
}
