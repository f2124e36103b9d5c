//! What the two SBOM formats (CycloneDX, SPDX) and the package summaries of
//! the human and HTML reports share: the document time, hash-based UUIDs,
//! identifiers unique within a document, a package's full name, the
//! operating system in words, and the per-type and per-layer counts.
//!
//! Reports must be reproducible: the same report renders to the same bytes.
//! So nothing here reads the clock or a random source. The document time is
//! the image's own creation time (the latest `created` of its history, or
//! an LXD image's `creation_date`), and the identifiers that must be unique
//! (CycloneDX `serialNumber`, SPDX `documentNamespace`) are UUIDs made from
//! the SHA-256 of the document's content.

use std::collections::{BTreeMap, HashSet};

use portcullis_packages::{Ecosystem, InstalledPackage, Os};
use portcullis_policy::{Report, TargetReport};
use sha2::{Digest, Sha256};

/// The report's time as RFC 3339 UTC with seconds (`2024-05-01T12:34:56Z`,
/// the shape both SPDX and CycloneDX accept): the latest creation time of
/// its images (history `created`, LXD `creation_date`). `None` when no
/// target carries one (a Dockerfile, an image whose history has no dates).
pub(crate) fn report_time(report: &Report) -> Option<String> {
    report.targets.iter().filter_map(target_time).max()
}

/// The creation time of one target, normalised; see [`report_time`].
pub(crate) fn target_time(target: &TargetReport) -> Option<String> {
    let history = target
        .image
        .iter()
        .flat_map(|i| &i.history)
        .filter_map(|h| h.created.as_deref());
    let lxd = target.lxd.iter().map(|l| l.creation_date.as_str());
    history.chain(lxd).filter_map(utc_seconds).max()
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339; a space or a
/// lower-case `t`/`z` accepted) to `YYYY-MM-DDTHH:MM:SSZ` in UTC, the
/// fraction dropped. Anything else: `None`.
pub(crate) fn utc_seconds(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &rest[1 + n..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let part = [*h1, *h2, *m1, *m2];
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n = |x: u8, y: u8| i64::from(x - b'0') * 10 + i64::from(y - b'0');
            let (h, m) = (n(*h1, *h2), n(*m1, *m2));
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    // A leap second is shown as the second before it.
    let second = second.min(59);
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - offset_minutes * 60;
    let date = portcullis_policy::Date::from_days(utc.div_euclid(86_400));
    let secs = utc.rem_euclid(86_400);
    if !(0..=9999).contains(&date.year) {
        return None;
    }
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year,
        date.month,
        date.day,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm, the
/// inverse of [`portcullis_policy::Date::from_days`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A UUID made from the SHA-256 of `content`: its first 16 bytes with the
/// version set to 8 (RFC 9562's custom, here "SHA-256 of the document") and
/// the RFC 4122 variant. Lower-case, hyphenated.
pub(crate) fn content_uuid(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Hex of the first `n` bytes of the SHA-256 of `text`.
pub(crate) fn short_hash(text: &str, n: usize) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(n)
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Hands out identifiers unique within one document: the wanted one when it
/// is free, else the first free of `wanted-2`, `wanted-3`… (`sep` between).
#[derive(Default)]
pub(crate) struct UniqueIds {
    taken: HashSet<String>,
}

impl UniqueIds {
    pub(crate) fn claim(&mut self, wanted: String, sep: &str) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let mut n = 2usize;
        loop {
            let candidate = format!("{wanted}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// The name a person knows the package by: with its namespace where the
/// ecosystem has one (`@babel/core`, `org.slf4j:slf4j-api`,
/// `github.com/spf13/cobra`, `symfony/console`).
pub(crate) fn full_name(p: &InstalledPackage) -> String {
    match &p.namespace {
        Some(ns) if !ns.is_empty() => {
            let sep = if p.ecosystem == Ecosystem::Maven {
                ":"
            } else {
                "/"
            };
            format!("{ns}{sep}{}", p.name)
        }
        _ => p.name.clone(),
    }
}

/// `debian 12 (bookworm)`, `alpine 3.20.1`, `arch`: ID, VERSION_ID and the
/// codename when there is one.
pub(crate) fn os_words(os: &Os) -> String {
    let mut s = os.id.clone();
    if let Some(v) = os.version_id.as_deref().filter(|v| !v.is_empty()) {
        s.push(' ');
        s.push_str(v);
    }
    if let Some(c) = os.version_codename.as_deref().filter(|c| !c.is_empty()) {
        s.push_str(&format!(" ({c})"));
    }
    s
}

/// Packages per type, in the order of [`Ecosystem::ALL`], types with none
/// left out.
pub(crate) fn per_type(packages: &[InstalledPackage]) -> Vec<(Ecosystem, usize)> {
    Ecosystem::ALL
        .iter()
        .map(|e| (*e, packages.iter().filter(|p| p.ecosystem == *e).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Packages per introducing layer, lowest layer first; packages without a
/// layer (a single root filesystem) under `None`, last.
pub(crate) fn per_layer(packages: &[InstalledPackage]) -> Vec<(Option<usize>, usize)> {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut without = 0;
    for p in packages {
        match p.layer {
            Some(l) => *counts.entry(l).or_default() += 1,
            None => without += 1,
        }
    }
    let mut out: Vec<(Option<usize>, usize)> =
        counts.into_iter().map(|(l, n)| (Some(l), n)).collect();
    if without > 0 {
        out.push((None, without));
    }
    out
}

/// `deb 94, pypi 12, npm 310`.
pub(crate) fn per_type_words(packages: &[InstalledPackage]) -> String {
    per_type(packages)
        .iter()
        .map(|(e, n)| format!("{e} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `layer 0: 94, layer 2: 322` (and `no layer: 5` for packages without one);
/// `None` when no package has a layer (a Dockerfile, an LXD root file
/// system), where per-layer counts say nothing.
pub(crate) fn per_layer_words(packages: &[InstalledPackage]) -> Option<String> {
    let counts = per_layer(packages);
    if counts.iter().all(|(l, _)| l.is_none()) {
        return None;
    }
    Some(
        counts
            .iter()
            .map(|(l, n)| match l {
                Some(l) => format!("layer {l}: {n}"),
                None => format!("no layer: {n}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_normalised_to_utc_seconds() {
        for (input, want) in [
            ("2024-05-01T12:34:56Z", Some("2024-05-01T12:34:56Z")),
            (
                "2024-05-01T12:34:56.789012345Z",
                Some("2024-05-01T12:34:56Z"),
            ),
            ("2024-05-01 12:34:56z", Some("2024-05-01T12:34:56Z")),
            ("2024-03-01T01:30:00+02:00", Some("2024-02-29T23:30:00Z")),
            ("2023-12-31T23:30:00-01:00", Some("2024-01-01T00:30:00Z")),
            ("2016-12-31T23:59:60Z", Some("2016-12-31T23:59:59Z")),
            ("1970-01-01T00:00:00Z", Some("1970-01-01T00:00:00Z")),
            ("2024-02-30T00:00:00Z", None),
            ("2024-05-01T12:34:56", None),
            ("2024-05-01T12:34:56.Z", None),
            ("2024-05-01T24:00:00Z", None),
            ("2024-05-01T12:34:56+0200", None),
            ("2024-05-01", None),
            ("yesterday at noon, roughly", None),
            ("2024-05-01T12:34:5\u{e9}Z", None),
        ] {
            assert_eq!(utc_seconds(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn civil_days_invert_from_days() {
        for days in [-800_000i64, -1, 0, 1, 59, 11_016, 19_782, 2_932_896] {
            let d = portcullis_policy::Date::from_days(days);
            assert_eq!(
                days_from_civil(i64::from(d.year), i64::from(d.month), i64::from(d.day)),
                days
            );
        }
    }

    #[test]
    fn content_uuids_are_version_8_rfc_4122_variant() {
        let a = content_uuid(b"one");
        assert_eq!(a, content_uuid(b"one"));
        assert_ne!(a, content_uuid(b"two"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        // SHA-256("one") = 7692c3ad3540bb80…; its version and variant bits set.
        assert!(a.starts_with("7692c3ad-3540-8b80-"), "{a}");
    }

    #[test]
    fn unique_ids_number_the_repeats() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("a".into(), "-"), "a");
        assert_eq!(ids.claim("a".into(), "-"), "a-2");
        assert_eq!(ids.claim("a-2".into(), "-"), "a-2-2");
        assert_eq!(ids.claim("a".into(), "-"), "a-3");
        assert_eq!(ids.claim("b".into(), "#"), "b");
    }
}
