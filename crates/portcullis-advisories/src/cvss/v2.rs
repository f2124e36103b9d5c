//! CVSS v2 base scores.
//!
//! Source: "A Complete Guide to the Common Vulnerability Scoring System
//! Version 2.0" (FIRST, 2007): section 2 (metrics and their values; 2.4 the
//! vector), 3.2.1 (the base equation with the metric weights). Temporal and
//! environmental metrics are validated here but are not part of the base
//! score.

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

const CIA: &[&str] = &["N", "P", "C"];
const REQ: &[&str] = &["L", "M", "H", "ND"];

static DEFS: [MetricDef; 14] = [
    mandatory("AV", &["L", "A", "N"]),
    mandatory("AC", &["H", "M", "L"]),
    mandatory("Au", &["M", "S", "N"]),
    mandatory("C", CIA),
    mandatory("I", CIA),
    mandatory("A", CIA),
    optional("E", &["U", "POC", "F", "H", "ND"]),
    optional("RL", &["OF", "TF", "W", "U", "ND"]),
    optional("RC", &["UC", "UR", "C", "ND"]),
    optional("CDP", &["N", "L", "LM", "MH", "H", "ND"]),
    optional("TD", &["N", "L", "M", "H", "ND"]),
    optional("CR", REQ),
    optional("IR", REQ),
    optional("AR", REQ),
];

const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;

// Weights of section 3.2.1 in thousandths, in the order of the values above:
// the base equation is then evaluated exactly in integers, so that its
// "round to one decimal" sees the decimal value the guide means.
const W_AV: [i64; 3] = [395, 646, 1000];
const W_AC: [i64; 3] = [350, 610, 710];
const W_AU: [i64; 3] = [450, 560, 704];
const W_CIA: [i64; 3] = [0, 275, 660];

fn weight(table: &[i64; 3], i: usize) -> i64 {
    table.get(i).copied().unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Metrics(pub(super) Fields<14>);

impl Metrics {
    pub(super) fn parse(vector: &str, body: &str) -> Result<Metrics, CvssError> {
        Fields::parse(vector, Version::V2, body, &DEFS).map(Metrics)
    }

    /// BaseScore = round_to_1_decimal(((0.6*Impact)+(0.4*Exploitability)-1.5)*f(Impact))
    /// Impact = 10.41*(1-(1-ConfImpact)*(1-IntegImpact)*(1-AvailImpact))
    /// Exploitability = 20*AccessVector*AccessComplexity*Authentication
    /// f(Impact) = 0 if Impact=0, 1.176 otherwise
    pub(super) fn base_score(&self) -> f64 {
        let f = &self.0;
        let w = |table: &[i64; 3], m: usize| weight(table, f.base(m));
        // 1 - (1-C)(1-I)(1-A), in units of 1e-9.
        let unaffected = (1000 - w(&W_CIA, C)) * (1000 - w(&W_CIA, I)) * (1000 - w(&W_CIA, A));
        let affected = 1_000_000_000 - unaffected;
        if affected == 0 {
            return 0.0;
        }
        // Impact in units of 1e-11 (10.41 = 1041/100).
        let impact = 1041 * affected;
        // Exploitability in units of 1e-9, then 1e-11.
        let exploitability = 20 * w(&W_AV, AV) * w(&W_AC, AC) * w(&W_AU, AU) * 100;
        // (0.6*Impact + 0.4*Exploitability - 1.5) in units of 1e-12.
        let sum = 6 * impact + 4 * exploitability - 1_500_000_000_000;
        // × 1.176, in units of 1e-15.
        let score = sum * 1176;
        if score <= 0 {
            return 0.0;
        }
        // Half up to tenths (1e14 units).
        let tenths = (score + 50_000_000_000_000) / 100_000_000_000_000;
        tenths as f64 / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_tables_match_values() {
        assert_eq!(W_AV.len(), DEFS[AV].values.len());
        assert_eq!(W_AC.len(), DEFS[AC].values.len());
        assert_eq!(W_AU.len(), DEFS[AU].values.len());
        for m in [C, I, A] {
            assert_eq!(W_CIA.len(), DEFS[m].values.len());
        }
    }
}
