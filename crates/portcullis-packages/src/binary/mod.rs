//! Packages recorded inside executables, read from an ELF file as it
//! streams: Go build info ([`golang`]) and `cargo auditable` data
//! ([`auditable`]).
//!
//! The reader never holds the whole file. It keeps:
//!
//! - the first [`HEAD_CAP`] bytes (the ELF header, the program headers,
//!   and Go's section headers, which its linker writes right after them);
//!   program headers further on (as BOLT leaves them) are read when they
//!   stream, and only what follows them is searched;
//! - Go: it searches the file bytes of every writable, non-executable
//!   `PT_LOAD` segment (`.go.buildinfo` starts the first for an executable
//!   of the Go linker, `debug/buildinfo`'s own fallback, and the second for
//!   its PIEs, after `.data.rel.ro`) for the build info magic at a 16-byte
//!   aligned address, with a 13-byte carry between chunks, and keeps the
//!   build info from the magic on, up to [`golang::INFO_CAP`];
//! - cargo auditable: the bytes after the end of the last `PT_LOAD`'s file
//!   extent (where non-allocated sections such as `.dep-v0` lie), up to
//!   [`TAIL_CAP`]; once the stream reaches the end of the section headers
//!   (the ELF header says where), it reads the section names and takes
//!   `.dep-v0` from the kept bytes. Beyond the cap (a binary with debug
//!   info: lld puts `.dep-v0` after the `.debug_*` sections, just before
//!   `.symtab`), the tail is hunted through as it streams for a zlib
//!   stream that inflates to `{"packages"` ([`auditable::Hunter`]); the
//!   same recognition serves files without usable section headers.
//!
//! - Go < 1.18: the module info between its sentinels in the read-only
//!   segments, up to [`golang::INFO_CAP`].
//!
//! Memory per file, bounded: 64 KiB (head) + 2 MiB (tail) + 1 MiB (Go
//! build info) + 1 MiB (Go < 1.18 module info) + the hunter's window
//! (64 KiB and a chunk) + the inflated JSON (at most 3 MiB, transiently):
//! under 8 MiB with 64 KiB chunks. In practice a few KiB: a stripped
//! binary's tail is a few KiB, and a Go binary keeps no tail once its
//! build info is read. Work per byte: nothing outside the windows (a
//! position counter), a `memmem` over the Go data segments and the
//! read-only segments, a copy of the tail.
//!
//! A file that does not start with `\x7fELF` is rejected in its first chunk;
//! files under 64 bytes are not offered. The feed stops as soon as both
//! questions are answered (Go: the data segments passed without the magic,
//! or the build info read; cargo: the section headers read, or the section
//! read), so a Go binary ends early and a C binary is read to its section
//! headers. Go build info and cargo auditable data in one file are both
//! reported.

pub mod auditable;
pub mod golang;

use crate::catalog::FileCataloger;
use crate::model::Found;

/// The first bytes kept: the ELF header and the program headers.
pub const HEAD_CAP: usize = 64 << 10;
/// The most bytes kept after the last loaded segment.
pub const TAIL_CAP: usize = 2 << 20;
/// The most build info bytes kept from the magic on.
const GO_CAP: usize = golang::HEADER + 2 * 10 + 1024 + golang::INFO_CAP;
/// The most section headers read.
const MAX_SECTIONS: u64 = 1 << 14;

/// The cataloger for a regular file no other cataloger claimed.
pub fn cataloger(_path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    if size < 64 {
        return None;
    }
    Some(Box::new(Elf::new()))
}

#[derive(Clone, Copy)]
struct Layout {
    class64: bool,
    big: bool,
    shoff: u64,
    shentsize: u64,
    shnum: u64,
    shstrndx: u64,
}

/// A file range searched for the Go magic: `[start, end)`, and the bias
/// that makes a file offset an address (`p_vaddr - p_offset`), for the
/// alignment test.
#[derive(Clone, Copy)]
struct Range {
    start: u64,
    end: u64,
    bias: u64,
}

/// The most writable segments searched.
const MAX_RANGES: usize = 16;

enum Go {
    /// Searching the writable segments, in file order, from `ranges[idx]`.
    Search {
        ranges: Vec<Range>,
        idx: usize,
    },
    /// The magic was found; the bytes from it on.
    Read {
        buf: Vec<u8>,
        need: usize,
    },
    Done,
}

enum Dep {
    /// Waiting for the section headers to have streamed.
    Wait,
    /// The section is at `[start, start+len)`, beyond what is kept so far.
    Read {
        start: u64,
        len: u64,
        buf: Vec<u8>,
    },
    Done,
}

/// Go < 1.18: the module info in the read-only segments, between its
/// sentinels ([`golang::INFO_START`], [`golang::INFO_END`]).
#[derive(Default)]
struct Rodata {
    ranges: Vec<Range>,
    idx: usize,
    carry: Vec<u8>,
    /// The bytes after the start sentinel, while the end is not found.
    capture: Option<Vec<u8>>,
    /// The module info, complete.
    text: Option<Vec<u8>>,
}

impl Rodata {
    /// Bytes at file offset `start`.
    fn observe(&mut self, start: u64, bytes: &[u8]) {
        if self.text.is_some() {
            return;
        }
        if let Some(cap) = self.capture.as_mut() {
            let old = cap.len();
            let room = golang::INFO_CAP.saturating_sub(old);
            cap.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
            let from = old.saturating_sub(golang::INFO_END.len() - 1);
            let hay = cap.get(from..).unwrap_or(&[]);
            if let Some(i) = memchr::memmem::find(hay, golang::INFO_END) {
                cap.truncate(from + i);
                self.text = self.capture.take();
            } else if cap.len() >= golang::INFO_CAP {
                self.capture = None;
                self.ranges.clear();
            }
            return;
        }
        let end = start + bytes.len() as u64;
        let keep = golang::INFO_START.len() - 1;
        while let Some(&r) = self.ranges.get(self.idx) {
            if end <= r.start {
                return;
            }
            if start >= r.end {
                self.idx += 1;
                self.carry.clear();
                continue;
            }
            let from = r.start.max(start);
            let to = r.end.min(end);
            let part = bytes
                .get((from - start) as usize..(to - start) as usize)
                .unwrap_or(&[]);
            let mut joint = std::mem::take(&mut self.carry);
            let carried = joint.len();
            joint.extend_from_slice(part.get(..part.len().min(keep)).unwrap_or(&[]));
            let hit = memchr::memmem::find(&joint, golang::INFO_START)
                .filter(|&i| i < carried)
                .map(|i| (joint.get(i..).unwrap_or(&[]).to_vec(), part.len().min(keep)))
                .or_else(|| {
                    memchr::memmem::find(part, golang::INFO_START)
                        .map(|i| (part.get(i..i).unwrap_or(&[]).to_vec(), i))
                });
            if let Some((head, at)) = hit {
                // `head` holds the sentinel's bytes before `part[at..]`.
                let mut from_sentinel = head;
                from_sentinel
                    .extend_from_slice(bytes.get((from - start) as usize + at..).unwrap_or(&[]));
                let after = from_sentinel
                    .get(golang::INFO_START.len()..)
                    .unwrap_or(&[])
                    .to_vec();
                self.capture = Some(Vec::new());
                self.observe(end, &after);
                return;
            }
            let tail_from = joint.len().saturating_sub(keep);
            if part.len() >= keep {
                self.carry = part.get(part.len() - keep..).unwrap_or(&[]).to_vec();
            } else {
                self.carry = joint.split_off(tail_from);
            }
            if to < r.end {
                return;
            }
            self.idx += 1;
            self.carry.clear();
        }
    }
}

/// Program headers beyond [`HEAD_CAP`], awaited.
struct Late {
    layout: Layout,
    phoff: u64,
    len: usize,
    phentsize: u64,
    phnum: u64,
    buf: Vec<u8>,
}

/// The streaming ELF reader.
pub struct Elf {
    late: Option<Late>,
    pos: u64,
    head: Vec<u8>,
    layout: Option<Layout>,
    go: Go,
    carry: Vec<u8>,
    dep: Dep,
    tail_start: u64,
    tail: Vec<u8>,
    tail_full: bool,
    /// Beyond the kept tail: cargo auditable's zlib stream, recognised.
    hunter: auditable::Hunter,
    rodata: Rodata,
    found: Found,
}

impl Default for Elf {
    fn default() -> Self {
        Self::new()
    }
}

impl Elf {
    pub fn new() -> Elf {
        Elf {
            late: None,
            pos: 0,
            head: Vec::new(),
            layout: None,
            go: Go::Done,
            carry: Vec::new(),
            dep: Dep::Wait,
            tail_start: u64::MAX,
            tail: Vec::new(),
            tail_full: false,
            hunter: auditable::Hunter::default(),
            rodata: Rodata::default(),
            found: Found::default(),
        }
    }

    fn done(&self) -> bool {
        matches!(self.go, Go::Done) && matches!(self.dep, Dep::Done)
    }

    /// Reads the ELF header and program headers from `head`. `Err(())`: not
    /// an ELF (stop). `Ok(false)`: more bytes needed.
    fn layout(&mut self) -> Result<bool, ()> {
        let h = &self.head;
        let magic_len = h.len().min(4);
        if h.get(..magic_len) != b"\x7fELF".get(..magic_len) {
            return Err(());
        }
        if h.len() < 64 {
            return Ok(false);
        }
        let class64 = match h.get(4) {
            Some(2) => true,
            Some(1) => false,
            _ => return Err(()),
        };
        let big = match h.get(5) {
            Some(2) => true,
            Some(1) => false,
            _ => return Err(()),
        };
        let r = Reader { b: h, big };
        let (phoff, shoff, at) = if class64 {
            (r.u64(0x20), r.u64(0x28), 0x36)
        } else {
            (r.u32(0x1c), r.u32(0x20), 0x2a)
        };
        let phentsize = r.u16(at);
        let phnum = r.u16(at + 2);
        let shentsize = r.u16(at + 4);
        let shnum = r.u16(at + 6);
        let shstrndx = r.u16(at + 8);
        let phsize = if class64 { 56 } else { 32 };
        let ph_len = phentsize.saturating_mul(phnum);
        let ph_end = phoff.saturating_add(ph_len);
        let layout = Layout {
            class64,
            big,
            shoff,
            shentsize,
            shnum,
            shstrndx,
        };
        if phnum > 0 && phentsize < phsize {
            self.found.notes.push(format!(
                "ELF program headers of {phentsize} bytes, less than {phsize}: not read"
            ));
            return Ok(true);
        }
        if ph_end > HEAD_CAP as u64 {
            // Program headers late in the file (as BOLT leaves them): read
            // when they stream; what passed before is not searched.
            if ph_len > HEAD_CAP as u64 || phoff < 64 {
                self.found.notes.push(format!(
                    "ELF program headers at {phoff} ({phnum} of {phentsize} bytes) are malformed: not read"
                ));
                return Ok(true);
            }
            // The part already in the head (the rest streams after it).
            let buf = h
                .get((phoff as usize).min(h.len())..)
                .unwrap_or(&[])
                .to_vec();
            self.late = Some(Late {
                layout,
                phoff,
                len: ph_len as usize,
                phentsize,
                phnum,
                buf,
            });
            return Ok(true);
        }
        if (h.len() as u64) < ph_end {
            return Ok(false);
        }
        let ph = h
            .get(phoff as usize..ph_end as usize)
            .unwrap_or(&[])
            .to_vec();
        // Everything so far is in the head, observed from 0 next.
        self.apply(layout, &ph, phentsize, phnum, 0);
        Ok(true)
    }

    /// The program headers `ph` (`phnum` of `phentsize` bytes) are here;
    /// the bytes from `next` on will be observed.
    fn apply(&mut self, layout: Layout, ph: &[u8], phentsize: u64, phnum: u64, next: u64) {
        let (class64, big) = (layout.class64, layout.big);
        let r = Reader { b: ph, big };
        let mut ranges = Vec::new();
        let mut tail_start = 0u64;
        for i in 0..phnum {
            let o = (i * phentsize) as usize;
            let (ptype, flags, offset, vaddr, filesz) = if class64 {
                (
                    r.u32(o),
                    r.u32(o + 4),
                    r.u64(o + 8),
                    r.u64(o + 16),
                    r.u64(o + 32),
                )
            } else {
                (
                    r.u32(o),
                    r.u32(o + 24),
                    r.u32(o + 4),
                    r.u32(o + 8),
                    r.u32(o + 16),
                )
            };
            const PT_LOAD: u64 = 1;
            const PF_X: u64 = 1;
            const PF_W: u64 = 2;
            if ptype != PT_LOAD {
                continue;
            }
            tail_start = tail_start.max(offset.saturating_add(filesz));
            // Writable, not executable: where `.go.buildinfo` is (the
            // first such segment for the Go linker's executables, the
            // second for its PIEs, after `.data.rel.ro`).
            if flags & (PF_X | PF_W) == 0 && filesz > 0 && self.rodata.ranges.len() < MAX_RANGES {
                self.rodata.ranges.push(Range {
                    start: offset,
                    end: offset.saturating_add(filesz),
                    bias: vaddr.wrapping_sub(offset),
                });
            }
            if flags & (PF_X | PF_W) == PF_W && filesz > 0 && ranges.len() < MAX_RANGES {
                ranges.push(Range {
                    start: offset,
                    end: offset.saturating_add(filesz),
                    bias: vaddr.wrapping_sub(offset),
                });
            }
        }
        ranges.sort_by_key(|r| r.start);
        self.rodata.ranges.sort_by_key(|r| r.start);
        self.go = if ranges.is_empty() {
            Go::Done
        } else {
            Go::Search { ranges, idx: 0 }
        };
        // Late program headers: the tail starts no earlier than what is
        // observed next.
        self.tail_start = tail_start.max(next);
        self.layout = Some(layout);
    }

    /// Offers bytes at file offset `start` to the windows.
    fn observe(&mut self, start: u64, bytes: &[u8]) {
        let end = start + bytes.len() as u64;
        // The tail: kept up to its cap, then hunted through.
        if end > self.tail_start && !matches!(self.dep, Dep::Done) {
            let from = self.tail_start.max(start);
            let part = bytes.get((from - start) as usize..).unwrap_or(&[]);
            let room = if self.tail_full {
                0
            } else {
                TAIL_CAP - self.tail.len()
            };
            let (keep, beyond) = part.split_at(room.min(part.len()));
            self.tail.extend_from_slice(keep);
            if !beyond.is_empty() {
                self.tail_full = true;
                self.hunter.feed(beyond);
            }
        }
        if matches!(self.go, Go::Search { .. }) {
            self.rodata.observe(start, bytes);
        }
        self.go_observe(start, bytes);
        self.dep_observe(start, bytes);
    }

    fn go_observe(&mut self, start: u64, bytes: &[u8]) {
        let end = start + bytes.len() as u64;
        loop {
            match &mut self.go {
                Go::Done => return,
                Go::Read { buf, .. } => {
                    let room = GO_CAP.saturating_sub(buf.len());
                    buf.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
                    self.go_try();
                    return;
                }
                Go::Search { ranges, idx } => {
                    let Some(&r) = ranges.get(*idx) else {
                        self.go = Go::Done;
                        return;
                    };
                    if end <= r.start {
                        return;
                    }
                    if start >= r.end {
                        // Passed (or skipped, for overlapping ranges).
                        *idx += 1;
                        self.carry.clear();
                        continue;
                    }
                    let from = r.start.max(start);
                    let to = r.end.min(end);
                    if let Some(m) = self.search(
                        r,
                        from,
                        bytes
                            .get((from - start) as usize..(to - start) as usize)
                            .unwrap_or(&[]),
                    ) {
                        // `carry` + `bytes[from..]` hold the magic on.
                        let carry_start = from - self.carry.len() as u64;
                        let mut buf = std::mem::take(&mut self.carry);
                        buf.extend_from_slice(bytes.get((from - start) as usize..).unwrap_or(&[]));
                        let mut buf = buf.split_off(((m - carry_start) as usize).min(buf.len()));
                        buf.truncate(GO_CAP);
                        self.go = Go::Read {
                            buf,
                            need: golang::HEADER,
                        };
                        self.go_try();
                        return;
                    }
                    if to < r.end {
                        return;
                    }
                    if let Go::Search { idx, .. } = &mut self.go {
                        *idx += 1;
                    }
                    self.carry.clear();
                }
            }
        }
    }

    /// Searches `part` (the bytes of range `r` at file offset `from`, just
    /// after those in `carry`) for the magic at an aligned address; keeps
    /// the last 13 bytes in `carry` when it is not found.
    fn search(&mut self, r: Range, from: u64, part: &[u8]) -> Option<u64> {
        let aligned = |off: u64| off.wrapping_add(r.bias).is_multiple_of(golang::ALIGN);
        let keep = golang::MAGIC.len() - 1;
        if !self.carry.is_empty() {
            let carry_start = from - self.carry.len() as u64;
            let mut joint = self.carry.clone();
            joint.extend_from_slice(part.get(..part.len().min(keep)).unwrap_or(&[]));
            let hit = memchr::memmem::find_iter(&joint, golang::MAGIC)
                .filter(|&i| i < self.carry.len())
                .map(|i| carry_start + i as u64)
                .find(|&o| aligned(o));
            if hit.is_some() {
                return hit;
            }
        }
        let hit = memchr::memmem::find_iter(part, golang::MAGIC)
            .map(|i| from + i as u64)
            .find(|&o| aligned(o));
        if hit.is_some() {
            return hit;
        }
        if part.len() >= keep {
            self.carry.clear();
            self.carry
                .extend_from_slice(part.get(part.len() - keep..).unwrap_or(&[]));
        } else {
            self.carry.extend_from_slice(part);
            let extra = self.carry.len().saturating_sub(keep);
            self.carry.drain(..extra);
        }
        None
    }

    fn go_try(&mut self) {
        let Go::Read { buf, need } = &mut self.go else {
            return;
        };
        if buf.len() < *need {
            if buf.len() >= GO_CAP {
                self.found
                    .notes
                    .push("the Go build info is larger than the reader keeps: not read".to_owned());
                self.go = Go::Done;
            }
            return;
        }
        let parsed = match golang::parse_header(buf) {
            golang::Header::Need(n) => {
                *need = n;
                return;
            }
            golang::Header::Done(f) => f,
            golang::Header::Pointers => match self.rodata.text.take() {
                Some(text) => {
                    let mut f = golang::parse_modinfo(&String::from_utf8_lossy(&text));
                    f.notes.push(
                        "Go build info of Go before 1.18: the modules read from .rodata, the Go version not read"
                            .to_owned(),
                    );
                    f
                }
                None => Found {
                    notes: vec![
                        "Go build info in the pointer form of Go before 1.18, without module info in .rodata: not read"
                            .to_owned(),
                    ],
                    ..Found::default()
                },
            },
        };
        self.rodata = Rodata::default();
        self.merge(parsed);
        self.go = Go::Done;
        // A Go binary: no cargo auditable data.
        self.dep = Dep::Done;
        self.tail = Vec::new();
    }

    fn dep_observe(&mut self, start: u64, bytes: &[u8]) {
        let end = start + bytes.len() as u64;
        match &mut self.dep {
            Dep::Done => {}
            Dep::Read { start: s, len, buf } => {
                let (s, l) = (*s, *len);
                if end > s {
                    let from = s.max(start);
                    let to = end.min(s + l);
                    if to > from {
                        buf.extend_from_slice(
                            bytes
                                .get((from - start) as usize..(to - start) as usize)
                                .unwrap_or(&[]),
                        );
                    }
                }
                if buf.len() as u64 >= l {
                    let f = auditable::parse_section(buf);
                    self.merge(f);
                    self.dep = Dep::Done;
                    self.tail = Vec::new();
                }
            }
            Dep::Wait => {
                let Some(l) = self.layout else { return };
                if l.shoff == 0 {
                    return;
                }
                let shnum = if l.shnum == 0 { 1 } else { l.shnum };
                let sh_end = l
                    .shoff
                    .saturating_add(l.shentsize.saturating_mul(shnum.min(MAX_SECTIONS)));
                if end >= sh_end {
                    self.sections(l);
                }
            }
        }
    }

    /// The bytes `[off, off+len)` if kept.
    fn kept(&self, off: u64, len: u64) -> Option<&[u8]> {
        let end = off.checked_add(len)?;
        if end <= self.head.len() as u64 {
            return self.head.get(off as usize..end as usize);
        }
        if off >= self.tail_start {
            let a = off - self.tail_start;
            return self.tail.get(a as usize..(a + len) as usize);
        }
        None
    }

    /// The section headers have streamed: find `.dep-v0`.
    fn sections(&mut self, l: Layout) {
        let shsize: u64 = if l.class64 { 64 } else { 40 };
        let header = |me: &Elf, i: u64| -> Option<(u64, u64, u64, u64)> {
            if l.shentsize < shsize {
                return None;
            }
            let b = me.kept(l.shoff.checked_add(i.checked_mul(l.shentsize)?)?, shsize)?;
            let r = Reader { b, big: l.big };
            Some(if l.class64 {
                (r.u32(0), r.u32(4), r.u64(24), r.u64(32))
            } else {
                (r.u32(0), r.u32(4), r.u32(16), r.u32(20))
            })
        };
        let Some(first) = header(self, 0) else {
            // Not kept (beyond the tail's cap) or malformed.
            self.dep = Dep::Done;
            self.recognise();
            return;
        };
        // Extended numbering: section 0's sh_size and sh_link.
        let shnum = if l.shnum == 0 { first.3 } else { l.shnum };
        if shnum > MAX_SECTIONS {
            self.found
                .notes
                .push(format!("ELF file with {shnum} sections: not read"));
            self.dep = Dep::Done;
            return;
        }
        let strndx = if l.shstrndx == 0xffff {
            self.kept(l.shoff + if l.class64 { 40 } else { 24 }, 4)
                .map(|b| Reader { b, big: l.big }.u32(0))
                .unwrap_or(0)
        } else {
            l.shstrndx
        };
        let Some((_, _, str_off, str_len)) = header(self, strndx) else {
            self.dep = Dep::Done;
            self.recognise();
            return;
        };
        let Some(names) = self.kept(str_off, str_len.min(1 << 20)).map(<[u8]>::to_vec) else {
            self.dep = Dep::Done;
            self.recognise();
            return;
        };
        let mut dep = None;
        for i in 1..shnum {
            let Some((name, _, off, len)) = header(self, i) else {
                break;
            };
            let n = names.get(name as usize..).unwrap_or(&[]);
            let n = n
                .get(..n.iter().position(|&c| c == 0).unwrap_or(n.len()))
                .unwrap_or(&[]);
            if n == b".dep-v0" {
                dep = Some((off, len));
                break;
            }
        }
        match dep {
            None => self.dep = Dep::Done,
            Some((off, len)) if len > auditable::JSON_CAP as u64 => {
                self.found.notes.push(format!(
                    "cargo auditable section of {len} bytes, more than {} MiB: not read",
                    auditable::JSON_CAP >> 20
                ));
                self.dep = Dep::Done;
                let _ = off;
            }
            Some((off, len)) => {
                if let Some(b) = self.kept(off, len) {
                    let f = auditable::parse_section(b);
                    self.merge(f);
                    self.dep = Dep::Done;
                } else if off >= self.pos {
                    self.dep = Dep::Read {
                        start: off,
                        len,
                        buf: Vec::new(),
                    };
                } else {
                    // Beyond the kept tail: the hunter saw it stream.
                    match self.hunter.take(false) {
                        Some(f) => self.merge(f),
                        None => self.found.notes.push(
                            "the cargo auditable section lies where the reader kept no bytes: not read"
                                .to_owned(),
                        ),
                    }
                    self.dep = Dep::Done;
                }
            }
        }
        if matches!(self.dep, Dep::Done) {
            self.tail = Vec::new();
        }
    }

    /// No usable section headers: look in the kept tail for the zlib
    /// stream of cargo auditable data.
    fn recognise(&mut self) {
        let tail = std::mem::take(&mut self.tail);
        for i in memchr::memchr_iter(0x78, &tail) {
            let b = tail.get(i..).unwrap_or(&[]);
            if auditable::looks_like_start(b) {
                let f = auditable::parse_section(b);
                self.merge(f);
                self.dep = Dep::Done;
                return;
            }
        }
        if let Some(f) = self.hunter.take(true) {
            self.merge(f);
        }
        self.dep = Dep::Done;
    }

    fn merge(&mut self, f: Found) {
        self.found.packages.extend(f.packages);
        self.found.notes.extend(f.notes);
    }
}

impl FileCataloger for Elf {
    fn chunk(&mut self, bytes: &[u8]) -> bool {
        let start = self.pos;
        self.pos += bytes.len() as u64;
        if let Some(late) = &mut self.late {
            let end = start + bytes.len() as u64;
            let ph_end = late.phoff + late.len as u64;
            if end > late.phoff {
                let from = late
                    .phoff
                    .max(start)
                    .max(late.phoff + late.buf.len() as u64);
                let to = ph_end.min(end);
                if to > from {
                    late.buf.extend_from_slice(
                        bytes
                            .get((from - start) as usize..(to - start) as usize)
                            .unwrap_or(&[]),
                    );
                }
            }
            if late.buf.len() < late.len {
                return true;
            }
            let Some(late) = self.late.take() else {
                return false;
            };
            // Bytes after the program headers in this chunk are observed.
            self.apply(late.layout, &late.buf, late.phentsize, late.phnum, ph_end);
            let rest = bytes.get((ph_end - start) as usize..).unwrap_or(&[]);
            if !rest.is_empty() {
                self.observe(ph_end, rest);
            }
            return !self.done();
        }
        if self.layout.is_none() {
            // Not an ELF: said before a byte is copied.
            let n = bytes.len().min(4usize.saturating_sub(self.head.len()));
            let at = self.head.len();
            if bytes.get(..n) != b"\x7fELF".get(at.min(4)..at.min(4) + n) {
                return false;
            }
            let room = HEAD_CAP - self.head.len();
            self.head
                .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
            match self.layout() {
                Err(()) => return false,
                Ok(false) => {
                    if self.head.len() >= HEAD_CAP {
                        return false;
                    }
                    return true;
                }
                Ok(true) if self.late.is_some() => {
                    // Feed this chunk's bytes past the head again: the
                    // program headers may be in it.
                    let extra = bytes.get(bytes.len().min(room)..).unwrap_or(&[]);
                    self.pos = start + room.min(bytes.len()) as u64;
                    return extra.is_empty() || self.chunk(extra);
                }
                Ok(true) if self.layout.is_none() => return false,
                Ok(true) => {
                    // Everything so far is in `head`: offer it now.
                    let head = std::mem::take(&mut self.head);
                    let seen = (self.pos as usize).min(head.len());
                    self.observe(0, head.get(..seen).unwrap_or(&[]));
                    let extra = bytes.get(bytes.len().min(room)..).unwrap_or(&[]);
                    self.head = head;
                    if !extra.is_empty() {
                        self.observe(start + room as u64, extra);
                    }
                }
            }
        } else {
            if start < HEAD_CAP as u64 {
                let room = HEAD_CAP - self.head.len();
                self.head
                    .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
            }
            self.observe(start, bytes);
        }
        !self.done()
    }

    fn finish(mut self: Box<Self>, complete: bool) -> Found {
        if self.layout.is_none() {
            return std::mem::take(&mut self.found);
        }
        if let Go::Read { .. } = self.go {
            self.found
                .notes
                .push("the Go build info is cut short by the end of the file".to_owned());
        }
        match self.dep {
            Dep::Wait => self.recognise(),
            Dep::Read { .. } => self
                .found
                .notes
                .push("the cargo auditable section is cut short by the end of the file".to_owned()),
            Dep::Done => {}
        }
        if !complete && self.found.packages.is_empty() && !self.done() {
            self.found
                .notes
                .push("the file is truncated: its package data may be missing".to_owned());
        }
        std::mem::take(&mut self.found)
    }
}

/// Integer reads at offsets in a byte slice, 0 where out of bounds.
struct Reader<'a> {
    b: &'a [u8],
    big: bool,
}

impl Reader<'_> {
    fn int(&self, at: usize, n: usize) -> u64 {
        let Some(s) = at.checked_add(n).and_then(|end| self.b.get(at..end)) else {
            return 0;
        };
        let mut v = 0u64;
        if self.big {
            for &c in s {
                v = v << 8 | u64::from(c);
            }
        } else {
            for &c in s.iter().rev() {
                v = v << 8 | u64::from(c);
            }
        }
        v
    }
    fn u16(&self, at: usize) -> u64 {
        self.int(at, 2)
    }
    fn u32(&self, at: usize) -> u64 {
        self.int(at, 4)
    }
    fn u64(&self, at: usize) -> u64 {
        self.int(at, 8)
    }
}
