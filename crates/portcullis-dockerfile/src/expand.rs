//! Variable substitution and quote removal for the instructions where Docker
//! applies it (FROM, ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME,
//! WORKDIR, ARG), with the shell-like rules of BuildKit's word lexer.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// How deep `${a:-${b:-…}}` substitutions may nest. The lexer recurses once
/// per level; real Dockerfiles nest two or three deep.
pub const MAX_NESTING: usize = 256;

/// How many bytes of variable values the expansion of one whole Dockerfile
/// may copy into its words and into the environments of later stages.
/// Values that refer to each other (`ARG a1=$a0$a0`, then `a2=$a1$a1`…)
/// double at each line; this keeps a small file from growing to gigabytes.
pub const EXPANSION_BUDGET: usize = 16 << 20;

/// What the expansion of one build may still spend (see [`EXPANSION_BUDGET`]).
#[derive(Clone, Debug)]
pub struct Budget {
    left: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            left: EXPANSION_BUDGET,
        }
    }
}

impl Budget {
    pub fn with_bytes(bytes: usize) -> Self {
        Budget { left: bytes }
    }

    /// Spend `n` bytes, or the error that says the budget is gone.
    pub fn spend(&mut self, n: usize) -> Result<(), String> {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => {
                self.left = 0;
                Err(format!(
                    "variable expansion exceeds {} MiB (ARG/ENV values that repeat each other grow without bound); portcullis stops here",
                    EXPANSION_BUDGET >> 20
                ))
            }
        }
    }
}

/// Variables visible at one point of a build. ENV values shadow ARG values of
/// the same name, as in Docker. `None` is "declared without a known value".
/// Values are shared, so handing a stage's environment to the stages built
/// `FROM` it copies names, not values.
#[derive(Clone, Debug, Default)]
pub struct Env {
    env: HashMap<String, Arc<str>>,
    args: HashMap<String, Option<Arc<str>>>,
}

/// What a variable resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    Known(&'a str),
    /// Declared by an ARG without default: only a build argument can set it.
    NoDefault,
    /// Not declared here: Docker expands it to nothing.
    Undeclared,
}

impl Env {
    pub fn set_env(&mut self, name: &str, value: String) {
        self.env.insert(name.to_owned(), value.into());
    }

    pub fn set_arg(&mut self, name: &str, value: Option<String>) {
        self.args.insert(name.to_owned(), value.map(Into::into));
    }

    pub fn get(&self, name: &str) -> Lookup<'_> {
        if let Some(v) = self.env.get(name) {
            return Lookup::Known(v);
        }
        match self.args.get(name) {
            Some(Some(v)) => Lookup::Known(v),
            Some(None) => Lookup::NoDefault,
            None => Lookup::Undeclared,
        }
    }

    pub fn arg_default(&self, name: &str) -> Option<&str> {
        self.args.get(name).and_then(|v| v.as_deref())
    }

    /// The ENV part only, without copying: what the stage left when it ended.
    pub fn into_env_only(self) -> Env {
        Env {
            env: self.env,
            args: HashMap::new(),
        }
    }

    /// The ENV part only: what a stage built `FROM` this one inherits.
    /// Charged to `budget` by the names it copies.
    pub fn env_only(&self, budget: &mut Budget) -> Result<Env, String> {
        budget.spend(
            self.env
                .keys()
                .map(|k| k.len() + std::mem::size_of::<(String, Arc<str>)>())
                .sum(),
        )?;
        Ok(Env {
            env: self.env.clone(),
            args: HashMap::new(),
        })
    }
}

/// The result of expanding one word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The word with quotes removed and variables substituted (unknown ones empty, as Docker does).
    pub text: String,
    /// Variables whose value is unknown here.
    pub unresolved: Vec<Unresolved>,
}

/// A variable without a known value, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub name: String,
    pub why: Why,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// `ARG NAME` without a default: a build argument may set it.
    NoDefault,
    /// No ARG or ENV in scope declares it.
    Undeclared,
    /// Declared by an ARG before the first FROM but not re-declared in the stage.
    GlobalNotRedeclared,
}

/// Expand `raw`, spending the bytes of the variable values it copies from
/// `budget`. Errors are Docker's ("bad substitution", unterminated quotes),
/// or the budget's and the nesting limit's.
pub fn expand(raw: &str, env: &Env, escape: char, budget: &mut Budget) -> Result<Expanded, String> {
    let mut lexer = Lexer {
        chars: raw.chars().collect(),
        pos: 0,
        env,
        escape,
        depth: 0,
        budget,
        unresolved: Vec::new(),
        noted: HashSet::new(),
    };
    let mut text = String::new();
    lexer.word(None, &mut text)?;
    Ok(Expanded {
        text,
        unresolved: lexer.unresolved,
    })
}

struct Lexer<'e, 'b> {
    chars: Vec<char>,
    pos: usize,
    env: &'e Env,
    escape: char,
    /// `${…}` substitutions open around the current position.
    depth: usize,
    budget: &'b mut Budget,
    unresolved: Vec<Unresolved>,
    /// Names already in `unresolved`.
    noted: HashSet<String>,
}

impl<'e> Lexer<'e, '_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    /// Read until `stop` (consumed) or the end, appending to `out`.
    fn word(&mut self, stop: Option<char>, out: &mut String) -> Result<(), String> {
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok(());
            }
            match c {
                '\'' => {
                    self.pos += 1;
                    loop {
                        match self.next() {
                            Some('\'') => break,
                            Some(c) => out.push(c),
                            None => return Err("unexpected end of statement while looking for matching single-quote".into()),
                        }
                    }
                }
                '"' => {
                    self.pos += 1;
                    self.double_quoted(out)?;
                }
                '$' => self.dollar(out)?,
                c if c == self.escape => {
                    self.pos += 1;
                    if let Some(n) = self.next() {
                        out.push(n);
                    }
                }
                c => {
                    self.pos += 1;
                    out.push(c);
                }
            }
        }
        match stop {
            Some(_) => Err("syntax error: missing '}'".into()),
            None => Ok(()),
        }
    }

    fn double_quoted(&mut self, out: &mut String) -> Result<(), String> {
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('$') => self.dollar(out)?,
                Some(c) => {
                    self.pos += 1;
                    if c == self.escape {
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.pos += 1;
                                out.push(n);
                                continue;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                name.push(d);
                self.pos += 1;
            }
            return name;
        }
        while let Some(c) = self.peek().filter(|c| c.is_alphanumeric() || *c == '_') {
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn lookup(&self, name: &str) -> Option<&'e str> {
        let env: &'e Env = self.env;
        match env.get(name) {
            Lookup::Known(v) => Some(v),
            Lookup::NoDefault | Lookup::Undeclared => None,
        }
    }

    fn note_unresolved(&mut self, name: &str) {
        if self.noted.insert(name.to_owned()) {
            let why = match self.env.get(name) {
                Lookup::NoDefault => Why::NoDefault,
                _ => Why::Undeclared,
            };
            self.unresolved.push(Unresolved {
                name: name.to_owned(),
                why,
            });
        }
    }

    /// Append a variable's value to `out`, charged to the budget.
    fn push_value(&mut self, out: &mut String, value: &str) -> Result<(), String> {
        self.budget.spend(value.len())?;
        out.push_str(value);
        Ok(())
    }

    /// The word of `${NAME<modifier>word}` up to the closing brace, appended
    /// to `out` when `keep`, else read and dropped.
    fn operand(&mut self, out: &mut String, keep: bool) -> Result<(), String> {
        let mark = out.len();
        self.word(Some('}'), out)?;
        if !keep {
            out.truncate(mark);
        }
        Ok(())
    }

    fn dollar(&mut self, out: &mut String) -> Result<(), String> {
        self.pos += 1; // '$'
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                out.push('$');
                return Ok(());
            }
            return match self.lookup(&name) {
                Some(v) => self.push_value(out, v),
                None => {
                    self.note_unresolved(&name);
                    Ok(())
                }
            };
        }
        self.pos += 1; // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        if self.depth >= MAX_NESTING {
            return Err(format!(
                "variable substitutions nested more than {MAX_NESTING} deep"
            ));
        }
        self.depth += 1;
        let result = self.braced(out);
        self.depth -= 1;
        result
    }

    /// `${NAME…}` after the opening brace.
    fn braced(&mut self, out: &mut String) -> Result<(), String> {
        let name = self.name();
        let value = self.lookup(&name);
        let empty = value.is_none_or(str::is_empty);
        match self.next() {
            Some('}') => match value {
                Some(v) => self.push_value(out, v),
                None => {
                    self.note_unresolved(&name);
                    Ok(())
                }
            },
            Some(':') => {
                let modifier = self.next();
                match modifier {
                    Some('-') => {
                        self.operand(out, empty)?;
                        match value {
                            Some(v) if !empty => self.push_value(out, v),
                            _ => Ok(()),
                        }
                    }
                    Some('+') => {
                        if value.is_none() {
                            self.note_unresolved(&name);
                        }
                        self.operand(out, !empty)
                    }
                    Some('?') => {
                        let mark = out.len();
                        self.word(Some('}'), out)?;
                        let word = out.split_off(mark);
                        match value {
                            Some(v) if !v.is_empty() => self.push_value(out, v),
                            Some(_) => Err(format!("{name}: {}", excerpt(&word))),
                            None => {
                                self.note_unresolved(&name);
                                Ok(())
                            }
                        }
                    }
                    Some(m) => Err(format!("unsupported modifier ({m}) in substitution")),
                    None => Err("syntax error: missing '}'".into()),
                }
            }
            Some('-') => {
                self.operand(out, value.is_none())?;
                match value {
                    Some(v) => self.push_value(out, v),
                    None => Ok(()),
                }
            }
            Some('+') => {
                if value.is_none() {
                    self.note_unresolved(&name);
                }
                self.operand(out, value.is_some())
            }
            Some('?') => {
                self.operand(out, false)?;
                match value {
                    Some(v) => self.push_value(out, v),
                    None => {
                        self.note_unresolved(&name);
                        Ok(())
                    }
                }
            }
            Some('#' | '%' | '/') => {
                // Pattern removal/replacement (`${V#p}`, `${V%p}`, `${V/p/r}`) is not
                // evaluated: the result is marked unresolved rather than guessed.
                self.operand(out, false)?;
                self.note_unresolved(&name);
                match value {
                    Some(v) => self.push_value(out, v),
                    None => Ok(()),
                }
            }
            Some(c) => Err(format!("unsupported modifier ({c}) in substitution")),
            None => Err("syntax error: missing '}'".into()),
        }
    }
}

/// At most 80 characters of `text`, with `…` when cut, for an error message.
pub(crate) fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(80).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}
