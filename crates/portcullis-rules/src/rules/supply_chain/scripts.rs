//! The shell scripts of a subject's build steps, parsed, with a way back
//! from a byte of a script to its place in the Dockerfile: `RUN` in shell
//! form, exec form (`["sh", "-c", "…"]` as a script, any other argv as
//! one command), heredoc bodies the step runs, and `sh -c '…'` bodies and
//! heredocs inside scripts, to a bounded depth. Image history `RUN` steps
//! are the same steps, located at their history entry.

use crate::finding::Located;
use crate::shell::{self, SimpleCommand};
use crate::subject::{Arg, Command, Op, Step, Subject};
use crate::util::{basename, program_index};

/// Shells that run a script given with `-c`, a file, or stdin.
pub(super) const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// How deep `sh -c '…'` bodies are followed.
const MAX_NESTING: usize = 4;

/// Whether `program` (a basename) runs a script it is given: a shell or
/// a scripting language's interpreter.
pub(super) fn is_interpreter(program: &str) -> bool {
    SHELLS.contains(&program)
        || matches!(
            program,
            "perl" | "ruby" | "node" | "php" | "python" | "python2" | "python3"
        )
        || program
            .strip_prefix("python3.")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

/// A script, or (`data`) text the step writes that is not run: a heredoc
/// fed to `cat`, scanned only for apt's `[trusted=yes]`.
pub(super) struct Script<'a> {
    pub step: &'a Step,
    pub text: String,
    pub commands: Vec<SimpleCommand>,
    pub data: bool,
    /// Where the text came from: one argument, or each word of an exec form.
    source: Source<'a>,
    /// For each byte of `text`, its offset in the source argument's `raw`;
    /// `None`: the same offsets.
    origin: Option<Vec<usize>>,
}

enum Source<'a> {
    Arg(&'a Arg),
    /// Exec form: each argument with its byte range in `text`.
    Exec(Vec<(usize, usize, &'a Arg)>),
}

impl<'a> Script<'a> {
    /// Where `text[start..end]` is: exact in a Dockerfile's shell form and
    /// heredocs, else the whole argument (JSON strings, history entries).
    pub fn locate(&self, subject: &Subject, start: usize, end: usize) -> Located {
        let (start, end) = match &self.origin {
            Some(o) => match (o.get(start), end.checked_sub(1).and_then(|e| o.get(e))) {
                (Some(&s), Some(&e)) if e >= s => (s, e + 1),
                _ => (0, 0),
            },
            None => (start, end),
        };
        match &self.source {
            Source::Arg(arg) => subject.locate(arg, start, end),
            Source::Exec(words) => words
                .iter()
                .find(|(s, e, _)| (*s..=*e).contains(&start))
                .or(words.first())
                .map(|(_, _, a)| a.at.clone())
                .unwrap_or_else(|| self.step.at.clone()),
        }
    }

    /// The script `text[from..to]` holds (a `sh -c` body, a heredoc),
    /// located through this one.
    fn nested(&self, text: String, origin: Vec<usize>, data: bool) -> Script<'a> {
        let origin = match &self.origin {
            Some(outer) => origin
                .iter()
                .map(|&i| outer.get(i).copied().unwrap_or(0))
                .collect(),
            None => origin,
        };
        Script {
            step: self.step,
            commands: if data {
                Vec::new()
            } else {
                shell::parse(&text)
            },
            text,
            data,
            source: match &self.source {
                Source::Arg(a) => Source::Arg(a),
                Source::Exec(w) => Source::Exec(w.clone()),
            },
            origin: Some(origin),
        }
    }
}

/// Every script of this build's `RUN` steps (not the base image's), with
/// the scripts nested in them.
pub(super) fn scripts(subject: &Subject) -> Vec<Script<'_>> {
    let mut out = Vec::new();
    for step in subject.steps.iter().filter(|s| !s.inherited) {
        let Op::Run { command, heredocs } = &step.op else {
            continue;
        };
        let mut heredoc_is_script = false;
        match command {
            Command::Shell(arg) => {
                let commands = shell::parse(&arg.raw);
                // `RUN <<EOF` or `RUN bash <<EOF`: the heredoc is the script.
                heredoc_is_script = commands.first().is_some_and(|c| {
                    let texts = c.texts();
                    (texts.is_empty()
                        && c.redirects
                            .iter()
                            .any(|r| r.op.ends_with("<<") || r.op.ends_with("<<-")))
                        || program_index(&texts)
                            .is_some_and(|i| SHELLS.contains(&basename(texts[i])))
                });
                out.push(Script {
                    step,
                    text: arg.raw.clone(),
                    commands,
                    data: false,
                    source: Source::Arg(arg),
                    origin: None,
                });
            }
            Command::Exec(argv) => {
                let texts: Vec<&str> = argv.iter().map(|a| a.text.as_str()).collect();
                if texts.len() >= 3 && SHELLS.contains(&basename(texts[0])) && texts[1] == "-c" {
                    out.push(Script {
                        step,
                        text: argv[2].raw.clone(),
                        commands: shell::parse(&argv[2].raw),
                        data: false,
                        source: Source::Arg(&argv[2]),
                        origin: None,
                    });
                } else {
                    // One command: its words quoted back into a script.
                    let mut text = String::new();
                    let mut words = Vec::new();
                    for a in argv {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        let start = text.len();
                        text.push('\'');
                        text.push_str(&a.text.replace('\'', "'\\''"));
                        text.push('\'');
                        words.push((start, text.len(), a));
                    }
                    out.push(Script {
                        step,
                        commands: shell::parse(&text),
                        text,
                        data: false,
                        source: Source::Exec(words),
                        origin: None,
                    });
                }
            }
        }
        for body in heredocs {
            out.push(Script {
                step,
                text: body.raw.clone(),
                commands: if heredoc_is_script {
                    shell::parse(&body.raw)
                } else {
                    Vec::new()
                },
                data: !heredoc_is_script,
                source: Source::Arg(body),
                origin: None,
            });
        }
    }
    // `sh -c '…'` bodies and heredocs inside the scripts, each right
    // after the script that holds it, so findings stay in source order.
    let mut all = Vec::with_capacity(out.len());
    for script in out {
        with_nested(script, 0, &mut all);
    }
    all
}

fn with_nested<'a>(script: Script<'a>, depth: usize, all: &mut Vec<Script<'a>>) {
    let nested = if depth < MAX_NESTING {
        inner_scripts(&script)
    } else {
        Vec::new()
    };
    all.push(script);
    for n in nested {
        with_nested(n, depth + 1, all);
    }
}

fn inner_scripts<'a>(script: &Script<'a>) -> Vec<Script<'a>> {
    let mut found = Vec::new();
    for cmd in shell::all_commands(&script.commands) {
        let texts = cmd.texts();
        let program = program_index(&texts).map(|i| (i, basename(texts[i])));
        if let Some((p, name)) = program {
            if is_interpreter(name) && SHELLS.contains(&name) {
                // `sh -c BODY`, options before it allowed (`bash -ec '…'`).
                let body = (p + 1..cmd.words.len())
                    .take_while(|&i| texts[i].starts_with('-'))
                    .find(|&i| {
                        texts[i].starts_with('-')
                            && !texts[i].starts_with("--")
                            && texts[i].contains('c')
                    })
                    .map(|i| i + 1)
                    .filter(|&i| i < cmd.words.len());
                if let Some(b) = body {
                    let w = &cmd.words[b];
                    found.push(script.nested(w.text.clone(), w.origin().to_vec(), false));
                }
            }
        }
        let runs_heredoc = program.is_some_and(|(_, name)| SHELLS.contains(&name));
        for &(s, e) in &cmd.heredocs {
            let Some(text) = script.text.get(s..e) else {
                continue;
            };
            found.push(script.nested(text.to_owned(), (s..e).collect(), !runs_heredoc));
        }
    }
    found
}
