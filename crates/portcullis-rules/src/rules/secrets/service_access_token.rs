//! SQ34304: Web service access token.

super::secret_rule! {
    code: SQ34304,
    name: "service-access-token",
    title: "Web service access token",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Remove the value from the image and from the Dockerfile; pass it at run time (an orchestrator secret, an environment variable set at deploy time) or, while building, with BuildKit's `RUN --mount=type=secret`. Revoke the token: it is in every copy of the image.",
    what: concat!("An access token of a known service, recognised by its exact prefix, length, alphabet and, where the format has one, its checksum: GitHub (`ghp_`, `gho_`, `ghs_`, `github_pat_`…), GitLab, Slack, npm, PyPI, Docker Hub, HashiCorp Vault and Terraform Cloud, Hugging Face, OpenAI, Anthropic, DigitalOcean, Shopify, Atlassian and many more (`portcullis-secrets`' catalogue).", super::places!()),
    why: "Anything in an image is readable by everyone who can pull it, and a build argument or `ENV` value stays in the config and history for good. A live credential there is a credential published.",
    fix: "Remove the token from the image and the Dockerfile, provide it at run time, and revoke it.",
    bad: "FROM node:22\nARG NPM_TOKEN={{fake:npm-access-token:1}}\nRUN npm ci\n",
    good: "FROM node:22\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n",
}
