use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Arg, Command, Op, Subject, SubjectKind};
use crate::util::{basename, mode_special_bits, program_index, shell_commands};

pub static RULE: Rule = Rule {
    code: "SQ40102",
    name: "setuid-setgid",
    title: "Files with setuid or setgid permissions",
    category: Category::ContainerSecurity,
    severity: Severity::Medium,
    remediation: "Do not add setuid/setgid bits; if the image inherits such files it does not need, remove the bits with `chmod u-s,g-s` in the same layer that installs them.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image, SubjectKind::Lxd],
    doc: Doc {
        what: "Build steps that give a file the setuid (04000) or setgid (02000) permission bit: `RUN chmod` with `u+s`, `g+s`, `+s` or a numeric mode whose thousands digit is 4, 2 or 6 (also `install -m`), and `COPY`/`ADD --chmod=` with those bits. Scripts in heredocs and `sh -c` exec forms are read too. In an image, every regular file of the merged filesystem (after whiteouts and opaque directories) with either bit, one finding per file, located at the layer that set its mode; hard links carry their target's mode. Such files that a later layer deleted or changed are still in the earlier layer blob and are listed as notes, not findings. In an LXD image, the files of its root filesystem (the `rootfs/` of the tarball, or the squashfs), located at their path there.",
        why: "A setuid or setgid program runs with the privileges of its owner or group, not of the user who starts it. In a container that runs as an unprivileged user, each such file is a way back to root if the program has a bug or can be tricked into running something else.",
        fix: "Do not set the bits. If a program needs a capability, grant that capability to the container at runtime instead. If a package installs setuid files the application does not use, strip the bits in the same `RUN` that installs them.",
        bad: "FROM debian:bookworm\nCOPY --chmod=4755 helper /usr/local/bin/helper\nRUN chmod u+s /usr/bin/ping\n",
        good: "FROM debian:bookworm\nCOPY --chmod=0755 helper /usr/local/bin/helper\nRUN find / -xdev -perm /6000 -type f -exec chmod u-s,g-s {} +\n",
    },
    check,
};

const SHELLS: [&str; 6] = ["sh", "bash", "ash", "dash", "zsh", "ksh"];

fn check(subject: &Subject, out: &mut Findings) {
    if let Some(image) = &subject.image {
        return check_files(image, out);
    }
    for step in subject.steps.iter().filter(|s| !s.inherited) {
        match &step.op {
            Op::Run { command, heredocs } => {
                let mut scripts: Vec<&Arg> = Vec::new();
                let mut heredoc_is_script = false;
                match command {
                    Command::Shell(script) => {
                        scripts.push(script);
                        // `RUN <<EOF` or `RUN bash <<EOF`: the heredoc is the script.
                        heredoc_is_script =
                            shell_commands(&script.raw).first().is_some_and(|words| {
                                let texts: Vec<&str> =
                                    words.iter().map(|w| w.text.as_str()).collect();
                                texts.first().is_some_and(|w| w.contains("<<"))
                                    || program_index(&texts)
                                        .is_some_and(|i| SHELLS.contains(&basename(texts[i])))
                            });
                    }
                    Command::Exec(argv) => {
                        let texts: Vec<&str> = argv.iter().map(|a| a.text.as_str()).collect();
                        if texts.len() >= 3
                            && SHELLS.contains(&basename(texts[0]))
                            && texts[1] == "-c"
                        {
                            scripts.push(&argv[2]);
                        } else if let Some(found) = mode_change(&texts) {
                            report(
                                subject,
                                out,
                                argv[found.mode].at.clone(),
                                &found,
                                &texts,
                                step.stage,
                            );
                        }
                    }
                }
                if heredoc_is_script {
                    scripts.extend(heredocs);
                }
                for script in scripts {
                    for words in shell_commands(&script.raw) {
                        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
                        if let Some(found) = mode_change(&texts) {
                            let w = &words[found.mode];
                            let at = subject.locate(script, w.start, w.end);
                            report(subject, out, at, &found, &texts, step.stage);
                        }
                    }
                }
            }
            Op::Copy { sources, dest } | Op::Add { sources, dest } => {
                if let Some(mode) = step.flag("chmod") {
                    if let Some(bits) = mode_special_bits(&mode.text).filter(|b| b.any()) {
                        let names: Vec<String> =
                            sources.iter().map(|s| format!("`{}`", s.text)).collect();
                        out.report(
                            format!(
                                "{} --chmod={} gives {} (copied to `{}`) {}{}",
                                step.op.keyword(),
                                mode.text,
                                names.join(", "),
                                dest.text,
                                bits.noun(),
                                stage_note(subject, step.stage),
                            ),
                            mode.at.clone(),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// A command that sets a file mode: which tool, where the mode word is, and
/// which words name the files it applies to.
struct ModeChange {
    tool: String,
    mode: usize,
    files: Vec<usize>,
}

/// `chmod [opts] MODE FILE…`, `install … -m MODE SRC DEST`, and either of
/// them under `find … -exec`.
fn mode_change(words: &[&str]) -> Option<ModeChange> {
    let p = program_index(words)?;
    let positional = |from: usize| {
        (from..words.len())
            .filter(|&i| !words[i].starts_with('-'))
            .collect::<Vec<_>>()
    };
    match basename(words[p]) {
        "chmod" => {
            let args = positional(p + 1);
            let (&mode, files) = args.split_first()?;
            Some(ModeChange {
                tool: "chmod".into(),
                mode,
                files: files.to_vec(),
            })
        }
        "install" => {
            let flag = (p + 1..words.len()).find(|&i| words[i] == "-m" || words[i] == "--mode")?;
            let mode = flag + 1;
            let dest = positional(mode + 1).last().copied();
            (mode < words.len()).then(|| ModeChange {
                tool: "install -m".into(),
                mode,
                files: dest.into_iter().collect(),
            })
        }
        "find" => {
            let exec = (p + 1..words.len())
                .find(|&i| matches!(words[i], "-exec" | "-execdir" | "-ok" | "-okdir"))?;
            let inner = mode_change(&words[exec + 1..])?;
            let roots: Vec<usize> = (p + 1..words.len())
                .take_while(|&i| !words[i].starts_with(['-', '(', '!']))
                .collect();
            Some(ModeChange {
                tool: format!("find {} {}", words[exec], inner.tool),
                mode: exec + 1 + inner.mode,
                files: roots,
            })
        }
        _ => None,
    }
}

fn report(
    subject: &Subject,
    out: &mut Findings,
    at: crate::Located,
    found: &ModeChange,
    words: &[&str],
    stage: usize,
) {
    let mode = words[found.mode];
    let Some(bits) = mode_special_bits(mode).filter(|b| b.any()) else {
        return;
    };
    let files: Vec<String> = found
        .files
        .iter()
        .map(|&i| format!("`{}`", words[i]))
        .collect();
    let targets = match (found.tool.starts_with("find"), files.is_empty()) {
        (true, true) => "the files find selects".to_owned(),
        (true, false) => format!("the files find selects under {}", files.join(", ")),
        (false, true) => "the target".to_owned(),
        (false, false) => files.join(", "),
    };
    out.report(
        format!(
            "{} {mode} sets {} on {targets}{}",
            found.tool,
            bits.noun(),
            stage_note(subject, stage)
        ),
        at,
    );
}

/// Findings outside the final stage chain say where they are.
fn stage_note(subject: &Subject, stage: usize) -> String {
    if subject.chain(subject.final_stage()).contains(&stage) {
        return String::new();
    }
    match &subject.stages[stage].name {
        Some(name) => format!(" in build stage `{name}`"),
        None => format!(" in build stage {stage}"),
    }
}

/// Images: every regular file of the merged filesystem with the bits (hard
/// links carry their target's mode), and, as notes, such files that a later
/// layer removed or changed but that an earlier layer blob still holds.
fn check_files(image: &crate::subject::ImageFacts, out: &mut Findings) {
    use portcullis_image::fs::Gone;
    use portcullis_image::{display_path, EntryKind};
    let bits_of = |mode: u32| crate::util::SpecialBits {
        setuid: mode & 0o4000 != 0,
        setgid: mode & 0o2000 != 0,
    };
    let at = |layer: usize, path: &[u8]| crate::Location::Layer {
        index: layer,
        digest: image.diff_ids.get(layer).cloned().unwrap_or_default(),
        path: display_path(path),
        line: None,
        column: None,
    };
    let is_file = |kind: EntryKind| matches!(kind, EntryKind::File | EntryKind::HardLink);
    for file in image.fs.files() {
        let e = &file.entry;
        let bits = bits_of(e.mode);
        if !is_file(e.kind) || !bits.any() {
            continue;
        }
        let link = match (&e.kind, &e.link) {
            (EntryKind::HardLink, Some(target)) => {
                format!(", a hard link to {}", display_path(target))
            }
            _ => String::new(),
        };
        out.report(
            format!(
                "{} has {} (mode {:04o}, owner {}:{}){link}",
                display_path(e.path),
                bits.noun(),
                e.mode,
                e.uid,
                e.gid
            ),
            crate::Located::new(at(file.layer, e.path)),
        );
    }
    for s in image.fs.shadowed() {
        let e = &s.file.entry;
        let bits = bits_of(e.mode);
        if !is_file(e.kind) || !bits.any() {
            continue;
        }
        let how = match s.gone {
            Gone::Deleted(l) => format!("deleted by layer {l}"),
            Gone::Hidden(l) => format!("hidden by an opaque directory in layer {l}"),
            Gone::Replaced(l) => format!("replaced by layer {l}"),
        };
        out.note(
            format!(
                "{} had {} (mode {:04o}) in layer {}, {how}: not in the final filesystem, but anyone can still extract it from layer {}",
                display_path(e.path),
                bits.noun(),
                e.mode,
                s.file.layer,
                s.file.layer
            ),
            at(s.file.layer, e.path),
        );
    }
}
