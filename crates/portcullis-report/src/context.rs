//! What the reports for people say about the run and about an image's
//! configuration, in words shared by the human, Markdown and HTML reports.
//! Plain text, not yet escaped for the format: each renderer escapes it.

use portcullis_policy::{ConfigSummary, ScanInfo, TargetReport};

/// Labels shown per image; the JSON report has every one.
pub(crate) const LABELS_SHOWN: usize = 8;
/// Characters of a label value or a command shown.
pub(crate) const VALUE_SHOWN: usize = 80;
/// Exceptions listed; the JSON report has every one.
pub(crate) const EXCEPTIONS_SHOWN: usize = 10;

/// At most `max` characters, the cut marked with an ellipsis.
pub(crate) fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The scan block as lines: when, the policy and threshold, the
/// exceptions, the baseline, the advisory database.
pub(crate) fn scan_lines(scan: &ScanInfo) -> Vec<String> {
    let mut lines = vec![format!(
        "Scanned {} in {} by portcullis {}",
        scan.started,
        duration(scan.duration_ms),
        scan.tool_version
    )];
    let mut policy = format!(
        "Policy: {}; fail-on {}",
        scan.policy_file.as_deref().unwrap_or("built-in default"),
        scan.fail_on
    );
    if let Some(profile) = &scan.profile {
        policy.push_str(&format!(", profile {profile}"));
    }
    if scan.exceptions.is_empty() {
        policy.push_str("; no exceptions");
        lines.push(policy);
    } else {
        let active = scan.exceptions.iter().filter(|e| e.active).count();
        policy.push_str(&format!(
            "; {} exception{} ({active} in effect on {})",
            scan.exceptions.len(),
            if scan.exceptions.len() == 1 { "" } else { "s" },
            scan.today
        ));
        lines.push(policy);
        for e in scan.exceptions.iter().take(EXCEPTIONS_SHOWN) {
            lines.push(format!(
                "  {} {}: {} ({})",
                e.rules.join(", "),
                match (&e.expires, e.active) {
                    (Some(d), true) => format!("until {d}"),
                    (Some(d), false) => format!("expired {d}"),
                    (None, _) => "no expiry".to_owned(),
                },
                cut(&e.reason, VALUE_SHOWN),
                e.at
            ));
        }
        if scan.exceptions.len() > EXCEPTIONS_SHOWN {
            lines.push(format!(
                "  … {} more (the JSON report lists every one)",
                scan.exceptions.len() - EXCEPTIONS_SHOWN
            ));
        }
    }
    if let Some(baseline) = &scan.baseline {
        lines.push(format!("Baseline: {baseline}"));
    }
    if let Some(db) = &scan.advisory_db {
        lines.push(format!(
            "Advisory database: {}, built {} ({} old)",
            db.path,
            db.built,
            age(db.age_seconds)
        ));
    }
    lines
}

fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

fn age(secs: u64) -> String {
    match secs {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 3600 => format!("{} hours", s / 3600),
        s => format!("{} minutes", s / 60),
    }
}

/// An image target's references and configuration, as lines.
pub(crate) fn image_lines(t: &TargetReport) -> Vec<String> {
    let mut lines = Vec::new();
    if !t.references.is_empty() {
        lines.push(format!("References: {}", t.references.join(", ")));
    }
    if let Some(c) = &t.config {
        lines.push(config_line(c));
        if !c.labels.is_empty() {
            let shown: Vec<String> = c
                .labels
                .iter()
                .take(LABELS_SHOWN)
                .map(|(k, v)| format!("{}={}", cut(k, VALUE_SHOWN), cut(v, VALUE_SHOWN)))
                .collect();
            let more = c.labels.len().saturating_sub(LABELS_SHOWN);
            lines.push(format!(
                "Labels ({}): {}{}",
                c.labels.len(),
                shown.join(", "),
                if more > 0 {
                    format!(", … {more} more (the JSON report has every one)")
                } else {
                    String::new()
                }
            ));
        }
    }
    lines
}

/// "Config: linux/arm64/v8, user app, entrypoint ["/app"], cmd none, workdir /srv, ports 8080/tcp".
fn config_line(c: &ConfigSummary) -> String {
    let platform: Vec<&str> = [&c.os, &c.architecture, &c.variant]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    let list = |l: &Option<Vec<String>>| match l {
        Some(items) => cut(
            &serde_json::to_string(items).unwrap_or_default(),
            VALUE_SHOWN,
        ),
        None => "none".to_owned(),
    };
    format!(
        "Config: {}, user {}, entrypoint {}, cmd {}, workdir {}, ports {}",
        if platform.is_empty() {
            "platform not given".to_owned()
        } else {
            platform.join("/")
        },
        c.user.as_deref().unwrap_or("not set (root)"),
        list(&c.entrypoint),
        list(&c.cmd),
        c.working_dir.as_deref().unwrap_or("not set"),
        if c.exposed_ports.is_empty() {
            "none".to_owned()
        } else {
            c.exposed_ports.join(", ")
        }
    )
}
