//! CVSS v3.0 and v3.1 base scores.
//!
//! Sources: "Common Vulnerability Scoring System v3.1: Specification
//! Document" (FIRST, revision 1), section 7.1 (base equations), 7.4 (metric
//! values and weights) and appendix A (Roundup); "Common Vulnerability Scoring
//! System v3.0: Specification Document", section 8.1 (the same base equations
//! and weights, Roundup defined as the smallest one-decimal number equal to
//! or higher than its input) and section 6 (vector string). Metric names and
//! values of the vector string: v3.1 section 6, table 15.

use super::{CvssError, Fields, MetricDef, Version};

const fn mandatory(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        name,
        values,
        mandatory: true,
    }
}

const fn optional(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        name,
        values,
        mandatory: false,
    }
}

const CIA: &[&str] = &["H", "L", "N"];
const MCIA: &[&str] = &["X", "N", "L", "H"];
const REQ: &[&str] = &["X", "L", "M", "H"];

/// The metrics in the specification's order (v3.1 table 15).
static DEFS: [MetricDef; 22] = [
    mandatory("AV", &["N", "A", "L", "P"]),
    mandatory("AC", &["L", "H"]),
    mandatory("PR", &["N", "L", "H"]),
    mandatory("UI", &["N", "R"]),
    mandatory("S", &["U", "C"]),
    mandatory("C", CIA),
    mandatory("I", CIA),
    mandatory("A", CIA),
    optional("E", &["X", "U", "P", "F", "H"]),
    optional("RL", &["X", "O", "T", "W", "U"]),
    optional("RC", &["X", "U", "R", "C"]),
    optional("CR", REQ),
    optional("IR", REQ),
    optional("AR", REQ),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "R"]),
    optional("MS", &["X", "U", "C"]),
    optional("MC", MCIA),
    optional("MI", MCIA),
    optional("MA", MCIA),
];

const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;

// Weights (v3.1 section 7.4, table 16), in the order of the values above.
const W_AV: [f64; 4] = [0.85, 0.62, 0.55, 0.2];
const W_AC: [f64; 2] = [0.77, 0.44];
/// Privileges Required, Scope Unchanged / Changed.
const W_PR_U: [f64; 3] = [0.85, 0.62, 0.27];
const W_PR_C: [f64; 3] = [0.85, 0.68, 0.5];
const W_UI: [f64; 2] = [0.85, 0.62];
const W_CIA: [f64; 3] = [0.56, 0.22, 0.0];

fn weight<const K: usize>(table: &[f64; K], i: usize) -> f64 {
    table.get(i).copied().unwrap_or(0.0)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Metrics(pub(super) Fields<22>);

impl Metrics {
    pub(super) fn parse(vector: &str, version: Version, body: &str) -> Result<Metrics, CvssError> {
        Fields::parse(vector, version, body, &DEFS).map(Metrics)
    }

    /// The base score: section 7.1 of the v3.1 specification.
    pub(super) fn base_score(&self, version: Version) -> f64 {
        let f = &self.0;
        let changed = f.base(S) == 1;
        let iss = 1.0
            - (1.0 - weight(&W_CIA, f.base(C)))
                * (1.0 - weight(&W_CIA, f.base(I)))
                * (1.0 - weight(&W_CIA, f.base(A)));
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
        } else {
            6.42 * iss
        };
        let pr = if changed { &W_PR_C } else { &W_PR_U };
        let exploitability = 8.22
            * weight(&W_AV, f.base(AV))
            * weight(&W_AC, f.base(AC))
            * weight(pr, f.base(PR))
            * weight(&W_UI, f.base(UI));
        if impact <= 0.0 {
            return 0.0;
        }
        let raw = if changed {
            (1.08 * (impact + exploitability)).min(10.0)
        } else {
            (impact + exploitability).min(10.0)
        };
        match version {
            Version::V3_0 => roundup_v30(raw),
            _ => roundup_v31(raw),
        }
    }
}

/// v3.1 appendix A: Roundup done on an integer so that binary floating point
/// does not push an exact tenth up (4.000000000000001 → 4.0, not 4.1).
pub(super) fn roundup_v31(x: f64) -> f64 {
    // Scores are in 0..=10: the product fits an i64 (`as` saturates anyway).
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        (int_input.div_euclid(10_000) + 1) as f64 / 10.0
    }
}

/// v3.0 section 8.1: "the smallest number, specified to one decimal place,
/// that is equal to or higher than its input". The input is the binary
/// floating-point result of the equations, so a value within 1e-9 above a
/// tenth is taken as that tenth (the exact decimal value the equations
/// denote); otherwise this is the plain ceiling.
pub(super) fn roundup_v30(x: f64) -> f64 {
    let tenths = x * 10.0;
    let below = tenths.floor();
    if tenths - below < 1e-9 {
        below / 10.0
    } else {
        tenths.ceil() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundups() {
        // The examples of v3.1 appendix A and v3.0 section 8.1.
        assert_eq!(roundup_v31(4.02), 4.1);
        assert_eq!(roundup_v31(4.00), 4.0);
        assert_eq!(roundup_v31(4.000000000000001), 4.0);
        assert_eq!(roundup_v30(4.02), 4.1);
        assert_eq!(roundup_v30(4.00), 4.0);
        assert_eq!(roundup_v30(4.000000000000001), 4.0);
        assert_eq!(roundup_v30(0.0), 0.0);
        assert_eq!(roundup_v31(10.0), 10.0);
    }

    #[test]
    fn weight_tables_match_values() {
        assert_eq!(W_AV.len(), DEFS[AV].values.len());
        assert_eq!(W_AC.len(), DEFS[AC].values.len());
        assert_eq!(W_PR_U.len(), DEFS[PR].values.len());
        assert_eq!(W_PR_C.len(), DEFS[PR].values.len());
        assert_eq!(W_UI.len(), DEFS[UI].values.len());
        for m in [C, I, A] {
            assert_eq!(W_CIA.len(), DEFS[m].values.len());
        }
    }
}
