//! The policy decides what each finding means for the gate: its action
//! (fail, warn, info) and so the verdict. This is also where the report
//! model lives, since a report is findings plus those decisions.
//!
//! For now the policy is the built-in default (findings of severity medium or
//! higher fail, lower ones warn); the policy file will configure it.

use std::sync::Arc;

use portcullis_rules::finding::Note;
use portcullis_rules::registry::Outcome;
use portcullis_rules::subject::SourceFile;
use portcullis_rules::{Category, Location, Rule, Severity};
use serde::{Deserialize, Serialize};

/// The JSON report's `schema_version`.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Info,
    Warn,
    Fail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

/// How one policy (rule) came out for one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Info,
    Suppressed,
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `exception` or `inline`.
    pub by: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Policy {
    /// Findings of this severity or higher fail the gate; lower ones warn.
    pub fail_on: Severity,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on: Severity::Medium,
        }
    }
}

impl Policy {
    pub fn action(&self, rule: &Rule) -> Action {
        if rule.severity >= self.fail_on {
            Action::Fail
        } else if rule.severity > Severity::Info {
            Action::Warn
        } else {
            Action::Info
        }
    }

    /// Apply the policy to one target's rule outcomes.
    pub fn evaluate(
        &self,
        target: TargetInfo,
        outcomes: Vec<(&'static Rule, Outcome)>,
    ) -> TargetReport {
        let mut policies = Vec::with_capacity(outcomes.len());
        let mut findings = Vec::new();
        let mut notes = Vec::new();
        for (rule, outcome) in outcomes {
            let status = match outcome {
                Outcome::NotApplicable => Status::NotApplicable,
                Outcome::Checked {
                    findings: found,
                    notes: found_notes,
                } => {
                    notes.extend(found_notes);
                    let action = self.action(rule);
                    let status = match (found.is_empty(), action) {
                        (true, _) => Status::Pass,
                        (false, Action::Fail) => Status::Fail,
                        (false, Action::Warn) => Status::Warn,
                        (false, Action::Info) => Status::Info,
                    };
                    findings.extend(found.into_iter().map(|f| ReportedFinding {
                        rule: rule.code.to_owned(),
                        title: rule.title.to_owned(),
                        category: rule.category,
                        severity: rule.severity,
                        action,
                        message: f.message,
                        location: f.location,
                        related: f.related,
                        remediation: rule.remediation.to_owned(),
                        fingerprint: f.fingerprint,
                        suppressed: None,
                    }));
                    status
                }
            };
            policies.push(PolicyResult {
                rule: rule.code.to_owned(),
                status,
            });
        }
        let verdict = if findings
            .iter()
            .any(|f| f.action == Action::Fail && f.suppressed.is_none())
        {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        TargetReport {
            target: target.target,
            kind: target.kind,
            digest: target.digest,
            path: target.path,
            verdict,
            policies,
            findings,
            notes,
            source: target.source,
            image: None,
        }
    }
}

/// What identifies a scanned target.
pub struct TargetInfo {
    pub target: String,
    pub kind: String,
    pub digest: Option<String>,
    /// The file or directory the target was read from; `None` for standard input.
    pub path: Option<String>,
    pub source: Option<Arc<SourceFile>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PolicyResult {
    pub rule: String,
    pub status: Status,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportedFinding {
    pub rule: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    pub action: Action,
    pub message: String,
    pub location: Location,
    pub related: Vec<Location>,
    pub remediation: String,
    pub fingerprint: String,
    pub suppressed: Option<Suppression>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TargetReport {
    pub target: String,
    pub kind: String,
    pub digest: Option<String>,
    /// The file or directory the target was read from, as given: a
    /// Dockerfile, an image archive or an OCI layout directory (several
    /// images of one archive share it); `null` for standard input. Renderers
    /// that need a file (SARIF) point at it.
    #[serde(default)]
    pub path: Option<String>,
    pub verdict: Verdict,
    pub policies: Vec<PolicyResult>,
    pub findings: Vec<ReportedFinding>,
    /// Worth knowing, never failing: e.g. setuid files removed by a later layer
    /// that are still in an earlier layer blob.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// The Dockerfile, for renderers that show source lines.
    #[serde(skip)]
    pub source: Option<Arc<SourceFile>>,
    /// Image targets: the layers and the history as read, for renderers that
    /// draw them (HTML). Absent (`None`) for Dockerfiles and in reports
    /// written before this field existed; such reports still read and render.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageDetails>,
}

/// What an image is made of, for a person to see where findings sit: its
/// layers in order, its history and where the base image ends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageDetails {
    /// In order: `layers[i]` is layer `i` of the locations (`rootfs.diff_ids[i]`).
    pub layers: Vec<LayerDetails>,
    /// The config's history, in order: `history[i]` is history entry `i`.
    pub history: Vec<HistoryDetails>,
    /// Where the base image ends; `None` when no base was found (`FROM
    /// scratch`, or nothing in the history tells).
    #[serde(default)]
    pub base_boundary: Option<BaseBoundary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerDetails {
    /// The digest of the uncompressed layer (`rootfs.diff_ids`), as layer locations name it.
    pub diff_id: String,
    /// The digest of the blob as stored (compressed).
    pub digest: String,
    /// `gzip`, `zstd` or `none`.
    pub compression: String,
    /// Bytes of the uncompressed tar stream.
    pub size: u64,
    /// Bytes of the blob as stored.
    pub compressed_size: u64,
    /// Entries (files, directories, links, whiteouts) in the layer's tar.
    pub entries: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryDetails {
    /// As the config has it (RFC 3339), when it has one.
    #[serde(default)]
    pub created: Option<String>,
    pub created_by: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// The layer this entry made; `None` for entries that made none (`empty_layer`).
    #[serde(default)]
    pub layer: Option<usize>,
}

/// The last history entry of the base image, and what told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseBoundary {
    /// Entries `0..=last` are the base image's.
    pub last: usize,
    /// `from-marker` (buildah's `FROM <ref>` comment), `buildkit-comments`,
    /// `time-gap` or `last-cmd` (the history's shape alone: a guess).
    pub signal: String,
    /// Whether the history says so outright (every signal but `last-cmd`).
    pub certain: bool,
    /// The signal in words.
    pub how: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub verdict: Verdict,
    pub targets: Vec<TargetReport>,
}

impl Report {
    pub fn new(tool_version: &str, targets: Vec<TargetReport>) -> Self {
        let verdict = if targets.iter().any(|t| t.verdict == Verdict::Fail) {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "portcullis".into(),
                version: tool_version.into(),
            },
            verdict,
            targets,
        }
    }
}
