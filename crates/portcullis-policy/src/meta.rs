//! The policy file's own rules: findings about `portcullis.toml` itself,
//! located at a line of it. They are not run on subjects (no check); the
//! policy reports them after a scan, in a target of kind `policy`. Like any
//! rule they can be disabled or given a severity and action.

use portcullis_rules::registry::Doc;
use portcullis_rules::{Category, Finding, Located, Rule, Severity, Subject};

use crate::exception::Exception;

/// The `kind` of the target that carries the policy file's findings.
pub const KIND: &str = "policy";

fn no_check(_: &Subject, _: &mut portcullis_rules::Findings) {}

pub static EXPIRED: Rule = Rule {
    code: "SQ49001",
    name: "expired-exception",
    title: "A policy exception has expired",
    category: Category::Policy,
    severity: Severity::Low,
    remediation: "Fix the findings the exception covered, or, if the risk is still accepted, renew the exception with a new `expires` date and reason.",
    applies_to: &[],
    doc: Doc {
        what: "An `[[exception]]` in the policy file whose `expires` date has passed. It stops applying the day after that date, so the findings it covered count again.",
        why: "Exceptions are accepted for a time; an expired one is a decision that needs to be made again, not a silent failure.",
        fix: "Fix the findings, or renew the exception: a new `expires` date and an up-to-date `reason`.",
        bad: "",
        good: "",
    },
    check: no_check,
};

pub static UNUSED: Rule = Rule {
    code: "SQ49002",
    name: "unused-exception",
    title: "A policy exception matched no finding",
    category: Category::Policy,
    severity: Severity::Low,
    remediation: "Remove the exception, or correct its rules and scope so it covers what it was meant to.",
    applies_to: &[],
    doc: Doc {
        what: "An `[[exception]]` in the policy file that covered no finding in the scan.",
        why: "A stale exception is a standing permission: when the finding comes back, or a new one appears in its scope, it is silently accepted. A mistyped scope hides nothing and fails the build it was meant to unblock.",
        fix: "Remove it, or fix its `rules`, `images`, `dockerfiles`, `manifests`, `paths` or `ports`.",
        bad: "",
        good: "",
    },
    check: no_check,
};

pub static UNUSED_SUPPRESSION: Rule = Rule {
    code: "SQ49003",
    name: "unused-suppression",
    title: "An inline suppression suppresses nothing",
    category: Category::Policy,
    severity: Severity::Low,
    remediation: "Remove the `# portcullis ignore=…` comment, or correct its rule codes or move it directly above the instruction it is meant for.",
    applies_to: &[],
    doc: Doc {
        what: "A `# portcullis ignore=…` or `ignore-file=…` comment in a Dockerfile that suppressed no finding: the finding is gone, a code is mistyped or names no rule, or the comment is not directly above an instruction (a blank line detaches it).",
        why: "A stale suppression silently accepts the next finding of that rule on that line; a misplaced one suppresses nothing while looking as if it does.",
        fix: "Remove it, or fix its codes or its place.",
        bad: "",
        good: "",
    },
    check: no_check,
};

pub static NO_REASON: Rule = Rule {
    code: "SQ49004",
    name: "suppression-without-reason",
    title: "An inline suppression gives no reason",
    category: Category::Policy,
    severity: Severity::Medium,
    remediation: "Say why the finding is accepted: `# portcullis ignore=CODE reason=\"…\"`.",
    applies_to: &[],
    doc: Doc {
        what: "A `# portcullis ignore=…` comment without `reason=\"…\"` when the policy file sets `require-reason = true`. The suppression is not applied.",
        why: "An accepted risk without a reason cannot be reviewed.",
        fix: "Add `reason=\"…\"` to the comment.",
        bad: "",
        good: "",
    },
    check: no_check,
};

pub static MALFORMED_SUPPRESSION: Rule = Rule {
    code: "SQ49005",
    name: "malformed-suppression",
    title: "An inline suppression is malformed or misplaced",
    category: Category::Policy,
    severity: Severity::Medium,
    remediation: "Write it as `# portcullis ignore=CODE,CODE reason=\"…\"` (or `ignore-file=`) on its own comment line directly above the instruction.",
    applies_to: &[],
    doc: Doc {
        what: "A Dockerfile comment that starts `# portcullis` and is meant as a directive but cannot be applied: a misspelt directive (`ignroe=`), spaces around `=`, codes not separated by commas, a reason with spaces that is not quoted or a quote that is not closed, or a directive on a continuation line inside an instruction (Docker drops such comments). The words are matched case-insensitively (`# Portcullis IGNORE=…` is applied). It suppresses nothing.",
        why: "A suppression that silently fails to parse looks as if it accepts a risk while accepting nothing, or accepts less than it says (a dropped code or reason).",
        fix: "Correct the comment, or move it above the instruction.",
        bad: "",
        good: "",
    },
    check: no_check,
};

/// Every policy-file rule.
pub static RULES: &[&Rule] = &[
    &EXPIRED,
    &UNUSED,
    &UNUSED_SUPPRESSION,
    &NO_REASON,
    &MALFORMED_SUPPRESSION,
];

pub(crate) fn finding(rule: &'static Rule, message: String, e: &Exception) -> Finding {
    let at = Located {
        location: e.at.clone(),
        snippet: e.text.clone(),
    };
    Finding {
        rule: rule.code,
        message,
        location: at.location,
        related: Vec::new(),
        snippet: at.snippet,
        fingerprint: String::new(),
        secret: None,
        vulnerability: None,
        remediation: None,
        suppressed: None,
        from_base: false,
    }
}

/// Look a policy-file rule up by code, case-insensitively.
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// A policy-file rule's documentation as Markdown (`portcullis explain`).
pub fn explain(r: &Rule) -> String {
    format!(
        "## {code} {title}\n\nName: `{name}` · severity: {sev} · category: {cat} · reported about the policy file and inline suppressions (docs/policy.md)\n\n### What it detects\n\n{what}\n\n### Why it matters\n\n{why}\n\n### How to fix it\n\n{fix}\n",
        code = r.code,
        title = r.title,
        name = r.name,
        sev = r.severity,
        cat = r.category.as_str(),
        what = r.doc.what,
        why = r.doc.why,
        fix = r.doc.fix,
    )
}
