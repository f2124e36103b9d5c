//! A stable-Rust mutation fuzzer for the entry points, for machines where
//! libFuzzer cannot run: each round takes a corpus seed, applies a few
//! random byte-level mutations (flip, overwrite with an interesting value,
//! insert, delete, duplicate a slice, splice another seed, truncate) and
//! runs the target in-process. A panic, or an input slower than the limit,
//! is saved under `OUT/<target>/` and named on standard error. No coverage
//! feedback: it finds what a blind fuzzer finds, no more.
//!
//! `cargo run --release -p portcullis-fuzzing --example mutate -- SECONDS [TARGET…] [--out DIR]`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"\xff\xff\xff\xff",
    b"\x00\x00\x00\x80",
    b"\xff\xff\xff\x7f",
    b"${",
    b"}",
    b"{",
    b"\\",
    b"\"",
    b"'",
    b"\n",
    b"\r\n",
    b"-1",
    b"18446744073709551615",
    b"4294967296",
    b"../",
    b"/",
    b":",
    b"\t",
    b"=",
    b"[[",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let value = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len);
                let end = (i + value.len()).min(len);
                input[i..end].copy_from_slice(&value[..end - i]);
            }
            2 => {
                let value = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len + 1);
                input.splice(i..i, value.iter().copied());
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                input.drain(i..i + n);
            }
            4 if len > 0 && len < 1 << 20 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(4096));
                let copy = input[i..i + n].to_vec();
                let at = rng.below(len + 1);
                for _ in 0..1 + rng.below(8) {
                    input.splice(at..at, copy.iter().copied());
                }
            }
            5 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                let at = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            _ if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            _ => input.push(rng.next() as u8),
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut wanted: Vec<String> = Vec::new();
    let mut out = PathBuf::from("fuzz/artifacts-stable");
    while let Some(a) = args.next() {
        if a == "--out" {
            out = args.next().map(PathBuf::from).unwrap_or(out);
        } else {
            wanted.push(a);
        }
    }
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let targets: Vec<_> = portcullis_fuzzing::TARGETS
        .iter()
        .filter(|(name, _)| wanted.is_empty() || wanted.iter().any(|w| w == name))
        .collect();
    let per_target = Duration::from_secs(seconds) / targets.len().max(1) as u32;
    // Panics are caught and reported here, not printed by the hook.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = 0;
    for (name, run) in targets {
        let seeds: Vec<Vec<u8>> = std::fs::read_dir(corpus.join(name))
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .filter_map(|e| portcullis_fuzzing::read(&e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64 ^ seconds);
        let started = Instant::now();
        let mut runs = 0u64;
        let mut slowest = Duration::ZERO;
        while started.elapsed() < per_target {
            let mut input = seeds
                .get(rng.below(seeds.len()))
                .cloned()
                .unwrap_or_default();
            mutate(&mut rng, &mut input, &seeds);
            let at = Instant::now();
            let result = std::panic::catch_unwind(|| run(&input));
            let took = at.elapsed();
            slowest = slowest.max(took);
            runs += 1;
            let why = match result {
                Err(_) => Some("panic"),
                Ok(()) if took > Duration::from_secs(10) => Some("slow"),
                Ok(()) => None,
            };
            if let Some(why) = why {
                failures += 1;
                let dir = out.join(name);
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("{why}-{runs}"));
                let _ = std::fs::write(&file, &input);
                eprintln!("{name}: {why} ({took:?}) saved as {}", file.display());
            }
        }
        println!(
            "{name}: {runs} inputs in {:.0?}, slowest {slowest:.1?}",
            started.elapsed()
        );
    }
    if failures > 0 {
        eprintln!("{failures} failing inputs");
        std::process::exit(1);
    }
}
