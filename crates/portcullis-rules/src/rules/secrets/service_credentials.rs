//! SQ34303: Web service access credentials.

super::secret_rule! {
    code: SQ34303,
    name: "service-credentials",
    title: "Web service access credentials",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Remove the value from the image and from the Dockerfile; pass it at run time (an orchestrator secret, an environment variable set at deploy time) or, while building, with BuildKit's `RUN --mount=type=secret`. Revoke the token: it is in every copy of the image.",
    what: concat!("An identifier and its secret together, and secrets assigned to names that say so: an AWS access key id and secret access key (two findings, each naming the other), a cloud service-account JSON with `private_key`, an Azure storage `AccountKey=`, a Twilio auth token, the `auths` of a Docker `config.json`, `.npmrc` `_auth`, `.pypirc`, `.netrc` and `.git-credentials` entries, `.aws/credentials`, a kube config's token or password, and `*_PASSWORD`, `*_SECRET`, `SECRET_KEY`, `*_TOKEN`, `password=` assignments whose value looks real (not a placeholder, a variable reference, a hash or a UUID).", super::places!()),
    why: "Anything in an image is readable by everyone who can pull it, and a build argument or `ENV` value stays in the config and history for good. A live credential there is a credential published.",
    fix: "Remove the credential files and values from the image (from the layer that added them) and provide them at run time; rotate them.",
    bad: "FROM debian:bookworm\nCOPY <<EOF /root/.netrc\nmachine git.example.com login ci password Tk3nW9qLx7Rb2mVs\nEOF\n",
    good: "FROM debian:bookworm\nRUN --mount=type=secret,id=netrc,target=/root/.netrc git clone https://git.example.com/org/app.git /src\n",
}
