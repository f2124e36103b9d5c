//! SQ34104: Passphrase-protected SSH private key in the image.

super::secret_rule! {
    code: SQ34104,
    name: "ssh-private-key-encrypted",
    title: "Passphrase-protected SSH private key in the image",
    severity: Medium,
    applies_to: [Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("A file that is a passphrase-protected SSH private key (OpenSSH format with a cipher, or an encrypted PEM key at an SSH key path).", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. The passphrase slows an attacker down but can be guessed offline, as often as they like.",
    fix: "Remove the key from the image and provide it at run time; rotate it if the passphrase may be weak.",
    bad: "FROM debian:bookworm\nCOPY deploy_key /root/.ssh/id_ed25519\n",
    good: "FROM debian:bookworm\nRUN --mount=type=ssh ./fetch-private-deps.sh\n",
}
