//! Image references as Docker reads them: `HOST[:PORT]/REPO[:TAG|@DIGEST]`,
//! with short names normalised (`nginx` → `docker.io/library/nginx:latest`).

use crate::error::{Error, Result};

/// A parsed, normalised registry reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `docker.io`, `registry.example.com`, `127.0.0.1:5000`.
    pub registry: String,
    /// `library/nginx`, `team/app`.
    pub repository: String,
    /// `latest` when neither a tag nor a digest was given.
    pub tag: Option<String>,
    /// `sha256:…`; when given, it is what is pulled (the tag is only shown).
    pub digest: Option<String>,
}

fn valid_digest(d: &str) -> bool {
    d.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

fn valid_tag(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && !t.starts_with(['.', '-'])
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Lowercase alphanumerics separated by `.`, `_`, `__`, `-`, in `/`-separated components.
fn valid_repository(r: &str) -> bool {
    r.split('/').all(|c| {
        !c.is_empty()
            && c.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && c.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
            && c.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
    })
}

fn valid_host(h: &str) -> bool {
    let (host, port) = match h.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || h.starts_with('[') => (host, Some(port)),
        _ => (h, None),
    };
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'))
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

impl Reference {
    /// Parse what follows `docker://`.
    pub fn parse(text: &str) -> Result<Reference> {
        Reference::parse_name(text)
            .map_err(|why| Error::new(format!("docker://{text}: invalid image reference: {why}")))
    }

    /// Parse an image reference as a Dockerfile `FROM` or a manifest's
    /// `image:` writes it; the error says only what is wrong, for callers
    /// that name the place themselves.
    pub fn parse_name(text: &str) -> std::result::Result<Reference, String> {
        let bad = |why: &str| why.to_owned();
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => {
                if !valid_digest(digest) {
                    return Err(bad(
                        "the digest must be sha256: and 64 lowercase hex digits",
                    ));
                }
                (name, Some(digest.to_owned()))
            }
            None => (text, None),
        };
        // The tag is after the last ':' that follows the last '/'.
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => {
                let i = last_slash + i;
                (&name[..i], Some(name[i + 1..].to_owned()))
            }
            None => (name, None),
        };
        if let Some(t) = &tag {
            if !valid_tag(t) {
                return Err(bad(&format!("{t:?} is not a valid tag")));
            }
        }
        // The first component is a registry host when it looks like one.
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':']) || first == "localhost" || first.starts_with('[') =>
            {
                (first.to_owned(), rest.to_owned())
            }
            _ => ("docker.io".to_owned(), name.to_owned()),
        };
        let registry = match registry.as_str() {
            "index.docker.io" | "registry-1.docker.io" => "docker.io".to_owned(),
            _ => registry,
        };
        if !valid_host(&registry) {
            return Err(bad(&format!("{registry:?} is not a valid registry host")));
        }
        let repository = if registry == "docker.io" && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        if repository.is_empty() {
            return Err(bad("no repository name"));
        }
        if !valid_repository(&repository) {
            return Err(bad(&format!(
                "{repository:?} is not a valid repository name (lowercase letters, digits and . _ - separators)"
            )));
        }
        let tag = match (&tag, &digest) {
            (None, None) => Some("latest".to_owned()),
            _ => tag,
        };
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The host and port API requests go to.
    pub fn api_host(&self) -> &str {
        match self.registry.as_str() {
            "docker.io" => "registry-1.docker.io",
            other => other,
        }
    }

    /// The host without a port, for loopback checks.
    pub fn host_only(&self) -> &str {
        let h = self.registry.as_str();
        if let Some(rest) = h.strip_prefix('[') {
            return rest.split(']').next().unwrap_or(rest);
        }
        h.split(':').next().unwrap_or(h)
    }

    /// What the manifest request names: the digest if given, else the tag.
    pub fn manifest_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "docker://{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        match Reference::parse(s) {
            Ok(r) => r.to_string(),
            Err(e) => e.message,
        }
    }

    #[test]
    fn normalises_like_docker() {
        assert_eq!(show("nginx"), "docker://docker.io/library/nginx:latest");
        assert_eq!(show("nginx:1.25"), "docker://docker.io/library/nginx:1.25");
        assert_eq!(show("team/app"), "docker://docker.io/team/app:latest");
        assert_eq!(
            show("index.docker.io/nginx"),
            "docker://docker.io/library/nginx:latest"
        );
        assert_eq!(show("localhost/app"), "docker://localhost/app:latest");
        assert_eq!(
            show("127.0.0.1:5000/a/b:1"),
            "docker://127.0.0.1:5000/a/b:1"
        );
        assert_eq!(
            show("registry.example.com/team/app:1.4"),
            "docker://registry.example.com/team/app:1.4"
        );
        let d = "sha256:".to_owned() + &"ab".repeat(32);
        assert_eq!(
            show(&format!("ghcr.io/o/r@{d}")),
            format!("docker://ghcr.io/o/r@{d}")
        );
        assert_eq!(
            show(&format!("o/r:v1@{d}")),
            format!("docker://docker.io/o/r:v1@{d}")
        );
        let r = Reference::parse("127.0.0.1:5000/app").expect("ok");
        assert_eq!(
            (r.host_only(), r.api_host()),
            ("127.0.0.1", "127.0.0.1:5000")
        );
        assert_eq!(
            Reference::parse("nginx").expect("ok").api_host(),
            "registry-1.docker.io"
        );
    }

    #[test]
    fn refuses_bad_references() {
        assert_eq!(
            show("Nginx"),
            "docker://Nginx: invalid image reference: \"library/Nginx\" is not a valid repository name (lowercase letters, digits and . _ - separators)"
        );
        assert_eq!(
            show("nginx@sha256:12"),
            "docker://nginx@sha256:12: invalid image reference: the digest must be sha256: and 64 lowercase hex digits"
        );
        assert_eq!(
            show("nginx:"),
            "docker://nginx:: invalid image reference: \"\" is not a valid tag"
        );
        assert_eq!(show(""), "docker://: invalid image reference: \"library/\" is not a valid repository name (lowercase letters, digits and . _ - separators)");
    }
}
