//! RFC 3339 date-times, as OpenVEX (`timestamp`) and CycloneDX
//! (`metadata.timestamp`, `analysis.lastUpdated`) write them, reduced to an
//! instant that orders statements whatever their UTC offsets.

/// Seconds since the Unix epoch (UTC) and nanoseconds; orders as time does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Instant {
    secs: i64,
    nanos: u32,
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: `T` may be `t` or a space,
/// `Z` may be `z` (RFC 3339 §5.6 and its note on the separator). Fractions
/// longer than nanoseconds are truncated; a leap second (`:60`) counts as
/// the last second of its minute. `None` for anything else, including a
/// date without a time or a time without an offset (not an instant).
pub(crate) fn parse(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100_000_000u32;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            nanos += u32::from(d - b'0') * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_secs = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b":") => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_secs;
    Some(Instant { secs, nanos })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known
/// era/day-of-era computation).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> i64 {
        parse(s).map(|i| i.secs).expect(s)
    }

    #[test]
    fn instants() {
        assert_eq!(secs("1970-01-01T00:00:00Z"), 0);
        assert_eq!(secs("2000-03-01T00:00:00Z"), 951_868_800);
        assert_eq!(secs("2023-01-08T18:02:03-06:00"), 1_673_222_523);
        assert_eq!(
            parse("2023-01-08T18:02:03.647787998-06:00"),
            Some(Instant {
                secs: 1_673_222_523,
                nanos: 647_787_998
            })
        );
        // The same instant under two offsets.
        assert_eq!(
            parse("2023-01-09T00:02:03Z"),
            parse("2023-01-08T18:02:03-06:00")
        );
        assert_eq!(
            parse("2023-09-20T11:42:12.074772+02:00"),
            parse("2023-09-20T09:42:12.074772000Z")
        );
        assert!(parse("2023-01-08T18:02:03.1Z") > parse("2023-01-08T18:02:03.09Z"));
        assert_eq!(secs("2016-12-31t23:59:60z"), secs("2016-12-31T23:59:59Z"));
        assert_eq!(secs("1969-12-31 23:59:59Z"), -1);
        assert!(parse("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn not_instants() {
        for s in [
            "",
            "2023-01-08",
            "2023-01-08T18:02:03",
            "2023-01-08T18:02:03.Z",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-01-08T24:00:00Z",
            "2023-01-08T18:02:03+0600",
            "2023-01-08T18:02:03Zjunk",
            "2023-1-08T18:02:03Z",
            "２023-01-08T18:02:03Z",
            "yesterday",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
