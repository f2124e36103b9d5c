//! ELF facts read from a file as it streams: the exploit mitigations its
//! build turned on (HARDENING.md), the symbols that tell stack protection
//! and fortification, and the debug artefacts it carries.
//!
//! # What is read, and the budget
//!
//! The reader ([`ElfReader`]) never holds the whole file. It declares file
//! ranges to keep as soon as what locates them has been read, copies those
//! ranges as they stream past, and skips everything else by offset
//! arithmetic (no work per byte). It keeps:
//!
//! - the first [`reader::HEAD_CAP`] (64 KiB): the ELF header and the
//!   program headers (ranges declared after their start passed are
//!   back-filled from it; program headers further on are read when they
//!   stream);
//! - the loadable segment at the lowest file offset, up to
//!   [`reader::FIRST_LOAD_CAP`] (8 MiB): `.dynsym`, `.dynstr` and the hash
//!   tables lie there, *before* `.dynamic` says where (GNU ld, gold, lld,
//!   rustc and Go's external linking; libLLVM-15's tables end at 4.2 MiB).
//!   Tables past the cap, or in a later segment before `.dynamic`, are not
//!   read: a note, and [`SymbolSource::None`]. Tables after `.dynamic`
//!   (`patchelf`) are kept as they stream, up to 8 MiB;
//! - `PT_INTERP` (4 KiB), `PT_NOTE`s (64 KiB each, 16), `PT_DYNAMIC`
//!   ([`reader::DYNAMIC_CAP`], 1 MiB);
//! - the bytes just before the section headers (`e_shoff`) and after the
//!   last loadable segment, up to [`reader::TAIL_CAP`] (16 MiB): the
//!   non-allocated sections, which GNU ld and lld write there —
//!   `.shstrtab`, `.symtab`/`.strtab` (read for a static binary only) and
//!   the `.debug_*` sections. Sections beyond the cap: a note
//!   ("... beyond the 16 MiB read budget"); the section headers
//!   themselves (at most [`reader::MAX_SECTIONS`]);
//! - where the section headers come first (Go's linker), the sections read
//!   above, as they stream after them, up to [`reader::LATE_SECTION_CAP`].
//!
//! The feed stops (`push` returns `false`) once no range is left to come,
//! usually at the end of the section headers. Memory per file: at most
//! about 8 + 16 + 16 + 8 + 1 MiB, in practice a few hundred KiB (a
//! stripped binary's first segment and tail). Of a symbol table, only
//! names of interest ([`symbols::of_interest`]) are copied out.
//!
//! DWARF: the first DIE of every compilation unit (DWARF 2 to 5) gives
//! `DW_AT_name` and `DW_AT_comp_dir`. Compressed debug sections
//! (`SHF_COMPRESSED`, `.zdebug_*`, as Go writes them) are not inflated:
//! `debug_info` is set, `source_paths` left empty, with a note.

pub mod analyser;
mod dwarf;
pub mod facts;
pub mod reader;
pub mod symbols;

pub use analyser::{
    BinaryAnalyser, BinaryFile, BinaryLayer, DebugDatabase, DebugDatabaseFormat, BINARIES,
};
pub use dwarf::MAX_SOURCE_PATHS;
pub use facts::{ByteOrder, Class, ElfFacts, FileType, Stack, SymbolSource};
pub use reader::ElfReader;

/// Why a file that starts like an ELF file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfError(pub String);

impl std::fmt::Display for ElfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ElfError {}

/// The facts of a whole file in memory (tests, fuzzing): the stream
/// reader fed it in one piece. An error for what is not an ELF file.
pub fn parse(bytes: &[u8]) -> Result<ElfFacts, ElfError> {
    let mut reader = ElfReader::new(bytes.len() as u64);
    reader.push(bytes);
    reader
        .finish()
        .unwrap_or_else(|| Err(ElfError("not an ELF file".into())))
}
