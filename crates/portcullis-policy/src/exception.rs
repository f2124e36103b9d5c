//! `[[exception]]` entries, resolved: which findings each one covers.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use portcullis_rules::Location;

use crate::date::Date;
use crate::ReportedFinding;

/// An accepted exception from the policy file.
#[derive(Clone, Debug)]
pub struct Exception {
    /// The rule codes it covers (globs resolved against the known rules).
    pub rules: Vec<&'static str>,
    pub images: Option<GlobSet>,
    /// Whether an `images` pattern may name a digest (`sha256:…`, or a run
    /// of 12 or more hex digits, as LXD's short fingerprints): the scan must
    /// then compute digests it could otherwise skip (an LXD fingerprint),
    /// or the pattern could never match.
    pub images_name_digest: bool,
    pub dockerfiles: Option<GlobSet>,
    /// Kubernetes manifests and Compose files, as `dockerfiles` globs them.
    pub manifests: Option<GlobSet>,
    pub paths: Option<GlobSet>,
    /// Secret value fingerprints (`sha256:…`).
    pub secrets: Option<Vec<String>>,
    /// Vulnerability ids (a finding's id or any of its aliases).
    pub vulnerabilities: Option<Vec<String>>,
    /// Port numbers, each with a protocol or `None` for any.
    pub ports: Option<Vec<(u16, Option<String>)>>,
    pub reason: String,
    /// The last day it applies.
    pub expires: Option<Date>,
    pub ticket: Option<String>,
    /// The directory of the policy file it is in: `dockerfiles` globs are
    /// relative to it (`None`: to the current directory).
    pub root: Option<std::path::PathBuf>,
    /// Where it is in the policy file (a `Location::Policy`).
    pub at: Location,
    /// Its text in the file: the fingerprint of its own findings.
    pub text: String,
}

/// What identifies the target a finding was found in.
pub struct TargetRef<'a> {
    pub target: &'a str,
    pub kind: &'a str,
    pub digest: Option<&'a str>,
    /// The file or directory it was read from.
    pub path: Option<&'a str>,
    /// An image's references (RepoTags, OCI ref names, registry references).
    pub references: &'a [String],
}

impl Exception {
    /// Whether it still applies on `today` (it does on its expiry date).
    pub fn active(&self, today: Date) -> bool {
        self.expires.is_none_or(|last| today <= last)
    }

    /// Whether the exception's rules and scope cover the finding (expiry aside).
    pub fn covers(&self, target: &TargetRef, f: &ReportedFinding) -> bool {
        if !self.rules.iter().any(|r| *r == f.rule) {
            return false;
        }
        let places = || std::iter::once(&f.location).chain(&f.related);
        if let Some(images) = &self.images {
            let is_image = !matches!(
                target.kind,
                "dockerfile" | "policy" | "kubernetes" | "compose"
            );
            // The name shown, the source as `KIND:PATH` (a single-image
            // archive is shown as its bare path), each reference, the digest.
            let typed = target.path.map(|p| format!("{}:{p}", target.kind));
            let matched = std::iter::once(target.target)
                .chain(target.path)
                .chain(typed.as_deref())
                .chain(target.references.iter().map(String::as_str))
                .chain(target.digest)
                .any(|name| images.is_match(name));
            if !is_image || !matched {
                return false;
            }
        }
        if let Some(dockerfiles) = &self.dockerfiles {
            let own = (target.kind == "dockerfile").then_some(target.target);
            let related = places().filter_map(|l| match l {
                Location::Dockerfile { path, .. } => Some(path.as_str()),
                _ => None,
            });
            if !own
                .into_iter()
                .chain(related)
                .any(|p| dockerfiles.is_match(self.dockerfile_name(p)))
            {
                return false;
            }
        }
        if let Some(manifests) = &self.manifests {
            let own = matches!(target.kind, "kubernetes" | "compose").then_some(target.target);
            let located = places().filter_map(|l| match l {
                Location::Manifest { path, .. } => Some(path.as_str()),
                _ => None,
            });
            if !own
                .into_iter()
                .chain(located)
                .any(|p| manifests.is_match(self.dockerfile_name(p)))
            {
                return false;
            }
        }
        if let Some(paths) = &self.paths {
            let matched = places().any(|l| match l {
                Location::Layer { path, .. } => paths.is_match(path),
                _ => false,
            });
            if !matched {
                return false;
            }
        }
        if let Some(secrets) = &self.secrets {
            let named = f
                .secret
                .as_ref()
                .is_some_and(|s| secrets.contains(&s.fingerprint));
            if !named {
                return false;
            }
        }
        if let Some(ids) = &self.vulnerabilities {
            let named = f
                .vulnerability
                .as_ref()
                .is_some_and(|v| ids.iter().any(|id| v.named(id)));
            if !named {
                return false;
            }
        }
        if let Some(ports) = &self.ports {
            let named = ports_named(&f.message);
            if !ports.iter().any(|(n, proto)| {
                named
                    .iter()
                    .any(|(m, p)| m == n && proto.as_ref().is_none_or(|want| want == p))
            }) {
                return false;
            }
        }
        true
    }
}

impl Exception {
    /// A Dockerfile's path as `dockerfiles` globs see it: relative to the
    /// policy file's directory (absolute when outside it); without a policy
    /// file, as given without a leading `./`.
    fn dockerfile_name(&self, path: &str) -> String {
        match &self.root {
            Some(root) => {
                let abs = crate::paths::absolute(std::path::Path::new(path));
                crate::paths::relative_to(&abs, root)
                    .unwrap_or_else(|| abs.to_string_lossy().into_owned())
            }
            None => path.strip_prefix("./").unwrap_or(path).to_owned(),
        }
    }
}

/// The `PORT/PROTO` pairs a message names (`port 22/tcp (SSH) is exposed`).
pub(crate) fn ports_named(message: &str) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for word in message.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')') {
        let Some((number, proto)) = word.split_once('/') else {
            continue;
        };
        let proto = proto.trim_end_matches(['.', ';', ':']);
        if let (Ok(n), true) = (
            number.parse::<u16>(),
            matches!(proto, "tcp" | "udp" | "sctp"),
        ) {
            out.push((n, proto.to_owned()));
        }
    }
    out
}

/// How deep `{a,{b,…}}` alternatives may nest in one glob: the glob compiler
/// recurses once per level, so 100,000 levels would overflow the stack.
pub(crate) const MAX_GLOB_NESTING: usize = 16;

/// The longest glob accepted, in bytes: more than any image reference or path.
pub(crate) const MAX_GLOB_BYTES: usize = 4096;

/// At most 80 characters of `text`, with `…` when cut and control characters
/// escaped, for quoting input in a one-line message.
pub(crate) fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == 80 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Refuse the globs the compiler should never see: too long or nested too
/// deep. Braces are counted whatever their context, so an escaped or
/// bracketed `{` counts too; no real pattern comes near the limit.
pub(crate) fn check_glob(pattern: &str) -> Result<(), String> {
    if pattern.len() > MAX_GLOB_BYTES {
        return Err(format!(
            "bad glob `{}`: longer than {MAX_GLOB_BYTES} bytes",
            excerpt(pattern)
        ));
    }
    let mut depth = 0usize;
    for c in pattern.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth > MAX_GLOB_NESTING {
                    return Err(format!(
                        "bad glob `{}`: braces nested more than {MAX_GLOB_NESTING} deep",
                        excerpt(pattern)
                    ));
                }
            }
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Compile globs; `separator` says whether `*` stops at `/` (paths) or not
/// (image references).
pub(crate) fn glob_set(
    patterns: &[(String, std::ops::Range<usize>)],
    separator: bool,
) -> Result<GlobSet, (std::ops::Range<usize>, String)> {
    let mut set = GlobSetBuilder::new();
    for (pattern, span) in patterns {
        check_glob(pattern).map_err(|m| (span.clone(), m))?;
        let glob = GlobBuilder::new(pattern)
            .literal_separator(separator)
            .build()
            .map_err(|e| {
                (
                    span.clone(),
                    format!("bad glob `{}`: {}", excerpt(pattern), e.kind()),
                )
            })?;
        set.add(glob);
    }
    set.build().map_err(|e| {
        let span = patterns.first().map(|(_, s)| s.clone()).unwrap_or(0..0);
        (span, format!("bad globs: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_in_messages() {
        assert_eq!(
            ports_named("port 22/tcp (SSH) is exposed (EXPOSE 22)"),
            vec![(22, "tcp".to_owned())]
        );
        assert_eq!(
            ports_named(
                "CMD starts `sshd` (the SSH server), which listens on 22/tcp and 2222/udp although"
            ),
            vec![(22, "tcp".to_owned()), (2222, "udp".to_owned())]
        );
        assert!(ports_named("copies /etc/passwd to /x").is_empty());
    }
}
