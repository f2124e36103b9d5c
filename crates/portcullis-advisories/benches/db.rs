//! The advisory database at the size of the OSV data portcullis catalogs:
//! 500,000 synthetic OSV records (distribution and language ecosystems,
//! 1–3 affected packages of 1–3 ranges, aliases, versions lists, details
//! of English-like text), parsed from JSON and merged as `db import` does,
//! written, then opened and looked up. Prints the figures.
//!
//! cargo bench -p portcullis-advisories --bench db [-- RECORDS]

#![allow(clippy::unwrap_used)] // a benchmark: a panic is a failure

use std::time::{Duration, Instant};

use portcullis_advisories::db::{self, Database, Store};
use portcullis_advisories::osv;
use serde_json::json;

/// xorshift64*: reproducible, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Small values much more often than large ones (about Zipf's law).
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as u64 % n.max(1)
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "re", "mi", "sto", "pan", "vel", "dor", "fi", "gra", "ti", "ne", "bu", "sha",
    "qui", "ro", "len", "at", "ex", "in", "ver", "sion", "al", "er", "ing", "ter", "con", "pro",
];

fn word(id: u64) -> String {
    let mut r = Rng(id.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = 1 + r.below(3) + u64::from(id > 500);
    (0..n).map(|_| r.pick(SYLLABLES)).collect()
}

/// Text of about `len` bytes from a 5,000-word vocabulary, words drawn with
/// a skew, so that it compresses about as English does.
fn text(rng: &mut Rng, len: usize) -> String {
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        let w = rng.skewed(5000);
        out.push_str(&word(w));
        out.push(if rng.below(12) == 0 { '.' } else { ' ' });
    }
    out
}

fn time(rng: &mut Rng, from_year: u64) -> String {
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        from_year + rng.below(2026 - from_year),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

fn cvss(rng: &mut Rng) -> String {
    let m = |rng: &mut Rng, v: &[&str]| v[rng.below(v.len() as u64) as usize].to_owned();
    format!(
        "CVSS:3.1/AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}",
        m(rng, &["N", "A", "L", "P"]),
        m(rng, &["L", "H"]),
        m(rng, &["N", "L", "H"]),
        m(rng, &["N", "R"]),
        m(rng, &["U", "C"]),
        m(rng, &["N", "L", "H"]),
        m(rng, &["N", "L", "H"]),
        m(rng, &["N", "L", "H"])
    )
}

struct Kind {
    prefix: &'static str,
    ecosystems: &'static [&'static str],
    share: u64,
    packages: u64,
}

const KINDS: &[Kind] = &[
    Kind {
        prefix: "DEBIAN-CVE",
        ecosystems: &["Debian:11", "Debian:12", "Debian:13"],
        share: 25,
        packages: 20_000,
    },
    Kind {
        prefix: "UBUNTU-CVE",
        ecosystems: &["Ubuntu:20.04:LTS", "Ubuntu:22.04:LTS", "Ubuntu:24.04:LTS"],
        share: 20,
        packages: 15_000,
    },
    Kind {
        prefix: "ALPINE-CVE",
        ecosystems: &["Alpine:v3.19", "Alpine:v3.20", "Alpine:v3.21"],
        share: 10,
        packages: 4_000,
    },
    Kind {
        prefix: "RHSA",
        ecosystems: &[
            "Red Hat:enterprise_linux:9::appstream",
            "Rocky Linux:9",
            "AlmaLinux:9",
        ],
        share: 10,
        packages: 6_000,
    },
    Kind {
        prefix: "GHSA",
        ecosystems: &[
            "PyPI",
            "npm",
            "Maven",
            "Go",
            "crates.io",
            "RubyGems",
            "Packagist",
            "NuGet",
        ],
        share: 35,
        packages: 60_000,
    },
];

fn version(rng: &mut Rng, distro: bool) -> String {
    if distro {
        format!(
            "{}.{}.{}-{}{}",
            rng.below(5),
            rng.below(30),
            rng.below(20),
            1 + rng.below(9),
            ["", "+deb12u1", "ubuntu0.22.04.1", "-r0", ".el9_4"][rng.below(5) as usize]
        )
    } else {
        format!("{}.{}.{}", rng.below(6), rng.below(40), rng.below(20))
    }
}

fn record(rng: &mut Rng, n: u64) -> serde_json::Value {
    let mut roll = rng.below(100);
    let kind = KINDS
        .iter()
        .find(|k| {
            if roll < k.share {
                true
            } else {
                roll -= k.share;
                false
            }
        })
        .unwrap_or(&KINDS[0]);
    let distro = kind.prefix != "GHSA";
    // Distribution records come in pairs about one CVE (Debian's and
    // Ubuntu's, say), which carry the same description, as real
    // DEBIAN-CVE, UBUNTU-CVE and ALPINE-CVE records carry NVD's.
    let shared = if distro { n / 2 } else { n };
    let mut cve_rng = Rng((shared + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let cve = format!("CVE-{}-{}", 2000 + cve_rng.below(26), 1000 + shared);
    let id = if distro {
        format!("{}-{}-{n}", kind.prefix, &cve[4..])
    } else {
        format!(
            "GHSA-{:04x}-{:04x}-{:04x}",
            n >> 32 & 0xffff,
            n >> 16 & 0xffff,
            n & 0xffff
        )
    };
    let mut affected = Vec::new();
    for _ in 0..1 + rng.skewed(3) {
        let eco = rng.pick(kind.ecosystems);
        let name = format!(
            "{}-{}",
            word(rng.skewed(kind.packages) + 10_000),
            rng.skewed(kind.packages)
        );
        let name = if eco == "Maven" {
            format!("org.{name}:{name}-core")
        } else {
            name
        };
        let mut ranges = Vec::new();
        for _ in 0..1 + rng.skewed(3) {
            let mut events = vec![
                json!({"introduced": if rng.below(3) == 0 { version(rng, distro) } else { "0".into() }}),
            ];
            if rng.below(10) < 8 {
                events.push(json!({"fixed": version(rng, distro)}));
            }
            ranges.push(json!({"type": if distro { "ECOSYSTEM" } else if eco == "Go" { "SEMVER" } else { "ECOSYSTEM" }, "events": events}));
        }
        let versions: Vec<String> = (0..if kind.prefix == "UBUNTU-CVE" || !distro {
            rng.skewed(40)
        } else {
            0
        })
            .map(|_| version(rng, distro))
            .collect();
        let mut a = json!({"package": {"ecosystem": eco, "name": name}, "ranges": ranges});
        if !versions.is_empty() {
            a["versions"] = json!(versions);
        }
        match kind.prefix {
            "DEBIAN-CVE" => {
                a["ecosystem_specific"] = json!({"urgency": rng.pick(&["not yet assigned", "unimportant", "low", "medium", "high"])})
            }
            "UBUNTU-CVE" => {
                a["ecosystem_specific"] = json!({"ubuntu_priority": rng.pick(&["negligible", "low", "medium", "high"]), "availability": "No subscription required", "binaries": [{ name.as_str(): version(rng, true) }]})
            }
            "GHSA" => {
                a["database_specific"] = json!({"source": format!("https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/{}/{id}.json", 2018 + rng.below(8))})
            }
            _ => {}
        }
        affected.push(a);
    }
    let refs: Vec<serde_json::Value> = (0..2 + rng.below(5))
        .map(|i| {
            let kind = ["ADVISORY", "WEB", "FIX", "PACKAGE", "REPORT"][(i % 5) as usize];
            json!({"type": kind,
                   "url": format!("https://{}.example.org/{}/{}", word(rng.skewed(300)), word(rng.skewed(5000)), rng.below(1 << 40))})
        })
        .collect();
    let summary_len = 30 + rng.below(70) as usize;
    let details_len = 100 + cve_rng.skewed(1900) as usize;
    let details = if distro {
        text(&mut cve_rng, details_len)
    } else {
        text(rng, details_len)
    };
    let mut r = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": time(rng, 2020),
        "published": time(rng, 2005),
        "summary": text(rng, summary_len),
        "details": details,
        "affected": affected,
        "references": refs,
    });
    if distro {
        r["upstream"] = json!([cve]);
    } else {
        r["aliases"] = json!([cve]);
        r["database_specific"] = json!({"severity": rng.pick(&["LOW", "MODERATE", "HIGH", "CRITICAL"]), "cwe_ids": [format!("CWE-{}", rng.skewed(1000))], "github_reviewed": true});
    }
    if rng.below(3) > 0 {
        r["severity"] = json!([{"type": "CVSS_V3", "score": cvss(rng)}]);
    }
    r
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `db --open PATH`: opens the database a few times in this fresh process
/// (as a scan does) and prints each time in microseconds. With `--whole`,
/// the whole file is read into memory first (the text not left on disk),
/// for comparison.
fn open_only(path: &str, whole: bool) {
    let path = std::path::Path::new(path);
    for _ in 0..7 {
        let t = Instant::now();
        let db = if whole {
            Database::from_vec(std::fs::read(path).expect("read"), path)
        } else {
            Database::open(path)
        }
        .expect("open");
        println!("{}", t.elapsed().as_micros());
        drop(db);
    }
}

/// `db --lookups PATH`: `advisory` and `advisory_core` of every 97th
/// record of an existing database, in this fresh process (as a scan looks
/// them up), ten rounds each; prints each round's median and mean, then a
/// line `medians A C`: the median of the rounds' medians (the first round,
/// with the string table cold, left out). Also for a profiler.
fn lookups_only(path: &str) {
    let db = Database::open(std::path::Path::new(path)).expect("open");
    let ids: Vec<String> = db.ids().step_by(97).map(str::to_owned).collect();
    let mut medians = Vec::new();
    for (what, core) in [("advisory", false), ("advisory_core", true)] {
        let mut rounds = Vec::new();
        for _ in 0..10 {
            rounds.push(per_call(&ids, |id| {
                if core {
                    db.advisory_core(id).is_some()
                } else {
                    db.advisory(id).is_some()
                }
            }));
        }
        let shown: Vec<String> = rounds
            .iter()
            .map(|(median, mean, _)| format!("{median:.2}/{mean:.2}"))
            .collect();
        println!("{what}: median/mean µs per round: {}", shown.join(" "));
        let mut warm: Vec<f64> = rounds[1..].iter().map(|r| r.0).collect();
        warm.sort_by(f64::total_cmp);
        medians.push(warm[warm.len() / 2]);
    }
    println!("medians {:.2} {:.2}", medians[0], medians[1]);
}

/// Where a kept database's sampled packages are written.
fn packages_file(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".packages");
    std::path::PathBuf::from(name)
}

/// `db --match PATH`: the matcher alone, on a database kept by an earlier
/// run (`PORTCULLIS_BENCH_DB=PATH`) and the packages it sampled, in a fresh
/// process; `PORTCULLIS_BENCH_ROUNDS` rounds of five runs (for a profiler);
/// `PORTCULLIS_BENCH_DUMP=FILE` writes the findings there.
fn match_only(path: &str) {
    let path = std::path::Path::new(path);
    let db = Database::open(path).expect("open");
    let list = std::fs::read_to_string(packages_file(path)).expect("the package list");
    let packages: Vec<(String, String)> = list
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(e, n)| (e.to_owned(), n.to_owned()))
        .collect();
    let rounds: usize = std::env::var("PORTCULLIS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    for _ in 0..rounds {
        let dump = std::env::var_os("PORTCULLIS_BENCH_DUMP");
        let (count, found, times) =
            match_packages(&db, &packages, dump.as_deref().map(std::path::Path::new));
        println!(
            "match_inventory {count} packages: min {}, median {}, max {}, {found} vulnerabilities",
            ms(times[0]),
            ms(times[2]),
            ms(times[4])
        );
    }
}

/// [`lookups_only`] in a fresh process: (advisory, advisory_core) medians.
fn fresh_lookups(path: &std::path::Path) -> (f64, f64) {
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--lookups")
        .arg(path)
        .output()
        .expect("run the lookups");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("medians "))
        .expect("the lookups printed their medians");
    let mut v = line.split(' ').map(|x| x.parse::<f64>().expect("a number"));
    (
        v.next().expect("advisory"),
        v.next().expect("advisory_core"),
    )
}

/// Opens in 3 fresh processes, 7 times each; the times sorted.
fn fresh_opens(path: &std::path::Path, whole: bool) -> Vec<Duration> {
    let mut opens = Vec::new();
    for _ in 0..3 {
        let mut command = std::process::Command::new(std::env::current_exe().expect("exe"));
        command.arg("--open").arg(path);
        if whole {
            command.arg("--whole");
        }
        let out = command.output().expect("run the opener");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Ok(us) = line.trim().parse::<u64>() {
                opens.push(Duration::from_micros(us));
            }
        }
    }
    assert!(!opens.is_empty(), "the opener printed nothing");
    opens.sort();
    opens
}

/// The lengths of sections `kinds` of a database file (its directory, as
/// `db::format` documents it).
fn section_lengths(path: &std::path::Path, kinds: &[u32]) -> Vec<u64> {
    let bytes = std::fs::read(path).expect("read");
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    let count = u32_at(12) as usize;
    kinds
        .iter()
        .map(|&k| {
            (0..count)
                .map(|i| 32 + i * 24)
                .find(|&at| u32_at(at) == k)
                .map_or(0, |at| u64_at(at + 16))
        })
        .collect()
}

/// Each lookup timed alone: (median, mean) in µs, and how many found.
fn per_call(ids: &[String], f: impl Fn(&str) -> bool) -> (f64, f64, usize) {
    let mut times = Vec::with_capacity(ids.len());
    let mut found = 0;
    for id in ids {
        let t = Instant::now();
        found += usize::from(f(id));
        times.push(t.elapsed());
    }
    let total: Duration = times.iter().sum();
    times.sort();
    (
        times[times.len() / 2].as_secs_f64() * 1e6,
        total.as_secs_f64() * 1e6 / ids.len().max(1) as f64,
        found,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--open") {
        return open_only(&args[i + 1], args.iter().any(|a| a == "--whole"));
    }
    if let Some(i) = args.iter().position(|a| a == "--lookups") {
        return lookups_only(&args[i + 1]);
    }
    if let Some(i) = args.iter().position(|a| a == "--match") {
        return match_only(&args[i + 1]);
    }
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(500_000);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut store = Store::new();
    let (mut json_bytes, mut gen_time, mut parse_time) = (0usize, Duration::ZERO, Duration::ZERO);
    let mut sample_packages = Vec::new();
    let mut sample_ids = Vec::new();
    let mut sample_cves = Vec::new();
    for i in 0..n {
        let t = Instant::now();
        let value = record(&mut rng, i);
        let bytes = serde_json::to_vec(&value).expect("json");
        gen_time += t.elapsed();
        json_bytes += bytes.len();
        let t = Instant::now();
        let parsed = osv::parse(&bytes).expect("a synthetic record parses");
        if let osv::Parsed::Record(r) = &parsed {
            if i % 97 == 0 {
                let a = &r.affected[0];
                sample_packages.push((
                    a.ecosystem.clone(),
                    db::normalize_name(&a.ecosystem, &a.name).into_owned(),
                ));
                sample_ids.push(r.id.clone());
                sample_cves.push(
                    r.upstream
                        .first()
                        .or(r.aliases.first())
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            store.merge(r.clone());
        }
        parse_time += t.elapsed();
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = match std::env::var_os("PORTCULLIS_BENCH_DB") {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("advisories.db"),
    };
    let t = Instant::now();
    let meta = store.write(&path).expect("write");
    let write_time = t.elapsed();
    let size = std::fs::metadata(&path).expect("size").len();
    // TEXT_DICT, TEXT_DATA.
    let text_sections = section_lengths(&path, &[13, 14]);
    drop(store);
    // The matcher's packages beside a kept database, for `--match`.
    if std::env::var_os("PORTCULLIS_BENCH_DB").is_some() {
        let list: String = sample_packages
            .iter()
            .map(|(eco, name)| format!("{eco}\t{name}\n"))
            .collect();
        std::fs::write(packages_file(&path), list).expect("write the package list");
    }

    // Opened in fresh processes, as each scan opens it (this process's
    // allocator still holds the store's memory).
    let opens = fresh_opens(&path, false);
    let whole_opens = fresh_opens(&path, true);
    let fresh = fresh_lookups(&path);
    let last = opens.len() - 1;
    let db = Database::open(&path).expect("open");

    let rounds = 20;
    let t = Instant::now();
    let mut entries = 0usize;
    for _ in 0..rounds {
        for (eco, name) in &sample_packages {
            for a in db.affected(eco, name) {
                entries += a.ranges.len() + a.versions.len();
            }
        }
    }
    let lookups = rounds * sample_packages.len();
    let affected_time = t.elapsed();
    let t = Instant::now();
    let mut missing = 0;
    for (eco, name) in &sample_packages {
        missing += db.affected(eco, &format!("{name}-absent")).count();
    }
    let miss_time = t.elapsed();
    // Each record's text read from the file (pread of its frame): a first
    // pass, which also decompresses most of the string table's blocks the
    // first time (about 1,700 of them), then again; then, for comparison,
    // with the whole file in memory.
    let with_text = |db: &Database, id: &str| db.advisory(id).is_some_and(|a| a.details.is_some());
    let first = per_call(&sample_ids, |id| with_text(&db, id));
    let advisory = per_call(&sample_ids, |id| with_text(&db, id));
    let core = per_call(&sample_ids, |id| db.advisory_core(id).is_some());
    let in_memory = Database::from_vec(std::fs::read(&path).expect("read"), &path).expect("open");
    per_call(&sample_ids, |id| with_text(&in_memory, id));
    let advisory_memory = per_call(&sample_ids, |id| with_text(&in_memory, id));
    drop(in_memory);
    let found = first.2;
    assert_eq!(core.2, sample_ids.len());
    assert_eq!(advisory_memory.2, sample_ids.len());
    let t = Instant::now();
    let mut related = 0;
    for cve in &sample_cves {
        related += db.related(cve).count();
    }
    let related_time = t.elapsed();
    assert_eq!(found, sample_ids.len());
    assert_eq!(missing, 0);
    assert!(related >= sample_cves.len());
    let (matched_packages, vulnerabilities, match_times) =
        match_packages(&db, &sample_packages, None);

    let c = &meta.counts;
    println!("advisory database benchmark: {n} synthetic OSV records");
    println!(
        "  JSON                {:.0} MiB ({} bytes a record)",
        json_bytes as f64 / 1048576.0,
        json_bytes as u64 / n.max(1)
    );
    println!(
        "  generate JSON       {:.1} s (not part of an import)",
        gen_time.as_secs_f64()
    );
    println!(
        "  parse + merge       {:.1} s ({:.1} µs a record)",
        parse_time.as_secs_f64(),
        parse_time.as_secs_f64() * 1e6 / n.max(1) as f64
    );
    println!("  write (encode+sync) {:.1} s", write_time.as_secs_f64());
    println!("  file                {:.1} MiB ({:.0} bytes a record); {} affected entries, {} packages, {} ecosystems, {} strings",
        size as f64 / 1048576.0, size as f64 / n.max(1) as f64, c.affected, c.packages, c.ecosystems, c.strings);
    println!(
        "  text                {:.1} MiB of frames, a {:.0} KiB dictionary",
        text_sections[1] as f64 / 1048576.0,
        text_sections[0] as f64 / 1024.0
    );
    println!(
        "  open                min {}, median {}, max {} ({} opens in 3 fresh processes, file in the page cache)",
        ms(opens[0]),
        ms(opens[last / 2]),
        ms(opens[last]),
        opens.len()
    );
    println!("  affected(eco, name) {:.2} µs a lookup with its entries decoded ({} lookups, {} ranges+versions)",
        affected_time.as_secs_f64() * 1e6 / lookups as f64, lookups, entries);
    println!(
        "  affected, absent    {:.2} µs a lookup",
        miss_time.as_secs_f64() * 1e6 / sample_packages.len() as f64
    );
    println!(
        "  advisory(id)        median {:.2} µs, mean {:.2} µs (its text frame read from the file and decompressed; {} lookups); first pass, the string table cold: median {:.2} µs, mean {:.2} µs",
        advisory.0,
        advisory.1,
        sample_ids.len(),
        first.0,
        first.1
    );
    println!(
        "  advisory_core(id)   median {:.2} µs, mean {:.2} µs (no text)",
        core.0, core.1
    );
    println!(
        "  in a fresh process  advisory(id) median {:.2} µs, advisory_core(id) median {:.2} µs (medians of 9 rounds over the same ids, as a scan looks them up; this process's allocator holds the freed store)",
        fresh.0, fresh.1
    );
    println!(
        "  text in memory      advisory(id) median {:.2} µs, mean {:.2} µs; open (the whole file read) min {}, median {}, max {}",
        advisory_memory.0,
        advisory_memory.1,
        ms(whole_opens[0]),
        ms(whole_opens[whole_opens.len() / 2]),
        ms(whole_opens[whole_opens.len() - 1])
    );
    println!(
        "  related(cve)        {:.2} µs",
        related_time.as_secs_f64() * 1e6 / sample_cves.len() as f64
    );
    println!(
        "  match_inventory     {} packages (each named by some record, at version 0.0.1) in inventories per release: min {}, median {}, max {} (5 runs; target <= 100 ms), {} vulnerabilities",
        matched_packages,
        ms(match_times[0]),
        ms(match_times[2]),
        ms(match_times[4]),
        vulnerabilities
    );
}

/// The matcher on `packages` packages: every sampled (ecosystem, name)
/// as a package at a low version (inside most ranges), grouped into one
/// inventory per distribution release (an image has one OS), the language
/// packages in the Debian 12 one. Five runs, sorted times.
fn match_packages(
    db: &Database,
    packages: &[(String, String)],
    dump: Option<&std::path::Path>,
) -> (usize, usize, Vec<Duration>) {
    use portcullis_advisories::matching::{match_inventory, MatchOptions};
    use portcullis_advisories::vex::{ImageIdentity, VexSet};
    use portcullis_packages::{
        Ecosystem, Evidence, InstalledPackage, Inventory, Os, SourcePackage,
    };
    let os_of = |eco: &str| -> Option<Os> {
        let (id, version) = match eco.split(':').collect::<Vec<_>>()[..] {
            ["Debian", v] => ("debian", v.to_owned()),
            ["Ubuntu", v, ..] => ("ubuntu", v.to_owned()),
            ["Alpine", v] => ("alpine", v.trim_start_matches('v').to_owned() + ".0"),
            ["Rocky Linux", v] => ("rocky", v.to_owned()),
            ["AlmaLinux", v] => ("almalinux", v.to_owned()),
            ["Red Hat", _, v, ..] => ("rhel", v.to_owned()),
            _ => return None,
        };
        Some(Os {
            id: id.to_owned(),
            version_id: Some(version),
            version_codename: None,
            id_like: Vec::new(),
            pretty_name: None,
        })
    };
    let mut inventories: Vec<(String, Inventory)> = Vec::new();
    let mut count = 0;
    for (eco, name) in packages.iter().take(5000) {
        let (ecosystem, release, version) = match eco.as_str() {
            "PyPI" => (Ecosystem::Pypi, "Debian:12", "0.0.1"),
            "npm" => (Ecosystem::Npm, "Debian:12", "0.0.1"),
            "Maven" => (Ecosystem::Maven, "Debian:12", "0.0.1"),
            "Go" => (Ecosystem::Golang, "Debian:12", "v0.0.1"),
            "crates.io" => (Ecosystem::Cargo, "Debian:12", "0.0.1"),
            "RubyGems" => (Ecosystem::Gem, "Debian:12", "0.0.1"),
            "Packagist" => (Ecosystem::Composer, "Debian:12", "0.0.1"),
            "NuGet" => (Ecosystem::Nuget, "Debian:12", "0.0.1"),
            e if e.starts_with("Debian") || e.starts_with("Ubuntu") => {
                (Ecosystem::Deb, e, "0.0.1-1")
            }
            e if e.starts_with("Alpine") => (Ecosystem::Apk, e, "0.0.1-r0"),
            e => (Ecosystem::Rpm, e, "0.0.1-1.el9"),
        };
        // Maven names are group:artifact; npm, Go and Composer ones are
        // namespace/name as the catalogers split them.
        let (namespace, short) = match ecosystem {
            Ecosystem::Maven => match name.split_once(':') {
                Some((g, a)) => (Some(g.to_owned()), a.to_owned()),
                None => (None, name.clone()),
            },
            Ecosystem::Npm | Ecosystem::Golang | Ecosystem::Composer => match name.rsplit_once('/')
            {
                Some((n, a)) => (Some(n.to_owned()), a.to_owned()),
                None => (None, name.clone()),
            },
            _ => (None, name.clone()),
        };
        let slot = match inventories.iter().position(|(r, _)| r == release) {
            Some(i) => i,
            None => {
                inventories.push((
                    release.to_owned(),
                    Inventory {
                        os: os_of(release),
                        packages: Vec::new(),
                    },
                ));
                inventories.len() - 1
            }
        };
        let purl = format!("pkg:{}/{name}@{version}", ecosystem.purl_type());
        inventories[slot].1.packages.push(InstalledPackage {
            id: purl.clone(),
            ecosystem,
            namespace,
            name: short.clone(),
            version: version.to_owned(),
            arch: None,
            purl,
            licenses: Vec::new(),
            license_expression: None,
            source: matches!(ecosystem, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm).then(
                || SourcePackage {
                    name: short,
                    version: None,
                },
            ),
            layer: Some(0),
            evidence: vec![Evidence {
                layer: 0,
                path: "/var/lib/dpkg/status".into(),
            }],
            go_version: None,
        });
        count += 1;
    }
    let vex = VexSet::new();
    let image = ImageIdentity {
        digest: None,
        names: Vec::new(),
        purl: None,
    };
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..5 {
        let t = Instant::now();
        found = inventories
            .iter()
            .map(|(_, inv)| {
                match_inventory(db, inv, &vex, &image, MatchOptions::default())
                    .vulnerabilities
                    .len()
            })
            .sum();
        times.push(t.elapsed());
    }
    times.sort();
    // Every finding and note as JSON lines, to compare two matchers'
    // results.
    if let Some(dump) = dump {
        let mut out = String::new();
        for (release, inv) in &inventories {
            let m = match_inventory(db, inv, &vex, &image, MatchOptions::default());
            for (v, p) in m.vulnerabilities.iter().zip(&m.packages) {
                out.push_str(&format!("{release}\t{p}\t"));
                out.push_str(&serde_json::to_string(v).expect("json"));
                out.push('\n');
            }
            for note in &m.notes {
                out.push_str(&format!("{release}\tnote\t{note}\n"));
            }
        }
        std::fs::write(dump, out).expect("write the dump");
    }
    (count, found, times)
}
