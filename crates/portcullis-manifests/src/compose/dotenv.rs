//! The project's `.env`, read as compose-go's dotenv parser reads it:
//! `KEY=value` (or `KEY: value`), `export KEY=value`, `#` comments (inline
//! ones after a space on unquoted values), single quotes literal, double
//! quotes with `\n`-style escapes, unquoted and double-quoted values
//! interpolated from the environment and the keys above, and a bare `KEY`
//! taking the environment's value when there is one.

use std::collections::BTreeMap;

use super::interpolate::{interpolate, Error as InterpolationError};

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Error {
    pub line: u32,
    pub message: String,
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

pub(crate) fn parse(
    text: &str,
    environment: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Error> {
    let mut out = BTreeMap::new();
    let mut line: u32 = 1;
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        // Skip blank space and comment lines.
        loop {
            let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace());
            line += count_lines(&rest[..rest.len() - trimmed.len()]);
            rest = trimmed;
            if let Some(comment) = rest.strip_prefix('#') {
                match comment.find('\n') {
                    Some(n) => rest = &comment[n..],
                    None => rest = "",
                }
                continue;
            }
            break;
        }
        if rest.is_empty() {
            return Ok(out);
        }
        if let Some(after) = rest.strip_prefix("export") {
            if after.starts_with(is_space) {
                rest = after.trim_start_matches(is_space);
            }
        }
        let mut key_end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '=' | ':' | '\n' => {
                    key_end = Some((i, c));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if is_space(c) || c.is_alphanumeric() => {}
                c => {
                    let first = rest.lines().next().unwrap_or_default();
                    return Err(Error {
                        line,
                        message: format!("unexpected character {c:?} in variable name {first:?}"),
                    });
                }
            }
        }
        let (end, sep) = key_end.unwrap_or((rest.len(), '\n'));
        let key = rest[..end].trim_end();
        if key.contains(' ') {
            return Err(Error {
                line,
                message: "a key cannot contain a space".into(),
            });
        }
        rest = rest.get(end + sep.len_utf8()..).unwrap_or("");
        if sep == '\n' {
            // A bare name: the environment's value, when there is one.
            line += 1;
            if let Some(v) = environment.get(key) {
                out.insert(key.to_owned(), v.clone());
            }
            continue;
        }
        rest = rest.trim_start_matches(is_space);
        let lookup = |name: &str| environment.get(name).or_else(|| out.get(name)).cloned();
        let value;
        match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let body = &rest[1..];
                let mut chars = String::new();
                let mut escaped = false;
                let mut close = None;
                for (i, c) in body.char_indices() {
                    if c == quote && !escaped {
                        close = Some(i);
                        break;
                    }
                    if c == '\n' {
                        line += 1;
                    }
                    if c == '\\' && !escaped {
                        escaped = true;
                        continue;
                    }
                    if escaped && c != quote {
                        chars.push('\\');
                    }
                    escaped = false;
                    chars.push(c);
                }
                let Some(close) = close else {
                    return Err(Error {
                        line,
                        message: format!(
                            "unterminated quoted value {}",
                            rest.lines().next().unwrap_or_default()
                        ),
                    });
                };
                value = if quote == '"' {
                    expand(&unescape(&chars), &lookup, line)?
                } else {
                    chars
                };
                rest = &body[close + 1..];
            }
            _ => {
                let (raw, after) = rest.split_once('\n').unwrap_or((rest, ""));
                line += 1;
                let raw = raw.split(" #").next().unwrap_or_default().trim_end();
                value = expand(raw, &lookup, line - 1)?;
                rest = after;
            }
        }
        out.insert(key.to_owned(), value);
    }
}

fn count_lines(s: &str) -> u32 {
    u32::try_from(s.matches('\n').count()).unwrap_or(u32::MAX)
}

/// `\n`, `\t`, `\"`, `\\`… as shell escapes; `\$` stays a literal dollar.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(n @ ('a' | 'b' | 'c' | 'f' | 'n' | 'r' | 't' | 'v' | '"' | '\\' | '$')) => {
                chars.next();
                out.push_str(match n {
                    'a' => "\u{7}",
                    'b' => "\u{8}",
                    'f' => "\u{c}",
                    'n' => "\n",
                    'r' => "\r",
                    't' => "\t",
                    'v' => "\u{b}",
                    '"' => "\"",
                    '\\' => "\\",
                    '$' => "$$",
                    // `\c` is in compose-go's pattern but no Go escape: kept.
                    _ => "\\c",
                });
            }
            _ => out.push('\\'),
        }
    }
    out
}

fn expand(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    line: u32,
) -> Result<String, Error> {
    let mut unset = Vec::new();
    interpolate(value, lookup, &mut unset).map_err(|e| Error {
        line,
        message: match e {
            InterpolationError::Required { name, reason, .. } => required_message(&name, &reason),
            InterpolationError::Invalid { .. } => format!("invalid interpolation in {value:?}"),
            InterpolationError::TooDeep { .. } => "interpolation nested too deep".into(),
        },
    })
}

pub(crate) fn required_message(name: &str, reason: &str) -> String {
    if reason.is_empty() {
        format!("required variable {name} is missing a value")
    } else {
        format!("required variable {name} is missing a value: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> BTreeMap<String, String> {
        [
            ("HOME".to_owned(), "/root".to_owned()),
            ("FROM_ENV".to_owned(), "e".to_owned()),
        ]
        .into()
    }

    #[test]
    fn syntax_of_compose_go() {
        let text = "# comment\n\nA=1\nexport B = two words # inline\nC='single $A # kept'\nD=\"dq\\n$A\\$x\"\nE: yaml\nF=${A}-${MISSING:-d}\nFROM_ENV\nNOT_IN_ENV\nG=\"multi\nline\"\nH=a#b\n";
        let got = parse(text, &env()).expect("parses");
        let want: BTreeMap<String, String> = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "single $A # kept"),
            ("D", "dq\n1$x"),
            ("E", "yaml"),
            ("F", "1-d"),
            ("FROM_ENV", "e"),
            ("G", "multi\nline"),
            ("H", "a#b"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse("A=1\n\nB C=2\n", &env()),
            Err(Error {
                line: 3,
                message: "a key cannot contain a space".into()
            })
        );
        assert_eq!(parse("A=1\nB=\"open\n", &env()).map_err(|e| e.line), Err(3));
        assert_eq!(parse("A=1\nK$Y=1\n", &env()).map_err(|e| e.line), Err(2));
        assert_eq!(
            parse("P=${PASS:?needed}\n", &env()),
            Err(Error {
                line: 1,
                message: "required variable PASS is missing a value: needed".into()
            })
        );
    }
}
