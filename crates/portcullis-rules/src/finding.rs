//! What a rule reports: severity, category, location and the finding itself.

use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// What the running container can do: its user, its files, its ports.
    ContainerSecurity,
    /// How the image is built: instructions that hide risk or surprise.
    BuildInstructions,
    /// Secrets and other sensitive data in the image or its build.
    SensitiveInformation,
    /// The packages' licenses: copyleft, restrictions, the policy file's lists.
    Licenses,
    /// Known vulnerabilities of the packages (advisories, KEV, VEX).
    Vulnerabilities,
    /// The exploit mitigations the image's binaries were built with.
    BinaryHardening,
    /// How containers are run: the Kubernetes manifests and Compose files
    /// that decide privileges, host access and limits (PC42xxx).
    Runtime,
    /// Where images and what the build downloads come from: trusted
    /// sources, pinning, verification.
    SupplyChain,
    /// The policy file itself: expired or unused exceptions and suppressions.
    Policy,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ContainerSecurity => "container-security",
            Category::BuildInstructions => "build-instructions",
            Category::SensitiveInformation => "sensitive-information",
            Category::Licenses => "licenses",
            Category::Vulnerabilities => "vulnerabilities",
            Category::BinaryHardening => "binary-hardening",
            Category::Runtime => "runtime",
            Category::SupplyChain => "supply-chain",
            Category::Policy => "policy",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::ContainerSecurity => "Container security",
            Category::BuildInstructions => "Build instructions",
            Category::SensitiveInformation => "Sensitive information",
            Category::Licenses => "Licenses",
            Category::Vulnerabilities => "Vulnerabilities",
            Category::BinaryHardening => "Binary hardening",
            Category::Runtime => "Runtime configuration",
            Category::SupplyChain => "Supply chain",
            Category::Policy => "Policy",
        }
    }
}

/// Where a finding is, in the vocabulary of the JSON report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Location {
    /// 1-based lines and columns; the end is exclusive.
    Dockerfile {
        path: String,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
    },
    /// An entry of the image config's `history` (0-based).
    History { index: usize, created_by: String },
    /// A JSON pointer into the image config blob.
    Config { pointer: String },
    /// A path in a layer (0-based index, its diff_id). An LXD image's
    /// rootfs is layer 0 and its digest LXD's fingerprint, empty (and left
    /// out of reports) when the fingerprint was not computed.
    Layer {
        index: usize,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        digest: String,
        path: String,
        /// 1-based line and column (in bytes) inside the file, where the
        /// finding is about its contents (a secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
    },
    /// A Kubernetes manifest or Compose file: the offending key or value
    /// (a missing key: the object that should hold it). 1-based lines and
    /// columns (columns count characters), the end exclusive; `document` is
    /// the 0-based index in a multi-document stream, `pointer` a JSON
    /// pointer into that document.
    Manifest {
        path: String,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        document: usize,
        pointer: String,
    },
    /// An OCI image manifest (or index), by digest, and a JSON pointer into it.
    ImageManifest { digest: String, pointer: String },
    /// A place in the policy file (`portcullis.toml`), e.g. an expired
    /// exception; 1-based lines and columns, the end exclusive.
    Policy {
        path: String,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
    },
}

impl Location {
    /// A key that identifies the place without depending on line numbers,
    /// layer order or digests, for fingerprints that survive unrelated
    /// edits and rebuilds: a Dockerfile's (or policy file's) located source
    /// text; an image config's JSON pointer; a layer path without the layer's
    /// index or digest; a history entry's `created_by`, normalised across
    /// builders, without its index. The file or image is the fingerprint's
    /// target, not part of this key.
    pub(crate) fn stable_key(&self, snippet: &str) -> String {
        match self {
            Location::Dockerfile { .. } => format!("dockerfile\0{}", normalise_space(snippet)),
            Location::Policy { .. } => format!("policy\0{}", normalise_space(snippet)),
            Location::History { created_by, .. } => {
                format!("history\0{}", normalise_created_by(created_by))
            }
            Location::Config { pointer } => format!("config\0{pointer}"),
            Location::Layer { path, .. } => format!("layer\0{path}"),
            // The pointer, not the line: a key moved within its object keeps
            // its fingerprint. The document index is part of it: the same
            // pointer in two objects of one file is two places.
            Location::Manifest {
                document, pointer, ..
            } => format!("manifest\0{document}\0{pointer}"),
            Location::ImageManifest { pointer, .. } => format!("image-manifest\0{pointer}"),
        }
    }
}

/// Whitespace runs as one space, none at the ends.
fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A history entry's `created_by` as the instruction it records, whichever
/// builder wrote it: without BuildKit's `RUN ` prefix and `# buildkit`
/// suffix, the `|N NAME=value…` build-argument prefix, the `/bin/sh -c` and
/// `#(nop)` wrappers, with whitespace runs as one space.
pub fn normalise_created_by(created_by: &str) -> String {
    let mut words: Vec<&str> = created_by.split_whitespace().collect();
    if words.last() == Some(&"buildkit") && words.len() >= 2 && words[words.len() - 2] == "#" {
        words.truncate(words.len() - 2);
    }
    let mut rest: &[&str] = &words;
    if rest.first() == Some(&"RUN") {
        rest = &rest[1..];
    }
    if let Some(n) = rest
        .first()
        .and_then(|w| w.strip_prefix('|'))
        .and_then(|n| n.parse::<usize>().ok())
    {
        rest = rest.get(1 + n..).unwrap_or(&[]);
    }
    if rest.len() >= 2 && rest[0] == "/bin/sh" && rest[1] == "-c" {
        rest = &rest[2..];
    }
    if rest.first() == Some(&"#(nop)") {
        rest = &rest[1..];
    }
    rest.join(" ")
}

/// A rule's report of one violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    /// Specific: names the port, the path, the user.
    pub message: String,
    pub location: Location,
    pub related: Vec<Location>,
    /// The source text at the location (Dockerfiles): the basis of the
    /// fingerprint, so moving a line does not change it.
    pub snippet: String,
    pub fingerprint: String,
    /// For a secret: what it is, masked, and its value's fingerprint.
    pub secret: Option<SecretValue>,
    /// For a vulnerability: its ids and the package (what an exception's
    /// `vulnerabilities` names).
    pub vulnerability: Option<VulnerabilityRef>,
    /// The fix for this finding, when it is more concrete than the rule's
    /// (`upgrade openssl to 3.0.14-1~deb12u1 or later`).
    pub remediation: Option<String>,
    /// Suppressed by what the rule itself was told (a VEX statement), with
    /// the reason shown.
    pub suppressed: Option<Suppressed>,
    /// About a file the base image brought (a binary of its layers): the
    /// policy warns of it rather than failing, unless told otherwise.
    pub from_base: bool,
}

/// A vulnerability as findings name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VulnerabilityRef {
    /// The CVE, else the advisory's id.
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The package's purl.
    pub purl: String,
}

impl VulnerabilityRef {
    /// Whether `id` is this vulnerability's id or one of its aliases.
    pub fn named(&self, id: &str) -> bool {
        std::iter::once(&self.id)
            .chain(&self.aliases)
            .any(|known| known.eq_ignore_ascii_case(id))
    }
}

/// A suppression a rule decided itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// `vex`.
    pub by: &'static str,
    pub reason: String,
}

/// A secret as reports show it: never the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SecretValue {
    /// The detector's id, e.g. `github-pat`.
    pub kind: String,
    /// A few leading characters, the rest starred.
    pub preview: String,
    /// A truncated, domain-separated SHA-256 of the value: what an
    /// exception's `secrets` names.
    pub fingerprint: String,
}

/// The findings of one subject, collected by the rules.
#[derive(Debug, Default)]
pub struct Findings {
    pub(crate) rule: &'static str,
    pub(crate) items: Vec<Finding>,
    pub(crate) notes: Vec<Note>,
    pub(crate) not_applicable: Option<String>,
}

/// Something worth knowing that is not a violation, e.g. a setuid file that a
/// later layer removed but that is still in an earlier layer blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Note {
    pub rule: String,
    pub message: String,
    pub location: Location,
}

impl Findings {
    /// Report a violation of the rule being run.
    pub fn report(&mut self, message: impl Into<String>, location: Located) {
        self.report_related(message, location, Vec::new());
    }

    pub fn report_related(
        &mut self,
        message: impl Into<String>,
        at: Located,
        related: Vec<Location>,
    ) {
        self.items.push(Finding {
            rule: self.rule,
            message: message.into(),
            location: at.location,
            related,
            snippet: at.snippet,
            fingerprint: String::new(),
            secret: None,
            vulnerability: None,
            remediation: None,
            suppressed: None,
            from_base: false,
        });
    }

    /// Report a finding with its own fix, when the rule's does not fit the
    /// subject it is shown for (an LXD unit file rather than an EXPOSE).
    pub fn report_with_fix(
        &mut self,
        message: impl Into<String>,
        at: Located,
        related: Vec<Location>,
        fix: String,
    ) {
        self.report_related(message, at, related);
        if let Some(last) = self.items.last_mut() {
            last.remediation = Some(fix);
        }
    }

    /// Report a finding about a file of the base image: as
    /// [`Findings::report_related`], marked so the policy warns of it.
    pub fn report_from_base(
        &mut self,
        message: impl Into<String>,
        at: Located,
        related: Vec<Location>,
    ) {
        self.report_related(message, at, related);
        if let Some(last) = self.items.last_mut() {
            last.from_base = true;
        }
    }

    /// Report a secret: as [`Findings::report_related`], with the secret's
    /// masked description.
    pub fn report_secret(
        &mut self,
        message: impl Into<String>,
        at: Located,
        related: Vec<Location>,
        secret: SecretValue,
    ) {
        self.report_related(message, at, related);
        if let Some(last) = self.items.last_mut() {
            last.secret = Some(secret);
        }
    }

    /// Report a vulnerability: as [`Findings::report_related`], with its ids,
    /// the finding's own fix, and a suppression (VEX) when there is one.
    pub fn report_vulnerability(
        &mut self,
        message: impl Into<String>,
        at: Located,
        related: Vec<Location>,
        vulnerability: VulnerabilityRef,
        remediation: String,
        suppressed: Option<Suppressed>,
    ) {
        self.report_related(message, at, related);
        if let Some(last) = self.items.last_mut() {
            last.vulnerability = Some(vulnerability);
            last.remediation = Some(remediation);
            last.suppressed = suppressed;
        }
    }

    /// The rule cannot be checked on this subject (no advisory database):
    /// reported as not applicable, with `reason`.
    pub fn not_applicable(&mut self, reason: impl Into<String>) {
        self.not_applicable = Some(reason.into());
    }

    /// Record a note: reported, clearly labelled, never failing anything.
    pub fn note(&mut self, message: impl Into<String>, location: Location) {
        self.notes.push(Note {
            rule: self.rule.to_owned(),
            message: message.into(),
            location,
        });
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.items
    }
}

/// A location with the source text it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub location: Location,
    pub snippet: String,
}

impl Located {
    pub fn new(location: Location) -> Self {
        Located {
            location,
            snippet: String::new(),
        }
    }
}

/// Give each finding a fingerprint: a hash of the rule, the target (a
/// stable name for the file or image, see docs/policy.md) and the
/// location's stable key (the offending fact, see [`Location::stable_key`]),
/// with identical ones numbered in order (the second `RUN chmod u+s …` of
/// the same text is `…:1`). Not the message: it quotes facts from other
/// lines (a base image tag from an `ARG`), which must not make a finding new.
pub fn fingerprint(target: &str, findings: &mut [Finding]) {
    fingerprint_with(target, findings, &|_| String::new());
}

/// [`fingerprint`], with `more` adding to each finding's key (the whole
/// source lines of a Dockerfile finding, see `registry::check`).
pub fn fingerprint_with(target: &str, findings: &mut [Finding], more: &dyn Fn(&Finding) -> String) {
    use sha2::{Digest, Sha256};
    let mut seen: Vec<(String, usize)> = Vec::new();
    for f in findings.iter_mut() {
        let mut h = Sha256::new();
        let extra = more(f);
        for part in [f.rule, target, &f.location.stable_key(&f.snippet), &extra] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let base: String = h.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let n = match seen.iter_mut().find(|(k, _)| *k == base) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((base.clone(), 0));
                0
            }
        };
        f.fingerprint = if n == 0 { base } else { format!("{base}:{n}") };
    }
}
