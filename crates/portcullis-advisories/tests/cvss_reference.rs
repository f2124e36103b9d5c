//! Differential test of our CVSS scores against the reference
//! implementation, Red Hat's `cvss` Python package (3.6, installed by
//! scripts/reference-tools.sh into `$PORTCULLIS_REFERENCE_TOOLS/venv`).
//!
//! Vectors (fixed seed, so every run scores the same ones):
//! - v2: all 729 base vectors, and random vectors with temporal and
//!   environmental metrics, in random order;
//! - v3.0 and v3.1: all 2,592 base vectors each, and random vectors with
//!   temporal and environmental metrics, in random order;
//! - v4.0: all 104,976 base vectors (CVSS-B), and random vectors with
//!   threat, environmental and supplemental metrics (the score of the whole
//!   vector, as the reference scores it; their CVSS-B score is checked
//!   against the reference's score of their base metrics);
//! - v4.0: 100 vectors in each of the 270 MacroVectors, reached through
//!   threat and environmental metrics (random sampling alone rarely reaches
//!   some, such as those with MSI:S and no security requirement High);
//! - mutated vectors: a vector we accept must be accepted by the reference
//!   with the same score, one we reject must be rejected.
//!
//! All of them are scored in one Python process (JSON in on stdin, JSON out
//! on stdout) and every score must be equal to one decimal.
//!
//! Without `PORTCULLIS_REFERENCE_TOOLS`, or without Python or its `cvss`
//! there, the test prints `skipped: <why>` and passes, unless
//! `PORTCULLIS_REFERENCE_TESTS=required`.

use portcullis_advisories::cvss::{Vector, Version};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The reference scorer: reads `[[kind, vector], …]`, writes one entry per
/// vector, its base score or `"error: …"`. `kind` picks the class: "2"
/// CVSS2, "3" CVSS3 (v3.0 and v3.1 by prefix), "4" CVSS4.
const SCORER: &str = r#"
import json, sys, time
import cvss
start = time.time()
items = json.loads(sys.stdin.buffer.read().decode("utf-8"))
classes = {"2": cvss.CVSS2, "3": cvss.CVSS3, "4": cvss.CVSS4}
out = []
for kind, vector in items:
    try:
        out.append(float(classes[kind](vector).base_score))
    except Exception as e:
        out.append("error: %s: %s" % (type(e).__name__, e))
sys.stdout.write(json.dumps({"version": cvss.__version__, "seconds": time.time() - start, "scores": out}))
"#;

/// A tiny xorshift64* generator.
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
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[self.below(values.len())]
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

type Metrics = &'static [(&'static str, &'static [&'static str])];

// Metric values as the specifications list them (v2 guide section 2, v3.1
// section 6 table 15, v4.0 section 7), written out again here independently
// of the code under test.
const V2_BASE: Metrics = &[
    ("AV", &["L", "A", "N"]),
    ("AC", &["H", "M", "L"]),
    ("Au", &["M", "S", "N"]),
    ("C", &["N", "P", "C"]),
    ("I", &["N", "P", "C"]),
    ("A", &["N", "P", "C"]),
];
const V2_OPTIONAL: Metrics = &[
    ("E", &["U", "POC", "F", "H", "ND"]),
    ("RL", &["OF", "TF", "W", "U", "ND"]),
    ("RC", &["UC", "UR", "C", "ND"]),
    ("CDP", &["N", "L", "LM", "MH", "H", "ND"]),
    ("TD", &["N", "L", "M", "H", "ND"]),
    ("CR", &["L", "M", "H", "ND"]),
    ("IR", &["L", "M", "H", "ND"]),
    ("AR", &["L", "M", "H", "ND"]),
];
const V3_BASE: Metrics = &[
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "R"]),
    ("S", &["U", "C"]),
    ("C", &["H", "L", "N"]),
    ("I", &["H", "L", "N"]),
    ("A", &["H", "L", "N"]),
];
const V3_OPTIONAL: Metrics = &[
    ("E", &["X", "U", "P", "F", "H"]),
    ("RL", &["X", "O", "T", "W", "U"]),
    ("RC", &["X", "U", "R", "C"]),
    ("CR", &["X", "L", "M", "H"]),
    ("IR", &["X", "L", "M", "H"]),
    ("AR", &["X", "L", "M", "H"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "R"]),
    ("MS", &["X", "U", "C"]),
    ("MC", &["X", "N", "L", "H"]),
    ("MI", &["X", "N", "L", "H"]),
    ("MA", &["X", "N", "L", "H"]),
];
const V4_BASE: Metrics = &[
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
];
const V4_THREAT_ENVIRONMENTAL: Metrics = &[
    ("E", &["X", "A", "P", "U"]),
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MAT", &["X", "N", "P"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "P", "A"]),
    ("MVC", &["X", "H", "L", "N"]),
    ("MVI", &["X", "H", "L", "N"]),
    ("MVA", &["X", "H", "L", "N"]),
    ("MSC", &["X", "H", "L", "N"]),
    ("MSI", &["X", "S", "H", "L", "N"]),
    ("MSA", &["X", "S", "H", "L", "N"]),
];
const V4_SUPPLEMENTAL: Metrics = &[
    ("S", &["X", "N", "P"]),
    ("AU", &["X", "N", "Y"]),
    ("R", &["X", "A", "U", "I"]),
    ("V", &["X", "D", "C"]),
    ("RE", &["X", "L", "M", "H"]),
    ("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

/// Every combination of the base metrics, in order.
fn all_base(prefix: &str, metrics: Metrics) -> Vec<String> {
    let mut out = vec![String::new()];
    for (name, values) in metrics {
        let mut next = Vec::with_capacity(out.len() * values.len());
        for head in &out {
            for value in values.iter() {
                let sep = if head.is_empty() { "" } else { "/" };
                next.push(format!("{head}{sep}{name}:{value}"));
            }
        }
        out = next;
    }
    out.into_iter()
        .map(|body| format!("{prefix}{body}"))
        .collect()
}

/// A random vector: every base metric, each optional group's metrics with
/// the given chance, fields shuffled with `shuffle_percent`.
fn random_vector(
    rng: &mut Rng,
    prefix: &str,
    base: Metrics,
    optional: &[(Metrics, usize)],
    shuffle_percent: usize,
) -> String {
    let mut fields: Vec<String> = base
        .iter()
        .map(|(name, values)| format!("{name}:{}", rng.pick(values)))
        .collect();
    for &(group, percent) in optional {
        for (name, values) in group {
            if rng.chance(percent) {
                fields.push(format!("{name}:{}", rng.pick(values)));
            }
        }
    }
    if rng.chance(shuffle_percent) {
        rng.shuffle(&mut fields);
    }
    format!("{prefix}{}", fields.join("/"))
}

/// The level of each CVSS v4.0 equivalence set (EQ1 … EQ6) of effective
/// metric values, from the specification's EQ tables, written out here
/// independently of the code under test. `m` maps a metric to its
/// effective value (E, CR, IR, AR already resolved from X).
fn eq_levels(m: &HashMap<&str, &str>) -> [u8; 6] {
    let v = |k: &str| m.get(k).copied().unwrap_or("?");
    let (av, pr, ui) = (v("AV"), v("PR"), v("UI"));
    let eq1 = if av == "N" && pr == "N" && ui == "N" {
        0
    } else if (av == "N" || pr == "N" || ui == "N") && av != "P" {
        1
    } else {
        2
    };
    let eq2 = if v("AC") == "L" && v("AT") == "N" {
        0
    } else {
        1
    };
    let (vc, vi, va) = (v("VC"), v("VI"), v("VA"));
    let eq3 = if vc == "H" && vi == "H" {
        0
    } else if vc == "H" || vi == "H" || va == "H" {
        1
    } else {
        2
    };
    let eq4 = if v("SI") == "S" || v("SA") == "S" {
        0
    } else if v("SC") == "H" || v("SI") == "H" || v("SA") == "H" {
        1
    } else {
        2
    };
    let eq5 = match v("E") {
        "A" => 0,
        "P" => 1,
        _ => 2,
    };
    let eq6 = if (v("CR") == "H" && vc == "H")
        || (v("IR") == "H" && vi == "H")
        || (v("AR") == "H" && va == "H")
    {
        0
    } else {
        1
    };
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// Vectors in every CVSS v4.0 MacroVector, `per_macro` each: effective
/// values are drawn group by group (EQ1: AV PR UI; EQ2: AC AT; EQ3+EQ6: VC
/// VI VA CR IR AR; EQ4: SC SI SA; EQ5: E) until the group has the wanted
/// level, then written as a base value, a base value with its modified
/// metric `X`, or a random base value overridden by the modified metric
/// (Safety only that way); E and CR/IR/AR as absent, `X` or given when
/// they are the default worst case.
fn stratified_v4(rng: &mut Rng, per_macro: usize) -> Vec<String> {
    const GROUPS: [&[&str]; 5] = [
        &["AV", "PR", "UI"],
        &["AC", "AT"],
        &["VC", "VI", "VA", "CR", "IR", "AR"],
        &["SC", "SI", "SA"],
        &["E"],
    ];
    let effective_values = |name: &str| -> &'static [&'static str] {
        match name {
            "SI" | "SA" => &["S", "H", "L", "N"],
            "E" => &["A", "P", "U"],
            "CR" | "IR" | "AR" => &["H", "M", "L"],
            _ => V4_BASE
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(&[], |(_, vs)| *vs),
        }
    };
    let mut out = Vec::new();
    for target in 0..324u32 {
        let digits = [
            target / 108 % 3,
            target / 54 % 2,
            target / 18 % 3,
            target / 6 % 3,
            target / 2 % 3,
            target % 2,
        ]
        .map(|d| d as u8);
        if digits[2] == 2 && digits[5] == 0 {
            continue; // EQ3 2 with EQ6 0 does not exist.
        }
        for _ in 0..per_macro {
            let mut m: HashMap<&str, &str> = HashMap::new();
            for (g, group) in GROUPS.iter().enumerate() {
                // The EQ digits a group decides: EQ3+EQ6 together.
                let wanted: &[usize] = match g {
                    0 => &[0],
                    1 => &[1],
                    2 => &[2, 5],
                    3 => &[3],
                    _ => &[4],
                };
                loop {
                    for name in group.iter() {
                        m.insert(name, rng.pick(effective_values(name)));
                    }
                    let levels = eq_levels(&m);
                    if wanted.iter().all(|&i| levels[i] == digits[i]) {
                        break;
                    }
                }
            }
            let mut fields = Vec::new();
            let mut modified = Vec::new();
            for (name, values) in V4_BASE {
                let value = m.get(name).copied().unwrap_or("N");
                let mode = if value == "S" { 2 } else { rng.below(3) };
                match mode {
                    0 => fields.push(format!("{name}:{value}")),
                    1 => {
                        fields.push(format!("{name}:{value}"));
                        modified.push(format!("M{name}:X"));
                    }
                    _ => {
                        fields.push(format!("{name}:{}", rng.pick(values)));
                        modified.push(format!("M{name}:{value}"));
                    }
                }
            }
            let mut threat_env = Vec::new();
            for (name, worst) in [("E", "A"), ("CR", "H"), ("IR", "H"), ("AR", "H")] {
                let value = m.get(name).copied().unwrap_or(worst);
                if value != worst {
                    threat_env.push(format!("{name}:{value}"));
                } else {
                    match rng.below(3) {
                        0 => {}
                        1 => threat_env.push(format!("{name}:X")),
                        _ => threat_env.push(format!("{name}:{value}")),
                    }
                }
            }
            fields.extend(threat_env);
            fields.extend(modified);
            if rng.chance(30) {
                rng.shuffle(&mut fields);
            }
            out.push(format!("CVSS:4.0/{}", fields.join("/")));
        }
    }
    out
}

/// The vector with one random edit.
fn mutate(rng: &mut Rng, vector: &str) -> String {
    let prefix_len = if vector.starts_with("CVSS:") {
        vector.find('/').map_or(0, |i| i + 1)
    } else {
        0
    };
    let (prefix, body) = vector.split_at(prefix_len);
    let mut fields: Vec<String> = body.split('/').map(str::to_string).collect();
    let pieces = [
        "X", "N", "S", "H", "ND", "", ":", "/", "E:A", "MSI:S", "x", "Clear", "AT:N",
    ];
    match rng.below(6) {
        0 => {
            fields.remove(rng.below(fields.len()));
        }
        1 => {
            let f = fields[rng.below(fields.len())].clone();
            fields.push(f);
        }
        2 => {
            // Replace a value.
            let i = rng.below(fields.len());
            let name = fields[i].split(':').next().unwrap_or("").to_string();
            fields[i] = format!("{name}:{}", pieces[rng.below(pieces.len())]);
        }
        3 => {
            // Replace a name.
            let i = rng.below(fields.len());
            let value = fields[i].split(':').nth(1).unwrap_or("").to_string();
            let names = [
                "AV", "Au", "AT", "S", "MS", "MSI", "E", "CR", "av", "U", "RL", "TD",
            ];
            fields[i] = format!("{}:{value}", names[rng.below(names.len())]);
        }
        4 => {
            // Insert a piece somewhere.
            let i = rng.below(fields.len());
            let piece = pieces[rng.below(pieces.len())];
            fields[i].push_str(piece);
        }
        _ => rng.shuffle(&mut fields),
    }
    format!("{prefix}{}", fields.join("/"))
}

struct Case {
    kind: &'static str,
    vector: String,
    group: &'static str,
}

fn kind_of(version: Version) -> &'static str {
    match version {
        Version::V2 => "2",
        Version::V3_0 | Version::V3_1 => "3",
        Version::V4_0 => "4",
    }
}

/// The Python interpreter, or why there is none.
fn reference_python() -> Result<PathBuf, String> {
    let dir = std::env::var_os("PORTCULLIS_REFERENCE_TOOLS").ok_or(
        "PORTCULLIS_REFERENCE_TOOLS is not set (scripts/reference-tools.sh installs the tools)",
    )?;
    let python = PathBuf::from(dir).join("venv/bin/python");
    let probe = Command::new(&python)
        .args(["-c", "import cvss; print(cvss.__version__)"])
        .output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    if !probe.status.success() {
        return Err(format!(
            "{} cannot import cvss: {}",
            python.display(),
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(python)
}

#[derive(serde::Deserialize)]
struct Answer {
    version: String,
    seconds: f64,
    scores: Vec<serde_json::Value>,
}

fn run_reference(python: &PathBuf, cases: &[Case]) -> Answer {
    let request: Vec<[&str; 2]> = cases.iter().map(|c| [c.kind, c.vector.as_str()]).collect();
    let input = serde_json::to_vec(&request).expect("serialize");
    let mut child = Command::new(python)
        .args(["-c", SCORER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("python output");
    writer
        .join()
        .expect("writer thread")
        .expect("write to python");
    assert!(output.status.success(), "python failed: {}", output.status);
    serde_json::from_slice(&output.stdout).expect("python's JSON")
}

fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

#[test]
fn scores_equal_the_reference_implementation() {
    let required = std::env::var("PORTCULLIS_REFERENCE_TESTS").as_deref() == Ok("required");
    let python = match reference_python() {
        Ok(p) => p,
        Err(why) if !required => {
            println!("skipped: {why}");
            return;
        }
        Err(why) => panic!("PORTCULLIS_REFERENCE_TESTS=required but {why}"),
    };

    let mut rng = Rng(0x5EED_C055_2024_0001);
    let mut cases: Vec<Case> = Vec::new();
    let mut add = |kind, group, vectors: Vec<String>| {
        cases.extend(vectors.into_iter().map(|vector| Case {
            kind,
            vector,
            group,
        }))
    };

    add("2", "v2 all base", all_base("", V2_BASE));
    let v2_random = (0..20_000)
        .map(|_| random_vector(&mut rng, "", V2_BASE, &[(V2_OPTIONAL, 50)], 50))
        .collect();
    add("2", "v2 random with temporal/environmental", v2_random);
    for (prefix, all, random) in [
        (
            "CVSS:3.0/",
            "v3.0 all base",
            "v3.0 random with temporal/environmental",
        ),
        (
            "CVSS:3.1/",
            "v3.1 all base",
            "v3.1 random with temporal/environmental",
        ),
    ] {
        add("3", all, all_base(prefix, V3_BASE));
        let vectors = (0..30_000)
            .map(|_| random_vector(&mut rng, prefix, V3_BASE, &[(V3_OPTIONAL, 50)], 50))
            .collect();
        add("3", random, vectors);
    }
    let v4_base = all_base("CVSS:4.0/", V4_BASE);
    assert_eq!(v4_base.len(), 104_976);
    add("4", "v4.0 all base (CVSS-B)", v4_base);
    let v4_random: Vec<String> = (0..100_000)
        .map(|i| {
            // A third with sparse additions (mostly one or two metrics, as
            // real vectors have), the rest dense.
            let percent = if i % 3 == 0 { 10 } else { 50 };
            let groups = [(V4_THREAT_ENVIRONMENTAL, percent), (V4_SUPPLEMENTAL, 30)];
            random_vector(&mut rng, "CVSS:4.0/", V4_BASE, &groups, 30)
        })
        .collect();
    add(
        "4",
        "v4.0 random with threat/environmental/supplemental",
        v4_random,
    );
    let stratified = stratified_v4(&mut rng, 100);
    assert_eq!(stratified.len(), 27_000);
    add(
        "4",
        "v4.0 every MacroVector x 100, threat/environmental",
        stratified,
    );
    // Mutations of valid vectors of every version.
    let seeds: Vec<(&'static str, String)> = cases
        .iter()
        .filter(|c| c.group.contains("random"))
        .map(|c| (c.kind, c.vector.clone()))
        .collect();
    let mutated: Vec<Case> = (0..20_000)
        .map(|_| {
            let (kind, seed) = &seeds[rng.below(seeds.len())];
            Case {
                kind,
                vector: mutate(&mut rng, seed),
                group: "mutated (validity and score)",
            }
        })
        .collect();
    cases.extend(mutated);

    let start = Instant::now();
    let ours: Vec<Result<Vector, String>> = cases
        .iter()
        .map(|c| Vector::parse(&c.vector).map_err(|e| e.to_string()))
        .collect();
    let our_scores: Vec<Option<f64>> = ours
        .iter()
        .map(|v| v.as_ref().ok().map(Vector::base_score))
        .collect();
    let rust_seconds = start.elapsed().as_secs_f64();

    // A mutated vector we read as another version goes to that class.
    for (case, parsed) in cases.iter_mut().zip(&ours) {
        if let Ok(v) = parsed {
            case.kind = kind_of(v.version());
        }
    }
    let start = Instant::now();
    let answer = run_reference(&python, &cases);
    let python_seconds = start.elapsed().as_secs_f64();
    assert_eq!(answer.scores.len(), cases.len(), "one answer per vector");

    // Per group: vectors, mismatches.
    let mut groups: Vec<(&str, usize, usize)> = Vec::new();
    let mut mismatches: Vec<String> = Vec::new();
    let mut reference_base: HashMap<&str, f64> = HashMap::new();
    let mut valid_mutations = 0;
    for (i, case) in cases.iter().enumerate() {
        let theirs = answer.scores[i].as_f64();
        let theirs_text = answer.scores[i].to_string();
        let mine = our_scores[i];
        let ok = match (mine, theirs) {
            (Some(a), Some(b)) => tenths(a) == tenths(b),
            (None, None) => true,
            _ => false,
        };
        if case.group.starts_with("mutated") && mine.is_some() {
            valid_mutations += 1;
        }
        if case.group == "v4.0 all base (CVSS-B)" {
            if let Some(b) = theirs {
                reference_base.insert(case.vector.as_str(), b);
            }
        }
        match groups.last_mut() {
            Some((g, n, bad)) if *g == case.group => {
                *n += 1;
                *bad += usize::from(!ok);
            }
            _ => groups.push((case.group, 1, usize::from(!ok))),
        }
        if !ok {
            let mine_text = match (&ours[i], mine) {
                (_, Some(s)) => s.to_string(),
                (Err(e), None) => e.clone(),
                _ => "?".into(),
            };
            mismatches.push(format!(
                "{}: {:?}: ours {mine_text}, reference {theirs_text}",
                case.group, case.vector
            ));
        }
    }

    // CVSS-B of the v4.0 vectors with additions: the reference's score of
    // their base metrics.
    let (mut cvss_b, mut cvss_b_bad) = (0, 0);
    for (case, parsed) in cases.iter().zip(&ours) {
        if !(case.group.starts_with("v4.0 random") || case.group.starts_with("v4.0 every")) {
            continue;
        }
        let Ok(v) = parsed else { continue };
        let base_only: Vec<String> = V4_BASE
            .iter()
            .map(|(name, _)| format!("{name}:{}", v.metric(name).unwrap_or("?")))
            .collect();
        let key = format!("CVSS:4.0/{}", base_only.join("/"));
        cvss_b += 1;
        match reference_base.get(key.as_str()) {
            Some(&b) if tenths(b) == tenths(v.cvss_b_score()) => {}
            other => {
                cvss_b_bad += 1;
                mismatches.push(format!(
                    "CVSS-B of {:?}: ours {}, reference (of {key}) {other:?}",
                    case.vector,
                    v.cvss_b_score()
                ));
            }
        }
    }
    groups.push((
        "v4.0 CVSS-B of the random and MacroVector vectors",
        cvss_b,
        cvss_b_bad,
    ));

    println!(
        "reference: python cvss {} ({python_seconds:.1} s for the process, {:.1} s scoring); ours {rust_seconds:.2} s",
        answer.version, answer.seconds
    );
    for (group, n, bad) in &groups {
        println!("  {group}: {n} vectors, {bad} mismatches");
    }
    println!("  ({valid_mutations} of the mutated vectors are valid, the rest rejected by both)");
    for m in mismatches.iter().take(40) {
        println!("MISMATCH {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} vectors score differently from the reference (first ones above)",
        mismatches.len()
    );
}
