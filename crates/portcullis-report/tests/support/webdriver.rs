//! The browser tests' WebDriver client, shared by the report crate's
//! vulnerability table test and the CLI's HTML report test
//! (`#[path]`-included by both): Debian's headless Chromium, driven by its
//! ChromeDriver over the W3C WebDriver protocol (plain HTTP on 127.0.0.1,
//! spoken here with the standard library: no driver crate, and no
//! `tempfile`, which portcullis-report does not depend on).
//!
//! `scripts/test.sh` installs `chromium` and `chromium-driver` and sets
//! `PORTCULLIS_BROWSER_TESTS=required`, which makes a missing browser a
//! failure; otherwise a machine without them skips the test with a message.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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
    // ChromeDriver may keep the connection open: read the headers, then
    // exactly the body they announce.
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

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
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

/// A directory of this test's own, removed when dropped: its name holds
/// the process id and a counter, so tests running at once in one process
/// (each browser with its own profile) never share one.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(name: &str) -> ScratchDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        loop {
            let dir = std::env::temp_dir().join(format!(
                "portcullis-{name}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::create_dir(&dir) {
                Ok(()) => return ScratchDir(dir),
                // Left behind by an earlier process of the same id.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("scratch dir {}: {e}", dir.display()),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `file://` URL for a page on disk.
pub fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("canonical path");
    format!("file://{}", path.display())
}

/// ChromeDriver and one browser session; both end when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// The browser's process, ended on drop if the session did not end it.
    browser_pid: Option<u64>,
    _profile: ScratchDir,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    pub fn start(chromium: &Path, chromedriver: &Path) -> Browser {
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
        // The flags this machine needs (no network, root, no GPU), per the
        // environment notes: without the background-networking ones
        // Chromium keeps trying hosts it cannot reach.
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
            format!("--user-data-dir={}", profile.path().display()),
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

    /// A command of this session; its value, or a panic naming its error.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
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

    pub fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Run `body` (a function body) in the page, with `args`.
    pub fn run(&self, body: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": body, "args": args})),
        )
    }

    pub fn find(&self, css: &str) -> String {
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
    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Browser console entries logged since the last call.
    pub fn console(&self) -> Vec<Value> {
        self.call("POST", "/se/log", Some(json!({"type": "browser"})))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Fail, listing the console, if the page logged an error or a warning
    /// since the last look (see [`errors`]).
    #[track_caller]
    pub fn assert_no_console_errors(&self) {
        let console = self.console();
        assert_eq!(
            errors(&console),
            Vec::<String>::new(),
            "console: {console:#?}"
        );
    }

    /// A PNG of the window, or of the element `css` (only what of it fits
    /// in the window), written to `path`.
    pub fn screenshot(&self, css: Option<&str>, path: &Path) {
        let data = match css {
            Some(css) => {
                let id = self.find(css);
                self.call("GET", &format!("/element/{id}/screenshot"), None)
            }
            None => self.call("GET", "/screenshot", None),
        };
        let png = base64_decode(data.as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(path, png).expect("write the screenshot");
    }

    /// Wait (30 s at most) until the page's script has set `attribute` of
    /// its body to "true".
    pub fn wait_ready(&self, attribute: &str) {
        let started = Instant::now();
        while self.run(
            "return document.body && document.body.getAttribute(arguments[0]);",
            json!([attribute]),
        ) != json!("true")
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the page's script never finished rendering (no {attribute}=\"true\")"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
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

/// Chromium and ChromeDriver (`PORTCULLIS_CHROMIUM`, `PORTCULLIS_CHROMEDRIVER`,
/// else Debian's paths), or `None` with a message naming `test` when they
/// are not installed and `PORTCULLIS_BROWSER_TESTS` is not `required`.
pub fn browser_paths(test: &str) -> Option<(PathBuf, PathBuf)> {
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
        "SKIPPED: {test} needs {} and {} (Debian packages chromium, chromium-driver; scripts/test.sh installs them)",
        chromium.display(),
        chromedriver.display()
    );
    None
}

/// Console entries that are errors or warnings, leaving out Chromium's own
/// complaint that a `file://` page has no favicon, which is not the page's
/// doing.
pub fn errors(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .map(|e| e["message"].as_str().unwrap_or("").to_owned())
        .filter(|m| !m.contains("favicon.ico"))
        .collect()
}
