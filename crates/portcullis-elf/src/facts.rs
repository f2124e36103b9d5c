//! What is known of one ELF file: plain, serialisable data.

use serde::{Deserialize, Serialize};

/// `EI_CLASS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Class {
    Elf32,
    Elf64,
}

/// `EI_DATA`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ByteOrder {
    Little,
    Big,
}

/// `e_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileType {
    /// `ET_EXEC`: linked at a fixed address.
    Executable,
    /// `ET_DYN`: a shared object or a position-independent executable.
    Dynamic,
    /// `ET_REL`: an object file (or a kernel module).
    Relocatable,
    /// `ET_CORE`.
    Core,
    Other(u16),
}

/// `PT_GNU_STACK`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stack {
    NonExecutable,
    Executable,
    /// No `PT_GNU_STACK`: the kernel's per-architecture default applies.
    Missing,
}

/// Where [`ElfFacts::imported`] and [`ElfFacts::defined`] come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SymbolSource {
    /// The dynamic symbol table.
    Dynamic,
    /// A static binary's `.symtab`.
    SymbolTable,
    /// No symbols: a stripped static binary, or the tables could not be
    /// read (then [`ElfFacts::notes`] says why).
    None,
}

/// The facts of one ELF file. See the crate documentation for what is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElfFacts {
    pub class: Class,
    pub byte_order: ByteOrder,
    /// `e_machine`.
    pub machine: u16,
    pub file_type: FileType,
    /// `PT_INTERP`.
    pub interpreter: Option<String>,
    /// Has `PT_DYNAMIC`.
    pub dynamic: bool,
    /// `DF_1_PIE` in `DT_FLAGS_1`.
    pub pie_flag: bool,
    pub stack: Stack,
    /// Some `PT_LOAD` has both `PF_W` and `PF_X`.
    pub writable_executable_load: bool,
    /// `PT_GNU_RELRO` present.
    pub relro: bool,
    /// `DT_BIND_NOW`, `DF_BIND_NOW` in `DT_FLAGS`, or `DF_1_NOW`.
    pub bind_now: bool,
    /// `DT_TEXTREL`, or `DF_TEXTREL` in `DT_FLAGS`.
    pub text_relocations: bool,
    pub rpath: Option<String>,
    pub runpath: Option<String>,
    pub soname: Option<String>,
    /// `DT_NEEDED`, in order.
    pub needed: Vec<String>,
    /// Undefined dynamic symbols of interest ([`crate::symbols::of_interest`]),
    /// sorted, deduplicated, without a version suffix.
    pub imported: Vec<String>,
    /// Defined symbols of interest, sorted, deduplicated.
    pub defined: Vec<String>,
    pub symbols_from: SymbolSource,
    /// Has a `.symtab` section (not stripped).
    pub symbol_table: bool,
    /// A Go binary: `.go.buildinfo` or `.note.go.buildid`, or the Go build
    /// ID note in a `PT_NOTE`.
    pub go: bool,
    /// A Rust binary: `.comment` names rustc (`rustc version …`, which
    /// rustc writes there and `strip` keeps). Not seen when `.comment` was
    /// removed, or lies beyond what was kept of the file's tail.
    #[serde(default)]
    pub rust: bool,
    /// A `.debug_info` or `.zdebug_info` section.
    pub debug_info: bool,
    /// DWARF compilation units' `DW_AT_name`, joined to `DW_AT_comp_dir`
    /// when relative: the first 64 distinct, sorted.
    pub source_paths: Vec<String>,
    /// `ET_REL` with a `.modinfo` section.
    pub kernel_module: bool,
    /// What could not be read, one line each.
    pub notes: Vec<String>,
}
