//! Image references judged for where they come from and how they are
//! pinned (PC43101–PC43103), in one place for every subject that names
//! images: Dockerfiles (`FROM`, `COPY --from`, `RUN --mount=from=`), an
//! image's declared base, Kubernetes and Compose `image:` fields.
//!
//! References are normalised as Docker does
//! ([`portcullis_image::Reference::parse_name`]): `nginx` is
//! `docker.io/library/nginx:latest`. The trusted list holds globs over the
//! normalised `registry/repository` (no tag, no digest): `*` matches within
//! one path component, `**` (a component of its own) any number of them,
//! none too (`ghcr.io/acme/**` matches `ghcr.io/acme`). Patterns are
//! normalised by the same rule, so a bare `nginx` in the list means
//! `docker.io/library/nginx`, `acme/*` means `docker.io/acme/*`; a pattern
//! whose first component is `**` matches every registry.

use portcullis_image::Reference;

/// One entry of the trusted list, normalised and split into components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedPattern {
    /// As the policy file wrote it.
    pub written: String,
    /// Normalised (`docker.io/library/nginx`), as shown in messages.
    pub normalised: String,
    components: Vec<String>,
}

impl TrustedPattern {
    /// Parse one pattern; the error says what is wrong with it.
    pub fn parse(written: &str) -> Result<TrustedPattern, String> {
        let text = written.trim();
        if text.is_empty() {
            return Err("an empty pattern: name a registry and repository, such as `docker.io/library/*` or `ghcr.io/acme/**`".into());
        }
        if text.contains('@')
            || text
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(':'))
        {
            return Err(format!(
                "`{text}` names a tag or digest: a trusted pattern names a registry and repository only (`{}`)",
                strip_tag(text)
            ));
        }
        if let Some(c) = text
            .chars()
            .find(|c| matches!(c, '[' | ']' | '{' | '}' | '!' | '\\'))
        {
            return Err(format!(
                "bad glob `{text}`: `{c}` is not supported; `*` matches within one path component and `**` any number of components"
            ));
        }
        let mut parts: Vec<String> = text.split('/').map(str::to_owned).collect();
        if parts.iter().any(String::is_empty) {
            return Err(format!("bad glob `{text}`: an empty path component"));
        }
        if let Some(bad) = parts
            .iter()
            .find(|p| p.contains("**") && p.as_str() != "**")
        {
            return Err(format!(
                "bad glob `{text}`: `**` must be a whole path component (`ghcr.io/acme/**`), not part of `{bad}`"
            ));
        }
        // Docker's rule: the first component is a registry host when it has
        // a `.` or `:` or is `localhost`; else the name is on Docker Hub, and
        // a one-component name is an official image (`library/`).
        let first = parts[0].to_ascii_lowercase();
        let is_host = first.contains(['.', ':']) || first == "localhost";
        if first == "**" {
            // Any registry.
        } else if is_host {
            parts[0] = match first.as_str() {
                "index.docker.io" | "registry-1.docker.io" => "docker.io".into(),
                _ => first,
            };
        } else {
            if parts.len() == 1 {
                parts.insert(0, "library".into());
            }
            parts.insert(0, "docker.io".into());
        }
        if parts.len() < 2 && parts[0] != "**" {
            return Err(format!(
                "`{text}` names a registry without a repository: write `{text}/**` to trust all of it"
            ));
        }
        for (i, p) in parts.iter().enumerate() {
            let allowed = |c: char| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, '.' | '_' | '-' | '*' | '?')
                    || (i == 0 && (c == ':' || c.is_ascii_uppercase()))
            };
            if let Some(c) = p.chars().find(|&c| !allowed(c)) {
                let why = if c.is_ascii_uppercase() {
                    "repository names are lowercase".to_owned()
                } else {
                    format!("`{c}` cannot appear in an image name")
                };
                return Err(format!("bad glob `{text}`: {why}"));
            }
        }
        Ok(TrustedPattern {
            written: text.to_owned(),
            normalised: parts.join("/"),
            components: parts,
        })
    }

    /// Whether `name` (normalised `registry/repository`) matches.
    pub fn matches(&self, name: &str) -> bool {
        let parts: Vec<&str> = name.split('/').collect();
        match_components(&self.components, &parts)
    }
}

fn strip_tag(text: &str) -> String {
    let name = text.split('@').next().unwrap_or(text);
    match name.rfind('/') {
        Some(slash) => match name[slash..].find(':') {
            Some(colon) => name[..slash + colon].to_owned(),
            None => name.to_owned(),
        },
        None => name.split(':').next().unwrap_or(name).to_owned(),
    }
}

/// `**` matches any number of components (none too); other patterns match
/// one. A table over (pattern, name) positions: linear in their product
/// whatever the number of `**`.
fn match_components(pattern: &[String], name: &[&str]) -> bool {
    // reach[j]: the first `i` pattern components can match the first `j` name components.
    let mut reach = vec![false; name.len() + 1];
    reach[0] = true;
    for p in pattern {
        let mut next = vec![false; name.len() + 1];
        if p == "**" {
            let mut any = false;
            for j in 0..=name.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 1..=name.len() {
                next[j] = reach[j - 1] && match_one(p.as_bytes(), name[j - 1].as_bytes());
            }
        }
        reach = next;
    }
    reach[name.len()]
}

/// A glob over one component: `*` any run, `?` one character.
fn match_one(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative, with one backtrack point: linear enough for names.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p].eq_ignore_ascii_case(&text[t])) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// The policy file's `[images] trusted` list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedList {
    pub patterns: Vec<TrustedPattern>,
}

impl TrustedList {
    /// The first pattern that matches the normalised `registry/repository`.
    pub fn matching(&self, name: &str) -> Option<&TrustedPattern> {
        self.patterns.iter().find(|p| p.matches(name))
    }

    /// Add a pattern unless the same normalised one is there already.
    pub fn push(&mut self, pattern: TrustedPattern) {
        if !self
            .patterns
            .iter()
            .any(|p| p.normalised == pattern.normalised)
        {
            self.patterns.push(pattern);
        }
    }
}

/// What [`assess_reference`] says about one reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceVerdict {
    /// `registry/repository`, normalised: `docker.io/library/nginx`.
    pub normalised: String,
    /// The tag as written (`None`: no tag).
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// Not matched by the trusted list (always `false` without a list).
    pub untrusted: bool,
    /// No `@sha256:` digest.
    pub unpinned: bool,
    /// Tagged `latest`, or not tagged at all, and not pinned by digest
    /// (a digest decides what is pulled: the tag beside it is only shown).
    pub latest_or_untagged: bool,
}

/// Judge one image reference. `Err` says why it is not a valid reference.
pub fn assess_reference(
    text: &str,
    trusted: Option<&TrustedList>,
) -> Result<ReferenceVerdict, String> {
    let parsed = Reference::parse_name(text.trim())?;
    // `Reference` fills in `latest` when no tag is written; whether it was
    // written is what PC43103 tells apart.
    let written_tag = parsed.tag.clone().filter(|_| {
        let name = text.trim().split('@').next().unwrap_or("");
        let last = name.rsplit('/').next().unwrap_or(name);
        last.contains(':')
    });
    let normalised = format!("{}/{}", parsed.registry, parsed.repository);
    let untrusted = trusted.is_some_and(|list| list.matching(&normalised).is_none());
    let unpinned = parsed.digest.is_none();
    let latest_or_untagged = unpinned && written_tag.as_deref().is_none_or(|t| t == "latest");
    Ok(ReferenceVerdict {
        normalised,
        tag: written_tag,
        digest: parsed.digest,
        untrusted,
        unpinned,
        latest_or_untagged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(patterns: &[&str]) -> TrustedList {
        TrustedList {
            patterns: patterns
                .iter()
                .map(|p| TrustedPattern::parse(p).expect("pattern"))
                .collect(),
        }
    }

    #[test]
    fn patterns_are_normalised_as_references_are() {
        let n = |p: &str| TrustedPattern::parse(p).map(|p| p.normalised);
        assert_eq!(n("nginx").as_deref(), Ok("docker.io/library/nginx"));
        assert_eq!(n("*").as_deref(), Ok("docker.io/library/*"));
        assert_eq!(n("acme/*").as_deref(), Ok("docker.io/acme/*"));
        assert_eq!(
            n("index.docker.io/library/*").as_deref(),
            Ok("docker.io/library/*")
        );
        assert_eq!(n("GHCR.io/acme/**").as_deref(), Ok("ghcr.io/acme/**"));
        assert_eq!(n("localhost:5000/**").as_deref(), Ok("localhost:5000/**"));
        assert_eq!(n("**").as_deref(), Ok("**"));
        assert_eq!(
            n("nginx:1.27"),
            Err("`nginx:1.27` names a tag or digest: a trusted pattern names a registry and repository only (`nginx`)".into())
        );
        assert_eq!(
            n("ghcr.io/acme/a**"),
            Err("bad glob `ghcr.io/acme/a**`: `**` must be a whole path component (`ghcr.io/acme/**`), not part of `a**`".into())
        );
        assert_eq!(
            n("ghcr.io/[ab]/x"),
            Err("bad glob `ghcr.io/[ab]/x`: `[` is not supported; `*` matches within one path component and `**` any number of components".into())
        );
        assert_eq!(
            n("ghcr.io//x"),
            Err("bad glob `ghcr.io//x`: an empty path component".into())
        );
        assert_eq!(
            n("ghcr.io/Acme/x"),
            Err("bad glob `ghcr.io/Acme/x`: repository names are lowercase".into())
        );
        assert_eq!(
            n("ghcr.io"),
            Err("`ghcr.io` names a registry without a repository: write `ghcr.io/**` to trust all of it".into())
        );
    }

    #[test]
    fn globs_match_by_component() {
        let l = list(&[
            "docker.io/library/*",
            "ghcr.io/acme/**",
            "registry.acme.internal/**",
            "quay.io/team-*/app",
        ]);
        let untrusted = |r: &str| assess_reference(r, Some(&l)).expect("reference").untrusted;
        assert!(!untrusted("nginx"));
        assert!(!untrusted("docker.io/library/nginx:1.27"));
        assert!(untrusted("bitnami/nginx"));
        assert!(!untrusted("ghcr.io/acme/a/b/c:1"));
        // `**` matches no component too: the namespace itself.
        assert!(!untrusted("ghcr.io/acme"));
        assert!(untrusted("ghcr.io/acmex/a"));
        assert!(!untrusted("registry.acme.internal/x@sha256:0123456789012345678901234567890123456789012345678901234567890123"));
        assert!(!untrusted("quay.io/team-a/app"));
        assert!(untrusted("quay.io/team-a/other"));
        assert!(untrusted("localhost:5000/a"));
        assert!(
            !assess_reference("localhost:5000/a", None)
                .expect("ref")
                .untrusted
        );
        let everything = list(&["**"]);
        assert!(
            !assess_reference("localhost:5000/a/b", Some(&everything))
                .expect("ref")
                .untrusted
        );
    }

    #[test]
    fn many_double_stars_stay_cheap() {
        let pattern =
            TrustedPattern::parse(&format!("ghcr.io/{}x", "**/a/".repeat(40))).expect("pattern");
        let name = format!("ghcr.io/{}b", "a/".repeat(60));
        assert!(!pattern.matches(&name));
        assert!(pattern.matches(&format!("ghcr.io/{}x", "a/".repeat(45))));
    }

    #[test]
    fn pinning_and_tags() {
        let digest = "sha256:0123456789012345678901234567890123456789012345678901234567890123";
        let v = |r: &str| {
            let v = assess_reference(r, None).expect("reference");
            (v.unpinned, v.latest_or_untagged)
        };
        assert_eq!(v("nginx"), (true, true));
        assert_eq!(v("nginx:latest"), (true, true));
        assert_eq!(v("nginx:1.27"), (true, false));
        assert_eq!(v(&format!("nginx@{digest}")), (false, false));
        assert_eq!(v(&format!("nginx:1.27@{digest}")), (false, false));
        assert_eq!(v(&format!("nginx:latest@{digest}")), (false, false));
        assert_eq!(v("localhost:5000/a"), (true, true));
        assert_eq!(v("localhost:5000/a:v1"), (true, false));
        let n = assess_reference("nginx", None).expect("reference");
        assert_eq!(n.normalised, "docker.io/library/nginx");
        assert_eq!(n.tag, None);
        assert_eq!(
            assess_reference("nginx:", None),
            Err("\"\" is not a valid tag".into())
        );
    }
}
