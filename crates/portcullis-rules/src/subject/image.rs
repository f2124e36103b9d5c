//! Subject from a loaded image: history entries as steps (parsed with the
//! Dockerfile parser), the base boundary, runtime settings from the config
//! (located by JSON pointer, related to the history entry that set them),
//! and the merged filesystem.

use std::sync::Arc;

use portcullis_dockerfile as df;
use portcullis_dockerfile::{Arguments, Keyword};
use portcullis_image::history;
use portcullis_image::Image;

use super::*;

/// A JSON pointer token: `~` → `~0`, `/` → `~1`.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn config_at(pointer: &str) -> Located {
    Located::new(Location::Config {
        pointer: pointer.to_owned(),
    })
}

fn arg(text: &str, at: &Located) -> Arg {
    Arg {
        text: text.to_owned(),
        raw: text.to_owned(),
        unresolved: Vec::new(),
        at: at.clone(),
        locator: Locator::Whole,
    }
}

/// The Op a history instruction stands for; its arguments are located at the entry.
fn op_of(instruction: &df::Instruction, at: &Located) -> Op {
    let words = |items: &[df::Word]| items.iter().map(|w| arg(&w.raw, at)).collect::<Vec<_>>();
    let command = |c: &df::Command| match c {
        df::Command::Exec(items) => Command::Exec(words(items)),
        df::Command::Shell(w) => Command::Shell(arg(&w.raw, at)),
    };
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Run, Arguments::Command(c)) => Op::Run {
            command: command(c),
            heredocs: Vec::new(),
        },
        (Keyword::Cmd, Arguments::Command(c)) => Op::Cmd(command(c)),
        (Keyword::Entrypoint, Arguments::Command(c)) => Op::Entrypoint(command(c)),
        (Keyword::Healthcheck, Arguments::Healthcheck(c)) => {
            Op::Healthcheck(c.as_ref().map(command))
        }
        (Keyword::Expose, Arguments::Words(items)) => Op::Expose(words(items)),
        (Keyword::User, Arguments::Text(w)) => Op::User(arg(&w.raw, at)),
        (Keyword::Workdir, Arguments::Text(w)) => Op::Workdir(arg(&w.raw, at)),
        (Keyword::Copy | Keyword::Add, Arguments::List { items, .. }) => {
            let mut all = words(items);
            match all.pop() {
                Some(dest) if instruction.keyword == Keyword::Copy => {
                    Op::Copy { sources: all, dest }
                }
                Some(dest) => Op::Add { sources: all, dest },
                None => Op::Other(instruction.keyword.as_str()),
            }
        }
        (k, _) => Op::Other(k.as_str()),
    }
}

/// Build the subject of an image. The image's filesystem moves into it.
pub fn from_image(image: Image) -> Subject {
    let hsteps = history::steps(&image.config.history);
    let boundary = history::boundary(&hsteps);
    let mut steps = Vec::with_capacity(hsteps.len());
    for h in &hsteps {
        let at = Located {
            location: Location::History {
                index: h.index,
                created_by: h.created_by.clone(),
            },
            snippet: String::new(),
        };
        let parsed = h.instruction.as_deref().and_then(|text| {
            let dockerfile = df::parse(text).ok()?;
            let first = dockerfile.instructions().next().cloned();
            first
        });
        let op = match (&parsed, h.keyword.as_deref()) {
            (Some(instruction), _) => op_of(instruction, &at),
            // Recognised but not parseable (e.g. a RUN heredoc): keep the keyword.
            (None, Some("RUN")) => Op::Run {
                command: Command::Shell(arg(
                    h.instruction
                        .as_deref()
                        .unwrap_or("")
                        .trim_start_matches("RUN "),
                    &at,
                )),
                heredocs: Vec::new(),
            },
            _ => Op::Other("?"),
        };
        let flags = parsed
            .iter()
            .flat_map(|i| &i.flags)
            .filter_map(|f| Some((f.name.clone(), arg(&f.value.as_ref()?.raw, &at))))
            .collect();
        steps.push(Step {
            op,
            stage: 0,
            inherited: boundary.is_base(h.index),
            at,
            flags,
        });
    }

    let last_step = |keyword: &str| steps.iter().rposition(|s| s.op.keyword() == keyword);
    let cfg = image.config.config.clone().unwrap_or_default();
    let list = |pointer: &str, items: &[String]| {
        Command::Exec(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| arg(item, &config_at(&format!("{pointer}/{i}"))))
                .collect(),
        )
    };
    let user = match cfg.user.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => Setting::Set {
            value: arg(u, &config_at("/config/User")),
            step: last_step("USER"),
        },
        None => Setting::NotSet,
    };
    let healthcheck = match cfg.healthcheck.as_ref().and_then(|h| h.test.clone()) {
        Some(test) if test.first().map(String::as_str) == Some("NONE") => Setting::Set {
            value: None,
            step: last_step("HEALTHCHECK"),
        },
        Some(test) if !test.is_empty() => Setting::Set {
            value: Some(list("/config/Healthcheck/Test", &test)),
            step: last_step("HEALTHCHECK"),
        },
        _ => Setting::NotSet,
    };
    let command = |items: &Option<Vec<String>>, pointer: &str, keyword: &str| match items {
        Some(items) if !items.is_empty() => Setting::Set {
            value: list(pointer, items),
            step: last_step(keyword),
        },
        _ => Setting::NotSet,
    };
    let exposed = cfg
        .exposed_ports
        .iter()
        .flat_map(|ports| ports.keys())
        .map(|key| {
            // The EXPOSE entry that declared it, directly or in a range.
            let declared = crate::util::parse_port_spec(key);
            let step = steps.iter().rposition(|s| match (&s.op, declared) {
                (Op::Expose(specs), Some(port)) => specs.iter().any(|a| {
                    crate::util::parse_port_spec(&a.text)
                        .is_some_and(|r| r.contains(port.first, port.proto))
                }),
                _ => false,
            });
            (
                arg(
                    key,
                    &config_at(&format!("/config/ExposedPorts/{}", pointer_token(key))),
                ),
                step,
            )
        })
        .collect();
    let runtime = Runtime {
        user,
        healthcheck,
        cmd: command(&cfg.cmd, "/config/Cmd", "CMD"),
        entrypoint: command(&cfg.entrypoint, "/config/Entrypoint", "ENTRYPOINT"),
        exposed,
        anchor: config_at("/config"),
    };
    // The history goes back to an empty filesystem, base included, so the one
    // stage starts from scratch; `inherited` marks the base's steps.
    let stages = vec![StageInfo {
        name: None,
        base: StageBase::Scratch,
    }];
    Subject {
        kind: SubjectKind::Image,
        steps,
        stages,
        runtime,
        source: None,
        image: Some(Arc::new(ImageFacts {
            diff_ids: image.layers.iter().map(|l| l.diff_id.clone()).collect(),
            layer_history: (0..image.layers.len())
                .map(|l| hsteps.iter().find(|h| h.layer == Some(l)).map(|h| h.index))
                .collect(),
            fs: image.fs,
            boundary,
        })),
    }
}
