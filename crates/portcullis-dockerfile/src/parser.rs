//! The parser: physical lines → items, following BuildKit's reading rules.
//!
//! Why line-by-line: Docker's own parser is line-oriented (directives are only
//! recognised before the first other line, continuation lines skip comment and
//! blank lines, heredoc bodies are whole lines), and mirroring that structure
//! is the simplest way to agree with it on every edge case.

use crate::ast::*;
use crate::span::{LineIndex, Span};
use crate::ParseError;

const BOM: &str = "\u{feff}";
const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// Parse a Dockerfile. Errors carry the span of the offending text.
pub fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    let mut parser = Parser {
        src: source,
        pos: 0,
        escape: '\\',
        items: Vec::new(),
        directives_done: false,
        seen_directives: Vec::new(),
    };
    parser.run()?;
    Ok(Dockerfile {
        source: source.to_owned(),
        items: parser.items,
        escape: parser.escape,
        line_index: LineIndex::new(source),
    })
}

/// One physical line: `start..content_end` is its text, `content_end..end` its terminator.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

fn line_at(src: &str, start: usize) -> Line {
    let bytes = src.as_bytes();
    let (mut content_end, end) = match bytes[start..].iter().position(|&b| b == b'\n') {
        Some(i) => (start + i, start + i + 1),
        None => (src.len(), src.len()),
    };
    if content_end > start && bytes[content_end - 1] == b'\r' {
        content_end -= 1;
    }
    Line {
        start,
        content_end,
        end,
    }
}

fn leading_ws(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

/// Text assembled from pieces of several physical lines, with a map back to
/// source offsets so tokens found in it get exact source spans.
#[derive(Default)]
pub(crate) struct Logical {
    pub(crate) text: String,
    /// (offset in `text`, offset in source) for the start of each piece.
    segments: Vec<(usize, usize)>,
}

impl Logical {
    fn push(&mut self, src: &str, start: usize, end: usize) {
        if start < end {
            self.segments.push((self.text.len(), start));
            self.text.push_str(&src[start..end]);
        }
    }

    fn source_offset(&self, logical: usize) -> usize {
        let i = match self.segments.binary_search_by(|&(l, _)| l.cmp(&logical)) {
            Ok(i) => i,
            Err(0) => return self.segments.first().map_or(logical, |&(_, s)| s),
            Err(i) => i - 1,
        };
        let (l, s) = self.segments[i];
        s + (logical - l)
    }

    /// Source span of the logical range `start..end`.
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        if start >= end {
            let at = self.source_offset(start.min(self.text.len().saturating_sub(1)));
            let at = if start >= self.text.len() && !self.text.is_empty() {
                self.source_offset(self.text.len() - 1) + 1
            } else {
                at
            };
            return Span::new(at, at);
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }

    pub(crate) fn word(&self, start: usize, end: usize) -> Word {
        Word {
            raw: self.text[start..end].to_owned(),
            span: self.span(start, end),
        }
    }
}

struct Parser<'s> {
    src: &'s str,
    pos: usize,
    escape: char,
    items: Vec<Item>,
    directives_done: bool,
    seen_directives: Vec<String>,
}

impl<'s> Parser<'s> {
    fn run(&mut self) -> Result<(), ParseError> {
        while self.pos < self.src.len() {
            let line = line_at(self.src, self.pos);
            let mut text_start = line.start;
            if line.start == 0 && self.src.starts_with(BOM) {
                text_start += BOM.len();
            }
            let text_start = text_start + leading_ws(&self.src[text_start..line.content_end]);
            let text = &self.src[text_start..line.content_end];
            let span = Span::new(line.start, line.end);

            if !self.directives_done {
                if let Some(directive) = self.directive(text, text_start, span)? {
                    self.items.push(Item::Directive(directive));
                    self.pos = line.end;
                    continue;
                }
                self.directives_done = true;
            }
            if text.is_empty() {
                self.items.push(Item::Blank(span));
                self.pos = line.end;
            } else if text.starts_with('#') {
                self.items.push(Item::Comment(span));
                self.pos = line.end;
            } else {
                let instruction = self.instruction(line, text_start)?;
                self.items.push(Item::Instruction(instruction));
            }
        }
        Ok(())
    }

    /// `# name=value` with a known name, while directives are still allowed.
    fn directive(
        &mut self,
        text: &str,
        text_start: usize,
        span: Span,
    ) -> Result<Option<Directive>, ParseError> {
        let Some(body) = text.strip_prefix('#') else {
            return Ok(None);
        };
        let is_re_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
        let after_hash = body.trim_start_matches(is_re_space);
        let name_len = after_hash
            .char_indices()
            .take_while(|&(i, c)| {
                if i == 0 {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_ascii_alphanumeric()
                }
            })
            .count();
        if name_len == 0 {
            return Ok(None);
        }
        let name = &after_hash[..name_len];
        let rest = after_hash[name_len..].trim_start_matches(is_re_space);
        let Some(value) = rest.strip_prefix('=') else {
            return Ok(None);
        };
        let value = value.trim_matches(is_re_space);
        if value.is_empty() {
            return Ok(None);
        }
        let lower = name.to_ascii_lowercase();
        if !DIRECTIVES.contains(&lower.as_str()) {
            return Ok(None);
        }
        let offset_of = |s: &str| text_start + (s.as_ptr() as usize - text.as_ptr() as usize);
        let name_span = Span::new(offset_of(name), offset_of(name) + name.len());
        let value_span = Span::new(offset_of(value), offset_of(value) + value.len());
        if self.seen_directives.contains(&lower) {
            return Err(ParseError::new(
                format!("only one {lower} parser directive can be used"),
                name_span,
            ));
        }
        if lower == "escape" {
            self.escape = match value {
                "\\" => '\\',
                "`" => '`',
                _ => {
                    return Err(ParseError::new(
                        format!("invalid escape token '{value}' does not match ` or \\"),
                        value_span,
                    ))
                }
            };
        }
        self.seen_directives.push(lower.clone());
        Ok(Some(Directive {
            span,
            name: lower,
            name_span,
            value: value.to_owned(),
            value_span,
        }))
    }

    /// If `text` ends in the escape character (then optional blanks), the end
    /// of the text before it.
    fn continuation(&self, start: usize, end: usize) -> Option<usize> {
        let text = self.src[start..end].trim_end_matches([' ', '\t']);
        text.strip_suffix(self.escape).map(|t| start + t.len())
    }

    fn instruction(&mut self, first: Line, text_start: usize) -> Result<Instruction, ParseError> {
        let mut logical = Logical::default();
        let mut continued = match self.continuation(text_start, first.content_end) {
            Some(end) => {
                logical.push(self.src, text_start, end);
                true
            }
            None => {
                logical.push(self.src, text_start, first.content_end);
                false
            }
        };
        self.pos = first.end;
        while continued && self.pos < self.src.len() {
            let line = line_at(self.src, self.pos);
            self.pos = line.end;
            let text = self.src[line.start..line.content_end].trim_start();
            // Comment lines and blank lines inside a continuation are skipped.
            if text.starts_with('#') || text.is_empty() {
                continue;
            }
            match self.continuation(line.start, line.content_end) {
                Some(end) => logical.push(self.src, line.start, end),
                None => {
                    logical.push(self.src, line.start, line.content_end);
                    continued = false;
                }
            }
        }
        let mut instruction =
            crate::args::parse_instruction(&logical, 0, logical.text.len(), self.escape)?;
        instruction.span = Span::new(first.start, self.pos);

        if instruction.keyword.allows_heredoc() && !is_json(&instruction.args) {
            let markers = crate::args::heredoc_markers(&logical, &instruction, self.escape);
            for mut heredoc in markers {
                self.heredoc_body(&mut heredoc)?;
                instruction.heredocs.push(heredoc);
            }
            instruction.span.end = self.pos;
        }
        Ok(instruction)
    }

    fn heredoc_body(&mut self, heredoc: &mut Heredoc) -> Result<(), ParseError> {
        let body_start = self.pos;
        while self.pos < self.src.len() {
            let line = line_at(self.src, self.pos);
            let mut text = &self.src[line.start..line.content_end];
            if heredoc.chomp {
                text = text.trim_start_matches('\t');
            }
            if text == heredoc.name {
                heredoc.body = Span::new(body_start, line.start);
                heredoc.terminator = Span::new(line.start, line.end);
                self.pos = line.end;
                return Ok(());
            }
            self.pos = line.end;
        }
        Err(ParseError::new(
            format!("unterminated heredoc: no line `{}` ends it", heredoc.name),
            heredoc.marker,
        ))
    }
}

fn is_json(args: &Arguments) -> bool {
    match args {
        Arguments::Command(c) => c.is_exec(),
        Arguments::List { json, .. } => *json,
        _ => false,
    }
}

/// The source ranges that make up the text of `span` once line continuations
/// (escape, blanks, newline) and the comment/blank lines inside them are
/// dropped — the same assembly `Parser::instruction` does.
pub(crate) fn pieces(src: &str, span: Span, escape: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let end = span.end.min(src.len());
    let mut pos = span.start.min(end);
    let mut first = true;
    while pos < end {
        let line = line_at(src, pos);
        let line_end = line.content_end.min(end);
        let text = &src[line.start..line.content_end];
        if !first && (text.trim_start().starts_with('#') || text.trim().is_empty()) {
            pos = line.end;
            continue;
        }
        let trimmed = src[pos..line.content_end].trim_end_matches([' ', '\t']);
        let piece_end = match trimmed.strip_suffix(escape) {
            Some(t) => (pos + t.len()).min(line_end),
            None => line_end,
        };
        out.push((pos, piece_end));
        pos = line.end;
        first = false;
    }
    out
}
