//! Binaries compiled here with gcc, each mitigation on and off: the exact
//! facts, and the same answer from the stream reader at any chunk size.

mod common;

use std::process::Command;

use common::{facts, gcc, have};
use portcullis_elf::{ByteOrder, Class, ElfFacts, FileType, Stack, SymbolSource};

const PROGRAM: &str = r#"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    char buf[32];
    char out[64];
    memcpy(buf, argv[0], strlen(argv[0]) % 32);
    sprintf(out, "%s:%d", buf, argc);
    return (int)write(1, out, strlen(out));
}
"#;

const BANNED: &str = r#"
#include <stdio.h>
#include <string.h>
char *gets(char *);
int main(int argc, char **argv) {
    char a[16], b[16], c[64];
    gets(a);
    strcpy(b, a);
    memcpy(c, argv[0], (size_t)argc);
    sprintf(c, "%s%s", a, b);
    return puts(c);
}
"#;

const LIBRARY: &str = "int counter;\nint bump(int by) { counter += by; return counter; }\n";

/// Non-PIC code in a shared object: an absolute address in `.text`.
const TEXTREL: &str = "
.text
.globl get
.type get, @function
get:
    movabsq $counter, %rax
    ret
.data
.globl counter
counter:
    .long 0
.section .note.GNU-stack,\"\",@progbits
";

/// What Debian 12's gcc makes of PROGRAM by default (PIE, partial RELRO,
/// no stack protector, lazy binding).
fn default_facts() -> ElfFacts {
    ElfFacts {
        class: Class::Elf64,
        byte_order: ByteOrder::Little,
        machine: 62,
        file_type: FileType::Dynamic,
        interpreter: Some("/lib64/ld-linux-x86-64.so.2".into()),
        dynamic: true,
        pie_flag: true,
        stack: Stack::NonExecutable,
        writable_executable_load: false,
        relro: true,
        bind_now: false,
        text_relocations: false,
        rpath: None,
        runpath: None,
        soname: None,
        needed: vec!["libc.so.6".into()],
        imported: vec!["memcpy".into(), "sprintf".into()],
        defined: vec![],
        symbols_from: SymbolSource::Dynamic,
        symbol_table: true,
        go: false,
        rust: false,
        debug_info: false,
        source_paths: vec![],
        kernel_module: false,
        notes: vec![],
    }
}

/// scripts/test.sh sets it: every tool these tests build with is installed.
fn required() -> bool {
    std::env::var("PORTCULLIS_REFERENCE_TESTS").as_deref() == Ok("required")
}

/// Skip a test for `why`, unless the tools are required.
fn skip(why: &str) {
    assert!(!required(), "PORTCULLIS_REFERENCE_TESTS=required: {why}");
    println!("skipped: {why}");
}

fn gcc_available() -> bool {
    if have("gcc") {
        return true;
    }
    skip("no gcc");
    false
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_mitigation_on_and_off() {
    if !gcc_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let build =
        |name: &str, flags: &[&str]| facts(&gcc(dir.path(), name, PROGRAM, flags).expect("gcc"));
    let base = default_facts();
    assert_eq!(build("default", &[]), base);
    assert_eq!(
        build("execstack", &["-z", "execstack"]),
        ElfFacts {
            stack: Stack::Executable,
            ..base.clone()
        }
    );
    assert_eq!(
        build("nopie", &["-no-pie"]),
        ElfFacts {
            file_type: FileType::Executable,
            pie_flag: false,
            ..base.clone()
        }
    );
    assert_eq!(
        build("norelro", &["-z", "norelro"]),
        ElfFacts {
            relro: false,
            ..base.clone()
        }
    );
    assert_eq!(build("lazy", &["-z", "lazy"]), base);
    assert_eq!(
        build("now", &["-z", "now"]),
        ElfFacts {
            bind_now: true,
            ..base.clone()
        }
    );
    assert_eq!(build("nosp", &["-fno-stack-protector"]), base);
    assert_eq!(
        build("spall", &["-fstack-protector-all"]),
        ElfFacts {
            imported: strings(&["__stack_chk_fail", "memcpy", "sprintf"]),
            ..base.clone()
        }
    );
    // At -O2 gcc sees buf's size: memcpy is checked at compile time (and
    // inlined), sprintf is fortified.
    assert_eq!(
        build("fortify2", &["-D_FORTIFY_SOURCE=2", "-O2"]),
        ElfFacts {
            imported: strings(&["__sprintf_chk"]),
            ..base.clone()
        }
    );
    assert_eq!(
        build("fortify0", &["-D_FORTIFY_SOURCE=0", "-O2"]),
        ElfFacts {
            imported: strings(&["sprintf"]),
            ..base.clone()
        }
    );
    // Debian's ld enables new dtags: -rpath makes DT_RUNPATH.
    assert_eq!(
        build("rpath", &["-Wl,-rpath,/tmp"]),
        ElfFacts {
            runpath: Some("/tmp".into()),
            ..base.clone()
        }
    );
    assert_eq!(
        build("old-rpath", &["-Wl,--disable-new-dtags,-rpath,/tmp"]),
        ElfFacts {
            rpath: Some("/tmp".into()),
            ..base.clone()
        }
    );
    assert_eq!(
        build("runpath", &["-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib"]),
        ElfFacts {
            runpath: Some("$ORIGIN/../lib".into()),
            ..base.clone()
        }
    );
    assert_eq!(
        build("stripped", &["-s"]),
        ElfFacts {
            symbol_table: false,
            ..base.clone()
        }
    );
}

#[test]
fn debug_info_names_the_sources() {
    if !gcc_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().canonicalize().expect("canonical");
    std::fs::write(
        path.join("helper.c"),
        "int helper(int x) { return x + 1; }\n",
    )
    .expect("write");
    let program = "int helper(int);\nint main(void) { return helper(1); }\n";
    for (version, flags) in [("5", "-gdwarf-5"), ("4", "-gdwarf-4"), ("2", "-gdwarf-2")] {
        let name = format!("debug{version}");
        let out = gcc(&path, &name, program, &[flags, "helper.c"]).expect("gcc");
        let got = facts(&out);
        assert!(got.debug_info, "DWARF {version}");
        assert_eq!(
            got.source_paths,
            [
                format!("{}/{name}.c", path.display()),
                format!("{}/helper.c", path.display()),
            ],
            "DWARF {version}"
        );
        assert_eq!(got.notes, Vec::<String>::new());
    }
    // Compressed debug sections are told, not read.
    let out = gcc(&path, "zdebug", program, &["-g", "-gz", "helper.c"]).expect("gcc");
    let got = facts(&out);
    assert!(got.debug_info);
    assert_eq!(got.source_paths, Vec::<String>::new());
    assert_eq!(
        got.notes,
        ["compressed debug info (SHF_COMPRESSED): source paths not read"]
    );
}

#[test]
fn static_and_static_pie_read_their_symbol_table() {
    if !gcc_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let Ok(plain) = gcc(dir.path(), "static", PROGRAM, &["-static"]) else {
        skip("no static libc (libc6-dev)");
        return;
    };
    // What static glibc 2.36 links in for PROGRAM: its own canary, and the
    // string functions it uses internally.
    let libc_defined = strings(&[
        "__stack_chk_fail",
        "__stack_chk_fail_local",
        "asprintf",
        "fgets_unlocked",
        "fprintf",
        "getcwd",
        "mbsrtowcs",
        "memcpy",
        "memmove",
        "mempcpy",
        "memset",
        "read",
        "snprintf",
        "sprintf",
        "stpcpy",
        "strcpy",
        "vasprintf",
        "vsnprintf",
        "vsprintf",
        "wcrtomb",
        "wcsrtombs",
        "wmemcpy",
        "wmemmove",
        "wmempcpy",
        "wmemset",
    ]);
    let static_facts = ElfFacts {
        file_type: FileType::Executable,
        interpreter: None,
        dynamic: false,
        pie_flag: false,
        needed: vec![],
        imported: vec![],
        defined: libc_defined.clone(),
        symbols_from: SymbolSource::SymbolTable,
        ..default_facts()
    };
    assert_eq!(facts(&plain), static_facts);
    let pie = gcc(dir.path(), "static-pie", PROGRAM, &["-static-pie"]).expect("gcc");
    assert_eq!(
        facts(&pie),
        ElfFacts {
            file_type: FileType::Dynamic,
            dynamic: true,
            pie_flag: true,
            ..static_facts.clone()
        }
    );
    let stripped = gcc(dir.path(), "static-stripped", PROGRAM, &["-static", "-s"]).expect("gcc");
    assert_eq!(
        facts(&stripped),
        ElfFacts {
            defined: vec![],
            symbols_from: SymbolSource::None,
            symbol_table: false,
            ..static_facts
        }
    );
}

#[test]
fn shared_objects_and_text_relocations() {
    if !gcc_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let lib = gcc(
        dir.path(),
        "libbump.so",
        LIBRARY,
        &["-shared", "-fPIC", "-Wl,-soname,libbump.so.1"],
    )
    .expect("gcc");
    let lib_facts = ElfFacts {
        interpreter: None,
        pie_flag: false,
        soname: Some("libbump.so.1".into()),
        // Nothing from libc is used: ld records no DT_NEEDED.
        needed: vec![],
        imported: vec![],
        ..default_facts()
    };
    assert_eq!(facts(&lib), lib_facts);
    let textrel = gcc(
        dir.path(),
        "libtextrel.so",
        TEXTREL,
        &["-shared", "-Wl,-z,notext", "-Wl,-soname,libtextrel.so"],
    )
    .expect("gcc");
    assert_eq!(
        facts(&textrel),
        ElfFacts {
            soname: Some("libtextrel.so".into()),
            text_relocations: true,
            ..lib_facts
        }
    );
}

#[test]
fn banned_functions_are_imported() {
    if !gcc_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = gcc(dir.path(), "banned", BANNED, &[]).expect("gcc");
    assert_eq!(
        facts(&out),
        ElfFacts {
            imported: strings(&["gets", "memcpy", "sprintf", "strcpy"]),
            ..default_facts()
        }
    );
}

#[test]
fn thirty_two_bit() {
    if !gcc_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = match gcc(
        dir.path(),
        "m32",
        PROGRAM,
        &["-m32", "-fstack-protector-all"],
    ) {
        Ok(out) => out,
        Err(e) => {
            skip(&format!(
                "gcc -m32 does not link (install gcc-multilib): {e}"
            ));
            return;
        }
    };
    assert_eq!(
        facts(&out),
        ElfFacts {
            class: Class::Elf32,
            machine: 3,
            interpreter: Some("/lib/ld-linux.so.2".into()),
            imported: strings(&["__stack_chk_fail", "memcpy", "sprintf"]),
            // i386 calls the canary's failure through a hidden local copy
            // (libc_nonshared.a's), defined in `.symtab` only.
            defined: strings(&["__stack_chk_fail_local"]),
            ..default_facts()
        }
    );
}

#[test]
fn big_endian_mips() {
    let (as_, ld) = ("mips-linux-gnu-as", "mips-linux-gnu-ld");
    if !have(as_) || !have(ld) {
        skip(&format!("no {as_}/{ld} (binutils-mips-linux-gnu)"));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("start.s");
    std::fs::write(
        &src,
        ".text\n.globl __start\n__start:\n  li $v0, 4001\n  syscall\n.section .note.GNU-stack,\"\",@progbits\n",
    )
    .expect("write");
    let obj = dir.path().join("start.o");
    let exe = dir.path().join("start");
    let lib = dir.path().join("libstart.so");
    let run = |cmd: &mut Command| {
        let out = cmd.output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(Command::new(as_).arg(&src).arg("-o").arg(&obj));
    run(Command::new(ld).arg(&obj).arg("-o").arg(&exe));
    run(Command::new(ld)
        .args([
            "-shared",
            "-z",
            "relro",
            "-z",
            "now",
            "-rpath",
            "/opt/lib",
            "-soname",
            "libstart.so",
        ])
        .arg(&obj)
        .arg("-o")
        .arg(&lib));
    let exe_facts = ElfFacts {
        class: Class::Elf32,
        byte_order: ByteOrder::Big,
        machine: 8,
        file_type: FileType::Executable,
        interpreter: None,
        dynamic: false,
        pie_flag: false,
        stack: Stack::NonExecutable,
        writable_executable_load: false,
        relro: false,
        bind_now: false,
        text_relocations: false,
        rpath: None,
        runpath: None,
        soname: None,
        needed: vec![],
        imported: vec![],
        defined: vec![],
        symbols_from: SymbolSource::SymbolTable,
        symbol_table: true,
        go: false,
        rust: false,
        debug_info: false,
        source_paths: vec![],
        kernel_module: false,
        notes: vec![],
    };
    assert_eq!(facts(&exe), exe_facts);
    let got = facts(&lib);
    assert_eq!(
        (
            got.file_type,
            got.dynamic,
            got.bind_now,
            got.runpath.as_deref(),
            got.soname.as_deref()
        ),
        // Debian's cross ld enables new dtags too: DT_RUNPATH.
        (
            FileType::Dynamic,
            true,
            true,
            Some("/opt/lib"),
            Some("libstart.so")
        )
    );
    assert_eq!(got.symbols_from, SymbolSource::Dynamic);
    assert_eq!(got.notes, Vec::<String>::new());
}

/// rustc's own mark in `.comment` tells a Rust binary, stripped or not; a
/// C program's `.comment` (gcc's) does not.
#[test]
fn rust_binaries_are_told_by_their_comment() {
    if !have("rustc") {
        // This workspace is built by rustc: it is always there in CI.
        panic!("no rustc");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("hello.rs");
    std::fs::write(
        &src,
        "fn main() { println!(\"{}\", std::env::args().count()); }\n",
    )
    .expect("write");
    for (name, flags) in [
        ("plain", &[][..]),
        ("stripped", &["-C", "strip=symbols"][..]),
    ] {
        let out = dir.path().join(name);
        let done = Command::new("rustc")
            .args(["-O", "--edition", "2021"])
            .args(flags)
            .arg(&src)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("rustc runs");
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let f = facts(&out);
        assert!(f.rust, "{name}: {f:?}");
        assert!(!f.go, "{name}");
    }
    if gcc_available() {
        let c = gcc(dir.path(), "c", PROGRAM, &[]).expect("gcc");
        assert!(!facts(&c).rust);
    }
}
