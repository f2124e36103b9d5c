//! The "floor" for the image-scan benchmark (issue 3): the least work any
//! scanner has to do to read an image's layers once and verify them.
//!
//! Given an OCI layout directory (and an optional ref), read index.json and
//! the manifest, then for every layer blob in parallel (rayon): read it once,
//! sha256 the compressed bytes, decompress it with the same libraries as the
//! scanner (gzip: `flate2::bufread::MultiGzDecoder`, zlib-rs backend; zstd:
//! `zstd::stream::read::Decoder`; told by magic bytes). Nothing else: no
//! tar parsing, no digest checks against the manifest (the digests are
//! computed, which is the cost). With `--diff-id`, the decompressed stream
//! is hashed too (the scanner does that only with `--full-digests`).
//!
//! ```text
//! cargo run --release -p portcullis-image --example floor -- DIR[:REF] [--ref REF] [--json] [--threads N] [--diff-id]
//! ```
//!
//! Prints one line per layer (bytes in/out, time) and a total; `--json`
//! prints one JSON object instead (used by scripts/bench-image.sh).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Read buffer size, as in the scanner (crates/portcullis-image/src/layer.rs).
const BUF: usize = 256 << 10;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Hashes and counts the bytes read through it (under the `BufReader`, as
/// the scanner does).
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

struct LayerResult {
    index: usize,
    compression: &'static str,
    bytes_in: u64,
    bytes_out: u64,
    blob_digest: String,
    /// Empty unless asked for.
    diff_id: String,
    seconds: f64,
    /// Seconds since the start of the parallel phase when this layer started.
    started: f64,
}

fn hex(hash: &[u8]) -> String {
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in hash {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn blob_path(dir: &Path, digest: &str) -> Result<PathBuf, BoxError> {
    let (alg, hex) = digest
        .split_once(':')
        .ok_or_else(|| format!("bad digest {digest:?}"))?;
    if alg.is_empty() || hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("bad digest {digest:?}").into());
    }
    Ok(dir.join("blobs").join(alg).join(hex))
}

fn read_json(path: &Path) -> Result<Value, BoxError> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?)
}

/// The image manifest chosen by `reference` (a ref name or a digest), or the
/// only one. Nested indexes: the first linux/amd64 entry, else the first.
fn find_manifest(dir: &Path, reference: Option<&str>) -> Result<Value, BoxError> {
    let index = read_json(&dir.join("index.json"))?;
    let manifests = index["manifests"]
        .as_array()
        .ok_or("index.json has no manifests")?;
    let chosen: Vec<&Value> = manifests
        .iter()
        .filter(|d| match reference {
            Some(r) => {
                d["annotations"]["org.opencontainers.image.ref.name"].as_str() == Some(r)
                    || d["digest"].as_str() == Some(r)
            }
            None => true,
        })
        .collect();
    let desc = match chosen.as_slice() {
        [one] => *one,
        [] => return Err(format!("no image {:?} in index.json", reference.unwrap_or("")).into()),
        _ => return Err("index.json lists several images: give a ref".into()),
    };
    let mut manifest = read_json(&blob_path(
        dir,
        desc["digest"].as_str().ok_or("no digest")?,
    )?)?;
    while manifest["manifests"].is_array() {
        let list = manifest["manifests"].as_array().ok_or("empty index")?;
        let pick = list
            .iter()
            .find(|m| {
                m["platform"]["os"].as_str() == Some("linux")
                    && m["platform"]["architecture"].as_str() == Some("amd64")
            })
            .or_else(|| list.first())
            .ok_or("empty nested index")?;
        manifest = read_json(&blob_path(
            dir,
            pick["digest"].as_str().ok_or("no digest")?,
        )?)?;
    }
    Ok(manifest)
}

fn read_layer(
    path: &Path,
    index: usize,
    t0: Instant,
    diff_id: bool,
) -> Result<LayerResult, BoxError> {
    let start = Instant::now();
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut input = BufReader::with_capacity(
        BUF,
        Hashing {
            inner: file,
            hasher: Sha256::new(),
            count: 0,
        },
    );
    let head = input.fill_buf()?;
    let compression = if head.starts_with(&[0x1f, 0x8b]) {
        "gzip"
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        "zstd"
    } else {
        "none"
    };
    let mut out_hasher = diff_id.then(Sha256::new);
    let mut bytes_out = 0u64;
    let mut buf = vec![0u8; BUF];
    let mut drain = |r: &mut dyn Read| -> io::Result<()> {
        loop {
            let n = match r.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if let Some(h) = &mut out_hasher {
                h.update(&buf[..n]);
            }
            bytes_out += n as u64;
        }
    };
    let input = match compression {
        "gzip" => {
            let mut d = flate2::bufread::MultiGzDecoder::new(input);
            drain(&mut d)?;
            d.into_inner()
        }
        "zstd" => {
            let mut d = zstd::stream::read::Decoder::with_buffer(input)?;
            drain(&mut d)?;
            d.finish()
        }
        _ => {
            let mut input = input;
            drain(&mut input)?;
            input
        }
    };
    // Anything after the compressed stream still belongs to the blob digest.
    let mut input = input;
    io::copy(&mut input, &mut io::sink())?;
    let input = input.into_inner();
    Ok(LayerResult {
        index,
        compression,
        bytes_in: input.count,
        bytes_out,
        blob_digest: hex(input.hasher.finalize().as_slice()),
        diff_id: out_hasher
            .map(|h| hex(h.finalize().as_slice()))
            .unwrap_or_default(),
        seconds: start.elapsed().as_secs_f64(),
        started: start.duration_since(t0).as_secs_f64(),
    })
}

fn run() -> Result<(), BoxError> {
    let mut target = None;
    let mut reference = None;
    let mut json = false;
    let mut threads = 0usize;
    let mut diff_id = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--diff-id" => diff_id = true,
            "--ref" => reference = Some(args.next().ok_or("--ref needs a value")?),
            "--threads" => threads = args.next().ok_or("--threads needs a value")?.parse()?,
            "-h" | "--help" => {
                println!(
                    "usage: floor [oci:]DIR[:REF] [--ref REF] [--json] [--threads N] [--diff-id]"
                );
                return Ok(());
            }
            _ if target.is_none() => target = Some(a),
            _ => return Err(format!("unexpected argument {a:?}").into()),
        }
    }
    let target = target
        .ok_or("usage: floor [oci:]DIR[:REF] [--ref REF] [--json] [--threads N] [--diff-id]")?;
    let target = target.strip_prefix("oci:").unwrap_or(&target).to_string();
    // DIR:REF, unless DIR itself exists (a directory name may hold a colon).
    let dir = if Path::new(&target).is_dir() {
        PathBuf::from(&target)
    } else if let Some((d, r)) = target.rsplit_once(':') {
        if reference.is_none() {
            reference = Some(r.to_string());
        }
        PathBuf::from(d)
    } else {
        PathBuf::from(&target)
    };
    // As the scanner (`each_in_parallel`): twice as many threads as cores,
    // so that layer counts that do not divide by the cores still fill them.
    if threads == 0 {
        threads = 2 * std::thread::available_parallelism().map_or(1, |n| n.get());
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()?;

    let t0 = Instant::now();
    let manifest = find_manifest(&dir, reference.as_deref())?;
    let layers: Vec<PathBuf> = manifest["layers"]
        .as_array()
        .ok_or("manifest has no layers")?
        .iter()
        .map(|l| blob_path(&dir, l["digest"].as_str().unwrap_or("")))
        .collect::<Result<_, _>>()?;
    let t_layers = Instant::now();
    let mut results = layers
        .par_iter()
        .enumerate()
        .map(|(i, p)| read_layer(p, i, t_layers, diff_id))
        .collect::<Result<Vec<_>, _>>()?;
    results.sort_by_key(|r| r.index);
    let total = t0.elapsed().as_secs_f64();
    let bytes_in: u64 = results.iter().map(|r| r.bytes_in).sum();
    let bytes_out: u64 = results.iter().map(|r| r.bytes_out).sum();
    let threads = rayon::current_num_threads();

    if json {
        let layers: Vec<Value> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "index": r.index,
                    "compression": r.compression,
                    "bytes_in": r.bytes_in,
                    "bytes_out": r.bytes_out,
                    "blob_digest": r.blob_digest,
                    "diff_id": r.diff_id,
                    "started": r.started,
                    "seconds": r.seconds,
                })
            })
            .collect();
        let out = serde_json::json!({
            "dir": dir.display().to_string(),
            "threads": threads,
            "layers": layers,
            "bytes_in": bytes_in,
            "bytes_out": bytes_out,
            "seconds": total,
        });
        println!("{out}");
    } else {
        let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
        for r in &results {
            println!(
                "layer {:>2} {:<4} in {:>9.1} MiB  out {:>9.1} MiB  start {:>6.2} s  {:>6.2} s  {:>6.0} MiB/s out  {}",
                r.index,
                r.compression,
                mib(r.bytes_in),
                mib(r.bytes_out),
                r.started,
                r.seconds,
                mib(r.bytes_out) / r.seconds.max(1e-9),
                r.diff_id,
            );
        }
        println!(
            "total: {} layers, in {:.1} MiB, out {:.1} MiB, {:.3} s ({:.0} MiB/s out, {} threads)",
            results.len(),
            mib(bytes_in),
            mib(bytes_out),
            total,
            mib(bytes_out) / total.max(1e-9),
            threads,
        );
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("floor: {e}");
        std::process::exit(2);
    }
}
