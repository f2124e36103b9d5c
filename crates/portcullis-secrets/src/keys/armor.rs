//! PEM (RFC 7468, with RFC 1421 headers) and OpenPGP armor (RFC 4880 §6.2):
//! the BEGIN line, headers, the base64 body and its optional CRC-24, the
//! END line of the same label.
//!
//! Lines end in LF or CRLF; so do the escaped `\n` (or `\r\n`) of a key
//! pasted into a JSON or YAML string, and a key flattened onto one line
//! (its lines joined by spaces, as in an environment variable) is read
//! too. Whitespace around and inside body lines is skipped. Anything else
//! in the body (a `...`, a dash, a quote) ends the reading: not a key.
//!
//! Never more than [`MAX_PEM`] bytes of the text are looked at, and the
//! reading of one block stops at the first line that cannot belong to it,
//! so that a text of many BEGIN lines costs each of them about one line.

use base64::Engine as _;

use super::MAX_PEM;

pub(super) const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";
const MAX_LABEL: usize = 64;
const MAX_HEADERS: usize = 16;

/// One armored block, decoded.
#[derive(Debug)]
pub(super) struct Armor<'a> {
    pub label: &'a [u8],
    /// RFC 1421 / OpenPGP headers: name, value (folded lines joined).
    pub headers: Vec<(&'a [u8], Vec<u8>)>,
    /// The decoded body.
    pub body: Vec<u8>,
    /// Bytes of the text from `-----BEGIN` to the end of the END line,
    /// its line break included.
    pub len: usize,
}

impl Armor<'_> {
    pub fn header(&self, name: &[u8]) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// How lines are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    /// LF or CRLF.
    Newline,
    /// The two characters `\n` (or `\r\n`) of a string literal.
    Escaped,
    /// Runs of whitespace: a block flattened onto one line.
    Space,
}

/// The label of the BEGIN line at the start of `text`, and the offset just
/// past its closing dashes. RFC 7468 label characters: printable ASCII
/// but `-`, words joined by one space or hyphen.
pub(super) fn label(text: &[u8]) -> Option<(&[u8], usize)> {
    let after = text.strip_prefix(BEGIN)?;
    let mut i = 0;
    loop {
        if after.get(i..)?.starts_with(DASHES) {
            let label = after.get(..i)?;
            return Some((label, BEGIN.len() + i + DASHES.len()));
        }
        let b = *after.get(i)?;
        let joiner = b == b' ' || b == b'-';
        let ok = if joiner {
            // Not first, not doubled.
            i > 0 && after.get(i - 1).is_some_and(|&p| p != b' ' && p != b'-')
        } else {
            b.is_ascii_graphic()
        };
        if !ok || i >= MAX_LABEL {
            return None;
        }
        i += 1;
    }
}

/// The block at the start of `text` when its label passes `wanted` (read
/// before anything else), it ends with the END line of the same label
/// within [`MAX_PEM`] bytes, and its body is base64 (with, for `pgp`, a
/// correct CRC-24 when it has one).
pub(super) fn parse(text: &[u8], wanted: impl Fn(&[u8]) -> bool, pgp: bool) -> Option<Armor<'_>> {
    let text = text.get(..text.len().min(MAX_PEM))?;
    let (label, after_label) = label(text)?;
    if !wanted(label) {
        return None;
    }
    let mut pos = skip_blanks(text, after_label);
    let rest = text.get(pos..)?;
    let sep = if let Some(n) = line_break(rest, Sep::Newline) {
        pos += n;
        Sep::Newline
    } else if let Some(n) = line_break(rest, Sep::Escaped) {
        pos += n;
        Sep::Escaped
    } else if pos > after_label && rest.first().is_some_and(|&b| is_base64(b)) {
        Sep::Space
    } else {
        return None;
    };

    // Headers: `Name: value` lines (and their folded continuations) before
    // the body, then a blank line.
    let mut headers: Vec<(&[u8], Vec<u8>)> = Vec::new();
    if sep != Sep::Space {
        loop {
            let (line, next) = line_at(text, pos, sep)?;
            if line.windows(DASHES.len()).any(|w| w == DASHES) {
                break;
            }
            let folded = line.first().is_some_and(|&b| b == b' ' || b == b'\t');
            if let Some(colon) = line.iter().position(|&b| b == b':').filter(|_| !folded) {
                let name = line.get(..colon)?;
                if name.is_empty()
                    || !name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
                    || headers.len() >= MAX_HEADERS
                {
                    return None;
                }
                let value = line.get(colon + 1..)?.trim_ascii();
                headers.push((name, value.to_vec()));
            } else if folded && !line.trim_ascii().is_empty() && !headers.is_empty() {
                let last = headers.last_mut()?;
                last.1.push(b' ');
                last.1.extend_from_slice(line.trim_ascii());
            } else {
                break;
            }
            pos = next;
        }
    }

    // The body, up to the END line.
    let mut b64 = Vec::new();
    let mut crc: Option<&[u8]> = None;
    let end = loop {
        let start = skip_space(text, pos, sep);
        let rest = text.get(start..)?;
        if rest.starts_with(END) {
            break start;
        }
        let (line, next) = line_at(text, start, sep)?;
        pos = next;
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if crc.is_some() {
            // Nothing but the END line after the checksum.
            return None;
        }
        if pgp && line.first() == Some(&b'=') && !b64.is_empty() {
            crc = Some(line.get(1..)?);
            continue;
        }
        let mut bytes = line.iter().copied().peekable();
        while let Some(b) = bytes.next() {
            match b {
                b' ' | b'\t' => {}
                b'\\' if sep == Sep::Escaped && bytes.peek() == Some(&b'/') => {}
                b'=' => b64.push(b),
                b if is_base64(b) => b64.push(b),
                _ => return None,
            }
        }
    };

    // `-----END <label>-----`, then blanks and the line break.
    let closing = text.get(end + END.len()..)?;
    let after = closing.strip_prefix(label)?.strip_prefix(DASHES)?;
    let dashes_end = text.len() - after.len();
    let blanks_end = skip_blanks(text, dashes_end);
    let rest = text.get(blanks_end..)?;
    let len = match line_break(rest, sep).or_else(|| line_break(rest, Sep::Newline)) {
        Some(n) => blanks_end + n,
        None if rest.is_empty() => blanks_end,
        // More on the same line: the block ends at its dashes.
        None => dashes_end,
    };

    let body = base64::engine::general_purpose::STANDARD
        .decode(&b64)
        .ok()?;
    if body.is_empty() {
        return None;
    }
    if let Some(crc) = crc {
        let expected = base64::engine::general_purpose::STANDARD.decode(crc).ok()?;
        let actual = super::pgp::crc24(&body).to_be_bytes();
        if expected.len() != 3 || expected.get(..) != actual.get(1..) {
            return None;
        }
    }
    Some(Armor {
        label,
        headers,
        body,
        len,
    })
}

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// `pos` past spaces and tabs.
fn skip_blanks(text: &[u8], mut pos: usize) -> usize {
    while text.get(pos).is_some_and(|&b| b == b' ' || b == b'\t') {
        pos += 1;
    }
    pos
}

/// `pos` past spaces and tabs (and, for a flattened block, line breaks).
fn skip_space(text: &[u8], mut pos: usize, sep: Sep) -> usize {
    while text.get(pos).is_some_and(|&b| {
        b == b' ' || b == b'\t' || (sep == Sep::Space && (b == b'\n' || b == b'\r'))
    }) {
        pos += 1;
    }
    pos
}

/// The length of the line break at the start of `rest`, if there is one.
fn line_break(rest: &[u8], sep: Sep) -> Option<usize> {
    let breaks: &[&[u8]] = match sep {
        Sep::Newline | Sep::Space => &[b"\r\n", b"\n"],
        Sep::Escaped => &[b"\\r\\n", b"\\n"],
    };
    breaks.iter().find(|b| rest.starts_with(b)).map(|b| b.len())
}

/// The line at `pos` (without its line break) and where the next one
/// starts; `None` when it has no line break within the text.
fn line_at(text: &[u8], pos: usize, sep: Sep) -> Option<(&[u8], usize)> {
    let rest = text.get(pos..)?;
    match sep {
        Sep::Newline => {
            let nl = memchr::memchr(b'\n', rest)?;
            let line = rest.get(..nl)?;
            Some((line.strip_suffix(b"\r").unwrap_or(line), pos + nl + 1))
        }
        Sep::Escaped => {
            let nl = memchr::memmem::find(rest, b"\\n")?;
            let line = rest.get(..nl)?;
            Some((line.strip_suffix(b"\\r").unwrap_or(line), pos + nl + 2))
        }
        Sep::Space => {
            let end = rest
                .iter()
                .position(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
            Some((rest.get(..end)?, pos + end + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &[u8]) -> bool {
        true
    }

    #[test]
    fn labels() {
        assert_eq!(
            label(b"-----BEGIN RSA PRIVATE KEY-----\n").map(|l| l.0),
            Some(&b"RSA PRIVATE KEY"[..])
        );
        assert!(label(b"-----BEGIN RSA  PRIVATE KEY-----\n").is_none());
        assert!(label(b"-----BEGIN  RSA-----\n").is_none());
        assert!(label(b"-----BEGIN RSA PRIVATE KEY\n").is_none());
        assert!(label(&[b"-----BEGIN ".as_slice(), &[b'A'; 200]].concat()).is_none());
    }

    #[test]
    fn line_breaks_and_headers() {
        let lf = b"-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,\n 00FF\n\nAAEC\nAw==\n-----END X-----\nafter";
        let armor = parse(lf, any, false);
        let armor = armor.as_ref();
        assert_eq!(armor.map(|a| a.body.as_slice()), Some(&[0, 1, 2, 3][..]));
        assert_eq!(armor.map(|a| a.len), Some(lf.len() - 5));
        assert_eq!(
            armor.and_then(|a| a.header(b"dek-info")),
            Some(&b"AES-128-CBC, 00FF"[..])
        );
        let crlf = b"-----BEGIN X-----\r\n  AAEC\r\n  Aw==\r\n  -----END X-----\r\n";
        assert_eq!(parse(crlf, any, false).map(|a| a.len), Some(crlf.len()));
        let escaped = b"\"-----BEGIN X-----\\nAA\\/C\\nAw==\\n-----END X-----\\n\"";
        let armor = parse(&escaped[1..], any, false);
        assert_eq!(armor.as_ref().map(|a| a.len), Some(escaped.len() - 2));
        assert_eq!(armor.map(|a| a.body), Some(vec![0, 15, 194, 3]));
        let flat = b"-----BEGIN X----- AAEC Aw== -----END X----- next";
        assert_eq!(parse(flat, any, false).map(|a| a.len), Some(flat.len() - 5));
    }

    #[test]
    fn refusals() {
        // Not base64, the END of another label, no END, an empty body.
        assert!(parse(b"-----BEGIN X-----\nMIIE...\n-----END X-----\n", any, false).is_none());
        assert!(parse(b"-----BEGIN X-----\nAAEC\n-----END Y-----\n", any, false).is_none());
        assert!(parse(b"-----BEGIN X-----\nAAEC\n", any, false).is_none());
        assert!(parse(b"-----BEGIN X-----\n-----END X-----\n", any, false).is_none());
        assert!(parse(
            b"-----BEGIN X-----\nAAEC\n-----END X-----\n",
            |_| false,
            false
        )
        .is_none());
    }

    #[test]
    fn crc24_is_checked() {
        // CRC-24 of [0, 1, 2] is 0x6c27b1... computed by our own crc24.
        let body = [0u8, 1, 2];
        let crc = super::super::pgp::crc24(&body).to_be_bytes();
        let crc = base64::engine::general_purpose::STANDARD.encode(&crc[1..]);
        let good = format!("-----BEGIN X-----\n\nAAEC\n={crc}\n-----END X-----\n");
        assert!(parse(good.as_bytes(), any, true).is_some());
        let bad = "-----BEGIN X-----\n\nAAEC\n=AAAA\n-----END X-----\n";
        assert!(parse(bad.as_bytes(), any, true).is_none());
    }
}
