//! Debian control-file syntax (deb822): paragraphs of `Name: value`
//! fields separated by blank lines, a field's value continued on lines
//! that start with a space or a tab (Debian Policy §5.1). Only each
//! field's first line is kept: every field the catalogers read (`Package`,
//! `Version`, `Status`, `Source`, a copyright file's `Format`, `Files`
//! and the `License` short name) is single-line or has its meaning on the
//! first line.

/// One paragraph: its fields' names and first lines, borrowed from the text.
#[derive(Debug, Default)]
pub(crate) struct Paragraph<'a> {
    pub(crate) fields: Vec<(&'a str, &'a str)>,
    /// The paragraph's first line, 1-based (for notes).
    pub(crate) line: usize,
}

impl<'a> Paragraph<'a> {
    /// The first field of that name (field names are case-insensitive).
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, v)| v)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// The paragraphs of `text`, in order. Lines may end in CRLF; a line of
/// only spaces and tabs separates paragraphs (Policy allows parsers to
/// accept it); a line with no `:` outside a continuation is ignored, and
/// so are `#` comment lines. Work is linear in the text.
pub(crate) fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut cur = Paragraph::default();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut number = 0;
    // Lines found by memchr, tested byte by byte: most lines of a dpkg
    // status are continuations (descriptions), skipped at their first byte.
    // Every cut is at an ASCII byte, so the slices stay valid UTF-8.
    while start <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        number += 1;
        let line = &text[start..end];
        start = end + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line.as_bytes().first() {
            Some(b' ' | b'\t') => {
                if line.bytes().all(|b| b == b' ' || b == b'\t') && !cur.fields.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                // Otherwise a continuation line: nothing kept.
                continue;
            }
            None => {
                if !cur.fields.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            }
            Some(b'#') => continue,
            Some(_) => {}
        }
        let Some(colon) = memchr::memchr(b':', line.as_bytes()) else {
            continue;
        };
        if cur.fields.is_empty() {
            cur.line = number;
        }
        cur.fields
            .push((line[..colon].trim(), line[colon + 1..].trim()));
    }
    if !cur.fields.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_continuations_crlf_and_separators() {
        let text = "Package: a\r\nDescription: x\r\n more\r\n .\r\nVersion: 1\r\n \t \r\n\r\nPackage: b\nnot a field\n#c: d\nversion: 2";
        let ps = paragraphs(text);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].get("package"), Some("a"));
        assert_eq!(ps[0].get("Version"), Some("1"));
        assert_eq!(ps[0].fields.len(), 3);
        assert_eq!(ps[0].line, 1);
        assert_eq!(ps[1].get("Version"), Some("2"));
        assert_eq!(ps[1].line, 8);
        assert!(!ps[1].has("#c"));
    }
}
