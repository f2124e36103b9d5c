//! The two text formats of Java archives' package metadata.
//!
//! - `META-INF/MANIFEST.MF` (the JAR File Specification, "JAR Manifest"):
//!   `Name: value` lines ending in CR LF, LF or CR; a line that starts with
//!   one space continues the previous one (writers wrap at 72 bytes); the
//!   main section ends at the first empty line. Only the main section is
//!   read. Attribute names are case-insensitive.
//! - `pom.properties` (`java.util.Properties` text, as Maven's archiver
//!   writes it): `key=value`, `key: value` or `key value`; `#` and `!`
//!   comments; a line ending in an odd number of backslashes continues on
//!   the next, whose leading white space is dropped; `\t \n \r \f \uXXXX`
//!   escapes, any other escaped character stands for itself.

/// The main section's attributes, in order, names as written.
pub fn manifest(text: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(text);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines(&text) {
        if line.is_empty() {
            break;
        }
        if let Some(more) = line.strip_prefix(' ') {
            if let Some(last) = out.last_mut() {
                last.1.push_str(more);
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.strip_prefix(' ').unwrap_or(value);
            out.push((name.trim().to_owned(), value.to_owned()));
        }
    }
    out
}

/// The value of attribute `name` (case-insensitive), trimmed, if not empty.
pub fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Lines ending in CR LF, LF or CR.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or("");
        let mut next = end;
        if rest.get(end..).is_some_and(|r| r.starts_with("\r\n")) {
            next += 2;
        } else if end < rest.len() {
            next += 1;
        }
        rest = rest.get(next..).unwrap_or("");
        Some(line)
    })
}

/// Java properties: the key/value pairs, in order.
pub fn properties(text: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut continuing = false;
    for line in lines(&text) {
        let line = line.trim_start_matches([' ', '\t', '\x0c']);
        if !continuing && (line.is_empty() || line.starts_with('#') || line.starts_with('!')) {
            continue;
        }
        let trailing = line.bytes().rev().take_while(|&b| b == b'\\').count();
        if trailing % 2 == 1 {
            logical.push_str(line.get(..line.len() - 1).unwrap_or(""));
            continuing = true;
            continue;
        }
        logical.push_str(line);
        continuing = false;
        out.push(split_property(&logical));
        logical.clear();
    }
    if continuing {
        out.push(split_property(&logical));
    }
    out
}

fn split_property(line: &str) -> (String, String) {
    // The key ends at the first unescaped `=`, `:` or white space.
    let mut key = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(e) = chars.next() {
                    unescape(e, &mut chars, &mut key);
                }
            }
            '=' | ':' => break,
            ' ' | '\t' | '\x0c' => {
                while chars
                    .next_if(|c| matches!(c, ' ' | '\t' | '\x0c'))
                    .is_some()
                {}
                let _ = chars.next_if(|c| matches!(c, '=' | ':'));
                break;
            }
            c => key.push(c),
        }
    }
    while chars
        .next_if(|c| matches!(c, ' ' | '\t' | '\x0c'))
        .is_some()
    {}
    let mut value = String::new();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(e) = chars.next() {
                unescape(e, &mut chars, &mut value);
            }
        } else {
            value.push(c);
        }
    }
    (key, value)
}

fn unescape(e: char, chars: &mut std::iter::Peekable<std::str::Chars>, out: &mut String) {
    match e {
        't' => out.push('\t'),
        'n' => out.push('\n'),
        'r' => out.push('\r'),
        'f' => out.push('\x0c'),
        'u' => {
            let mut code = 0u32;
            let mut n = 0;
            while n < 4 {
                match chars.next_if(char::is_ascii_hexdigit) {
                    Some(h) => code = code * 16 + h.to_digit(16).unwrap_or(0),
                    None => break,
                }
                n += 1;
            }
            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_continuations_and_sections() {
        let m = manifest(
            b"Manifest-Version: 1.0\r\nImplementation-Title: a very long tit\r\n le that wraps\r\nBundle-Version:3.1\r\n\r\nName: x/y\r\nImplementation-Version: 9\r\n",
        );
        assert_eq!(
            get(&m, "implementation-title"),
            Some("a very long title that wraps")
        );
        assert_eq!(get(&m, "Bundle-Version"), Some("3.1"));
        assert_eq!(get(&m, "Implementation-Version"), None);
    }

    #[test]
    fn properties_as_java_reads_them() {
        let p = properties(
            b"#Generated by Maven\n! bang\n  groupId = org.ex\\\n    ample\nartifactId:a\\u0062c\nversion 1.0\\=x\nkey\\ with\\ space=v\n",
        );
        assert_eq!(
            p,
            vec![
                ("groupId".into(), "org.example".into()),
                ("artifactId".into(), "abc".into()),
                ("version".into(), "1.0=x".into()),
                ("key with space".into(), "v".into()),
            ]
        );
    }
}
