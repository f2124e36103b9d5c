//! The concrete syntax tree. Every node keeps the byte span it came from, and
//! the top-level items tile the source exactly, so the tree prints back to the
//! input byte for byte.

use crate::span::Span;

/// The instructions Docker/BuildKit know. Anything else is a parse error, as in Docker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// Keywords are case-insensitive.
    pub fn parse(word: &str) -> Option<Keyword> {
        Keyword::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
        }
    }

    /// The `--flags` each instruction accepts (Dockerfile reference, BuildKit 1.x).
    pub fn allowed_flags(self) -> &'static [&'static str] {
        match self {
            Keyword::From => &["platform"],
            Keyword::Run => &["mount", "network", "security", "device"],
            Keyword::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
            Keyword::Add => &[
                "chown",
                "chmod",
                "link",
                "checksum",
                "keep-git-dir",
                "exclude",
                "unpack",
                "parents",
            ],
            Keyword::Healthcheck => &[
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries",
            ],
            _ => &[],
        }
    }

    /// Instructions whose arguments may start heredocs (`<<EOF`).
    pub fn allows_heredoc(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed Dockerfile: the source and the items that tile it.
#[derive(Clone, Debug)]
pub struct Dockerfile {
    pub source: String,
    pub items: Vec<Item>,
    /// The escape character in effect (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub(crate) line_index: crate::span::LineIndex,
}

/// A top-level piece of the file. Spans include the line terminator.
#[derive(Clone, Debug)]
pub enum Item {
    Directive(Directive),
    Comment(Span),
    Blank(Span),
    Instruction(Instruction),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Directive(d) => d.span,
            Item::Comment(s) | Item::Blank(s) => *s,
            Item::Instruction(i) => i.span,
        }
    }
}

/// A parser directive (`# syntax=`, `# escape=`, `# check=`) at the top of the file.
#[derive(Clone, Debug)]
pub struct Directive {
    pub span: Span,
    /// Lower-cased name.
    pub name: String,
    pub name_span: Span,
    pub value: String,
    pub value_span: Span,
}

/// A piece of argument text. `raw` is the text as written, with line
/// continuations (and comment lines inside them) removed; for JSON strings it
/// is the decoded string. `span` covers it in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub raw: String,
    pub span: Span,
}

/// `--name` or `--name=value` before an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub span: Span,
    pub name: String,
    pub value: Option<Word>,
}

/// `key=value` (ENV, LABEL, ARG) or ARG's bare `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub span: Span,
    pub key: Word,
    pub value: Option<Word>,
}

/// RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A JSON array of strings: run as is, no shell.
    Exec(Vec<Word>),
    /// Anything else: run through the shell. Empty when there were no arguments.
    Shell(Word),
}

impl Command {
    pub fn is_exec(&self) -> bool {
        matches!(self, Command::Exec(_))
    }
}

/// An instruction's arguments, shaped by the instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arguments {
    /// RUN, CMD, ENTRYPOINT, SHELL.
    Command(Command),
    /// COPY, ADD, VOLUME: a JSON array or whitespace-separated words.
    List { json: bool, items: Vec<Word> },
    /// FROM, EXPOSE: whitespace-separated words.
    Words(Vec<Word>),
    /// USER, WORKDIR, MAINTAINER, STOPSIGNAL: the rest of the line.
    Text(Word),
    /// ENV, LABEL, ARG.
    Pairs(Vec<Pair>),
    /// HEALTHCHECK NONE (`None`) or HEALTHCHECK CMD ….
    Healthcheck(Option<Command>),
    /// ONBUILD's trigger instruction.
    Onbuild(Box<Instruction>),
}

/// A heredoc (`<<EOF`, `<<-EOF`, `<<"EOF"`) and its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word, quotes removed.
    pub name: String,
    /// `<<-`: leading tabs are stripped from body lines and the terminator.
    pub chomp: bool,
    /// Unquoted names expand variables in the body.
    pub expand: bool,
    /// `3<<EOF` redirects file descriptor 3.
    pub fd: Option<u32>,
    /// The `<<EOF` word on the instruction line.
    pub marker: Span,
    /// The body lines, terminators included, without the terminator line.
    pub body: Span,
    /// The terminator line, newline included.
    pub terminator: Span,
}

/// One instruction, possibly spanning continuation lines and heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// From the start of its first line to the end of its last (newline included).
    pub span: Span,
    pub keyword: Keyword,
    pub keyword_span: Span,
    pub flags: Vec<Flag>,
    pub args: Arguments,
    /// Span of the argument text after the flags (empty at the end when none).
    pub args_span: Span,
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }
}
