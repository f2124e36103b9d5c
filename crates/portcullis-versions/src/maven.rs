//! Maven artifact versions, ordered as `ComparableVersion` of maven-artifact
//! 3.x (`org.apache.maven.artifact.versioning.ComparableVersion`; the same
//! in 3.8.7 and 3.9.9), the order Maven resolves version ranges with.
//!
//! The version is lowercased, then split into items: numbers and
//! qualifiers, separated by `.`, or by `-` (which opens a sub-list), and at
//! every transition between digits and non-digits (which also opens a
//! sub-list; a qualifier followed by a digit after a `.` is treated like
//! `-qualifier`). `a1`, `b1`, `m1` (a one-letter qualifier followed by a
//! digit) read as `alpha-1`, `beta-1`, `milestone-1`; `ga`, `final`,
//! `release` read as the empty qualifier and `cr` as `rc`. Each list then
//! drops its trailing "null" items (0, the empty qualifier, empty lists),
//! looking past non-null sub-lists (so `1.0-1` is `1-1`).
//!
//! Order, item by item, a missing item being compared as "null":
//! qualifiers `alpha` < `beta` < `milestone` < `rc` < `snapshot` < `""` <
//! `sp` < any other qualifier (those lexically); numbers above qualifiers
//! and sub-lists, by value; sub-lists above qualifiers, below numbers;
//! versus null a number is above unless 0, a qualifier above or below as it
//! is above or below `""`, a list as its first item that is not equal to
//! null. Numbers of any length compare exactly, with maven-artifact's
//! quirk kept: a number is an `int` (up to 9 digits), a `long` (up to 18) or
//! a `BigInteger`, and a smaller kind is always below a larger one, where a
//! run of only zeros keeps its length (`1.0000000000.1` > `1.5`).
//!
//! Differences: the empty string is invalid here (Maven reads it as the
//! empty version), and so is a version longer than 1024 bytes (item lists
//! nest once per digit-letter transition); only ASCII digits are digits (Java's `Character.isDigit`
//! takes any Unicode decimal digit); other qualifiers compare in UTF-8 byte
//! order (Java's `String.compareTo` uses UTF-16 units: the two differ only
//! between characters above U+FFFF and U+E000–U+FFFF). Maven 4's
//! `ComparableVersion` (with its combination items) orders some
//! letter-digit mixes differently and is not this.

use std::cmp::Ordering;

use crate::{cmp_digits, strip_zeros, CmpResult, Side};

/// A qualifier, by its rank (`alpha` 0 … `""` 5, `sp` 6) or, for the
/// others, by its text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Qualifier {
    Known(u8),
    Other(String),
}

const RELEASE: u8 = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    /// `kind`: 0 int, 1 long, 2 BigInteger; `digits` without leading zeros
    /// (a run of zeros is kept whole).
    Number {
        kind: u8,
        digits: String,
    },
    Qualifier(Qualifier),
    List(Vec<Item>),
}

impl Item {
    fn zero() -> Item {
        Item::Number {
            kind: 0,
            digits: "0".to_owned(),
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Item::Number { digits, .. } => strip_zeros(digits.as_bytes()).is_empty(),
            Item::Qualifier(q) => *q == Qualifier::Known(RELEASE),
            Item::List(l) => l.is_empty(),
        }
    }
}

fn number(buf: &str) -> Item {
    let stripped = match buf.find(|c| c != '0') {
        Some(i) => &buf[i..],
        None if buf.is_empty() => "0",
        None => buf,
    };
    let kind = match stripped.len() {
        0..=9 => 0,
        10..=18 => 1,
        _ => 2,
    };
    Item::Number {
        kind,
        digits: stripped.to_owned(),
    }
}

fn qualifier(buf: &str, followed_by_digit: bool) -> Item {
    let name = match buf {
        "a" if followed_by_digit => "alpha",
        "b" if followed_by_digit => "beta",
        "m" if followed_by_digit => "milestone",
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    let q = match name {
        "alpha" => Qualifier::Known(0),
        "beta" => Qualifier::Known(1),
        "milestone" => Qualifier::Known(2),
        "rc" => Qualifier::Known(3),
        "snapshot" => Qualifier::Known(4),
        "" => Qualifier::Known(RELEASE),
        "sp" => Qualifier::Known(6),
        other => Qualifier::Other(other.to_owned()),
    };
    Item::Qualifier(q)
}

fn item(is_digit: bool, buf: &str) -> Item {
    if is_digit {
        number(buf)
    } else {
        qualifier(buf, false)
    }
}

/// Drops trailing null items, looking past non-null sub-lists.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// The item list of a version, as `ComparableVersion.parseVersion` builds
/// it. The current list only ever moves to a new last sub-list, so the
/// lists form a chain: `levels[k + 1]` is the last item of `levels[k]`.
fn items(version: &str) -> Vec<Item> {
    let v = version.to_lowercase();
    let b = v.as_bytes();
    let mut levels: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    fn current(levels: &mut Vec<Vec<Item>>) -> &mut Vec<Item> {
        if levels.is_empty() {
            levels.push(Vec::new());
        }
        let last = levels.len() - 1;
        &mut levels[last]
    }
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'.' | b'-' => {
                let it = if i == start {
                    Item::zero()
                } else {
                    item(is_digit, &v[start..i])
                };
                current(&mut levels).push(it);
                start = i + 1;
                if c == b'-' {
                    levels.push(Vec::new());
                }
            }
            b'0'..=b'9' => {
                if !is_digit && i > start {
                    // "1.0.0.X1" is treated as "1.0.0-X1".
                    if !current(&mut levels).is_empty() {
                        levels.push(Vec::new());
                    }
                    current(&mut levels).push(qualifier(&v[start..i], true));
                    start = i;
                    levels.push(Vec::new());
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    current(&mut levels).push(number(&v[start..i]));
                    start = i;
                    levels.push(Vec::new());
                }
                is_digit = false;
            }
        }
    }
    if b.len() > start {
        if !is_digit && !current(&mut levels).is_empty() {
            levels.push(Vec::new());
        }
        let it = item(is_digit, &v[start..]);
        current(&mut levels).push(it);
    }
    let mut child: Option<Vec<Item>> = None;
    while let Some(mut level) = levels.pop() {
        if let Some(c) = child.take() {
            level.push(Item::List(c));
        }
        normalize(&mut level);
        child = Some(level);
    }
    child.unwrap_or_default()
}

fn cmp_qualifier(a: &Qualifier, b: &Qualifier) -> Ordering {
    match (a, b) {
        (Qualifier::Known(x), Qualifier::Known(y)) => x.cmp(y),
        (Qualifier::Known(_), Qualifier::Other(_)) => Ordering::Less,
        (Qualifier::Other(_), Qualifier::Known(_)) => Ordering::Greater,
        (Qualifier::Other(x), Qualifier::Other(y)) => x.cmp(y),
    }
}

/// `Item.compareTo`, `None` standing for Java's `null`.
fn cmp_item(a: &Item, b: Option<&Item>) -> Ordering {
    match (a, b) {
        (Item::Number { digits, .. }, None) => {
            if strip_zeros(digits.as_bytes()).is_empty() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        (
            Item::Number { kind, digits },
            Some(Item::Number {
                kind: k2,
                digits: d2,
            }),
        ) => kind
            .cmp(k2)
            .then_with(|| cmp_digits(digits.as_bytes(), d2.as_bytes())),
        (Item::Number { .. }, Some(_)) => Ordering::Greater,
        (Item::Qualifier(q), None) => cmp_qualifier(q, &Qualifier::Known(RELEASE)),
        (Item::Qualifier(_), Some(Item::Number { .. } | Item::List(_))) => Ordering::Less,
        (Item::Qualifier(q), Some(Item::Qualifier(r))) => cmp_qualifier(q, r),
        (Item::List(l), None) => l
            .iter()
            .map(|i| cmp_item(i, None))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal),
        (Item::List(_), Some(Item::Number { .. })) => Ordering::Less,
        (Item::List(_), Some(Item::Qualifier(_))) => Ordering::Greater,
        (Item::List(l), Some(Item::List(r))) => cmp_lists(l, r),
    }
}

fn cmp_lists(l: &[Item], r: &[Item]) -> Ordering {
    for k in 0..l.len().max(r.len()) {
        let o = match (l.get(k), r.get(k)) {
            (Some(x), y) => cmp_item(x, y),
            (None, Some(y)) => cmp_item(y, None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// The canonical form, as `ComparableVersion.getCanonical()` prints it.
pub fn canonical(version: &str) -> String {
    fn write(list: &[Item], out: &mut String) {
        for (i, it) in list.iter().enumerate() {
            if i > 0 {
                out.push(if matches!(it, Item::List(_)) {
                    '-'
                } else {
                    '.'
                });
            }
            match it {
                Item::Number { digits, .. } => out.push_str(digits),
                Item::Qualifier(Qualifier::Known(k)) => out.push_str(
                    ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"][usize::from(*k)],
                ),
                Item::Qualifier(Qualifier::Other(s)) => out.push_str(s),
                Item::List(l) => write(l, out),
            }
        }
    }
    let mut out = String::new();
    write(&items(version), &mut out);
    out
}

/// Longer versions are refused: items nest once per digit-letter
/// transition, and comparing nests as deep.
const MAX_LEN: usize = 1024;

fn check(v: &str) -> Result<(), &'static str> {
    if v.is_empty() {
        Err("empty version")
    } else if v.len() > MAX_LEN {
        Err("longer than 1024 bytes")
    } else {
        Ok(())
    }
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    check(a).map_err(|r| (Side::A, r))?;
    check(b).map_err(|r| (Side::B, r))?;
    Ok(cmp_lists(&items(a), &items(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        // ComparableVersionTest.testCanonical-style expectations (maven-3.9.9).
        for (v, c) in [
            ("1", "1"),
            ("1.0", "1"),
            ("1.0.0", "1"),
            ("1-1", "1-1"),
            ("1.0-1", "1-1"),
            ("1-0.1", "1-0.1"),
            ("1.0.1-snapshot", "1.0.1-snapshot"),
            ("1-final", "1"),
            ("1.0a1", "1-alpha-1"),
            ("1.0.0.RC1", "1-rc-1"),
            ("1-ga-1", "1-1"),
        ] {
            assert_eq!(canonical(v), c, "{v}");
        }
    }

    #[test]
    fn number_kinds() {
        assert_eq!(compare("1.0000000000.1", "1.5"), Ok(Ordering::Greater));
        assert_eq!(
            compare("1.12345678901234567890", "1.12345678901234567891"),
            Ok(Ordering::Less)
        );
        assert_eq!(compare("1.999999999", "1.1000000000"), Ok(Ordering::Less));
    }
}
