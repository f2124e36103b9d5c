//! Hostile policy files and suppressions: each bound crossed (the one-line
//! error, at its place) and stayed under (it loads and applies).

use std::path::Path;

use portcullis_policy::Policy;
use portcullis_rules::registry::find;

fn load(text: &str) -> Result<Policy, Vec<String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: &Path = &dir.path().join("portcullis.toml");
    std::fs::write(path, text).expect("write");
    Policy::load(path, "portcullis.toml")
        .map_err(|errors| errors.iter().map(|e| e.to_string()).collect())
}

/// `SQ40104` wrapped in `depth` levels of `{x,…}` alternatives.
fn nested_glob(depth: usize) -> String {
    format!("{}SQ40104{}", "{X,".repeat(depth), "}".repeat(depth))
}

fn excerpt_of(pattern: &str) -> String {
    let head: String = pattern.chars().take(80).collect();
    if head.len() < pattern.len() {
        format!("{head}…")
    } else {
        head
    }
}

#[test]
fn deeply_nested_braces_in_disable_are_an_error_not_a_stack_overflow() {
    for depth in [17, 100_000] {
        let glob = nested_glob(depth);
        let got = load(&format!("disable = [\"{glob}\"]\n")).expect_err("refused");
        let why = if glob.len() > 4096 {
            "longer than 4096 bytes"
        } else {
            "braces nested more than 16 deep"
        };
        assert_eq!(
            got,
            [format!(
                "portcullis.toml:1:12: bad glob `{}`: {why}",
                excerpt_of(&glob)
            )]
        );
    }
    // A pattern at the length bound is refused by its depth.
    let glob = "{".repeat(4096);
    let got = load(&format!("disable = [\"{glob}\"]\n")).expect_err("refused");
    assert_eq!(
        got,
        [format!(
            "portcullis.toml:1:12: bad glob `{}`: braces nested more than 16 deep",
            excerpt_of(&glob)
        )]
    );
}

#[test]
fn sixteen_levels_of_braces_apply() {
    let p = load(&format!("disable = [\"{}\"]\n", nested_glob(16))).expect("loads");
    assert!(!p.enabled(find("SQ40104").expect("rule")));
    assert!(p.enabled(find("SQ40101").expect("rule")));
}

#[test]
fn deeply_nested_braces_in_exception_images_are_an_error() {
    let glob = format!("{}app{}", "{x,".repeat(100_000), "}".repeat(100_000));
    let text =
        format!("[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nimages = [\"{glob}\"]\n");
    let got = load(&text).expect_err("refused");
    assert_eq!(
        got,
        [format!(
            "portcullis.toml:4:11: bad glob `{}`: longer than 4096 bytes",
            excerpt_of(&glob)
        )]
    );
    let glob = format!("{}app{}", "{x,".repeat(17), "}".repeat(17));
    let text =
        format!("[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nimages = [\"{glob}\"]\n");
    assert_eq!(
        load(&text).expect_err("refused"),
        [format!(
            "portcullis.toml:4:11: bad glob `{glob}`: braces nested more than 16 deep"
        )]
    );
    let glob = format!("{}app{}", "{x,".repeat(16), "}".repeat(16));
    let text =
        format!("[[exception]]\nrules = [\"SQ40104\"]\nreason = \"r\"\nimages = [\"{glob}\"]\n");
    load(&text).expect("sixteen levels load");
}
