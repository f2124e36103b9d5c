//! JUnit XML, for the test views of GitLab, Jenkins and the like: one test
//! suite per target, one test case per policy. A policy that fails the gate
//! is a failure carrying its findings; one whose findings only warn (or are
//! suppressed) passes, with the findings in its output; one that does not
//! apply to the target is skipped.

use std::fmt::Write;

use portcullis_policy::{Report, ReportedFinding, Status, TargetReport};
use portcullis_rules::registry;
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

pub fn render_junit(report: &Report) -> String {
    let mut junit = quick_junit::Report::new("portcullis");
    for target in &report.targets {
        junit.add_test_suite(suite(target));
    }
    match junit.to_string() {
        Ok(mut xml) => {
            if !xml.ends_with('\n') {
                xml.push('\n');
            }
            xml
        }
        // Writing to a String cannot fail; say so in the output if it ever does.
        Err(e) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- could not write the report: {} -->\n",
            xml_text(&e.to_string()).replace("--", "- -")
        ),
    }
}

fn suite(target: &TargetReport) -> TestSuite {
    let mut suite = TestSuite::new(xml_text(&target.target));
    suite.add_property(Property::new("kind", xml_text(&target.kind)));
    if let Some(digest) = &target.digest {
        suite.add_property(Property::new("digest", xml_text(digest)));
    }
    suite.add_property(Property::new("verdict", verdict(target)));
    for policy in &target.policies {
        let findings: Vec<&ReportedFinding> = target
            .findings
            .iter()
            .filter(|f| f.rule == policy.rule)
            .collect();
        let rule = registry::find(&policy.rule);
        let title = rule
            .map(|r| r.title)
            .or_else(|| findings.first().map(|f| f.title.as_str()))
            .unwrap_or("");
        let category = rule
            .map(|r| r.category)
            .or_else(|| findings.first().map(|f| f.category));
        let status = match policy.status {
            Status::NotApplicable => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(match &policy.reason {
                    Some(reason) => format!("not applicable: {}", xml_text(reason)),
                    None => format!("does not apply to a {}", xml_text(&target.kind)),
                });
                s
            }
            Status::Fail => {
                let failing: Vec<&ReportedFinding> = findings
                    .iter()
                    .copied()
                    .filter(|f| f.suppressed.is_none())
                    .collect();
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(summary(&failing));
                if let Some(f) = failing.first() {
                    s.set_type(f.severity.as_str());
                }
                s.set_description(details(&findings));
                s
            }
            Status::Pass | Status::Warn | Status::Info | Status::Suppressed => {
                TestCaseStatus::success()
            }
        };
        let mut case = TestCase::new(xml_text(&format!("{} {title}", policy.rule)), status);
        if let Some(category) = category {
            case.set_classname(format!("portcullis.{}", category.as_str()));
        }
        if policy.status != Status::Fail && !findings.is_empty() {
            // Findings that do not fail the gate are still worth reading.
            case.set_system_out(details(&findings));
        }
        suite.add_test_case(case);
    }
    suite
}

fn verdict(target: &TargetReport) -> &'static str {
    match target.verdict {
        portcullis_policy::Verdict::Pass => "pass",
        portcullis_policy::Verdict::Fail => "fail",
    }
}

/// The failure's one-line message: the first finding, and how many more.
fn summary(findings: &[&ReportedFinding]) -> String {
    match findings {
        [] => String::new(),
        [one] => xml_text(&one.message),
        [first, rest @ ..] => format!(
            "{} (and {} more finding{})",
            xml_text(&first.message),
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

/// Every finding with its location, related locations and the fix.
fn details(findings: &[&ReportedFinding]) -> String {
    let mut out = String::new();
    for f in findings {
        let label = match (&f.suppressed, f.action) {
            (Some(_), _) => "SUPPRESSED",
            (None, portcullis_policy::Action::Fail) => "FAIL",
            (None, portcullis_policy::Action::Warn) => "WARN",
            (None, portcullis_policy::Action::Info) => "INFO",
        };
        let _ = writeln!(
            out,
            "{label} {} ({}): {}",
            f.rule,
            f.severity,
            xml_text(&f.message)
        );
        let _ = writeln!(out, "  at {}", xml_text(&crate::describe(&f.location)));
        for r in &f.related {
            let _ = writeln!(out, "  related: {}", xml_text(&crate::describe(r)));
        }
        if let Some(s) = &f.suppressed {
            let _ = writeln!(
                out,
                "  suppressed ({}): {}",
                xml_text(&s.by),
                xml_text(&s.reason)
            );
        }
        let _ = writeln!(out, "  fix: {}", xml_text(&f.remediation));
    }
    out
}

/// Text from the input, fit for XML: control characters (which XML 1.0
/// cannot hold, and which quick-junit would silently drop) and the
/// non-characters U+FFFE/U+FFFF are shown escaped. Newlines and tabs stay.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_dropped() {
        assert_eq!(
            xml_text("a\x1b[2Jb\r\nc\td\u{fffe}"),
            "a\\u{1b}[2Jb\\u{d}\nc\td\\u{fffe}"
        );
    }
}
