//! SQ34306: Webhook access key.

super::secret_rule! {
    code: SQ34306,
    name: "webhook-key",
    title: "Webhook access key",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Remove the value from the image and from the Dockerfile; pass it at run time (an orchestrator secret, an environment variable set at deploy time) or, while building, with BuildKit's `RUN --mount=type=secret`. Revoke the token: it is in every copy of the image.",
    what: concat!("An incoming-webhook URL that carries its own key: Slack (`hooks.slack.com/services/…`), Discord, Microsoft Teams / Office 365 and others.", super::places!()),
    why: "Anything in an image is readable by everyone who can pull it, and a build argument or `ENV` value stays in the config and history for good. A live credential there is a credential published. Anyone with the URL can post as the integration, which makes phishing messages look official.",
    fix: "Remove the URL from the image, provide it at run time, and regenerate the webhook.",
    bad: "FROM alpine:3.20\nENV SLACK_WEBHOOK={{fake:slack-webhook-url:1}}\n",
    good: "FROM alpine:3.20\n# SLACK_WEBHOOK comes from a secret at run time\n",
}
