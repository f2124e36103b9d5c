//! The policy decides what each finding means for the gate: its action
//! (fail, warn, info) and so the verdict. This is also where the report
//! model lives, since a report is findings plus those decisions.
//!
//! The policy is the built-in default (findings of severity medium or
//! higher fail, lower ones warn) or what a policy file, `portcullis.toml`,
//! makes of it ([`file`] parses it, [`Policy::load`] reads it): rules turned
//! off, severities and actions overridden, the failing threshold, and
//! exceptions with a reason and an expiry date.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub mod baseline;
pub mod date;
pub mod exception;
pub mod file;
pub mod inline;
pub mod meta;
pub mod paths;
mod resolve;
pub mod scan;

pub use baseline::Baseline;
pub use date::Date;
pub use exception::{Exception, TargetRef};
pub use file::{discover, json_schema, PolicyError};
pub use inline::InlineSuppression;
pub use resolve::parse_fail_on;
pub use scan::{AdvisoryDbInfo, ConfigSummary, ExceptionInfo, Hidden, ScanClock, ScanInfo};

use portcullis_rules::Finding;

use portcullis_rules::finding::Note;
use portcullis_rules::registry::Outcome;
use portcullis_rules::subject::SourceFile;
use portcullis_rules::{Category, Location, Rule, Severity};
use serde::{Deserialize, Serialize};

/// The JSON report's `schema_version`.
pub const SCHEMA_VERSION: u32 = 1;

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
pub enum Action {
    Info,
    Warn,
    Fail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

/// How one policy (rule) came out for one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Info,
    Suppressed,
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Suppression {
    /// `exception` or `inline`.
    pub by: String,
    pub reason: String,
}

/// How findings are treated: the built-in default, or what `portcullis.toml`
/// (and `--fail-on`) made of it.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Findings of this severity or higher fail the gate (unless their rule
    /// sets an action); lower ones warn (info ones inform). `None`: nothing
    /// fails by severity (`fail-on = "never"`).
    pub fail_on: Option<Severity>,
    /// Rule codes turned off: not run, not reported.
    pub disabled: Vec<String>,
    /// Per-rule severity and action, by code.
    pub overrides: BTreeMap<String, RuleOverride>,
    pub exceptions: Vec<Exception>,
    /// Reject inline suppressions without a reason.
    pub require_reason: bool,
    /// The day exceptions are judged on: an exception applies through its
    /// `expires` date. The CLI takes it from `PORTCULLIS_TODAY` (tests) or the clock.
    pub today: Date,
    /// The policy file (the last of an `extends` chain), as shown to the user.
    pub file: Option<String>,
    /// Secret value fingerprints declared canaries (`[secrets] canaries`).
    pub secret_canaries: Vec<String>,
    /// Secret value fingerprints declared examples (`[secrets] examples`).
    pub secret_examples: Vec<String>,
    /// Report shape-less secret matches in OS packages' own files
    /// (`[secrets] package-files = "report"`); by default they are counted
    /// in a note.
    pub report_package_files: bool,
    /// `[licenses]`: the lists the license policies read.
    pub licenses: portcullis_rules::LicenseLists,
    /// `[vulnerabilities]`: which known vulnerabilities count.
    pub vulnerabilities: VulnerabilityPolicy,
    /// `[images] trusted`: where images may come from; `None`: no list,
    /// PC43101 does not apply.
    pub trusted_images: Option<portcullis_rules::reference::TrustedList>,
    /// `[hardening] scope = "build"`: the binary policies read only the
    /// layers this build added.
    pub hardening_build_only: bool,
    /// The profile the policy file named (the last of an `extends` chain
    /// that names one); `None`: none named, the default's threshold.
    pub profile: Option<Profile>,
    /// `[kubernetes] version`: the Kubernetes version whose Pod Security
    /// Standards the runtime rules apply; `None`: the newest they know.
    pub kubernetes_version: Option<KubernetesVersion>,
    /// `[[signatures]]`: which images need which signatures and provenance.
    pub signatures: portcullis_rules::signatures::SignaturePolicy,
}

/// Rules that are off unless a policy file enables them (as the catalogue
/// has them): SQ18114, a library search path that is merely set.
pub const DEFAULT_DISABLED: &[&str] = &["SQ18114"];

/// `[vulnerabilities]`, resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VulnerabilityPolicy {
    /// Leave out vulnerabilities without a fixed version.
    pub ignore_unfixed: bool,
    /// EPSS score from which a high or critical one is SQ31102.
    pub epss_threshold: f32,
}

impl Default for VulnerabilityPolicy {
    fn default() -> Self {
        VulnerabilityPolicy {
            ignore_unfixed: false,
            epss_threshold: 0.1,
        }
    }
}

/// A policy's status from its findings: pass without any; else the
/// strongest action among those not suppressed (a base image's binaries
/// warn where the build's fail), suppressed when none is left.
pub(crate) fn status_of<'a>(findings: impl IntoIterator<Item = &'a ReportedFinding>) -> Status {
    let mut any = false;
    let mut live = None;
    for f in findings {
        any = true;
        if f.suppressed.is_none() {
            live = live.max(Some(f.action));
        }
    }
    match (any, live) {
        (false, _) => Status::Pass,
        (true, None) => Status::Suppressed,
        (true, Some(Action::Fail)) => Status::Fail,
        (true, Some(Action::Warn)) => Status::Warn,
        (true, Some(Action::Info)) => Status::Info,
    }
}

/// A rule's settings from the policy file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleOverride {
    pub severity: Option<Severity>,
    pub action: Option<Action>,
    /// `scope`: `Some(true)` for `"build"`, `Some(false)` for `"all"`.
    pub build_only: Option<bool>,
}

/// A built-in profile (`profile = "…"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Findings of severity medium or higher fail.
    Default,
    /// Every finding fails.
    Strict,
    /// Nothing fails; everything is reported.
    Audit,
    /// The runtime rules of the Pod Security Standards' baseline
    /// ([`PSS_BASELINE`]) are on and fail; the other runtime rules are off.
    PssBaseline,
    /// As `PssBaseline`, with the restricted controls ([`PSS_RESTRICTED_ONLY`]).
    PssRestricted,
}

/// The runtime rules of the Pod Security Standards' baseline level, as
/// Kubernetes groups the controls (declared beside the rules).
pub use portcullis_rules::rules::runtime::PSS_BASELINE;

/// The restricted level: the baseline's rules and these.
pub const PSS_RESTRICTED_ONLY: &[&str] = portcullis_rules::rules::runtime::PSS_RESTRICTED;

/// A Kubernetes version as `[kubernetes] version` names it (`1.32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubernetesVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubernetesVersion {
    /// `1.N`, N a number without a sign or leading zero; `None` otherwise.
    pub fn parse(text: &str) -> Option<KubernetesVersion> {
        let minor = text.strip_prefix("1.")?;
        let plain = !minor.is_empty()
            && minor.bytes().all(|b| b.is_ascii_digit())
            && (minor == "0" || !minor.starts_with('0'));
        Some(KubernetesVersion {
            major: 1,
            minor: minor.parse().ok().filter(|_| plain)?,
        })
    }
}

impl std::fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl Profile {
    /// As the policy file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Strict => "strict",
            Profile::Audit => "audit",
            Profile::PssBaseline => "pss-baseline",
            Profile::PssRestricted => "pss-restricted",
        }
    }

    pub fn fail_on(self) -> Option<Severity> {
        match self {
            Profile::Default | Profile::PssBaseline | Profile::PssRestricted => {
                Some(Severity::Medium)
            }
            Profile::Strict => Some(Severity::Info),
            Profile::Audit => None,
        }
    }
}

/// The name of the policy file looked for.
pub const FILE_NAME: &str = "portcullis.toml";

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on: Profile::Default.fail_on(),
            disabled: DEFAULT_DISABLED.iter().map(|c| (*c).to_owned()).collect(),
            overrides: BTreeMap::new(),
            exceptions: Vec::new(),
            require_reason: false,
            today: Date::today_utc(),
            file: None,
            secret_canaries: Vec::new(),
            secret_examples: Vec::new(),
            report_package_files: false,
            licenses: portcullis_rules::LicenseLists::default(),
            trusted_images: None,
            vulnerabilities: VulnerabilityPolicy::default(),
            hardening_build_only: false,
            profile: None,
            kubernetes_version: None,
            signatures: Default::default(),
        }
    }
}

/// Whether the rule's findings always fail, whatever the policy file says
/// ([`portcullis_rules::registry::ALWAYS_FAILS`]).
pub fn always_fails(code: &str) -> bool {
    portcullis_rules::registry::ALWAYS_FAILS.contains(&code)
}

/// Every rule code a policy file may name: the scan rules and the policy
/// file's own.
pub fn known_codes() -> Vec<&'static str> {
    portcullis_rules::RULES
        .iter()
        .chain(meta::RULES)
        .map(|r| r.code)
        .collect()
}

impl Policy {
    /// Read a policy file and every file it extends. `shown` names it in errors.
    pub fn load(path: &Path, shown: &str) -> Result<Policy, Vec<PolicyError>> {
        let (chain, mut errors) = file::read_chain(path, shown)?;
        match resolve::resolve(&chain) {
            Ok(policy) if errors.is_empty() => Ok(policy),
            Ok(_) => Err(errors),
            Err(more) => {
                // A blanked bad value may be reported again by validation
                // (`expires = 0` is not a date): the parser's error stays.
                let at = |e: &PolicyError| (e.path.clone(), e.line, e.column);
                let parser: Vec<_> = errors.iter().map(at).collect();
                errors.extend(more.into_iter().filter(|e| !parser.contains(&at(e))));
                errors.sort_by_key(at);
                Err(errors)
            }
        }
    }

    /// The severity findings of `rule` are reported with.
    pub fn severity(&self, rule: &Rule) -> Severity {
        self.overrides
            .get(rule.code)
            .and_then(|o| o.severity)
            .unwrap_or(rule.severity)
    }

    pub fn action(&self, rule: &Rule) -> Action {
        if always_fails(rule.code) {
            return Action::Fail;
        }
        if let Some(action) = self.overrides.get(rule.code).and_then(|o| o.action) {
            return action;
        }
        let severity = self.severity(rule);
        // Which licenses an organisation accepts is its own decision: the
        // license policies warn unless it made one (`[licenses] restricted`
        // is SQ12403, which gates; `[rule.SQ12101] action = "fail"`), or
        // chose the strict profile, where every finding fails.
        let advisory = rule.category == portcullis_rules::Category::Licenses
            && rule.code != "SQ12403"
            && self.fail_on != Some(Severity::Info);
        if advisory && severity > Severity::Info {
            Action::Warn
        } else if self.fail_on.is_some_and(|threshold| severity >= threshold) {
            Action::Fail
        } else if severity > Severity::Info {
            Action::Warn
        } else {
            Action::Info
        }
    }

    /// The action of a finding about a file the base image brought (the
    /// binary policies judge every binary, and a Debian base alone has
    /// hundreds with partial RELRO): it warns, unless the policy file set
    /// the rule's action or chose the strict profile, where every finding
    /// fails. Fixing them is the base image maintainer's to do; `[hardening]
    /// scope = "build"` leaves them out altogether.
    pub fn base_action(&self, rule: &Rule, action: Action) -> Action {
        if always_fails(rule.code) {
            return Action::Fail;
        }
        let explicit = self
            .overrides
            .get(rule.code)
            .is_some_and(|o| o.action.is_some());
        if action == Action::Fail && !explicit && self.fail_on != Some(Severity::Info) {
            Action::Warn
        } else {
            action
        }
    }

    /// Whether the rule is judged only on what this build added (`scope =
    /// "build"`): its own `[rule.…] scope` when set, else, for the binary
    /// hardening (SQ18xxx) and debug artefact (SQ34202–SQ34204) policies,
    /// `[hardening] scope`.
    pub fn build_only(&self, rule: &Rule) -> bool {
        match self.overrides.get(rule.code).and_then(|o| o.build_only) {
            Some(own) => own,
            None => {
                self.hardening_build_only
                    && (rule.category == portcullis_rules::Category::BinaryHardening
                        || matches!(rule.code, "SQ34202" | "SQ34203" | "SQ34204"))
            }
        }
    }

    /// Whether an exception matches images by digest, so every digest of a
    /// target must be computed (see [`Exception::images_name_digest`]).
    pub fn names_digests(&self) -> bool {
        self.exceptions.iter().any(|e| e.images_name_digest)
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        always_fails(rule.code) || !self.disabled.iter().any(|d| d == rule.code)
    }

    /// What `portcullis config check` warns about: exceptions that cannot
    /// suppress anything — expired (judged on `today`), covering only rules
    /// the policy disables, or covering only the policy file's own rules
    /// (SQ49xxx, which exceptions never suppress). Each at its exception.
    pub fn warnings(&self) -> Vec<PolicyError> {
        let mut out = Vec::new();
        for e in &self.exceptions {
            let Location::Policy {
                path, line, column, ..
            } = &e.at
            else {
                continue;
            };
            let rules = e.rules.join(", ");
            let mut warn = |message: String| {
                out.push(PolicyError {
                    path: path.clone(),
                    line: *line,
                    column: *column,
                    message,
                    source_line: e.text.lines().next().unwrap_or("").to_owned(),
                })
            };
            if let Some(last) = e.expires.filter(|_| !e.active(self.today)) {
                warn(format!(
                    "the exception for {rules} expired on {last} (today is {}); it no longer applies",
                    self.today
                ));
            }
            let meta_codes: Vec<&str> = meta::RULES.iter().map(|r| r.code).collect();
            if e.rules.iter().all(|r| meta_codes.contains(r)) {
                warn(format!(
                    "the exception for {rules} covers only the policy file's own rules, which exceptions never suppress"
                ));
            } else if e.rules.iter().all(|r| self.disabled.iter().any(|d| d == r)) {
                warn(format!(
                    "the exception for {rules} covers only rules this policy disables"
                ));
            } else {
                let off: Vec<&str> = e
                    .rules
                    .iter()
                    .copied()
                    .filter(|r| self.disabled.iter().any(|d| d == r))
                    .collect();
                if !off.is_empty() {
                    warn(format!(
                        "the exception names {}, which this policy disables",
                        off.join(", ")
                    ));
                }
            }
        }
        out
    }

    /// The exception that suppresses `f` in `target`, if any applies today.
    fn exception_for(&self, target: &TargetRef, f: &ReportedFinding) -> Option<&Exception> {
        if target.kind == meta::KIND {
            return None;
        }
        self.exceptions
            .iter()
            .find(|e| e.active(self.today) && e.covers(target, f))
    }

    /// Apply the policy to one target's rule outcomes.
    pub fn evaluate(
        &self,
        target: TargetInfo,
        outcomes: Vec<(&'static Rule, Outcome)>,
    ) -> TargetReport {
        self.evaluate_with(target, outcomes, &[])
    }

    /// Apply the policy to one target's rule outcomes, with the inline
    /// suppressions of its Dockerfile (see [`inline::suppressions`]). Those
    /// that suppress nothing, name no rule, are not above an instruction, or
    /// lack a reason the policy requires are reported at their comment.
    pub fn evaluate_with(
        &self,
        target: TargetInfo,
        outcomes: Vec<(&'static Rule, Outcome)>,
        inline: &[InlineSuppression],
    ) -> TargetReport {
        let target_ref = TargetRef {
            target: &target.target,
            kind: &target.kind,
            digest: target.digest.as_deref(),
            path: target.path.as_deref(),
            references: &target.references,
        };
        let mut policies = Vec::with_capacity(outcomes.len());
        let mut findings = Vec::new();
        let mut notes = Vec::new();
        // Which codes of each suppression suppressed something.
        let mut used: Vec<Vec<bool>> = inline.iter().map(|s| vec![false; s.codes.len()]).collect();
        let applies = |s: &InlineSuppression| s.reason.is_some() || !self.require_reason;
        let mut suppress = |f: &ReportedFinding| -> Option<Suppression> {
            for (i, s) in inline.iter().enumerate() {
                if applies(s) && s.covers(target_ref.target, &f.rule, &f.location) {
                    if let Some(k) = s.codes.iter().position(|c| *c == f.rule) {
                        used[i][k] = true;
                    }
                    return Some(Suppression {
                        by: "inline".into(),
                        reason: s
                            .reason
                            .clone()
                            .unwrap_or_else(|| "(no reason given)".into()),
                    });
                }
            }
            None
        };
        self.judge(
            &target_ref,
            outcomes,
            &mut suppress,
            &mut policies,
            &mut findings,
            &mut notes,
        );
        if !inline.is_empty() {
            let outcomes = self.suppression_findings(&target.target, inline, &used);
            self.judge(
                &target_ref,
                outcomes,
                &mut |_| None,
                &mut policies,
                &mut findings,
                &mut notes,
            );
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
            references: target.references,
            verdict,
            policies,
            findings,
            notes,
            source: target.source,
            texts: Vec::new(),
            image: None,
            lxd: None,
            config: None,
            hidden: None,
            os: None,
            packages: None,
            vulnerabilities: None,
        }
    }

    /// Severity, action and suppression of each finding; each rule's status.
    fn judge(
        &self,
        target: &TargetRef,
        outcomes: Vec<(&'static Rule, Outcome)>,
        inline: &mut dyn FnMut(&ReportedFinding) -> Option<Suppression>,
        policies: &mut Vec<PolicyResult>,
        findings: &mut Vec<ReportedFinding>,
        notes: &mut Vec<Note>,
    ) {
        for (rule, outcome) in outcomes {
            if !self.enabled(rule) {
                continue;
            }
            let status = match outcome {
                Outcome::NotApplicable { reason } => {
                    policies.push(PolicyResult {
                        rule: rule.code.to_owned(),
                        status: Status::NotApplicable,
                        reason,
                    });
                    continue;
                }
                Outcome::Checked {
                    findings: found,
                    notes: found_notes,
                } => {
                    notes.extend(found_notes);
                    let action = self.action(rule);
                    let base_action = self.base_action(rule, action);
                    let severity = self.severity(rule);
                    let reported: Vec<ReportedFinding> = found
                        .into_iter()
                        .map(|f| {
                            let mut reported = ReportedFinding {
                                rule: rule.code.to_owned(),
                                title: rule.title.to_owned(),
                                category: rule.category,
                                severity,
                                action: if f.from_base { base_action } else { action },
                                message: f.message,
                                location: f.location,
                                related: f.related,
                                remediation: f
                                    .remediation
                                    .unwrap_or_else(|| rule.remediation.to_owned()),
                                fingerprint: f.fingerprint,
                                suppressed: None,
                                secret: f.secret,
                                vulnerability: f.vulnerability,
                            };
                            let preset = f.suppressed.map(|s| Suppression {
                                by: s.by.to_owned(),
                                reason: s.reason,
                            });
                            // Tampering is not the policy's to accept.
                            reported.suppressed = if always_fails(rule.code) {
                                None
                            } else {
                                preset.or_else(|| inline(&reported)).or_else(|| {
                                    self.exception_for(target, &reported).map(|e| Suppression {
                                        by: "exception".into(),
                                        reason: match &e.ticket {
                                            Some(ticket) => format!("{} ({ticket})", e.reason),
                                            None => e.reason.clone(),
                                        },
                                    })
                                })
                            };
                            reported
                        })
                        .collect();
                    let status = status_of(&reported);
                    findings.extend(reported);
                    status
                }
            };
            policies.push(PolicyResult {
                rule: rule.code.to_owned(),
                reason: None,
                status,
            });
        }
    }

    /// Findings about the inline suppressions themselves, as rule outcomes.
    fn suppression_findings(
        &self,
        target: &str,
        inline: &[InlineSuppression],
        used: &[Vec<bool>],
    ) -> Vec<(&'static Rule, Outcome)> {
        let known = known_codes();
        let mut found = Vec::new();
        for (s, used) in inline.iter().zip(used) {
            let names = s.codes.join(", ");
            let mut report = |rule: &'static Rule, message: String| {
                found.push(Finding {
                    rule: rule.code,
                    message,
                    location: s.at.clone(),
                    related: Vec::new(),
                    snippet: s.text.clone(),
                    fingerprint: String::new(),
                    secret: None,
                    vulnerability: None,
                    remediation: None,
                    suppressed: None,
                    from_base: false,
                });
            };
            if let Some(why) = &s.malformed {
                report(
                    &meta::MALFORMED_SUPPRESSION,
                    format!("`{}` is not applied: {why}", exception::excerpt(&s.text)),
                );
                continue;
            }
            if s.reason.is_none() && self.require_reason {
                report(
                    &meta::NO_REASON,
                    format!("the suppression of {names} gives no reason=\"…\", which this policy requires (require-reason = true); it is not applied"),
                );
                continue;
            }
            if s.codes.is_empty() {
                report(
                    &meta::UNUSED_SUPPRESSION,
                    "the suppression names no rule".into(),
                );
                continue;
            }
            if !s.attached {
                report(
                    &meta::UNUSED_SUPPRESSION,
                    format!("the suppression of {names} is not directly above an instruction, so it suppresses nothing"),
                );
                continue;
            }
            for (code, used) in s.codes.iter().zip(used) {
                if !known.contains(&code.as_str()) {
                    report(
                        &meta::UNUSED_SUPPRESSION,
                        format!("the suppression names `{code}`, which is not a rule"),
                    );
                } else if !used {
                    report(
                        &meta::UNUSED_SUPPRESSION,
                        format!("the suppression of {code} suppressed nothing"),
                    );
                }
            }
        }
        portcullis_rules::finding::fingerprint(target, &mut found);
        [
            &meta::UNUSED_SUPPRESSION,
            &meta::NO_REASON,
            &meta::MALFORMED_SUPPRESSION,
        ]
        .into_iter()
        .map(|rule| {
            (
                rule,
                Outcome::Checked {
                    findings: found
                        .iter()
                        .filter(|f| f.rule == rule.code)
                        .cloned()
                        .collect(),
                    notes: Vec::new(),
                },
            )
        })
        .collect()
    }

    /// The policy file's own findings after a scan: expired exceptions, and
    /// exceptions that matched no finding of `reports`. A target of kind
    /// `policy` named after the file, or `None` when there is nothing to say.
    pub fn policy_findings(&self, reports: &[TargetReport]) -> Option<TargetReport> {
        let file = self.file.as_ref()?;
        let mut expired = Vec::new();
        let mut unused = Vec::new();
        for e in &self.exceptions {
            let rules = e.rules.join(", ");
            if !e.active(self.today) {
                let last = e.expires.map(|d| d.to_string()).unwrap_or_default();
                expired.push(meta::finding(
                    &meta::EXPIRED,
                    format!(
                        "the exception for {rules} expired on {last} and no longer applies (reason: {})",
                        e.reason
                    ),
                    e,
                ));
                continue;
            }
            let used = reports.iter().filter(|t| t.kind != meta::KIND).any(|t| {
                let target = TargetRef {
                    target: &t.target,
                    kind: &t.kind,
                    digest: t.digest.as_deref(),
                    path: t.path.as_deref(),
                    references: &t.references,
                };
                t.findings.iter().any(|f| e.covers(&target, f))
            });
            if !used {
                unused.push(meta::finding(
                    &meta::UNUSED,
                    format!("the exception for {rules} matched no finding in this scan"),
                    e,
                ));
            }
        }
        if expired.is_empty() && unused.is_empty() {
            return None;
        }
        let mut all: Vec<Finding> = expired.into_iter().chain(unused).collect();
        portcullis_rules::finding::fingerprint(file, &mut all);
        let outcomes = [&meta::EXPIRED, &meta::UNUSED]
            .into_iter()
            .map(|rule| {
                (
                    rule,
                    Outcome::Checked {
                        findings: all
                            .iter()
                            .filter(|f| f.rule == rule.code)
                            .cloned()
                            .collect(),
                        notes: Vec::new(),
                    },
                )
            })
            .collect();
        let report = self.evaluate(
            TargetInfo {
                target: file.clone(),
                kind: meta::KIND.into(),
                digest: None,
                path: Some(file.clone()),
                references: Vec::new(),
                source: None,
            },
            outcomes,
        );
        (!report.findings.is_empty()).then_some(report)
    }
}

/// A file's text as read, named as its locations name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceText {
    pub path: String,
    pub text: String,
}

impl SourceText {
    /// Line `line` (1-based) without its line break; `None` past the end.
    pub fn line(&self, line: usize) -> Option<&str> {
        let text = self.text.strip_prefix('\u{feff}').unwrap_or(&self.text);
        text.split('\n')
            .nth(line.checked_sub(1)?)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

/// What identifies a scanned target.
pub struct TargetInfo {
    pub target: String,
    pub kind: String,
    pub digest: Option<String>,
    /// The file or directory the target was read from; `None` for standard input.
    pub path: Option<String>,
    /// An image's references: RepoTags, OCI ref names, registry references.
    pub references: Vec<String>,
    pub source: Option<Arc<SourceFile>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyResult {
    pub rule: String,
    pub status: Status,
    /// Why a policy is not applicable, when it is one that can never be
    /// (the online secret checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// A secret's kind, masked preview and value fingerprint (never the
    /// value); absent for other findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<portcullis_rules::SecretValue>,
    /// A vulnerability's ids and package; absent for other findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<portcullis_rules::VulnerabilityRef>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetReport {
    pub target: String,
    /// What the target is: `dockerfile`; `kubernetes` (a manifest stream:
    /// a file or standard input) or `compose` (a Compose project, named by
    /// its main file); or the image's source: `docker-archive`, `oci`,
    /// `oci-archive`, `registry`, `docker-daemon`, `lxd`.
    pub kind: String,
    pub digest: Option<String>,
    /// The file or directory the target was read from, as given: a
    /// Dockerfile, an image archive or an OCI layout directory (several
    /// images of one archive share it); `null` for standard input. Renderers
    /// that need a file (SARIF) point at it.
    #[serde(default)]
    pub path: Option<String>,
    /// An image's references in its source (`RepoTags` of a docker-archive,
    /// `org.opencontainers.image.ref.name` of an OCI layout, a registry
    /// reference); absent when there are none, and in older reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
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
    /// The text of each Kubernetes manifest or Compose file the target was
    /// read from (a Compose project's main file, its override and `.env`),
    /// for renderers that show the source line of a `manifest` location.
    #[serde(skip)]
    pub texts: Vec<Arc<SourceText>>,
    /// Image targets: the layers and the history as read, for renderers that
    /// draw them (HTML). Absent (`None`) for Dockerfiles and in reports
    /// written before this field existed; such reports still read and render.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageDetails>,
    /// LXD image targets: the image's metadata and how it is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lxd: Option<LxdDetails>,
    /// Image and LXD targets: the operating system, from `os-release`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<portcullis_packages::Os>,
    /// Image and LXD targets: every package, once. Absent for Dockerfiles,
    /// when the package pass did not run, and in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Vec<portcullis_packages::InstalledPackage>>,
    /// Image targets: the runtime configuration (platform, user,
    /// entrypoint, cmd, ports, labels). Absent for Dockerfiles, LXD images
    /// and in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigSummary>,
    /// Suppressed findings left out of `findings` (`--hide-suppressed`),
    /// by what suppressed them; absent when none were left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
    /// The packages' known vulnerabilities, once per (vulnerability,
    /// package), VEX-suppressed ones included (with the VEX verdict).
    /// Absent when no advisory database was loaded, for Dockerfiles, and in
    /// older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerabilities: Option<Vec<portcullis_advisories::Vulnerability>>,
}

/// An LXD image as read: `metadata.yaml` and the root filesystem's format.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LxdDetails {
    /// `unified` (one tarball) or `split` (metadata tarball plus rootfs).
    pub layout: String,
    /// LXD's fingerprint of the image (`sha256:…`); `null` when it was not
    /// computed (a squashfs rootfs, without `--full-digests`).
    #[serde(default)]
    pub fingerprint: Option<String>,
    pub architecture: String,
    /// `metadata.yaml`'s `creation_date`, as RFC 3339 (UTC).
    pub creation_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `tar` or `squashfs`.
    pub rootfs_format: String,
    pub compression: String,
    /// Entries of the root filesystem.
    pub entries: usize,
}

/// What an image is made of, for a person to see where findings sit: its
/// layers in order, its history and where the base image ends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(
    title = "portcullis report",
    description = "The JSON report (`portcullis scan --format json`), schema_version 1.",
    extend("$id" = "urn:portcullis:report.schema.json")
)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// When the scan ran and what it was judged by; absent in reports made
    /// without a scan (built in code) and in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanInfo>,
    pub verdict: Verdict,
    pub targets: Vec<TargetReport>,
}

/// The JSON Schema of the JSON report (docs/report.schema.json), from the
/// report model's own types, pretty-printed, newline-terminated.
pub fn report_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
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
            scan: None,
            verdict,
            targets,
        }
    }
}
