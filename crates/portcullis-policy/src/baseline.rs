//! Baselines: the findings of a scan recorded by fingerprint, so that a
//! later scan fails only on new ones. Fingerprints hash the rule, the
//! target, the message and the located source text, not line numbers, so a
//! finding keeps its place in the baseline when unrelated lines move.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{Action, Suppression, TargetReport, Verdict};

/// The baseline file's `version`.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file: `{"version": 1, "findings": [...]}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding. Only `fingerprint` is matched; the rest is for
/// people reading the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub target: String,
    pub message: String,
}

impl Baseline {
    /// Every finding of the reports that a baseline records: those not
    /// suppressed otherwise, the policy file's own excepted (they are about
    /// the policy, not the code).
    pub fn record(reports: &[TargetReport]) -> Baseline {
        let mut findings: Vec<BaselineEntry> = reports
            .iter()
            .filter(|t| t.kind != crate::meta::KIND)
            .flat_map(|t| {
                t.findings
                    .iter()
                    .filter(|f| f.suppressed.is_none())
                    .map(|f| BaselineEntry {
                        fingerprint: f.fingerprint.clone(),
                        rule: f.rule.clone(),
                        target: t.target.clone(),
                        message: f.message.clone(),
                    })
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.target, &a.rule, &a.fingerprint).cmp(&(&b.target, &b.rule, &b.fingerprint))
        });
        findings.dedup();
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    /// The file's text: pretty JSON, one finding per few lines, sorted, so
    /// that it diffs well under review.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn from_json(bytes: &[u8]) -> Result<Baseline, String> {
        let baseline: Baseline =
            serde_json::from_slice(bytes).map_err(|e| format!("not a portcullis baseline: {e}"))?;
        if baseline.version != BASELINE_VERSION {
            return Err(format!(
                "baseline version {} is not supported (this portcullis reads version {BASELINE_VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Mark the findings the baseline records as suppressed `by: "baseline"`
    /// (`shown` names the file in the reason), then recompute each rule's
    /// status and each target's verdict. Findings suppressed otherwise keep
    /// their suppression. Findings of a rule that always fails (PC43202)
    /// are never suppressed.
    pub fn apply(&self, shown: &str, reports: &mut [TargetReport]) {
        let known: BTreeSet<&str> = self
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        for t in reports.iter_mut().filter(|t| t.kind != crate::meta::KIND) {
            for f in &mut t.findings {
                // Tampering is never a known, accepted finding.
                if f.suppressed.is_none()
                    && known.contains(f.fingerprint.as_str())
                    && !crate::always_fails(&f.rule)
                {
                    f.suppressed = Some(Suppression {
                        by: "baseline".into(),
                        reason: format!("in the baseline {shown}"),
                    });
                }
            }
            for p in &mut t.policies {
                let of_rule = || t.findings.iter().filter(|f| f.rule == p.rule);
                // A rule without findings keeps its status (pass, not
                // applicable); the others as `judge` decides them.
                if of_rule().next().is_some() {
                    p.status = crate::status_of(of_rule());
                }
            }
            t.verdict = if t
                .findings
                .iter()
                .any(|f| f.action == Action::Fail && f.suppressed.is_none())
            {
                Verdict::Fail
            } else {
                Verdict::Pass
            };
        }
    }
}
