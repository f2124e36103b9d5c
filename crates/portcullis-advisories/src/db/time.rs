//! Instants as OSV, KEV and EPSS write them (RFC 3339), kept as seconds and
//! nanoseconds since the Unix epoch, UTC.

use std::fmt;

/// An instant: seconds since 1970-01-01T00:00:00Z and nanoseconds. Ordered
/// in time, so "the newer `modified` wins" is a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    /// Parses RFC 3339 (`2024-01-11T15:20:48Z`, `2025-10-13T15:48:05.749899Z`,
    /// `2026-04-10T00:00:00+0000`, `…+02:00`, a space for the `T`), and a bare
    /// date (`2025-08-25`, KEV's `dateAdded`) as its midnight UTC. `None` for
    /// anything else, or a field out of range.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let b = text.trim().as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(
                digits
                    .iter()
                    .fold(0i64, |n, d| n * 10 + i64::from(d - b'0')),
            )
        };
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        if b.len() == 10 {
            return Some(Timestamp {
                secs: days * 86_400,
                nanos: 0,
            });
        }
        if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start).min(9)..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(i..) {
            Some([b'Z' | b'z']) => 0,
            Some([sign @ (b'+' | b'-'), rest @ ..]) => {
                let (h, m) = match rest {
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        let d = |c: &u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
                        (d(h1)? * 10 + d(h2)?, d(m1)? * 10 + d(m2)?)
                    }
                    _ => return None,
                };
                if h > 23 || m > 59 {
                    return None;
                }
                let seconds = h * 3600 + m * 60;
                if *sign == b'+' {
                    seconds
                } else {
                    -seconds
                }
            }
            _ => return None,
        };
        Some(Timestamp {
            secs: days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset,
            nanos,
        })
    }

    /// Now, from the system clock (the epoch if the clock is before it).
    pub fn now() -> Timestamp {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp {
            secs: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            nanos: since.subsec_nanos(),
        }
    }

    /// The date part, `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        let (y, m, d) = civil_from_days(self.secs.div_euclid(86_400));
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// RFC 3339 in UTC with `Z`; fractional seconds only when there are some,
/// without trailing zeros.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rest = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )?;
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos.min(999_999_999));
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date: whole 400-year eras
/// of 146,097 days, the year counted from March so that February's length
/// falls at the end.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc3339() {
        let t = Timestamp::parse("2024-01-11T15:20:48Z").unwrap();
        assert_eq!(t.secs, 1_704_986_448);
        assert_eq!(t.to_string(), "2024-01-11T15:20:48Z");
        let t = Timestamp::parse("2025-10-13T15:48:05.749899Z").unwrap();
        assert_eq!(t.nanos, 749_899_000);
        assert_eq!(t.to_string(), "2025-10-13T15:48:05.749899Z");
        assert_eq!(
            Timestamp::parse("2026-04-10T02:00:00+0200"),
            Timestamp::parse("2026-04-10T00:00:00Z")
        );
        assert_eq!(
            Timestamp::parse("2026-04-10T00:00:00-01:30")
                .unwrap()
                .to_string(),
            "2026-04-10T01:30:00Z"
        );
        assert_eq!(Timestamp::parse("2025-08-25").unwrap().date(), "2025-08-25");
        assert_eq!(
            Timestamp::parse("0001-01-01T00:00:00Z")
                .unwrap()
                .to_string(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::parse("2024-02-29T23:59:59.123456789Z")
                .unwrap()
                .to_string(),
            "2024-02-29T23:59:59.123456789Z"
        );
        for bad in [
            "",
            "2024",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+2",
            "２０２４-01-01",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
