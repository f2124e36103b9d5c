//! CVSS v4.0 scores.
//!
//! Sources: "Common Vulnerability Scoring System Version 4.0: Specification
//! Document" (FIRST, document version 1.2), sections 2–5 (metric values),
//! 7 (vector string), 8 (scoring: equivalence sets EQ1–EQ6, MacroVectors,
//! severity distances and interpolation), and the FIRST reference calculator
//! that section 8 points to for the details (github.com/FIRSTdotorg/
//! cvss-v4-calculator `cvss_score.js`, `max_composed.js`, `max_severity.js`
//! at c5b0d409ae9f57c44264c6ce5f27d89298e1d32a; its current upstream
//! github.com/RedHatProductSecurity/cvss-v4-calculator `cvss40.js` at
//! d1eafe06859e6610600f772ed98502bc1cd63526, whose final rounding adds 1e-6
//! before rounding half up, against binary floating point results such as
//! 8.6 - 7.15 = 1.4499999999999993). The metric levels, the highest
//! severity vectors of each EQ level and the maximal severity depths below
//! are data from those files; the MacroVector scores are in `v4_table.rs`.
//!
//! The arithmetic follows the calculator's order of floating-point
//! operations, so that scores agree to the last bit before rounding.

use super::v4_table::MACRO_SCORES;
use super::{CvssError, Fields, MetricDef, Nomenclature, Version};

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

const IMPACT: &[&str] = &["H", "L", "N"];
const REQ: &[&str] = &["X", "H", "M", "L"];
const M_IMPACT: &[&str] = &["X", "H", "L", "N"];
const M_SUB: &[&str] = &["X", "S", "H", "L", "N"];

/// The metrics in the specification's order (section 7, Vector String).
static DEFS: [MetricDef; 32] = [
    // Base
    mandatory("AV", &["N", "A", "L", "P"]),
    mandatory("AC", &["L", "H"]),
    mandatory("AT", &["N", "P"]),
    mandatory("PR", &["N", "L", "H"]),
    mandatory("UI", &["N", "P", "A"]),
    mandatory("VC", IMPACT),
    mandatory("VI", IMPACT),
    mandatory("VA", IMPACT),
    mandatory("SC", IMPACT),
    mandatory("SI", IMPACT),
    mandatory("SA", IMPACT),
    // Threat
    optional("E", &["X", "A", "P", "U"]),
    // Environmental
    optional("CR", REQ),
    optional("IR", REQ),
    optional("AR", REQ),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MAT", &["X", "N", "P"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "P", "A"]),
    optional("MVC", M_IMPACT),
    optional("MVI", M_IMPACT),
    optional("MVA", M_IMPACT),
    optional("MSC", M_IMPACT),
    optional("MSI", M_SUB),
    optional("MSA", M_SUB),
    // Supplemental: validated, never scored.
    optional("S", &["X", "N", "P"]),
    optional("AU", &["X", "N", "Y"]),
    optional("R", &["X", "A", "U", "I"]),
    optional("V", &["X", "D", "C"]),
    optional("RE", &["X", "L", "M", "H"]),
    optional("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
/// The modified base metrics: `MAV` is `AV + MODIFIED`, and so on to `MSA`.
const MODIFIED: usize = 15;
const MSA: usize = SA + MODIFIED;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Av {
    N,
    A,
    L,
    P,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ac {
    L,
    H,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    N,
    P,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pr {
    N,
    L,
    H,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ui {
    N,
    P,
    A,
}
/// VC, VI, VA, SC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Imp {
    H,
    L,
    N,
}
/// SI, SA: MSI and MSA add Safety.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    S,
    H,
    L,
    N,
}
/// Exploit maturity (E:X counts as the worst case, A).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ex {
    A,
    P,
    U,
}
/// CR, IR, AR (X counts as the worst case, H).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Req {
    H,
    M,
    L,
}

// In the order of the values in DEFS (the modified metrics list X first).
const AVS: [Av; 4] = [Av::N, Av::A, Av::L, Av::P];
const ACS: [Ac; 2] = [Ac::L, Ac::H];
const ATS: [At; 2] = [At::N, At::P];
const PRS: [Pr; 3] = [Pr::N, Pr::L, Pr::H];
const UIS: [Ui; 3] = [Ui::N, Ui::P, Ui::A];
const IMPS: [Imp; 3] = [Imp::H, Imp::L, Imp::N];
const SUBS_BASE: [Sub; 3] = [Sub::H, Sub::L, Sub::N];
const SUBS_MODIFIED: [Sub; 4] = [Sub::S, Sub::H, Sub::L, Sub::N];
const EXS: [Ex; 3] = [Ex::A, Ex::P, Ex::U];
const REQS: [Req; 3] = [Req::H, Req::M, Req::L];

fn pick<T: Copy, const K: usize>(table: &[T; K], i: usize, default: T) -> T {
    table.get(i).copied().unwrap_or(default)
}

// Severity levels ("distances" per step), cvss_score.js `*_levels`.
impl Av {
    fn level(self) -> f64 {
        match self {
            Av::N => 0.0,
            Av::A => 0.1,
            Av::L => 0.2,
            Av::P => 0.3,
        }
    }
}
impl Pr {
    fn level(self) -> f64 {
        match self {
            Pr::N => 0.0,
            Pr::L => 0.1,
            Pr::H => 0.2,
        }
    }
}
impl Ui {
    fn level(self) -> f64 {
        match self {
            Ui::N => 0.0,
            Ui::P => 0.1,
            Ui::A => 0.2,
        }
    }
}
impl Ac {
    fn level(self) -> f64 {
        match self {
            Ac::L => 0.0,
            Ac::H => 0.1,
        }
    }
}
impl At {
    fn level(self) -> f64 {
        match self {
            At::N => 0.0,
            At::P => 0.1,
        }
    }
}
impl Imp {
    /// VC, VI, VA.
    fn level(self) -> f64 {
        match self {
            Imp::H => 0.0,
            Imp::L => 0.1,
            Imp::N => 0.2,
        }
    }
    /// SC's levels start one step lower (it has no Safety value above H).
    fn sc_level(self) -> f64 {
        match self {
            Imp::H => 0.1,
            Imp::L => 0.2,
            Imp::N => 0.3,
        }
    }
}
impl Sub {
    fn level(self) -> f64 {
        match self {
            Sub::S => 0.0,
            Sub::H => 0.1,
            Sub::L => 0.2,
            Sub::N => 0.3,
        }
    }
}
impl Req {
    fn level(self) -> f64 {
        match self {
            Req::H => 0.0,
            Req::M => 0.1,
            Req::L => 0.2,
        }
    }
}

/// The values the score is computed from: base metrics, replaced by their
/// modified metrics where those are defined, and the threat and security
/// requirement metrics with Not Defined as the worst case.
#[derive(Debug, Clone, Copy)]
struct Effective {
    av: Av,
    ac: Ac,
    at: At,
    pr: Pr,
    ui: Ui,
    vc: Imp,
    vi: Imp,
    va: Imp,
    sc: Imp,
    si: Sub,
    sa: Sub,
    e: Ex,
    cr: Req,
    ir: Req,
    ar: Req,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Metrics(pub(super) Fields<32>);

impl Metrics {
    pub(super) fn parse(vector: &str, body: &str) -> Result<Metrics, CvssError> {
        Fields::parse(vector, Version::V4_0, body, &DEFS).map(Metrics)
    }

    pub(super) fn nomenclature(&self) -> Nomenclature {
        let f = &self.0;
        let threat = f.defined(E).is_some();
        let environmental = (CR..=MSA).any(|m| f.defined(m).is_some());
        match (threat, environmental) {
            (false, false) => Nomenclature::CvssB,
            (true, false) => Nomenclature::CvssBT,
            (false, true) => Nomenclature::CvssBE,
            (true, true) => Nomenclature::CvssBTE,
        }
    }

    /// With `all`, every metric of the vector counts (what the FIRST
    /// calculator scores); without, only the base metrics (CVSS-B).
    fn effective(&self, all: bool) -> Effective {
        let f = &self.0;
        // A defined optional metric's value index without the leading X.
        let opt = |m: usize| {
            if all {
                f.defined(m).map(|i| i.saturating_sub(1))
            } else {
                None
            }
        };
        let value = |m: usize| opt(m + MODIFIED).unwrap_or(f.base(m));
        let sub = |m: usize| match opt(m + MODIFIED) {
            Some(i) => pick(&SUBS_MODIFIED, i, Sub::N),
            None => pick(&SUBS_BASE, f.base(m), Sub::N),
        };
        let req = |m: usize| opt(m).map_or(Req::H, |i| pick(&REQS, i, Req::H));
        Effective {
            av: pick(&AVS, value(AV), Av::N),
            ac: pick(&ACS, value(AC), Ac::L),
            at: pick(&ATS, value(AT), At::N),
            pr: pick(&PRS, value(PR), Pr::N),
            ui: pick(&UIS, value(UI), Ui::N),
            vc: pick(&IMPS, value(VC), Imp::N),
            vi: pick(&IMPS, value(VI), Imp::N),
            va: pick(&IMPS, value(VA), Imp::N),
            sc: pick(&IMPS, value(SC), Imp::N),
            si: sub(SI),
            sa: sub(SA),
            e: opt(E).map_or(Ex::A, |i| pick(&EXS, i, Ex::A)),
            cr: req(CR),
            ir: req(IR),
            ar: req(AR),
        }
    }

    pub(super) fn score(&self, all: bool) -> f64 {
        score(&self.effective(all))
    }
}

/// The MacroVector: the level of each equivalence set EQ1–EQ6
/// (specification section 8, the equivalence set tables).
fn macro_vector(m: &Effective) -> [u8; 6] {
    let eq1 = if m.av == Av::N && m.pr == Pr::N && m.ui == Ui::N {
        0
    } else if (m.av == Av::N || m.pr == Pr::N || m.ui == Ui::N) && m.av != Av::P {
        1
    } else {
        2
    };
    let eq2 = if m.ac == Ac::L && m.at == At::N { 0 } else { 1 };
    let eq3 = if m.vc == Imp::H && m.vi == Imp::H {
        0
    } else if m.vc == Imp::H || m.vi == Imp::H || m.va == Imp::H {
        1
    } else {
        2
    };
    let eq4 = if m.si == Sub::S || m.sa == Sub::S {
        0
    } else if m.sc == Imp::H || m.si == Sub::H || m.sa == Sub::H {
        1
    } else {
        2
    };
    let eq5 = match m.e {
        Ex::A => 0,
        Ex::P => 1,
        Ex::U => 2,
    };
    let eq6 = if (m.cr == Req::H && m.vc == Imp::H)
        || (m.ir == Req::H && m.vi == Imp::H)
        || (m.ar == Req::H && m.va == Imp::H)
    {
        0
    } else {
        1
    };
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// The score of a MacroVector, `None` for one that does not exist (a level
/// past the lowest).
fn macro_score(eq: [u8; 6]) -> Option<f64> {
    let key = eq.map(|d| b'0'.saturating_add(d));
    MACRO_SCORES
        .binary_search_by(|(k, _)| k.cmp(&key))
        .ok()
        .and_then(|i| MACRO_SCORES.get(i))
        .map(|(_, s)| *s)
}

/// `eq` with EQ number `n` (0-based) one level lower.
fn lower(eq: [u8; 6], n: usize) -> [u8; 6] {
    let mut l = eq;
    if let Some(d) = l.get_mut(n) {
        *d = d.saturating_add(1);
    }
    l
}

// The highest severity vectors of each EQ level (max_composed.js). EQ5 has
// one per level, E itself, whose distance is always 0.
const EQ1_MAX: [&[(Av, Pr, Ui)]; 3] = [
    &[(Av::N, Pr::N, Ui::N)],
    &[
        (Av::A, Pr::N, Ui::N),
        (Av::N, Pr::L, Ui::N),
        (Av::N, Pr::N, Ui::P),
    ],
    &[(Av::P, Pr::N, Ui::N), (Av::A, Pr::L, Ui::P)],
];
const EQ2_MAX: [&[(Ac, At)]; 2] = [&[(Ac::L, At::N)], &[(Ac::H, At::N), (Ac::L, At::P)]];
type Eq3Eq6Max = (Imp, Imp, Imp, Req, Req, Req);
/// By EQ3 level, then EQ6 level (VC, VI, VA, CR, IR, AR). EQ3 2 with EQ6 0
/// cannot occur.
const EQ3_EQ6_MAX: [[&[Eq3Eq6Max]; 2]; 3] = {
    use Imp::{H, L};
    use Req::{H as RH, M as RM};
    [
        [
            &[(H, H, H, RH, RH, RH)],
            &[(H, H, L, RM, RM, RH), (H, H, H, RM, RM, RM)],
        ],
        [
            &[(L, H, H, RH, RH, RH), (H, L, H, RH, RH, RH)],
            &[
                (L, H, L, RH, RM, RH),
                (L, H, H, RH, RM, RM),
                (H, L, H, RM, RH, RM),
                (H, L, L, RM, RH, RH),
                (L, L, H, RH, RH, RM),
            ],
        ],
        [&[], &[(L, L, L, RH, RH, RH)]],
    ]
};
const EQ4_MAX: [(Imp, Sub, Sub); 3] = [
    (Imp::H, Sub::S, Sub::S),
    (Imp::H, Sub::H, Sub::H),
    (Imp::L, Sub::L, Sub::L),
];

// The maximal severity depth of each EQ level, in steps (max_severity.js).
const EQ1_DEPTH: [u8; 3] = [1, 4, 5];
const EQ2_DEPTH: [u8; 2] = [1, 2];
const EQ3_EQ6_DEPTH: [[u8; 2]; 3] = [[7, 6], [8, 8], [0, 10]];
const EQ4_DEPTH: [u8; 3] = [6, 5, 4];

/// Severity distances of the vector from one highest severity vector, per
/// metric, in the calculator's order.
#[derive(Debug, Clone, Copy, Default)]
struct Distances {
    av: f64,
    pr: f64,
    ui: f64,
    ac: f64,
    at: f64,
    vc: f64,
    vi: f64,
    va: f64,
    sc: f64,
    si: f64,
    sa: f64,
    cr: f64,
    ir: f64,
    ar: f64,
}

impl Distances {
    fn all_non_negative(&self) -> bool {
        [
            self.av, self.pr, self.ui, self.ac, self.at, self.vc, self.vi, self.va, self.sc,
            self.si, self.sa, self.cr, self.ir, self.ar,
        ]
        .iter()
        .all(|d| *d >= 0.0)
    }
}

/// Severity distances from the first highest severity vector of the
/// MacroVector that the vector does not exceed in any metric; like the
/// calculator, the last one tried if there is none such.
fn distances(m: &Effective, eq: [u8; 6]) -> Distances {
    let level = |i: u8| usize::from(i);
    let eq1 = EQ1_MAX.get(level(eq[0])).copied().unwrap_or(&[]);
    let eq2 = EQ2_MAX.get(level(eq[1])).copied().unwrap_or(&[]);
    let eq36 = EQ3_EQ6_MAX
        .get(level(eq[2]))
        .and_then(|r| r.get(level(eq[5])))
        .copied()
        .unwrap_or(&[]);
    let eq4: &[(Imp, Sub, Sub)] = EQ4_MAX.get(level(eq[3])).map_or(&[], std::slice::from_ref);
    let mut d = Distances::default();
    for &(av, pr, ui) in eq1 {
        for &(ac, at) in eq2 {
            for &(vc, vi, va, cr, ir, ar) in eq36 {
                for &(sc, si, sa) in eq4 {
                    d = Distances {
                        av: m.av.level() - av.level(),
                        pr: m.pr.level() - pr.level(),
                        ui: m.ui.level() - ui.level(),
                        ac: m.ac.level() - ac.level(),
                        at: m.at.level() - at.level(),
                        vc: m.vc.level() - vc.level(),
                        vi: m.vi.level() - vi.level(),
                        va: m.va.level() - va.level(),
                        sc: m.sc.sc_level() - sc.sc_level(),
                        si: m.si.level() - si.level(),
                        sa: m.sa.level() - sa.level(),
                        cr: m.cr.level() - cr.level(),
                        ir: m.ir.level() - ir.level(),
                        ar: m.ar.level() - ar.level(),
                    };
                    if d.all_non_negative() {
                        return d;
                    }
                }
            }
        }
    }
    d
}

/// Section 8.2/8.3: the MacroVector's score, lowered by the mean of the
/// proportional distances towards each next lower MacroVector.
fn score(m: &Effective) -> f64 {
    // No impact on any system: 0.0 whatever else.
    if m.vc == Imp::N
        && m.vi == Imp::N
        && m.va == Imp::N
        && m.sc == Imp::N
        && m.si == Sub::N
        && m.sa == Sub::N
    {
        return 0.0;
    }
    let eq = macro_vector(m);
    // Every MacroVector an effective vector can have is in the table (tested).
    let Some(value) = macro_score(eq) else {
        return 0.0;
    };
    let [eq1, eq2, eq3, eq4, _eq5, eq6] = eq;

    // 1a. Maximal scoring differences: to the next lower MacroVector of each
    // EQ, where there is one. EQ3 and EQ6 go down together.
    let lower_eq1 = macro_score(lower(eq, 0));
    let lower_eq2 = macro_score(lower(eq, 1));
    let lower_eq3eq6 = match (eq3, eq6) {
        // 00 → 01 or 10: the higher of the two.
        (0, 0) => match (macro_score(lower(eq, 5)), macro_score(lower(eq, 2))) {
            (Some(left), Some(right)) => Some(if left > right { left } else { right }),
            _ => None,
        },
        // 01 → 11, 11 → 21
        (0, 1) | (1, 1) => macro_score(lower(eq, 2)),
        // 10 → 11
        (1, 0) => macro_score(lower(eq, 5)),
        // 21 → 32: none
        _ => macro_score(lower(lower(eq, 2), 5)),
    };
    let lower_eq4 = macro_score(lower(eq, 3));
    let lower_eq5 = macro_score(lower(eq, 4));

    // 1b. Severity distance from the highest severity vector.
    let d = distances(m, eq);
    let current_eq1 = d.av + d.pr + d.ui;
    let current_eq2 = d.ac + d.at;
    let current_eq3eq6 = d.vc + d.vi + d.va + d.cr + d.ir + d.ar;
    let current_eq4 = d.sc + d.si + d.sa;

    const STEP: f64 = 0.1;
    let depth =
        |table: &[u8], i: u8| f64::from(table.get(usize::from(i)).copied().unwrap_or(1)) * STEP;
    let depth_eq1 = depth(&EQ1_DEPTH, eq1);
    let depth_eq2 = depth(&EQ2_DEPTH, eq2);
    let depth_eq3eq6 = depth(
        EQ3_EQ6_DEPTH
            .get(usize::from(eq3))
            .map_or(&[1, 1][..], |r| &r[..]),
        eq6,
    );
    let depth_eq4 = depth(&EQ4_DEPTH, eq4);

    // 1c/1d. Proportion of the depth, times the maximal scoring difference;
    // EQs without a lower MacroVector do not count.
    let mut existing = 0u8;
    let mut part = |lower: Option<f64>, current: f64, depth: f64| match lower {
        Some(lower) => {
            existing += 1;
            (value - lower) * (current / depth)
        }
        None => 0.0,
    };
    let n1 = part(lower_eq1, current_eq1, depth_eq1);
    let n2 = part(lower_eq2, current_eq2, depth_eq2);
    let n36 = part(lower_eq3eq6, current_eq3eq6, depth_eq3eq6);
    let n4 = part(lower_eq4, current_eq4, depth_eq4);
    // EQ5's proportion is always 0.
    let n5 = part(lower_eq5, 0.0, 1.0);

    // 2. Their mean; 3. subtracted from the MacroVector's score.
    let mean = if existing == 0 {
        0.0
    } else {
        (n1 + n2 + n36 + n4 + n5) / f64::from(existing)
    };
    round_one_decimal((value - mean).clamp(0.0, 10.0))
}

/// Half up to one decimal, after adding 1e-6 as the reference calculator
/// does (cvss40.js `roundToDecimalPlaces`).
fn round_one_decimal(x: f64) -> f64 {
    ((x + 1e-6) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_tables_match_defs() {
        assert_eq!(AVS.len(), DEFS[AV].values.len());
        assert_eq!(ACS.len(), DEFS[AC].values.len());
        assert_eq!(ATS.len(), DEFS[AT].values.len());
        assert_eq!(PRS.len(), DEFS[PR].values.len());
        assert_eq!(UIS.len(), DEFS[UI].values.len());
        for m in [VC, VI, VA, SC] {
            assert_eq!(IMPS.len(), DEFS[m].values.len());
            assert_eq!(IMPS.len() + 1, DEFS[m + MODIFIED].values.len());
        }
        for m in [SI, SA] {
            assert_eq!(SUBS_BASE.len(), DEFS[m].values.len());
            assert_eq!(SUBS_MODIFIED.len() + 1, DEFS[m + MODIFIED].values.len());
        }
        assert_eq!(AVS.len() + 1, DEFS[AV + MODIFIED].values.len());
        assert_eq!(ACS.len() + 1, DEFS[AC + MODIFIED].values.len());
        assert_eq!(ATS.len() + 1, DEFS[AT + MODIFIED].values.len());
        assert_eq!(PRS.len() + 1, DEFS[PR + MODIFIED].values.len());
        assert_eq!(UIS.len() + 1, DEFS[UI + MODIFIED].values.len());
        assert_eq!(EXS.len() + 1, DEFS[E].values.len());
        for m in [CR, IR, AR] {
            assert_eq!(REQS.len() + 1, DEFS[m].values.len());
        }
        for m in 0..=SA {
            assert_eq!(DEFS[m + MODIFIED].name, format!("M{}", DEFS[m].name));
        }
    }

    #[test]
    fn table_sorted_and_complete() {
        assert!(MACRO_SCORES.windows(2).all(|w| w[0].0 < w[1].0));
        let mut n = 0;
        for e1 in 0..3 {
            for e2 in 0..2 {
                for e3 in 0..3 {
                    for e4 in 0..3 {
                        for e5 in 0..3 {
                            for e6 in 0..2 {
                                let present = macro_score([e1, e2, e3, e4, e5, e6]).is_some();
                                assert_eq!(present, !(e3 == 2 && e6 == 0));
                                n += usize::from(present);
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(n, 270);
    }

    #[test]
    fn rounding() {
        assert_eq!(round_one_decimal(8.6 - 7.15), 1.5);
        assert_eq!(round_one_decimal(4.945833333333333), 4.9);
        assert_eq!(round_one_decimal(4.25), 4.3);
    }
}
