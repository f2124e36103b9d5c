//! A Compose file as a tree of values that remember where they were
//! written (file, document, pointer, span), interpolated on the way in.

use std::sync::Arc;

use super::interpolate::{interpolate, Error as InterpolationError};
use super::{dotenv, ComposeError};
use crate::model::Loc;
use crate::pointer::Pointer;
use crate::yaml::{Node, NodeKind, Pos, Span, Style};

#[derive(Clone, Debug)]
pub(crate) struct Value {
    pub kind: Kind,
    pub at: Loc,
    /// `!reset`, `!override`, `!!str`… as written.
    pub tag: Option<Box<str>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// Text after interpolation; `plain` when written unquoted (a plain
    /// `null` or empty scalar is null).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Value>),
    /// Keys with the place of the key itself.
    Map(Vec<(String, Loc, Value)>),
}

impl Value {
    pub fn as_map(&self) -> Option<&[(String, Loc, Value)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar { text, plain } => {
                *plain
                    && self.tag.as_deref().is_none_or(|t| t == "!!null")
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tag.as_deref() == Some(tag)
    }
}

pub(crate) fn error(at: &Loc, message: impl Into<String>) -> ComposeError {
    ComposeError {
        path: at.path.clone(),
        line: at.span.start.line,
        column: at.span.start.column,
        message: message.into(),
    }
}

struct Walk<'a> {
    path: &'a Arc<str>,
    document: usize,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    notes: &'a mut Vec<(Loc, String)>,
}

pub(crate) fn from_yaml(
    path: &Arc<str>,
    document: usize,
    root: &Node,
    lookup: &dyn Fn(&str) -> Option<String>,
    notes: &mut Vec<(Loc, String)>,
) -> Result<Value, ComposeError> {
    let mut walk = Walk {
        path,
        document,
        lookup,
        notes,
    };
    walk.value(root, Pointer::root())
}

impl Walk<'_> {
    fn loc(&self, pointer: Pointer, span: Span) -> Loc {
        Loc {
            path: self.path.clone(),
            document: self.document,
            pointer,
            span,
        }
    }

    // Recursion is bounded by the YAML limits' depth (128).
    fn value(&mut self, node: &Node, pointer: Pointer) -> Result<Value, ComposeError> {
        let kind = match &node.kind {
            NodeKind::Scalar { text, style } => {
                let loc = self.loc(pointer.clone(), node.span);
                let text = self.interpolate(text, *style, &loc)?;
                Kind::Scalar {
                    text,
                    plain: *style == Style::Plain,
                }
            }
            NodeKind::Seq(items) => Kind::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.value(item, pointer.at(i)))
                    .collect::<Result<_, _>>()?,
            ),
            NodeKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let Some(key) = k.as_str() else {
                        return Err(error(
                            &self.loc(pointer.clone(), k.span),
                            "a key must be a string",
                        ));
                    };
                    let at = pointer.at(key);
                    let key_loc = self.loc(at.clone(), k.span);
                    out.push((key.to_owned(), key_loc, self.value(v, at)?));
                }
                Kind::Map(out)
            }
        };
        Ok(Value {
            kind,
            at: self.loc(pointer, node.span),
            tag: node.tag.clone(),
        })
    }

    fn interpolate(&mut self, text: &str, style: Style, at: &Loc) -> Result<String, ComposeError> {
        let mut unset = Vec::new();
        let result = interpolate(text, self.lookup, &mut unset);
        for (offset, name) in unset {
            let mut loc = at.clone();
            loc.span.start = place(text, offset, style, at.span);
            self.notes.push((
                loc,
                format!("the variable {name} is not set: it is read as an empty string"),
            ));
        }
        result.map_err(|e| {
            let (offset, message) = match e {
                InterpolationError::Required {
                    name,
                    reason,
                    offset,
                } => (offset, dotenv::required_message(&name, &reason)),
                InterpolationError::Invalid { offset } => {
                    (offset, format!("invalid interpolation in {text:?}"))
                }
                InterpolationError::TooDeep { offset } => (
                    offset,
                    "interpolation defaults nested more than 64 levels deep".to_owned(),
                ),
            };
            let start = place(text, offset, style, at.span);
            ComposeError {
                path: at.path.clone(),
                line: start.line,
                column: start.column,
                message,
            }
        })
    }
}

/// Where byte `offset` of a scalar's text is in the file: exact for a
/// scalar on one line (a quoted one shifted by its quote; escapes may move
/// it), else the scalar's start.
fn place(text: &str, offset: usize, style: Style, span: Span) -> Pos {
    if span.start.line != span.end.line || style == Style::Block {
        return span.start;
    }
    let shift = u32::from(style == Style::Quoted);
    let chars = text.get(..offset).map_or(0, |t| t.chars().count());
    Pos {
        line: span.start.line,
        column: span
            .start
            .column
            .saturating_add(shift)
            .saturating_add(u32::try_from(chars).unwrap_or(u32::MAX)),
    }
}
