//! SQ34101: Publicly known private key in the image.

super::secret_rule! {
    code: SQ34101,
    name: "known-private-key",
    title: "Publicly known private key in the image",
    severity: Low,
    applies_to: [Image, Lxd],
    remediation: "Replace the key by one generated for this deployment at run time; a publicly known key protects nothing.",
    what: concat!("A private key whose fingerprint is in the built-in list of keys published as test or insecure keys (for example Vagrant's insecure key), so that anyone can impersonate whatever trusts it.", super::places!()),
    why: "A published key is not secret, so it is not a leak; but anything that trusts it trusts everyone. It is low severity because the image reveals nothing new, and reported because it is almost always a mistake in production.",
    fix: "Remove the key and generate one per deployment, at run time.",
    bad: "FROM debian:bookworm\nCOPY vagrant-insecure-key /root/.ssh/id_rsa\n",
    good: "FROM debian:bookworm\nRUN --mount=type=secret,id=deploy_key ./deploy.sh\n",
}
