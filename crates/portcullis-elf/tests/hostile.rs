//! Hostile input: truncations, headers pointing past the end, huge counts,
//! overlapping segments, a string table outside the file, a million
//! symbols, random mutations. Never a panic: a note, or an error.

mod common;

use std::time::Instant;

use common::{gcc, have, stream};
use portcullis_elf::{parse, SymbolSource};

const PROGRAM: &str = r#"
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    char b[16];
    strcpy(b, argv[0]);
    return puts(b) + argc;
}
"#;

fn small_binary() -> Option<Vec<u8>> {
    if !have("gcc") {
        println!("skipped: no gcc");
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = gcc(dir.path(), "small", PROGRAM, &["-Wl,-z,now"]).expect("gcc");
    Some(std::fs::read(out).expect("read"))
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}
fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// (p_type, file offset of the program header) of each.
fn program_headers(b: &[u8]) -> Vec<(u32, usize)> {
    let phoff = u64_at(b, 32) as usize;
    (0..u16_at(b, 56) as usize)
        .map(|i| {
            let at = phoff + i * 56;
            (u32::from_le_bytes(b[at..at + 4].try_into().expect("4")), at)
        })
        .collect()
}

#[test]
fn every_truncation() {
    let Some(bytes) = small_binary() else { return };
    let whole = parse(&bytes).expect("facts");
    assert_eq!(whole.imported, ["strcpy"]);
    for len in 0..bytes.len() {
        let cut = &bytes[..len];
        // The file really is this short; then a stream that ended early
        // (a read error) although the size said more. The section headers
        // end the file: any cut misses some, and says so.
        let mut reader = portcullis_elf::ElfReader::new(bytes.len() as u64);
        reader.push(cut);
        for (how, got) in [
            ("short file", parse(cut)),
            ("short stream", reader.finish().expect("ELF")),
        ] {
            match got {
                Err(e) => assert!(len < 64, "{how} {len}: {e}"),
                Ok(f) => {
                    assert!(len >= 64, "{how} {len}");
                    assert!(!f.notes.is_empty(), "{how} {len}: {f:?}");
                }
            }
        }
    }
    assert_eq!(
        parse(&bytes[..40]),
        Err(portcullis_elf::ElfError(
            "truncated ELF header: 40 bytes, 64 needed".into()
        ))
    );
    let f = parse(&bytes[..bytes.len() - 1]).expect("facts");
    assert_eq!(f.notes, ["section headers past the end of the file"]);
}

#[test]
fn headers_past_the_end_and_huge_counts() {
    let Some(bytes) = small_binary() else { return };
    let mut b = bytes.clone();
    put_u64(&mut b, 40, bytes.len() as u64 + 100);
    let f = parse(&b).expect("facts");
    assert_eq!(f.notes, ["section headers past the end of the file"]);
    assert!(!f.symbol_table);
    assert_eq!(f.imported, ["strcpy"]);

    let mut b = bytes.clone();
    b[56..58].copy_from_slice(&0xfffeu16.to_le_bytes());
    let f = parse(&b).expect("facts");
    assert_eq!(f.notes, ["program headers past the end of the file"]);
    assert!(!f.dynamic);

    let mut b = bytes.clone();
    b[60..62].copy_from_slice(&0xffffu16.to_le_bytes());
    let f = parse(&b).expect("facts");
    assert_eq!(f.notes, ["section headers past the end of the file"]);
}

#[test]
fn overlapping_segments_and_tables_outside() {
    let Some(bytes) = small_binary() else { return };
    let phdrs = program_headers(&bytes);
    let loads: Vec<usize> = phdrs.iter().filter(|p| p.0 == 1).map(|p| p.1).collect();
    // Every PT_LOAD at the first one's place: no panic, and the dynamic
    // tables no longer map where they did.
    let mut b = bytes.clone();
    for &at in &loads[1..] {
        let (off, vaddr, filesz) = (
            u64_at(&b, loads[0] + 8),
            u64_at(&b, loads[0] + 16),
            u64_at(&b, loads[0] + 32),
        );
        put_u64(&mut b, at + 8, off);
        put_u64(&mut b, at + 16, vaddr);
        put_u64(&mut b, at + 32, filesz);
    }
    let f = parse(&b).expect("facts");
    assert_eq!(f.needed, ["libc.so.6"]);
    for size in [1, 7, 4096] {
        assert_eq!(stream(&b, size).expect("ELF").expect("facts"), f);
    }

    // DT_STRTAB pointing outside every segment.
    let (_, dyn_at) = *phdrs.iter().find(|p| p.0 == 2).expect("PT_DYNAMIC");
    let dyn_off = u64_at(&bytes, dyn_at + 8) as usize;
    let mut b = bytes.clone();
    let mut at = dyn_off;
    loop {
        let tag = u64_at(&b, at);
        if tag == 0 {
            break;
        }
        if tag == 5 {
            put_u64(&mut b, at + 8, 0xdead_beef_0000);
        }
        at += 16;
    }
    let f = parse(&b).expect("facts");
    assert_eq!(
        f.notes,
        ["dynamic string table not read: outside the loadable segments or the read budget"]
    );
    assert_eq!(f.needed, Vec::<String>::new());
    assert_eq!(f.symbols_from, SymbolSource::None);
    assert!(f.bind_now);
}

#[test]
fn many_symbols() {
    if !have("gcc") {
        println!("skipped: no gcc");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (count, within_budget) in [(200_000usize, true), (1_000_000, false)] {
        // Assembly (gcc is slow on a million C declarations): common
        // symbols, all exported, and a function that calls strcpy.
        let mut src = String::with_capacity(count * 24);
        src.push_str(".text\n.globl copy\ncopy:\n    jmp strcpy@PLT\n");
        for i in 0..count {
            src.push_str(&format!(".comm v{i},4,4\n"));
        }
        src.push_str(".section .note.GNU-stack,\"\",@progbits\n");
        let name = format!("lib{count}.so");
        let started = Instant::now();
        let out = gcc(dir.path(), &name, &src, &["-shared"]).expect("gcc");
        println!(
            "{count} symbols: gcc {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let bytes = std::fs::read(&out).expect("read");
        let started = Instant::now();
        let f = stream(&bytes, 64 << 10).expect("ELF").expect("facts");
        println!(
            "{count} symbols: {} MB read in {:.3} s",
            bytes.len() / 1_000_000,
            started.elapsed().as_secs_f64()
        );
        if within_budget {
            assert_eq!(f.needed, ["libc.so.6"]);
            assert_eq!(f.imported, ["strcpy"]);
            assert_eq!(f.symbols_from, SymbolSource::Dynamic);
            assert_eq!(f.notes, Vec::<String>::new());
        } else {
            // 24 MB of symbols come first: the string table after them is
            // past the budget too.
            assert_eq!(f.imported, Vec::<String>::new());
            assert_eq!(f.needed, Vec::<String>::new());
            assert_eq!(f.symbols_from, SymbolSource::None);
            assert_eq!(
                f.notes,
                ["dynamic string table beyond the 8 MiB read budget: needed libraries, paths and symbols not read"]
            );
        }
    }
}

#[test]
fn random_mutations() {
    let Some(bytes) = small_binary() else { return };
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let len = bytes.len();
    let (mut ok, mut errors) = (0, 0);
    for _ in 0..3000 {
        let mut b = bytes.clone();
        for _ in 0..1 + next() % 8 {
            let r = next();
            // Mostly the headers and tables at either end, where a byte
            // changes what is read.
            let at = match r % 3 {
                0 => (r >> 8) as usize % 4096.min(len),
                1 => len - 1 - (r >> 8) as usize % 4096.min(len),
                _ => (r >> 8) as usize % len,
            };
            b[at] = (r >> 40) as u8;
        }
        let whole = parse(&b);
        match &whole {
            Ok(_) => ok += 1,
            Err(_) => errors += 1,
        }
        for size in [7, 4096] {
            let streamed = stream(&b, size)
                .unwrap_or_else(|| Err(portcullis_elf::ElfError("not an ELF file".into())));
            assert_eq!(streamed, whole, "chunks of {size}");
        }
    }
    println!("3000 mutations: {ok} read, {errors} errors");
    assert!(ok > 1000);
}
