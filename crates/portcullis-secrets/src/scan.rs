//! The streaming scanner: a file's bytes in, chunk by chunk, [`Secret`]s
//! out, with memory bounded whatever the file holds.
//!
//! One prefilter ([`crate::prefilter`]) holds the anchors of every detector
//! (token prefixes, `-----BEGIN `, secret-sounding names, `://`); it runs
//! once over every byte, and a detector's exact validation runs only where one of its
//! anchors is. The scanner keeps a window of the stream: what is left of the
//! previous chunks that a pending anchor may still need ([`LOOKBEHIND`]
//! before it, [`LOOKAHEAD`] after it, [`keys::MAX_PEM`] after a PEM header)
//! and the new chunk; everything older is dropped once its lines are
//! counted. Credential files ([`files::wants`]) and key stores are held
//! whole up to their caps and parsed by structure when they end.

use std::ops::Range;
use std::sync::OnceLock;

use crate::keys::{self, Pem, PemKind};
use crate::tokens::{self, LOOKAHEAD, LOOKBEHIND};
use crate::{files, generic, mask, Code, Found, Secret};

/// Most secrets reported for one file: a hostile file of a million tokens
/// must not become a million findings held in memory.
pub const MAX_PER_FILE: usize = 1000;

/// What an anchor hit calls.
#[derive(Clone, Copy, Debug)]
enum Target {
    Token(usize),
    Pair(usize),
    Pem,
    Keyword,
    Uri,
}

/// The compiled prefilter: every anchor of every detector.
pub struct Catalogue {
    prefilter: crate::prefilter::Prefilter,
    /// Per pattern: the detectors to try where it is found (several kinds
    /// may share an anchor).
    targets: Vec<Vec<Target>>,
    longest: usize,
    /// The anchors, by the prefilter's pattern index.
    #[cfg_attr(not(test), allow(dead_code))]
    patterns: Vec<&'static str>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("patterns", &self.targets.len())
            .finish()
    }
}

const PEM_ANCHOR: &str = "-----BEGIN ";
const URI_ANCHOR: &str = "://";

impl Catalogue {
    fn build() -> Catalogue {
        let mut patterns: Vec<&'static str> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut add =
            |anchor: &'static str, target: Target| match patterns.iter().position(|p| *p == anchor)
            {
                Some(i) => targets[i].push(target),
                None => {
                    patterns.push(anchor);
                    targets.push(vec![target]);
                }
            };
        for (i, kind) in tokens::KINDS.iter().enumerate() {
            for anchor in kind.anchors {
                add(anchor, Target::Token(i));
            }
        }
        for (i, kind) in tokens::PAIRS.iter().enumerate() {
            for anchor in kind.anchors {
                add(anchor, Target::Pair(i));
            }
        }
        add(PEM_ANCHOR, Target::Pem);
        for keyword in generic::KEYWORDS {
            add(keyword, Target::Keyword);
        }
        add(URI_ANCHOR, Target::Uri);
        let longest = patterns.iter().map(|p| p.len()).max().unwrap_or(1);
        // Every place any anchor starts, also inside or at the start of
        // another (`API-` in `DD-API-KEY`, `sk-` of `sk-ant-`): the
        // prefilter's matching is overlapping and complete, at several GB/s
        // (an Aho-Corasick DFA over these ~270 anchors ran at 0.35–0.7 GB/s,
        // slower than the decompression it rides on).
        let prefilter = crate::prefilter::Prefilter::new(patterns.iter().map(|p| p.as_bytes()))
            .unwrap_or_else(|e| panic!("the built-in anchors build a prefilter: {e}"));
        Catalogue {
            prefilter,
            targets,
            longest,
            patterns,
        }
    }

    /// The catalogue of the built-in detectors, compiled once.
    pub fn builtin() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(Catalogue::build)
    }

    /// How many anchors the prefilter looks for.
    pub fn anchors(&self) -> usize {
        self.targets.len()
    }
}

/// The label of a PEM block `value` starts with (`PRIVATE KEY`), when it
/// is a short run of capitals and spaces.
fn pem_label(value: &[u8]) -> Option<String> {
    let rest = value.strip_prefix(PEM_ANCHOR.as_bytes())?;
    let end = memchr::memmem::find(&rest[..rest.len().min(64)], b"-----")?;
    let label = &rest[..end];
    label
        .iter()
        .all(|b| b.is_ascii_uppercase() || *b == b' ' || b.is_ascii_digit())
        .then(|| String::from_utf8_lossy(label).into_owned())
}

/// Whether `value` starts with a token kind's anchor.
fn looks_like_a_known_token(value: &[u8]) -> bool {
    tokens::KINDS
        .iter()
        .any(|k| k.anchors.iter().any(|a| value.starts_with(a.as_bytes())))
}

/// A secret found, before it is turned into a [`Secret`]: absolute ranges.
#[derive(Clone, Debug)]
struct Hit {
    start: u64,
    /// Rank among detectors that found the same bytes (higher wins).
    rank: u8,
    secret: Secret,
    end: u64,
}

/// A PEM block seen in the stream, classified when the file ends.
#[derive(Clone, Debug)]
struct PemSeen {
    pem: Pem,
    start: u64,
    line: u32,
    column: u32,
}

/// Line counting over the stream: the line and line start at `pos`.
#[derive(Clone, Copy, Debug)]
struct Cursor {
    pos: u64,
    line: u32,
    line_start: u64,
}

/// Scans one file, or one text, as its bytes arrive.
pub struct Scanner {
    catalogue: &'static Catalogue,
    path: Vec<u8>,
    /// The file held whole, when it is a credential file or key store.
    whole: Option<Vec<u8>>,
    whole_cap: u64,
    whole_over: bool,
    /// Whether the first chunk was seen (decisions by magic bytes).
    started: bool,
    window: Vec<u8>,
    /// Absolute offset of `window[0]`.
    window_start: u64,
    /// Where the line holding `window[0]` starts.
    window_line_start: u64,
    /// Where the next pass searches from: anchors before it were handled.
    next: u64,
    /// The window's end at the last pass.
    prev_end: u64,
    cursor: Cursor,
    /// Bytes above space (not whitespace or control) in the whole stream,
    /// and inside the PEM blocks seen: equal means the file holds nothing
    /// but its keys.
    content_bytes: u64,
    pem_content_bytes: u64,
    /// Bytes fed so far.
    seen: u64,
    /// A NUL byte in the first block: a binary file.
    binary: bool,
    /// The file starts (after whitespace) with dashes: it may be a key
    /// file of its own, so its content bytes are counted.
    maybe_own_file: bool,
    hits: Vec<Hit>,
    pems: Vec<PemSeen>,
    truncated: bool,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("path", &String::from_utf8_lossy(&self.path))
            .field("hits", &self.hits.len())
            .finish()
    }
}

/// What the scan of one file found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    pub secrets: Vec<Secret>,
    /// More than [`MAX_PER_FILE`] were found; the rest were dropped.
    pub truncated: bool,
}

fn is_content(b: u8) -> bool {
    b > b' '
}

/// Newlines in `bytes` (a loop the compiler vectorises).
fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Only files this small can be a key file of their own (a PEM block is at
/// most [`keys::MAX_PEM`]): larger ones are not counted byte by byte.
const OWN_FILE_MAX: u64 = 2 * keys::MAX_PEM as u64;

/// Bytes of the first block looked at to tell a binary file (a NUL byte
/// there, as git decides): generic assignments and URIs are not looked for
/// in binaries, whose strings are code and data, not configuration.
const BINARY_SNIFF: usize = 8 << 10;

fn content_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| is_content(b)).count() as u64
}

impl Scanner {
    /// A scanner for the file at `path` (relative to the image root, no
    /// leading `/`; empty for text that is not a file).
    pub fn new(path: &[u8]) -> Scanner {
        let whole = (files::wants(path)).then(Vec::new);
        Scanner {
            catalogue: Catalogue::builtin(),
            path: path.to_vec(),
            whole_cap: files::MAX_FILE,
            whole,
            whole_over: false,
            started: false,
            window: Vec::new(),
            window_start: 0,
            window_line_start: 0,
            next: 0,
            prev_end: 0,
            cursor: Cursor {
                pos: 0,
                line: 1,
                line_start: 0,
            },
            content_bytes: 0,
            pem_content_bytes: 0,
            seen: 0,
            binary: false,
            maybe_own_file: false,
            hits: Vec::new(),
            pems: Vec::new(),
            truncated: false,
        }
    }

    /// Scan `text` whole: a config value, a history entry, a Dockerfile.
    pub fn scan(path: &[u8], text: &[u8]) -> Scanned {
        let mut scanner = Scanner::new(path);
        scanner.feed(text);
        scanner.finish()
    }

    /// The file's next bytes. `size`, when known, helps decide whether a
    /// key store is held whole (see [`Scanner::feed_sized`]).
    pub fn feed(&mut self, chunk: &[u8]) {
        self.feed_sized(chunk, None);
    }

    /// [`Scanner::feed`] with the file's whole size, as a tar header says.
    pub fn feed_sized(&mut self, chunk: &[u8], size: Option<u64>) {
        if chunk.is_empty() {
            return;
        }
        if !self.started {
            self.started = true;
            let size = size.unwrap_or(chunk.len() as u64);
            if self.whole.is_none()
                && (keys::wants_store(&self.path, chunk, size)
                    || (size <= files::MAX_FILE && files::wants_by_head(chunk)))
            {
                self.whole = Some(Vec::new());
                self.whole_cap = if keys::wants_store(&self.path, chunk, size) {
                    keys::MAX_STORE.max(files::MAX_FILE)
                } else {
                    files::MAX_FILE
                };
            }
        }
        if let Some(whole) = &mut self.whole {
            if whole.len() as u64 + chunk.len() as u64 <= self.whole_cap {
                whole.extend_from_slice(chunk);
            } else {
                self.whole = None;
                self.whole_over = true;
            }
        }
        if self.seen == 0 {
            // A key file of its own starts (after whitespace) with its
            // BEGIN line; any other file cannot be one, and is not counted.
            let first = chunk.iter().position(|&b| is_content(b));
            self.maybe_own_file = first.is_none_or(|i| chunk[i..].starts_with(b"-----"));
        }
        if self.maybe_own_file && self.seen < OWN_FILE_MAX {
            self.content_bytes += content_count(chunk);
        }
        if self.seen < BINARY_SNIFF as u64 {
            let look = chunk.len().min(BINARY_SNIFF - self.seen as usize);
            self.binary |= memchr::memchr(0, &chunk[..look]).is_some();
        }
        self.seen += chunk.len() as u64;
        self.window.extend_from_slice(chunk);
        self.process(false);
        self.trim();
    }

    /// The file ended: what it holds.
    pub fn finish(mut self) -> Scanned {
        self.process(true);
        let whole = self.whole.take();
        if let Some(bytes) = whole {
            self.structured(&bytes);
        }
        self.classify_pems();
        let mut hits = std::mem::take(&mut self.hits);
        // Where several detectors found the same bytes, the most specific
        // one speaks: a key, then a vendor's exact token shape, then a
        // parsed credential file's entry, a URI, a generic assignment.
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.rank.cmp(&a.rank)));
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(last) = kept.last_mut() {
                if hit.start < last.end {
                    if hit.rank > last.rank {
                        *last = hit;
                    }
                    continue;
                }
            }
            kept.push(hit);
        }
        Scanned {
            secrets: kept.into_iter().map(|h| h.secret).collect(),
            truncated: self.truncated,
        }
    }

    fn window_end(&self) -> u64 {
        self.window_start + self.window.len() as u64
    }

    /// Handle the anchors in the window; with `last`, all of them, else
    /// those with enough bytes after them. Matching is overlapping: an
    /// anchor inside another (`API-` in `DD-API-KEY`) is seen too. An
    /// anchor is handled once: in the first pass whose window holds the
    /// bytes it needs (`prev_end` tells which were).
    fn process(&mut self, last: bool) {
        let catalogue = self.catalogue;
        let end = self.window_end();
        let from = (self.next.max(self.window_start) - self.window_start) as usize;
        if from >= self.window.len() {
            self.prev_end = end;
            return;
        }
        let mut pending: Option<u64> = None;
        // The matches are collected first: handling one needs `self`.
        let mut found: Vec<(usize, usize)> = Vec::new();
        catalogue
            .prefilter
            .for_each(&self.window, from, |pattern, start| {
                found.push((pattern, start))
            });
        found.sort_unstable_by_key(|&(pattern, start)| (start, pattern));
        for (pattern, at) in found {
            let abs = self.window_start + at as u64;
            let targets = &catalogue.targets[pattern];
            let needs = if targets.iter().any(|t| matches!(t, Target::Pem)) {
                keys::MAX_PEM as u64
            } else {
                LOOKAHEAD as u64
            };
            if abs + needs <= self.prev_end {
                continue; // handled in an earlier pass
            }
            if !last && abs + needs > end {
                pending = Some(pending.map_or(abs, |p| p.min(abs)));
                continue;
            }
            for &target in targets {
                self.handle(target, at);
            }
        }
        // A partial anchor may end the window: look at it again.
        let tail = end.saturating_sub(catalogue.longest as u64 - 1);
        self.next = if last {
            end
        } else {
            pending.map_or(tail, |p| p.min(tail)).max(self.next)
        };
        self.prev_end = end;
    }

    /// Drop what no pending anchor can need, counting its lines first.
    fn trim(&mut self) {
        let keep_from = self.next.saturating_sub(LOOKBEHIND as u64);
        if keep_from <= self.window_start {
            return;
        }
        let cut = (keep_from - self.window_start) as usize;
        self.advance_to(keep_from);
        if let Some(i) = memchr::memrchr(b'\n', &self.window[..cut]) {
            self.window_line_start = self.window_start + i as u64 + 1;
        }
        self.window.drain(..cut);
        self.window_start = keep_from;
    }

    /// Move the line cursor forward to `pos` (inside the window).
    fn advance_to(&mut self, pos: u64) {
        if pos <= self.cursor.pos {
            return;
        }
        let from = (self.cursor.pos - self.window_start) as usize;
        let to = (pos - self.window_start) as usize;
        let bytes = &self.window[from..to];
        let n = newlines(bytes);
        if n > 0 {
            if let Some(i) = memchr::memrchr(b'\n', bytes) {
                self.cursor.line_start = self.cursor.pos + i as u64 + 1;
            }
            self.cursor.line = self.cursor.line.saturating_add(n as u32);
        }
        self.cursor.pos = pos;
    }

    /// 1-based line and column of `pos` (inside the window).
    fn position(&mut self, pos: u64) -> (u32, u32) {
        if pos >= self.cursor.pos {
            self.advance_to(pos);
            let column = pos - self.cursor.line_start + 1;
            return (self.cursor.line, column.min(u32::MAX as u64) as u32);
        }
        // Behind the cursor (a detector's look-behind): count back.
        let from = (pos - self.window_start) as usize;
        let to = (self.cursor.pos - self.window_start) as usize;
        let between = newlines(&self.window[from..to]) as u32;
        let line_start = if between == 0 {
            self.cursor.line_start
        } else {
            match memchr::memrchr(b'\n', &self.window[..from]) {
                Some(i) => self.window_start + i as u64 + 1,
                None => self.window_line_start,
            }
        };
        let column = (pos - line_start + 1).min(u32::MAX as u64) as u32;
        (self.cursor.line.saturating_sub(between), column)
    }

    /// The window bytes a detector sees around `at` (window offset), and
    /// where the anchor is in them.
    fn around(&self, at: usize, after: usize) -> (Range<usize>, usize) {
        let start = at.saturating_sub(LOOKBEHIND);
        let end = (at + after).min(self.window.len());
        (start..end, at - start)
    }

    fn handle(&mut self, target: Target, at: usize) {
        match target {
            Target::Pem => self.pem(at),
            Target::Token(k) => {
                let (span, rel) = self.around(at, LOOKAHEAD);
                let kind = &tokens::KINDS[k];
                if let Some(r) = (kind.matches)(&self.window[span.clone()], rel) {
                    let found = Found {
                        code: kind.code,
                        kind: kind.kind,
                        what: kind.what,
                        range: r,
                        pair: None,
                    };
                    self.record(found, span.start, 4);
                }
            }
            Target::Pair(k) => {
                let (span, rel) = self.around(at, LOOKAHEAD);
                let parts = (tokens::PAIRS[k].matches)(&self.window[span.clone()], rel);
                for found in parts {
                    self.record(found, span.start, 4);
                }
            }
            Target::Keyword | Target::Uri if self.binary => {}
            Target::Keyword => {
                let (span, rel) = self.around(at, LOOKAHEAD);
                if let Some(found) = generic::assignment(&self.window[span.clone()], rel) {
                    self.record(found, span.start, 1);
                }
            }
            Target::Uri => {
                let (span, rel) = self.around(at, LOOKAHEAD);
                if let Some(found) = generic::uri(&self.window[span.clone()], rel) {
                    self.record(found, span.start, 2);
                }
            }
        }
    }

    /// A `-----BEGIN ` at window offset `at`. The text handed to the PEM
    /// reader ends with the first dashes line after the BEGIN line, so a
    /// million BEGIN lines cost one line each, not a block each.
    fn pem(&mut self, at: usize) {
        let rest = &self.window[at..];
        let limit = rest.len().min(keys::MAX_PEM);
        let rest = &rest[..limit];
        // The BEGIN line's closing dashes, then the next dashes after them:
        // the END line (or another BEGIN, which ends this attempt). Lines
        // may be real or escaped (`\n` in a JSON string), so no newline is
        // required; the text handed on ends shortly after those dashes.
        let open = PEM_ANCHOR.len();
        let Some(close) = rest
            .get(open..)
            .and_then(|r| memchr::memmem::find(r, b"-----"))
        else {
            return;
        };
        let header_end = open + close + 5;
        let Some(next) = rest
            .get(header_end..)
            .and_then(|r| memchr::memmem::find(r, b"-----"))
        else {
            return;
        };
        let dashes = header_end + next;
        // `-----END <label>-----` and a line break: a label is short.
        let end = (dashes + 5 + 80 + 2).min(rest.len());
        let Some(pem) = keys::pem_block(&rest[..end]) else {
            return;
        };
        let len = pem.len.min(end);
        self.pem_content_bytes += content_count(&rest[..len]);
        let start = self.window_start + at as u64;
        let (line, column) = self.position(start);
        self.pems.push(PemSeen {
            pem,
            start,
            line,
            column,
        });
    }

    /// Turn a detector's find (ranges relative to window offset `base`)
    /// into a hit.
    fn record(&mut self, found: Found, base: usize, rank: u8) {
        if self.hits.len() >= MAX_PER_FILE {
            self.truncated = true;
            return;
        }
        let mut range = (base + found.range.start)..(base + found.range.end);
        if rank == 1 {
            // A shell line continuation is not part of the value.
            let next = self.window.get(range.end).copied();
            if range.end > range.start
                && self.window.get(range.end - 1) == Some(&b'\\')
                && matches!(next, Some(b'\n' | b'\r'))
            {
                range.end -= 1;
            }
        }
        let Some(value) = self.window.get(range.clone()) else {
            return;
        };
        if rank == 1 && looks_like_a_known_token(value) {
            // A token shape its own validator refused (a wrong checksum, a
            // wrong length): not a real token, and not a password either.
            return;
        }
        let value = value.to_vec();
        let start = self.window_start + range.start as u64;
        let end = self.window_start + range.end as u64;
        let (line, column) = self.position(start);
        let related = found.pair.as_ref().and_then(|p| {
            let pos = self.window_start + (base + p.start) as u64;
            (pos >= self.window_start).then(|| self.position(pos))
        });
        let hit = self.make_hit(&found, &value, start, end, (line, column), related, rank);
        self.hits.push(hit);
    }

    #[allow(clippy::too_many_arguments)]
    fn make_hit(
        &self,
        found: &Found,
        value: &[u8],
        start: u64,
        end: u64,
        (line, column): (u32, u32),
        related: Option<(u32, u32)>,
        rank: u8,
    ) -> Hit {
        // A documented example, or one run on into the next string: a
        // binary packs its string literals end to end, so the example table
        // of a program (ours among them) reads as `sk_test_…` followed by
        // whatever literal comes next. A real key never starts with the
        // published example.
        let example = tokens::EXAMPLES
            .iter()
            .any(|(example, _)| value.starts_with(example.as_bytes()));
        let code = if example { Code::SQ34251 } else { found.code };
        Hit {
            start,
            end,
            rank,
            secret: Secret {
                code,
                kind: found.kind.to_owned(),
                what: found.what.to_owned(),
                line,
                column,
                offset: start,
                len: value.len().min(u32::MAX as usize) as u32,
                preview: if value.iter().take(16).any(|b| !(0x09..=0x7e).contains(b)) {
                    // A key store: its bytes say nothing to a person.
                    format!("(binary, {} bytes) ****", value.len())
                } else if let Some(label) = pem_label(value) {
                    // A key inside a structure (a service-account JSON):
                    // shown as keys are, by its BEGIN line.
                    format!("-----BEGIN {label}----- ****")
                } else {
                    mask::preview(value)
                },
                fingerprint: mask::fingerprint(value),
                related,
                whole_file: false,
            },
        }
    }

    /// A credential file or key store held whole: parsed by its structure.
    fn structured(&mut self, bytes: &[u8]) {
        let mut finds = files::scan(&self.path, bytes);
        if let Some(store) = keys::key_store(&self.path, bytes) {
            finds.push(store);
        }
        if finds.is_empty() {
            return;
        }
        // Line starts of the file, for positions (it is at most a few MiB).
        let mut starts = vec![0usize];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let position = |pos: usize| -> (u32, u32) {
            let line = starts.partition_point(|&s| s <= pos);
            let column = pos - starts[line.saturating_sub(1)] + 1;
            (line as u32, column.min(u32::MAX as usize) as u32)
        };
        for found in finds {
            if self.hits.len() >= MAX_PER_FILE {
                self.truncated = true;
                break;
            }
            let Some(value) = bytes.get(found.range.clone()) else {
                continue;
            };
            let at = position(found.range.start);
            let related = found.pair.as_ref().map(|p| position(p.start));
            // A service-account file names the account its key opens: more
            // than the key alone, which the PEM reader also sees in it.
            let rank = if found.kind.contains("service-account") {
                6
            } else {
                3
            };
            let mut hit = self.make_hit(
                &found,
                value,
                found.range.start as u64,
                found.range.end as u64,
                at,
                related,
                rank,
            );
            hit.secret.whole_file = found.range == (0..bytes.len());
            self.hits.push(hit);
        }
    }

    /// Give each PEM block seen its policy: by what it is, whether the file
    /// holds anything besides its keys, whether a certificate is with it,
    /// and whether it sits where SSH keys do.
    fn classify_pems(&mut self) {
        let own_file = !self.path.is_empty()
            && self.maybe_own_file
            && self.seen <= OWN_FILE_MAX
            && self.content_bytes == self.pem_content_bytes;
        // A key is paired with a certificate right before or after it (only
        // whitespace between): a bundle, in a file of its own or embedded.
        let paired: Vec<bool> = (0..self.pems.len())
            .map(|i| {
                let adjacent = |a: &PemSeen, b: &PemSeen| {
                    b.start >= a.start + a.pem.len as u64
                        && b.start - (a.start + a.pem.len as u64) <= 16
                };
                let me = &self.pems[i];
                let before = i
                    .checked_sub(1)
                    .and_then(|j| self.pems.get(j))
                    .is_some_and(|p| p.pem.kind == PemKind::Certificate && adjacent(p, me));
                let after = self
                    .pems
                    .get(i + 1)
                    .is_some_and(|p| p.pem.kind == PemKind::Certificate && adjacent(me, p));
                before || after
            })
            .collect();
        let ssh_path = keys::ssh_key_path(&self.path);
        let pems = std::mem::take(&mut self.pems);
        for (seen, with_certificate) in pems.into_iter().zip(paired) {
            let pick = |own: Code, embedded: Code| if own_file { own } else { embedded };
            let (code, kind, what) = match seen.pem.kind {
                PemKind::Certificate => continue,
                PemKind::SshPrivate => (
                    pick(Code::SQ34102, Code::SQ34103),
                    "ssh-private-key",
                    "unencrypted SSH private key",
                ),
                PemKind::SshEncrypted => (
                    pick(Code::SQ34104, Code::SQ34105),
                    "ssh-private-key-encrypted",
                    "passphrase-protected SSH private key",
                ),
                PemKind::Private if ssh_path => (
                    pick(Code::SQ34102, Code::SQ34103),
                    "ssh-private-key",
                    "unencrypted SSH private key",
                ),
                PemKind::Private if with_certificate => (
                    Code::SQ34107,
                    "certificate-with-private-key",
                    "certificate with its private key",
                ),
                PemKind::Private => (
                    pick(Code::SQ34108, Code::SQ34109),
                    "private-key",
                    "unencrypted private key",
                ),
                PemKind::Encrypted if ssh_path => (
                    pick(Code::SQ34104, Code::SQ34105),
                    "ssh-private-key-encrypted",
                    "passphrase-protected SSH private key",
                ),
                PemKind::Encrypted => (
                    pick(Code::SQ34110, Code::SQ34111),
                    "private-key-encrypted",
                    "encrypted private key",
                ),
                PemKind::PgpPrivate => (Code::SQ34106, "pgp-private-key", "PGP private key"),
            };
            let known = keys::known_key(&seen.pem.body_sha256);
            let code = if known.is_some() { Code::SQ34101 } else { code };
            if self.hits.len() >= MAX_PER_FILE {
                self.truncated = true;
                break;
            }
            self.hits.push(Hit {
                start: seen.start,
                end: seen.start + seen.pem.len as u64,
                rank: 5,
                secret: Secret {
                    code,
                    kind: kind.to_owned(),
                    what: what.to_owned(),
                    line: seen.line,
                    column: seen.column,
                    offset: seen.start,
                    len: seen.pem.len.min(u32::MAX as usize) as u32,
                    preview: format!("-----BEGIN {}----- ****", seen.pem.label),
                    fingerprint: mask::fingerprint(&seen.pem.body_sha256),
                    related: None,
                    whole_file: false,
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scan `text` fed in chunks of `size` bytes.
    fn chunked(path: &[u8], text: &[u8], size: usize) -> Scanned {
        let mut scanner = Scanner::new(path);
        for chunk in text.chunks(size.max(1)) {
            scanner.feed_sized(chunk, Some(text.len() as u64));
        }
        scanner.finish()
    }

    fn sample() -> Vec<u8> {
        let github = crate::fake::token("github-pat", 7);
        let mut text = Vec::new();
        text.extend_from_slice(b"#!/bin/sh\n# deploy script\n");
        text.extend_from_slice(format!("export GITHUB_TOKEN={github}\n").as_bytes());
        text.extend_from_slice(b"echo done\n");
        text.extend_from_slice(&vec![b'x'; 5000]);
        text.extend_from_slice(
            b"\n  DATABASE_URL=postgres://app:Zq8vR2mT9xK4wL7p@db.internal:5432/app\n",
        );
        text.extend_from_slice(format!("again: {github}\n").as_bytes());
        text
    }

    fn summary(s: &Scanned) -> Vec<(Code, String, u32, u32)> {
        s.secrets
            .iter()
            .map(|s| (s.code, s.kind.clone(), s.line, s.column))
            .collect()
    }

    #[test]
    fn lines_and_columns_are_exact_and_the_same_whatever_the_chunking() {
        let text = sample();
        let whole = Scanner::scan(b"app/deploy.sh", &text);
        let got = summary(&whole);
        assert_eq!(
            got,
            [
                (Code::SQ34304, "github-pat".to_owned(), 3, 21),
                (Code::SQ34302, "uri-password".to_owned(), 6, 31),
                (Code::SQ34304, "github-pat".to_owned(), 7, 8),
            ]
        );
        for size in [1, 2, 3, 7, 64, 255, 1000, 1025, 4096, 65536] {
            assert_eq!(
                summary(&chunked(b"app/deploy.sh", &text, size)),
                got,
                "chunks of {size}"
            );
        }
    }

    /// The documented Stripe example packed against the next string
    /// literal, as rustc lays out a binary's strings (seen in portcullis's
    /// own binary): an example, not a live key.
    #[test]
    fn a_documented_example_run_on_into_the_next_literal_is_an_example() {
        let packed =
            b"\x00\x01sk_test_BQokikJOvBiI2HlWgH4olfQ2ServerNameMustContainOneHostName\x00";
        let scanned = Scanner::scan(b"usr/local/bin/tool", packed);
        let codes: Vec<(Code, &str)> = scanned
            .secrets
            .iter()
            .map(|s| (s.code, s.kind.as_str()))
            .collect();
        assert_eq!(codes, [(Code::SQ34251, "stripe-test-key")]);
        // Not an example when only a part of it is there.
        let other = b"\x00sk_test_BQokikJOvBiI2HlWgH4olfQXServerNameMustContainOneHostName\x00";
        let scanned = Scanner::scan(b"usr/local/bin/tool", other);
        let codes: Vec<Code> = scanned.secrets.iter().map(|s| s.code).collect();
        assert_eq!(codes, [Code::SQ34305]);
    }

    #[test]
    fn no_value_leaves_the_scanner_whole() {
        let text = sample();
        let github = crate::fake::token("github-pat", 7);
        let scanned = Scanner::scan(b"x", &text);
        let shown = format!("{:?}", scanned);
        assert!(!shown.contains(&github), "{shown}");
        assert!(!shown.contains("Zq8vR2mT9xK4wL7p"), "{shown}");
        let first = &scanned.secrets[0];
        assert_eq!(first.preview, format!("{}************", &github[..6]));
        assert_eq!(first.fingerprint, mask::fingerprint(github.as_bytes()));
        assert_eq!(first.len as usize, github.len());
    }

    /// Feeds `total` bytes made by `make` and returns the largest window the
    /// scanner held.
    fn largest_window(total: usize, make: impl Fn(usize) -> u8) -> (usize, Scanned) {
        let mut scanner = Scanner::new(b"big");
        let mut chunk = vec![0u8; 64 << 10];
        let mut largest = 0;
        let mut done = 0;
        while done < total {
            let n = chunk.len().min(total - done);
            for (i, b) in chunk[..n].iter_mut().enumerate() {
                *b = make(done + i);
            }
            scanner.feed(&chunk[..n]);
            largest = largest.max(scanner.window.len());
            done += n;
        }
        (largest, scanner.finish())
    }

    /// The window stays within the look-behind, the longest need after an
    /// anchor (a PEM block's) and a chunk, whatever the input.
    const BOUND: usize = LOOKBEHIND + keys::MAX_PEM + (64 << 10);

    #[test]
    fn memory_stays_bounded_on_one_long_line_nul_bytes_and_invalid_utf8() {
        for (name, make) in [
            ("one line", (|_| b'a') as fn(usize) -> u8),
            ("NUL bytes", |_| 0),
            ("invalid UTF-8", |i| [0xff, 0xc3, 0x28, 0xa0][i % 4]),
        ] {
            let (largest, scanned) = largest_window(32 << 20, make);
            assert!(largest <= BOUND, "{name}: window of {largest}");
            assert!(scanned.secrets.is_empty(), "{name}");
        }
    }

    #[test]
    fn a_pem_header_with_a_huge_body_and_a_million_begin_lines_stay_bounded() {
        // A PEM header and 32 MiB of base64 that never ends.
        let header = b"-----BEGIN RSA PRIVATE KEY-----\n";
        let (largest, scanned) = largest_window(32 << 20, |i| {
            header
                .get(i)
                .copied()
                .unwrap_or(if i % 65 == 64 { b'\n' } else { b'A' })
        });
        assert!(largest <= BOUND, "window of {largest}");
        assert!(scanned.secrets.is_empty());
        // A million BEGIN lines: each costs its line, not a block.
        let line = b"-----BEGIN PRIVATE KEY-----\n";
        let (largest, scanned) = largest_window(line.len() * 1_000_000, |i| line[i % line.len()]);
        assert!(largest <= BOUND, "window of {largest}");
        assert!(scanned.secrets.is_empty());
    }

    #[test]
    fn a_file_of_many_tokens_reports_a_bounded_number() {
        let github = crate::fake::token("github-pat", 3);
        let text = format!("{github}\n").repeat(MAX_PER_FILE + 500);
        let scanned = Scanner::scan(b"tokens.txt", text.as_bytes());
        assert_eq!(scanned.secrets.len(), MAX_PER_FILE);
        assert!(scanned.truncated);
    }

    #[test]
    fn the_prefilter_holds_every_detector_anchor() {
        let catalogue = Catalogue::builtin();
        let expected: std::collections::BTreeSet<&str> = tokens::KINDS
            .iter()
            .flat_map(|k| k.anchors.iter().copied())
            .chain(tokens::PAIRS.iter().flat_map(|k| k.anchors.iter().copied()))
            .chain(generic::KEYWORDS.iter().copied())
            .chain([PEM_ANCHOR, URI_ANCHOR])
            .collect();
        assert_eq!(catalogue.anchors(), expected.len());
        // Every anchor is found where it is, also inside text and inside
        // another anchor (overlapping, complete).
        for (i, anchor) in catalogue.patterns.iter().enumerate() {
            let text = format!("x{anchor}y");
            let mut seen = Vec::new();
            catalogue
                .prefilter
                .for_each(text.as_bytes(), 0, |p, at| seen.push((p, at)));
            assert!(seen.contains(&(i, 1)), "{anchor}: {seen:?}");
        }
    }
}
