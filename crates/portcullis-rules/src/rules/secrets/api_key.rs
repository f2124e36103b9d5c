//! SQ34305: Web service API key.

super::secret_rule! {
    code: SQ34305,
    name: "api-key",
    title: "Web service API key",
    severity: Medium,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Remove the value from the image and from the Dockerfile; pass it at run time (an orchestrator secret, an environment variable set at deploy time) or, while building, with BuildKit's `RUN --mount=type=secret`. Revoke the token: it is in every copy of the image.",
    what: concat!("An API key of a known service by its exact shape: Google (`AIza…`), Stripe secret and restricted keys, SendGrid, Mailgun, Mailchimp, Twilio API keys, Datadog and others.", super::places!()),
    why: "Anything in an image is readable by everyone who can pull it, and a build argument or `ENV` value stays in the config and history for good. A live credential there is a credential published. API keys are often billed per use and rarely scoped.",
    fix: "Remove the key from the image and provide it at run time; rotate it.",
    bad: "FROM python:3.12\nENV STRIPE_KEY={{fake:stripe-secret-key:1}}\n",
    good: "FROM python:3.12\n# STRIPE_KEY is set by the orchestrator from a secret\n",
}
