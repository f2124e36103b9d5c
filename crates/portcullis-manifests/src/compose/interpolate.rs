//! `${VAR}` interpolation as the Compose specification (12-interpolation.md)
//! and compose-go define it: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
//! `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`, nested in defaults,
//! `$$` for a literal `$`. A `$` that starts no valid name is kept as is.

/// Defaults nest; past this depth the text is refused rather than recursed.
const MAX_NESTING: usize = 64;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Error {
    /// `${VAR:?reason}` / `${VAR?reason}` with the variable missing.
    Required {
        name: String,
        reason: String,
        offset: usize,
    },
    /// `${` that is not a valid substitution.
    Invalid {
        offset: usize,
    },
    TooDeep {
        offset: usize,
    },
}

/// What an interpolation found besides its result: variables that were not
/// set and had no default (compose warns and uses an empty string), each
/// with the byte offset of its `$` in the text.
pub(crate) type Unset = Vec<(usize, String)>;

pub(crate) fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Unset,
) -> Result<String, Error> {
    substitute(text, 0, lookup, unset, 0)
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

fn substitute(
    text: &str,
    base: usize,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Unset,
    depth: usize,
) -> Result<String, Error> {
    if depth > MAX_NESTING {
        return Err(Error::TooDeep { offset: base });
    }
    if !text.contains('$') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut literal_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        out.push_str(&text[literal_from..i]);
        let dollar = i;
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(&b) if is_name_start(b) => {
                let mut end = i + 2;
                while end < bytes.len() && is_name(bytes[end]) {
                    end += 1;
                }
                let name = &text[i + 1..end];
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => unset.push((base + dollar, name.to_owned())),
                }
                i = end;
            }
            Some(b'{') => {
                let close = closing_brace(bytes, i + 1).ok_or(Error::Invalid {
                    offset: base + dollar,
                })?;
                let inner = &text[i + 2..close];
                let inner_base = base + i + 2;
                out.push_str(&braced(
                    inner,
                    inner_base,
                    base + dollar,
                    lookup,
                    unset,
                    depth,
                )?);
                i = close + 1;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
        literal_from = i;
    }
    out.push_str(&text[literal_from..]);
    Ok(out)
}

/// The `}` that closes the `{` at `open`, counting nested braces.
fn closing_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn braced(
    inner: &str,
    inner_base: usize,
    dollar: usize,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Unset,
    depth: usize,
) -> Result<String, Error> {
    let bytes = inner.as_bytes();
    if !bytes.first().copied().is_some_and(is_name_start) {
        return Err(Error::Invalid { offset: dollar });
    }
    let mut end = 1;
    while end < bytes.len() && is_name(bytes[end]) {
        end += 1;
    }
    let name = &inner[..end];
    let rest = &inner[end..];
    let value = lookup(name);
    if rest.is_empty() {
        return Ok(value.unwrap_or_else(|| {
            unset.push((dollar, name.to_owned()));
            String::new()
        }));
    }
    let (colon, op) = match rest.as_bytes() {
        [b':', op @ (b'-' | b'?' | b'+'), ..] => (true, *op),
        [op @ (b'-' | b'?' | b'+'), ..] => (false, *op),
        _ => return Err(Error::Invalid { offset: dollar }),
    };
    let arg_at = if colon { 2 } else { 1 };
    let arg = &rest[arg_at..];
    let arg_base = inner_base + end + arg_at;
    // With the colon, an empty value counts as unset.
    let present = value.as_deref().is_some_and(|v| !colon || !v.is_empty());
    let eval = |unset: &mut Unset| substitute(arg, arg_base, lookup, unset, depth + 1);
    match op {
        b'-' if present => Ok(value.unwrap_or_default()),
        b'-' => eval(unset),
        b'+' if present => eval(unset),
        b'+' => Ok(value.unwrap_or_default()),
        _ if present => Ok(value.unwrap_or_default()),
        _ => Err(Error::Required {
            name: name.to_owned(),
            reason: eval(unset)?,
            offset: dollar,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn run(text: &str) -> (Result<String, Error>, Unset) {
        let env: BTreeMap<&str, &str> = [("A", "a"), ("EMPTY", ""), ("N", "5")].into();
        let lookup = move |k: &str| env.get(k).map(|v| (*v).to_owned());
        let mut unset = Vec::new();
        (interpolate(text, &lookup, &mut unset), unset)
    }

    fn ok(text: &str) -> String {
        run(text).0.expect("interpolates")
    }

    #[test]
    fn forms_of_the_specification() {
        assert_eq!(ok("x$A-${A}y"), "xa-ay");
        assert_eq!(
            ok("${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET:-d}"),
            "d  d d"
        );
        assert_eq!(
            ok("${A:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${UNSET+alt}"),
            "alt||alt|"
        );
        assert_eq!(ok("${UNSET:-${ALSO:-${N}}}/x"), "5/x");
        assert_eq!(ok("$$A $$ $5 $ a$"), "$A $ $5 $ a$");
        assert_eq!(ok("${A:?never}"), "a");
        assert_eq!(ok("${EMPTY?only-unset}"), "");
    }

    #[test]
    fn unset_variables_are_empty_and_reported_at_their_dollar() {
        let (v, unset) = run("img:${TAG}-$OTHER");
        assert_eq!(v, Ok("img:-".to_owned()));
        assert_eq!(unset, vec![(4, "TAG".to_owned()), (11, "OTHER".to_owned())]);
    }

    #[test]
    fn required_and_invalid_are_errors_at_their_dollar() {
        assert_eq!(
            run("ab ${PASS:?set PASS in .env ($A)}").0,
            Err(Error::Required {
                name: "PASS".into(),
                reason: "set PASS in .env (a)".into(),
                offset: 3
            })
        );
        assert_eq!(
            run("${EMPTY:?}").0,
            Err(Error::Required {
                name: "EMPTY".into(),
                reason: String::new(),
                offset: 0
            })
        );
        assert_eq!(run("x ${}").0, Err(Error::Invalid { offset: 2 }));
        assert_eq!(run("${A/x/y}").0, Err(Error::Invalid { offset: 0 }));
        assert_eq!(run("${A").0, Err(Error::Invalid { offset: 0 }));
        let deep = format!("{}x{}", "${U:-".repeat(100), "}".repeat(100));
        assert!(matches!(run(&deep).0, Err(Error::TooDeep { .. })));
    }
}
