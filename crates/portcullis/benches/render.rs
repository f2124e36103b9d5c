//! How long each report format takes to render a report with 10,000
//! findings (issue 7 asks for under a second each). A benchmark, not a test:
//!
//! ```text
//! cargo bench -p portcullis --bench render [-- FINDINGS]
//! ```
//!
//! Two reports: a real scan of a generated Dockerfile with one `ADD` per
//! finding (the human report shows each source line), and an image report
//! built in code with the image locations (layer paths, config pointers,
//! history entries, related entries) and notes. Prints, per format, the
//! best and median of 5 renders and the output size; then reading the JSON
//! back (`convert`). The image report has layers and history, which the
//! HTML report draws.

use std::time::{Duration, Instant};

use portcullis::Scanner;
use portcullis_policy::{
    Action, BaseBoundary, HistoryDetails, ImageDetails, LayerDetails, PolicyResult, Report,
    ReportedFinding, Status, TargetReport,
};
use portcullis_report::Format;
use portcullis_rules::finding::Note;
use portcullis_rules::{registry, Location, RULES};

const RUNS: usize = 5;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    println!("{n} findings per report; best and median of {RUNS} renders\n");
    measure("Dockerfile (real scan)", &dockerfile_report(n));
    measure("image (built in code)", &image_report(n));
}

fn measure(name: &str, report: &Report) {
    let findings: usize = report.targets.iter().map(|t| t.findings.len()).sum();
    println!("{name}: {findings} findings");
    println!(
        "  {:<10} {:>10} {:>10} {:>12}",
        "format", "best", "median", "bytes"
    );
    let mut json = String::new();
    for format in Format::ALL {
        let mut times = Vec::with_capacity(RUNS);
        let mut size = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let out = portcullis_report::render(format, report, false);
            times.push(start.elapsed());
            size = out.len();
            if format == Format::Json {
                json = out;
            }
        }
        let (best, median) = stats(&mut times);
        println!(
            "  {:<10} {:>10} {:>10} {:>12}",
            format.name(),
            ms(best),
            ms(median),
            size
        );
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let back = portcullis_report::read_json(json.as_bytes());
        times.push(start.elapsed());
        assert!(back.is_ok(), "the JSON reads back");
    }
    let (best, median) = stats(&mut times);
    println!(
        "  {:<10} {:>10} {:>10} {:>12}\n",
        "read json",
        ms(best),
        ms(median),
        json.len()
    );
}

fn stats(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A Dockerfile with `n` ADD instructions, each a finding, scanned for real.
fn dockerfile_report(n: usize) -> Report {
    let mut text = String::from("FROM scratch\nUSER 1000\nHEALTHCHECK CMD [\"/health\"]\n");
    for i in 0..n {
        text.push_str(&format!("ADD files/part-{i}.tar.gz /srv/app/part-{i}/\n"));
    }
    let scanner = Scanner {
        keep_source: true,
        ..Scanner::default()
    };
    let report = scanner
        .scan_dockerfile("bench/Dockerfile", text.as_bytes())
        .expect("the generated Dockerfile scans");
    assert_eq!(report.findings.len(), n, "one finding per ADD");
    Scanner::report(vec![report])
}

/// Layers and history for the image report (the HTML report draws them):
/// 12 layers made by 40 history entries, the first two the base's.
fn image_details(digest: &dyn Fn(usize) -> String) -> ImageDetails {
    let mut layer = 0;
    let history = (0..40)
        .map(|i| HistoryDetails {
            created: Some(format!("2024-05-01T12:{:02}:00Z", i)),
            created_by: format!("/bin/sh -c apt-get install -y package-{i}"),
            comment: None,
            layer: (i % 3 == 0 && layer < 12).then(|| {
                layer += 1;
                layer - 1
            }),
        })
        .collect();
    ImageDetails {
        layers: (0..12)
            .map(|i| LayerDetails {
                diff_id: digest(i),
                digest: digest(100 + i),
                compression: "gzip".into(),
                size: 1_000_000 * (i as u64 + 1),
                compressed_size: 400_000 * (i as u64 + 1),
                entries: 1000,
            })
            .collect(),
        history,
        base_boundary: Some(BaseBoundary {
            last: 1,
            signal: "buildkit-comments".into(),
            certain: true,
            how: "BuildKit's history comments".into(),
        }),
    }
}

/// An image report with `n` findings in every kind of image location.
fn image_report(n: usize) -> Report {
    let digest = |i: usize| format!("sha256:{:064x}", i);
    let finding = |code: &str, message: String, location: Location, related: Vec<Location>| {
        let rule = registry::find(code).expect("rule");
        let action = portcullis_policy::Policy::default().action(rule);
        ReportedFinding {
            rule: code.to_owned(),
            title: rule.title.to_owned(),
            category: rule.category,
            severity: rule.severity,
            action,
            message,
            location,
            related,
            remediation: rule.remediation.to_owned(),
            fingerprint: format!("{:032x}", n * 7919),
            suppressed: None,
            secret: None,
            vulnerability: None,
        }
    };
    let findings: Vec<ReportedFinding> = (0..n)
        .map(|i| {
            let history = Location::History {
                index: i % 40,
                created_by: format!("/bin/sh -c apt-get install -y package-{i} && chmod u+s /usr/lib/package-{i}/helper"),
            };
            match i % 4 {
                0 | 1 => finding(
                    "SQ40102",
                    format!("/usr/lib/package-{i}/helper has the setuid bit (mode 4755, owner 0:0)"),
                    Location::Layer {
                        index: i % 12,
                        digest: digest(i % 12),
                        path: format!("/usr/lib/package-{i}/helper"),
                        line: None,
                        column: None,
                    },
                    vec![history],
                ),
                2 => finding(
                    "SQ40104",
                    format!("port {}/tcp is exposed", 22 + i),
                    Location::Config {
                        pointer: format!("/config/ExposedPorts/{}~1tcp", 22 + i),
                    },
                    vec![history],
                ),
                _ => finding(
                    "SQ41102",
                    format!("ADD of a local file (entry {i})"),
                    history,
                    Vec::new(),
                ),
            }
        })
        .collect();
    let notes = (0..n / 100)
        .map(|i| Note {
            rule: "SQ40102".into(),
            message: format!("/usr/lib/gone-{i} had the setuid bit in layer 1, deleted by layer 2"),
            location: Location::Layer {
                index: 1,
                digest: digest(1),
                path: format!("/usr/lib/gone-{i}"),
                line: None,
                column: None,
            },
        })
        .collect();
    let policies = RULES
        .iter()
        .map(|r| PolicyResult {
            rule: r.code.to_owned(),
            reason: None,
            status: match findings.iter().find(|f| f.rule == r.code) {
                Some(f) if f.action == Action::Fail => Status::Fail,
                Some(_) => Status::Warn,
                None => Status::Pass,
            },
        })
        .collect();
    let target = TargetReport {
        target: "docker-archive:big.tar:app:1".into(),
        kind: "docker-archive".into(),
        digest: Some(digest(99)),
        path: Some("big.tar".into()),
        references: vec!["app:1".into()],
        verdict: portcullis_policy::Verdict::Fail,
        policies,
        findings,
        notes,
        source: None,
        texts: Vec::new(),
        image: Some(image_details(&digest)),
        lxd: None,
        config: None,
        hidden: None,
        os: None,
        packages: None,
        vulnerabilities: None,
    };
    Scanner::report(vec![target])
}
