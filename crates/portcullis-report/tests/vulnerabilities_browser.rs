//! The HTML report's vulnerability table in a real browser: Debian's
//! headless Chromium driven by its ChromeDriver over the W3C WebDriver
//! protocol (plain HTTP on localhost, spoken with the standard library),
//! the way the CLI's tests/html.rs drives it; the WebDriver helpers below
//! are a trimmed copy of that file's (listed for the duplicates tool: http,
//! dechunk, Browser, browser_paths, errors).
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

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

// ------------------------------------------------------------ WebDriver

/// One HTTP/1.1 request to ChromeDriver on localhost; the JSON it answers.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf).expect("read the answer");
        assert!(
            n > 0,
            "{method} {path}: the connection closed before the headers"
        );
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let mut content = raw[split + 4..].to_vec();
    let length = head.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .and_then(|v| v.trim().parse::<usize>().ok())
    });
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let done = match length {
            Some(length) => content.len() >= length,
            None if chunked => content.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = stream.read(&mut buf).expect("read the answer");
        if n == 0 {
            break;
        }
        content.extend_from_slice(&buf[..n]);
    }
    if chunked {
        content = dechunk(&content);
    }
    serde_json::from_slice(&content).unwrap_or_else(|e| {
        panic!(
            "{method} {path}: not JSON ({e}): {}",
            String::from_utf8_lossy(&content)
        )
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
}

/// A directory of this test's own, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> ScratchDir {
        let dir = std::env::temp_dir().join(format!(
            "portcullis-report-{name}-{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        ));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// ChromeDriver and one browser session; both end when this is dropped.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
    browser_pid: Option<u64>,
    _profile: ScratchDir,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = ScratchDir::new("chromium-profile");
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-extensions".to_owned(),
            "--window-size=1280,1700".to_owned(),
            "--force-device-scale-factor=1".to_owned(),
            format!("--user-data-dir={}", profile.0.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.display().to_string(), "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            browser_pid: None,
            _profile: profile,
        };
        let answer = http(port, "POST", "/session", Some(&caps));
        browser.browser_pid = answer["value"]["capabilities"]["goog:processID"].as_u64();
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_owned();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = http(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        );
        if let Some(error) = answer["value"]["error"].as_str() {
            panic!("{method} {path}: {error}: {}", answer["value"]["message"]);
        }
        answer["value"].clone()
    }

    fn run(&self, body: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": body, "args": args})),
        )
    }

    fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: no element id in {v}"))
            .to_owned()
    }

    /// A real click (the driver's pointer input), as a person would.
    fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn console(&self) -> Vec<Value> {
        self.call("POST", "/se/log", Some(json!({"type": "browser"})))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(|| {
                http(
                    self.port,
                    "DELETE",
                    &format!("/session/{}", self.session),
                    None,
                )
            });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Normally gone with the session; if not, end it (this pid only).
        if let Some(pid) = self.browser_pid {
            if Path::new(&format!("/proc/{pid}")).exists() {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        }
    }
}

fn browser_paths() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let chromium = find("PORTCULLIS_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = find("PORTCULLIS_CHROMEDRIVER", "/usr/bin/chromedriver");
    if chromium.is_file() && chromedriver.is_file() {
        return Some((chromium, chromedriver));
    }
    let required = std::env::var("PORTCULLIS_BROWSER_TESTS").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "PORTCULLIS_BROWSER_TESTS=required but {} or {} is missing (apt-get install chromium chromium-driver)",
        chromium.display(),
        chromedriver.display()
    );
    eprintln!(
        "SKIPPED: the vulnerability table browser test needs {} and {} (Debian packages chromium, chromium-driver)",
        chromium.display(),
        chromedriver.display()
    );
    None
}

/// Console errors and warnings, leaving out Chromium's complaint that a
/// `file://` page has no favicon.
fn errors(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .map(|e| e["message"].as_str().unwrap_or("").to_owned())
        .filter(|m| !m.contains("favicon.ico"))
        .collect()
}

// ------------------------------------------------------------ the table

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
    let Some((chromium, chromedriver)) = browser_paths() else {
        return;
    };
    let dir = ScratchDir::new("vulns-html");
    let page = dir.0.join("report.html");
    std::fs::write(&page, portcullis_report::render_html(&report())).expect("write the page");

    let browser = Browser::start(&chromium, &chromedriver);
    browser.call(
        "POST",
        "/url",
        Some(json!({"url": format!("file://{}", page.display())})),
    );
    let started = Instant::now();
    while browser.run(
        "return document.body && document.body.getAttribute('data-vulns-ready');",
        json!([]),
    ) != json!("true")
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the script never finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let console = browser.console();
    assert_eq!(
        errors(&console),
        Vec::<String>::new(),
        "console: {console:#?}"
    );
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
    let id = browser.find("#vulns-0");
    let data = browser.call("GET", &format!("/element/{id}/screenshot"), None);
    if let Some(png) = data.as_str().map(base64_decode) {
        assert!(png.starts_with(b"\x89PNG"));
        std::fs::write(&shot, png).expect("write the screenshot");
        eprintln!("screenshot: {}", shot.display());
    }
    let console = browser.console();
    assert_eq!(
        errors(&console),
        Vec::<String>::new(),
        "console: {console:#?}"
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        }
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let digits: Vec<u8> = chunk.iter().copied().filter(|c| *c != b'=').collect();
        let mut n = 0u32;
        for (i, c) in digits.iter().enumerate() {
            n |= value(*c) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..digits.len().max(1)]);
    }
    out
}
