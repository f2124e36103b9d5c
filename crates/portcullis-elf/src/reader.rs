//! The streaming reader: file ranges to keep ("regions") are declared as
//! soon as what locates them is read, filled as the bytes stream past, and
//! everything else is skipped by offset arithmetic.

use crate::dwarf;
use crate::facts::{ByteOrder, Class, ElfFacts, FileType, Stack, SymbolSource};
use crate::symbols::of_interest;
use crate::ElfError;

/// The first bytes always kept: the ELF header and, nearly always, the
/// program headers; regions declared late are back-filled from it.
pub const HEAD_CAP: u64 = 64 << 10;
/// The most bytes kept of the loadable segment at the lowest file offset
/// (where linkers put `.dynsym`, `.dynstr` and the hash tables, before
/// `.dynamic` locates them).
pub const FIRST_LOAD_CAP: u64 = 8 << 20;
/// The most bytes of `PT_DYNAMIC` read.
pub const DYNAMIC_CAP: u64 = 1 << 20;
/// The most bytes kept just before the section headers, after the last
/// loadable segment: the non-allocated sections (`.shstrtab`, `.symtab`,
/// `.strtab`, `.debug_*`, `.modinfo` names) as GNU ld and lld lay them out.
pub const TAIL_CAP: u64 = 16 << 20;
/// The most bytes of sections read where they lie after the section
/// headers (Go's linker writes the headers first): symbol and debug tables.
pub const LATE_SECTION_CAP: u64 = 16 << 20;
/// The most section headers read.
pub const MAX_SECTIONS: u64 = 1 << 16;
/// The most bytes of a later segment that holds the dynamic symbols (as
/// `patchelf` leaves them, after `.dynamic`).
const LATE_TABLE_CAP: u64 = 8 << 20;
const INTERP_CAP: u64 = 4096;
const NOTE_CAP: u64 = 64 << 10;
/// `.comment` holds a line per tool that made the file: a few hundred bytes.
const COMMENT_CAP: u64 = 4096;
/// What rustc writes into `.comment`.
const RUSTC: &[u8] = b"rustc version ";
const MAX_NOTES: usize = 16;

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_NOTE: u32 = 4;
const PT_GNU_STACK: u32 = 0x6474_e551;
const PT_GNU_RELRO: u32 = 0x6474_e552;
const PF_X: u32 = 1;
const PF_W: u32 = 2;

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_HASH: u64 = 4;
const DT_STRTAB: u64 = 5;
const DT_SYMTAB: u64 = 6;
const DT_STRSZ: u64 = 10;
const DT_SYMENT: u64 = 11;
const DT_SONAME: u64 = 14;
const DT_RPATH: u64 = 15;
const DT_TEXTREL: u64 = 22;
const DT_BIND_NOW: u64 = 24;
const DT_RUNPATH: u64 = 29;
const DT_FLAGS: u64 = 30;
const DT_GNU_HASH: u64 = 0x6fff_fef5;
const DT_FLAGS_1: u64 = 0x6fff_fffb;
const DF_TEXTREL: u64 = 0x4;
const DF_BIND_NOW: u64 = 0x8;
const DF_1_NOW: u64 = 0x1;
const DF_1_PIE: u64 = 0x0800_0000;

const SHT_SYMTAB: u32 = 2;
const SHT_NOBITS: u32 = 8;
const SHT_DYNSYM: u32 = 11;
const SHF_COMPRESSED: u64 = 0x800;

/// Byte order and word size of the file.
#[derive(Clone, Copy)]
pub(crate) struct Endian {
    pub big: bool,
    pub wide: bool,
}

impl Endian {
    pub fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let a: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        })
    }
    pub fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let a: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }
    pub fn u64(self, b: &[u8], at: usize) -> Option<u64> {
        let a: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(if self.big {
            u64::from_be_bytes(a)
        } else {
            u64::from_le_bytes(a)
        })
    }
    /// An address-sized word.
    pub fn word(self, b: &[u8], at: usize) -> Option<u64> {
        if self.wide {
            self.u64(b, at)
        } else {
            self.u32(b, at).map(u64::from)
        }
    }
}

/// File bytes `[start, start + buf.len())` kept, to be filled up to `end`.
struct Region {
    start: u64,
    end: u64,
    buf: Vec<u8>,
}

#[derive(Clone, Copy)]
struct Header {
    e: Endian,
    file_type: u16,
    machine: u16,
    phoff: u64,
    phentsize: u64,
    phnum: u64,
    shoff: u64,
    shentsize: u64,
    shnum: u64,
    shstrndx: u64,
}

#[derive(Clone, Copy)]
struct Segment {
    kind: u32,
    flags: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
}

#[derive(Clone, Copy)]
pub(crate) struct Section {
    name: u32,
    kind: u32,
    flags: u64,
    pub offset: u64,
    pub size: u64,
    link: u32,
}

/// The dynamic section's entries that matter here.
#[derive(Default)]
struct Dynamic {
    needed: Vec<u64>,
    soname: Option<u64>,
    rpath: Option<u64>,
    runpath: Option<u64>,
    strtab: Option<u64>,
    strsz: Option<u64>,
    symtab: Option<u64>,
    syment: Option<u64>,
    hash: Option<u64>,
    gnu_hash: Option<u64>,
    flags: u64,
    flags_1: u64,
    bind_now: bool,
    textrel: bool,
}

/// A step waiting for the file range `[start, end)`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Header,
    ProgramHeaders,
    Dynamic,
    SectionHeaders,
    SectionNames,
}

/// Reads the facts of one ELF file from its bytes in order.
pub struct ElfReader {
    size: u64,
    pos: u64,
    regions: Vec<Region>,
    waiting: Vec<(Step, u64, u64)>,
    not_elf: bool,
    stopped: bool,
    error: Option<String>,
    notes: Vec<String>,
    header: Option<Header>,
    segments: Vec<Segment>,
    dynamic: Option<Dynamic>,
    sections: Vec<Section>,
    /// Section names, in section order, once `.shstrtab` is read.
    names: Vec<String>,
}

impl ElfReader {
    /// A reader for a file of `size` bytes.
    pub fn new(size: u64) -> ElfReader {
        let mut reader = ElfReader {
            size,
            pos: 0,
            regions: Vec::new(),
            waiting: Vec::new(),
            not_elf: false,
            stopped: false,
            error: None,
            notes: Vec::new(),
            header: None,
            segments: Vec::new(),
            dynamic: None,
            sections: Vec::new(),
            names: Vec::new(),
        };
        reader.keep(0, HEAD_CAP);
        reader.wait(Step::Header, 0, 64.min(size));
        reader
    }

    /// The file's next bytes. `false`: nothing more is needed.
    pub fn push(&mut self, mut bytes: &[u8]) -> bool {
        while !bytes.is_empty() && !self.stopped {
            let Some(next) = self.next_boundary() else {
                self.stopped = true;
                break;
            };
            let take = usize::try_from(next - self.pos)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let (now, rest) = bytes.split_at(take);
            self.fill(now);
            self.pos += take as u64;
            bytes = rest;
            if self.pos >= 4
                && self.header.is_none()
                && !self.not_elf
                && self.lookup(0, 4).is_some_and(|m| m != b"\x7fELF")
            {
                self.not_elf = true;
                self.stopped = true;
            }
            if self.pos == next {
                self.progress();
            }
        }
        if !self.stopped && self.next_boundary().is_none() {
            self.stopped = true;
        }
        !self.stopped
    }

    /// The facts, once the bytes are pushed (all, or until `push` said
    /// `false`). `None`: not an ELF file.
    pub fn finish(mut self) -> Option<Result<ElfFacts, ElfError>> {
        if self.not_elf {
            return None;
        }
        if self.pos < 4
            && self
                .lookup(0, self.pos)
                .is_none_or(|m| !b"\x7fELF".starts_with(m))
        {
            return None;
        }
        // What still waits will not come: the stream ended early.
        self.progress();
        let waiting = std::mem::take(&mut self.waiting);
        for (step, start, end) in waiting {
            self.give_up(step, start, end);
        }
        if let Some(error) = self.error.take() {
            return Some(Err(ElfError(error)));
        }
        let header = self.header?;
        Some(Ok(self.facts(header)))
    }

    /// The end of the nearest region still filling.
    fn next_boundary(&self) -> Option<u64> {
        self.regions
            .iter()
            .filter(|r| r.end > self.pos)
            .map(|r| r.end)
            .min()
    }

    fn fill(&mut self, bytes: &[u8]) {
        let pos = self.pos;
        let end = pos + bytes.len() as u64;
        for r in &mut self.regions {
            let next = r.start + r.buf.len() as u64;
            if next >= r.end || next < pos || next >= end {
                continue;
            }
            let to = r.end.min(end);
            if let Some(part) = bytes.get((next - pos) as usize..(to - pos) as usize) {
                r.buf.extend_from_slice(part);
            }
        }
    }

    /// Keep the file range `[start, end)`: what of it has passed is copied
    /// from what was kept, if it was.
    fn keep(&mut self, start: u64, end: u64) {
        let end = end.min(self.size);
        if end <= start
            || self
                .regions
                .iter()
                .any(|r| r.start <= start && r.end >= end)
        {
            return;
        }
        let mut region = Region {
            start,
            end,
            buf: Vec::new(),
        };
        if start < self.pos {
            let upto = self.pos.min(end);
            match self.lookup(start, upto - start) {
                Some(past) => region.buf = past.to_vec(),
                None if end <= self.pos => return,
                None => region.start = self.pos,
            }
        }
        self.regions.push(region);
    }

    fn wait(&mut self, step: Step, start: u64, end: u64) {
        self.keep(start, end);
        self.waiting.push((step, start, end));
    }

    /// The kept bytes `[start, start + len)`, when they are all kept.
    fn lookup(&self, start: u64, len: u64) -> Option<&[u8]> {
        let end = start.checked_add(len)?;
        let r = self
            .regions
            .iter()
            .find(|r| r.start <= start && end <= r.start + r.buf.len() as u64)?;
        r.buf
            .get((start - r.start) as usize..(end - r.start) as usize)
    }

    /// Run every waiting step whose bytes are here; give up those whose
    /// bytes have passed without being kept.
    fn progress(&mut self) {
        loop {
            let ready = self.waiting.iter().position(|&(_, start, end)| {
                self.lookup(start, end - start).is_some() || self.pos >= end
            });
            let Some(i) = ready else { return };
            let (step, start, end) = self.waiting.remove(i);
            match self.lookup(start, end - start).map(<[u8]>::to_vec) {
                Some(bytes) => self.run(step, &bytes),
                None => self.give_up(step, start, end),
            }
        }
    }

    fn give_up(&mut self, step: Step, start: u64, end: u64) {
        let past = end > self.size || start > self.size;
        let what = match step {
            Step::Header => {
                self.error = Some(format!(
                    "truncated ELF header: {} bytes, at least {} needed",
                    self.pos.min(self.size),
                    end
                ));
                return;
            }
            Step::ProgramHeaders => "program headers",
            Step::Dynamic => "dynamic section",
            Step::SectionHeaders => "section headers",
            Step::SectionNames => "section name table",
        };
        self.note(if past {
            format!("{what} past the end of the file")
        } else if self.pos < end {
            format!("{what} not read: the file ended at {} bytes", self.pos)
        } else {
            format!("{what} at offset {start} not read: they precede what located them")
        });
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn run(&mut self, step: Step, bytes: &[u8]) {
        match step {
            Step::Header => self.read_header(bytes),
            Step::ProgramHeaders => self.read_program_headers(bytes),
            Step::Dynamic => self.read_dynamic(bytes),
            Step::SectionHeaders => self.read_section_headers(bytes),
            Step::SectionNames => self.read_section_names(bytes),
        }
    }

    fn read_header(&mut self, b: &[u8]) {
        if b.get(..4) != Some(b"\x7fELF") {
            self.not_elf = true;
            self.stopped = true;
            return;
        }
        let wide = match b.get(4) {
            Some(1) => false,
            Some(2) => true,
            other => {
                self.error = Some(format!("unknown ELF class {}", other.copied().unwrap_or(0)));
                return;
            }
        };
        let big = match b.get(5) {
            Some(1) => false,
            Some(2) => true,
            other => {
                self.error = Some(format!(
                    "unknown ELF data encoding {}",
                    other.copied().unwrap_or(0)
                ));
                return;
            }
        };
        let e = Endian { big, wide };
        let need = if wide { 64 } else { 52 };
        if b.len() < need {
            self.error = Some(format!(
                "truncated ELF header: {} bytes, {need} needed",
                b.len()
            ));
            return;
        }
        let w = |at32: usize, at64: usize| e.word(b, if wide { at64 } else { at32 }).unwrap_or(0);
        let h = |at32: usize, at64: usize| {
            u64::from(e.u16(b, if wide { at64 } else { at32 }).unwrap_or(0))
        };
        let header = Header {
            e,
            file_type: e.u16(b, 16).unwrap_or(0),
            machine: e.u16(b, 18).unwrap_or(0),
            phoff: w(28, 32),
            shoff: w(32, 40),
            phentsize: h(42, 54),
            phnum: h(44, 56),
            shentsize: h(46, 58),
            shnum: h(48, 60),
            shstrndx: h(50, 62),
        };
        self.header = Some(header);
        if header.phnum > 0 {
            let entry = if wide { 56 } else { 32 };
            if header.phnum == 0xffff {
                self.note(
                    "extended program header count (PN_XNUM): program headers not read".into(),
                );
            } else if header.phentsize < entry {
                self.note(format!(
                    "program header entry size {} (expected {entry}): program headers not read",
                    header.phentsize
                ));
            } else {
                let end = header.phoff.saturating_add(header.phnum * header.phentsize);
                self.wait(Step::ProgramHeaders, header.phoff, end);
            }
        }
        if header.shoff > 0 {
            let entry = if wide { 64 } else { 40 };
            if header.shnum == 0 {
                self.note("extended section count: section headers not read".into());
            } else if header.shentsize < entry {
                self.note(format!(
                    "section header entry size {} (expected {entry}): section headers not read",
                    header.shentsize
                ));
            } else {
                let count = header.shnum.min(MAX_SECTIONS);
                let end = header.shoff.saturating_add(count * header.shentsize);
                if end > self.size {
                    self.note("section headers past the end of the file".into());
                } else {
                    self.wait(Step::SectionHeaders, header.shoff, end);
                    if header.phnum == 0 {
                        self.keep_tail(header.shoff, 0);
                    }
                }
            }
        }
    }

    /// Keep the bytes before the section headers, after `from`.
    fn keep_tail(&mut self, shoff: u64, from: u64) {
        let start = shoff.saturating_sub(TAIL_CAP).max(from);
        self.keep(start, shoff);
    }

    fn read_program_headers(&mut self, b: &[u8]) {
        let Some(header) = self.header else { return };
        let e = header.e;
        let mut at = 0usize;
        while let Some(entry) = b.get(at..at + header.phentsize as usize) {
            at += header.phentsize as usize;
            let segment = if e.wide {
                Segment {
                    kind: e.u32(entry, 0).unwrap_or(0),
                    flags: e.u32(entry, 4).unwrap_or(0),
                    offset: e.u64(entry, 8).unwrap_or(0),
                    vaddr: e.u64(entry, 16).unwrap_or(0),
                    filesz: e.u64(entry, 32).unwrap_or(0),
                }
            } else {
                Segment {
                    kind: e.u32(entry, 0).unwrap_or(0),
                    offset: e.u32(entry, 4).map(u64::from).unwrap_or(0),
                    vaddr: e.u32(entry, 8).map(u64::from).unwrap_or(0),
                    filesz: e.u32(entry, 16).map(u64::from).unwrap_or(0),
                    flags: e.u32(entry, 24).unwrap_or(0),
                }
            };
            self.segments.push(segment);
        }
        let segments = self.segments.clone();
        if let Some(first) = segments
            .iter()
            .filter(|s| s.kind == PT_LOAD && s.filesz > 0)
            .min_by_key(|s| s.offset)
        {
            let end = first
                .offset
                .saturating_add(first.filesz.min(FIRST_LOAD_CAP));
            self.keep(first.offset, end);
        }
        let mut notes = 0;
        for s in &segments {
            let end = s.offset.saturating_add(s.filesz);
            match s.kind {
                PT_INTERP => self.keep(s.offset, s.offset.saturating_add(s.filesz.min(INTERP_CAP))),
                PT_NOTE if notes < MAX_NOTES => {
                    notes += 1;
                    self.keep(s.offset, s.offset.saturating_add(s.filesz.min(NOTE_CAP)));
                }
                PT_DYNAMIC if self.dynamic.is_none() => {
                    if end > self.size {
                        self.note("dynamic section past the end of the file".into());
                        self.dynamic = Some(Dynamic::default());
                    } else {
                        self.dynamic = Some(Dynamic::default());
                        let end = s.offset.saturating_add(s.filesz.min(DYNAMIC_CAP));
                        self.wait(Step::Dynamic, s.offset, end);
                    }
                }
                _ => {}
            }
        }
        if header.shoff > 0 && self.waiting.iter().any(|w| w.0 == Step::SectionHeaders) {
            let loaded_end = segments
                .iter()
                .filter(|s| s.kind == PT_LOAD)
                .map(|s| s.offset.saturating_add(s.filesz))
                .filter(|&end| end <= header.shoff)
                .max()
                .unwrap_or(0);
            self.keep_tail(header.shoff, loaded_end);
        }
    }

    /// The file offset of a virtual address, through the `PT_LOAD`s, and
    /// where that segment's file bytes end.
    fn file_offset(&self, addr: u64) -> Option<(u64, u64)> {
        self.segments
            .iter()
            .filter(|s| s.kind == PT_LOAD)
            .find(|s| s.vaddr <= addr && addr - s.vaddr < s.filesz)
            .map(|s| (addr - s.vaddr + s.offset, s.offset + s.filesz))
    }

    fn read_dynamic(&mut self, b: &[u8]) {
        let Some(header) = self.header else { return };
        let e = header.e;
        let size = if e.wide { 16 } else { 8 };
        let mut d = Dynamic::default();
        let mut at = 0usize;
        let mut ended = false;
        while at + size <= b.len() {
            let tag = e.word(b, at).unwrap_or(0);
            let val = e.word(b, at + size / 2).unwrap_or(0);
            at += size;
            match tag {
                DT_NULL => {
                    ended = true;
                    break;
                }
                DT_NEEDED => d.needed.push(val),
                DT_SONAME => d.soname = Some(val),
                DT_RPATH => d.rpath = Some(val),
                DT_RUNPATH => d.runpath = Some(val),
                DT_STRTAB => d.strtab = Some(val),
                DT_STRSZ => d.strsz = Some(val),
                DT_SYMTAB => d.symtab = Some(val),
                DT_SYMENT => d.syment = Some(val),
                DT_HASH => d.hash = Some(val),
                DT_GNU_HASH => d.gnu_hash = Some(val),
                DT_FLAGS => d.flags |= val,
                DT_FLAGS_1 => d.flags_1 |= val,
                DT_BIND_NOW => d.bind_now = true,
                DT_TEXTREL => d.textrel = true,
                _ => {}
            }
        }
        if !ended && (b.len() as u64) >= DYNAMIC_CAP {
            self.note(format!(
                "dynamic section beyond the {} MiB read budget: the rest not read",
                DYNAMIC_CAP >> 20
            ));
        }
        // Tables that lie after the dynamic section (patchelf moves them
        // there) are kept when they stream; those before it are in the
        // first loadable segment, or will be noted as not read.
        if let Some((off, seg_end)) = d.strtab.and_then(|a| self.file_offset(a)) {
            let len = d.strsz.unwrap_or(seg_end - off).min(LATE_TABLE_CAP);
            self.keep(off, off.saturating_add(len).min(seg_end));
        }
        for table in [d.symtab, d.gnu_hash, d.hash].into_iter().flatten() {
            if let Some((off, seg_end)) = self.file_offset(table) {
                if off >= self.pos {
                    self.keep(off, seg_end.min(off.saturating_add(LATE_TABLE_CAP)));
                }
            }
        }
        self.dynamic = Some(d);
    }

    fn read_section_headers(&mut self, b: &[u8]) {
        let Some(header) = self.header else { return };
        let e = header.e;
        let mut at = 0usize;
        while let Some(s) = b.get(at..at + header.shentsize as usize) {
            at += header.shentsize as usize;
            let section = if e.wide {
                Section {
                    name: e.u32(s, 0).unwrap_or(0),
                    kind: e.u32(s, 4).unwrap_or(0),
                    flags: e.u64(s, 8).unwrap_or(0),
                    offset: e.u64(s, 24).unwrap_or(0),
                    size: e.u64(s, 32).unwrap_or(0),
                    link: e.u32(s, 40).unwrap_or(0),
                }
            } else {
                Section {
                    name: e.u32(s, 0).unwrap_or(0),
                    kind: e.u32(s, 4).unwrap_or(0),
                    flags: e.u32(s, 8).map(u64::from).unwrap_or(0),
                    offset: e.u32(s, 16).map(u64::from).unwrap_or(0),
                    size: e.u32(s, 20).map(u64::from).unwrap_or(0),
                    link: e.u32(s, 24).unwrap_or(0),
                }
            };
            self.sections.push(section);
        }
        if header.shnum > MAX_SECTIONS {
            self.note(format!(
                "{} sections: only the first {MAX_SECTIONS} read",
                header.shnum
            ));
        }
        match self.sections.get(header.shstrndx as usize).copied() {
            Some(names) if names.kind != SHT_NOBITS => {
                let end = names.offset.saturating_add(names.size);
                if end > self.size {
                    self.note("section name table past the end of the file".into());
                } else {
                    self.wait(Step::SectionNames, names.offset, end);
                }
            }
            _ => self.note("no section name table".into()),
        }
    }

    fn read_section_names(&mut self, b: &[u8]) {
        self.names = self
            .sections
            .iter()
            .map(|s| c_string(b, s.name as usize).unwrap_or_default())
            .collect();
        // Sections that lie after the headers (Go): keep what is needed,
        // within a budget. Those before them are in the tail, or not read.
        let mut budget = LATE_SECTION_CAP;
        let wanted: Vec<Section> = self
            .sections
            .iter()
            .zip(&self.names)
            .filter(|(s, name)| {
                s.kind != SHT_NOBITS
                    && (s.kind == SHT_SYMTAB || dwarf::SECTIONS.contains(&name.as_str()))
            })
            .map(|(s, _)| *s)
            .collect();
        let links: Vec<Section> = wanted
            .iter()
            .filter(|s| s.kind == SHT_SYMTAB)
            .filter_map(|s| self.sections.get(s.link as usize).copied())
            .collect();
        for s in wanted.into_iter().chain(links) {
            if s.offset >= self.pos && s.size <= budget {
                budget -= s.size;
                self.keep(s.offset, s.offset.saturating_add(s.size));
            }
        }
    }

    fn section(&self, name: &str) -> Option<Section> {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|i| self.sections.get(i).copied())
    }

    fn string_at(&self, table: Option<&[u8]>, offset: u64) -> Option<String> {
        table.and_then(|t| c_string(t, usize::try_from(offset).ok()?))
    }

    fn facts(mut self, header: Header) -> ElfFacts {
        let e = header.e;
        let file_type = match header.file_type {
            1 => FileType::Relocatable,
            2 => FileType::Executable,
            3 => FileType::Dynamic,
            4 => FileType::Core,
            other => FileType::Other(other),
        };
        let has = |kind: u32| self.segments.iter().any(|s| s.kind == kind);
        let stack = match self.segments.iter().find(|s| s.kind == PT_GNU_STACK) {
            None => Stack::Missing,
            Some(s) if s.flags & PF_X != 0 => Stack::Executable,
            Some(_) => Stack::NonExecutable,
        };
        let mut facts = ElfFacts {
            class: if e.wide { Class::Elf64 } else { Class::Elf32 },
            byte_order: if e.big {
                ByteOrder::Big
            } else {
                ByteOrder::Little
            },
            machine: header.machine,
            file_type,
            interpreter: None,
            dynamic: has(PT_DYNAMIC),
            pie_flag: false,
            stack,
            writable_executable_load: self
                .segments
                .iter()
                .any(|s| s.kind == PT_LOAD && s.flags & (PF_W | PF_X) == PF_W | PF_X),
            relro: has(PT_GNU_RELRO),
            bind_now: false,
            text_relocations: false,
            rpath: None,
            runpath: None,
            soname: None,
            needed: Vec::new(),
            imported: Vec::new(),
            defined: Vec::new(),
            symbols_from: SymbolSource::None,
            symbol_table: self.sections.iter().any(|s| s.kind == SHT_SYMTAB),
            go: false,
            rust: false,
            debug_info: false,
            source_paths: Vec::new(),
            kernel_module: false,
            notes: Vec::new(),
        };
        if let Some(s) = self.segments.iter().find(|s| s.kind == PT_INTERP) {
            match self.lookup(s.offset, s.filesz.min(INTERP_CAP)) {
                Some(b) => facts.interpreter = c_string(b, 0),
                None => self.note("interpreter (PT_INTERP) not read".into()),
            }
        }
        facts.go = self.go_note()
            || self.section(".go.buildinfo").is_some()
            || self.section(".note.go.buildid").is_some();
        facts.rust = self
            .section(".comment")
            .and_then(|s| self.lookup(s.offset, s.size.min(COMMENT_CAP)))
            .is_some_and(|b| b.windows(RUSTC.len()).any(|w| w == RUSTC));
        facts.debug_info =
            self.section(".debug_info").is_some() || self.section(".zdebug_info").is_some();
        facts.kernel_module =
            file_type == FileType::Relocatable && self.section(".modinfo").is_some();

        let mut imported = Vec::new();
        let mut defined = Vec::new();
        let mut dynamic_read = false;
        let mut late: Vec<String> = Vec::new();
        if let Some(d) = self.dynamic.take() {
            facts.bind_now = d.bind_now || d.flags & DF_BIND_NOW != 0 || d.flags_1 & DF_1_NOW != 0;
            facts.text_relocations = d.textrel || d.flags & DF_TEXTREL != 0;
            facts.pie_flag = d.flags_1 & DF_1_PIE != 0;
            let strtab = d
                .strtab
                .and_then(|a| self.file_offset(a))
                .and_then(|(off, seg_end)| {
                    let len = d.strsz.unwrap_or(seg_end - off).min(seg_end - off);
                    self.lookup(off, len).or_else(|| {
                        // A table the first segment's budget cut: what was kept.
                        let r = self
                            .regions
                            .iter()
                            .find(|r| r.start <= off && off < r.start + r.buf.len() as u64)?;
                        r.buf.get((off - r.start) as usize..)
                    })
                });
            let strings_needed = d.soname.is_some()
                || d.rpath.is_some()
                || d.runpath.is_some()
                || !d.needed.is_empty()
                || d.symtab.is_some();
            if strtab.is_none() && strings_needed {
                let beyond_budget =
                    d.strtab
                        .and_then(|a| self.file_offset(a))
                        .is_some_and(|(off, _)| {
                            off.saturating_add(d.strsz.unwrap_or(0)) > FIRST_LOAD_CAP
                                && off < self.dynamic_offset()
                        });
                late.push(if d.strtab.is_none() {
                    "no dynamic string table (DT_STRTAB)".into()
                } else if beyond_budget {
                    format!(
                        "dynamic string table beyond the {} MiB read budget: needed libraries, paths and symbols not read",
                        FIRST_LOAD_CAP >> 20
                    )
                } else {
                    "dynamic string table not read: outside the loadable segments or the read budget".into()
                });
            }
            facts.soname = d.soname.and_then(|o| self.string_at(strtab, o));
            facts.rpath = d.rpath.and_then(|o| self.string_at(strtab, o));
            facts.runpath = d.runpath.and_then(|o| self.string_at(strtab, o));
            facts.needed = d
                .needed
                .iter()
                .filter_map(|&o| self.string_at(strtab, o))
                .collect();
            if let (Some(strtab), Some(symtab)) = (strtab, d.symtab) {
                match self.dynamic_symbols(&d, symtab) {
                    Ok(Some(symbols)) => {
                        dynamic_read = true;
                        let any =
                            symbols_of_interest(e, symbols, strtab, &mut imported, &mut defined);
                        // A static-pie (DF_1_PIE, no DT_NEEDED) keeps only a
                        // few dynamic symbols: its `.symtab` says more.
                        let static_pie = d.needed.is_empty() && facts.pie_flag;
                        if any > 0 || !static_pie {
                            facts.symbols_from = SymbolSource::Dynamic;
                        }
                    }
                    Ok(None) => dynamic_read = true,
                    Err(note) => late.push(note),
                }
            }
        }
        // A static binary (or a static-pie, whose dynamic symbol table
        // holds nothing): its `.symtab`, when not stripped.
        let static_binary = !facts.dynamic
            || (facts.needed.is_empty() && facts.pie_flag && facts.interpreter.is_none());
        if facts.symbols_from == SymbolSource::None && static_binary {
            if let Some(symtab) = self.sections.iter().find(|s| s.kind == SHT_SYMTAB).copied() {
                let strings = self.sections.get(symtab.link as usize).copied();
                let bytes = self.lookup(symtab.offset, symtab.size);
                let names = strings.and_then(|s| self.lookup(s.offset, s.size));
                match (bytes, names) {
                    (Some(symbols), Some(names)) => {
                        let mut unused = Vec::new();
                        symbols_of_interest(e, symbols, names, &mut unused, &mut defined);
                        imported.clear();
                        facts.symbols_from = SymbolSource::SymbolTable;
                    }
                    _ => late.push(format!(
                        "symbol table (.symtab) beyond the {} MiB read budget: symbols not read",
                        TAIL_CAP >> 20
                    )),
                }
            }
        }
        if facts.symbols_from == SymbolSource::None && dynamic_read {
            facts.symbols_from = SymbolSource::Dynamic;
        }
        // A dynamically linked file that is not stripped: what it defines
        // without exporting (a program's own `__stack_chk_guard`, which
        // x86-64 glibc does not export) is in `.symtab` alone.
        if facts.symbols_from == SymbolSource::Dynamic {
            if let Some(symtab) = self.sections.iter().find(|s| s.kind == SHT_SYMTAB).copied() {
                let strings = self.sections.get(symtab.link as usize).copied();
                let bytes = self.lookup(symtab.offset, symtab.size);
                let names = strings.and_then(|s| self.lookup(s.offset, s.size));
                match (bytes, names) {
                    (Some(symbols), Some(names)) => {
                        let mut unused = Vec::new();
                        symbols_of_interest(e, symbols, names, &mut unused, &mut defined);
                    }
                    _ => late.push(format!(
                        "symbol table (.symtab) beyond the {} MiB read budget: symbols defined but not exported not read",
                        TAIL_CAP >> 20
                    )),
                }
            }
        }
        for list in [&mut imported, &mut defined] {
            list.sort_unstable();
            list.dedup();
        }
        facts.imported = imported;
        facts.defined = defined;

        if facts.debug_info {
            facts.source_paths = self.source_paths(&mut late);
        }
        for note in late {
            self.note(note);
        }
        facts.notes = self.notes;
        facts
    }

    /// Where `PT_DYNAMIC` starts in the file.
    fn dynamic_offset(&self) -> u64 {
        self.segments
            .iter()
            .find(|s| s.kind == PT_DYNAMIC)
            .map_or(u64::MAX, |s| s.offset)
    }

    /// The dynamic symbol table's bytes: `None` when it is empty.
    fn dynamic_symbols(&self, d: &Dynamic, symtab: u64) -> Result<Option<&[u8]>, String> {
        let e = self.header.map(|h| h.e).unwrap_or(Endian {
            big: false,
            wide: true,
        });
        let entry: u64 = if e.wide { 24 } else { 16 };
        if d.syment.is_some_and(|s| s != entry) {
            return Err(format!(
                "dynamic symbol entry size {} (expected {entry}): symbols not read",
                d.syment.unwrap_or(0)
            ));
        }
        let Some((off, seg_end)) = self.file_offset(symtab) else {
            return Err(
                "dynamic symbol table outside the loadable segments: symbols not read".into(),
            );
        };
        let from_section = self
            .sections
            .iter()
            .find(|s| s.kind == SHT_DYNSYM && s.offset == off)
            .map(|s| s.size / entry);
        let count = from_section
            .or_else(|| self.gnu_hash_count(d))
            .or_else(|| {
                let (h, _) = self.file_offset(d.hash?)?;
                self.lookup(h + 4, 4)
                    .and_then(|b| e.u32(b, 0))
                    .map(u64::from)
            })
            .or_else(|| {
                let (s, _) = self.file_offset(d.strtab?)?;
                (s > off).then(|| (s - off) / entry)
            });
        let Some(count) = count else {
            return Err(
                "dynamic symbol count unknown (no hash table, no section header): symbols not read"
                    .into(),
            );
        };
        let len = count.saturating_mul(entry);
        if len > seg_end - off {
            return Err("dynamic symbol table past its segment: symbols not read".into());
        }
        if count <= 1 {
            return Ok(None);
        }
        match self.lookup(off, len) {
            Some(b) => Ok(Some(b)),
            None if off < FIRST_LOAD_CAP && off + len > FIRST_LOAD_CAP => Err(format!(
                "dynamic symbols beyond the {} MiB read budget: symbols not read",
                FIRST_LOAD_CAP >> 20
            )),
            None => Err("dynamic symbol table not read: it precedes the dynamic section outside the first loadable segment".into()),
        }
    }

    /// The number of dynamic symbols, from `DT_GNU_HASH`: the last chain's
    /// end (the hashed symbols come last), or `symoffset` without any.
    fn gnu_hash_count(&self, d: &Dynamic) -> Option<u64> {
        let e = self.header?.e;
        let (off, seg_end) = self.file_offset(d.gnu_hash?)?;
        let head = self.lookup(off, 16)?;
        let nbuckets = u64::from(e.u32(head, 0)?);
        let symoffset = u64::from(e.u32(head, 4)?);
        let bloom = u64::from(e.u32(head, 8)?) * if e.wide { 8 } else { 4 };
        let buckets_at = off + 16 + bloom;
        let buckets = self.lookup(buckets_at, nbuckets.checked_mul(4)?)?;
        let max = (0..nbuckets as usize)
            .filter_map(|i| e.u32(buckets, i * 4))
            .max()
            .map(u64::from)
            .unwrap_or(0);
        if max < symoffset {
            return Some(symoffset);
        }
        let chains_at = buckets_at + nbuckets * 4;
        let avail = seg_end.saturating_sub(chains_at);
        let chains = self.lookup(chains_at, avail).or_else(|| {
            let r = self
                .regions
                .iter()
                .find(|r| r.start <= chains_at && chains_at < r.start + r.buf.len() as u64)?;
            r.buf.get((chains_at - r.start) as usize..)
        })?;
        let mut i = max;
        loop {
            let at = usize::try_from((i - symoffset).checked_mul(4)?).ok()?;
            let chain = e.u32(chains, at)?;
            if chain & 1 != 0 {
                return Some(i + 1);
            }
            i += 1;
        }
    }

    /// Whether a `PT_NOTE` holds the Go build ID (owner "Go", type 4).
    fn go_note(&self) -> bool {
        let Some(header) = self.header else {
            return false;
        };
        let e = header.e;
        self.segments
            .iter()
            .filter(|s| s.kind == PT_NOTE)
            .filter_map(|s| self.lookup(s.offset, s.filesz.min(NOTE_CAP)))
            .any(|b| {
                let mut at = 0usize;
                while let (Some(namesz), Some(descsz), Some(kind)) =
                    (e.u32(b, at), e.u32(b, at + 4), e.u32(b, at + 8))
                {
                    let name_at = at + 12;
                    let name = b.get(name_at..name_at + namesz as usize);
                    if kind == 4 && name.is_some_and(|n| n.starts_with(b"Go\0")) {
                        return true;
                    }
                    let desc_at = name_at + (namesz as usize).next_multiple_of(4);
                    at = desc_at + (descsz as usize).next_multiple_of(4);
                }
                false
            })
    }

    fn source_paths(&self, notes: &mut Vec<String>) -> Vec<String> {
        let Some(header) = self.header else {
            return Vec::new();
        };
        let Some(info) = self.section(".debug_info") else {
            notes.push("compressed debug info (.zdebug_info): source paths not read".into());
            return Vec::new();
        };
        if info.flags & SHF_COMPRESSED != 0 {
            notes.push("compressed debug info (SHF_COMPRESSED): source paths not read".into());
            return Vec::new();
        }
        let get = |name: &str| -> Result<&[u8], ()> {
            match self.section(name) {
                None => Ok(&[]),
                Some(s) if s.kind == SHT_NOBITS => Ok(&[]),
                Some(s) => self.lookup(s.offset, s.size).ok_or(()),
            }
        };
        match (
            get(".debug_info"),
            get(".debug_abbrev"),
            get(".debug_str"),
            get(".debug_line_str"),
            get(".debug_str_offsets"),
        ) {
            (Ok(info), Ok(abbrev), Ok(str), Ok(line_str), Ok(str_offsets)) => {
                let sections = dwarf::Sections {
                    info,
                    abbrev,
                    str,
                    line_str,
                    str_offsets,
                };
                dwarf::source_paths(header.e.big, &sections, notes)
            }
            _ => {
                notes.push(format!(
                    "debug info beyond the {} MiB read budget: source paths not read",
                    TAIL_CAP >> 20
                ));
                Vec::new()
            }
        }
    }
}

/// The NUL-terminated string at `at`.
fn c_string(b: &[u8], at: usize) -> Option<String> {
    let rest = b.get(at..)?;
    let len = memchr::memchr(0, rest)?;
    Some(String::from_utf8_lossy(rest.get(..len)?).into_owned())
}

/// Sort the symbols of interest into imported (undefined) and defined:
/// how many there were.
fn symbols_of_interest(
    e: Endian,
    symbols: &[u8],
    strings: &[u8],
    imported: &mut Vec<String>,
    defined: &mut Vec<String>,
) -> usize {
    let entry = if e.wide { 24 } else { 16 };
    let mut found = 0;
    for sym in symbols.chunks_exact(entry).skip(1) {
        let (name, shndx) = if e.wide {
            (e.u32(sym, 0), e.u16(sym, 6))
        } else {
            (e.u32(sym, 0), e.u16(sym, 14))
        };
        let (Some(name), Some(shndx)) = (name, shndx) else {
            continue;
        };
        let Some(rest) = strings.get(name as usize..) else {
            continue;
        };
        let Some(len) = memchr::memchr(0, rest) else {
            continue;
        };
        let full = rest.get(..len).unwrap_or(&[]);
        // `.symtab` names of versioned references carry "@VERSION".
        let bare = full
            .iter()
            .position(|&c| c == b'@')
            .map_or(full, |at| full.get(..at).unwrap_or(&[]));
        let Ok(bare) = std::str::from_utf8(bare) else {
            continue;
        };
        if bare.is_empty() || !of_interest(bare) {
            continue;
        }
        found += 1;
        if shndx == 0 {
            imported.push(bare.to_owned());
        } else {
            defined.push(bare.to_owned());
        }
    }
    found
}
