//! The HTML report's vulnerability table in a real browser: Debian's
//! headless Chromium driven by its ChromeDriver over the W3C WebDriver
//! protocol, with the WebDriver client the CLI's tests/html.rs uses too
//! (tests/support/webdriver.rs).
//!
//! The page is rendered from the saved report of tests/vulnerabilities.rs
//! (no CLI): clicking a column's header must sort the rows (severity by
//! class then score, id, package, installed, fixed, layer, KEV; rows without
//! a value last), and the filters above the table must hide and show them
//! (severity, fix available, package text, layer, VEX-suppressed). The
//! hostile summary must run nothing. A screenshot of the table is saved.
//!
//! `PORTCULLIS_BROWSER_TESTS=required` makes a missing browser a failure;
//! otherwise a machine without `chromium` and `chromium-driver` skips.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

#[path = "support/webdriver.rs"]
mod webdriver;
use webdriver::{browser_paths, file_url, Browser, ScratchDir};

/// The saved report, with KEV entries added to two of the Debian 12
/// image's vulnerabilities so its KEV column has something to sort.
fn report() -> portcullis_policy::Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vulnerabilities/report.json");
    let mut value: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("the report")).expect("JSON");
    let vulns = &mut value["targets"][0]["vulnerabilities"];
    vulns[0]["kev"] =
        json!({"cve": "CVE-2010-4756", "date_added": "2023-01-10", "ransomware": false});
    vulns[3]["kev"] =
        json!({"cve": "CVE-2024-35195", "date_added": "2024-06-01", "ransomware": true});
    portcullis_report::read_json(value.to_string().as_bytes()).expect("a report")
}

/// The ids of the rows shown in table `t`, in order.
fn shown(browser: &Browser, t: usize) -> Vec<String> {
    let v = browser.run(
        "return Array.from(document.querySelectorAll('#vulns-' + arguments[0] + ' tbody tr')).filter(function (r) { return !r.hidden; }).map(function (r) { return r.dataset.keyId; });",
        json!([t]),
    );
    serde_json::from_value(v).expect("ids")
}

fn status(browser: &Browser, t: usize) -> String {
    browser
        .run(
            "return document.getElementById('vulns-' + arguments[0] + '-status').textContent;",
            json!([t]),
        )
        .as_str()
        .unwrap_or("")
        .to_owned()
}

fn sorted(browser: &Browser, t: usize) -> (String, String) {
    let v = browser.run(
        "var t = document.getElementById('vulns-' + arguments[0]); var h = t.querySelector('th[aria-sort]'); return [t.dataset.sorted || '', h ? h.dataset.sort + ' ' + h.getAttribute('aria-sort') : ''];",
        json!([t]),
    );
    (
        v[0].as_str().unwrap_or("").to_owned(),
        v[1].as_str().unwrap_or("").to_owned(),
    )
}

const ZLIB: &str = "CVE-2023-45853";
const REQUESTS: &str = "CVE-2024-35195";
const GLIBC: &str = "CVE-2010-4756";
const IDNA: &str = "CVE-2024-3651";
const TEMP: &str = "TEMP-0628843-DBAD28";

#[test]
fn the_vulnerability_table_sorts_and_filters_in_chromium() {
    let Some((chromium, chromedriver)) = browser_paths("the vulnerability table browser test")
    else {
        return;
    };
    let dir = ScratchDir::new("vulns-html");
    let page = dir.path().join("report.html");
    std::fs::write(&page, portcullis_report::render_html(&report())).expect("write the page");

    let browser = Browser::start(&chromium, &chromedriver);
    browser.open(&file_url(&page));
    browser.wait_ready("data-vulns-ready");
    browser.assert_no_console_errors();
    let seen = browser.run(
        "return {pwned: window.pwned === undefined ? null : window.pwned, images: document.images.length, scripts: document.scripts.length, fetched: performance.getEntriesByType('resource').length, forms: Array.from(document.querySelectorAll('form.vfilter')).map(function (f) { return f.hidden; })};",
        json!([]),
    );
    assert_eq!(
        seen,
        json!({"pwned": null, "images": 0, "scripts": 2, "fetched": 0, "forms": [false, false]})
    );

    // The default order: most severe first (class, then score).
    assert_eq!(shown(&browser, 0), [ZLIB, REQUESTS, GLIBC, IDNA, TEMP]);
    assert_eq!(status(&browser, 0), "All 5 shown.");
    let th = |key: &str| format!("#vulns-0 th[data-sort=\"{key}\"] button.sort");

    // Severity again: least severe first (unrated after low would be first).
    browser.click(&th("severity"));
    assert_eq!(shown(&browser, 0), [TEMP, IDNA, GLIBC, REQUESTS, ZLIB]);
    assert_eq!(
        sorted(&browser, 0),
        ("severity asc".into(), "severity ascending".into())
    );
    // Id: natural order (3651 before 35195), then reversed.
    browser.click(&th("id"));
    assert_eq!(shown(&browser, 0), [GLIBC, ZLIB, IDNA, REQUESTS, TEMP]);
    browser.click(&th("id"));
    assert_eq!(shown(&browser, 0), [TEMP, REQUESTS, IDNA, ZLIB, GLIBC]);
    assert_eq!(sorted(&browser, 0).1, "id descending");
    // Package name.
    browser.click(&th("package"));
    assert_eq!(shown(&browser, 0), [IDNA, GLIBC, TEMP, REQUESTS, ZLIB]);
    // Installed version: 1:1.2.13…, 1:4.13…, 2.31.0, 2.36-9…, 3.6.
    browser.click(&th("installed"));
    assert_eq!(shown(&browser, 0), [ZLIB, TEMP, REQUESTS, GLIBC, IDNA]);
    // Fixed: those with a fix first, the rest last in the default order,
    // either way.
    browser.click(&th("fixed"));
    assert_eq!(shown(&browser, 0), [REQUESTS, IDNA, ZLIB, GLIBC, TEMP]);
    browser.click(&th("fixed"));
    assert_eq!(shown(&browser, 0), [IDNA, REQUESTS, ZLIB, GLIBC, TEMP]);
    // Layer.
    browser.click(&th("layer"));
    assert_eq!(shown(&browser, 0), [ZLIB, GLIBC, TEMP, REQUESTS, IDNA]);
    // KEV: the newest addition first, those not in KEV after.
    browser.click(&th("kev"));
    assert_eq!(shown(&browser, 0), [REQUESTS, GLIBC, ZLIB, IDNA, TEMP]);
    assert_eq!(sorted(&browser, 0).1, "kev descending");
    // The KEV badges, the ransomware one too.
    let badges = browser.run(
        "return Array.from(document.querySelectorAll('#vulns-0 tbody tr')).map(function (r) { return Array.from(r.querySelectorAll('.kev')).map(function (k) { return k.textContent; }).join(' '); });",
        json!([]),
    );
    assert_eq!(badges, json!(["KEV ransomware", "KEV", "", "", ""]));
    // Back to severity (first click: most severe first).
    browser.click(&th("severity"));
    assert_eq!(shown(&browser, 0), [ZLIB, REQUESTS, GLIBC, IDNA, TEMP]);

    // Filters. Severity: without medium.
    let form = "#vulns-0-filters";
    browser.click(&format!("{form} input[name=severity][value=medium]"));
    assert_eq!(shown(&browser, 0), [ZLIB, TEMP]);
    assert_eq!(status(&browser, 0), "2 of 5 shown.");
    browser.click(&format!("{form} input[name=severity][value=medium]"));
    assert_eq!(shown(&browser, 0).len(), 5);
    // Fix available only.
    browser.click(&format!("{form} input[name=fixed]"));
    assert_eq!(shown(&browser, 0), [REQUESTS, IDNA]);
    browser.click(&format!("{form} input[name=fixed]"));
    // Package text: name, purl or source package.
    browser.type_into(&format!("{form} input[name=package]"), "GLIBC");
    assert_eq!(shown(&browser, 0), [GLIBC]);
    browser.click(&format!("{form} button.reset"));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(shown(&browser, 0).len(), 5);
    browser.type_into(&format!("{form} input[name=package]"), "pkg:pypi/");
    assert_eq!(shown(&browser, 0), [REQUESTS, IDNA]);
    browser.click(&format!("{form} button.reset"));
    std::thread::sleep(Duration::from_millis(100));
    // Layer.
    browser.click(&format!("{form} select[name=layer]"));
    browser.click(&format!("{form} select[name=layer] option[value=\"0\"]"));
    assert_eq!(shown(&browser, 0), [ZLIB, GLIBC, TEMP]);
    // Hiding what VEX suppressed, with the layer still chosen.
    let greyed = browser.run(
        "var r = document.querySelector('#vulns-0 tr.vex-suppressed'); return [r.dataset.keyId, getComputedStyle(r.cells[0]).opacity, r.querySelector('.vex').textContent];",
        json!([]),
    );
    assert_eq!(greyed[0], ZLIB);
    assert_eq!(greyed[1], "0.7");
    assert!(greyed[2]
        .as_str()
        .is_some_and(|t| t
            .contains("(vulnerable_code_not_present): zlib1g is built without contrib/minizip")));
    browser.click(&format!("{form} input[name=hide-vex]"));
    assert_eq!(shown(&browser, 0), [GLIBC, TEMP]);
    assert_eq!(status(&browser, 0), "2 of 5 shown.");
    // Show all.
    browser.click(&format!("{form} button.reset"));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(shown(&browser, 0), [ZLIB, REQUESTS, GLIBC, IDNA, TEMP]);
    assert_eq!(status(&browser, 0), "All 5 shown.");
    // The other image's table is its own.
    assert_eq!(shown(&browser, 1), ["CVE-2014-0160", "CVE-2014-0160"]);
    browser.click("#vulns-1-filters input[name=severity][value=high]");
    assert_eq!(shown(&browser, 1), Vec::<String>::new());
    assert_eq!(shown(&browser, 0).len(), 5);

    // A picture for a person.
    let shot = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir)
        .join("html-vulnerabilities.png");
    browser.run(
        "document.getElementById('vulns-0-title').scrollIntoView();",
        json!([]),
    );
    browser.screenshot(Some("#vulns-0"), &shot);
    eprintln!("screenshot: {}", shot.display());
    browser.assert_no_console_errors();
}
