//! Subject from a Dockerfile: every instruction of every stage as a step, and
//! the runtime settings of the final stage's `FROM <stage>` chain.

use std::sync::Arc;

use portcullis_dockerfile as df;
use portcullis_dockerfile::{Arguments, Base, Build, Keyword, ParseError, Word};

use super::*;

/// Build the subject for a parsed Dockerfile. `build_args` act as `--build-arg`.
pub fn from_dockerfile(
    path: &str,
    dockerfile: Dockerfile,
    build_args: &[(String, String)],
) -> Result<Subject, ParseError> {
    let src = Arc::new(SourceFile {
        path: path.to_owned(),
        dockerfile,
    });
    let build = Build::new(&src.dockerfile, build_args)?;
    let maker = Maker { src: &src };

    let mut steps = Vec::new();
    let mut stages = Vec::new();
    let mut from_steps = Vec::new();
    for stage in &build.stages {
        stages.push(StageInfo {
            name: stage.name.clone(),
            base: match &stage.base {
                Base::Scratch => StageBase::Scratch,
                Base::Stage(i) => StageBase::Stage(*i),
                Base::Image(v) => StageBase::Image(v.text.clone()),
            },
        });
        from_steps.push(steps.len());
        for step in &stage.steps {
            steps.push(maker.step(step, stage.index));
        }
    }

    let mut subject = Subject {
        kind: SubjectKind::Dockerfile,
        steps,
        stages,
        runtime: Runtime {
            user: Setting::NotSet,
            healthcheck: Setting::NotSet,
            cmd: Setting::NotSet,
            entrypoint: Setting::NotSet,
            exposed: Vec::new(),
            anchor: Located::new(Location::Config {
                pointer: String::new(),
            }),
        },
        source: None,
        image: None,
        secrets: super::secrets::in_dockerfile(&src),
        secrets_skipped: Vec::new(),
        packages: None,
        package_notes: Vec::new(),
        licenses: Default::default(),
        license_assessments: Default::default(),
        image_uses: Vec::new(),
        trusted_images: None,
        vulnerabilities: Default::default(),
        binaries: None,
        workloads: None,
        kubernetes_version: super::KUBERNETES_VERSION,
        images: None,
        signatures: Default::default(),
    };
    let final_stage = subject.final_stage();
    let from = from_steps[final_stage];
    subject.runtime = runtime(&subject, final_stage, subject.steps[from].at.clone());
    subject.source = Some(src.clone());
    subject.image_uses = super::image_uses::in_dockerfile(&subject);
    Ok(subject)
}

struct Maker<'a> {
    src: &'a Arc<SourceFile>,
}

impl Maker<'_> {
    fn at(&self, span: df::Span) -> Located {
        located(self.src, span)
    }

    /// An argument that was expanded (its word is the written text).
    fn value(&self, v: &df::Value) -> Arg {
        Arg {
            text: v.text.clone(),
            raw: v.raw.clone(),
            unresolved: v.unresolved.clone(),
            at: self.at(v.span),
            locator: Locator::Logical(Word {
                raw: v.raw.clone(),
                span: v.span,
            }),
        }
    }

    /// An argument Docker does not expand (RUN/CMD text, JSON strings, heredoc bodies).
    fn word(&self, w: &Word, locator: Locator) -> Arg {
        Arg {
            text: w.raw.clone(),
            raw: w.raw.clone(),
            unresolved: Vec::new(),
            at: self.at(w.span),
            locator,
        }
    }

    fn command(&self, c: &df::Command) -> Command {
        match c {
            df::Command::Exec(items) => {
                Command::Exec(items.iter().map(|w| self.word(w, Locator::Whole)).collect())
            }
            df::Command::Shell(w) => Command::Shell(self.word(w, Locator::Logical(w.clone()))),
        }
    }

    fn step(&self, step: &df::Step<'_>, stage: usize) -> Step {
        let ins = step.instruction;
        let args: Vec<Arg> = match &ins.args {
            Arguments::List { json: true, .. } => step
                .args
                .iter()
                .map(|v| Arg {
                    locator: Locator::Whole,
                    ..self.value(v)
                })
                .collect(),
            _ => step.args.iter().map(|v| self.value(v)).collect(),
        };
        let heredoc_bodies = || {
            ins.heredocs
                .iter()
                .map(|h| {
                    let body = Word {
                        raw: self.src.dockerfile.text(h.body).to_owned(),
                        span: h.body,
                    };
                    self.word(&body, Locator::Verbatim(h.body))
                })
                .collect::<Vec<_>>()
        };
        let split_dest = |mut args: Vec<Arg>| {
            let dest = args.pop();
            (args, dest)
        };
        let op = match (&ins.keyword, &ins.args) {
            (Keyword::From, _) => match args.into_iter().next() {
                Some(image) => Op::From { image },
                None => Op::Other("FROM"),
            },
            (Keyword::Run, Arguments::Command(c)) => Op::Run {
                command: self.command(c),
                heredocs: heredoc_bodies(),
            },
            (Keyword::Cmd, Arguments::Command(c)) => Op::Cmd(self.command(c)),
            (Keyword::Entrypoint, Arguments::Command(c)) => Op::Entrypoint(self.command(c)),
            (Keyword::Healthcheck, Arguments::Healthcheck(c)) => {
                Op::Healthcheck(c.as_ref().map(|c| self.command(c)))
            }
            (Keyword::Expose, _) => Op::Expose(args),
            (Keyword::User, _) => match args.into_iter().next() {
                Some(user) => Op::User(user),
                None => Op::Other("USER"),
            },
            (Keyword::Workdir, _) => match args.into_iter().next() {
                Some(dir) => Op::Workdir(dir),
                None => Op::Other("WORKDIR"),
            },
            (Keyword::Copy, _) => match split_dest(args) {
                (sources, Some(dest)) => Op::Copy { sources, dest },
                _ => Op::Other("COPY"),
            },
            (Keyword::Add, _) => match split_dest(args) {
                (sources, Some(dest)) => Op::Add { sources, dest },
                _ => Op::Other("ADD"),
            },
            (Keyword::Env, Arguments::Pairs(pairs)) => Op::Env(
                pairs
                    .iter()
                    .zip(args)
                    .map(|(p, value)| (self.word(&p.key, Locator::Logical(p.key.clone())), value))
                    .collect(),
            ),
            (k, _) => Op::Other(k.as_str()),
        };
        let flags = step
            .flags
            .iter()
            .map(|(name, v)| (name.clone(), self.value(v)))
            .collect();
        Step {
            op,
            stage,
            inherited: false,
            at: self.at(ins.keyword_span),
            flags,
            record: super::link::record(ins, Some(&step.args)),
        }
    }
}

/// The settings of `stage`: the last instruction in its chain that sets each,
/// else unknown (external base) or unset (scratch).
fn runtime(subject: &Subject, stage: usize, anchor: Located) -> Runtime {
    let chain = subject.chain(stage);
    fn missing<T>(subject: &Subject, stage: usize) -> Setting<T> {
        match subject.root_base(stage) {
            StageBase::Image(base) => Setting::Inherited { base: base.clone() },
            _ => Setting::NotSet,
        }
    }
    let mut rt = Runtime {
        user: missing(subject, stage),
        healthcheck: missing(subject, stage),
        cmd: missing(subject, stage),
        entrypoint: missing(subject, stage),
        exposed: Vec::new(),
        anchor,
    };
    // A membership table: `chain.contains` per step was quadratic in a
    // 100,000-stage FROM chain.
    let mut member = vec![false; subject.stages.len()];
    for &s in &chain {
        if let Some(m) = member.get_mut(s) {
            *m = true;
        }
    }
    let in_chain = subject
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| member.get(s.stage).copied().unwrap_or(false));
    // Stages are contiguous and in order, so file order is chain order.
    let mut cmd_set_in_stage: Option<usize> = None;
    for (i, step) in in_chain {
        match &step.op {
            Op::User(a) => {
                rt.user = Setting::Set {
                    value: a.clone(),
                    step: Some(i),
                }
            }
            Op::Healthcheck(c) => {
                rt.healthcheck = Setting::Set {
                    value: c.clone(),
                    step: Some(i),
                }
            }
            Op::Cmd(c) => {
                rt.cmd = Setting::Set {
                    value: c.clone(),
                    step: Some(i),
                };
                cmd_set_in_stage = Some(step.stage);
            }
            Op::Entrypoint(c) => {
                rt.entrypoint = Setting::Set {
                    value: c.clone(),
                    step: Some(i),
                };
                // As BuildKit: ENTRYPOINT clears the CMD unless this same stage set
                // one; a CMD from the base image or a parent stage does not survive.
                if cmd_set_in_stage != Some(step.stage) {
                    rt.cmd = Setting::NotSet;
                }
            }
            Op::Expose(ports) => rt
                .exposed
                .extend(ports.iter().map(|p| (p.clone(), Some(i)))),
            _ => {}
        }
    }
    rt
}
