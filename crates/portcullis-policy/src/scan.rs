//! What a report says about the run that made it (`Report::scan`), and
//! about an image's configuration (`TargetReport::config`): when it ran,
//! under which policy, threshold and exceptions, so a reader can tell what
//! the verdict was judged by, and what the image will run as.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Policy, Report, Suppression};

/// How and when the scan ran.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScanInfo {
    /// When the scan started: RFC 3339, UTC, whole seconds. Under
    /// `SOURCE_DATE_EPOCH` (reproducible reports), that time instead.
    pub started: String,
    /// Milliseconds from the start to the report; 0 under `SOURCE_DATE_EPOCH`.
    pub duration_ms: u64,
    /// The portcullis that scanned.
    pub tool_version: String,
    /// The policy file (the last of its `extends` chain), as named or found;
    /// `null`: the built-in default policy.
    #[serde(default)]
    pub policy_file: Option<String>,
    /// Findings of this severity or higher fail (`info` … `critical`), or
    /// `never`.
    pub fail_on: String,
    /// The profile the policy file named (`default`, `strict`, `audit`);
    /// `null` when it named none.
    #[serde(default)]
    pub profile: Option<String>,
    /// The day exceptions were judged on (`YYYY-MM-DD`).
    pub today: String,
    /// The policy file's exceptions, active or expired.
    #[serde(default)]
    pub exceptions: Vec<ExceptionInfo>,
    /// The baseline file findings were compared with (`--baseline` or
    /// `--write-baseline`), as named.
    #[serde(default)]
    pub baseline: Option<String>,
    /// The advisory database packages were matched against; `null` without one.
    #[serde(default)]
    pub advisory_db: Option<AdvisoryDbInfo>,
}

/// One `[[exception]]` of the policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExceptionInfo {
    /// The rule codes it covers.
    pub rules: Vec<String>,
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`); `null`: no expiry.
    #[serde(default)]
    pub expires: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
    /// Whether it applied on the scan's day (not expired).
    pub active: bool,
    /// Where it is: `FILE:LINE`.
    pub at: String,
}

/// The advisory database of the scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AdvisoryDbInfo {
    pub path: String,
    /// When its newest data was built (RFC 3339, UTC).
    pub built: String,
    /// Its age at the scan, in seconds.
    pub age_seconds: u64,
}

/// An image's runtime configuration, as the config blob has it (secrets
/// masked as everywhere in a report).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigSummary {
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    /// `User`; `null` when unset (the container runs as root).
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    #[serde(default)]
    pub working_dir: Option<String>,
    /// `ExposedPorts` keys (`22/tcp`), sorted.
    #[serde(default)]
    pub exposed_ports: Vec<String>,
    /// Every label (the human report shows the first few).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// Suppressed findings a report leaves out of its listing
/// (`--hide-suppressed`), counted by what suppressed them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Hidden {
    pub exception: usize,
    pub baseline: usize,
    pub inline: usize,
    /// Image findings the manifest that runs the image makes moot
    /// (`--images`); absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub manifest: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Hidden {
    pub fn total(&self) -> usize {
        self.exception + self.baseline + self.inline + self.manifest
    }

    /// Count one suppressed finding (an unknown `by`, VEX's too, counts as
    /// an exception's).
    pub fn add(&mut self, s: &Suppression) {
        match s.by.as_str() {
            "baseline" => self.baseline += 1,
            "inline" => self.inline += 1,
            "manifest" => self.manifest += 1,
            _ => self.exception += 1,
        }
    }
}

impl Report {
    /// Leave suppressed findings out, counting them per target in
    /// [`crate::TargetReport::hidden`], so a summary still counts them and
    /// says they are not listed. Policies keep their status.
    pub fn hide_suppressed(&mut self) {
        for t in &mut self.targets {
            let mut hidden = t.hidden.unwrap_or_default();
            t.findings.retain(|f| match &f.suppressed {
                Some(s) => {
                    hidden.add(s);
                    false
                }
                None => true,
            });
            t.hidden = Some(hidden);
        }
    }
}

/// When the scan runs, for the report: the clock, or `SOURCE_DATE_EPOCH`
/// (seconds since the epoch), so that two scans of the same input give the
/// same report.
#[derive(Clone, Copy, Debug)]
pub struct ScanClock {
    started: SystemTime,
    fixed: bool,
}

impl ScanClock {
    /// Now, or `SOURCE_DATE_EPOCH` when it is set to a number of seconds.
    pub fn start() -> ScanClock {
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok());
        match epoch {
            Some(secs) => ScanClock {
                started: SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
                fixed: true,
            },
            None => ScanClock {
                started: SystemTime::now(),
                fixed: false,
            },
        }
    }

    /// The start time, RFC 3339 UTC.
    pub fn started(&self) -> String {
        rfc3339(self.started)
    }

    /// Milliseconds since the start (0 when the time is fixed).
    pub fn elapsed_ms(&self) -> u64 {
        if self.fixed {
            return 0;
        }
        let ms = self.started.elapsed().map(|d| d.as_millis()).unwrap_or(0);
        u64::try_from(ms).unwrap_or(u64::MAX)
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` (before the epoch: the epoch).
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let date = crate::Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let rest = secs % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

impl Policy {
    /// The scan block of a report made under this policy: `clock` from the
    /// scan's start, `baseline` as named, the advisory database if any.
    pub fn scan_info(
        &self,
        clock: &ScanClock,
        baseline: Option<String>,
        advisory_db: Option<AdvisoryDbInfo>,
    ) -> ScanInfo {
        let exceptions = self
            .exceptions
            .iter()
            .map(|e| ExceptionInfo {
                rules: e.rules.iter().map(|r| (*r).to_owned()).collect(),
                reason: e.reason.clone(),
                expires: e.expires.map(|d| d.to_string()),
                ticket: e.ticket.clone(),
                active: e.active(self.today),
                at: match &e.at {
                    portcullis_rules::Location::Policy { path, line, .. } => {
                        format!("{path}:{line}")
                    }
                    _ => String::new(),
                },
            })
            .collect();
        ScanInfo {
            started: clock.started(),
            duration_ms: clock.elapsed_ms(),
            tool_version: String::new(),
            policy_file: self.file.clone(),
            fail_on: self.fail_on.map_or("never", |s| s.as_str()).to_owned(),
            profile: self.profile.map(|p| p.name().to_owned()),
            today: self.today.to_string(),
            exceptions,
            baseline,
            advisory_db,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_times() {
        let at = |s: u64| rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
        // A leap day.
        assert_eq!(at(1_709_208_000), "2024-02-29T12:00:00Z");
    }
}
