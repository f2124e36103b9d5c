//! Inline suppressions in Dockerfiles:
//!
//! ```dockerfile
//! # portcullis ignore=SQ41102,SQ41103 reason="vendored archive, checked by hash"
//! ADD vendor.tar.gz /opt/
//! # portcullis ignore-file=SQ41101 reason="health is checked by the orchestrator"
//! ```
//!
//! `ignore=` applies to the instruction right below its comment block
//! (comment lines directly above it; a blank line or a directive in between
//! detaches it); `ignore-file=` to the whole file, wherever it is.

use portcullis_dockerfile::{Dockerfile, Item};
use portcullis_rules::Location;

/// One `# portcullis ignore…` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineSuppression {
    /// Rule codes as written, upper-cased.
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// The instruction's first and last line, or `None` for `ignore-file`.
    pub lines: Option<(usize, usize)>,
    /// Whether it is directly above an instruction (always true for `ignore-file`).
    pub attached: bool,
    /// The comment, as a Dockerfile location.
    pub at: Location,
    /// The comment's text: the fingerprint of findings about it.
    pub text: String,
}

impl InlineSuppression {
    /// Whether it covers a finding of `rule` located at `location` in `path`.
    pub fn covers(&self, path: &str, rule: &str, location: &Location) -> bool {
        if !self.codes.iter().any(|c| c == rule) {
            return false;
        }
        match self.lines {
            None => true,
            Some((first, last)) => matches!(
                location,
                Location::Dockerfile { path: p, line, .. } if p == path && (first..=last).contains(line)
            ),
        }
    }
}

/// The suppressions in a parsed Dockerfile named `path`.
pub fn suppressions(path: &str, dockerfile: &Dockerfile) -> Vec<InlineSuppression> {
    let mut out: Vec<InlineSuppression> = Vec::new();
    // Indices in `out` of `ignore=` comments waiting for their instruction.
    let mut pending: Vec<usize> = Vec::new();
    for item in &dockerfile.items {
        match item {
            Item::Comment(span) => {
                let text = dockerfile.text(*span).trim_end_matches(['\n', '\r']);
                let Some((file_wide, codes, reason)) = parse(text) else {
                    continue;
                };
                let start = dockerfile.position(span.start);
                let end_column = start.column + text.chars().count();
                let leading = text.len() - text.trim_start().len();
                out.push(InlineSuppression {
                    codes,
                    reason,
                    lines: None,
                    attached: file_wide,
                    at: Location::Dockerfile {
                        path: path.to_owned(),
                        line: start.line,
                        column: start.column + leading,
                        end_line: start.line,
                        end_column,
                    },
                    text: text.trim().to_owned(),
                });
                if !file_wide {
                    pending.push(out.len() - 1);
                }
            }
            Item::Instruction(instruction) => {
                let first = dockerfile.position(instruction.span.start).line;
                let last = dockerfile
                    .position(
                        instruction
                            .span
                            .end
                            .saturating_sub(1)
                            .max(instruction.span.start),
                    )
                    .line;
                for i in pending.drain(..) {
                    out[i].lines = Some((first, last));
                    out[i].attached = true;
                }
            }
            Item::Blank(_) | Item::Directive(_) => pending.clear(),
        }
    }
    // Detached `ignore=` comments cover nothing; they are reported as unused.
    for s in &mut out {
        if !s.attached {
            s.lines = Some((0, 0));
        }
    }
    out
}

/// `# portcullis ignore=A,B reason="…"` → (file-wide, codes, reason).
fn parse(comment: &str) -> Option<(bool, Vec<String>, Option<String>)> {
    let body = comment.trim_start().strip_prefix('#')?.trim_start();
    let rest = body.strip_prefix("portcullis")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let (file_wide, rest) = if let Some(r) = rest.strip_prefix("ignore-file=") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix("ignore=") {
        (false, r)
    } else {
        return None;
    };
    let (list, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let codes: Vec<String> = list
        .split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    let rest = rest.trim();
    let reason = rest.strip_prefix("reason=").and_then(|r| {
        let text = match r.strip_prefix('"') {
            Some(quoted) => {
                let mut out = String::new();
                let mut chars = quoted.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => out.extend(chars.next()),
                        c => out.push(c),
                    }
                }
                out
            }
            None => r.split_whitespace().next().unwrap_or("").to_owned(),
        };
        let text = text.trim().to_owned();
        (!text.is_empty()).then_some(text)
    });
    Some((file_wide, codes, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments() {
        assert_eq!(
            parse("# portcullis ignore=SQ41102,sq41103 reason=\"vendored, \\\"checked\\\"\""),
            Some((
                false,
                vec!["SQ41102".to_owned(), "SQ41103".to_owned()],
                Some("vendored, \"checked\"".to_owned())
            ))
        );
        assert_eq!(
            parse("#portcullis ignore-file=SQ41101"),
            Some((true, vec!["SQ41101".to_owned()], None))
        );
        assert_eq!(
            parse("# portcullis ignore=SQ41101 reason=short"),
            Some((false, vec!["SQ41101".to_owned()], Some("short".to_owned())))
        );
        assert_eq!(
            parse("# portcullis ignore=SQ41101 reason=\"\""),
            Some((false, vec!["SQ41101".to_owned()], None))
        );
        assert_eq!(parse("# portcullis is a gate"), None);
        assert_eq!(parse("# portcullisignore=SQ41101"), None);
        assert_eq!(parse("# ignore=SQ41101"), None);
    }
}

#[cfg(test)]
mod attach_tests {
    use super::*;

    /// Codes, covered lines, attached, comment line.
    type Attached = (Vec<String>, Option<(usize, usize)>, bool, usize);

    fn lines(text: &str) -> Vec<Attached> {
        let dockerfile = portcullis_dockerfile::parse_bytes(text.as_bytes()).expect("parses");
        suppressions("Dockerfile", &dockerfile)
            .into_iter()
            .map(|s| {
                let line = match s.at {
                    Location::Dockerfile { line, .. } => line,
                    _ => 0,
                };
                (s.codes, s.lines, s.attached, line)
            })
            .collect()
    }

    #[test]
    fn attaches_to_the_instruction_below() {
        let got = lines(
            "# syntax=docker/dockerfile:1\nFROM alpine\n# portcullis ignore=SQ41102\n# another comment\nRUN a \\\n  b\n# portcullis ignore=SQ41103\n\nCMD x\n  # portcullis ignore-file=SQ41101\n",
        );
        assert_eq!(
            got,
            [
                (vec!["SQ41102".to_owned()], Some((5, 6)), true, 3),
                (vec!["SQ41103".to_owned()], Some((0, 0)), false, 7),
                (vec!["SQ41101".to_owned()], None, true, 10),
            ]
        );
    }

    #[test]
    fn covers_by_code_path_and_line() {
        let s = InlineSuppression {
            codes: vec!["SQ41102".into()],
            reason: None,
            lines: Some((5, 6)),
            attached: true,
            at: Location::Config {
                pointer: String::new(),
            },
            text: String::new(),
        };
        let at = |path: &str, line: usize| Location::Dockerfile {
            path: path.into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
        };
        assert!(s.covers("Dockerfile", "SQ41102", &at("Dockerfile", 6)));
        assert!(!s.covers("Dockerfile", "SQ41102", &at("Dockerfile", 7)));
        assert!(!s.covers("Dockerfile", "SQ41103", &at("Dockerfile", 5)));
        assert!(!s.covers("Dockerfile", "SQ41102", &at("other/Dockerfile", 5)));
    }
}
