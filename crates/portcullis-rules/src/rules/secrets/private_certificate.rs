//! SQ34107: Private certificate (certificate with its key) in the image.

super::secret_rule! {
    code: SQ34107,
    name: "private-certificate",
    title: "Private certificate (certificate with its key) in the image",
    severity: High,
    applies_to: [Dockerfile, Image, Lxd],
    remediation: "Never bake a private key into an image: mount it at run time (a Kubernetes secret, `docker run --mount type=secret`, or BuildKit's `RUN --mount=type=secret` while building), and rotate the key now, because everyone who pulled the image has it.",
    what: concat!("A key store that holds a private key: a PKCS#12 file (`.p12`, `.pfx`), a Java keystore with a private-key entry, or a PEM file that pairs a certificate with its private key. Trust stores that hold only certificates (Java's `cacerts`) are not reported.", super::places!()),
    why: "Every layer of an image is readable by anyone who can pull it, and layers are copied to registries, caches and laptops. A private key in any layer is a private key published to all of them; deleting the file in a later layer does not take it out of the earlier layer. A certificate with its key lets anyone present themselves as the certificate's subject.",
    fix: "Keep the key store out of the image; mount it at run time (a Kubernetes TLS secret, a secrets manager). Revoke the certificate.",
    bad: "FROM nginx:1.27\nCOPY <<EOF /etc/nginx/tls/site.pem\n{{key:cert-and-key}}\nEOF\n",
    good: "FROM nginx:1.27\n# site.pem (the certificate and its key) is mounted at /etc/nginx/tls at run time\n",
}
