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
    applies_to: &[SubjectKind::Dockerfile],
    doc: Doc {
        what: "Build steps that give a file the setuid (04000) or setgid (02000) permission bit: `RUN chmod` with `u+s`, `g+s`, `+s` or a numeric mode whose thousands digit is 4, 2 or 6 (also `install -m`), and `COPY`/`ADD --chmod=` with those bits. Scripts in heredocs and `sh -c` exec forms are read too.",
        why: "A setuid or setgid program runs with the privileges of its owner or group, not of the user who starts it. In a container that runs as an unprivileged user, each such file is a way back to root if the program has a bug or can be tricked into running something else.",
        fix: "Do not set the bits. If a program needs a capability, grant that capability to the container at runtime instead. If a package installs setuid files the application does not use, strip the bits in the same `RUN` that installs them.",
        bad: "FROM debian:bookworm\nCOPY --chmod=4755 helper /usr/local/bin/helper\nRUN chmod u+s /usr/bin/ping\n",
        good: "FROM debian:bookworm\nCOPY --chmod=0755 helper /usr/local/bin/helper\nRUN find / -xdev -perm /6000 -type f -exec chmod u-s,g-s {} +\n",
    },
    check,
};

const SHELLS: [&str; 6] = ["sh", "bash", "ash", "dash", "zsh", "ksh"];

fn check(subject: &Subject, out: &mut Findings) {
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
                                texts
                                    .first()
                                    .is_some_and(|w| w.starts_with("<<") || w.contains("<<"))
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
                        } else if let Some((mode, files)) = chmod_mode(&texts) {
                            report_mode(
                                subject,
                                out,
                                &argv[mode],
                                &argv[mode].text,
                                &texts[files..],
                                step.stage,
                            );
                        }
                    }
                }
                if heredoc_is_script {
                    scripts.extend(heredocs);
                }
                for script in scripts {
                    check_script(subject, out, script, step.stage);
                }
            }
            Op::Copy { sources, dest } | Op::Add { sources, dest } => {
                if let Some(mode) = step.flag("chmod") {
                    if let Some(bits) = mode_special_bits(&mode.text).filter(|b| b.any()) {
                        let names: Vec<&str> = sources.iter().map(|s| s.text.as_str()).collect();
                        out.report(
                            format!(
                                "{} --chmod={} gives {} the {} bit{}",
                                step.op.keyword(),
                                mode.text,
                                describe_targets(&names, Some(&dest.text)),
                                bits.describe(),
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

/// For `chmod [opts] MODE FILE…` or `install … -m MODE …`: the index of the
/// mode word and of the first file.
fn chmod_mode(words: &[&str]) -> Option<(usize, usize)> {
    let p = program_index(words)?;
    match basename(words[p]) {
        "chmod" => {
            let mode = (p + 1..words.len()).find(|&i| !words[i].starts_with('-'))?;
            Some((mode, mode + 1))
        }
        "install" => {
            let i = (p + 1..words.len()).find(|&i| words[i] == "-m" || words[i] == "--mode")?;
            (i + 1 < words.len()).then_some((i + 1, i + 2))
        }
        _ => None,
    }
}

fn check_script(subject: &Subject, out: &mut Findings, script: &Arg, stage: usize) {
    for words in shell_commands(&script.raw) {
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let Some((mode, files)) = chmod_mode(&texts) else {
            continue;
        };
        let w = &words[mode];
        let at = subject.locate(script, w.start, w.end);
        report_mode(
            subject,
            out,
            &Arg {
                at,
                ..script.clone()
            },
            &w.text,
            &texts[files..],
            stage,
        );
    }
}

fn report_mode(
    subject: &Subject,
    out: &mut Findings,
    at: &Arg,
    mode: &str,
    files: &[&str],
    stage: usize,
) {
    let Some(bits) = mode_special_bits(mode).filter(|b| b.any()) else {
        return;
    };
    let files: Vec<&str> = files
        .iter()
        .copied()
        .filter(|f| !f.starts_with('-'))
        .collect();
    out.report(
        format!(
            "chmod {mode} sets the {} bit on {}{}",
            bits.describe(),
            describe_targets(&files, None),
            stage_note(subject, stage)
        ),
        at.at.clone(),
    );
}

fn describe_targets(files: &[&str], dest: Option<&str>) -> String {
    let quoted: Vec<String> = files.iter().map(|f| format!("`{f}`")).collect();
    let list = if quoted.is_empty() {
        "the target".to_owned()
    } else {
        quoted.join(", ")
    };
    match dest {
        Some(d) => format!("{list} (copied to `{d}`)"),
        None => list,
    }
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
