//! The binary hardening policies (SQ18101–SQ18115, HARDENING.md): the
//! exploit mitigations each ELF executable and shared object of the image
//! was built with, read from its program headers, dynamic section and
//! symbols in the content pass (`portcullis-elf`). One finding per (rule,
//! binary), at the file in the layer that holds it, naming the OS package
//! that installed it when the package manager's file lists say so, and
//! whether it came with the base image or this build.
//!
//! The judgement calls (HARDENING.md leaves them to us):
//!
//! - Only what runs: executables (PIE or not) and shared objects of the
//!   final filesystem. Object files, kernel modules (`ET_REL`), core files,
//!   and anything under `lib/firmware/` or `lib/modules/` are not checked;
//!   a binary a later layer deleted or replaced is not either.
//! - Static binaries (no dynamic section): no loader binds anything, so
//!   SQ18112 and SQ18113 do not judge them (glibc's static start-up applies
//!   its own RELRO); a static-pie is position-independent. The symbol
//!   checks (SQ18104–SQ18110) judge only files linked against a library
//!   (`DT_NEEDED`): a static binary's `__stack_chk_fail` and `__*_chk` are
//!   the C library's own copies, there whether the program uses them or
//!   not, and a file that links nothing imports nothing. The C library and
//!   its loader (which define those symbols) are left out too.
//! - Go binaries: no stack protector or fortified functions by design (the
//!   Go compiler checks bounds at run time), so SQ18104–SQ18110 leave them
//!   out and say so in one note per image; the segment, PIE and RELRO
//!   checks apply as to any binary.
//! - Rust binaries (rustc's mark in `.comment`): likewise. Stable rustc has
//!   no stack protector (`-Z stack-protector` is nightly-only) and never
//!   calls the `__*_chk` functions; safe Rust checks bounds itself. C code
//!   linked into a Rust binary (the `cc` crate's) cannot be told apart from
//!   the Rust code by its symbols, so it is left out with it; the note says
//!   so.
//! - Shared objects: SQ18111 is about executables; a shared object that was
//!   not built position-independent shows up as text relocations (SQ18103).
//! - A missing `PT_GNU_STACK` means an executable stack on the
//!   architectures whose kernels default to one (all but AArch64, RISC-V
//!   and LoongArch, whose kernels never make the stack executable for it).

pub mod banned_input;
pub mod banned_memory;
pub mod banned_string;
pub mod executable_stack;
pub mod global_stack_guard;
pub mod insecure_rpath;
pub mod no_fortify;
pub mod no_relro;
pub mod no_stack_protector;
pub mod not_pie;
pub mod own_stack_protector;
pub mod partial_relro;
pub mod rpath;
pub mod text_relocations;
pub mod writable_executable_segment;

use portcullis_elf::symbols;
use portcullis_elf::{FileType, Stack, SymbolSource};

use crate::finding::{Findings, Located, Location};
use crate::subject::binaries::{Binary, BinaryKind};
use crate::subject::{Subject, SubjectKind};

/// The subjects binary policies apply to: what has files. A Dockerfile has
/// no binaries to read (compiler flags in `RUN` lines are not judged: a
/// flag says little about what the build finally links).
pub(crate) const APPLIES_TO: &[SubjectKind] = &[SubjectKind::Image, SubjectKind::Lxd];

/// A bad and a good Dockerfile, shared by the policies whose fix is "build
/// with the distribution's hardening flags".
pub(crate) const BAD: &str = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc\nCOPY server.c .\nRUN gcc -O2 -fno-stack-protector -no-pie -z execstack -z norelro -o /usr/local/bin/server server.c\n";
pub(crate) const GOOD: &str = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc dpkg-dev\nCOPY server.c .\n# Debian's hardening flags: PIE, stack protector, fortify, full RELRO, NX\nRUN DEB_BUILD_MAINT_OPTIONS=hardening=+all \\\n    gcc $(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS) \\\n        $(dpkg-buildflags --get LDFLAGS) -o /usr/local/bin/server server.c\n";

/// The ELF files the policies look at: executables and shared objects of
/// the final filesystem. (`[hardening] scope = "build"` and a rule's
/// `scope = "build"` drop the base image's findings afterwards:
/// `registry::scope_to_build`.)
pub(crate) fn binaries(subject: &Subject) -> impl Iterator<Item = &Binary> {
    subject
        .binaries
        .iter()
        .flat_map(|b| b.files.iter())
        .filter(|b| b.kind() != BinaryKind::Other)
}

/// Whether the layer came with the base image (the history's base boundary).
pub(crate) fn in_base(subject: &Subject, layer: usize) -> bool {
    let Some(image) = &subject.image else {
        return false;
    };
    image
        .layer_history
        .get(layer)
        .copied()
        .flatten()
        .is_some_and(|entry| image.boundary.is_base(entry))
}

/// Report `what` about `binary`: at the file in its layer, the history
/// entry that made the layer related; the message names the kind of file,
/// its package and whether the base image brought it (then the policy
/// warns of it: `Policy::base_action`).
pub(crate) fn report(subject: &Subject, out: &mut Findings, binary: &Binary, what: &str) {
    let location = crate::rules::package::layer_location(subject, binary.layer, &binary.path);
    let related: Vec<Location> = crate::rules::package::layer_step(subject, binary.layer)
        .into_iter()
        .collect();
    let message = format!("{}: {what} ({})", binary.path, describe(subject, binary));
    let at = Located {
        location,
        snippet: binary.path.clone(),
    };
    if in_base(subject, binary.layer) {
        out.report_from_base(message, at, related);
    } else {
        out.report_related(message, at, related);
    }
}

/// `executable, deb package coreutils 9.1-1, base image` /
/// `shared object, this build (layer 3)`.
pub(crate) fn describe(subject: &Subject, binary: &Binary) -> String {
    let kind = match binary.kind() {
        BinaryKind::Executable if binary.facts.dynamic => "executable",
        BinaryKind::Executable => "static executable",
        BinaryKind::SharedObject => "shared object",
        BinaryKind::Other => "ELF file",
    };
    let mut parts = vec![kind.to_owned()];
    if let Some(pkg) = binary
        .package
        .and_then(|i| subject.packages.as_ref()?.packages.get(i))
    {
        parts.push(crate::rules::package::label(pkg, false));
    }
    let Some(image) = &subject.image else {
        return parts.join(", ");
    };
    if image.layer_history.iter().any(Option::is_some) {
        parts.push(if in_base(subject, binary.layer) {
            "base image".to_owned()
        } else {
            format!("this build (layer {})", binary.layer)
        });
    }
    parts.join(", ")
}

/// Report every binary for which `what` says something.
pub(crate) fn check_each(
    subject: &Subject,
    out: &mut Findings,
    what: impl Fn(&Subject, &Binary) -> Option<String>,
) {
    for binary in binaries(subject) {
        if let Some(message) = what(subject, binary) {
            report(subject, out, binary, &message);
        }
    }
}

// --- the facts the policies share ---------------------------------------

const EM_AARCH64: u16 = 183;
const EM_RISCV: u16 = 243;
const EM_LOONGARCH: u16 = 258;

/// SQ18101's fact: the stack is executable, or `PT_GNU_STACK` is missing
/// where the kernel then makes it so.
pub(crate) fn executable_stack(binary: &Binary) -> Option<&'static str> {
    match binary.facts.stack {
        Stack::Executable => Some("the stack is executable (PT_GNU_STACK has PF_X)"),
        Stack::Missing if ![EM_AARCH64, EM_RISCV, EM_LOONGARCH].contains(&binary.facts.machine) => {
            Some("no PT_GNU_STACK: the kernel makes the stack executable")
        }
        _ => None,
    }
}

/// Whether the symbol-based checks (SQ18104–SQ18110) can and should judge
/// the binary: dynamically linked against something (`DT_NEEDED`: a
/// static binary's `__stack_chk_fail` and `__*_chk` are the C library's
/// own copies, linked in whether the program uses them or not, and a file
/// that links nothing imports nothing), with symbols read, not a Go binary
/// or Rust binary (no canary by design) and not the C library itself (it
/// defines them).
pub(crate) fn symbols_judged(binary: &Binary) -> bool {
    let f = &binary.facts;
    f.dynamic
        && !f.needed.is_empty()
        && !f.go
        && !f.rust
        && f.symbols_from != SymbolSource::None
        && !is_c_library(binary)
}

fn has(names: &[String], name: &str) -> bool {
    names.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
}

/// Uses a stack protector: imports or defines `__stack_chk_fail` (or, with
/// the global-guard scheme, `__stack_chk_guard`).
pub(crate) fn has_stack_protector(binary: &Binary) -> bool {
    let f = &binary.facts;
    [symbols::STACK_CHK_FAIL, symbols::STACK_CHK_GUARD]
        .iter()
        .any(|s| has(&f.imported, s) || has(&f.defined, s))
}

/// Uses at least one fortified function (`__memcpy_chk`, …).
pub(crate) fn has_fortified(binary: &Binary) -> bool {
    let f = &binary.facts;
    f.imported
        .iter()
        .chain(&f.defined)
        .any(|s| symbols::is_fortified(s))
}

/// SQ18104's fact, which SQ18105–SQ18107 build on.
pub(crate) fn unprotected(binary: &Binary) -> bool {
    symbols_judged(binary) && !has_stack_protector(binary) && !has_fortified(binary)
}

/// The imported functions of `list`, for the message: `strcpy, sprintf`.
pub(crate) fn imported_of(binary: &Binary, list: &[&str]) -> Vec<String> {
    binary
        .facts
        .imported
        .iter()
        .filter(|s| list.contains(&s.as_str()))
        .cloned()
        .collect()
}

/// SQ18105–SQ18107: an unprotected binary importing functions of `list`.
pub(crate) fn banned(binary: &Binary, list: &[&str], kind: &str) -> Option<String> {
    if !unprotected(binary) {
        return None;
    }
    let found = imported_of(binary, list);
    (!found.is_empty()).then(|| {
        format!(
            "no stack protector and no fortified functions, and it calls {kind} functions without bounds checks: {}",
            found.join(", ")
        )
    })
}

/// The C library itself defines the canary's symbols: they are not a
/// program's own implementation.
pub(crate) fn is_c_library(binary: &Binary) -> bool {
    let f = &binary.facts;
    let name = f
        .soname
        .as_deref()
        .unwrap_or_else(|| binary.path.rsplit('/').next().unwrap_or(""));
    [
        "libc.so",
        "ld-linux",
        "ld64.so",
        "ld.so",
        "libc.musl",
        "ld-musl",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// Whether the binary has dynamic linking (a dynamic section): RELRO is
/// about what the loader binds, so SQ18112 and SQ18113 judge only these
/// (a static binary's startup code applies its own).
pub(crate) fn is_dynamic(binary: &Binary) -> bool {
    binary.facts.dynamic
}

/// An executable linked at a fixed address: `ET_EXEC`.
pub(crate) fn not_pie(binary: &Binary) -> bool {
    binary.facts.file_type == FileType::Executable
}

/// A language whose binaries the symbol checks leave out: its name, how a
/// binary is told to be of it, and why.
type Language = (&'static str, fn(&Binary) -> bool, &'static str);

/// The Go and Rust binaries the symbol checks left out, one note per
/// language and image.
pub(crate) fn go_note(subject: &Subject, out: &mut Findings) {
    let languages: [Language; 2] = [
        ("Go", |b| b.facts.go, "Go has neither by design (its compiler checks bounds at run time)"),
        (
            "Rust",
            |b| b.facts.rust && !b.facts.go,
            "stable Rust has neither (safe Rust checks bounds at run time); C code linked into them is not told apart",
        ),
    ];
    for (language, is, why) in languages {
        let found: Vec<&Binary> = binaries(subject).filter(|b| is(b)).collect();
        if let Some(first) = found.first() {
            let location = crate::rules::package::layer_location(subject, first.layer, &first.path);
            out.note(
                format!(
                    "{} {language} binar{} ({}{}) not checked for a stack protector or fortified functions: {why}",
                    found.len(),
                    if found.len() == 1 { "y" } else { "ies" },
                    first.path,
                    if found.len() > 1 { ", …" } else { "" }
                ),
                location,
            );
        }
    }
}
