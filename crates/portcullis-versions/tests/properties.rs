//! Order properties of every scheme over a generated corpus of valid
//! versions (tests/support): reflexivity, antisymmetry
//! (`compare(a, b) == compare(b, a).reverse()`) and transitivity, checked
//! as "the corpus sorts into blocks of equal versions, every version below
//! every version of a later block" — which holds exactly when the order
//! is a total preorder on the corpus.

mod support;

use std::cmp::Ordering;

use portcullis_versions::{compare, Scheme, ALL_SCHEMES};

fn cmp(scheme: Scheme, a: &str, b: &str) -> Ordering {
    match compare(scheme, a, b) {
        Ok(o) => o,
        Err(e) => panic!("{scheme}: corpus version rejected: {e}"),
    }
}

/// Checks the properties; returns the number of comparisons made.
fn check_order(scheme: Scheme, corpus: &[String]) -> usize {
    let mut n = 0;
    for a in corpus {
        assert_eq!(
            cmp(scheme, a, a),
            Ordering::Equal,
            "{scheme}: {a:?} != itself"
        );
    }
    // Antisymmetry on every pair.
    for (i, a) in corpus.iter().enumerate() {
        for b in &corpus[i + 1..] {
            let ab = cmp(scheme, a, b);
            let ba = cmp(scheme, b, a);
            n += 2;
            assert_eq!(
                ab,
                ba.reverse(),
                "{scheme}: {a:?} vs {b:?} is {ab:?}, reversed {ba:?}"
            );
        }
    }
    // Insertion sort (a comparison sort that cannot panic on a broken order).
    let mut sorted: Vec<&str> = Vec::with_capacity(corpus.len());
    for v in corpus {
        let at = sorted.partition_point(|x| {
            n += 1;
            cmp(scheme, x, v) != Ordering::Greater
        });
        sorted.insert(at, v);
    }
    // Blocks of equal versions.
    let mut block = Vec::with_capacity(sorted.len());
    let mut id = 0;
    for (i, v) in sorted.iter().enumerate() {
        if i > 0 && cmp(scheme, sorted[i - 1], v) == Ordering::Less {
            id += 1;
        }
        block.push(id);
    }
    for i in 0..sorted.len() {
        for j in i + 1..sorted.len() {
            let want = if block[i] == block[j] {
                Ordering::Equal
            } else {
                Ordering::Less
            };
            n += 1;
            let got = cmp(scheme, sorted[i], sorted[j]);
            assert_eq!(
                got,
                want,
                "{scheme}: not a total order: sorted {:?} (block {}) vs {:?} (block {}) is {got:?}; neighbours: {:?}",
                sorted[i],
                block[i],
                sorted[j],
                block[j],
                &sorted[i.saturating_sub(2)..(j + 3).min(sorted.len())]
            );
        }
    }
    n
}

#[test]
fn every_scheme_is_a_total_order_on_the_corpus() {
    for (k, scheme) in ALL_SCHEMES.into_iter().enumerate() {
        let mut corpus = support::corpus(scheme, 0x5eed_0000 + k as u64, 400);
        if scheme == Scheme::Npm {
            // node-semver compares all-digit identifiers past 2^53 as
            // doubles and stops at the first tie, which is not transitive
            // (the module says so); keep them out of this corpus.
            corpus.retain(|v| !has_unsafe_identifier(v));
        }
        if scheme == Scheme::Maven {
            // ComparableVersion itself is not transitive where a qualifier
            // meets a sub-list at the same place: maven-artifact 3.8.7 says
            // 1 > 1.0.rc-1 > 1.0-1 > 1, and 00a2 < final0 < _4 < 00a2 (so do
            // we: the differential test checks it). That takes a qualifier
            // after a '.' ended by '.' or '-', a doubled separator or a
            // version starting with a non-digit; check antisymmetry on all
            // of the corpus and transitivity on the rest.
            check_antisymmetry(scheme, &corpus);
            corpus.retain(|v| !maven_may_cycle(v));
        }
        assert!(
            corpus.len() >= 250,
            "{scheme}: only {} corpus versions",
            corpus.len()
        );
        let n = check_order(scheme, &corpus);
        println!("{scheme}: {} versions, {n} comparisons", corpus.len());
    }
}

/// Whether a Maven version has one of the shapes that can put it on a
/// cycle of ComparableVersion (see above).
fn maven_may_cycle(v: &str) -> bool {
    let b = v.to_ascii_lowercase().into_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return true;
    }
    let sep = |c: u8| c == b'.' || c == b'-';
    if b.windows(2).any(|w| sep(w[0]) && sep(w[1])) {
        return true;
    }
    // '.' + non-digits + ('.' | '-')
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' {
            let n = b[i + 1..]
                .iter()
                .take_while(|&&c| !c.is_ascii_digit() && !sep(c))
                .count();
            if n > 0 && b.get(i + 1 + n).is_some_and(|&c| sep(c)) {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn check_antisymmetry(scheme: Scheme, corpus: &[String]) {
    for (i, a) in corpus.iter().enumerate() {
        for b in &corpus[i + 1..] {
            let (ab, ba) = (cmp(scheme, a, b), cmp(scheme, b, a));
            assert_eq!(
                ab,
                ba.reverse(),
                "{scheme}: {a:?} vs {b:?} is {ab:?}, reversed {ba:?}"
            );
        }
    }
}

/// An all-digit identifier of 16 digits or more (>= 2^53 possible).
fn has_unsafe_identifier(v: &str) -> bool {
    v.split(['.', '-', '+'])
        .any(|id| id.len() >= 16 && id.bytes().all(|c| c.is_ascii_digit()))
}

#[test]
fn known_chains_sort_as_written() {
    // Small chains from each ecosystem's documentation, each version below
    // the next (source per chain).
    let chains: &[(Scheme, &[&str])] = &[
        // Debian Policy §5.6.12.
        (
            Scheme::Dpkg,
            &["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+b1", "1:0.1"],
        ),
        // Fedora packaging guidelines, "Versioning" (tilde and caret).
        (
            Scheme::Rpm,
            &["0.4.1~rc1-1", "0.4.1-1", "0.4.1^git20200101-1", "0.4.2-1"],
        ),
        // apk-version(8): suffix order.
        (
            Scheme::Apk,
            &[
                "1.0_alpha",
                "1.0_beta",
                "1.0_pre",
                "1.0_rc",
                "1.0",
                "1.0-r1",
                "1.0_cvs",
                "1.0_svn",
                "1.0_git",
                "1.0_hg",
                "1.0_p1",
                "1.0a",
            ],
        ),
        // Maven: "alpha" < "beta" < "milestone" < "rc" = "cr" < "snapshot" < "" = "final" = "ga" < "sp".
        (
            Scheme::Maven,
            &[
                "1-alpha",
                "1-beta",
                "1-milestone",
                "1-rc",
                "1-snapshot",
                "1",
                "1-sp",
                "1-1",
            ],
        ),
        // Composer docs, stability flags.
        (
            Scheme::Composer,
            &[
                "1.0.0-dev",
                "1.0.0-alpha1",
                "1.0.0-beta1",
                "1.0.0-RC1",
                "1.0.0",
                "1.0.0-patch1",
            ],
        ),
        // RubyGems guides, "Patterns": prereleases sort before the release.
        (
            Scheme::RubyGems,
            &["1.0.a", "1.0.b1", "1.0.rc1", "1.0", "1.0.1"],
        ),
        // NuGet docs, "Package versioning": pre-release sorting.
        (
            Scheme::NuGet,
            &[
                "1.0.1-alpha",
                "1.0.1-beta",
                "1.0.1-rc",
                "1.0.1-zzz",
                "1.0.1",
                "1.0.1.1",
            ],
        ),
        // Go modules reference: pseudo-versions sort before the tag they precede.
        (
            Scheme::Go,
            &[
                "v0.0.0-20191109021931-daa7c04131f5",
                "v1.2.3",
                "v1.2.4-0.20191109021931-daa7c04131f5",
                "v1.2.4",
            ],
        ),
    ];
    for (scheme, chain) in chains {
        for (i, a) in chain.iter().enumerate() {
            for b in &chain[i + 1..] {
                assert_eq!(cmp(*scheme, a, b), Ordering::Less, "{scheme}: {a} < {b}");
            }
        }
    }
}

#[test]
fn arbitrary_strings_never_panic() {
    // Bytes and characters every parser must survive: separators, digits,
    // letters, whitespace of several kinds, multi-byte characters, NUL.
    const PIECES: &[&str] = &[
        "0",
        "1",
        "9",
        "00",
        ".",
        "-",
        "_",
        "+",
        "~",
        "^",
        ":",
        "!",
        "@",
        "#",
        "*",
        "a",
        "z",
        "A",
        "Z",
        "v",
        "=",
        " ",
        "\t",
        "\n",
        "\0",
        "\u{a0}",
        "\u{3000}",
        "\u{feff}",
        "é",
        "ß",
        "\u{10ffff}",
        "٣",
        "rc",
        "dev",
        "post",
        "-r",
        "_p",
        "as",
        "x",
        "..",
        "--",
    ];
    let mut rng = support::Rng::new(0xf022);
    let mut strings = Vec::new();
    for _ in 0..3000 {
        let n = rng.below(14);
        strings.push((0..n).map(|_| rng.pick(PIECES)).collect::<String>());
    }
    strings.push("1".repeat(300));
    strings.push("a1".repeat(600));
    strings.push("a1".repeat(512));
    strings.push("1a".repeat(512));
    for scheme in ALL_SCHEMES {
        for w in strings.windows(2) {
            let _ = compare(scheme, &w[0], &w[1]);
            let _ = compare(scheme, &w[1], &w[1]);
        }
    }
}
