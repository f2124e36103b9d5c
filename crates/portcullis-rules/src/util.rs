//! Small readers shared by rules: shell scripts, file modes, port specs.

/// A word of a shell script: its text with quotes removed, and its byte range in the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ShellWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Split a shell script into simple commands (separated by `;`, `&`, `|`,
/// newlines, parentheses and braces), each a list of words. Enough of the
/// shell to find which programs a script runs and with which arguments; it
/// does not expand anything.
pub(crate) fn shell_commands(script: &str) -> Vec<Vec<ShellWord>> {
    let mut commands = Vec::new();
    let mut current: Vec<ShellWord> = Vec::new();
    let mut word: Option<ShellWord> = None;
    let mut chars = script.char_indices().peekable();
    let finish_word = |word: &mut Option<ShellWord>, current: &mut Vec<ShellWord>, end: usize| {
        if let Some(mut w) = word.take() {
            w.end = end;
            current.push(w);
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            ';' | '&' | '|' | '\n' | '(' | ')' | '`' => {
                finish_word(&mut word, &mut current, i);
                if !current.is_empty() {
                    commands.push(std::mem::take(&mut current));
                }
            }
            '{' | '}' if word.is_none() => {
                if !current.is_empty() {
                    commands.push(std::mem::take(&mut current));
                }
            }
            c if c.is_whitespace() => finish_word(&mut word, &mut current, i),
            '$' if chars.peek().is_some_and(|&(_, n)| n == '(') => {
                // `$(…)` starts a nested command: end this one here.
                finish_word(&mut word, &mut current, i);
                if !current.is_empty() {
                    commands.push(std::mem::take(&mut current));
                }
            }
            '#' if word.is_none() => {
                // A comment runs to the end of the line.
                while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                    chars.next();
                }
            }
            _ => {
                let w = word.get_or_insert_with(|| ShellWord {
                    text: String::new(),
                    start: i,
                    end: i,
                });
                match c {
                    '\'' => {
                        for (_, q) in chars.by_ref() {
                            if q == '\'' {
                                break;
                            }
                            w.text.push(q);
                        }
                    }
                    '"' => {
                        while let Some((_, q)) = chars.next() {
                            match q {
                                '"' => break,
                                '\\' => {
                                    if let Some((_, n)) = chars.next() {
                                        w.text.push(n);
                                    }
                                }
                                q => w.text.push(q),
                            }
                        }
                    }
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            if n != '\n' {
                                w.text.push(n);
                            }
                        }
                    }
                    c => w.text.push(c),
                }
            }
        }
    }
    finish_word(&mut word, &mut current, script.len());
    if !current.is_empty() {
        commands.push(current);
    }
    commands
}

/// The last path component.
pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Programs that run another program named later in their arguments.
const WRAPPERS: [&str; 13] = [
    "sudo",
    "exec",
    "env",
    "nohup",
    "nice",
    "tini",
    "dumb-init",
    "catatonit",
    "setsid",
    "command",
    "busybox",
    "gosu",
    "su-exec",
];

/// The index of the program a simple command really runs, skipping variable
/// assignments, wrappers (`sudo`, `tini --`, `gosu USER`, `busybox`) and their options.
pub(crate) fn program_index(words: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let name = basename(w);
        if w.contains('=') && !w.starts_with('-') && !w.starts_with('/') {
            i += 1;
        } else if WRAPPERS.contains(&name) {
            i += 1;
            while i < words.len() && words[i].starts_with('-') {
                i += 1;
            }
            if matches!(name, "gosu" | "su-exec") {
                i += 1; // the user
            }
        } else {
            return Some(i);
        }
    }
    None
}

/// Whether a chmod mode (octal or symbolic) sets the setuid / setgid bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SpecialBits {
    pub setuid: bool,
    pub setgid: bool,
}

impl SpecialBits {
    pub fn any(self) -> bool {
        self.setuid || self.setgid
    }

    /// "the setuid bit", "the setgid bit", "the setuid and setgid bits".
    pub fn noun(self) -> &'static str {
        match (self.setuid, self.setgid) {
            (true, true) => "the setuid and setgid bits",
            (true, false) => "the setuid bit",
            _ => "the setgid bit",
        }
    }
}

/// `None` when `mode` is not a chmod mode at all.
pub(crate) fn mode_special_bits(mode: &str) -> Option<SpecialBits> {
    if !mode.is_empty() && mode.len() <= 6 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let value = u32::from_str_radix(mode, 8).ok()?;
        return Some(SpecialBits {
            setuid: value & 0o4000 != 0,
            setgid: value & 0o2000 != 0,
        });
    }
    let mut bits = SpecialBits::default();
    for clause in mode.split(',') {
        let who_len = clause.bytes().take_while(|b| b"ugoa".contains(b)).count();
        let (who, mut rest) = clause.split_at(who_len);
        if rest.is_empty() {
            return None;
        }
        while let Some(op) = rest.chars().next() {
            if !matches!(op, '+' | '-' | '=') {
                return None;
            }
            let perms_len = rest[1..]
                .bytes()
                .take_while(|b| b"rwxXstugo".contains(b))
                .count();
            let perms = &rest[1..1 + perms_len];
            if op != '-' && perms.contains('s') {
                let all = who.is_empty() || who.contains('a');
                bits.setuid |= all || who.contains('u');
                bits.setgid |= all || who.contains('g');
            }
            rest = &rest[1 + perms_len..];
        }
    }
    Some(bits)
}

/// A port or range with its protocol, as EXPOSE and `ExposedPorts` write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PortRange {
    pub first: u16,
    pub last: u16,
    pub proto: &'static str,
}

impl PortRange {
    pub fn contains(&self, port: u16, proto: &str) -> bool {
        self.proto == proto && (self.first..=self.last).contains(&port)
    }

    pub fn is_range(&self) -> bool {
        self.first != self.last
    }
}

/// A key of an image config's `ExposedPorts`: `22/tcp`, `3389/udp` (a range
/// too, though Docker writes single ports). Unlike EXPOSE, no host part.
pub(crate) fn parse_config_port_key(key: &str) -> Option<PortRange> {
    if key.contains(':') {
        return None;
    }
    parse_port_spec(key)
}

/// `22`, `22/tcp`, `3389/udp`, `20-25`, `8000-8010/TCP`. No protocol means tcp.
/// Docker also accepts `[ip:]hostPort:containerPort` in EXPOSE (with a
/// warning); the container port is what is exposed.
pub(crate) fn parse_port_spec(spec: &str) -> Option<PortRange> {
    let spec = spec.rsplit(':').next().unwrap_or(spec);
    let (ports, proto) = match spec.split_once('/') {
        Some((p, proto)) => (p, proto),
        None => (spec, "tcp"),
    };
    let proto = match proto.to_ascii_lowercase().as_str() {
        "tcp" => "tcp",
        "udp" => "udp",
        "sctp" => "sctp",
        _ => return None,
    };
    let (first, last) = match ports.split_once('-') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => {
            let p = ports.parse().ok()?;
            (p, p)
        }
    };
    (first <= last).then_some(PortRange { first, last, proto })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let b = |m| mode_special_bits(m).map(|b| (b.setuid, b.setgid));
        assert_eq!(b("4755"), Some((true, false)));
        assert_eq!(b("2755"), Some((false, true)));
        assert_eq!(b("6755"), Some((true, true)));
        assert_eq!(b("0755"), Some((false, false)));
        assert_eq!(b("755"), Some((false, false)));
        assert_eq!(b("u+s"), Some((true, false)));
        assert_eq!(b("g+s"), Some((false, true)));
        assert_eq!(b("+s"), Some((true, true)));
        assert_eq!(b("a+rs"), Some((true, true)));
        assert_eq!(b("o+s"), Some((false, false)));
        assert_eq!(b("u-s"), Some((false, false)));
        assert_eq!(b("u=rwxs,g=rx"), Some((true, false)));
        assert_eq!(b("go-w,u+s"), Some((true, false)));
        assert_eq!(b("/usr/bin/x"), None);
        assert_eq!(b("-R"), None);
    }

    #[test]
    fn ports() {
        assert_eq!(
            parse_port_spec("22"),
            Some(PortRange {
                first: 22,
                last: 22,
                proto: "tcp"
            })
        );
        assert_eq!(
            parse_port_spec("20-25/UDP"),
            Some(PortRange {
                first: 20,
                last: 25,
                proto: "udp"
            })
        );
        assert_eq!(parse_port_spec("25-20"), None);
        assert_eq!(parse_port_spec("ssh"), None);
        assert_eq!(parse_port_spec("22/http"), None);
        assert_eq!(parse_port_spec("70000"), None);
        assert_eq!(
            parse_port_spec("2222:22"),
            Some(PortRange {
                first: 22,
                last: 22,
                proto: "tcp"
            })
        );
        assert_eq!(
            parse_port_spec("127.0.0.1:2222:22/udp"),
            Some(PortRange {
                first: 22,
                last: 22,
                proto: "udp"
            })
        );
    }

    #[test]
    fn shell() {
        let cmds = shell_commands(
            "apt-get update && chmod u+s '/usr/bin/x' ; echo \"a b\" | tee $(which c)",
        );
        let texts: Vec<Vec<&str>> = cmds
            .iter()
            .map(|c| c.iter().map(|w| w.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["apt-get", "update"],
                vec!["chmod", "u+s", "/usr/bin/x"],
                vec!["echo", "a b"],
                vec!["tee"],
                vec!["which", "c"]
            ]
        );
        assert_eq!(
            &"apt-get update && chmod u+s '/usr/bin/x'"[cmds[1][2].start..cmds[1][2].end],
            "'/usr/bin/x'"
        );
        assert_eq!(
            program_index(&["tini", "-g", "--", "/usr/sbin/sshd", "-D"]),
            Some(3)
        );
        assert_eq!(program_index(&["gosu", "app", "sshd"]), Some(2));
        assert_eq!(program_index(&["A=1", "sudo", "-E", "chmod"]), Some(3));
    }
}
