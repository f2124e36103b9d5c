//! License expressions: a lenient tokenizer and parser for what packages
//! declare (SPDX expressions, DEP-5 `License:` synopses, rpm `License:`
//! tags, npm/Maven strings), the tree they become, and its SPDX rendering.
//!
//! Syntax read (precedence from tightest): `WITH`, `AND`, `OR`, then DEP-5's
//! comma (`A or B, and C` is `(A or B) and C`, copyright-format 1.0 §7.2).
//! Operators are case-insensitive (`and`, `or`, `with` in rpm and DEP-5).
//! A term is a run of words between operators and parentheses, so rpm's
//! `ASL 2.0` and `Public Domain` are single terms; a comma followed by a
//! word continues the term (`Apache License, Version 2.0`).
//!
//! Bounds: an entry longer than [`MAX_ENTRY_BYTES`] is free text, not an
//! expression; at most [`MAX_TOKENS`] tokens and [`MAX_DEPTH`] nested
//! parentheses are read; past any bound the entry does not parse.

use super::normalise::{self, Dialect};
use super::Family;

/// A declared license entry longer than this is a license text, not a name.
pub const MAX_ENTRY_BYTES: usize = 4096;
/// Tokens read from one entry.
pub const MAX_TOKENS: usize = 512;
/// Nested parentheses.
pub const MAX_DEPTH: usize = 32;

/// A license expression's tree. Leaves hold canonical SPDX ids (or
/// `LicenseRef-…`), possibly with a trailing `+`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Leaf {
        id: String,
        exception: Option<Exception>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    /// A name that says which family but not which license (`BSD`, the
    /// `BSD License` classifier, an unversioned `GPL`), with the license it
    /// stands for when the family's own text says so.
    Hint {
        family: Family,
        fallback: Option<&'static str>,
        raw: String,
    },
    /// A term no table knows.
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Exception {
    /// An SPDX exception id.
    Known(&'static str),
    /// An exception the SPDX list has no id for (DEP-5's `OpenSSL`).
    Unknown(String),
}

impl Node {
    pub(crate) fn leaf(id: &str) -> Node {
        Node::Leaf {
            id: id.to_owned(),
            exception: None,
        }
    }

    /// `AND`/`OR` of `children`, nested nodes of the same operator flattened
    /// and repeated children dropped (A AND A is A); one child is itself.
    pub(crate) fn join(and: bool, children: Vec<Node>) -> Node {
        let mut flat: Vec<Node> = Vec::with_capacity(children.len());
        for child in children {
            let same: Option<Vec<Node>> = match child {
                Node::And(c) if and => Some(c),
                Node::Or(c) if !and => Some(c),
                other => {
                    if !flat.contains(&other) {
                        flat.push(other);
                    }
                    None
                }
            };
            for c in same.into_iter().flatten() {
                if !flat.contains(&c) {
                    flat.push(c);
                }
            }
        }
        if flat.len() == 1 {
            if let Some(only) = flat.pop() {
                return only;
            }
        }
        if and {
            Node::And(flat)
        } else {
            Node::Or(flat)
        }
    }

    /// The SPDX expression, or `None` when some part is not an SPDX license
    /// (an unknown term, an unresolved hint, an exception without an id).
    pub(crate) fn render(&self) -> Option<String> {
        let mut out = String::new();
        self.render_into(&mut out, false)?;
        Some(out)
    }

    fn render_into(&self, out: &mut String, nested: bool) -> Option<()> {
        match self {
            Node::Leaf { id, exception } => {
                out.push_str(id);
                match exception {
                    None => {}
                    Some(Exception::Known(e)) => {
                        out.push_str(" WITH ");
                        out.push_str(e);
                    }
                    Some(Exception::Unknown(_)) => return None,
                }
            }
            Node::And(children) | Node::Or(children) => {
                let op = if matches!(self, Node::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                if nested {
                    out.push('(');
                }
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        out.push_str(op);
                    }
                    child.render_into(out, true)?;
                }
                if nested {
                    out.push(')');
                }
            }
            Node::Hint { .. } | Node::Unknown(_) => return None,
        }
        Some(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Term(String),
    And,
    Or,
    With,
    /// `, and` / `, or`: DEP-5's lower-precedence operators.
    LowAnd,
    LowOr,
    Open,
    Close,
}

/// Why an entry does not parse (the caller only needs to know it did not).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError;

/// Parse one declared entry in `dialect`.
pub(crate) fn parse(entry: &str, dialect: Dialect) -> Result<Node, SyntaxError> {
    if entry.len() > MAX_ENTRY_BYTES {
        return Err(SyntaxError);
    }
    let toks = tokenize(entry)?;
    if toks.is_empty() {
        return Err(SyntaxError);
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        depth: 0,
        dialect,
    };
    let node = p.top()?;
    if p.pos != toks.len() {
        return Err(SyntaxError);
    }
    Ok(node)
}

fn tokenize(s: &str) -> Result<Vec<Tok>, SyntaxError> {
    #[derive(PartialEq)]
    enum Raw<'a> {
        Word(&'a str),
        Comma,
        Open,
        Close,
    }
    let mut raw: Vec<Raw> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let sep = match c {
            '(' => Some(Raw::Open),
            ')' => Some(Raw::Close),
            ',' => Some(Raw::Comma),
            c if c.is_whitespace() => None,
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
                continue;
            }
        };
        if let Some(st) = start.take() {
            raw.push(Raw::Word(&s[st..i]));
        }
        if let Some(sep) = sep {
            raw.push(sep);
        }
        if raw.len() > MAX_TOKENS {
            return Err(SyntaxError);
        }
    }
    if let Some(st) = start {
        raw.push(Raw::Word(&s[st..]));
    }
    if raw.len() > MAX_TOKENS {
        return Err(SyntaxError);
    }

    let op = |w: &str| -> Option<Tok> {
        if w.eq_ignore_ascii_case("and") {
            Some(Tok::And)
        } else if w.eq_ignore_ascii_case("or") {
            Some(Tok::Or)
        } else if w.eq_ignore_ascii_case("with") {
            Some(Tok::With)
        } else {
            None
        }
    };
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        match raw.get(i) {
            Some(Raw::Open) => toks.push(Tok::Open),
            Some(Raw::Close) => toks.push(Tok::Close),
            Some(Raw::Comma) => match raw.get(i + 1) {
                Some(Raw::Word(w)) if op(w) == Some(Tok::And) => {
                    toks.push(Tok::LowAnd);
                    i += 1;
                }
                Some(Raw::Word(w)) if op(w) == Some(Tok::Or) => {
                    toks.push(Tok::LowOr);
                    i += 1;
                }
                Some(Raw::Word(w)) if op(w).is_none() => {
                    // `Apache License, Version 2.0`: the term goes on.
                    match toks.last_mut() {
                        Some(Tok::Term(t)) => t.push(','),
                        _ => return Err(SyntaxError),
                    }
                }
                None => {} // a trailing comma says nothing
                _ => return Err(SyntaxError),
            },
            Some(Raw::Word(w)) => match op(w) {
                Some(t) => toks.push(t),
                None => match toks.last_mut() {
                    Some(Tok::Term(t)) => {
                        t.push(' ');
                        t.push_str(w);
                    }
                    _ => toks.push(Tok::Term((*w).to_owned())),
                },
            },
            None => break,
        }
        i += 1;
    }
    Ok(toks)
}

struct Parser<'t> {
    toks: &'t [Tok],
    pos: usize,
    depth: usize,
    dialect: Dialect,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    /// top := or ((`, and` | `, or`) or)*, left to right.
    fn top(&mut self) -> Result<Node, SyntaxError> {
        let mut left = self.or()?;
        loop {
            let and = match self.peek() {
                Some(Tok::LowAnd) => true,
                Some(Tok::LowOr) => false,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.or()?;
            left = Node::join(and, vec![left, right]);
        }
    }

    fn or(&mut self) -> Result<Node, SyntaxError> {
        let mut children = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            children.push(self.and()?);
        }
        Ok(Node::join(false, children))
    }

    fn and(&mut self) -> Result<Node, SyntaxError> {
        let mut children = vec![self.with()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            children.push(self.with()?);
        }
        Ok(Node::join(true, children))
    }

    fn with(&mut self) -> Result<Node, SyntaxError> {
        let toks = self.toks;
        match toks.get(self.pos) {
            Some(Tok::Open) => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(SyntaxError);
                }
                let inner = self.top()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(SyntaxError);
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Tok::Term(term)) => {
                self.pos += 1;
                if self.peek() != Some(&Tok::With) {
                    return Ok(normalise::term(term, self.dialect));
                }
                self.pos += 1;
                let Some(Tok::Term(exception)) = toks.get(self.pos) else {
                    return Err(SyntaxError);
                };
                self.pos += 1;
                Ok(normalise::with(term, exception, self.dialect))
            }
            _ => Err(SyntaxError),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    fn spdx(s: &str) -> Option<String> {
        parse(s, Dialect::Spdx).ok().and_then(|n| n.render())
    }

    #[test]
    fn precedence_and_rendering() {
        assert_eq!(spdx("MIT").as_deref(), Some("MIT"));
        assert_eq!(
            spdx("mit OR apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            spdx("MIT AND BSD-3-Clause OR Apache-2.0").as_deref(),
            Some("(MIT AND BSD-3-Clause) OR Apache-2.0")
        );
        assert_eq!(
            spdx("MIT AND (BSD-3-Clause OR Apache-2.0)").as_deref(),
            Some("MIT AND (BSD-3-Clause OR Apache-2.0)")
        );
        assert_eq!(
            spdx("((MIT)) and (Zlib and (ISC and MIT))").as_deref(),
            Some("MIT AND Zlib AND ISC")
        );
        assert_eq!(
            spdx("Apache-2.0 WITH LLVM-exception OR MIT").as_deref(),
            Some("Apache-2.0 WITH LLVM-exception OR MIT")
        );
        // DEP-5's comma: `A or B, and C` is (A or B) and C.
        assert_eq!(
            spdx("GPL-2.0-or-later or Artistic-2.0, and BSD-3-Clause").as_deref(),
            Some("(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause")
        );
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "",
            "   ",
            "MIT AND",
            "OR MIT",
            "(MIT",
            "MIT)",
            "()",
            "MIT WITH",
            "MIT AND AND ISC",
            "MIT, , ISC",
            "(MIT OR) ISC",
        ] {
            assert_eq!(parse(bad, Dialect::Spdx), Err(SyntaxError), "{bad:?}");
        }
    }

    #[test]
    fn bounds() {
        let deep = format!("{}MIT{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(spdx(&deep).as_deref(), Some("MIT"));
        let deeper = format!("({deep})");
        assert_eq!(parse(&deeper, Dialect::Spdx), Err(SyntaxError));
        let many = vec!["MIT"; 300].join(" AND ");
        assert_eq!(parse(&many, Dialect::Spdx), Err(SyntaxError));
        let long = "a".repeat(MAX_ENTRY_BYTES + 1);
        assert_eq!(parse(&long, Dialect::Spdx), Err(SyntaxError));
    }
}
