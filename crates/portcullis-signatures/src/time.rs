//! RFC 3339 timestamps to Unix seconds, without a date library: signing
//! times are compared with certificate validity, nothing more.

/// Parses `2023-03-14T16:10:02+08:00`, `2020-11-09T07:00:00Z`, with optional
/// fractional seconds (ignored: validity is in whole seconds).
pub(crate) fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let bad = || format!("time {:?} is not RFC 3339", crate::digest::clip(text));
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64, String> {
        let s = text.get(from..to).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<i64>().map_err(|_| bad())
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    let mut rest = text.get(19..).ok_or_else(bad)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = frac.get(digits..).ok_or_else(bad)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || !matches!(rb[0], b'+' | b'-') || rb[3] != b':' {
                return Err(bad());
            }
            let hh: i64 = rest.get(1..3).ok_or_else(bad)?.parse().map_err(|_| bad())?;
            let mm: i64 = rest.get(4..6).ok_or_else(bad)?.parse().map_err(|_| bad())?;
            let sign = if rb[0] == b'-' { -1 } else { 1 };
            sign * (hh * 3600 + mm * 60)
        }
    };
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

// Howard Hinnant's days-from-civil: days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339;

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("2020-11-09T07:00:00Z"), Ok(1_604_905_200));
        assert_eq!(
            parse_rfc3339("2023-03-14T16:10:02+08:00"),
            Ok(1_678_781_402)
        );
        assert_eq!(
            parse_rfc3339("2023-03-14T08:10:02.123456Z"),
            Ok(1_678_781_402)
        );
        assert!(parse_rfc3339("2023-13-14T08:10:02Z").is_err());
        assert!(parse_rfc3339("yesterday").is_err());
        assert!(parse_rfc3339("2023-03-14T08:10:02+0800").is_err());
        for odd in [
            "2023-03-14T08:10:02+é:00",
            "2023-03-14T08:10:0é+08:00",
            "ééééééééééééééééééééé",
            "2023-03-14T08:10:02.é",
        ] {
            assert!(parse_rfc3339(odd).is_err(), "{odd}");
        }
    }
}
