//! What a VEX product or subcomponent identifier names (a package or an
//! image) and whether it names the package or image at hand.

use portcullis_packages::purl::{self, Purl};

use super::ImageIdentity;

/// One identifier of a product or subcomponent.
#[derive(Clone, Debug)]
pub(crate) enum Subject {
    /// A package purl (any type but `oci` and `docker`), normalised for
    /// matching ([`for_matching`]).
    Package(Purl),
    /// An image.
    Image(ImageSubject),
}

#[derive(Clone, Debug)]
pub(crate) enum ImageSubject {
    /// `pkg:oci/…`.
    Oci(Purl),
    /// `sha256:…` (a `@id`, a `hashes` entry, an in-toto subject digest).
    Digest(String),
    /// An image reference (`nginx`, `registry.k8s.io/kube-apiserver:v1.26.0`,
    /// `alpine@sha256:…`), or a `pkg:docker/…` purl read as one.
    Ref(ImageRef),
    /// Anything else (an IRI, a name that is not a reference): compared as
    /// written with the image's names, purl and digest.
    Opaque(String),
}

/// A parsed, normalised image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// `registry/path`, Docker Hub spelt `docker.io/library/x`.
    pub(crate) repository: String,
    pub(crate) tag: Option<String>,
    /// `sha256:…`, lower case.
    pub(crate) digest: Option<String>,
}

/// Classify one identifier string. `Err` for a `pkg:` string that is not
/// a purl (the message says why).
pub(crate) fn classify(id: &str) -> Result<Subject, String> {
    let id = id.trim();
    if is_purl(id) {
        let p = purl::parse_relaxed(id).map_err(|e| format!("{id:?} is not a valid purl: {e}"))?;
        return Ok(match p.ty.as_str() {
            "oci" => {
                if let Some(v) = p.version.as_deref().filter(|v| digest(v).is_none()) {
                    return Err(format!(
                        "{id:?}: the version of a pkg:oci purl is the image digest (sha256:…), not {v:?}"
                    ));
                }
                Subject::Image(ImageSubject::Oci(p))
            }
            "docker" => Subject::Image(
                docker_purl(&p)
                    .map_or_else(|| ImageSubject::Opaque(id.to_owned()), ImageSubject::Ref),
            ),
            _ => Subject::Package(for_matching(p)),
        });
    }
    if let Some(d) = digest(id) {
        return Ok(Subject::Image(ImageSubject::Digest(d)));
    }
    Ok(Subject::Image(match parse_reference(id) {
        Some(r) => ImageSubject::Ref(r),
        None => ImageSubject::Opaque(id.to_owned()),
    }))
}

/// Starts with `pkg:` (any case).
pub(crate) fn is_purl(s: &str) -> bool {
    s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("pkg:"))
}

/// A purl as compared: rpm epochs in one place (a version `1:3.0.7` and
/// `@3.0.7?epoch=1` are the same package; epoch 0 is no epoch, as rpm and
/// this crate's purls have it).
pub(crate) fn for_matching(mut p: Purl) -> Purl {
    if p.ty == "rpm" {
        if let Some(v) = p.version.clone() {
            if let Some((epoch, rest)) = v.split_once(':') {
                if !epoch.is_empty()
                    && epoch.bytes().all(|b| b.is_ascii_digit())
                    && !p.qualifiers.contains_key("epoch")
                {
                    p.qualifiers.insert("epoch".into(), epoch.to_owned());
                    p.version = Some(rest.to_owned());
                }
            }
        }
        if p.qualifiers
            .get("epoch")
            .is_some_and(|e| e.bytes().all(|b| b == b'0'))
        {
            p.qualifiers.remove("epoch");
        }
    }
    p
}

/// The installed package's purl with the defaults its type defines made
/// explicit, so that a statement giving them matches a purl leaving them
/// out: Maven's `type` is `jar` unless said otherwise (a statement's
/// `?type=jar` matches a jar purl without `type`, not a `type=pom` one).
pub(crate) fn with_defaults(mut p: Purl) -> Purl {
    if p.ty == "maven" && !p.qualifiers.contains_key("type") {
        p.qualifiers.insert("type".into(), "jar".into());
    }
    p
}

/// Does the statement's purl name this package? Type, namespace and name
/// equal (as normalised by the parser); the statement's version, when it
/// has one, equal to the package's (`check_version`: CycloneDX ranges
/// decide versions instead); every qualifier of the statement's present and
/// equal in the package's; the subpath equal when the statement has one.
pub(crate) fn package_matches(stmt: &Purl, pkg: &Purl, check_version: bool) -> bool {
    stmt.ty == pkg.ty
        && stmt.namespace == pkg.namespace
        && stmt.name == pkg.name
        && (!check_version || stmt.version.is_none() || stmt.version == pkg.version)
        && stmt
            .qualifiers
            .iter()
            .all(|(k, v)| pkg.qualifiers.get(k) == Some(v))
        && (stmt.subpath.is_none() || stmt.subpath == pkg.subpath)
}

/// `sha256:<hex>` / `sha512:<hex>` (any case), lower-cased.
pub(crate) fn digest(s: &str) -> Option<String> {
    let (alg, hex) = s.split_once(':')?;
    let alg = alg.to_ascii_lowercase();
    let len = match alg.as_str() {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return None,
    };
    (hex.len() == len && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{alg}:{}", hex.to_ascii_lowercase()))
}

/// An OpenVEX `hashes` / CycloneDX `hashes` / in-toto `digest` entry as a
/// digest (`sha-256`, `SHA-256`, `sha256` algorithm names).
pub(crate) fn hash_digest(alg: &str, hex: &str) -> Option<String> {
    let alg: String = alg
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    digest(&format!("{alg}:{hex}"))
}

/// Parse an image reference the way Docker and containerd normalise it:
/// `[registry/]path[:tag][@digest]`; the first component is a registry
/// when it holds a `.` or a `:` or is `localhost`, else the registry is
/// `docker.io`; on `docker.io` (also written `index.docker.io`,
/// `registry-1.docker.io`) a one-component path is under `library/`.
/// Repository paths are lower-case; anything else is not a reference.
pub(crate) fn parse_reference(s: &str) -> Option<ImageRef> {
    let (rest, digest_part) = match s.rsplit_once('@') {
        Some((r, d)) => (r, Some(digest(d)?)),
        None => (s, None),
    };
    let last_slash = rest.rfind('/');
    let (name, tag) = match rest.rfind(':') {
        Some(c) if last_slash.is_none_or(|sl| c > sl) => (&rest[..c], Some(&rest[c + 1..])),
        _ => (rest, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && !t.starts_with(['.', '-']);
        if !ok {
            return None;
        }
    }
    let repository = normalise_repository(name)?;
    Some(ImageRef {
        repository,
        tag: tag.map(str::to_owned),
        digest: digest_part,
    })
}

/// `[registry/]path` → `registry/path` with Docker Hub's defaults.
fn normalise_repository(name: &str) -> Option<String> {
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let first = parts[0];
    let has_registry = parts.len() > 1
        && (first.contains('.') || first.contains(':') || first.eq_ignore_ascii_case("localhost"));
    let registry = if has_registry {
        let host = first.to_ascii_lowercase();
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        {
            return None;
        }
        parts.remove(0);
        match host.as_str() {
            "index.docker.io" | "registry-1.docker.io" => "docker.io".to_owned(),
            _ => host,
        }
    } else {
        "docker.io".to_owned()
    };
    let path_ok = parts.iter().all(|p| {
        p.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        }) && p.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
    });
    if !path_ok || parts.is_empty() {
        return None;
    }
    let mut out = registry;
    if out == "docker.io" && parts.len() == 1 {
        out.push_str("/library");
    }
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    Some(out)
}

/// `pkg:docker/NAMESPACE/NAME@TAG-or-DIGEST?repository_url=REGISTRY`.
fn docker_purl(p: &Purl) -> Option<ImageRef> {
    let path = match &p.namespace {
        Some(ns) => format!("{ns}/{}", p.name),
        None => p.name.clone(),
    };
    let full = match p.qualifiers.get("repository_url") {
        Some(reg) => format!("{}/{path}", strip_url(reg)),
        None => path,
    };
    let mut r = parse_reference(&full.to_ascii_lowercase())?;
    if let Some(v) = p.version.as_deref() {
        match digest(v) {
            Some(d) => r.digest = Some(d),
            None => r.tag = Some(v.to_owned()),
        }
    }
    Some(r)
}

/// `https://gcr.io/x/` → `gcr.io/x`.
fn strip_url(u: &str) -> &str {
    let u = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u);
    u.trim_end_matches('/')
}

/// The scanned image, parsed once per decision.
pub(crate) struct ImageView<'a> {
    identity: &'a ImageIdentity,
    digests: Vec<String>,
    refs: Vec<ImageRef>,
    purl: Option<Purl>,
}

impl<'a> ImageView<'a> {
    pub(crate) fn new(identity: &'a ImageIdentity) -> Self {
        let mut digests: Vec<String> = Vec::new();
        let mut refs = Vec::new();
        // `sha256:<hex>`, or the bare hex of a SHA-256.
        if let Some(d) = identity.digest.as_deref().map(str::trim).and_then(|d| {
            digest(d).or_else(|| {
                (d.len() == 64)
                    .then(|| digest(&format!("sha256:{d}")))
                    .flatten()
            })
        }) {
            digests.push(d);
        }
        let purl = identity
            .purl
            .as_deref()
            .and_then(|p| purl::parse_relaxed(p).ok());
        if let Some(d) = purl
            .as_ref()
            .and_then(|p| p.version.as_deref())
            .and_then(digest)
        {
            digests.push(d);
        }
        for name in &identity.names {
            if let Some(r) = parse_reference(name.trim()) {
                if let Some(d) = &r.digest {
                    digests.push(d.clone());
                }
                refs.push(r);
            }
        }
        ImageView {
            identity,
            digests,
            refs,
            purl,
        }
    }

    /// The tags the image is known by.
    pub(crate) fn tags(&self) -> impl Iterator<Item = &str> {
        self.refs.iter().filter_map(|r| r.tag.as_deref())
    }

    pub(crate) fn matches(&self, s: &ImageSubject) -> bool {
        match s {
            ImageSubject::Digest(d) => self.digests.contains(d),
            ImageSubject::Ref(r) => self.ref_matches(r),
            ImageSubject::Oci(p) => self.oci_matches(p),
            ImageSubject::Opaque(s) => {
                self.identity.names.iter().any(|n| n == s)
                    || self.identity.purl.as_deref() == Some(s.as_str())
                    || self.identity.digest.as_deref() == Some(s.as_str())
            }
        }
    }

    /// A reference with a digest names that image content; without one, the
    /// repository (and the tag when it has one) must be one the image is
    /// known by: `nginx` names every tag of `docker.io/library/nginx`.
    fn ref_matches(&self, r: &ImageRef) -> bool {
        if let Some(d) = &r.digest {
            return self.digests.contains(d);
        }
        self.refs.iter().any(|x| {
            x.repository == r.repository && r.tag.as_ref().is_none_or(|t| x.tag.as_ref() == Some(t))
        })
    }

    /// `pkg:oci/NAME@DIGEST`: the digest alone decides (the same content
    /// under another name is the same image). Without a version: NAME is
    /// the last component of a repository the image is known by, the
    /// `repository_url` qualifier is that repository (or the registry and
    /// path it is under) and `tag` its tag; every other qualifier (`arch`,
    /// `os`…) must be present and equal in the image's own purl. Or the
    /// image's purl itself carries everything the statement's does.
    fn oci_matches(&self, p: &Purl) -> bool {
        if let Some(v) = &p.version {
            return digest(v).is_some_and(|d| self.digests.contains(&d));
        }
        if let Some(ip) = &self.purl {
            if ip.ty == "oci" && package_matches(p, ip, true) {
                return true;
            }
        }
        let repo_url = p.qualifiers.get("repository_url").map(|u| strip_url(u));
        let tag = p.qualifiers.get("tag");
        let others_ok = p
            .qualifiers
            .iter()
            .filter(|(k, _)| *k != "repository_url" && *k != "tag")
            .all(|(k, v)| {
                self.purl
                    .as_ref()
                    .is_some_and(|ip| ip.qualifiers.get(k) == Some(v))
            });
        others_ok
            && self.refs.iter().any(|r| {
                let last = r.repository.rsplit('/').next().unwrap_or_default();
                last == p.name
                    && tag.is_none_or(|t| r.tag.as_ref() == Some(t))
                    && repo_url.is_none_or(|u| {
                        let u = u.to_ascii_lowercase();
                        normalise_repository(&u).as_deref() == Some(r.repository.as_str())
                            || normalise_repository(&format!("{u}/{}", p.name)).as_deref()
                                == Some(r.repository.as_str())
                    })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Option<(String, Option<String>, Option<String>)> {
        parse_reference(s).map(|r| (r.repository, r.tag, r.digest))
    }

    #[test]
    fn references() {
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            r("nginx"),
            Some(("docker.io/library/nginx".into(), None, None))
        );
        assert_eq!(
            r("nginx:1.25"),
            Some(("docker.io/library/nginx".into(), Some("1.25".into()), None))
        );
        assert_eq!(r("docker.io/library/nginx:1.25"), r("nginx:1.25"),);
        assert_eq!(r("index.docker.io/library/nginx:1.25"), r("nginx:1.25"));
        assert_eq!(
            r("bitnami/redis"),
            Some(("docker.io/bitnami/redis".into(), None, None))
        );
        assert_eq!(
            r("registry.k8s.io/kube-apiserver:v1.26.0"),
            Some((
                "registry.k8s.io/kube-apiserver".into(),
                Some("v1.26.0".into()),
                None
            ))
        );
        assert_eq!(
            r("localhost:5000/app:1"),
            Some(("localhost:5000/app".into(), Some("1".into()), None))
        );
        assert_eq!(
            r(&format!(
                "alpine@{}",
                d.to_uppercase().replace("SHA256", "sha256")
            )),
            Some(("docker.io/library/alpine".into(), None, Some(d.clone())))
        );
        for bad in [
            "",
            "Nginx",
            "nginx:",
            "nginx:-x",
            "https://example.com/x",
            "a b",
            "x@sha256:12",
            "//x",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }

    #[test]
    fn classification() {
        assert!(matches!(
            classify("pkg:deb/debian/openssl"),
            Ok(Subject::Package(_))
        ));
        assert!(matches!(
            classify("pkg:oci/alpine"),
            Ok(Subject::Image(ImageSubject::Oci(_)))
        ));
        assert!(matches!(
            classify("PKG:docker/library/nginx@1.25"),
            Ok(Subject::Image(ImageSubject::Ref(ImageRef { ref repository, ref tag, .. })))
                if repository == "docker.io/library/nginx" && tag.as_deref() == Some("1.25")
        ));
        assert!(matches!(
            classify(&format!("sha256:{}", "F".repeat(64))),
            Ok(Subject::Image(ImageSubject::Digest(d))) if d == format!("sha256:{}", "f".repeat(64))
        ));
        assert!(matches!(
            classify("https://example.com/product/1"),
            Ok(Subject::Image(ImageSubject::Opaque(_)))
        ));
        assert_eq!(
            classify("pkg:npm/x@%zz").err().as_deref(),
            Some("\"pkg:npm/x@%zz\" is not a valid purl: a % not followed by two hex digits")
        );
    }

    #[test]
    fn rpm_epochs() {
        let a = for_matching(
            purl::parse_relaxed("pkg:rpm/rhel/openssl-libs@1:3.0.7-27.el9").expect("purl"),
        );
        let b = for_matching(
            purl::parse_relaxed("pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?epoch=1&arch=x86_64")
                .expect("purl"),
        );
        assert!(package_matches(&a, &b, true));
        let c = for_matching(purl::parse_relaxed("pkg:rpm/rhel/bash@5.1?epoch=0").expect("purl"));
        let d = for_matching(purl::parse_relaxed("pkg:rpm/rhel/bash@5.1").expect("purl"));
        assert!(package_matches(&c, &d, true));
        assert!(package_matches(&d, &c, true));
    }
}
