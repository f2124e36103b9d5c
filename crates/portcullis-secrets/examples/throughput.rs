//! Throughput of the secret scanner on files given on the command line:
//! each read into memory, then scanned in 64 KiB chunks as the content
//! pass feeds them. `cargo run --release -p portcullis-secrets --example
//! throughput -- FILE…` (a benchmark, not a test).

use std::time::Instant;

fn main() {
    let mut total = 0usize;
    let mut files = Vec::new();
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => {
                total += bytes.len();
                files.push((path, bytes));
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    let catalogue = portcullis_secrets::scan::Catalogue::builtin();
    println!(
        "{} files, {:.1} MiB, {} anchors",
        files.len(),
        total as f64 / (1 << 20) as f64,
        catalogue.anchors()
    );
    for round in 0..3 {
        let start = Instant::now();
        let mut found = 0;
        for (path, bytes) in &files {
            let mut scanner =
                portcullis_secrets::Scanner::new(path.trim_start_matches('/').as_bytes());
            for chunk in bytes.chunks(64 << 10) {
                scanner.feed_sized(chunk, Some(bytes.len() as u64));
            }
            found += scanner.finish().secrets.len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "round {round}: {:.3} s, {:.0} MiB/s, {found} secrets",
            secs,
            total as f64 / (1 << 20) as f64 / secs
        );
    }
}
