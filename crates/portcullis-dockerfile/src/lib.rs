//! A lossless Dockerfile parser that reads Dockerfiles the way Docker and
//! BuildKit do.
//!
//! - [`parse`] turns source text into a [`Dockerfile`]: parser directives,
//!   comments, blank lines and instructions, each with its byte span. The items
//!   tile the source, so [`Dockerfile::to_source`] gives the input back byte
//!   for byte.
//! - [`Build::new`] groups instructions into stages, resolves `FROM <stage>`
//!   chains and expands `ARG`/`ENV` variables where Docker expands them.

mod args;
pub mod ast;
pub mod build;
pub mod expand;
mod parser;
pub mod span;

pub use ast::*;
pub use build::{Base, Build, Stage, Step, Value};
pub use expand::{Unresolved, Why};
pub use parser::parse;
pub use span::{LineIndex, Position, Span};

/// A syntax error at a place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError {
            message: message.into(),
            span,
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Read Dockerfile bytes: UTF-8 (an optional BOM is kept as part of the
/// source), else an error at the first invalid byte.
pub fn parse_bytes(bytes: &[u8]) -> Result<Dockerfile, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(source) => parse(source),
        Err(e) => {
            let at = e.valid_up_to();
            Err(ParseError::new("invalid UTF-8", Span::new(at, at + 1)))
        }
    }
}

impl Dockerfile {
    /// The source rebuilt from the parse tree.
    pub fn to_source(&self) -> String {
        self.items
            .iter()
            .map(|item| &self.source[item.span().start..item.span().end])
            .collect()
    }

    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.items.iter().filter_map(|item| match item {
            Item::Instruction(i) => Some(i),
            _ => None,
        })
    }

    pub fn directives(&self) -> impl Iterator<Item = &Directive> {
        self.items.iter().filter_map(|item| match item {
            Item::Directive(d) => Some(d),
            _ => None,
        })
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    pub fn position(&self, offset: usize) -> Position {
        self.line_index.position(&self.source, offset)
    }

    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.start..span.end).unwrap_or("")
    }
}

/// Position of an error's span in `source` (for messages: `line:column`).
pub fn error_position(source: &[u8], error: &ParseError) -> Position {
    let valid = match std::str::from_utf8(source) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&source[..e.valid_up_to()]).unwrap_or(""),
    };
    LineIndex::new(valid).position(valid, error.span.start)
}

impl Dockerfile {
    /// The source span of `word.raw[start..end]`, for a word taken from
    /// instruction text (not a JSON string): re-walks the word's lines the way
    /// the parser assembled them, so offsets survive line continuations.
    pub fn sub_span(&self, word: &Word, start: usize, end: usize) -> Span {
        let pieces = parser::pieces(&self.source, word.span, self.escape);
        let map = |offset: usize, is_end: bool| -> usize {
            let mut logical = 0;
            for &(s, e) in &pieces {
                let len = e - s;
                if offset < logical + len || (is_end && offset == logical + len) {
                    return s + (offset - logical);
                }
                logical += len;
            }
            word.span.end
        };
        if start >= end {
            let at = map(start, true);
            return Span::new(at, at);
        }
        Span::new(map(start, false), map(end, true))
    }
}
