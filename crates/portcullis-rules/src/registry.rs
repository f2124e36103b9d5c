//! The one table of rules. `portcullis rules`, `portcullis explain` and
//! docs/rules.md are all printed from these declarations.

use crate::finding::{fingerprint_with, Category, Finding, Findings, Note, Severity};
use crate::rules;
use crate::subject::{Subject, SubjectKind};

/// A rule's documentation, in three parts plus examples.
#[derive(Debug)]
pub struct Doc {
    /// What it detects.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A Dockerfile that violates it (a YAML manifest, for the rules that
    /// apply to manifests only).
    pub bad: &'static str,
    /// The same, fixed.
    pub good: &'static str,
}

#[derive(Debug)]
pub struct Rule {
    /// The code security teams know it by, e.g. `SQ40104`.
    pub code: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// One line, as reports show it.
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// The fix, in one or two sentences, attached to every finding.
    pub remediation: &'static str,
    /// The kinds of subject the rule means something for.
    pub applies_to: &'static [SubjectKind],
    pub doc: Doc,
    pub check: fn(&Subject, &mut Findings),
}

impl Rule {
    pub fn applies(&self, kind: SubjectKind) -> bool {
        self.applies_to.contains(&kind)
    }
}

/// Rules whose findings always fail the gate, whatever the policy file
/// says: their action cannot be set, they cannot be disabled, and no
/// exception or inline suppression covers them (a signature that does not
/// verify is tampering, PC43202). Their severity may still be changed.
pub const ALWAYS_FAILS: &[&str] = &["PC43202"];

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &rules::root_user::RULE,
    &rules::setuid_setgid::RULE,
    &rules::ports::ftp::RULE,
    &rules::ports::ssh::RULE,
    &rules::ports::telnet::RULE,
    &rules::ports::rlogin::RULE,
    &rules::ports::rsh::RULE,
    &rules::ports::rdp::RULE,
    &rules::missing_healthcheck::RULE,
    &rules::add_instruction::RULE,
    &rules::shell_form_cmd::RULE,
    &rules::multiple_cmd::RULE,
    &rules::multiple_entrypoint::RULE,
    &rules::relative_copy_without_workdir::RULE,
    &rules::secrets::known_private_key::RULE,
    &rules::secrets::ssh_private_key::RULE,
    &rules::secrets::ssh_private_key_embedded::RULE,
    &rules::secrets::ssh_private_key_encrypted::RULE,
    &rules::secrets::ssh_private_key_encrypted_embedded::RULE,
    &rules::secrets::pgp_private_key::RULE,
    &rules::secrets::private_certificate::RULE,
    &rules::secrets::private_key::RULE,
    &rules::secrets::private_key_embedded::RULE,
    &rules::secrets::encrypted_private_key::RULE,
    &rules::secrets::encrypted_private_key_embedded::RULE,
    &rules::secrets::vcs_data::RULE,
    &rules::secrets::example_token::RULE,
    &rules::secrets::canary_token::RULE,
    &rules::secrets::online::LIVE_TOKEN,
    &rules::secrets::online::LIVE_API_KEY,
    &rules::secrets::online::LIVE_WEBHOOK,
    &rules::secrets::online::LIVE_CREDENTIALS,
    &rules::secrets::uri_placeholder_credentials::RULE,
    &rules::secrets::uri_credentials::RULE,
    &rules::secrets::service_credentials::RULE,
    &rules::secrets::service_access_token::RULE,
    &rules::secrets::api_key::RULE,
    &rules::secrets::webhook_key::RULE,
    &rules::secrets::online::VERIFIED_TOKEN,
    &rules::secrets::online::VERIFIED_API_KEY,
    &rules::secrets::online::VERIFIED_WEBHOOK,
    &rules::secrets::online::VERIFIED_CREDENTIALS,
    &rules::licenses::build_copyleft::RULE,
    &rules::licenses::base_copyleft::RULE,
    &rules::licenses::static_weak_copyleft::RULE,
    &rules::licenses::warn_family::RULE,
    &rules::licenses::warn_license::RULE,
    &rules::licenses::restricted::RULE,
    &rules::licenses::commercial_use::RULE,
    &rules::licenses::distribution::RULE,
    &rules::licenses::production_use::RULE,
    &rules::licenses::modification::RULE,
    &rules::licenses::patents::RULE,
    &rules::vulnerabilities::kev::RULE,
    &rules::vulnerabilities::exploited::RULE,
    &rules::vulnerabilities::kev_ransomware::RULE,
    &rules::vulnerabilities::critical::RULE,
    &rules::vulnerabilities::high::RULE,
    &rules::vulnerabilities::medium::RULE,
    &rules::vulnerabilities::low::RULE,
    &rules::hardening::executable_stack::RULE,
    &rules::hardening::writable_executable_segment::RULE,
    &rules::hardening::text_relocations::RULE,
    &rules::hardening::no_stack_protector::RULE,
    &rules::hardening::banned_string::RULE,
    &rules::hardening::banned_memory::RULE,
    &rules::hardening::banned_input::RULE,
    &rules::hardening::no_fortify::RULE,
    &rules::hardening::global_stack_guard::RULE,
    &rules::hardening::own_stack_protector::RULE,
    &rules::hardening::not_pie::RULE,
    &rules::hardening::no_relro::RULE,
    &rules::hardening::partial_relro::RULE,
    &rules::hardening::rpath::RULE,
    &rules::hardening::insecure_rpath::RULE,
    &rules::debug_artefacts::debug_database::RULE,
    &rules::debug_artefacts::debug_info::RULE,
    &rules::debug_artefacts::source_paths::RULE,
    &rules::runtime::privileged::RULE,
    &rules::runtime::allow_privilege_escalation::RULE,
    &rules::runtime::capabilities_baseline::RULE,
    &rules::runtime::capabilities_restricted::RULE,
    &rules::runtime::run_as_non_root::RULE,
    &rules::runtime::run_as_user::RULE,
    &rules::runtime::root_groups::RULE,
    &rules::runtime::will_not_start::RULE,
    &rules::runtime::host_namespaces::RULE,
    &rules::runtime::host_ports::RULE,
    &rules::runtime::host_path::RULE,
    &rules::runtime::host_process::RULE,
    &rules::runtime::host_probes::RULE,
    &rules::runtime::seccomp_unconfined::RULE,
    &rules::runtime::seccomp_restricted::RULE,
    &rules::runtime::apparmor::RULE,
    &rules::runtime::selinux::RULE,
    &rules::runtime::proc_mount::RULE,
    &rules::runtime::sysctls::RULE,
    &rules::runtime::restricted_volumes::RULE,
    &rules::runtime::proc_mount_restricted::RULE,
    &rules::runtime::read_only_root::RULE,
    &rules::runtime::resources::RULE,
    &rules::runtime::published_all_interfaces::RULE,
    &rules::runtime::automount_token::RULE,
    &rules::supply_chain::untrusted_source::RULE,
    &rules::supply_chain::unpinned::RULE,
    &rules::supply_chain::latest_tag::RULE,
    &rules::supply_chain::insecure_transport::RULE,
    &rules::supply_chain::unverified_script::RULE,
    &rules::supply_chain::unsigned_image::RULE,
    &rules::supply_chain::tampered_signature::RULE,
    &rules::supply_chain::missing_provenance::RULE,
];

/// Why a rule that applies to no subject is not applicable, when it says
/// (the online secret policies).
pub fn not_applicable_reason(rule: &Rule) -> Option<&'static str> {
    rules::secrets::online::ALL
        .iter()
        .any(|r| r.code == rule.code)
        .then_some(rules::secrets::online::REASON)
}

/// Look a rule up by code, case-insensitively.
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The outcome of running one rule on one subject.
#[derive(Debug)]
pub enum Outcome {
    /// `reason`: why not, when the rule said so for this subject (no
    /// advisory database) or is one that never applies (the online checks).
    NotApplicable { reason: Option<String> },
    Checked {
        findings: Vec<Finding>,
        notes: Vec<Note>,
    },
}

/// Run every rule on `subject`. `target` names the subject in fingerprints.
pub fn check(subject: &Subject, target: &str) -> Vec<(&'static Rule, Outcome)> {
    let mut all: Vec<Finding> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    let mut applicable = Vec::new();
    let mut declined: Vec<(&'static str, String)> = Vec::new();
    for rule in RULES {
        if !rule.applies(subject.kind) {
            continue;
        }
        let mut out = Findings {
            rule: rule.code,
            items: Vec::new(),
            notes: Vec::new(),
            not_applicable: None,
        };
        (rule.check)(subject, &mut out);
        if let Some(reason) = out.not_applicable {
            declined.push((rule.code, reason));
            notes.extend(out.notes);
            continue;
        }
        applicable.push(rule.code);
        all.extend(out.items);
        notes.extend(out.notes);
    }
    // A Dockerfile finding's key holds the whole source lines it is on (as
    // written: `${DEBIAN_TAG}`, not its value), so that `ADD a.txt /a` and
    // `ADD b.txt /a` differ although both are located at `ADD`.
    // A secret's key holds its value's fingerprint: two secrets in one file
    // are two findings whatever their order.
    let lines = |f: &Finding| -> String {
        if let Some(secret) = &f.secret {
            return secret.fingerprint.clone();
        }
        // A license or vulnerability finding's snippet names its package
        // (and the vulnerability): many packages share one database file.
        if find(f.rule)
            .is_some_and(|r| matches!(r.category, Category::Licenses | Category::Vulnerabilities))
        {
            return f.snippet.clone();
        }
        match (&f.location, &subject.source) {
            (crate::Location::Dockerfile { line, end_line, .. }, Some(src)) => src
                .dockerfile
                .source
                .lines()
                .skip(line.saturating_sub(1))
                .take(end_line.saturating_sub(*line) + 1)
                .flat_map(str::split_whitespace)
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        }
    };
    fingerprint_with(target, &mut all, &lines);
    if let Some(caveat) = subject.image.as_ref().and_then(|i| i.boundary_caveat()) {
        for f in &mut all {
            // Where the base ends does not change what a secret leaks.
            if matches!(f.location, crate::Location::History { .. }) && f.secret.is_none() {
                f.message.push_str(&caveat);
            }
        }
    }

    RULES
        .iter()
        .map(|rule| {
            let outcome = if applicable.contains(&rule.code) {
                Outcome::Checked {
                    findings: all
                        .iter()
                        .filter(|f| f.rule == rule.code)
                        .cloned()
                        .collect(),
                    notes: notes
                        .iter()
                        .filter(|n| n.rule == rule.code)
                        .cloned()
                        .collect(),
                }
            } else {
                Outcome::NotApplicable {
                    reason: declined
                        .iter()
                        .find(|(code, _)| *code == rule.code)
                        .map(|(_, reason)| reason.clone())
                        .or_else(|| not_applicable_reason(rule).map(str::to_owned)),
                }
            };
            (*rule, outcome)
        })
        .collect()
}

/// Whether a finding is about what the base image brought: a file of its
/// layers (or marked so by its rule), or one of its history entries.
/// Findings at the config (`/config/User`, `ExposedPorts`) are the final
/// image's, whoever set them, and never the base's.
pub fn from_base(subject: &Subject, finding: &Finding) -> bool {
    let Some(image) = &subject.image else {
        return false;
    };
    finding.from_base
        || match &finding.location {
            crate::Location::Layer { index, .. } => image
                .layer_history
                .get(*index)
                .copied()
                .flatten()
                .is_some_and(|entry| image.boundary.is_base(entry)),
            crate::Location::History { index, .. } => image.boundary.is_base(*index),
            _ => false,
        }
}

/// The policy file's `scope = "build"`: the findings of the rules `build`
/// names that are about the base image (see [`from_base`]) are dropped,
/// and each such rule gets a note saying how many. When no base boundary
/// is known (an image of several layers with none, or its labels declare a
/// base the history does not show; an LXD image, which has no base) the
/// returned note says that nothing was left out.
pub fn scope_to_build(
    subject: &Subject,
    outcomes: &mut [(&'static Rule, Outcome)],
    build: &dyn Fn(&Rule) -> bool,
) -> Option<Note> {
    let image = subject.image.as_ref()?;
    let mut scoped = Vec::new();
    for (rule, outcome) in outcomes.iter_mut() {
        let Outcome::Checked { findings, notes } = outcome else {
            continue;
        };
        if !build(rule) {
            continue;
        }
        scoped.push(rule.code);
        let before = findings.len();
        findings.retain(|f| !from_base(subject, f));
        let dropped = before - findings.len();
        if dropped > 0 {
            let (last, what) = match image.boundary {
                portcullis_image::history::Boundary::Base { last, how } => (last, how.describe()),
                portcullis_image::history::Boundary::NoBase => (0, ""),
            };
            let entries = match last {
                0 => "history entry 0".to_owned(),
                n => format!("history entries 0 to {n}"),
            };
            notes.push(Note {
                rule: rule.code.into(),
                message: format!(
                    "scope = \"build\": {dropped} finding{} about the base image ({entries}, up to {what}) left out",
                    if dropped == 1 { "" } else { "s" }
                ),
                location: crate::Location::Config {
                    pointer: "/history".into(),
                },
            });
        }
    }
    if scoped.is_empty() || image.boundary != portcullis_image::history::Boundary::NoBase {
        return None;
    }
    let codes = scoped.join(", ");
    let message = match subject.kind {
        SubjectKind::Lxd => {
            return Some(Note {
                rule: "base-boundary".into(),
                message: format!(
                    "scope = \"build\" ({codes}) leaves nothing out: an LXD image is one root filesystem with no base image, so all of it is judged"
                ),
                // Its rootfs, as LXD findings are located.
                location: crate::Location::Layer {
                    index: 0,
                    digest: image.diff_ids.first().cloned().unwrap_or_default(),
                    path: "/".into(),
                    line: None,
                    column: None,
                },
            });
        }
        _ if image.diff_ids.len() > 1 || image.declared_base.is_some() => format!(
            "scope = \"build\" ({codes}) leaves nothing out: no base boundary is known, so every layer and history entry is taken as this build's; {}",
            crate::subject::boundary_advice(image.declared_base.as_ref())
        ),
        // One layer and no base declared: a FROM scratch build, all its own.
        _ => return None,
    };
    Some(Note {
        rule: "base-boundary".into(),
        message,
        location: crate::Location::Config {
            pointer: "/history".into(),
        },
    })
}

/// The rules documentation (docs/rules.md), generated from the declarations.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated by `portcullis rules --markdown` from the rule declarations; do not edit. -->\n\n| code | name | severity | category | title |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| [{code}](#{lower}) | `{}` | {} | {} | {} |\n",
            r.name,
            r.severity,
            r.category.as_str(),
            r.title,
            code = r.code,
            lower = r.code.to_ascii_lowercase(),
        ));
    }
    for r in RULES {
        // An explicit anchor: `#sq40101` is what the table above and SARIF's
        // helpUri link to; GitHub would otherwise derive one from the whole heading.
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n\n",
            r.code.to_ascii_lowercase()
        ));
        out.push_str(&explain(r));
    }
    out
}

/// One rule's documentation as Markdown (`portcullis explain CODE`).
pub fn explain(r: &Rule) -> String {
    let kinds: Vec<&str> = r.applies_to.iter().map(|k| k.as_str()).collect();
    let kinds = match not_applicable_reason(r) {
        Some(reason) if kinds.is_empty() => vec![reason],
        _ => kinds,
    };
    // Secret policies' examples hold markers, never a secret.
    let markers = if r.category == Category::SensitiveInformation
        && (r.doc.bad.contains("{{") || r.doc.good.contains("{{"))
    {
        "\n\nIn the examples, `{{fake:KIND:N}}` stands for a token of that kind and `{{key:NAME}}` for a private key: the tests put fake ones there; the docs never hold a secret."
    } else {
        ""
    };
    // Manifest rules' examples are Kubernetes YAML, the others' Dockerfiles.
    let lang = if r.applies_to == [SubjectKind::Manifest] {
        "yaml"
    } else {
        "dockerfile"
    };
    format!(
        "## {code} {title}\n\nName: `{name}` · severity: {sev} · category: {cat} · applies to: {kinds}\n\n### What it detects\n\n{what}\n\n### Why it matters\n\n{why}\n\n### How to fix it\n\n{fix}{markers}\n\nBad:\n\n```{lang}\n{bad}```\n\nGood:\n\n```{lang}\n{good}```\n",
        code = r.code,
        title = r.title,
        name = r.name,
        sev = r.severity,
        cat = r.category.as_str(),
        kinds = kinds.join(", "),
        what = r.doc.what,
        why = r.doc.why,
        fix = r.doc.fix,
        bad = r.doc.bad,
        good = r.doc.good,
    )
}
