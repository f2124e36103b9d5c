//! A zip archive read as a stream of local file headers (APPNOTE.TXT,
//! PKWARE's ".ZIP File Format Specification" 6.3.10: 4.3.7 local file
//! header, 4.3.9 data descriptor, 4.5.3 the ZIP64 extended information
//! extra field).
//!
//! The central directory is at the end of a zip; the local headers come
//! first, each followed by its entry's data, so a stream is read entry by
//! entry and the central directory, when reached, ends the reading. What an
//! entry's data is worth decides how it is read:
//!
//! - sizes known (general purpose flag bit 3 clear): an entry nobody wants
//!   is skipped by its compressed size, without inflating;
//! - bit 3 set (what `java.util.zip.ZipOutputStream` and the JDK's `jar`
//!   write for deflated entries, Info-ZIP `zip` writing to a pipe for
//!   stored ones too): the sizes are in a data descriptor after the data.
//!   A wanted deflated entry is inflated, and ends with its deflate
//!   stream. Any other is searched (`memmem`, no inflating: a JDK-made jar
//!   of 100 MiB is read at 1 GB/s when inflated, many times that this way)
//!   for the descriptor's signature `PK\x07\x08` followed by a compressed
//!   size equal to the bytes seen (stored: and an equal size). Every writer
//!   named here writes the optional signature; a descriptor without it is
//!   not found, and the entry runs to the end of the stream (a note);
//! - bit 3 set with any other method, or encrypted: the end cannot be
//!   found, the archive is read no further (a note).
//!
//! ZIP64 sizes come from the 0x0001 extra field; a data descriptor after a
//! ZIP64 entry has 8-byte sizes. Bytes before the first local header (a
//! launch script, as Spring Boot's "fully executable" jars have) are
//! skipped, up to [`PREFIX_CAP`].

use super::{Ctx, Kind};
use flate2::{Decompress, FlushDecompress, Status};

/// The most bytes before the first local header.
pub const PREFIX_CAP: u64 = 1 << 20;
/// The most bytes of a manifest or a pom.properties read.
pub const TEXT_CAP: usize = 512 << 10;

const LOCAL: &[u8; 4] = b"PK\x03\x04";
const DESCRIPTOR: &[u8; 4] = b"PK\x07\x08";

/// What the archive's entries hold, for its parent to turn into packages.
#[derive(Default)]
pub struct Entries {
    /// The main section of `META-INF/MANIFEST.MF`.
    pub manifest: Option<Vec<u8>>,
    /// The coordinates of each `META-INF/maven/G/A/pom.properties`, read
    /// when its entry ends (distinct, in order).
    pub poms: Vec<super::Coords>,
}

enum State {
    /// Before the first local header: a 4-byte look decides.
    Start,
    /// Skipping a prefix: searching for the first local header.
    Prefix {
        seen: u64,
    },
    /// Reading a record's signature into `buf`.
    Sig,
    /// Reading a local header into `buf`: `need` bytes in all.
    Local {
        need: usize,
    },
    Data(Box<Entry>),
    /// After a bit-3 entry: its descriptor (`zip64`: 8-byte sizes).
    Descriptor {
        zip64: bool,
    },
    /// The central directory was reached, or the archive is unreadable.
    End,
}

enum Sink {
    Skip,
    Text { pom: Option<String>, buf: Vec<u8> },
    Nested(Box<Zip>),
}

struct Entry {
    name: String,
    deflated: bool,
    bit3: bool,
    zip64: bool,
    /// The compressed size when known.
    size: Option<u64>,
    /// Compressed bytes consumed.
    consumed: u64,
    inflater: Option<Box<Decompress>>,
    sink: Sink,
    /// Stored with bit 3: data bytes held back (they may be the descriptor).
    held: Vec<u8>,
    /// The deflate stream ended (the rest of a known size is skipped).
    ended: bool,
}

/// One archive being read: the top-level file, or an entry of its parent.
pub struct Zip {
    depth: u32,
    /// Where this archive is inside the top-level file (`""` for the file
    /// itself, `BOOT-INF/lib/a.jar`, `lib/a.jar!/lib/b.jar`).
    pub inner: String,
    /// The archive's file name (for the `name-1.2.3.jar` fallback).
    pub file_name: String,
    state: State,
    buf: Vec<u8>,
    out: Vec<u8>,
    pub entries: Entries,
    /// The central directory (or the end record) was reached.
    pub complete: bool,
}

impl Zip {
    pub fn new(depth: u32, inner: String, file_name: String) -> Zip {
        Zip {
            depth,
            inner,
            file_name,
            state: State::Start,
            buf: Vec::new(),
            out: Vec::new(),
            entries: Entries::default(),
            complete: false,
        }
    }

    /// No more bytes are wanted.
    pub fn ended(&self) -> bool {
        matches!(self.state, State::End)
    }

    fn stop(&mut self, ctx: &mut Ctx, why: String) {
        let at = if self.inner.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.inner)
        };
        ctx.note(format!("{at}{why}"));
        self.state = State::End;
    }

    /// The archive's next bytes.
    pub fn feed(&mut self, mut input: &[u8], ctx: &mut Ctx) {
        while !input.is_empty() && !ctx.stopped {
            let used = self.step(input, ctx);
            if matches!(self.state, State::End) {
                return;
            }
            input = input.get(used..).unwrap_or(&[]);
        }
    }

    /// Consumes a prefix of `input` (at least one byte unless the state
    /// ends); returns how many bytes.
    fn step(&mut self, input: &[u8], ctx: &mut Ctx) -> usize {
        match &mut self.state {
            State::End => input.len(),
            State::Start => {
                let n = take(&mut self.buf, input, 4);
                if self.buf.len() < 4 {
                    return n;
                }
                match self.buf.get(..4) {
                    Some(s) if s == LOCAL => {}
                    Some(b"PK\x05\x06") => {
                        self.complete = true;
                        self.state = State::End;
                        return n;
                    }
                    Some([b'#', b'!', ..]) => {
                        self.buf.clear();
                        self.state = State::Prefix { seen: 4 };
                        // The 4 bytes are no local header: go on searching.
                        return n;
                    }
                    _ => {
                        self.stop(ctx, "not a zip archive".to_owned());
                        return n;
                    }
                }
                // The signature is in `buf`: read the header.
                self.state = State::Local { need: 30 };
                n
            }
            State::Prefix { seen } => {
                // `buf` holds the last 3 bytes seen (a signature may straddle).
                let keep = self.buf.len();
                let mut joint = std::mem::take(&mut self.buf);
                let look = input.len().min(PREFIX_CAP as usize);
                joint.extend_from_slice(input.get(..look).unwrap_or(&[]));
                if let Some(i) = memchr::memmem::find(&joint, LOCAL) {
                    // Consume up to the signature's end.
                    let used = (i + 4).saturating_sub(keep);
                    self.buf = LOCAL.to_vec();
                    self.state = State::Local { need: 30 };
                    return used.max(1).min(input.len());
                }
                *seen += look as u64;
                if *seen > PREFIX_CAP {
                    self.stop(ctx, "no zip local header in the first MiB".to_owned());
                    return look;
                }
                let tail = joint.len().min(3);
                self.buf = joint.split_off(joint.len() - tail);
                look
            }
            State::Sig => {
                let n = take(&mut self.buf, input, 4);
                if self.buf.len() < 4 {
                    return n;
                }
                let sig = [
                    self.buf.first().copied().unwrap_or(0),
                    self.buf.get(1).copied().unwrap_or(0),
                    self.buf.get(2).copied().unwrap_or(0),
                    self.buf.get(3).copied().unwrap_or(0),
                ];
                match &sig {
                    LOCAL => self.state = State::Local { need: 30 },
                    // Central directory, end of central directory (ZIP64
                    // too), archive extra data, digital signature.
                    b"PK\x01\x02" | b"PK\x05\x06" | b"PK\x06\x06" | b"PK\x06\x07"
                    | b"PK\x06\x08" | b"PK\x05\x05" => {
                        self.complete = true;
                        self.state = State::End;
                    }
                    _ => {
                        self.stop(
                            ctx,
                            format!("an unrecognised zip record ({sig:02x?}): read no further"),
                        );
                    }
                }
                n
            }
            State::Local { need } => {
                let want = *need;
                let n = take(&mut self.buf, input, want);
                if self.buf.len() < want {
                    return n;
                }
                if want == 30 {
                    let nlen = le(&self.buf, 26, 2) as usize;
                    let xlen = le(&self.buf, 28, 2) as usize;
                    if nlen + xlen > 0 {
                        self.state = State::Local {
                            need: 30 + nlen + xlen,
                        };
                        return n;
                    }
                }
                self.start_entry(ctx);
                n
            }
            State::Data(_) => self.data(input, ctx),
            State::Descriptor { zip64 } => {
                let zip64 = *zip64;
                let n = take(&mut self.buf, input, 4);
                if self.buf.len() < 4 {
                    return n;
                }
                // With its signature: 4 more for the CRC; without, the 4 were it.
                let sizes = if zip64 { 16 } else { 8 };
                let total = if self.buf.get(..4) == Some(DESCRIPTOR) {
                    8 + sizes
                } else {
                    4 + sizes
                };
                let m = take(&mut self.buf, input.get(n..).unwrap_or(&[]), total);
                if self.buf.len() >= total {
                    self.buf.clear();
                    self.state = State::Sig;
                }
                n + m
            }
        }
    }

    /// The local header is in `buf`: decide how to read the entry.
    fn start_entry(&mut self, ctx: &mut Ctx) {
        let h = std::mem::take(&mut self.buf);
        let flags = le(&h, 6, 2);
        let method = le(&h, 8, 2);
        let mut csize = le(&h, 18, 4);
        let mut usize_ = le(&h, 22, 4);
        let nlen = le(&h, 26, 2) as usize;
        let name = String::from_utf8_lossy(h.get(30..30 + nlen).unwrap_or(&[])).into_owned();
        let extra = h.get(30 + nlen..).unwrap_or(&[]);
        let mut zip64 = false;
        let mut x = extra;
        while x.len() >= 4 {
            let id = le(x, 0, 2);
            let len = le(x, 2, 2) as usize;
            let body = x.get(4..4 + len).unwrap_or(&[]);
            if id == 1 {
                zip64 = true;
                let mut at = 0;
                if usize_ == 0xffff_ffff {
                    usize_ = le(body, at, 8);
                    at += 8;
                }
                if csize == 0xffff_ffff {
                    csize = le(body, at, 8);
                }
            }
            x = x.get(4 + len..).unwrap_or(&[]);
        }
        let _ = usize_;
        let bit3 = flags & 8 != 0;
        let encrypted = flags & 1 != 0;
        let deflated = method == 8;
        let size = if !bit3 || (!deflated && csize != 0) {
            Some(csize)
        } else {
            None
        };
        if size.is_none() && (encrypted || !(deflated || method == 0)) {
            self.stop(
                ctx,
                format!(
                    "entry {name}: its size is only after it (method {method}): read no further"
                ),
            );
            return;
        }
        ctx.entries += 1;
        let sink = if encrypted || !(deflated || method == 0) {
            Sink::Skip
        } else {
            match super::kind(&name) {
                Kind::Manifest => Sink::Text {
                    pom: None,
                    buf: Vec::new(),
                },
                Kind::Pom(group) => Sink::Text {
                    pom: Some(group),
                    buf: Vec::new(),
                },
                Kind::Archive if self.depth + 1 > super::MAX_DEPTH => {
                    ctx.note_once_deep();
                    Sink::Skip
                }
                Kind::Archive => {
                    let inner = if self.inner.is_empty() {
                        name.clone()
                    } else {
                        format!("{}!/{}", self.inner, name)
                    };
                    let file_name = name.rsplit('/').next().unwrap_or(&name).to_owned();
                    Sink::Nested(Box::new(Zip::new(self.depth + 1, inner, file_name)))
                }
                Kind::Other => Sink::Skip,
            }
        };
        let wants = !matches!(sink, Sink::Skip);
        let inflater = (deflated && wants).then(|| Box::new(Decompress::new(false)));
        self.state = State::Data(Box::new(Entry {
            name,
            deflated,
            bit3,
            zip64,
            size,
            consumed: 0,
            inflater,
            sink,
            held: Vec::new(),
            ended: false,
        }));
    }

    /// Entry data.
    fn data(&mut self, input: &[u8], ctx: &mut Ctx) -> usize {
        let State::Data(e) = &mut self.state else {
            return input.len();
        };
        if self.out.is_empty() && e.inflater.is_some() {
            self.out = vec![0; 32 << 10];
        }
        let (used, done) = match e.size {
            Some(size) => {
                let part_len = (size.saturating_sub(e.consumed)).min(input.len() as u64) as usize;
                let part = input.get(..part_len).unwrap_or(&[]);
                if e.inflater.is_some() && !e.ended {
                    match inflate(e, part, &mut self.out, ctx) {
                        Inflated::Stop => {
                            self.state = State::End;
                            return input.len();
                        }
                        Inflated::Ate(_) => {}
                    }
                } else if !e.deflated {
                    write(&mut e.sink, part, ctx);
                }
                e.consumed += part_len as u64;
                (part_len, e.consumed >= size)
            }
            None if e.inflater.is_some() => match inflate(e, input, &mut self.out, ctx) {
                Inflated::Stop => {
                    self.state = State::End;
                    return input.len();
                }
                Inflated::Ate(0) if !e.ended => {
                    let name = e.name.clone();
                    self.stop(
                        ctx,
                        format!("entry {name}: the deflate data does not progress"),
                    );
                    return input.len();
                }
                Inflated::Ate(n) => {
                    e.consumed += n as u64;
                    (n, e.ended)
                }
            },
            None => {
                let (forward, found) = find_descriptor(e, input);
                write(&mut e.sink, &forward, ctx);
                match found {
                    Some(n) => {
                        e.consumed += n as u64;
                        self.finish_entry(ctx, true);
                        self.state = State::Sig;
                        return n;
                    }
                    None => {
                        e.consumed += input.len() as u64;
                        (input.len(), false)
                    }
                }
            }
        };
        if done {
            let (bit3, zip64) = (e.bit3, e.zip64);
            let whole = !(e.deflated && e.inflater.is_some() && !e.ended);
            self.finish_entry(ctx, whole);
            if !ctx.stopped && !matches!(self.state, State::End) {
                self.state = if bit3 {
                    State::Descriptor { zip64 }
                } else {
                    State::Sig
                };
            }
        }
        used
    }

    /// The entry ended: keep what it held.
    fn finish_entry(&mut self, ctx: &mut Ctx, whole: bool) {
        let State::Data(e) = std::mem::replace(&mut self.state, State::Sig) else {
            return;
        };
        let e = *e;
        if !whole && !ctx.stopped && !matches!(e.sink, Sink::Skip) {
            ctx.note(format!(
                "{}entry {}: its data is cut short",
                if self.inner.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", self.inner)
                },
                e.name
            ));
        }
        match e.sink {
            Sink::Skip => {}
            Sink::Text { pom: None, buf } => {
                if self.entries.manifest.is_none() {
                    self.entries.manifest = Some(buf);
                }
            }
            Sink::Text {
                pom: Some(group),
                buf,
            } => {
                if let Some(c) = super::coords(&group, &buf) {
                    if self.entries.poms.len() >= super::MAX_POMS {
                        ctx.note_once_poms();
                    } else if !self.entries.poms.contains(&c) {
                        self.entries.poms.push(c);
                    }
                }
            }
            Sink::Nested(child) => super::finish_archive(*child, ctx),
        }
    }

    /// The stream ended: what the archive's entries held so far.
    pub fn close(mut self, ctx: &mut Ctx) -> Zip {
        if let State::Data(_) = self.state {
            self.finish_entry(ctx, false);
        }
        self
    }
}

enum Inflated {
    /// Input bytes consumed (the deflate end may come before the last).
    Ate(usize),
    /// The budget is spent, or the data is corrupt and its end unknown.
    Stop,
}

/// Inflates `input` into the entry's sink.
fn inflate(e: &mut Entry, input: &[u8], out: &mut [u8], ctx: &mut Ctx) -> Inflated {
    let Some(z) = e.inflater.as_mut() else {
        return Inflated::Ate(input.len());
    };
    let start = z.total_in();
    let mut left = input;
    loop {
        let (in0, out0) = (z.total_in(), z.total_out());
        let status = match z.decompress(left, out, FlushDecompress::None) {
            Ok(s) => s,
            Err(_) => {
                ctx.note(format!("entry {}: corrupt deflate data", e.name));
                e.ended = true;
                e.inflater = None;
                return if e.size.is_some() {
                    Inflated::Ate(input.len())
                } else {
                    Inflated::Stop
                };
            }
        };
        let produced = (z.total_out() - out0) as usize;
        let ate = (z.total_in() - in0) as usize;
        left = left.get(ate..).unwrap_or(&[]);
        if produced > 0 {
            if ctx.spend(produced as u64) {
                return Inflated::Stop;
            }
            write(&mut e.sink, out.get(..produced).unwrap_or(&[]), ctx);
            if ctx.stopped {
                return Inflated::Stop;
            }
            if let Sink::Nested(child) = &e.sink {
                if child.ended() && e.size.is_some() {
                    // The nested archive wants no more: skip the rest.
                    e.ended = true;
                    return Inflated::Ate(input.len());
                }
            }
        }
        if matches!(status, Status::StreamEnd) {
            e.ended = true;
            break;
        }
        if produced == 0 && ate == 0 {
            break;
        }
    }
    let ate = (z.total_in() - start) as usize;
    Inflated::Ate(if e.size.is_some() { input.len() } else { ate })
}

/// Appends to `buf` up to `want` bytes in all from `input`.
fn take(buf: &mut Vec<u8>, input: &[u8], want: usize) -> usize {
    let n = want.saturating_sub(buf.len()).min(input.len());
    buf.extend_from_slice(input.get(..n).unwrap_or(&[]));
    n
}

/// Little-endian unsigned integer of `n` bytes at `at`, 0 if out of bounds.
fn le(b: &[u8], at: usize, n: usize) -> u64 {
    b.get(at..at + n)
        .map(|s| s.iter().rev().fold(0u64, |v, &c| v << 8 | u64::from(c)))
        .unwrap_or(0)
}

fn write(sink: &mut Sink, bytes: &[u8], ctx: &mut Ctx) {
    if bytes.is_empty() {
        return;
    }
    match sink {
        Sink::Skip => {}
        Sink::Text { buf, .. } => {
            let room = TEXT_CAP.saturating_sub(buf.len());
            if bytes.len() > room {
                ctx.note_once_text();
            }
            buf.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
        }
        Sink::Nested(child) => {
            if !child.ended() {
                child.feed(bytes, ctx);
            }
        }
    }
}

/// Data of unknown size not inflated (stored, or deflated and wanted by
/// nobody): the bytes of `part` (after those held) that are data for sure,
/// and, when the data descriptor is found, how many bytes of `part` it took
/// to its end. The descriptor is its signature, the CRC, and a compressed
/// size equal to the bytes seen (and, stored, an equal size), in 4 bytes,
/// or 8 after a ZIP64 local header.
fn find_descriptor(e: &mut Entry, part: &[u8]) -> (Vec<u8>, Option<usize>) {
    let held = e.held.len();
    let mut joint = std::mem::take(&mut e.held);
    joint.extend_from_slice(part);
    let base = e.consumed - held as u64; // data bytes before `joint`
    let (width, len) = if e.zip64 { (8, 24) } else { (4, 16) };
    let mut hold_from = joint.len().saturating_sub(len - 1);
    for q in memchr::memmem::find_iter(&joint, DESCRIPTOR) {
        if q + len > joint.len() {
            hold_from = hold_from.min(q);
            break;
        }
        let data_len = base + q as u64;
        let csize = le(&joint, q + 8, width);
        let usize_ = le(&joint, q + 8 + width, width);
        if csize == data_len && (e.deflated || usize_ == data_len) {
            let forward = if e.deflated {
                Vec::new()
            } else {
                joint.get(..q).unwrap_or(&[]).to_vec()
            };
            return (forward, Some((q + len).saturating_sub(held)));
        }
    }
    e.held = joint.split_off(hold_from);
    if e.deflated {
        joint.clear();
    }
    (joint, None)
}
