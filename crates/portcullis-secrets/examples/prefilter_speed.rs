//! Throughput of the anchor prefilter ([`portcullis_secrets::prefilter`])
//! against Aho-Corasick's DFA on the scanner's anchors, on binaries and on
//! text separately (a benchmark, not a test):
//!
//! ```text
//! cargo run --release -p portcullis-secrets --example prefilter_speed -- \
//!     [--rounds N] [--bin PATH…] [--text PATH…]
//! ```
//!
//! Paths are files or directories (walked). Without any, binaries are a
//! JDK's `lib/modules`, this machine's shared libraries and `/usr/bin`,
//! text its documentation, Python sources and C headers (up to 256 MiB and
//! 128 MiB, at most 16 MiB of one file). Each corpus is timed in 4 MiB
//! segments, each segment `N` times (default 5), and the best time of each
//! is kept: on a shared machine that is the closest to the code's own
//! speed. MB/s are 10^6 bytes a second.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use portcullis_secrets::prefilter::Prefilter;

const SEGMENT: usize = 4 << 20;
const EACH: usize = 16 << 20;

fn walk(path: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            if !entry.is_symlink() {
                walk(&entry, keep, out);
            }
        }
    } else if path.is_file() && keep(path) {
        out.push(path.to_path_buf());
    }
}

fn load(paths: &[PathBuf], cap: usize) -> (Vec<u8>, usize) {
    let mut data = Vec::new();
    let mut files = 0;
    for path in paths {
        if data.len() >= cap {
            break;
        }
        if let Ok(bytes) = std::fs::read(path) {
            let n = bytes.len().min(EACH).min(cap - data.len());
            data.extend_from_slice(&bytes[..n]);
            files += 1;
        }
    }
    (data, files)
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn default_binaries() -> Vec<PathBuf> {
    // A JDK's modules first (16 MiB of them), then shared libraries, then
    // executables, until the cap.
    let mut paths = Vec::new();
    walk(
        Path::new("/usr/lib/jvm"),
        &|p| name_of(p) == "modules",
        &mut paths,
    );
    paths.truncate(1);
    let lib = Path::new("/usr/lib/x86_64-linux-gnu");
    if let Ok(entries) = std::fs::read_dir(lib) {
        let mut libs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && !p.is_symlink() && name_of(p).contains(".so"))
            .collect();
        libs.sort();
        paths.extend(libs);
    }
    walk(Path::new("/usr/bin"), &|_| true, &mut paths);
    paths
}

fn default_text() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    walk(
        Path::new("/usr/share/doc"),
        &|p| !name_of(p).ends_with(".gz"),
        &mut paths,
    );
    if let Ok(entries) = std::fs::read_dir("/usr/lib") {
        let mut pythons: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| name_of(p).starts_with("python3"))
            .collect();
        pythons.sort();
        for dir in pythons {
            walk(&dir, &|p| name_of(p).ends_with(".py"), &mut paths);
        }
    }
    walk(Path::new("/usr/include"), &|_| true, &mut paths);
    paths
}

/// The scanner's anchors, deduplicated as `scan::Catalogue` does.
fn anchors() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    let mut add = |a: &'static str| {
        if !all.contains(&a) {
            all.push(a);
        }
    };
    for kind in portcullis_secrets::tokens::KINDS {
        kind.anchors.iter().for_each(|a| add(a));
    }
    for kind in portcullis_secrets::tokens::PAIRS {
        kind.anchors.iter().for_each(|a| add(a));
    }
    portcullis_secrets::generic::KEYWORDS
        .iter()
        .for_each(|a| add(a));
    add("-----BEGIN ");
    add("://");
    all
}

/// Best-of-`rounds` throughput in MB/s (per segment) and the result.
fn measure(data: &[u8], rounds: usize, run: &dyn Fn(&[u8]) -> usize) -> (f64, usize) {
    let segments: Vec<&[u8]> = data.chunks(SEGMENT).collect();
    let mut best = vec![Duration::MAX; segments.len()];
    let mut found = 0;
    for _ in 0..rounds {
        found = 0;
        for (segment, best) in segments.iter().zip(best.iter_mut()) {
            let start = Instant::now();
            found += std::hint::black_box(run(segment));
            *best = (*best).min(start.elapsed());
        }
    }
    let secs: f64 = best.iter().map(Duration::as_secs_f64).sum();
    (data.len() as f64 / 1e6 / secs, found)
}

fn main() {
    let mut rounds = 5;
    let (mut bins, mut texts) = (Vec::new(), Vec::new());
    let mut target = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--bin" => target = 1,
            "--text" => target = 2,
            path if target == 1 => walk(Path::new(path), &|_| true, &mut bins),
            path if target == 2 => walk(Path::new(path), &|_| true, &mut texts),
            other => eprintln!("{other}: give paths after --bin or --text"),
        }
    }
    if bins.is_empty() {
        bins = default_binaries();
    }
    if texts.is_empty() {
        texts = default_text();
    }
    let anchors = anchors();
    let start = Instant::now();
    let prefilter = Prefilter::new(&anchors).expect("the anchors build");
    let built = start.elapsed();
    let start = Instant::now();
    let dfa = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&anchors)
        .expect("the anchors compile");
    let dfa_built = start.elapsed();
    let longest = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&anchors)
        .expect("the anchors compile");
    println!(
        "{} anchors; prefilter built in {:.1} ms, Aho-Corasick DFA in {:.1} ms; best of {rounds} rounds",
        anchors.len(),
        built.as_secs_f64() * 1e3,
        dfa_built.as_secs_f64() * 1e3
    );
    let ours = |d: &[u8]| {
        let mut n = 0;
        prefilter.for_each(d, 0, |_, _| n += 1);
        n
    };
    let overlapping = |d: &[u8]| dfa.find_overlapping_iter(d).count();
    // What the scanner did before: leftmost-longest, searched again from
    // the byte after each match start.
    let restarted = |d: &[u8]| {
        let (mut n, mut at) = (0, 0);
        while let Some(m) = longest.find(Input::new(d).span(at..d.len())) {
            n += 1;
            at = m.start() + 1;
        }
        n
    };
    for (label, paths, cap) in [("binaries", &bins, 256 << 20), ("text", &texts, 128 << 20)] {
        let (data, files) = load(paths, cap);
        if data.is_empty() {
            println!("{label}: no files");
            continue;
        }
        let (fast, found) = measure(&data, rounds, &ours);
        let (slow, want) = measure(&data, rounds, &overlapping);
        let (old, _) = measure(&data, rounds, &restarted);
        assert_eq!(
            found, want,
            "{label}: the prefilter and Aho-Corasick disagree"
        );
        println!(
            "{label}: {files} files, {:.1} MiB, {found} anchors: prefilter {fast:.0} MB/s, \
             Aho-Corasick DFA overlapping {slow:.0} MB/s ({:.1}x), leftmost-longest restarted {old:.0} MB/s",
            data.len() as f64 / (1 << 20) as f64,
            fast / slow
        );
    }
}
