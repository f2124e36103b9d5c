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
//!
//! Kubernetes manifests and Compose files take the same comments
//! ([`yaml_suppressions`]): on the line above the offending key (a comment
//! block directly above it, as in Dockerfiles), or at the end of the line:
//!
//! ```yaml
//! securityContext:
//!   # portcullis ignore=PC42101 reason="the CNI agent needs it"
//!   privileged: true
//!   allowPrivilegeEscalation: true  # portcullis ignore=PC42102 reason="…"
//! ```

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
    /// Why the comment, which looks like a directive, is not one that can
    /// be applied (reported as SQ49005); it then suppresses nothing.
    pub malformed: Option<String>,
}

impl InlineSuppression {
    /// Whether it covers a finding of `rule` located at `location` in `path`.
    pub fn covers(&self, path: &str, rule: &str, location: &Location) -> bool {
        if !self.codes.iter().any(|c| c == rule) {
            return false;
        }
        // A YAML comment covers its own file: a Compose project's override
        // file holds its own.
        let path = match &self.at {
            Location::Manifest { path, .. } => path.as_str(),
            _ => path,
        };
        match self.lines {
            None => match location {
                Location::Manifest { path: p, .. } => p == path,
                _ => true,
            },
            Some((first, last)) => matches!(
                location,
                Location::Dockerfile { path: p, line, .. } | Location::Manifest { path: p, line, .. }
                    if p == path && (first..=last).contains(line)
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
                let (file_wide, codes, reason, malformed) = match parse(text) {
                    Parsed::No => continue,
                    Parsed::Yes {
                        file_wide,
                        codes,
                        reason,
                    } => (file_wide, codes, reason, None),
                    Parsed::Malformed(why) => (false, Vec::new(), None, Some(why)),
                };
                let start = dockerfile.position(span.start);
                out.push(directive(
                    path,
                    text,
                    start.line,
                    start.column,
                    malformed.clone(),
                ));
                let s = out.len() - 1;
                out[s].codes = codes;
                out[s].reason = reason;
                out[s].attached = file_wide;
                if !file_wide && malformed.is_none() {
                    pending.push(s);
                }
            }
            Item::Instruction(instruction) => {
                let first = dockerfile.position(instruction.span.start).line;
                // A directive on a continuation line is part of the
                // instruction (Docker drops it), so it cannot apply.
                let body = dockerfile.text(instruction.span);
                for (n, line) in body.split('\n').enumerate().skip(1) {
                    let line = line.trim_end_matches('\r');
                    if !matches!(parse(line), Parsed::No) {
                        let column = line.len() - line.trim_start().len() + 1;
                        out.push(directive(
                            path,
                            line.trim_start(),
                            first + n,
                            column,
                            Some("it is inside an instruction (a continuation line), where Docker drops comments: put it above the instruction".into()),
                        ));
                    }
                }
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
    // Detached or malformed comments cover nothing; they are reported.
    for s in &mut out {
        if !s.attached || s.malformed.is_some() {
            s.lines = Some((0, 0));
        }
    }
    out
}

/// The suppressions in the YAML text of a Kubernetes manifest or Compose
/// file named `path`: a comment line covers the next line when nothing but
/// comments stands between them (a blank line detaches it, as in
/// Dockerfiles), a comment at the end of a line covers that line. Comments
/// are found without a YAML parser: a `#` at the start of a line or after
/// a space, outside quotes and block scalars' bodies are not told apart, so
/// a block scalar line that reads like a directive counts as one.
pub fn yaml_suppressions(path: &str, text: &str) -> Vec<InlineSuppression> {
    let mut out: Vec<InlineSuppression> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    // The document a comment is in: `---` starts the next one once the
    // current one has content.
    let mut document = 0;
    let mut content = false;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (n, raw) in text.split('\n').enumerate() {
        let line_no = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line == "---" || line.starts_with("--- ") || line.starts_with("---\t") {
            document += usize::from(content);
            content = false;
            pending.clear();
            continue;
        }
        let trimmed = line.trim_start();
        content |= !trimmed.is_empty() && !trimmed.starts_with('#');
        if trimmed.is_empty() {
            pending.clear();
            continue;
        }
        let own_line = trimmed.starts_with('#');
        let Some(hash) = comment_start(line) else {
            // A line with no comment: the key the pending comments cover.
            for i in pending.drain(..) {
                out[i].lines = Some((line_no, line_no));
                out[i].attached = true;
            }
            continue;
        };
        let comment = &line[hash..];
        let parsed = parse(comment);
        if matches!(parsed, Parsed::No) {
            if !own_line {
                for i in pending.drain(..) {
                    out[i].lines = Some((line_no, line_no));
                    out[i].attached = true;
                }
            }
            continue;
        }
        let column = line[..hash].chars().count() + 1;
        let mut s = directive(path, comment, line_no, column, None);
        if let Location::Dockerfile {
            path,
            line,
            column,
            end_line,
            end_column,
        } = s.at
        {
            s.at = Location::Manifest {
                path,
                line,
                column,
                end_line,
                end_column,
                document,
                pointer: String::new(),
            };
        }
        match parsed {
            Parsed::Yes {
                file_wide,
                codes,
                reason,
            } => {
                s.codes = codes;
                s.reason = reason;
                s.attached = file_wide;
                if !file_wide && !own_line {
                    s.lines = Some((line_no, line_no));
                    s.attached = true;
                }
            }
            Parsed::Malformed(why) => s.malformed = Some(why),
            Parsed::No => {}
        }
        out.push(s);
        let index = out.len() - 1;
        if !own_line {
            // The key on this line is what the comments above were for.
            for i in pending.drain(..) {
                out[i].lines = Some((line_no, line_no));
                out[i].attached = true;
            }
        } else if out[index].malformed.is_none() && !out[index].attached {
            pending.push(index);
        }
    }
    for s in &mut out {
        if !s.attached || s.malformed.is_some() {
            s.lines = Some((0, 0));
        }
    }
    out
}

/// Where a YAML line's comment starts: a `#` at its start or after
/// whitespace, outside single- and double-quoted scalars.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'')
                if previous.is_whitespace() || matches!(previous, ':' | '-' | '[' | '{' | ',') =>
            {
                quote = Some(c)
            }
            (None, '#') if previous.is_whitespace() => return Some(i),
            _ => {}
        }
        previous = c;
    }
    None
}

/// A directive comment at `line`, `column` (1-based), covering nothing yet.
fn directive(
    path: &str,
    text: &str,
    line: usize,
    column: usize,
    malformed: Option<String>,
) -> InlineSuppression {
    let leading = text.len() - text.trim_start().len();
    InlineSuppression {
        codes: Vec::new(),
        reason: None,
        lines: None,
        attached: false,
        at: Location::Dockerfile {
            path: path.to_owned(),
            line,
            column: column + leading,
            end_line: line,
            end_column: column + text.chars().count(),
        },
        text: text.trim().to_owned(),
        malformed,
    }
}

/// The longest `# portcullis …` comment applied, in bytes.
pub const MAX_DIRECTIVE_BYTES: usize = 4096;

/// The most codes one comment may name (there are fewer rules than this).
pub const MAX_CODES: usize = 256;

/// What a comment is.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    /// Not addressed to portcullis.
    No,
    Yes {
        file_wide: bool,
        codes: Vec<String>,
        reason: Option<String>,
    },
    /// Meant as a directive, but not one: why.
    Malformed(String),
}

/// `# portcullis ignore=A,B reason="…"`. The words `portcullis`,
/// `ignore`, `ignore-file` and `reason` are matched case-insensitively.
/// A comment whose first word is `portcullis` followed by a word with `=`
/// or starting with `ignore` is meant as a directive: anything wrong with
/// it is [`Parsed::Malformed`], never silently dropped.
fn parse(comment: &str) -> Parsed {
    let Some(body) = comment.trim_start().strip_prefix('#') else {
        return Parsed::No;
    };
    let body = body.trim_start();
    let Some(rest) = body
        .get(..10)
        .filter(|w| w.eq_ignore_ascii_case("portcullis"))
        .map(|_| &body[10..])
    else {
        return Parsed::No;
    };
    if !rest.starts_with(char::is_whitespace) {
        return Parsed::No;
    }
    let rest = rest.trim_start();
    let word = rest.split_whitespace().next().unwrap_or("");
    let lower = word.to_ascii_lowercase();
    if !(word.contains('=') || lower.starts_with("ignore")) {
        return Parsed::No;
    }
    let bad = |why: String| Parsed::Malformed(why);
    // Each code a directive names may be reported with the comment quoted,
    // so both are bounded: 100,000 codes would otherwise report 100,000
    // copies of a 700 KB comment.
    if comment.len() > MAX_DIRECTIVE_BYTES {
        return bad(format!(
            "the directive is longer than {MAX_DIRECTIVE_BYTES} bytes"
        ));
    }
    let (file_wide, rest) = if lower.starts_with("ignore-file=") {
        (true, &rest["ignore-file=".len()..])
    } else if lower.starts_with("ignore=") {
        (false, &rest["ignore=".len()..])
    } else if lower == "ignore" || lower == "ignore-file" {
        return bad(format!(
            "write `{word}=CODES` without spaces around `=`, e.g. `# portcullis ignore=SQ40104 reason=\"…\"`"
        ));
    } else {
        let name = word.split('=').next().unwrap_or(word);
        return bad(format!(
            "`{name}` is not a portcullis directive: use `ignore=CODES` or `ignore-file=CODES`"
        ));
    };
    // The codes: up to `reason=`, separated by commas (spaces after commas allowed).
    let lower_rest = rest.to_ascii_lowercase();
    let reason_at = lower_rest.find("reason=");
    let list = &rest[..reason_at.unwrap_or(rest.len())];
    let mut codes = Vec::new();
    let mut previous_comma = true;
    for token in list.split_inclusive(|c: char| c == ',' || c.is_whitespace()) {
        let comma = token.ends_with(',');
        let code = token.trim_matches(|c: char| c == ',' || c.is_whitespace());
        if !code.is_empty() {
            if !previous_comma {
                return bad(format!(
                    "unexpected `{code}` after the codes: separate codes with commas and give the reason as reason=\"…\""
                ));
            }
            if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return bad(format!("`{code}` is not a rule code"));
            }
            if codes.len() == MAX_CODES {
                return bad(format!(
                    "it names more than {MAX_CODES} codes; use ignore-file= or the policy file's `disable`"
                ));
            }
            codes.push(code.to_ascii_uppercase());
            previous_comma = comma;
        } else if comma {
            previous_comma = true;
        }
    }
    let reason = match reason_at {
        None => None,
        Some(at) => {
            let r = &rest[at + "reason=".len()..];
            let (text, after) = match r.strip_prefix('"') {
                Some(quoted) => {
                    let mut out = String::new();
                    let mut chars = quoted.char_indices();
                    let mut end = None;
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '"' => {
                                end = Some(i + 1);
                                break;
                            }
                            '\\' => out.extend(chars.next().map(|(_, c)| c)),
                            c => out.push(c),
                        }
                    }
                    let Some(end) = end else {
                        return bad("`reason=\"` has no closing quote".into());
                    };
                    (out, &quoted[end..])
                }
                None => {
                    let (word, after) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
                    (word.to_owned(), after)
                }
            };
            if !after.trim().is_empty() {
                return bad(format!(
                    "unexpected `{}` after the reason: quote a reason with spaces, reason=\"…\"",
                    after.trim()
                ));
            }
            let text = text.trim().to_owned();
            (!text.is_empty()).then_some(text)
        }
    };
    Parsed::Yes {
        file_wide,
        codes,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(file_wide: bool, codes: &[&str], reason: Option<&str>) -> Parsed {
        Parsed::Yes {
            file_wide,
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            reason: reason.map(str::to_owned),
        }
    }

    fn malformed(comment: &str) -> String {
        match parse(comment) {
            Parsed::Malformed(why) => why,
            other => panic!("{comment}: {other:?}"),
        }
    }

    #[test]
    fn parses_comments() {
        assert_eq!(
            parse("# portcullis ignore=SQ41102,sq41103 reason=\"vendored, \\\"checked\\\"\""),
            yes(
                false,
                &["SQ41102", "SQ41103"],
                Some("vendored, \"checked\"")
            )
        );
        assert_eq!(
            parse("#portcullis ignore-file=SQ41101"),
            yes(true, &["SQ41101"], None)
        );
        assert_eq!(
            parse("# portcullis ignore=SQ41101 reason=short"),
            yes(false, &["SQ41101"], Some("short"))
        );
        assert_eq!(
            parse("# portcullis ignore=SQ41101 reason=\"\""),
            yes(false, &["SQ41101"], None)
        );
        // Case-insensitive words; a space after a comma.
        assert_eq!(
            parse("# Portcullis IGNORE=SQ41101 Reason=x"),
            yes(false, &["SQ41101"], Some("x"))
        );
        assert_eq!(
            parse("# portcullis ignore=SQ40104, SQ40103 reason=x"),
            yes(false, &["SQ40104", "SQ40103"], Some("x"))
        );
        assert_eq!(parse("# portcullis is a gate"), Parsed::No);
        assert_eq!(parse("# portcullisignore=SQ41101"), Parsed::No);
        assert_eq!(parse("# ignore=SQ41101"), Parsed::No);
    }

    #[test]
    fn directives_are_bounded() {
        let codes = |n: usize| (0..n).map(|i| format!("SQ{i:05}")).collect::<Vec<_>>();
        let comment = |n: usize| format!("# portcullis ignore={} reason=x", codes(n).join(","));
        // At the bound: every code kept (the comment is 2,076 bytes).
        let at_bound: Vec<&str> = Vec::leak(codes(MAX_CODES))
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(parse(&comment(MAX_CODES)), yes(false, &at_bound, Some("x")));
        assert_eq!(
            malformed(&comment(MAX_CODES + 1)),
            "it names more than 256 codes; use ignore-file= or the policy file's `disable`"
        );
        // 100,000 codes: refused by length before a code is read.
        assert_eq!(
            malformed(&comment(100_000)),
            "the directive is longer than 4096 bytes"
        );
        let long_reason = format!(
            "# portcullis ignore=SQ40104 reason=\"{}\"",
            "r".repeat(4096)
        );
        assert_eq!(
            malformed(&long_reason),
            "the directive is longer than 4096 bytes"
        );
        // An ordinary long comment is not a directive and is not bounded.
        assert_eq!(parse(&format!("# {}", "x".repeat(100_000))), Parsed::No);
    }

    #[test]
    fn reports_malformed_directives() {
        assert_eq!(
            malformed("# portcullis ignroe=SQ41101"),
            "`ignroe` is not a portcullis directive: use `ignore=CODES` or `ignore-file=CODES`"
        );
        assert_eq!(
            malformed("# portcullis ignore = SQ41101"),
            "write `ignore=CODES` without spaces around `=`, e.g. `# portcullis ignore=SQ40104 reason=\"…\"`"
        );
        assert_eq!(
            malformed("# portcullis ignore=SQ40104 SQ40103 reason=x"),
            "unexpected `SQ40103` after the codes: separate codes with commas and give the reason as reason=\"…\""
        );
        assert_eq!(
            malformed("# portcullis ignore=SQ40104 reason=\"unterminated"),
            "`reason=\"` has no closing quote"
        );
        assert_eq!(
            malformed("# portcullis ignore=SQ40104 reason=two words"),
            "unexpected `words` after the reason: quote a reason with spaces, reason=\"…\""
        );
        assert_eq!(
            malformed("# portcullis ignore=SQ401* reason=x"),
            "`SQ401*` is not a rule code"
        );
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
            malformed: None,
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

    fn manifest_at(path: &str, line: usize) -> Location {
        Location::Manifest {
            path: path.to_owned(),
            line,
            column: 7,
            end_line: line,
            end_column: 12,
            document: 0,
            pointer: "/spec/containers/0/securityContext/privileged".into(),
        }
    }

    #[test]
    fn yaml_comments_above_a_key_and_at_the_end_of_a_line() {
        let text = "\
apiVersion: v1
kind: Pod
spec:
  containers:
  - name: app
    securityContext:
      # portcullis ignore=PC42101 reason=\"the CNI agent needs it\"
      privileged: true
      allowPrivilegeEscalation: true  # portcullis ignore=PC42102 reason=\"x # y\"
      runAsUser: 0
";
        let s = yaml_suppressions("pod.yaml", text);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!(s[0].codes, ["PC42101"]);
        assert_eq!(s[0].reason.as_deref(), Some("the CNI agent needs it"));
        assert_eq!(s[0].lines, Some((8, 8)));
        assert_eq!(
            s[0].at,
            Location::Manifest {
                path: "pod.yaml".into(),
                line: 7,
                column: 7,
                end_line: 7,
                end_column: 66,
                document: 0,
                pointer: String::new(),
            }
        );
        assert_eq!(s[1].codes, ["PC42102"]);
        assert_eq!(s[1].reason.as_deref(), Some("x # y"));
        assert_eq!(s[1].lines, Some((9, 9)));
        assert!(s[0].covers("pod.yaml", "PC42101", &manifest_at("pod.yaml", 8)));
        assert!(!s[0].covers("pod.yaml", "PC42101", &manifest_at("pod.yaml", 9)));
        assert!(!s[0].covers("pod.yaml", "PC42101", &manifest_at("other.yaml", 8)));
        // In a Compose project, the override file's comments cover its lines.
        assert!(s[0].covers("compose.yaml", "PC42101", &manifest_at("pod.yaml", 8)));
        assert!(!s[0].covers("pod.yaml", "PC42102", &manifest_at("pod.yaml", 8)));
        assert!(s[1].covers("pod.yaml", "PC42102", &manifest_at("pod.yaml", 9)));
        // A Dockerfile location on the same line of another file is not covered.
        assert!(!s[1].covers(
            "pod.yaml",
            "PC42102",
            &Location::Dockerfile {
                path: "Dockerfile".into(),
                line: 9,
                column: 1,
                end_line: 9,
                end_column: 2,
            }
        ));
    }

    #[test]
    fn yaml_blank_lines_detach_documents_count_and_quotes_hide_hashes() {
        let text = "\
kind: Pod
---
# portcullis ignore=PC42101 reason=detached

spec:
  image: \"nginx # portcullis ignore=PC42101\"
  args: ['# portcullis ignore=PC42102']
---
# portcullis ignore-file=PC42201 reason=\"whole file\"
# portcullis ignore PC42101
kind: Pod
";
        let s = yaml_suppressions("all.yaml", text);
        assert_eq!(s.len(), 3, "{s:#?}");
        // Detached: reported, covers nothing.
        assert!(!s[0].attached);
        assert_eq!(s[0].lines, Some((0, 0)));
        assert!(matches!(
            s[0].at,
            Location::Manifest {
                line: 3,
                document: 1,
                ..
            }
        ));
        assert!(s[1].attached);
        assert_eq!(s[1].lines, None);
        assert!(matches!(
            s[1].at,
            Location::Manifest {
                line: 9,
                document: 2,
                ..
            }
        ));
        assert!(s[1].covers("all.yaml", "PC42201", &manifest_at("all.yaml", 1)));
        assert_eq!(
            s[2].malformed.as_deref(),
            Some("write `ignore=CODES` without spaces around `=`, e.g. `# portcullis ignore=SQ40104 reason=\"…\"`")
        );
        assert!(!s[2].covers("all.yaml", "PC42101", &manifest_at("all.yaml", 11)));
    }
}
