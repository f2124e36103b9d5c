//! `metadata.yaml` of an LXD image, read with a small parser for the subset
//! of YAML LXD writes: `key: scalar` lines, nested block mappings by
//! indentation, block sequences (`- item`), quoted scalars and comments.
//! That is all LXD and distrobuilder produce; anchors, flow collections and
//! multi-line scalars are refused or ignored where they cannot matter (a
//! full YAML parser such as serde_yaml, unmaintained since 2024, is a large
//! dependency for five fields).

use std::collections::{BTreeMap, HashSet};

/// Architectures LXD knows (its own names and the Debian/OCI aliases it accepts).
const ARCHITECTURES: &[&str] = &[
    "x86_64",
    "i686",
    "aarch64",
    "armv6l",
    "armv7l",
    "armv8l",
    "ppc",
    "ppc64",
    "ppc64le",
    "s390x",
    "mips",
    "mips64",
    "riscv32",
    "riscv64",
    "loongarch64",
    "amd64",
    "i386",
    "arm64",
    "armel",
    "armhf",
    "powerpc",
    "s390",
    "mipsel",
    "mips64el",
];

/// What the report shows of an LXD image's metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub architecture: String,
    /// Seconds since the Unix epoch.
    pub creation_date: i64,
    pub expiry_date: Option<i64>,
    /// `properties`: os, release, description, variant… as given.
    pub properties: BTreeMap<String, String>,
}

impl Metadata {
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(String::as_str)
    }
}

/// A value of the subset: a scalar or a mapping (sequences are kept as
/// their item count only; nothing here needs their items).
#[derive(Debug, PartialEq, Eq)]
enum Value {
    Scalar(String),
    Map(Vec<(String, Value)>),
    Seq(usize),
}

struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

/// `text` quoted for a message: at most 80 characters, escaped, `…` when cut.
fn quoted(text: &str) -> String {
    let head: String = text.chars().take(80).collect();
    if head.len() < text.len() {
        format!("{head:?}…")
    } else {
        format!("{head:?}")
    }
}

/// Strip a comment (`#` at the start or after a space, outside quotes).
fn uncomment(text: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if prev == ' ' || prev == ':' => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev == ' ' || i == 0 => return text[..i].trim_end(),
            _ => {}
        }
        prev = c;
    }
    text.trim_end()
}

fn scalar(raw: &str, line: usize) -> Result<String, String> {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('"') {
        let inner = inner
            .strip_suffix('"')
            .ok_or_else(|| format!("line {line}: unterminated double-quoted string"))?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(c @ ('"' | '\\' | '/')) => out.push(c),
                other => {
                    return Err(format!(
                        "line {line}: unsupported escape \\{}",
                        other.map(String::from).unwrap_or_default()
                    ))
                }
            }
        }
        return Ok(out);
    }
    if let Some(inner) = raw.strip_prefix('\'') {
        let inner = inner
            .strip_suffix('\'')
            .ok_or_else(|| format!("line {line}: unterminated single-quoted string"))?;
        return Ok(inner.replace("''", "'"));
    }
    if raw.starts_with(['&', '*', '!', '{', '[', '|', '>']) {
        return Err(format!(
            "line {line}: unsupported YAML ({}: anchors, tags, flow and block scalars are not read)",
            quoted(raw)
        ));
    }
    Ok(raw.to_owned())
}

/// Parse the block at `lines[*at..]` whose lines are indented exactly `indent`.
fn block(lines: &[Line<'_>], at: &mut usize, indent: usize, depth: usize) -> Result<Value, String> {
    if depth > 32 {
        return Err("nested more than 32 deep".into());
    }
    let first = &lines[*at];
    if first.text.starts_with("- ") || first.text == "-" {
        let mut count = 0;
        while let Some(l) = lines.get(*at).filter(|l| l.indent == indent) {
            if !(l.text.starts_with("- ") || l.text == "-") {
                break; // the next key of a mapping whose sequence sat at its indentation
            }
            count += 1;
            *at += 1;
            // Nested content of the item: skipped.
            while lines.get(*at).is_some_and(|l| l.indent > indent) {
                *at += 1;
            }
        }
        return Ok(Value::Seq(count));
    }
    let mut map: Vec<(String, Value)> = Vec::new();
    // The keys so far, so that a mapping of many keys is read in linear time.
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(l) = lines.get(*at) {
        if l.indent < indent {
            break;
        }
        if l.indent > indent {
            return Err(format!("line {}: unexpected indentation", l.number));
        }
        let (key, rest) =
            split_key(l.text).ok_or_else(|| format!("line {}: expected `key: value`", l.number))?;
        let key = scalar(key, l.number)?;
        if !seen.insert(key.clone()) {
            return Err(format!("line {}: duplicate key {}", l.number, quoted(&key)));
        }
        *at += 1;
        let value = if rest.is_empty() {
            match lines.get(*at) {
                // A sequence may sit at the key's own indentation.
                Some(n)
                    if n.indent > indent
                        || (n.indent == indent && (n.text.starts_with("- ") || n.text == "-")) =>
                {
                    let child = n.indent;
                    block(lines, at, child, depth + 1)?
                }
                _ => Value::Scalar(String::new()),
            }
        } else if rest == "{}" {
            Value::Map(Vec::new())
        } else if rest.starts_with('[') && rest.ends_with(']') {
            // A flow sequence (`[create, copy]`): only its presence matters here.
            Value::Seq(rest.split(',').count())
        } else {
            Value::Scalar(scalar(rest, l.number)?)
        };
        map.push((key, value));
    }
    Ok(Value::Map(map))
}

/// `key: rest` (the key may be quoted); `None` when the line is not that.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = if let Some(q @ ('"' | '\'')) = text.chars().next() {
        text[1..].find(q)? + 2
    } else {
        0
    };
    let colon = end
        + text[end..]
            .find(": ")
            .or_else(|| text[end..].strip_suffix(':').map(|s| s.len()))?;
    let rest = text.get(colon + 1..).unwrap_or("").trim();
    Some((&text[..colon], rest))
}

fn parse_yaml(text: &str) -> Result<Value, String> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        // YAML forbids tabs in indentation; the text after it may hold them.
        if raw[..raw.len() - raw.trim_start().len()].contains('\t') {
            return Err(format!("line {}: tab indentation", i + 1));
        }
        let body = uncomment(raw);
        let text = body.trim_start();
        if text.is_empty() || text == "---" {
            continue;
        }
        if text == "..." {
            break;
        }
        lines.push(Line {
            number: i + 1,
            indent: body.len() - text.len(),
            text,
        });
    }
    if lines.is_empty() {
        return Ok(Value::Map(Vec::new()));
    }
    let mut at = 0;
    let indent = lines[0].indent;
    let value = block(&lines, &mut at, indent, 0)?;
    if let Some(l) = lines.get(at) {
        return Err(format!("line {}: unexpected indentation", l.number));
    }
    Ok(value)
}

fn date(value: Option<&Value>, key: &str, required: bool) -> Result<Option<i64>, String> {
    match value {
        None if required => Err(format!("{key} is missing")),
        None => Ok(None),
        Some(Value::Scalar(s)) => match s.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Some(n)),
            _ => Err(format!(
                "{key} is {}, not a date (seconds since 1970-01-01 UTC)",
                quoted(s)
            )),
        },
        Some(_) => Err(format!(
            "{key} is not a date (seconds since 1970-01-01 UTC)"
        )),
    }
}

/// Parse and validate `metadata.yaml`.
pub fn parse(bytes: &[u8]) -> Result<Metadata, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let Value::Map(top) = parse_yaml(text)? else {
        return Err("not a mapping".into());
    };
    let get = |k: &str| top.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    let architecture = match get("architecture") {
        Some(Value::Scalar(a)) if ARCHITECTURES.contains(&a.as_str()) => a.clone(),
        Some(Value::Scalar(a)) if a.is_empty() => return Err("architecture is empty".into()),
        Some(Value::Scalar(a)) => {
            return Err(format!("architecture {} is not one LXD knows", quoted(a)))
        }
        Some(_) => return Err("architecture is not a name".into()),
        None => return Err("architecture is missing".into()),
    };
    let creation_date = date(get("creation_date"), "creation_date", true)?.unwrap_or(0);
    let expiry_date = date(get("expiry_date"), "expiry_date", false)?;
    let mut properties = BTreeMap::new();
    match get("properties") {
        None => {}
        Some(Value::Map(items)) => {
            for (k, v) in items {
                match v {
                    Value::Scalar(s) => {
                        properties.insert(k.clone(), s.clone());
                    }
                    _ if ["os", "release", "description", "architecture"].contains(&k.as_str()) => {
                        return Err(format!("properties.{k} is not text"));
                    }
                    _ => {}
                }
            }
        }
        Some(Value::Scalar(s)) if s.is_empty() => {}
        Some(_) => return Err("properties is not a mapping".into()),
    }
    Ok(Metadata {
        architecture,
        creation_date,
        expiry_date,
        properties,
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_lxd_and_distrobuilder_write() {
        let text = "architecture: x86_64\ncreation_date: 1700000000\nexpiry_date: 1702592000\nproperties:\n  architecture: amd64\n  description: \"Debian bookworm amd64 (20231114_05:24)\"\n  os: Debian\n  release: bookworm\n  variant: default # a comment\ntemplates:\n  /etc/hostname:\n    when:\n    - create\n    - copy\n    create_only: false\n    template: hostname.tpl\n    properties: {}\n";
        let m = parse(text.as_bytes()).expect("metadata");
        assert_eq!(m.architecture, "x86_64");
        assert_eq!(m.creation_date, 1_700_000_000);
        assert_eq!(m.expiry_date, Some(1_702_592_000));
        assert_eq!(m.property("os"), Some("Debian"));
        assert_eq!(m.property("release"), Some("bookworm"));
        assert_eq!(
            m.property("description"),
            Some("Debian bookworm amd64 (20231114_05:24)")
        );
        assert_eq!(m.property("variant"), Some("default"));
        assert_eq!(rfc3339(m.creation_date), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn invalid_metadata_is_named() {
        let cases = [
            ("creation_date: 1\n", "architecture is missing"),
            ("architecture: vax\ncreation_date: 1\n", "architecture \"vax\" is not one LXD knows"),
            ("architecture: x86_64\n", "creation_date is missing"),
            (
                "architecture: x86_64\ncreation_date: yesterday\n",
                "creation_date is \"yesterday\", not a date (seconds since 1970-01-01 UTC)",
            ),
            (
                "architecture: x86_64\ncreation_date: 1\nproperties: debian\n",
                "properties is not a mapping",
            ),
            (
                "architecture: x86_64\ncreation_date: 1\nproperties:\n  os:\n    - a\n",
                "properties.os is not text",
            ),
            ("architecture: x86_64\n  creation_date: 1\n", "line 2: unexpected indentation"),
            ("architecture: &a x86_64\n", "line 1: unsupported YAML (\"&a x86_64\": anchors, tags, flow and block scalars are not read)"),
            ("architecture: x86_64\narchitecture: i686\n", "line 2: duplicate key \"architecture\""),
            ("just text\n", "line 1: expected `key: value`"),
            ("architecture: x86_64\nproperties:\n\tos: debian\n", "line 3: tab indentation"),
            ("architecture: x86_64\nproperties:\n \tos: debian\n", "line 3: tab indentation"),
        ];
        for (text, err) in cases {
            assert_eq!(parse(text.as_bytes()).expect_err(text), err, "{text}");
        }
        assert_eq!(parse(&[0xff]).expect_err("bytes"), "not UTF-8 text");
        // A tab after the indentation is text.
        let m = parse(b"architecture: x86_64\ncreation_date: 1\nproperties:\n  os: a\tb\n")
            .expect("tab in a value");
        assert_eq!(m.property("os"), Some("a\tb"));
        let long = format!("architecture: {}\n", "v".repeat(100_000));
        assert_eq!(
            parse(long.as_bytes()).expect_err("long"),
            format!("architecture \"{}\"… is not one LXD knows", "v".repeat(80))
        );
    }

    #[test]
    fn a_mapping_of_many_unique_keys_is_read_in_linear_time() {
        // 1 MiB of unique keys took over a minute when each key was compared
        // with every earlier one.
        let mut text = String::from("architecture: x86_64\ncreation_date: 1\nproperties:\n");
        let mut n = 0;
        while text.len() < 1 << 20 {
            text.push_str(&format!("  k{n}: v\n"));
            n += 1;
        }
        text.push_str("  k7: again\n");
        assert_eq!(
            parse(text.as_bytes()).expect_err("duplicate"),
            format!("line {}: duplicate key \"k7\"", n + 4)
        );
        let unique = text
            .rsplit_once("  k7: again\n")
            .map_or("", |(head, _)| head);
        let m = parse(unique.as_bytes()).expect("unique keys");
        assert_eq!(m.properties.len(), n);
    }
}
