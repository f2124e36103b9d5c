//! The HTML report in a real browser: Debian's headless Chromium, driven by
//! its ChromeDriver over the W3C WebDriver protocol (plain HTTP on
//! localhost, spoken here with the standard library: no driver crate).
//!
//! A real scan of `fixtures/images/docker-classic.tar` is rendered as JSON
//! and HTML in one run; the page must load with no console errors and no
//! request, show the counts the JSON has, and its filters must change what
//! is shown when clicked. A screenshot is saved for a person to look at
//! (`target/html-report.png`, its path printed). A hostile report must not
//! run code, and a report of 10,000 findings must load and filter quickly.
//!
//! `scripts/test.sh` installs `chromium` and `chromium-driver` and sets
//! `PORTCULLIS_BROWSER_TESTS=required`; without that, a machine without
//! them skips this test with a message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod common;
use common::*;
#[path = "../../portcullis-report/tests/support/webdriver.rs"]
mod webdriver;
use webdriver::{browser_paths, file_url, Browser};

/// The target directory the binary was built into (for the screenshot).
fn target_dir() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_portcullis"));
    exe.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|| exe.parent().expect("exe dir").to_path_buf())
}

fn portcullis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env(
            "PORTCULLIS_DB",
            "/nonexistent/portcullis-tests/advisories.db",
        )
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run portcullis")
}

const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn outcome(f: &Value) -> &str {
    if !f["suppressed"].is_null() {
        "suppressed"
    } else {
        f["action"].as_str().unwrap_or("")
    }
}

/// What the page shows: per target, the counts in its summary.
const READ_COUNTS: &str = r#"
return Array.from(document.querySelectorAll('section.target')).map(function (s) {
  var counts = {};
  s.querySelectorAll('[data-count-severity]').forEach(function (e) { counts['severity:' + e.dataset.countSeverity] = +e.textContent; });
  s.querySelectorAll('[data-count-category]').forEach(function (e) { counts['category:' + e.dataset.countCategory] = +e.textContent; });
  s.querySelectorAll('[data-count-outcome]').forEach(function (e) { counts['outcome:' + e.dataset.countOutcome] = +e.textContent; });
  counts.total = +s.querySelector('[data-count-total]').textContent;
  counts.verdict = s.querySelector('h2 .verdict').dataset.verdict;
  counts.name = s.querySelector('h2 .name').textContent;
  counts.policies = Array.from(s.querySelectorAll('details.policies tbody tr')).map(function (r) { return r.dataset.rule + ' ' + r.dataset.status; });
  return counts;
});
"#;

/// The findings on screen: per target, the severity, rule and message of each.
const READ_SHOWN: &str = r#"
return Array.from(document.querySelectorAll('.findings')).map(function (box) {
  return Array.from(box.querySelectorAll('article.finding')).map(function (a) {
    return [a.dataset.severity, a.dataset.rule, a.querySelector('.msg').textContent];
  });
});
"#;

fn expected_counts(target: &Value) -> Value {
    let findings = target["findings"].as_array().expect("findings");
    let mut counts = serde_json::Map::new();
    for s in SEVERITIES {
        let n = findings.iter().filter(|f| f["severity"] == s).count();
        counts.insert(format!("severity:{s}"), json!(n));
    }
    for c in ["container-security", "build-instructions"] {
        let n = findings.iter().filter(|f| f["category"] == c).count();
        counts.insert(format!("category:{c}"), json!(n));
    }
    for o in ["fail", "warn", "info", "suppressed"] {
        let n = findings.iter().filter(|f| outcome(f) == o).count();
        counts.insert(format!("outcome:{o}"), json!(n));
    }
    counts.insert("total".into(), json!(findings.len()));
    counts.insert("verdict".into(), target["verdict"].clone());
    counts.insert("name".into(), target["target"].clone());
    let policies: Vec<String> = target["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["rule"].as_str().unwrap_or(""),
                p["status"].as_str().unwrap_or("")
            )
        })
        .collect();
    counts.insert("policies".into(), json!(policies));
    Value::Object(counts)
}

fn shown_total(shown: &Value) -> usize {
    shown
        .as_array()
        .expect("per target")
        .iter()
        .map(|t| t.as_array().expect("findings").len())
        .sum()
}

#[test]
fn the_html_report_in_headless_chromium() {
    let Some((chromium, chromedriver)) = browser_paths("the HTML report browser test") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let json_path = dir.path().join("report.json");
    let html_path = dir.path().join("report.html");
    let o = portcullis(&[
        "scan",
        "fixtures/images/docker-classic.tar",
        "--quiet",
        "--format",
        &format!("json={}", json_path.display()),
        "--format",
        &format!("html={}", html_path.display()),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&json_path).expect("json")).expect("JSON report");
    let targets = report["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 9, "every image of the archive");
    let all: Vec<&Value> = targets
        .iter()
        .flat_map(|t| t["findings"].as_array().expect("findings"))
        .collect();

    let browser = Browser::start(&chromium, &chromedriver);
    browser.open(&file_url(&html_path));
    browser.wait_ready("data-ready");

    // Loaded with no console errors, and nothing fetched.
    browser.assert_no_console_errors();
    let fetched = browser.run(
        "return performance.getEntriesByType('resource').map(function (r) { return r.name; });",
        json!([]),
    );
    assert_eq!(fetched, json!([]), "the page fetched something");

    // The summary shows what the JSON report says.
    let shown_counts = browser.run(READ_COUNTS, json!([]));
    let expected: Vec<Value> = targets.iter().map(expected_counts).collect();
    assert_eq!(shown_counts, json!(expected));
    let status = browser.run(
        "return document.getElementById('filter-status').textContent;",
        json!([]),
    );
    assert_eq!(status, json!(format!("All {} findings shown.", all.len())));

    // Every finding is listed at first (fewer than a page per target), in
    // the order of its category, most severe first.
    let shown = browser.run(READ_SHOWN, json!([]));
    assert_eq!(shown_total(&shown), all.len());
    let bad = &shown[1];
    assert_eq!(bad.as_array().expect("bad:1").len(), 14);
    assert_eq!(bad[0][0], "high", "container security, most severe first");

    // Only high: untick every other severity, as a person would.
    for s in ["critical", "medium", "low", "info"] {
        browser.click(&format!("#filters input[name=severity][value={s}]"));
    }
    let shown = browser.run(READ_SHOWN, json!([]));
    let high = all.iter().filter(|f| f["severity"] == "high").count();
    assert!(high > 0 && high < all.len());
    assert_eq!(shown_total(&shown), high, "{shown}");
    for t in shown.as_array().expect("targets") {
        for f in t.as_array().expect("findings") {
            assert_eq!(f[0], "high", "{f}");
        }
    }
    assert_eq!(
        browser.run(
            "return document.getElementById('filter-status').textContent;",
            json!([])
        ),
        json!(format!("{high} of {} findings match.", all.len()))
    );

    // Back to all, then the text filter (it reads messages, locations,
    // related locations and rule titles; "(rdp)" is in one message only).
    browser.click("#filters button.reset");
    browser.wait_ready("data-ready");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(shown_total(&browser.run(READ_SHOWN, json!([]))), all.len());
    browser.type_into("#filters input[name=q]", "(RDP)");
    let shown = browser.run(READ_SHOWN, json!([]));
    let rdp = all
        .iter()
        .filter(|f| f["message"].as_str().unwrap_or("").contains("(RDP)"))
        .count();
    assert_eq!(rdp, 1);
    assert_eq!(shown_total(&shown), rdp, "{shown}");
    browser.click("#filters button.reset");
    std::thread::sleep(Duration::from_millis(100));

    // The layers of bad:1, and its findings by place: the layer with the
    // setuid files filters to those.
    let layer_rows = browser.run(
        "return Array.from(document.querySelectorAll('#target-1 table.layers tbody tr')).map(function (r) { return [r.dataset.layer, r.querySelector('svg.bar rect').getAttribute('width'), (r.querySelector('button.dots') || {}).textContent || '0']; });",
        json!([]),
    );
    let setuid_layer = targets[1]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["location"]["kind"] == "layer" && f["rule"] == "SQ40102")
        .map(|f| f["location"]["index"].as_u64().expect("index"))
        .collect::<Vec<u64>>();
    assert!(!setuid_layer.is_empty());
    let rows = layer_rows.as_array().expect("rows");
    assert_eq!(
        rows.len(),
        targets[1]["image"]["layers"]
            .as_array()
            .expect("layers")
            .len()
    );
    let dots = &rows[setuid_layer[0] as usize][2];
    assert_eq!(dots, &json!(setuid_layer.len().to_string()), "{layer_rows}");
    browser.click(&format!(
        "#target-1 table.layers tr[data-layer=\"{}\"] button.dots",
        setuid_layer[0]
    ));
    let shown = browser.run(READ_SHOWN, json!([]));
    assert_eq!(shown_total(&shown), setuid_layer.len(), "{shown}");
    assert!(shown[1]
        .as_array()
        .expect("bad:1")
        .iter()
        .all(|f| f[1] == "SQ40102"));
    // The history timeline marks the base boundary where the JSON has it.
    let boundary = browser.run(
        "var b = document.querySelector('#target-1 ol.timeline li.boundary'); return b && b.dataset.boundary;",
        json!([]),
    );
    assert_eq!(
        boundary,
        json!(targets[1]["image"]["base_boundary"]["last"].to_string())
    );
    browser.click("#filters button.reset");
    std::thread::sleep(Duration::from_millis(100));

    // Each policy's documentation is in the page, folded: a click on its
    // code unfolds what the rule detects, why and how to fix it.
    const DOC: &str = "var d = document.querySelector('#target-1 details.rule-doc#rule-sq40102'); var b = d.querySelector('div.doc'); return [d.open, b.checkVisibility(), b.textContent];";
    let folded = browser.run(DOC, json!([]));
    assert_eq!(
        (&folded[0], &folded[1]),
        (&json!(false), &json!(false)),
        "{folded}"
    );
    // Clear of the sticky filter bar.
    browser.run(
        "document.querySelector('#target-1 details.rule-doc#rule-sq40102').scrollIntoView({block: 'center'});",
        json!([]),
    );
    browser.click("#target-1 details.rule-doc#rule-sq40102 > summary");
    let open = browser.run(DOC, json!([]));
    assert_eq!((&open[0], &open[1]), (&json!(true), &json!(true)), "{open}");
    let rule = portcullis_rules::registry::find("SQ40102").expect("rule");
    let text = open[2].as_str().expect("text");
    assert!(
        text.starts_with(&rule.doc.what.replace('`', "")[..40]),
        "{text}"
    );
    assert!(text.contains("How to fix it:"), "{text}");
    // Without a configured docs URL, the finding's rule code is no link.
    if portcullis_report::docs_url().is_none() {
        let links = browser.run(
            "return document.querySelectorAll('a[href^=\"http\"]').length;",
            json!([]),
        );
        assert_eq!(links, json!(0));
    }

    // Pictures for a person: the top of the report, and the image bad:1.
    let shot = target_dir().join("html-report.png");
    browser.run("window.scrollTo(0, 0);", json!([]));
    browser.screenshot(None, &shot);
    // Tall enough for the whole of bad:1 (an element shot shows only what
    // fits in the window).
    browser.call(
        "POST",
        "/window/rect",
        Some(json!({"width": 1280, "height": 4000})),
    );
    let image_shot = target_dir().join("html-report-image.png");
    browser.screenshot(Some("#target-1"), &image_shot);
    println!("screenshots: {} {}", shot.display(), image_shot.display());
    eprintln!("screenshots: {} {}", shot.display(), image_shot.display());

    browser.assert_no_console_errors();
}

/// A report whose text tries to become markup or script: the page must
/// show it as text, run none of it, and still work.
#[test]
fn hostile_report_text_stays_text_in_chromium() {
    let Some((chromium, chromedriver)) = browser_paths("the HTML report browser test") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let o = portcullis(&[
        "scan",
        "--format",
        "json",
        "fixtures/images/docker-classic.tar",
    ]);
    let mut report: Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let evil = "</script><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"><!-- `</script>` \u{202e}txt.exe";
    report["targets"][1]["target"] = json!(format!("bad {evil}"));
    report["targets"][1]["findings"][0]["message"] = json!(format!("message {evil}"));
    report["targets"][1]["findings"][0]["related"] =
        json!([{"kind": "history", "index": 3, "created_by": evil}]);
    report["targets"][1]["image"]["history"][3]["created_by"] = json!(evil);
    report["targets"][1]["image"]["layers"][0]["diff_id"] = json!(evil);
    let json_path = dir.path().join("evil.json");
    std::fs::write(&json_path, report.to_string()).expect("write");
    let html_path = dir.path().join("evil.html");
    let o = portcullis(&[
        "convert",
        json_path.to_str().expect("utf-8 path"),
        "--format",
        &format!("html={}", html_path.display()),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let browser = Browser::start(&chromium, &chromedriver);
    browser.open(&file_url(&html_path));
    browser.wait_ready("data-ready");
    browser.assert_no_console_errors();
    let seen = browser.run(
        r#"return {
          pwned: window.pwned === undefined ? null : window.pwned,
          images: document.images.length,
          scripts: document.scripts.length,
          name: document.querySelector('#target-1 h2 .name').textContent,
          message: Array.from(document.querySelectorAll('#findings-1 article.finding .msg')).map(function (m) { return m.textContent; }).filter(function (m) { return m.indexOf('message ') === 0; }),
          fetched: performance.getEntriesByType('resource').length
        };"#,
        json!([]),
    );
    let shown_evil = evil.replace('\u{202e}', "\\u{202e}");
    assert_eq!(seen["pwned"], Value::Null, "{seen}");
    assert_eq!(seen["images"], 0, "{seen}");
    assert_eq!(
        seen["scripts"], 2,
        "the data block and the page's script: {seen}"
    );
    assert_eq!(seen["fetched"], 0, "{seen}");
    assert_eq!(seen["name"], json!(format!("bad {shown_evil}")));
    // Backtick-quoted parts become code, the text stays as it was.
    assert_eq!(
        seen["message"],
        json!([format!("message {}", shown_evil.replace('`', ""))])
    );
}

/// 10,000 findings: the page loads, shows one page of findings (not 10,000
/// elements), and a filter change re-renders quickly.
#[test]
fn ten_thousand_findings_stay_responsive_in_chromium() {
    let Some((chromium, chromedriver)) = browser_paths("the HTML report browser test") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("FROM scratch\nUSER 1000\nHEALTHCHECK CMD [\"/health\"]\n");
    for i in 0..9_999 {
        text.push_str(&format!("ADD files/part-{i}.tar.gz /srv/app/part-{i}/\n"));
    }
    text.push_str("EXPOSE 22\n");
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::write(&dockerfile, text).expect("write");
    let html_path = dir.path().join("big.html");
    let started = Instant::now();
    let o = portcullis(&[
        "scan",
        dockerfile.to_str().expect("utf-8 path"),
        "--quiet",
        "--format",
        &format!("html={}", html_path.display()),
    ]);
    let scan_and_render = started.elapsed();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let browser = Browser::start(&chromium, &chromedriver);
    browser.open(&file_url(&html_path));
    browser.wait_ready("data-ready");
    browser.assert_no_console_errors();
    let loaded = browser.run(
        "var n = performance.getEntriesByType('navigation')[0]; return [n.domContentLoadedEventEnd, n.loadEventEnd, document.querySelectorAll('article.finding').length, document.getElementById('findings-0').dataset.matching];",
        json!([]),
    );
    assert_eq!(loaded[2], 100, "one page of 100 findings: {loaded}");
    assert_eq!(loaded[3], "10000", "{loaded}");

    // A filter change, timed in the page: untick "low" (9,999 ADD findings).
    let filter_ms = browser.run(
        "var t = performance.now(); document.querySelector('#filters input[name=severity][value=low]').click(); return performance.now() - t;",
        json!([]),
    );
    let shown = browser.run(READ_SHOWN, json!([]));
    assert_eq!(
        shown_total(&shown),
        1,
        "only the SSH port is not low: {shown}"
    );
    // And paging through: the next page, with the text filter.
    browser.click("#filters input[name=severity][value=low]");
    browser.type_into("#filters input[name=q]", "part-12");
    let matching = browser.run(
        "return document.getElementById('findings-0').dataset.matching;",
        json!([]),
    );
    // part-12, part-120…129, part-1200…1299
    assert_eq!(matching, "111");
    browser.click("#findings-0 nav.pager button.page:nth-of-type(3)");
    let range = browser.run(
        "return document.querySelector('#findings-0 .range').textContent;",
        json!([]),
    );
    assert_eq!(
        range,
        json!("Showing 101–111 of 111 matching (10000 in all).")
    );

    let load_ms = loaded[1].as_f64().unwrap_or(f64::MAX);
    let filter_ms = filter_ms.as_f64().unwrap_or(f64::MAX);
    eprintln!(
        "10,000 findings: scan + render {:.0} ms; page loaded in {load_ms:.0} ms (DOMContentLoaded {:.0} ms); filter change {filter_ms:.1} ms",
        scan_and_render.as_secs_f64() * 1000.0,
        loaded[0].as_f64().unwrap_or(0.0),
    );
    // Generous bounds for a shared 2-core machine; typical figures are far lower.
    assert!(load_ms < 5000.0, "load took {load_ms} ms");
    assert!(filter_ms < 1000.0, "a filter change took {filter_ms} ms");
}
