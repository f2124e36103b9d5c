//! Every committed corpus file (`fuzz/corpus/<target>/`) through its
//! target's entry point, on stable Rust and without libFuzzer: what the
//! fuzzers once found stays fixed, and every target has seeds.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

#[test]
fn every_target_has_a_corpus_and_a_fuzz_target() {
    let fuzz = corpus().join("..");
    for (name, _) in portcullis_fuzzing::TARGETS {
        let dir = corpus().join(name);
        let seeds = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .count();
        assert!(seeds > 0, "{name}: no seeds");
        let target = fuzz.join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&target)
            .unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        assert!(
            text.contains(&format!("portcullis_fuzzing::{name}(")),
            "{name}.rs calls another entry point"
        );
    }
    let listed = std::fs::read_dir(fuzz.join("fuzz_targets"))
        .expect("fuzz_targets")
        .count();
    assert_eq!(listed, portcullis_fuzzing::TARGETS.len());
}

#[test]
fn the_corpora_replay_without_a_panic() {
    for (name, run) in portcullis_fuzzing::TARGETS {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join(name))
            .expect("corpus")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in files {
            let bytes = portcullis_fuzzing::read(&file).expect("read");
            let started = Instant::now();
            run(&bytes);
            // libFuzzer's -timeout=10, with room for an unoptimised build.
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{}: {:?}",
                file.display(),
                started.elapsed()
            );
        }
    }
}

/// The seeds of the scanning targets are valid inputs: fuzzing starts from
/// inputs that reach the layers, not from the first error.
#[test]
fn scanning_seeds_reach_a_report() {
    let seed = |target: &str, name: &str| {
        portcullis_fuzzing::read(&corpus().join(target).join(name)).expect("seed")
    };
    let meta = corpus().join("../../fixtures/lxd/tiny.meta.tar.xz");
    let split = format!("lxd:{},", meta.display());
    for (prefix, file, target, name) in [
        ("", "Dockerfile", "dockerfile_scan", "example"),
        (
            "docker-archive:",
            "image.tar",
            "docker_archive",
            "buildah-opaque",
        ),
        ("oci-archive:", "image.oci.tar", "oci_archive", "minimal"),
        ("lxd:", "lxd.tar", "lxd_unified", "tiny.tar"),
        (split.as_str(), "rootfs", "lxd_squashfs", "tiny.squashfs"),
    ] {
        let got = portcullis_fuzzing::scan_as(prefix, file, &seed(target, name));
        assert_eq!(got, Ok(1), "{target}/{name}");
    }
}
