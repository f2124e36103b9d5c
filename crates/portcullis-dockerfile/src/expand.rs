//! Variable substitution and quote removal for the instructions where Docker
//! applies it (FROM, ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME,
//! WORKDIR, ARG), with the shell-like rules of BuildKit's word lexer.

/// Variables visible at one point of a build. ENV values shadow ARG values of
/// the same name, as in Docker. `None` is "declared without a known value".
#[derive(Clone, Debug, Default)]
pub struct Env {
    env: Vec<(String, String)>,
    args: Vec<(String, Option<String>)>,
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
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_owned(), value));
    }

    pub fn set_arg(&mut self, name: &str, value: Option<String>) {
        self.args.retain(|(n, _)| n != name);
        self.args.push((name.to_owned(), value));
    }

    pub fn get(&self, name: &str) -> Lookup<'_> {
        if let Some((_, v)) = self.env.iter().rev().find(|(n, _)| n == name) {
            return Lookup::Known(v);
        }
        match self.args.iter().rev().find(|(n, _)| n == name) {
            Some((_, Some(v))) => Lookup::Known(v),
            Some((_, None)) => Lookup::NoDefault,
            None => Lookup::Undeclared,
        }
    }

    pub fn arg_default(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The ENV part only: what a stage built `FROM` this one inherits.
    pub fn env_only(&self) -> Env {
        Env {
            env: self.env.clone(),
            args: Vec::new(),
        }
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

/// Expand `raw`. Errors are Docker's ("bad substitution", unterminated quotes).
pub fn expand(raw: &str, env: &Env, escape: char) -> Result<Expanded, String> {
    let mut lexer = Lexer {
        chars: raw.chars().collect(),
        pos: 0,
        env,
        escape,
        unresolved: Vec::new(),
    };
    let text = lexer.word(None)?;
    Ok(Expanded {
        text,
        unresolved: lexer.unresolved,
    })
}

struct Lexer<'e> {
    chars: Vec<char>,
    pos: usize,
    env: &'e Env,
    escape: char,
    unresolved: Vec<Unresolved>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    /// Read until `stop` (consumed) or the end.
    fn word(&mut self, stop: Option<char>) -> Result<String, String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok(out);
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
                    self.double_quoted(&mut out)?;
                }
                '$' => {
                    let v = self.dollar()?;
                    out.push_str(&v);
                }
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
            None => Ok(out),
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
                Some('$') => {
                    let v = self.dollar()?;
                    out.push_str(&v);
                }
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

    fn lookup(&mut self, name: &str) -> Option<String> {
        match self.env.get(name) {
            Lookup::Known(v) => Some(v.to_owned()),
            Lookup::NoDefault | Lookup::Undeclared => None,
        }
    }

    fn note_unresolved(&mut self, name: &str) {
        if !self.unresolved.iter().any(|u| u.name == name) {
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

    fn dollar(&mut self) -> Result<String, String> {
        self.pos += 1; // '$'
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(self.lookup(&name).unwrap_or_else(|| {
                self.note_unresolved(&name);
                String::new()
            }));
        }
        self.pos += 1; // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        let name = self.name();
        let value = self.lookup(&name);
        match self.next() {
            Some('}') => Ok(value.unwrap_or_else(|| {
                self.note_unresolved(&name);
                String::new()
            })),
            Some(':') => {
                let modifier = self.next();
                let word = self.word(Some('}'))?;
                let empty = value.as_deref().is_none_or(str::is_empty);
                match modifier {
                    Some('-') => Ok(if empty {
                        word
                    } else {
                        value.unwrap_or_default()
                    }),
                    Some('+') => {
                        if value.is_none() {
                            self.note_unresolved(&name);
                        }
                        Ok(if empty { String::new() } else { word })
                    }
                    Some('?') => match value {
                        Some(v) if !v.is_empty() => Ok(v),
                        Some(_) => Err(format!("{name}: {word}")),
                        None => {
                            self.note_unresolved(&name);
                            Ok(String::new())
                        }
                    },
                    Some(m) => Err(format!("unsupported modifier ({m}) in substitution")),
                    None => Err("syntax error: missing '}'".into()),
                }
            }
            Some('-') => {
                let word = self.word(Some('}'))?;
                Ok(value.unwrap_or(word))
            }
            Some('+') => {
                let word = self.word(Some('}'))?;
                if value.is_none() {
                    self.note_unresolved(&name);
                }
                Ok(if value.is_some() { word } else { String::new() })
            }
            Some('?') => {
                self.word(Some('}'))?;
                match value {
                    Some(v) => Ok(v),
                    None => {
                        self.note_unresolved(&name);
                        Ok(String::new())
                    }
                }
            }
            Some('#' | '%' | '/') => {
                // Pattern removal/replacement (`${V#p}`, `${V%p}`, `${V/p/r}`) is not
                // evaluated: the result is marked unresolved rather than guessed.
                self.word(Some('}'))?;
                self.note_unresolved(&name);
                Ok(value.unwrap_or_default())
            }
            Some(c) => Err(format!("unsupported modifier ({c}) in substitution")),
            None => Err("syntax error: missing '}'".into()),
        }
    }
}
