//! CVSS scores against published test vectors (tests/data/cvss, see its
//! README for the sources), examples of the specifications, what invalid
//! vectors are told apart by, and that no input makes the parser panic.

use portcullis_advisories::cvss::{self, ErrorKind, Nomenclature, Rating, Vector, Version};
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/cvss")
}

/// `(vector, expected base score)` of each line `<vector> - <scores>`.
fn read_vectors(file: &str) -> Vec<(String, f64)> {
    let path = data_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (vector, scores) = line
                .split_once(" - ")
                .unwrap_or_else(|| panic!("{file}: no ' - ' in {line:?}"));
            let first = scores
                .trim()
                .trim_start_matches('(')
                .split([',', ')'])
                .next()
                .unwrap_or("");
            let score: f64 = first
                .trim()
                .parse()
                .unwrap_or_else(|e| panic!("{file}: score {first:?} in {line:?}: {e}"));
            (vector.trim().to_string(), score)
        })
        .collect()
}

fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

const FILES: &[(&str, Version, usize)] = &[
    ("vectors_simple2", Version::V2, 729),
    ("vectors_calculator2", Version::V2, 5),
    ("vectors_cvsslib2", Version::V2, 24),
    ("vectors_simple3", Version::V3_0, 2592),
    ("vectors_simple31", Version::V3_1, 2592),
    ("vectors_calculator3", Version::V3_0, 2),
    ("vectors_cvsslib3", Version::V3_0, 29),
    ("vectors_simple4", Version::V4_0, 1058),
    ("vectors_security4", Version::V4_0, 54),
    ("vectors_supplemental4", Version::V4_0, 576),
    ("vectors_threat4", Version::V4_0, 6),
];

#[test]
fn published_test_vectors() {
    let mut failures = Vec::new();
    let mut total = 0;
    for &(file, version, count) in FILES {
        let vectors = read_vectors(file);
        assert_eq!(vectors.len(), count, "{file}: number of vectors");
        for (vector, expected) in &vectors {
            total += 1;
            match cvss::base_score(vector) {
                Ok((v, score)) if v == version && tenths(score) == tenths(*expected) => {}
                Ok((v, score)) => failures.push(format!(
                    "{file}: {vector}: expected {expected} (v{version}), got {score} (v{v})"
                )),
                Err(e) => failures.push(format!("{file}: {vector}: {e}")),
            }
        }
    }
    for f in failures.iter().take(30) {
        eprintln!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} published vectors scored differently",
        failures.len()
    );
    eprintln!("{total} published vectors, all equal");
}

/// Examples from the specification documents and FIRST's example documents.
#[test]
fn specification_examples() {
    let cases: &[(&str, f64)] = &[
        // CVSS v2 guide, section 3.3 examples: CVE-2002-0392, CVE-2003-0818,
        // CVE-2003-0062.
        ("AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8),
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0),
        ("AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2),
        // v3.1 examples: Heartbleed CVE-2014-0160, Shellshock CVE-2014-6271,
        // phpMyAdmin reflected XSS CVE-2013-1937.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0),
        // v4.0: the highest MacroVector, and the common "network, no
        // privileges, full impact on the vulnerable system only".
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
            10.0,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            9.3,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
            0.0,
        ),
    ];
    for &(vector, expected) in cases {
        let v = Vector::parse(vector).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.base_score(), expected, "{vector}");
    }
}

#[test]
fn versions_and_ratings() {
    let v: Vector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        .parse()
        .expect("valid");
    assert_eq!(v.version(), Version::V3_0);
    assert_eq!(v.rating(), Rating::Critical);
    assert_eq!(v.metric("AV"), Some("N"));
    assert_eq!(v.metric("E"), None);
    let (version, score) = cvss::base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P").expect("valid");
    assert_eq!((version, score), (Version::V2, 7.5));
    assert_eq!(Rating::of(score), Rating::High);
    // The non-standard CVSS:2.0/ prefix.
    assert_eq!(
        cvss::base_score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P").ok(),
        Some((Version::V2, 7.5))
    );
}

#[test]
fn v3_temporal_and_environmental_do_not_change_the_base_score() {
    let base = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N";
    let full =
        format!("{base}/E:U/RL:O/RC:U/CR:L/IR:L/AR:L/MAV:P/MAC:H/MPR:H/MUI:R/MS:U/MC:N/MI:N/MA:N");
    // 9.3: FIRST's v3.1 calculator and the cvss 3.6 Python package.
    assert_eq!(cvss::base_score(base).ok(), Some((Version::V3_1, 9.3)));
    assert_eq!(cvss::base_score(&full).ok(), Some((Version::V3_1, 9.3)));
    // But their values are checked.
    let bad = format!("{base}/E:Z");
    let e = Vector::parse(&bad).expect_err("E:Z");
    assert_eq!(
        e.kind(),
        &ErrorKind::BadValue {
            metric: "E",
            value: "Z".into()
        }
    );
}

#[test]
fn order_is_free_names_and_values_are_strict() {
    let a = Vector::parse("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H").expect("any order");
    assert_eq!(a.base_score(), 9.8);
    assert_eq!(
        a.to_string(),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "displayed in the specification's order"
    );
    let b = Vector::parse("CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N")
        .expect("any order");
    assert_eq!(b.base_score(), 9.3);
    assert_eq!(
        b.to_string(),
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    );
    let c = Vector::parse("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND").expect("v2");
    assert_eq!(c.to_string(), "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND");
    for lower in [
        "CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red",
    ] {
        assert!(Vector::parse(lower).is_err(), "{lower}");
    }
}

#[test]
fn errors_say_what_is_wrong() {
    let kind = |s: &str| Vector::parse(s).map(|_| ()).map_err(|e| e.kind().clone());
    assert_eq!(kind(""), Err(ErrorKind::Empty));
    assert_eq!(
        kind("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        Err(ErrorKind::UnknownPrefix("CVSS:3.2".into()))
    );
    assert_eq!(
        kind("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
        Err(ErrorKind::MissingMetrics(vec!["A"]))
    );
    assert_eq!(
        kind("CVSS:3.1"),
        Err(ErrorKind::MissingMetrics(vec![
            "AV", "AC", "PR", "UI", "S", "C", "I", "A"
        ]))
    );
    assert_eq!(
        kind("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L"),
        Err(ErrorKind::DuplicateMetric("AV"))
    );
    assert_eq!(
        kind("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/"),
        Err(ErrorKind::MalformedField("".into()))
    );
    assert_eq!(
        kind("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H"),
        Err(ErrorKind::MalformedField("A:H:H".into()))
    );
    assert_eq!(
        kind("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N"),
        Err(ErrorKind::UnknownMetric("AT".into()))
    );
    assert_eq!(
        kind("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"),
        Err(ErrorKind::BadValue {
            metric: "SI",
            value: "S".into()
        }),
        "Safety is a value of MSI, not of SI"
    );
    // A v3 vector without its prefix is read as v2, and says so.
    let e = Vector::parse("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect_err("no prefix");
    assert_eq!(e.kind(), &ErrorKind::UnknownMetric("PR".into()));
    assert_eq!(e.version(), Some(Version::V2));
    let message = e.to_string();
    assert!(
        message.contains("PR") && message.contains("v2"),
        "{message}"
    );
    assert_eq!(e.vector(), "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    // Error is a std error.
    let _: &dyn std::error::Error = &e;
}

#[test]
fn osv_severity_types() {
    let v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    assert!(Vector::parse_osv("CVSS_V3", v3).is_ok());
    assert!(Vector::parse_osv("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_ok());
    assert!(Vector::parse_osv("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P").is_ok());
    let e = Vector::parse_osv("CVSS_V4", v3).expect_err("version mismatch");
    assert_eq!(
        e.kind(),
        &ErrorKind::VersionMismatch {
            severity_type: "CVSS_V4".into(),
            version: Version::V3_1
        }
    );
    let e = Vector::parse_osv("Ubuntu", "high").expect_err("not CVSS");
    assert_eq!(e.kind(), &ErrorKind::UnknownSeverityType("Ubuntu".into()));
}

/// v4.0: `base_score` is the FIRST calculator's score of the whole vector;
/// `cvss_b_score` the base metrics alone.
#[test]
fn v4_threat_and_environmental_metrics() {
    let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    let b = Vector::parse(base).expect("valid");
    assert_eq!(b.nomenclature(), Some(Nomenclature::CvssB));
    assert_eq!((b.base_score(), b.cvss_b_score()), (9.3, 9.3));

    // Expected scores of the whole vectors: the FIRST calculator
    // (RedHatProductSecurity/cvss-v4-calculator cvss40.js at d1eafe0) and the
    // cvss 3.6 Python package agree on each.
    // Threat: unreported exploitation lowers the score.
    let bt = Vector::parse(&format!("{base}/E:U")).expect("valid");
    assert_eq!(bt.nomenclature(), Some(Nomenclature::CvssBT));
    assert_eq!((bt.base_score(), bt.cvss_b_score()), (8.1, 9.3));

    // E:X and M*:X are Not Defined: still CVSS-B.
    let x = Vector::parse(&format!("{base}/E:X/CR:X/MAV:X/MSI:X")).expect("valid");
    assert_eq!(x.nomenclature(), Some(Nomenclature::CvssB));
    assert_eq!(x.base_score(), 9.3);

    // Environmental: a modified attack vector.
    let be = Vector::parse(&format!("{base}/MAV:P")).expect("valid");
    assert_eq!(be.nomenclature(), Some(Nomenclature::CvssBE));
    assert_eq!((be.base_score(), be.cvss_b_score()), (7.0, 9.3));

    // Both; and supplemental metrics change nothing.
    let bte = Vector::parse(&format!("{base}/E:P/CR:L/MSI:S/S:P/AU:Y/U:Red")).expect("valid");
    assert_eq!(bte.nomenclature(), Some(Nomenclature::CvssBTE));
    assert_eq!((bte.base_score(), bte.cvss_b_score()), (9.7, 9.3));
    let supplemental =
        Vector::parse(&format!("{base}/S:P/AU:Y/R:I/V:C/RE:H/U:Amber")).expect("valid");
    assert_eq!(supplemental.nomenclature(), Some(Nomenclature::CvssB));
    assert_eq!(supplemental.base_score(), 9.3);

    // v3 has no nomenclature.
    let v3 = Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect("valid");
    assert_eq!(v3.nomenclature(), None);
    assert_eq!(v3.cvss_b_score(), v3.base_score());
}

/// A tiny xorshift64* generator: fixed seeds, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Checks what holds for every input: no panic; a valid vector scores
/// within 0..=10 with one decimal, and its display parses back to the same.
fn check(input: &str) -> bool {
    match Vector::parse(input) {
        Ok(v) => {
            for score in [v.base_score(), v.cvss_b_score()] {
                assert!((0.0..=10.0).contains(&score), "{input}: {score}");
                assert!(
                    ((score * 10.0) - (score * 10.0).round()).abs() < 1e-9,
                    "{input}: {score} has more than one decimal"
                );
            }
            let shown = v.to_string();
            let again = Vector::parse(&shown).unwrap_or_else(|e| panic!("{input} → {shown}: {e}"));
            assert_eq!(again.base_score(), v.base_score(), "{input} → {shown}");
            assert_eq!(again.version(), v.version());
            true
        }
        Err(e) => {
            // Messages are produced, and bounded even for huge inputs.
            let message = e.to_string();
            assert!(message.len() < 1000, "{}", message.len());
            false
        }
    }
}

#[test]
fn random_strings_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet: Vec<char> = "CVSS:2.03.14.0/AVNLPHXUMRIEOTWFDQYZ:/:/ä\u{0}é日-_.,0123456789 "
        .chars()
        .collect();
    let prefixes = [
        "",
        "CVSS:2.0/",
        "CVSS:3.0/",
        "CVSS:3.1/",
        "CVSS:4.0/",
        "CVSS:",
    ];
    let mut valid = 0;
    for _ in 0..50_000 {
        let mut s = prefixes[rng.below(prefixes.len())].to_string();
        for _ in 0..rng.below(60) {
            s.push(alphabet[rng.below(alphabet.len())]);
        }
        valid += usize::from(check(&s));
    }
    // A long input, and one with a huge number of fields.
    check(&"A".repeat(100_000));
    check(&format!("CVSS:3.1/{}", "AV:N/".repeat(20_000)));
    eprintln!("random strings: {valid} of 50000 happened to be valid");
}

#[test]
fn mutated_vectors_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut seeds: Vec<String> = Vec::new();
    for &(file, _, _) in FILES {
        seeds.extend(read_vectors(file).into_iter().map(|(v, _)| v));
    }
    let pieces = [
        "/",
        ":",
        "X",
        "N",
        "H",
        "S",
        "ND",
        "MSI:S",
        "E:U",
        "CVSS:4.0/",
        "//",
        "::",
        "Clear",
        "ä",
    ];
    let (mut valid, mut total) = (0, 0);
    for seed in &seeds {
        for _ in 0..8 {
            let mut fields: Vec<String> = seed.split('/').map(str::to_string).collect();
            let mut s = match rng.below(7) {
                0 if fields.len() > 1 => {
                    // Drop a field.
                    fields.remove(rng.below(fields.len()));
                    fields.join("/")
                }
                1 => {
                    // Duplicate a field.
                    let f = fields[rng.below(fields.len())].clone();
                    fields.push(f);
                    fields.join("/")
                }
                2 if fields.len() > 2 => {
                    // Swap two fields (possibly the prefix).
                    let (a, b) = (rng.below(fields.len()), rng.below(fields.len()));
                    fields.swap(a, b);
                    fields.join("/")
                }
                3 => {
                    // Change case of one character.
                    let mut chars: Vec<char> = seed.chars().collect();
                    let i = rng.below(chars.len());
                    chars[i] = if chars[i].is_ascii_uppercase() {
                        chars[i].to_ascii_lowercase()
                    } else {
                        chars[i].to_ascii_uppercase()
                    };
                    chars.into_iter().collect()
                }
                _ => seed.clone(),
            };
            // Then a character-level edit.
            let mut chars: Vec<char> = s.chars().collect();
            match rng.below(3) {
                0 if !chars.is_empty() => {
                    chars.remove(rng.below(chars.len()));
                }
                1 => {
                    let at = rng.below(chars.len() + 1);
                    let piece = pieces[rng.below(pieces.len())];
                    for (k, c) in piece.chars().enumerate() {
                        chars.insert(at + k, c);
                    }
                }
                _ => {}
            }
            s = chars.into_iter().collect();
            total += 1;
            valid += usize::from(check(&s));
        }
    }
    eprintln!("mutated vectors: {valid} of {total} still valid");
}
