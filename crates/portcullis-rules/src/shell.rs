//! A POSIX shell script read into simple commands, enough to see what a
//! build step runs and how its commands connect: words with quotes removed
//! (and where each byte of them came from, for exact locations), the
//! operator after each command (`|`, `&&`, `||`, `;`, `&`), redirections,
//! heredoc bodies, and command and process substitutions (`$(…)`, `` `…` ``,
//! `<(…)`, also inside double quotes) parsed as scripts of their own.
//! Nothing is expanded; subshells and `{ …; }` groups are read as the
//! commands in them. Pure: text in, structure out, bounded nesting.

/// How deep substitutions nest before the rest is read as plain text.
const MAX_DEPTH: usize = 32;

/// A word: its text with quotes and escapes removed (variables and
/// substitutions left as written), and where it is in the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// Byte range in the script, quotes included.
    pub start: usize,
    pub end: usize,
    /// For each byte of `text`, the script offset it came from.
    origin: Vec<usize>,
    /// The substitutions in the word, in order.
    pub substitutions: Vec<Substitution>,
}

impl Word {
    /// The script byte range that `text[from..to]` came from.
    pub fn source_range(&self, from: usize, to: usize) -> (usize, usize) {
        let at = |i: usize| self.origin.get(i).copied();
        match (at(from), to.checked_sub(1).and_then(at)) {
            (Some(s), Some(e)) if to > from && e >= s => (s, e + 1),
            _ => (self.start, self.end),
        }
    }

    /// For each byte of `text`, its script offset (see [`Word::source_range`]).
    pub fn origin(&self) -> &[usize] {
        &self.origin
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubstitutionKind {
    /// `$(…)` or `` `…` ``: the output becomes text.
    Command,
    /// `<(…)`: the output is read as a file.
    ProcessIn,
    /// `>(…)`: a file written to is the input.
    ProcessOut,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substitution {
    pub kind: SubstitutionKind,
    /// Byte range in the script, `$(` and `)` included.
    pub start: usize,
    pub end: usize,
    /// Its commands, located in the same script.
    pub commands: Vec<SimpleCommand>,
}

/// What follows a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `|` or `|&`: its output is the next command's input.
    Pipe,
    /// `&&`: the next runs if this one succeeded.
    And,
    /// `||`: the next runs if this one failed.
    Or,
    /// `;`, a newline, `&`, a subshell's end, or the end of the script.
    Then,
}

/// `>`, `>>`, `<`, `2>&1`, `<<EOF`… and the word after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The operator, with its file descriptor if written (`2>`).
    pub op: String,
    pub target: Word,
}

/// One simple command: its words (assignments and wrappers included) and
/// redirections, what follows it, and the bodies of its heredocs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub next: Connector,
    /// Byte ranges of heredoc bodies fed to it (without the terminator line).
    pub heredocs: Vec<(usize, usize)>,
}

impl SimpleCommand {
    pub fn texts(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }

    /// Whether its standard output goes to a file (`> f`, `>> f`, `&> f`).
    pub fn stdout_redirected(&self) -> bool {
        self.redirects.iter().any(|r| {
            matches!(
                r.op.as_str(),
                ">" | ">>" | "1>" | "1>>" | ">|" | "&>" | "&>>"
            )
        })
    }
}

/// Read a script into its simple commands, in order.
pub fn parse(script: &str) -> Vec<SimpleCommand> {
    let mut lexer = Lexer {
        s: script,
        i: 0,
        end: script.len(),
        depth: 0,
    };
    let mut out = Vec::new();
    lexer.list(None, &mut out);
    out
}

/// Every command of `commands` and, depth first, of their substitutions.
pub fn all_commands(commands: &[SimpleCommand]) -> Vec<&SimpleCommand> {
    let mut out = Vec::new();
    fn walk<'a>(commands: &'a [SimpleCommand], out: &mut Vec<&'a SimpleCommand>) {
        for c in commands {
            out.push(c);
            for w in c.words.iter().chain(c.redirects.iter().map(|r| &r.target)) {
                for s in &w.substitutions {
                    walk(&s.commands, out);
                }
            }
        }
    }
    walk(commands, &mut out);
    out
}

struct Lexer<'a> {
    s: &'a str,
    i: usize,
    end: usize,
    depth: usize,
}

/// A heredoc whose body starts after the next newline.
struct Pending {
    delimiter: String,
    strip_tabs: bool,
    command: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i..self.end)?.chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.s.get(self.i..self.end)?.chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn starts(&self, text: &str) -> bool {
        self.s
            .get(self.i..self.end)
            .is_some_and(|r| r.starts_with(text))
    }

    /// Commands up to the end, or to `closer` (consumed).
    fn list(&mut self, closer: Option<char>, out: &mut Vec<SimpleCommand>) {
        let mut current = SimpleCommand {
            words: Vec::new(),
            redirects: Vec::new(),
            next: Connector::Then,
            heredocs: Vec::new(),
        };
        let mut pending: Vec<Pending> = Vec::new();
        let finish =
            |current: &mut SimpleCommand, out: &mut Vec<SimpleCommand>, next: Connector| {
                if current.words.is_empty() && current.redirects.is_empty() {
                    // `a |` then a newline: the pipe goes on; `;` after `)`: keep the last.
                    if next != Connector::Then {
                        if let Some(last) = out.last_mut() {
                            last.next = next;
                        }
                    }
                    return;
                }
                current.next = next;
                out.push(std::mem::replace(
                    current,
                    SimpleCommand {
                        words: Vec::new(),
                        redirects: Vec::new(),
                        next: Connector::Then,
                        heredocs: Vec::new(),
                    },
                ));
            };
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' => {
                    self.bump();
                }
                '\\' if self.peek_at(1) == Some('\n') => {
                    self.i += 2;
                }
                '\n' => {
                    self.bump();
                    finish(&mut current, out, Connector::Then);
                    for p in pending.drain(..) {
                        let body = self.heredoc_body(&p);
                        if let Some(cmd) = out.get_mut(p.command) {
                            cmd.heredocs.push(body);
                        }
                    }
                }
                ';' => {
                    self.bump();
                    if self.peek() == Some(';') {
                        self.bump();
                    }
                    finish(&mut current, out, Connector::Then);
                }
                '&' if self.peek_at(1) == Some('&') => {
                    self.i += 2;
                    finish(&mut current, out, Connector::And);
                }
                '&' if self.peek_at(1) == Some('>') => {
                    self.redirect(&mut current, &mut pending, out.len())
                }
                '&' => {
                    self.bump();
                    finish(&mut current, out, Connector::Then);
                }
                '|' => {
                    self.bump();
                    let next = match self.peek() {
                        Some('|') => {
                            self.bump();
                            Connector::Or
                        }
                        Some('&') => {
                            self.bump();
                            Connector::Pipe
                        }
                        _ => Connector::Pipe,
                    };
                    finish(&mut current, out, next);
                }
                '(' => {
                    self.bump();
                    finish(&mut current, out, Connector::Then);
                    if self.depth < MAX_DEPTH {
                        self.depth += 1;
                        self.list(Some(')'), out);
                        self.depth -= 1;
                    }
                }
                ')' => {
                    self.bump();
                    finish(&mut current, out, Connector::Then);
                    if closer == Some(')') {
                        return;
                    }
                }
                '{' | '}' if current.words.is_empty() || c == '}' => {
                    let next = self.peek_at(1);
                    if next.is_none_or(|n| n.is_whitespace() || n == ';') {
                        self.bump();
                        finish(&mut current, out, Connector::Then);
                    } else {
                        self.word_into(&mut current);
                    }
                }
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                '<' | '>' if self.peek_at(1) != Some('(') => {
                    self.redirect(&mut current, &mut pending, out.len())
                }
                d if d.is_ascii_digit()
                    && matches!(self.peek_at(1), Some('<' | '>'))
                    && self.peek_at(2) != Some('(') =>
                {
                    self.redirect(&mut current, &mut pending, out.len())
                }
                _ => self.word_into(&mut current),
            }
        }
        finish(&mut current, out, Connector::Then);
        for p in pending.drain(..) {
            let body = self.heredoc_body(&p);
            if let Some(cmd) = out.get_mut(p.command) {
                cmd.heredocs.push(body);
            }
        }
    }

    fn word_into(&mut self, current: &mut SimpleCommand) {
        let w = self.word();
        if w.end > w.start {
            current.words.push(w);
        } else {
            // Nothing a word can start with: step over it.
            self.bump();
        }
    }

    /// `[n]>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `&>`, `<>`, `>|`, then its word.
    fn redirect(&mut self, current: &mut SimpleCommand, pending: &mut Vec<Pending>, index: usize) {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        if self.peek() == Some('&') {
            self.bump();
        }
        let first = self.bump();
        while matches!(self.peek(), Some('<' | '>' | '&' | '|' | '-')) {
            // `2>&1`: `&` and the descriptor are the target.
            if self.peek() == Some('&')
                && first == Some('>')
                && self
                    .peek_at(1)
                    .is_some_and(|c| c.is_ascii_digit() || c == '-')
            {
                break;
            }
            self.bump();
        }
        if self.peek() == Some('&') {
            // `2>&1`, `<&3`: a descriptor as the target.
            self.bump();
        }
        let op = self.s[start..self.i].to_owned();
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
        let target = self.word();
        if op.ends_with("<<") || op.ends_with("<<-") {
            pending.push(Pending {
                delimiter: target.text.clone(),
                strip_tabs: op.ends_with('-'),
                command: index,
            });
        }
        current.redirects.push(Redirect { op, target });
    }

    /// From after the newline to the terminator line, which is consumed.
    fn heredoc_body(&mut self, p: &Pending) -> (usize, usize) {
        let start = self.i;
        while self.i < self.end {
            let line_end = self.s[self.i..self.end]
                .find('\n')
                .map_or(self.end, |n| self.i + n);
            let line = &self.s[self.i..line_end];
            let line = if p.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == p.delimiter {
                let body_end = self.i;
                self.i = (line_end + 1).min(self.end);
                return (start, body_end);
            }
            self.i = (line_end + 1).min(self.end);
        }
        (start, self.end)
    }

    fn word(&mut self) -> Word {
        let mut w = Word {
            text: String::new(),
            start: self.i,
            end: self.i,
            origin: Vec::new(),
            substitutions: Vec::new(),
        };
        let push = |w: &mut Word, c: char, at: usize| {
            let mut buf = [0u8; 4];
            let len = c.encode_utf8(&mut buf).len();
            w.text.push(c);
            w.origin.extend(at..at + len);
        };
        // Text copied as written (a substitution, `${…}`): origin one to one.
        let verbatim = |w: &mut Word, s: &str, from: usize, to: usize| {
            w.text.push_str(&s[from..to]);
            w.origin.extend(from..to);
        };
        while let Some(c) = self.peek() {
            let at = self.i;
            match c {
                c if c.is_whitespace() => break,
                ';' | '&' | '|' | ')' => break,
                '<' | '>' | '(' => {
                    if matches!(c, '<' | '>') && self.peek_at(1) == Some('(') && at == w.start {
                        self.i += 2;
                        let kind = if c == '<' {
                            SubstitutionKind::ProcessIn
                        } else {
                            SubstitutionKind::ProcessOut
                        };
                        self.substitution(&mut w, kind, at);
                        verbatim(&mut w, self.s, at, self.i);
                    } else {
                        break;
                    }
                }
                '\'' => {
                    self.bump();
                    while let Some(q) = self.peek() {
                        let qa = self.i;
                        self.bump();
                        if q == '\'' {
                            break;
                        }
                        push(&mut w, q, qa);
                    }
                }
                '"' => {
                    self.bump();
                    while let Some(q) = self.peek() {
                        let qa = self.i;
                        match q {
                            '"' => {
                                self.bump();
                                break;
                            }
                            '\\' => {
                                self.bump();
                                match self.peek() {
                                    Some('\n') => {
                                        self.bump();
                                    }
                                    Some(n @ ('$' | '`' | '"' | '\\')) => {
                                        let na = self.i;
                                        self.bump();
                                        push(&mut w, n, na);
                                    }
                                    _ => push(&mut w, '\\', qa),
                                }
                            }
                            '$' | '`' => self.dollar_or_backtick(&mut w),
                            _ => {
                                self.bump();
                                push(&mut w, q, qa);
                            }
                        }
                    }
                }
                '\\' => {
                    self.bump();
                    if let Some(n) = self.peek() {
                        let na = self.i;
                        self.bump();
                        if n != '\n' {
                            push(&mut w, n, na);
                        }
                    }
                }
                '$' | '`' => self.dollar_or_backtick(&mut w),
                _ => {
                    self.bump();
                    push(&mut w, c, at);
                }
            }
        }
        w.end = self.i;
        w
    }

    /// At `$` or `` ` ``: a substitution, `${…}`, `$((…))`, or a plain `$`.
    fn dollar_or_backtick(&mut self, w: &mut Word) {
        let at = self.i;
        let verbatim = |w: &mut Word, s: &str, from: usize, to: usize| {
            w.text.push_str(&s[from..to]);
            w.origin.extend(from..to);
        };
        if self.starts("`") {
            self.bump();
            let close = self.s[self.i..self.end]
                .find('`')
                .map_or(self.end, |n| self.i + n);
            let mut inner = Lexer {
                s: self.s,
                i: self.i,
                end: close,
                depth: self.depth + 1,
            };
            let mut commands = Vec::new();
            if inner.depth < MAX_DEPTH {
                inner.list(None, &mut commands);
            }
            self.i = (close + 1).min(self.end);
            w.substitutions.push(Substitution {
                kind: SubstitutionKind::Command,
                start: at,
                end: self.i,
                commands,
            });
        } else if self.starts("$((") {
            let mut depth = 0usize;
            while let Some(c) = self.bump() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        } else if self.starts("$(") {
            self.i += 2;
            self.substitution(w, SubstitutionKind::Command, at);
        } else if self.starts("${") {
            while let Some(c) = self.bump() {
                if c == '}' {
                    break;
                }
            }
        } else {
            self.bump();
        }
        verbatim(w, self.s, at, self.i);
    }

    /// After `$(`, `<(` or `>(`: its commands up to the matching `)`.
    fn substitution(&mut self, w: &mut Word, kind: SubstitutionKind, start: usize) {
        let mut commands = Vec::new();
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            self.list(Some(')'), &mut commands);
            self.depth -= 1;
        } else {
            while self.bump().is_some_and(|c| c != ')') {}
        }
        w.substitutions.push(Substitution {
            kind,
            start,
            end: self.i,
            commands,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(commands: &[SimpleCommand]) -> Vec<(Vec<&str>, Connector)> {
        commands.iter().map(|c| (c.texts(), c.next)).collect()
    }

    #[test]
    fn commands_and_connectors() {
        let script = "curl -fsSL https://x/i.sh | sh && echo 'a b' ; apt-get update || true\nls";
        let c = parse(script);
        assert_eq!(
            texts(&c),
            vec![
                (vec!["curl", "-fsSL", "https://x/i.sh"], Connector::Pipe),
                (vec!["sh"], Connector::And),
                (vec!["echo", "a b"], Connector::Then),
                (vec!["apt-get", "update"], Connector::Or),
                (vec!["true"], Connector::Then),
                (vec!["ls"], Connector::Then),
            ]
        );
        let w = &c[2].words[1];
        assert_eq!(&script[w.start..w.end], "'a b'");
        assert_eq!(w.source_range(2, 3), (w.start + 3, w.start + 4));
    }

    #[test]
    fn pipe_continues_over_a_newline_and_redirects() {
        let c = parse("wget -qO- https://x/i |\n  bash -s -- --yes > /tmp/log 2>&1");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].next, Connector::Pipe);
        assert_eq!(c[1].texts(), vec!["bash", "-s", "--", "--yes"]);
        let ops: Vec<(&str, &str)> = c[1]
            .redirects
            .iter()
            .map(|r| (r.op.as_str(), r.target.text.as_str()))
            .collect();
        assert_eq!(ops, vec![(">", "/tmp/log"), ("2>&", "1")]);
        assert!(c[1].stdout_redirected());
        assert!(!c[0].stdout_redirected());
    }

    #[test]
    fn substitutions_inside_quotes_and_process_substitution() {
        let script = r#"sh -c "$(curl -fsSL "https://x/a b")" && bash <(wget -O- https://y)"#;
        let c = parse(script);
        assert_eq!(c[0].texts()[..2], ["sh", "-c"]);
        let body = &c[0].words[2];
        assert_eq!(body.text, r#"$(curl -fsSL "https://x/a b")"#);
        assert_eq!(body.substitutions.len(), 1);
        assert_eq!(body.substitutions[0].kind, SubstitutionKind::Command);
        assert_eq!(
            body.substitutions[0].commands[0].texts(),
            vec!["curl", "-fsSL", "https://x/a b"]
        );
        let process = &c[1].words[1];
        assert_eq!(process.substitutions[0].kind, SubstitutionKind::ProcessIn);
        assert_eq!(
            process.substitutions[0].commands[0].texts(),
            vec!["wget", "-O-", "https://y"]
        );
        let all: Vec<&str> = all_commands(&c).iter().map(|c| c.texts()[0]).collect();
        assert_eq!(all, vec!["sh", "curl", "bash", "wget"]);
        let curl = &body.substitutions[0].commands[0].words[0];
        assert_eq!(&script[curl.start..curl.end], "curl");
    }

    #[test]
    fn heredocs_backticks_groups_and_comments() {
        let script = "cat <<-EOF > /etc/apt/sources.list\n\tdeb [trusted=yes] http://x ./\n\tEOF\n{ echo `uname -m`; } # done\nfalse";
        let c = parse(script);
        assert_eq!(c[0].texts(), vec!["cat"]);
        let (s, e) = c[0].heredocs[0];
        assert_eq!(&script[s..e], "\tdeb [trusted=yes] http://x ./\n");
        assert_eq!(c[1].texts(), vec!["echo", "`uname -m`"]);
        assert_eq!(
            c[1].words[1].substitutions[0].commands[0].texts(),
            vec!["uname", "-m"]
        );
        assert_eq!(c[2].texts(), vec!["false"]);
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let script = "$(".repeat(10_000);
        let c = parse(&script);
        assert!(all_commands(&c).len() <= MAX_DEPTH + 1);
        let _ = parse("\"unterminated 'x `y");
        let _ = parse("a <<");
        let _ = parse("échappé é|é");
    }
}
