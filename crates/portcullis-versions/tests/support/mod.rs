//! Fixed-seed generators of tricky version strings, per scheme, for the
//! differential tests (tests/reference.rs) and the order properties
//! (tests/properties.rs). No `rand`: a xorshift64* generator, so every run
//! sees the same strings and a failure reproduces.

#![allow(dead_code)]

use portcullis_versions::Scheme;

/// xorshift64* (Vigna, "An experimental exploration of Marsaglia's
/// xorshift generators, scrambled", 2016).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A digit run: mostly small numbers, sometimes zeros, leading zeros,
    /// numbers near the 32-, 53- and 64-bit limits, or long runs.
    pub fn number(&mut self) -> String {
        match self.below(20) {
            0..=7 => self.below(10).to_string(),
            8..=10 => self.below(100).to_string(),
            11 => "0".to_owned(),
            12 => format!("0{}", self.below(10)),
            13 => format!("00{}", self.below(100)),
            14 => self
                .pick(&[
                    "2147483647",
                    "2147483648",
                    "4294967296",
                    "999999999",
                    "1000000000",
                ])
                .to_owned(),
            15 => self
                .pick(&[
                    "9007199254740991",
                    "9007199254740992",
                    "9007199254740993",
                    "18446744073709551615",
                    "18446744073709551616",
                    "9223372036854775807",
                    "9223372036854775808",
                ])
                .to_owned(),
            16 => {
                let n = 15 + self.below(30);
                (0..n)
                    .map(|i| {
                        let d = self.below(10) as u8;
                        char::from(b'0' + if i == 0 && d == 0 { 1 } else { d })
                    })
                    .collect()
            }
            17 => format!(
                "20{:02}{:02}{:02}",
                self.below(30),
                1 + self.below(12),
                1 + self.below(28)
            ),
            _ => (10 + self.below(990)).to_string(),
        }
    }

    /// A random ASCII letter run of length 1..=n.
    pub fn letters(&mut self, n: usize, upper: bool) -> String {
        let len = 1 + self.below(n);
        (0..len)
            .map(|_| {
                let c = char::from(b'a' + self.below(26) as u8);
                if upper && self.chance(30) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }

    /// Randomly changes the case of ASCII letters.
    pub fn recase(&mut self, s: &str) -> String {
        s.chars()
            .map(|c| {
                if self.chance(30) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }
}

/// A small edit of `v`: a number bumped, a byte dropped or doubled, a
/// piece from `alphabet` inserted or appended, a prefix kept.
pub fn mutate(rng: &mut Rng, v: &str, alphabet: &[&str]) -> String {
    let chars: Vec<char> = v.chars().collect();
    if chars.is_empty() {
        return rng.pick(alphabet).to_owned();
    }
    let at = rng.below(chars.len() + 1);
    let head: String = chars[..at].iter().collect();
    let tail: String = chars[at..].iter().collect();
    match rng.below(9) {
        0 => {
            // Bump the last digit before `at`, or the first after.
            let mut c = chars.clone();
            if let Some(i) = (0..c.len()).rev().find(|&i| c[i].is_ascii_digit()) {
                c[i] = if c[i] == '9' {
                    '0'
                } else {
                    char::from(c[i] as u8 + 1)
                };
            }
            c.into_iter().collect()
        }
        1 => {
            let mut c = chars.clone();
            if at < c.len() {
                c.remove(at);
            }
            c.into_iter().collect()
        }
        2 => format!("{head}{}{tail}", rng.pick(alphabet)),
        3 => format!("{v}{}", rng.pick(alphabet)),
        4 => format!("{v}{}{}", rng.pick(alphabet), rng.number()),
        5 => head,
        6 => {
            let mut c = chars.clone();
            if at < c.len() {
                let x = c[at];
                c.insert(at, x);
            }
            c.into_iter().collect()
        }
        7 => format!("{head}{}{tail}", rng.number()),
        _ => format!("{head}0{tail}"),
    }
}

fn dpkg(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(20) {
        s.push_str(&rng.number());
        s.push(':');
    }
    if rng.chance(3) {
        s.push_str(rng.pick(&["+1:", "-0:", "01:", " ", ":"]));
    }
    let upstream_pieces = [
        ".", ".", ".", "~", "~~", "+", "-", ":", "a", "b", "z", "A", "Z", "rc", "alpha", "beta",
        "dfsg", "git", "p", "~rc", "~beta", "+dfsg", "+b", "ubuntu", "deb", "é", "ü", "\u{80}",
        "ÿ", "\u{7f}",
    ];
    s.push_str(&rng.number());
    for _ in 0..rng.below(6) {
        if rng.chance(55) {
            s.push_str(rng.pick(&upstream_pieces));
        }
        s.push_str(&rng.number());
    }
    if rng.chance(15) {
        s.push_str(rng.pick(&upstream_pieces));
    }
    if rng.chance(55) {
        s.push('-');
        let rev_pieces = [
            "ubuntu", "deb", "+b", "~", ".", "+", "build", "a", "~bpo", "+deb12u",
        ];
        if rng.chance(85) {
            s.push_str(&rng.number());
        }
        for _ in 0..rng.below(4) {
            s.push_str(rng.pick(&rev_pieces));
            if rng.chance(70) {
                s.push_str(&rng.number());
            }
        }
    }
    s
}

fn rpm(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(20) {
        if rng.chance(10) {
            s.push(':');
        } else {
            s.push_str(&rng.number());
            s.push(':');
        }
    }
    let pieces = [
        ".", ".", "_", "+", "~", "^", "~~", "^git", "~rc", "a", "b", "rc", "el", "fc", "git", "p",
        "pre", "é", "--", "..",
    ];
    s.push_str(&rng.number());
    for _ in 0..rng.below(6) {
        if rng.chance(60) {
            s.push_str(rng.pick(&pieces));
        }
        if rng.chance(80) {
            s.push_str(&rng.number());
        } else {
            s.push_str(&rng.letters(3, true));
        }
    }
    if rng.chance(60) {
        s.push('-');
        if rng.chance(90) {
            s.push_str(&rng.number());
        }
        for _ in 0..rng.below(3) {
            s.push_str(rng.pick(&[".el", ".fc", "_", ".", "~", "^", ".module+el8.", "git"]));
            s.push_str(&rng.number());
        }
    }
    s
}

fn apk(rng: &mut Rng) -> String {
    let mut s = rng.number();
    for _ in 0..rng.below(4) {
        s.push('.');
        s.push_str(&rng.number());
    }
    if rng.chance(20) {
        s.push(char::from(b'a' + rng.below(26) as u8));
    }
    for _ in 0..rng.below(3) {
        s.push('_');
        s.push_str(rng.pick(&["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"]));
        if rng.chance(60) {
            s.push_str(&rng.number());
        }
    }
    if rng.chance(10) {
        s.push('~');
        let n = 1 + rng.below(10);
        for _ in 0..n {
            s.push(char::from(b"0123456789abcdef"[rng.below(16)]));
        }
    }
    if rng.chance(60) {
        s.push_str("-r");
        s.push_str(&rng.number());
    }
    s
}

fn pep440(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(5) {
        s.push_str(rng.pick(&[" ", "\t", "\n", "\u{a0}", "\u{2003}", "\u{1c}"]));
    }
    if rng.chance(8) {
        s.push(if rng.chance(50) { 'v' } else { 'V' });
    }
    if rng.chance(12) {
        s.push_str(&rng.number());
        s.push('!');
    }
    s.push_str(&rng.number());
    for _ in 0..rng.below(4) {
        s.push('.');
        s.push_str(&rng.number());
    }
    let sep = |rng: &mut Rng| rng.pick(&["", "", ".", "-", "_"]).to_owned();
    if rng.chance(35) {
        s.push_str(&sep(rng));
        let w = rng.pick(&["a", "b", "rc", "c", "alpha", "beta", "pre", "preview"]);
        s.push_str(&rng.recase(w));
        s.push_str(&sep(rng));
        if rng.chance(80) {
            s.push_str(&rng.number());
        }
    }
    if rng.chance(25) {
        if rng.chance(30) {
            s.push('-');
            s.push_str(&rng.number());
        } else {
            s.push_str(&sep(rng));
            let w = rng.pick(&["post", "rev", "r"]);
            s.push_str(&rng.recase(w));
            s.push_str(&sep(rng));
            if rng.chance(80) {
                s.push_str(&rng.number());
            }
        }
    }
    if rng.chance(25) {
        s.push_str(&sep(rng));
        s.push_str(&rng.recase("dev"));
        s.push_str(&sep(rng));
        if rng.chance(80) {
            s.push_str(&rng.number());
        }
    }
    if rng.chance(20) {
        s.push('+');
        for i in 0..1 + rng.below(3) {
            if i > 0 {
                s.push_str(rng.pick(&[".", "-", "_"]));
            }
            if rng.chance(50) {
                s.push_str(&rng.number());
            } else {
                s.push_str(&rng.letters(6, true));
            }
        }
    }
    if rng.chance(5) {
        s.push_str(rng.pick(&[" ", "\n", "\u{3000}"]));
    }
    s
}

/// A SemVer-ish string; `loose` adds node-semver's loose forms.
fn semverish(rng: &mut Rng, loose: bool, go: bool) -> String {
    let mut s = String::new();
    if go && rng.chance(60) {
        s.push('v');
    }
    if loose && rng.chance(15) {
        s.push_str(rng.pick(&["v", "=", "=v", " ", "v ", "= ", "\u{a0}", "\u{feff}"]));
    }
    let num = |rng: &mut Rng| {
        let n = rng.number();
        if !loose && n.len() > 1 && n.starts_with('0') && rng.chance(80) {
            n.trim_start_matches('0').to_owned() + "1"
        } else {
            n
        }
    };
    s.push_str(&num(rng));
    let parts = if go && rng.chance(15) {
        rng.below(3)
    } else {
        2
    };
    for _ in 0..parts {
        s.push('.');
        s.push_str(&num(rng));
    }
    if go && parts < 2 {
        return s;
    }
    if go && rng.chance(20) {
        // A pseudo-version.
        let base = rng.pick(&["-", "-0.", "-pre.0.", "-rc.1.0."]);
        s.push_str(base);
        s.push_str(&format!(
            "2019{:02}{:02}{:06}",
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(240000)
        ));
        s.push('-');
        for _ in 0..12 {
            s.push(char::from(b"0123456789abcdef"[rng.below(16)]));
        }
    } else if rng.chance(55) {
        if !(loose && rng.chance(15)) {
            s.push('-');
        }
        for i in 0..1 + rng.below(4) {
            if i > 0 {
                s.push('.');
            }
            match rng.below(6) {
                0 | 1 => s.push_str(&num(rng)),
                2 => s.push_str(rng.pick(&[
                    "alpha", "beta", "rc", "pre", "a", "b", "x", "dev", "SNAPSHOT", "RC", "Alpha",
                ])),
                3 => s.push_str(&rng.letters(5, true)),
                4 => s.push_str(rng.pick(&["-", "--", "-1", "0a", "1-2", "a-b", "01"])),
                _ => {
                    s.push_str(&rng.letters(2, false));
                    s.push_str(&rng.number());
                }
            }
        }
    }
    if rng.chance(20) {
        s.push('+');
        if go && rng.chance(50) {
            s.push_str("incompatible");
        } else {
            for i in 0..1 + rng.below(3) {
                if i > 0 {
                    s.push('.');
                }
                if rng.chance(50) {
                    s.push_str(&rng.number());
                } else {
                    s.push_str(&rng.letters(4, true));
                }
            }
        }
    }
    if loose && rng.chance(8) {
        s.push_str(rng.pick(&[" ", "\t", "\u{3000}", "\n"]));
    }
    s
}

fn maven(rng: &mut Rng) -> String {
    let mut s = rng.number();
    let quals = [
        "alpha",
        "beta",
        "milestone",
        "rc",
        "cr",
        "snapshot",
        "SNAPSHOT",
        "ga",
        "final",
        "release",
        "sp",
        "a",
        "b",
        "m",
        "RC",
        "Final",
        "jre",
        "android",
        "foo",
        "",
        "x",
        "M",
        "GA",
    ];
    for _ in 0..rng.below(6) {
        match rng.below(6) {
            0 | 1 => {
                s.push('.');
                s.push_str(&rng.number());
            }
            2 => {
                s.push('-');
                s.push_str(&rng.number());
            }
            3 => {
                s.push_str(rng.pick(&["-", ".", ""]));
                s.push_str(rng.pick(&quals));
            }
            4 => {
                s.push_str(rng.pick(&quals));
                s.push_str(&rng.number());
            }
            _ => s.push_str(rng.pick(&["-", ".", "--", "..", "_", "+"])),
        }
    }
    s
}

fn rubygems(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(5) {
        s.push(' ');
    }
    s.push_str(&rng.number());
    for _ in 0..rng.below(5) {
        s.push('.');
        if rng.chance(70) {
            s.push_str(&rng.number());
        } else if rng.chance(50) {
            s.push_str(rng.pick(&["pre", "rc", "beta", "alpha", "a", "b", "x"]));
            if rng.chance(40) {
                s.push_str(&rng.number());
            }
        } else {
            s.push_str(&rng.letters(3, true));
        }
    }
    if rng.chance(15) {
        s.push('-');
        for i in 0..1 + rng.below(3) {
            if i > 0 {
                s.push('.');
            }
            s.push_str(rng.pick(&["1", "0", "a", "rc1", "beta-2", "x-y", "-"]));
        }
    }
    if rng.chance(5) {
        s.push('\n');
    }
    s
}

fn composer(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(20) {
        s.push(if rng.chance(80) { 'v' } else { 'V' });
    }
    if rng.chance(8) {
        // A date version.
        s.push_str(&format!("20{:02}", rng.below(30)));
        for _ in 0..1 + rng.below(3) {
            s.push_str(rng.pick(&["", ".", "-", ":"]));
            s.push_str(&format!("{:02}", rng.below(60)));
        }
    } else {
        s.push_str(&rng.number());
        for _ in 0..rng.below(4) {
            s.push('.');
            s.push_str(&rng.number());
        }
    }
    if rng.chance(50) {
        s.push_str(rng.pick(&["", "-", ".", "_"]));
        let w = rng.pick(&[
            "alpha", "a", "beta", "b", "RC", "rc", "patch", "pl", "p", "stable", "dev",
        ]);
        s.push_str(&rng.recase(w));
        if rng.chance(60) {
            s.push_str(rng.pick(&["", ".", "-"]));
            s.push_str(&rng.number());
        }
        if rng.chance(15) {
            s.push_str(rng.pick(&["", ".", "-"]));
            s.push_str(&rng.number());
        }
    }
    if rng.chance(15) {
        s.push_str(rng.pick(&["-dev", ".dev", "dev", "-DEV"]));
    }
    if rng.chance(5) {
        s.push_str(rng.pick(&["+build.1", "@beta", "@dev", " as 2.0.0"]));
    }
    s
}

fn nuget(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(5) {
        s.push(' ');
    }
    s.push_str(&rng.number());
    for _ in 0..rng.below(4) {
        s.push_str(if rng.chance(5) { " . " } else { "." });
        s.push_str(&rng.number());
    }
    if rng.chance(45) {
        s.push('-');
        for i in 0..1 + rng.below(3) {
            if i > 0 {
                s.push('.');
            }
            match rng.below(5) {
                0 | 1 => s.push_str(&rng.number()),
                2 => s.push_str(rng.pick(&[
                    "alpha", "beta", "rc", "RC", "Beta", "preview", "-1", "-", "-0",
                ])),
                _ => s.push_str(&rng.letters(4, true)),
            }
        }
    }
    if rng.chance(15) {
        s.push('+');
        s.push_str(&rng.letters(4, true));
        if rng.chance(50) {
            s.push('.');
            s.push_str(&rng.number());
        }
    }
    s
}

/// Pieces that `mutate` inserts, per scheme.
pub fn alphabet(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::Dpkg => &[".", "~", "+", "-", ":", "a", "z", "~~", "é", " ", "0"],
        Scheme::Rpm => &[".", "~", "^", "-", ":", "_", "a", "z", "+", "é", "0"],
        Scheme::Apk => &[
            ".", "_p", "_rc", "_alpha", "-r", "~", "a", "_", "-", "0", "_git",
        ],
        Scheme::Pep440 => &[
            ".", "-", "_", "a", "b", "rc", "post", "dev", "+", "!", "r", "c", "x", " ", "0",
        ],
        Scheme::Npm | Scheme::SemVer | Scheme::Cargo | Scheme::Go => {
            &[".", "-", "+", "0", "a", "v", "=", " ", "-0", ".0"]
        }
        Scheme::Maven => &[
            ".", "-", "a", "b", "m", "rc", "sp", "ga", "0", "final", "snapshot", "_",
        ],
        Scheme::RubyGems => &[".", "-", "a", "pre", "0", ".0", "b"],
        Scheme::Composer => &[".", "-", "alpha", "beta", "RC", "dev", "p", "0", "+", "@"],
        Scheme::NuGet => &[".", "-", "+", "0", "a", "A", " ", "-1"],
    }
}

/// One generated version of `scheme`.
pub fn version(rng: &mut Rng, scheme: Scheme) -> String {
    match scheme {
        Scheme::Dpkg => dpkg(rng),
        Scheme::Rpm => rpm(rng),
        Scheme::Apk => apk(rng),
        Scheme::Pep440 => pep440(rng),
        Scheme::Npm => semverish(rng, true, false),
        Scheme::SemVer | Scheme::Cargo => semverish(rng, false, false),
        Scheme::Go => semverish(rng, false, true),
        Scheme::Maven => maven(rng),
        Scheme::RubyGems => rubygems(rng),
        Scheme::Composer => composer(rng),
        Scheme::NuGet => nuget(rng),
    }
}

/// `n` pairs: half of them a version and a small edit of it (shared
/// prefixes), a few with themselves, the rest independent; with
/// `mutations`, edits may make either side invalid.
pub fn pairs(
    scheme: Scheme,
    seed: u64,
    n: usize,
    accept: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 50 {
        tries += 1;
        let a = version(&mut rng, scheme);
        let b = match rng.below(10) {
            0..=4 => mutate(&mut rng, &a, alphabet(scheme)),
            5 => a.clone(),
            6 => {
                let m = mutate(&mut rng, &a, alphabet(scheme));
                mutate(&mut rng, &m, alphabet(scheme))
            }
            _ => version(&mut rng, scheme),
        };
        let a = if rng.chance(10) {
            mutate(&mut rng, &a, alphabet(scheme))
        } else {
            a
        };
        if accept(&a) && accept(&b) {
            out.push((a, b));
        }
    }
    out
}

/// A corpus of distinct valid versions of `scheme` (for order properties).
pub fn corpus(scheme: Scheme, seed: u64, n: usize) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    for (a, b) in pairs(scheme, seed, n * 4, |_| true) {
        for v in [a, b] {
            if portcullis_versions::validate(scheme, &v).is_ok() {
                seen.insert(v);
            }
        }
        if seen.len() >= n {
            break;
        }
    }
    seen.into_iter().collect()
}

/// Lowercase hex of the UTF-8 bytes (how versions travel to the reference
/// programs: no quoting problems).
pub fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}
