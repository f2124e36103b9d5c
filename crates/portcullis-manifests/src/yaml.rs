//! YAML text to positioned trees, one document at a time, under limits.
//!
//! The parser gives events with spans; the tree is ours so that every node
//! keeps where it was written, and so that what an attacker controls is
//! bounded: the input's size, the nesting depth, and the nodes a document
//! may grow to — aliases count by what they expand to, so an alias bomb
//! (each level naming the one before ten times) stops at the budget instead
//! of eating memory. Duplicate keys are an error, as they are to kubectl
//! and `docker compose` (both go-yaml underneath).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as RawSpan, Tag};

/// A place in the text: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Where a node is: from its first character to just after its last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

fn pos(marker: &saphyr_parser::Marker) -> Pos {
    Pos {
        line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
        column: u32::try_from(marker.col().saturating_add(1)).unwrap_or(u32::MAX),
    }
}

fn span(raw: &RawSpan) -> Span {
    Span {
        start: pos(&raw.start),
        end: pos(&raw.end),
    }
}

/// How a scalar was written; a quoted `"true"` is a string, a plain `true` a boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    /// `|` or `>` blocks.
    Block,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// An explicit tag, as written (`!!str`, `!reset`), when there is one.
    pub tag: Option<Box<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar {
        text: String,
        style: Style,
    },
    Seq(Vec<Node>),
    /// Entries in document order; keys are unique (duplicates are refused).
    Map(Vec<(Node, Node)>),
}

/// Which booleans plain scalars spell: Kubernetes decodes with go-yaml v2
/// (YAML 1.1: `yes`, `on`, `y` are true), Compose with go-yaml v3 (YAML 1.2
/// core schema: only `true`/`false` in three casings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    Yaml11,
    Core,
}

impl Node {
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// A scalar's text, whatever it resolves to (`0`, `true` and `abc` alike).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    fn plain(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar {
                text,
                style: Style::Plain,
            } => Some(text),
            _ => None,
        }
    }

    fn tagged(&self, suffix: &str) -> bool {
        self.tag.as_deref().is_some_and(|t| {
            t == format!("!!{suffix}") || t == format!("tag:yaml.org,2002:{suffix}")
        })
    }

    /// `null`, `~`, an empty plain scalar, or `!!null`.
    pub fn is_null(&self) -> bool {
        if self.tagged("null") {
            return true;
        }
        if self.tag.is_some() {
            return false;
        }
        matches!(self.plain(), Some("" | "~" | "null" | "Null" | "NULL"))
    }

    /// The boolean a plain scalar (or a `!!bool` one) resolves to in `schema`.
    pub fn as_bool(&self, schema: Schema) -> Option<bool> {
        let text = if self.tagged("bool") {
            self.as_str()?
        } else if self.tag.is_some() {
            return None;
        } else {
            self.plain()?
        };
        match text {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ if schema == Schema::Yaml11 => match text {
                "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
                "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The integer a plain scalar (or a `!!int` one) resolves to: decimal
    /// with an optional sign, `0x` hexadecimal, `0o` octal.
    pub fn as_i64(&self) -> Option<i64> {
        let text = if self.tagged("int") {
            self.as_str()?
        } else if self.tag.is_some() {
            return None;
        } else {
            self.plain()?
        };
        let text = text.replace('_', "");
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(&text)),
        };
        let value = if let Some(hex) = digits.strip_prefix("0x") {
            i64::from_str_radix(hex, 16).ok()?
        } else if let Some(oct) = digits.strip_prefix("0o") {
            i64::from_str_radix(oct, 8).ok()?
        } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().ok()?
        } else {
            return None;
        };
        Some(if negative { -value } else { value })
    }

    /// The value at `key` of a mapping (keys compared as text).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node at `key` of a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }
}

/// One document of a stream: its index (0-based) and root (an empty
/// document's root is a null scalar).
#[derive(Clone, Debug)]
pub struct Document {
    pub index: usize,
    pub root: Option<Node>,
    /// Where the document starts (its `---`, or its first node).
    pub start: Pos,
}

/// What a stream may hold; crossing a limit is an error, not a partial read.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes of the whole stream.
    pub max_bytes: usize,
    /// Nesting of sequences and mappings.
    pub max_depth: usize,
    /// Nodes of one document, counting what aliases and merge keys expand to.
    pub max_nodes: usize,
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // 500,000 nodes of about 80 bytes each, plus their text, keep one
        // document's tree well under the 100 MiB the scan promises; a
        // rendered chart's biggest object is a few thousand nodes.
        // The parser has its own recursion limit (a little over 128 flow
        // levels); ours is lower, for one message whatever the nesting.
        Limits {
            max_bytes: 32 << 20,
            max_depth: 128,
            max_nodes: 500_000,
            max_documents: 100_000,
        }
    }
}

/// Why the text is not YAML that can be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for YamlError {}

fn error_at(at: Pos, message: impl Into<String>) -> YamlError {
    YamlError {
        line: at.line,
        column: at.column,
        message: message.into(),
    }
}

/// The text of `bytes`, or where it stops being UTF-8 (or is too big).
pub fn text<'b>(bytes: &'b [u8], limits: &Limits) -> Result<&'b str, YamlError> {
    if bytes.len() > limits.max_bytes {
        return Err(YamlError {
            line: 1,
            column: 1,
            message: format!(
                "{} bytes is more than the {} MiB a manifest may have",
                bytes.len(),
                limits.max_bytes >> 20
            ),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        YamlError {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            message: "not UTF-8 text".into(),
        }
    })
}

/// Every document of `bytes`, handed to `each` as soon as it is complete
/// (so only one document's tree is in memory at a time). `each` may stop
/// the stream by returning an error of its own.
pub fn for_each_document<E: From<YamlError>>(
    bytes: &[u8],
    limits: &Limits,
    mut each: impl FnMut(Document) -> Result<(), E>,
) -> Result<(), E> {
    let text = text(bytes, limits)?;
    let mut builder = Builder::new(limits);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, raw) = event.map_err(|e| error_at(pos(e.marker()), e.info().to_owned()))?;
        if let Some(document) = builder.event(event, span(&raw))? {
            each(document)?;
        }
    }
    Ok(())
}

/// All documents of `bytes` at once (for files that are one document, or few).
pub fn documents(bytes: &[u8], limits: &Limits) -> Result<Vec<Document>, YamlError> {
    let mut all = Vec::new();
    for_each_document(bytes, limits, |d| {
        all.push(d);
        Ok::<(), YamlError>(())
    })?;
    Ok(all)
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
        tag: Option<Box<str>>,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        seen: HashSet<String>,
        start: Span,
        anchor: usize,
        tag: Option<Box<str>>,
    },
}

struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    /// Anchored nodes of the current document, with their sizes in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    documents: usize,
    document_start: Pos,
    root: Option<Node>,
}

fn tag_text(tag: Option<Cow<'_, Tag>>) -> Option<Box<str>> {
    tag.map(|t| {
        let handle = if t.handle == "tag:yaml.org,2002:" {
            "!!"
        } else {
            &t.handle
        };
        format!("{handle}{}", t.suffix).into_boxed_str()
    })
}

fn size(node: &Node) -> usize {
    // Iterative: a tree's depth is bounded, but no recursion is cheaper to trust.
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    todo.push(k);
                    todo.push(v);
                }
            }
        }
    }
    count
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            documents: 0,
            document_start: Pos::default(),
            root: None,
        }
    }

    fn count(&mut self, n: usize, at: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(error_at(
                at,
                format!(
                    "the document grows to more than {} nodes (aliases count by what they expand to)",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, at: Span) -> Result<Option<Document>, YamlError> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(None),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > self.limits.max_documents {
                    return Err(error_at(
                        at.start,
                        format!("more than {} documents", self.limits.max_documents),
                    ));
                }
                self.document_start = at.start;
                self.anchors.clear();
                self.nodes = 0;
                self.root = None;
                Ok(None)
            }
            Event::DocumentEnd => Ok(Some(Document {
                index: self.documents.saturating_sub(1),
                root: self.root.take(),
                start: self.document_start,
            })),
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, at.start)?;
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        style,
                    },
                    span: at,
                    tag: tag_text(tag),
                };
                self.finish(node, anchor, 1)
            }
            Event::Alias(anchor) => {
                let Some((node, n)) = self.anchors.get(&anchor) else {
                    return Err(error_at(at.start, "an alias of an unknown anchor"));
                };
                let (node, n) = (node.clone(), *n);
                self.count(n, at.start)?;
                self.finish(node, 0, n)
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let is_seq = matches!(event, Event::SequenceStart(..));
                let (Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)) = event
                else {
                    return Ok(None);
                };
                self.count(1, at.start)?;
                if self.stack.len() >= self.limits.max_depth {
                    return Err(error_at(
                        at.start,
                        format!("nested more than {} levels deep", self.limits.max_depth),
                    ));
                }
                let tag = tag_text(tag);
                let frame = if is_seq {
                    Frame::Seq {
                        items: Vec::new(),
                        start: at,
                        anchor,
                        tag,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        seen: HashSet::new(),
                        start: at,
                        anchor,
                        tag,
                    }
                };
                self.stack.push(frame);
                Ok(None)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(error_at(at.start, "an end without a start"));
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                        tag,
                    } => (
                        Node {
                            kind: NodeKind::Seq(items),
                            span: Span {
                                start: start.start,
                                end: at.end,
                            },
                            tag,
                        },
                        anchor,
                    ),
                    Frame::Map {
                        entries,
                        start,
                        anchor,
                        tag,
                        ..
                    } => {
                        let entries = self.merge_keys(entries)?;
                        (
                            Node {
                                kind: NodeKind::Map(entries),
                                span: Span {
                                    start: start.start,
                                    end: at.end,
                                },
                                tag,
                            },
                            anchor,
                        )
                    }
                };
                let n = if anchor > 0 { size(&node) } else { 0 };
                self.finish(node, anchor, n)
            }
        }
    }

    /// YAML 1.1 merge keys (`<<: *defaults`, `<<: [*a, *b]`), which both
    /// go-yaml versions honour and Compose files lean on: the mapping's own
    /// keys win, then earlier merged mappings over later ones.
    fn merge_keys(&mut self, entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, YamlError> {
        let is_merge = |k: &Node| k.tag.is_none() && k.plain() == Some("<<");
        if !entries.iter().any(|(k, _)| is_merge(k)) {
            return Ok(entries);
        }
        let mut own = Vec::new();
        let mut sources = Vec::new();
        for (k, v) in entries {
            if is_merge(&k) {
                match v.kind {
                    NodeKind::Map(_) => sources.push(v),
                    NodeKind::Seq(items) => {
                        for item in items {
                            if item.as_map().is_none() {
                                return Err(error_at(
                                    item.span.start,
                                    "a merge key (<<) takes a mapping or a list of mappings",
                                ));
                            }
                            sources.push(item);
                        }
                    }
                    NodeKind::Scalar { .. } => {
                        return Err(error_at(
                            v.span.start,
                            "a merge key (<<) takes a mapping or a list of mappings",
                        ))
                    }
                }
            } else {
                own.push((k, v));
            }
        }
        let mut seen: HashSet<String> = own
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_owned))
            .collect();
        for source in sources {
            let NodeKind::Map(merged) = source.kind else {
                continue;
            };
            for (k, v) in merged {
                let Some(name) = k.as_str() else {
                    continue;
                };
                if seen.insert(name.to_owned()) {
                    // Already counted when the alias was expanded.
                    own.push((k, v));
                }
            }
        }
        Ok(own)
    }

    /// A complete node goes into its parent, or is the document's root.
    fn finish(
        &mut self,
        node: Node,
        anchor: usize,
        n: usize,
    ) -> Result<Option<Document>, YamlError> {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), n.max(1)));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Some(name) = k.as_str() {
                        let merge = k.tag.is_none() && name == "<<";
                        if !merge && !seen.insert(name.to_owned()) {
                            return Err(error_at(k.span.start, format!("duplicate key `{name}`")));
                        }
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let docs = documents(text.as_bytes(), &Limits::default()).expect("parses");
        docs.into_iter()
            .next()
            .and_then(|d| d.root)
            .expect("a root")
    }

    fn err(text: &str, limits: &Limits) -> YamlError {
        documents(text.as_bytes(), limits).expect_err("refused")
    }

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let root = one("kind: Pod\nspec:\n  containers:\n  - name: app\n    image: nginx\n");
        let (key, value) = root.entry("kind").expect("kind");
        assert_eq!(key.span.start, Pos { line: 1, column: 1 });
        assert_eq!(value.span.start, Pos { line: 1, column: 7 });
        assert_eq!(
            value.span.end,
            Pos {
                line: 1,
                column: 10
            }
        );
        let image = root
            .get("spec")
            .and_then(|s| s.get("containers"))
            .and_then(|c| c.as_seq())
            .and_then(|c| c[0].entry("image"))
            .expect("image");
        assert_eq!(image.0.span.start, Pos { line: 5, column: 5 });
        assert_eq!(
            image.1.span.start,
            Pos {
                line: 5,
                column: 12
            }
        );
        assert_eq!(image.1.as_str(), Some("nginx"));
    }

    #[test]
    fn documents_are_indexed_and_empty_ones_kept() {
        let docs = documents(b"a: 1\n---\n---\nb: 2\n", &Limits::default()).expect("parses");
        let shape: Vec<(usize, bool, u32)> = docs
            .iter()
            .map(|d| {
                (
                    d.index,
                    d.root.as_ref().is_some_and(|r| !r.is_null()),
                    d.start.line,
                )
            })
            .collect();
        assert_eq!(shape, vec![(0, true, 1), (1, false, 2), (2, true, 3)]);
    }

    #[test]
    fn scalars_resolve_by_style_and_schema() {
        let root =
            one("a: true\nb: 'true'\nc: yes\nd: 0\ne: \"0\"\nf: 0x1F\ng: ~\nh: !!str 12\ni: -7\n");
        let get = |k| root.get(k).expect(k);
        assert_eq!(get("a").as_bool(Schema::Core), Some(true));
        assert_eq!(get("b").as_bool(Schema::Core), None);
        assert_eq!(get("c").as_bool(Schema::Core), None);
        assert_eq!(get("c").as_bool(Schema::Yaml11), Some(true));
        assert_eq!(get("d").as_i64(), Some(0));
        assert_eq!(get("e").as_i64(), None);
        assert_eq!(get("f").as_i64(), Some(31));
        assert!(get("g").is_null());
        assert_eq!(get("h").as_i64(), None);
        assert_eq!(get("h").tag.as_deref(), Some("!!str"));
        assert_eq!(get("i").as_i64(), Some(-7));
    }

    #[test]
    fn aliases_and_merge_keys_expand() {
        let root = one("x: &d {a: 1, b: 2}\ny:\n  <<: *d\n  b: 3\nz: *d\n");
        let y = root.get("y").expect("y");
        let keys: Vec<_> = y
            .as_map()
            .expect("map")
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(keys, vec![(Some("b"), Some("3")), (Some("a"), Some("1"))]);
        assert_eq!(
            root.get("z")
                .and_then(|z| z.get("a"))
                .and_then(Node::as_i64),
            Some(1)
        );
    }

    #[test]
    fn an_alias_bomb_stops_at_the_node_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let e = err(&text, &Limits::default());
        assert!(e.message.contains("more than 500000 nodes"), "{e}");
        assert!(e.line >= 5 && e.line <= 7, "{e}");
    }

    #[test]
    fn duplicate_keys_deep_nesting_and_size_are_refused_at_their_place() {
        let e = err("a: 1\nb:\n  c: 1\n  c: 2\n", &Limits::default());
        assert_eq!(e.to_string(), "line 4 column 3: duplicate key `c`");
        // Flow nesting: the scanner looks ahead and stops first, in its words.
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let e = err(&deep, &Limits::default());
        assert_eq!(e.to_string(), "line 1 column 256: recursion limit exceeded");
        let limits = Limits {
            max_bytes: 8,
            ..Limits::default()
        };
        let e = err("a: 123456789\n", &limits);
        assert!(e.message.starts_with("13 bytes is more than"), "{e}");
    }

    #[test]
    fn deep_block_nesting_is_refused_too() {
        let mut text = String::new();
        for depth in 0..200 {
            text.push_str(&" ".repeat(depth));
            text.push_str("a:\n");
        }
        let e = err(&text, &Limits::default());
        assert_eq!(e.message, "nested more than 128 levels deep", "{e}");
        assert_eq!(e.line, 129, "{e}");
    }

    #[test]
    fn non_utf8_is_refused_at_the_byte() {
        let e = documents(b"a: 1\nb: caf\xe9\n", &Limits::default()).expect_err("refused");
        assert_eq!(e.to_string(), "line 2 column 7: not UTF-8 text");
    }

    #[test]
    fn syntax_errors_carry_the_parser_position() {
        let e = err("a: [1, 2\nb: 3\n", &Limits::default());
        assert!(e.line >= 1, "{e}");
        assert!(!e.message.is_empty());
    }
}
