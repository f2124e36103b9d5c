//! The build a Dockerfile describes: stages, what each is built from, and the
//! instruction arguments with variables expanded the way Docker expands them.

use crate::ast::*;
use std::collections::{HashMap, HashSet};

use crate::expand::{expand, Budget, Env, Unresolved, Why};
use crate::span::Span;
use crate::{Dockerfile, ParseError};

/// An argument after expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// As written.
    pub raw: String,
    /// Quotes removed, variables substituted.
    pub text: String,
    /// Variables with no known value that `text` depends on, and why.
    pub unresolved: Vec<Unresolved>,
    pub span: Span,
}

impl Value {
    pub fn is_resolved(&self) -> bool {
        self.unresolved.is_empty()
    }
}

/// What a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`: an empty filesystem, no configuration.
    Scratch,
    /// `FROM <earlier stage>`.
    Stage(usize),
    /// An image from a registry; its configuration is not known from the Dockerfile.
    Image(Value),
}

/// An instruction of a stage with its expanded arguments.
#[derive(Clone, Debug)]
pub struct Step<'d> {
    pub instruction: &'d Instruction,
    /// Expanded argument words, for the instructions Docker expands: one per
    /// item for FROM/EXPOSE/COPY/ADD/VOLUME, one for USER/WORKDIR/STOPSIGNAL,
    /// one per value for ENV/LABEL/ARG (empty text when a pair has no value).
    /// Empty for RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK/ONBUILD/MAINTAINER.
    pub args: Vec<Value>,
    /// Expanded values of `--chown`, `--chmod`, `--from`, `--platform`….
    pub flags: Vec<(String, Value)>,
}

impl Step<'_> {
    pub fn flag(&self, name: &str) -> Option<&Value> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

#[derive(Clone, Debug)]
pub struct Stage<'d> {
    pub index: usize,
    /// `AS name`, lower-cased as Docker does.
    pub name: Option<String>,
    pub base: Base,
    /// The FROM instruction is `steps[0]`.
    pub steps: Vec<Step<'d>>,
}

impl Stage<'_> {
    pub fn from(&self) -> &Step<'_> {
        &self.steps[0]
    }
}

#[derive(Clone, Debug)]
pub struct Build<'d> {
    pub dockerfile: &'d Dockerfile,
    /// ARG instructions before the first FROM.
    pub global_args: Vec<Step<'d>>,
    pub stages: Vec<Stage<'d>>,
}

/// Expands words for [`Build::new`], charging one budget for the whole build.
struct Expander {
    escape: char,
    budget: Budget,
    /// Names declared by ARG before the first FROM, for "not re-declared" hints.
    global_names: HashSet<String>,
}

impl Expander {
    fn value(&mut self, w: &Word, env: &Env, in_stage: bool) -> Result<Value, ParseError> {
        let mut e = expand(&w.raw, env, self.escape, &mut self.budget)
            .map_err(|m| ParseError::new(m, w.span))?;
        for u in &mut e.unresolved {
            if u.why == Why::Undeclared && in_stage && self.global_names.contains(&u.name) {
                u.why = Why::GlobalNotRedeclared;
            }
        }
        Ok(Value {
            raw: w.raw.clone(),
            text: e.text,
            unresolved: e.unresolved,
            span: w.span,
        })
    }

    fn flags(
        &mut self,
        instruction: &Instruction,
        env: &Env,
        in_stage: bool,
    ) -> Result<Vec<(String, Value)>, ParseError> {
        instruction
            .flags
            .iter()
            .filter_map(|f| f.value.as_ref().map(|v| (f.name.clone(), v)))
            .map(|(n, v)| Ok((n, self.value(v, env, in_stage)?)))
            .collect()
    }
}

impl<'d> Build<'d> {
    /// Group the instructions into stages and expand their arguments.
    /// `build_args` play the role of `docker build --build-arg NAME=VALUE`.
    /// Expansion is bounded: see [`MAX_NESTING`](crate::expand::MAX_NESTING)
    /// and [`EXPANSION_BUDGET`](crate::expand::EXPANSION_BUDGET).
    pub fn new(
        dockerfile: &'d Dockerfile,
        build_args: &[(String, String)],
    ) -> Result<Self, ParseError> {
        let build_arg = |name: &str| {
            build_args
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let mut x = Expander {
            escape: dockerfile.escape,
            budget: Budget::default(),
            global_names: HashSet::new(),
        };
        let mut global = Env::default();
        let mut global_args = Vec::new();
        let mut stages: Vec<Stage<'d>> = Vec::new();
        // The first stage of each name, for `FROM <stage>`.
        let mut stage_names: HashMap<String, usize> = HashMap::new();
        let mut env = Env::default();
        // The final ENV of each finished stage, for `FROM <stage>` inheritance.
        let mut stage_envs: Vec<Env> = Vec::new();

        for instruction in dockerfile.instructions() {
            match (&instruction.keyword, stages.last_mut()) {
                (Keyword::Arg, None) => {
                    let args =
                        declare_args(instruction, &mut global, None, &build_arg, &mut x, false)?;
                    if let Arguments::Pairs(pairs) = &instruction.args {
                        x.global_names
                            .extend(pairs.iter().map(|p| p.key.raw.clone()));
                    }
                    global_args.push(Step {
                        instruction,
                        args,
                        flags: Vec::new(),
                    });
                }
                (Keyword::From, _) => {
                    let Arguments::Words(words) = &instruction.args else {
                        continue;
                    };
                    if !stages.is_empty() {
                        // The stage before this FROM is finished.
                        stage_envs.push(std::mem::take(&mut env).into_env_only());
                    }
                    let image = x.value(&words[0], &global, false)?;
                    let name = words.get(2).map(|w| w.raw.to_ascii_lowercase());
                    let reference = image.text.to_ascii_lowercase();
                    let base = if reference == "scratch" {
                        Base::Scratch
                    } else if let Some(&parent) = stage_names.get(&reference) {
                        Base::Stage(parent)
                    } else {
                        Base::Image(image.clone())
                    };
                    env = match base {
                        Base::Stage(i) => stage_envs[i]
                            .env_only(&mut x.budget)
                            .map_err(|m| ParseError::new(m, instruction.span))?,
                        _ => Env::default(),
                    };
                    let flags = x.flags(instruction, &global, false)?;
                    let mut args = vec![image];
                    args.extend(words.iter().skip(1).map(|w| Value {
                        raw: w.raw.clone(),
                        text: w.raw.clone(),
                        unresolved: Vec::new(),
                        span: w.span,
                    }));
                    if let Some(name) = &name {
                        stage_names.entry(name.clone()).or_insert(stages.len());
                    }
                    stages.push(Stage {
                        index: stages.len(),
                        name,
                        base,
                        steps: vec![Step {
                            instruction,
                            args,
                            flags,
                        }],
                    });
                }
                (_, None) => {
                    return Err(ParseError::new(
                        format!(
                            "{} before the first FROM: only ARG may come before FROM",
                            instruction.keyword
                        ),
                        instruction.keyword_span,
                    ))
                }
                (keyword, Some(stage)) => {
                    let args = match (keyword, &instruction.args) {
                        (Keyword::Arg, _) => declare_args(
                            instruction,
                            &mut env,
                            Some(&global),
                            &build_arg,
                            &mut x,
                            true,
                        )?,
                        (Keyword::Env, Arguments::Pairs(pairs)) => {
                            let mut values = Vec::new();
                            for p in pairs {
                                let key = x.value(&p.key, &env, true)?;
                                let value = match &p.value {
                                    Some(v) => x.value(v, &env, true)?,
                                    None => empty_value(p.key.span),
                                };
                                env.set_env(&key.text, value.text.clone());
                                values.push(value);
                            }
                            values
                        }
                        (Keyword::Label, Arguments::Pairs(pairs)) => pairs
                            .iter()
                            .map(|p| match &p.value {
                                Some(v) => x.value(v, &env, true),
                                None => Ok(empty_value(p.key.span)),
                            })
                            .collect::<Result<_, _>>()?,
                        (_, Arguments::Words(w) | Arguments::List { items: w, .. }) => w
                            .iter()
                            .map(|w| x.value(w, &env, true))
                            .collect::<Result<_, _>>()?,
                        (
                            Keyword::User | Keyword::Workdir | Keyword::Stopsignal,
                            Arguments::Text(w),
                        ) => {
                            vec![x.value(w, &env, true)?]
                        }
                        _ => Vec::new(),
                    };
                    let flags = x.flags(instruction, &env, true)?;
                    stage.steps.push(Step {
                        instruction,
                        args,
                        flags,
                    });
                }
            }
        }
        if stages.is_empty() {
            let at = dockerfile.source.len();
            return Err(ParseError::new(
                "no FROM instruction: a Dockerfile needs at least one build stage",
                Span::new(at, at),
            ));
        }
        Ok(Build {
            dockerfile,
            global_args,
            stages,
        })
    }

    /// The stage whose result is the image (the last one).
    pub fn final_stage(&self) -> &Stage<'d> {
        &self.stages[self.stages.len() - 1]
    }
}

fn empty_value(at: Span) -> Value {
    Value {
        raw: String::new(),
        text: String::new(),
        unresolved: Vec::new(),
        span: Span::new(at.end, at.end),
    }
}

/// ARG NAME[=default]…: a build argument overrides the default; inside a
/// stage, a bare `ARG NAME` picks up the global default (`global`); before
/// the first FROM (`global` is `None`), the default it had before this line.
fn declare_args(
    instruction: &Instruction,
    env: &mut Env,
    global: Option<&Env>,
    build_arg: &dyn Fn(&str) -> Option<String>,
    x: &mut Expander,
    in_stage: bool,
) -> Result<Vec<Value>, ParseError> {
    let Arguments::Pairs(pairs) = &instruction.args else {
        return Ok(Vec::new());
    };
    // Defaults of the bare names as they were before this instruction.
    let earlier: Vec<Option<String>> = pairs
        .iter()
        .map(|p| {
            let scope = global.unwrap_or(env);
            p.value
                .is_none()
                .then(|| scope.arg_default(&p.key.raw).map(str::to_owned))
                .flatten()
        })
        .collect();
    let mut values = Vec::new();
    for (p, earlier) in pairs.iter().zip(earlier) {
        let name = p.key.raw.as_str();
        let value = match &p.value {
            Some(v) => x.value(v, env, in_stage)?,
            None => empty_value(p.key.span),
        };
        let resolved = build_arg(name)
            .or_else(|| p.value.as_ref().map(|_| value.text.clone()))
            .or(earlier);
        env.set_arg(name, resolved);
        values.push(value);
    }
    Ok(values)
}
