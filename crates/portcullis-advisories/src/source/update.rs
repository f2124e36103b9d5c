//! `db update`: the OSV bulk archives, CISA's KEV catalog and EPSS scores
//! over HTTP(S), through the proxy the environment names (the registry
//! client's rules, [`portcullis_image::registry::proxy_for`]).
//!
//! The OSV bucket's layout (google/osv.dev, docs/data.md and the exporter):
//! `<base>/<Ecosystem>/all.zip` (every record of the ecosystem, one
//! `<ID>.json` per entry), `<base>/<Ecosystem>/modified_id.csv` (every
//! record as `<RFC 3339 modified>,<ID>`, newest first) and
//! `<base>/<Ecosystem>/<ID>.json`.
//!
//! Per ecosystem: the first update, or one from another base URL, fetches
//! `all.zip`. Later ones read `modified_id.csv` up to the newest `modified`
//! already held (lines as new as it whose record is not held at that time
//! are taken too); if at most [`INCREMENTAL_LIMIT`] records changed, only
//! they are fetched, one request each, else `all.zip` again. Records merge
//! as in `db import`: the newer `modified` wins, a withdrawn record removes
//! its id. Records deleted from the bucket (rather than withdrawn) stay.
//!
//! Any failure (a status other than 200, a connection error, a body
//! shorter than its `Content-Length`, a damaged archive) fails the whole
//! update, and the database is not written.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::Duration;

use super::{import_epss, import_kev, import_zip, merge_parsed, now, Report};
use crate::db::{temp_file, DbError, SourceInfo, SourceKind, Store, Timestamp};
use crate::osv::{self, RECORD_CAP};

pub const DEFAULT_OSV_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
pub const DEFAULT_KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
pub const DEFAULT_EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";

/// The OSV ecosystems portcullis catalogs packages for (the bucket's
/// directory names).
pub const ECOSYSTEMS: &[&str] = &[
    "Debian",
    "Ubuntu",
    "Alpine",
    "Red Hat",
    "Rocky Linux",
    "AlmaLinux",
    "SUSE",
    "openSUSE",
    "Wolfi",
    "Chainguard",
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
];

/// At most this many changed records are fetched one by one; more, and the
/// ecosystem's `all.zip` is fetched instead. One request per record costs
/// a round trip (tens of milliseconds) and a few KiB; an `all.zip` costs
/// from a few MiB (crates.io) to a few hundred (Ubuntu, Debian): 500
/// requests take about as long as a medium archive.
pub const INCREMENTAL_LIMIT: usize = 500;

const ZIP_CAP: u64 = 8 << 30;
const CSV_CAP: u64 = 1 << 30;
const KEV_CAP: u64 = 64 << 20;
const EPSS_GZ_CAP: u64 = 512 << 20;

#[derive(Debug, Clone)]
pub struct Options {
    /// The OSV bucket (`--osv-url`, `PORTCULLIS_OSV_URL`).
    pub osv_url: String,
    /// The KEV catalog; `None` to leave it as it is.
    pub kev_url: Option<String>,
    /// EPSS scores; `None` to leave them as they are.
    pub epss_url: Option<String>,
    /// Directory names of the ecosystems to update.
    pub ecosystems: Vec<String>,
    pub timeout: Duration,
    pub incremental_limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            osv_url: DEFAULT_OSV_URL.into(),
            kev_url: Some(DEFAULT_KEV_URL.into()),
            epss_url: None,
            ecosystems: ECOSYSTEMS.iter().map(|e| (*e).to_owned()).collect(),
            timeout: Duration::from_secs(60),
            incremental_limit: INCREMENTAL_LIMIT,
        }
    }
}

/// An HTTP client that picks each request's proxy from the environment.
struct Http {
    timeout: Duration,
    agents: HashMap<Option<String>, ureq::Agent>,
}

impl Http {
    fn agent(&mut self, url: &url::Url) -> Result<ureq::Agent, DbError> {
        let proxy = portcullis_image::registry::proxy_for(
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default(),
            &|name| std::env::var(name).ok(),
        );
        let key = proxy.as_ref().map(|(_, v)| v.clone());
        if let Some(agent) = self.agents.get(&key) {
            return Ok(agent.clone());
        }
        let mut builder = ureq::AgentBuilder::new()
            .timeout_connect(self.timeout)
            .timeout_read(self.timeout)
            .timeout_write(self.timeout)
            .user_agent(concat!("portcullis/", env!("CARGO_PKG_VERSION")));
        if let Some((name, value)) = &proxy {
            let p = ureq::Proxy::new(value).map_err(|e| {
                DbError::new(format!(
                    "the proxy in {name} ({}) is not usable: {e}; an http:// proxy is",
                    portcullis_image::registry::redacted(value)
                ))
            })?;
            builder = builder.proxy(p);
        }
        let agent = builder.build();
        self.agents.insert(key, agent.clone());
        Ok(agent)
    }

    /// GET `url`: a 200 response, else an error naming the URL.
    fn get(&mut self, url: &str) -> Result<ureq::Response, DbError> {
        let parsed = url::Url::parse(url)
            .map_err(|e| DbError::new(format!("{url}: not a usable URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(DbError::new(format!(
                "{url}: only http and https URLs are fetched"
            )));
        }
        let agent = self.agent(&parsed)?;
        match agent.request_url("GET", &parsed).call() {
            Ok(r) if r.status() == 200 => Ok(r),
            Ok(r) => Err(DbError::new(format!(
                "GET {url}: HTTP {} {}",
                r.status(),
                r.status_text()
            ))),
            Err(ureq::Error::Status(code, r)) => Err(DbError::new(format!(
                "GET {url}: HTTP {code} {}",
                r.status_text()
            ))),
            Err(ureq::Error::Transport(t)) => {
                Err(DbError::new(format!("GET {url}: {}", transport(&t))))
            }
        }
    }

    /// The body of `url` into `out`, at most `cap` bytes, all of its
    /// `Content-Length`.
    fn download(&mut self, url: &str, cap: u64, out: &mut dyn Write) -> Result<u64, DbError> {
        let response = self.get(url)?;
        let expected: Option<u64> = response
            .header("Content-Length")
            .and_then(|v| v.trim().parse().ok());
        if expected.is_some_and(|n| n > cap) {
            return Err(DbError::new(format!(
                "GET {url}: {} MiB, more than the {} MiB this download may be",
                expected.unwrap_or(0) >> 20,
                cap >> 20
            )));
        }
        let mut reader = response.into_reader().take(cap + 1);
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(DbError::new(format!(
                        "GET {url}: the response broke off after {total} bytes{}: {e}",
                        expected.map(|n| format!(" of {n}")).unwrap_or_default()
                    )))
                }
            };
            total += n as u64;
            if total > cap {
                return Err(DbError::new(format!(
                    "GET {url}: more than the {} MiB this download may be",
                    cap >> 20
                )));
            }
            out.write_all(&buf[..n])
                .map_err(|e| DbError::new(format!("GET {url}: cannot store the download: {e}")))?;
        }
        if let Some(n) = expected {
            if total != n {
                return Err(DbError::new(format!(
                    "GET {url}: the response broke off after {total} of {n} bytes"
                )));
            }
        }
        Ok(total)
    }

    fn bytes(&mut self, url: &str, cap: u64) -> Result<Vec<u8>, DbError> {
        let mut out = Vec::new();
        self.download(url, cap, &mut out)?;
        Ok(out)
    }
}

fn transport(t: &ureq::Transport) -> String {
    let mut s = t.to_string();
    if let Some(source) = std::error::Error::source(t) {
        let detail = source.to_string();
        if !s.contains(&detail) {
            s = format!("{s}: {detail}");
        }
    }
    s
}

/// A path segment, percent-encoded (RFC 3986 unreserved characters and
/// `:`, `@` stay).
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// Updates the store from the network (see the module's documentation).
/// `db_path` is where temporary downloads go (beside the database).
pub fn update(
    store: &mut Store,
    db_path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(&str),
    report: &mut Report,
) -> Result<(), DbError> {
    let mut http = Http {
        timeout: options.timeout,
        agents: HashMap::new(),
    };
    for ecosystem in &options.ecosystems {
        update_ecosystem(
            &mut http, store, db_path, options, ecosystem, progress, report,
        )?;
    }
    if let Some(url) = &options.kev_url {
        progress(&format!("KEV: GET {url}"));
        let bytes = http.bytes(url, KEV_CAP)?;
        import_kev(store, &bytes, url, report, url)?;
    }
    if let Some(url) = &options.epss_url {
        progress(&format!("EPSS: GET {url}"));
        let mut temp = temp_file(db_path)?;
        http.download(url, EPSS_GZ_CAP, temp.as_file_mut())?;
        let file = temp
            .reopen()
            .map_err(|e| DbError::new(format!("{}: {e}", temp.path().display())))?;
        let mut head = [0u8; 2];
        let gz = {
            let mut f = file
                .try_clone()
                .map_err(|e| DbError::new(format!("{}: {e}", temp.path().display())))?;
            f.read_exact(&mut head).is_ok() && head == [0x1f, 0x8b]
        };
        let file = temp
            .reopen()
            .map_err(|e| DbError::new(format!("{}: {e}", temp.path().display())))?;
        if gz {
            let reader = BufReader::new(flate2::read::MultiGzDecoder::new(file).take(1 << 30));
            import_epss(store, reader, url, report, url)?;
        } else {
            import_epss(store, BufReader::new(file.take(1 << 30)), url, report, url)?;
        }
    }
    Ok(())
}

fn update_ecosystem(
    http: &mut Http,
    store: &mut Store,
    db_path: &Path,
    options: &Options,
    ecosystem: &str,
    progress: &mut dyn FnMut(&str),
    report: &mut Report,
) -> Result<(), DbError> {
    let origin = format!("{}/{}", base(&options.osv_url), segment(ecosystem));
    let kind = SourceKind::Osv {
        ecosystem: ecosystem.to_owned(),
    };
    let held = store
        .source(&kind, &origin)
        .filter(|s| s.complete)
        .and_then(|s| Some((s.clone(), Timestamp::parse(s.newest_modified.as_deref()?)?)));
    if let Some((source, newest)) = held {
        let csv_url = format!("{origin}/modified_id.csv");
        progress(&format!("{ecosystem}: GET {csv_url}"));
        let response = http.get(&csv_url)?;
        let reader = BufReader::new(response.into_reader().take(CSV_CAP));
        let mut changed: Vec<(Timestamp, String)> = Vec::new();
        let mut readable = true;
        for (n, line) in reader.split(b'\n').enumerate() {
            let line = line
                .map_err(|e| DbError::new(format!("GET {csv_url}: the response broke off: {e}")))?;
            let line = String::from_utf8_lossy(&line);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some((when, id)) = line.split_once(',') else {
                readable = false;
                progress(&format!(
                    "{ecosystem}: modified_id.csv line {} does not read",
                    n + 1
                ));
                break;
            };
            let (when, id) = (when.trim().trim_matches('"'), id.trim().trim_matches('"'));
            let Some(when) = Timestamp::parse(when) else {
                readable = false;
                progress(&format!(
                    "{ecosystem}: modified_id.csv line {} does not read",
                    n + 1
                ));
                break;
            };
            if when < newest {
                break;
            }
            if store.modified(id) == Some(when) {
                continue;
            }
            changed.push((when, id.to_owned()));
            if changed.len() > options.incremental_limit {
                break;
            }
        }
        if readable && changed.is_empty() {
            progress(&format!("{ecosystem}: up to date (newest {newest})"));
            let mut s = source;
            s.fetched_at = now();
            store.set_source(s);
            return Ok(());
        }
        if readable && changed.len() <= options.incremental_limit {
            progress(&format!(
                "{ecosystem}: {} records changed since {newest}: fetching them",
                changed.len()
            ));
            let (mut added, mut newest_now) = (0u64, newest);
            for (when, id) in &changed {
                let url = format!("{origin}/{}.json", segment(id));
                let bytes = http.bytes(&url, RECORD_CAP)?;
                match osv::parse(&bytes) {
                    Ok(parsed) => {
                        if store.modified(parsed.id()).is_none() {
                            added += 1;
                        }
                        merge_parsed(store, parsed, report);
                    }
                    Err(why) => report.warn(format!("{url}: skipped: {why}")),
                }
                newest_now = newest_now.max(*when);
            }
            let mut s = source;
            s.fetched_at = now();
            s.records += added;
            s.newest_modified = Some(newest_now.to_string());
            store.set_source(s);
            report.notes.push(format!(
                "{ecosystem}: {} changed records fetched",
                changed.len()
            ));
            return Ok(());
        }
        progress(&format!(
            "{ecosystem}: more than {} records changed: fetching all.zip",
            options.incremental_limit
        ));
    }
    let zip_url = format!("{origin}/all.zip");
    progress(&format!("{ecosystem}: GET {zip_url}"));
    let mut temp = temp_file(db_path)?;
    let size = http.download(&zip_url, ZIP_CAP, temp.as_file_mut())?;
    temp.as_file_mut()
        .flush()
        .map_err(|e| DbError::new(format!("{}: {e}", temp.path().display())))?;
    let before = (report.merged(), report.older);
    let families = import_zip(store, temp.path(), report, &zip_url)?;
    let records = report.merged() - before.0 + (report.older - before.1);
    let newest = families.newest();
    store.set_source(SourceInfo {
        kind,
        origin: origin.clone(),
        fetched_at: now(),
        records,
        newest_modified: newest.map(|t| t.to_string()),
        version: None,
        complete: true,
    });
    report.notes.push(format!(
        "{ecosystem}: all.zip ({} MiB), {records} records",
        size >> 20
    ));
    Ok(())
}
