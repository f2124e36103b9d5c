//! Differential test against the reference tools (`readelf`, `scanelf`,
//! `checksec`) over every ELF file of this machine's `/usr/bin`,
//! `/usr/sbin` and `/usr/lib/x86_64-linux-gnu`. Every difference is either
//! a documented judgement (below, by kind) or a failure. Also measures the
//! stream reader's speed over those files.
//!
//! `PORTCULLIS_REFERENCE_TESTS=required` makes a missing tool a failure;
//! otherwise the test says why it skips. `checksec` (a shell script that
//! runs readelf a dozen times per file, ~0.2 s) is run on a sample: every
//! [`CHECKSEC_EVERY`]th file in path order.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use portcullis_elf::symbols::{is_fortified, of_interest};
use portcullis_elf::{ElfFacts, ElfReader, FileType, Stack, SymbolSource};

const ROOTS: &[&str] = &["/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu"];
const CHECKSEC_EVERY: usize = 32;
const WORKERS: usize = 2;

fn required() -> bool {
    std::env::var("PORTCULLIS_REFERENCE_TESTS").as_deref() == Ok("required")
}

fn tool(name: &str, probe: &[&str]) -> bool {
    let ok = Command::new(name)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !required(),
            "{name} is required (apt-get install pax-utils checksec binutils)"
        );
        println!("skipping {name}: not installed (apt-get install pax-utils checksec binutils)");
    }
    ok
}

/// Regular ELF files (no symlinks) under the roots, sorted.
fn elf_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                walk(&path, out);
            } else if kind.is_file() {
                let mut magic = [0u8; 4];
                let is_elf = std::fs::File::open(&path)
                    .and_then(|mut f| f.read_exact(&mut magic))
                    .is_ok()
                    && &magic == b"\x7fELF";
                if is_elf && entry.metadata().is_ok_and(|m| m.len() >= 52) {
                    out.push(path);
                }
            }
        }
    }
    let mut out = Vec::new();
    for root in ROOTS {
        walk(Path::new(root), &mut out);
    }
    out.sort();
    out
}

/// The stream reader over a file in 64 KiB reads; bytes actually read.
fn stream_file(path: &Path) -> (Option<Result<ElfFacts, portcullis_elf::ElfError>>, u64) {
    let Ok(mut file) = std::fs::File::open(path) else {
        return (None, 0);
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = ElfReader::new(size);
    let mut buf = vec![0u8; 64 << 10];
    let mut read = 0u64;
    loop {
        let n = file.read(&mut buf).unwrap_or(0);
        read += n as u64;
        if n == 0 || !reader.push(&buf[..n]) {
            break;
        }
    }
    (reader.finish(), read)
}

/// What readelf -W -l -d -S --dyn-syms says, in our terms.
#[derive(Debug, Default)]
struct Readelf {
    interpreter: Option<String>,
    stack: Option<String>,
    relro: bool,
    dynamic: bool,
    wx_load: bool,
    needed: Vec<String>,
    soname: Option<String>,
    rpath: Option<String>,
    runpath: Option<String>,
    textrel: bool,
    bind_now: bool,
    pie: bool,
    sections: Vec<String>,
    imported: Vec<String>,
    defined: Vec<String>,
}

fn bracketed(line: &str) -> Option<String> {
    let from = line.find('[')? + 1;
    let to = line.rfind(']')?;
    line.get(from..to).map(str::to_owned)
}

fn readelf(path: &Path) -> Option<Readelf> {
    let out = Command::new("readelf")
        .args(["-W", "-l", "-d", "-S", "--dyn-syms"])
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut r = Readelf::default();
    let mut in_dynsym = false;
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if line.starts_with("Symbol table '.dynsym'") {
            in_dynsym = true;
            continue;
        }
        if in_dynsym {
            if t.len() >= 8 && t[0].ends_with(':') {
                let name = t[7].split('@').next().unwrap_or("");
                if of_interest(name) {
                    if t[6] == "UND" {
                        r.imported.push(name.into());
                    } else {
                        r.defined.push(name.into());
                    }
                }
            }
            continue;
        }
        if line.contains("[Requesting program interpreter:") {
            r.interpreter = line
                .split_once(": ")
                .map(|(_, v)| v.trim_end_matches(']').to_owned());
        } else if line.starts_with("  ") && t.len() >= 8 && t[1].starts_with("0x") {
            let flags = t[6..t.len() - 1].join("");
            match t[0] {
                "GNU_STACK" => r.stack = Some(flags),
                "GNU_RELRO" => r.relro = true,
                "DYNAMIC" => r.dynamic = true,
                "LOAD" if flags.contains('W') && flags.contains('E') => r.wx_load = true,
                _ => {}
            }
        } else if line.starts_with("  [") {
            if let Some((_, rest)) = line.split_once(']') {
                if let Some(name) = rest.split_whitespace().next() {
                    r.sections.push(name.into());
                }
            }
        } else if line.starts_with(" 0x") && t.len() >= 2 {
            match t[1] {
                "(NEEDED)" => r.needed.extend(bracketed(line)),
                "(SONAME)" => r.soname = bracketed(line),
                "(RPATH)" => r.rpath = bracketed(line),
                "(RUNPATH)" => r.runpath = bracketed(line),
                "(TEXTREL)" => r.textrel = true,
                "(BIND_NOW)" => r.bind_now = true,
                "(FLAGS)" => {
                    r.bind_now |= t.contains(&"BIND_NOW");
                    r.textrel |= t.contains(&"TEXTREL");
                }
                "(FLAGS_1)" => {
                    r.bind_now |= t.contains(&"NOW");
                    r.pie |= t.contains(&"PIE");
                }
                _ => {}
            }
        }
    }
    for list in [&mut r.imported, &mut r.defined] {
        list.sort();
        list.dedup();
    }
    Some(r)
}

/// Differences, by kind: (kind, path).
type Diffs = Vec<(&'static str, String)>;

fn compare_readelf(path: &str, f: &ElfFacts, r: &Readelf, diffs: &mut Diffs) {
    let mut differ = |kind: &'static str, same: bool| {
        if !same {
            diffs.push((kind, path.to_owned()));
        }
    };
    differ("readelf interpreter", f.interpreter == r.interpreter);
    let stack = match &r.stack {
        None => Stack::Missing,
        Some(flags) if flags.contains('E') => Stack::Executable,
        Some(_) => Stack::NonExecutable,
    };
    differ("readelf GNU_STACK", f.stack == stack);
    differ("readelf GNU_RELRO", f.relro == r.relro);
    differ("readelf DYNAMIC", f.dynamic == r.dynamic);
    differ("readelf W+X LOAD", f.writable_executable_load == r.wx_load);
    differ("readelf NEEDED", f.needed == r.needed);
    differ("readelf SONAME", f.soname == r.soname);
    differ("readelf RPATH", f.rpath == r.rpath);
    differ("readelf RUNPATH", f.runpath == r.runpath);
    differ("readelf TEXTREL", f.text_relocations == r.textrel);
    differ("readelf BIND_NOW", f.bind_now == r.bind_now);
    differ("readelf PIE flag", f.pie_flag == r.pie);
    let has = |name: &str| r.sections.iter().any(|s| s == name);
    differ("readelf .symtab", f.symbol_table == has(".symtab"));
    differ(
        "readelf debug info",
        f.debug_info == (has(".debug_info") || has(".zdebug_info")),
    );
    let go_sections = has(".go.buildinfo") || has(".note.go.buildid");
    // Judgement: the Go build ID note also tells a Go binary whose
    // sections were stripped; readelf -S cannot see that.
    differ(
        "readelf Go",
        f.go == go_sections || (f.go && r.sections.is_empty()),
    );
    if f.symbols_from == SymbolSource::Dynamic {
        differ("readelf imported", f.imported == r.imported);
        differ("readelf defined", f.defined == r.defined);
    } else if f.dynamic && !f.needed.is_empty() {
        // The dynamic symbols were not read: the facts must say why.
        differ(
            "dynamic symbols not read, without a note",
            !f.notes.is_empty(),
        );
    }
}

#[test]
fn agrees_with_readelf_scanelf_and_checksec_on_this_system() {
    if !tool("readelf", &["--version"]) {
        return;
    }
    let files = elf_files();
    if files.is_empty() {
        assert!(!required(), "no ELF files under {ROOTS:?}");
        println!("skipping: no ELF files under {ROOTS:?}");
        return;
    }

    // The stream reader alone, timed (sequential, 64 KiB reads from the
    // page cache after the magic probe above).
    let started = Instant::now();
    let mut ours = Vec::with_capacity(files.len());
    let (mut read, mut total) = (0u64, 0u64);
    for path in &files {
        let (facts, n) = stream_file(path);
        read += n;
        total += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        ours.push(facts);
    }
    let took = started.elapsed().as_secs_f64();
    let lib: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].starts_with("/usr/lib/x86_64-linux-gnu"))
        .collect();
    println!(
        "stream reader: {} ELF files, {:.1} MB in them, {:.1} MB read before the reader stopped the feed, {:.2} s: {:.0} files/s, {:.0} MB/s of file",
        files.len(),
        total as f64 / 1e6,
        read as f64 / 1e6,
        took,
        files.len() as f64 / took,
        total as f64 / 1e6 / took
    );
    println!("({} of them under /usr/lib/x86_64-linux-gnu)", lib.len());

    let mut diffs: Diffs = Vec::new();
    let mut errors = 0;
    let mut with_notes = 0;
    for (path, facts) in files.iter().zip(&ours) {
        match facts {
            Some(Ok(f)) => with_notes += usize::from(!f.notes.is_empty()),
            Some(Err(e)) => {
                errors += 1;
                diffs.push(("our error", format!("{}: {e}", path.display())));
            }
            None => diffs.push(("not ELF to us", path.display().to_string())),
        }
    }

    // readelf, on every file, in parallel.
    let parsed: Vec<Option<Readelf>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|w| {
                let files = &files;
                scope.spawn(move || {
                    (w..files.len())
                        .step_by(WORKERS)
                        .map(|i| (i, readelf(&files[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<Option<Readelf>> = (0..files.len()).map(|_| None).collect();
        for h in handles {
            for (i, r) in h.join().expect("worker") {
                all[i] = r;
            }
        }
        all
    });
    for ((path, facts), r) in files.iter().zip(&ours).zip(&parsed) {
        if let (Some(Ok(f)), Some(r)) = (facts, r) {
            compare_readelf(&path.display().to_string(), f, r, &mut diffs);
        }
    }

    // scanelf: one run over all files.
    if tool("scanelf", &["--version"]) {
        for batch in files.chunks(512) {
            let out = Command::new("scanelf")
                .args(["-B", "-F", "%e;%t;%r;%n;%b;%p"])
                .args(batch)
                .output()
                .expect("scanelf");
            let text = String::from_utf8_lossy(&out.stdout);
            let by_path: BTreeMap<&str, Vec<&str>> = text
                .lines()
                .filter_map(|l| {
                    let fields: Vec<&str> = l.split(';').collect();
                    (fields.len() == 6).then(|| (fields[5], fields))
                })
                .collect();
            for path in batch {
                let key = path.to_str().unwrap_or("");
                let i = files.binary_search(path).unwrap_or(0);
                let (Some(s), Some(Ok(f))) = (by_path.get(key), &ours[i]) else {
                    diffs.push(("scanelf: no line", key.to_owned()));
                    continue;
                };
                compare_scanelf(key, f, s, &mut diffs);
            }
        }
    }

    // checksec, on a sample.
    let mut sampled = 0;
    if tool("checksec", &["--version"]) {
        let sample: Vec<usize> = (0..files.len()).step_by(CHECKSEC_EVERY).collect();
        sampled = sample.len();
        let results: Vec<(usize, String)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..WORKERS)
                .map(|w| {
                    let (files, sample) = (&files, &sample);
                    scope.spawn(move || {
                        sample
                            .iter()
                            .skip(w)
                            .step_by(WORKERS)
                            .map(|&i| {
                                let out = Command::new("checksec")
                                    .arg("--format=json")
                                    .arg(format!("--file={}", files[i].display()))
                                    .output()
                                    .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                                    .unwrap_or_default();
                                (i, out)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("worker"))
                .collect()
        });
        for (i, json) in results {
            let path = files[i].display().to_string();
            if let Some(Ok(f)) = &ours[i] {
                compare_checksec(&path, f, &json, &mut diffs);
            }
        }
    }

    // The comparison saw real answers, not empty output.
    let ok: Vec<&ElfFacts> = ours.iter().flatten().flatten().collect();
    let count = |p: &dyn Fn(&ElfFacts) -> bool| ok.iter().filter(|f| p(f)).count();
    println!(
        "of them: {} dynamic, {} with RELRO, {} bound now, {} with RPATH/RUNPATH, {} with text relocations, {} with .symtab, {} with debug info, {} Go, {} importing __stack_chk_fail",
        count(&|f| f.dynamic),
        count(&|f| f.relro),
        count(&|f| f.bind_now),
        count(&|f| f.rpath.is_some() || f.runpath.is_some()),
        count(&|f| f.text_relocations),
        count(&|f| f.symbol_table),
        count(&|f| f.debug_info),
        count(&|f| f.go),
        count(&|f| f.imported.iter().any(|n| n == "__stack_chk_fail")),
    );
    assert!(
        parsed
            .iter()
            .flatten()
            .filter(|r| r.dynamic && !r.needed.is_empty())
            .count()
            > ok.len() / 2
    );
    let mut by_kind: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (kind, path) in &diffs {
        by_kind.entry(kind).or_default().push(path);
    }
    println!(
        "compared {} files with readelf and scanelf, {sampled} with checksec; {errors} errors, {with_notes} with notes",
        files.len()
    );
    for (kind, paths) in &by_kind {
        println!(
            "{kind}: {} (e.g. {})",
            paths.len(),
            paths.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let unexplained: Vec<_> = by_kind
        .iter()
        .filter(|(kind, _)| !EXPLAINED.iter().any(|(k, _)| k == *kind))
        .collect();
    assert!(
        unexplained.is_empty(),
        "unexplained differences: {unexplained:#?}"
    );
}

/// Differences that are judgements, not errors: (kind, why). None occur on
/// Debian 12 today; these are where the tools' methods and ours part:
///
/// - checksec's RELRO "full" greps `readelf -d` for `BIND_NOW`: a file
///   with only `DF_1_NOW` (`FLAGS_1: NOW`) is "partial" to checksec, bound
///   now to us (and to glibc's loader, and scanelf);
/// - checksec's canary greps every symbol table (`readelf -s`), `.symtab`
///   included; for a dynamic binary we read the dynamic symbols only;
/// - checksec's PIE tells an executable from a shared object by `DEBUG` in
///   `readelf -d` (which also matches a path containing "DEBUG"); we use
///   `DF_1_PIE` or `PT_INTERP`.
const EXPLAINED: &[(&str, &str)] = &[];

fn compare_scanelf(path: &str, f: &ElfFacts, s: &[&str], diffs: &mut Diffs) {
    let mut differ = |kind: &'static str, same: bool| {
        if !same {
            diffs.push((kind, path.to_owned()));
        }
    };
    let pax: Vec<&str> = s[0].split_whitespace().collect();
    let stk = pax.first().copied().unwrap_or("");
    let stack = match stk {
        "---" => Stack::Missing,
        flags if flags.contains('X') => Stack::Executable,
        _ => Stack::NonExecutable,
    };
    differ("scanelf GNU_STACK", f.stack == stack);
    differ(
        "scanelf GNU_RELRO",
        f.relro == (pax.get(1).copied().unwrap_or("---") != "---"),
    );
    differ(
        "scanelf W+X LOAD",
        f.writable_executable_load
            == pax
                .get(2)
                .is_some_and(|p| p.contains('W') && p.contains('X')),
    );
    differ(
        "scanelf TEXTREL",
        f.text_relocations == (s[1].trim() == "TEXTREL"),
    );
    let paths = f
        .rpath
        .iter()
        .chain(&f.runpath)
        .cloned()
        .collect::<Vec<_>>()
        .join(",");
    let theirs = s[2].trim();
    differ(
        "scanelf RPATH",
        paths == if theirs == "-" { "" } else { theirs },
    );
    let needed = s[3].trim();
    differ(
        "scanelf NEEDED",
        f.needed.join(",") == if needed == "-" { "" } else { needed },
    );
    if f.dynamic {
        differ("scanelf BIND", f.bind_now == (s[4].trim() == "NOW"));
    }
}

fn json_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let at = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let rest = json.get(at..)?;
    rest.get(..rest.find('"')?)
}

fn compare_checksec(path: &str, f: &ElfFacts, json: &str, diffs: &mut Diffs) {
    let mut differ = |kind: &'static str, same: bool| {
        if !same {
            diffs.push((kind, path.to_owned()));
        }
    };
    let Some(relro) = json_field(json, "relro") else {
        diffs.push(("checksec: no answer", path.to_owned()));
        return;
    };
    let ours = match (f.relro, f.bind_now) {
        (false, _) => "no",
        (true, true) => "full",
        (true, false) => "partial",
    };
    differ("checksec RELRO", relro == ours);
    let canary = f.imported.iter().chain(&f.defined).any(|n| {
        n.starts_with("__stack_chk_fail")
            || n == "__stack_chk_guard"
            || n == "__intel_security_cookie"
    });
    differ(
        "checksec canary",
        json_field(json, "canary") == Some(if canary { "yes" } else { "no" }),
    );
    differ(
        "checksec NX",
        json_field(json, "nx")
            == Some(if f.stack == Stack::NonExecutable {
                "yes"
            } else {
                "no"
            }),
    );
    let pie = match f.file_type {
        FileType::Executable => "no",
        FileType::Relocatable => "rel",
        FileType::Dynamic if f.pie_flag || f.interpreter.is_some() => "yes",
        FileType::Dynamic => "dso",
        _ => "",
    };
    differ("checksec PIE", json_field(json, "pie") == Some(pie));
    let yes = |b: bool| Some(if b { "yes" } else { "no" });
    differ(
        "checksec RPATH",
        (json_field(json, "rpath") != Some("no")) == f.rpath.is_some(),
    );
    differ(
        "checksec RUNPATH",
        (json_field(json, "runpath") != Some("no")) == f.runpath.is_some(),
    );
    differ(
        "checksec Symbols",
        json_field(json, "symbols") == yes(f.symbol_table),
    );
    let fortified = f.symbols_from == SymbolSource::Dynamic
        && f.imported.iter().chain(&f.defined).any(|n| is_fortified(n));
    differ(
        "checksec FORTIFY",
        json_field(json, "fortify_source") == yes(fortified),
    );
}
