use super::scripts::{is_interpreter, scripts, SHELLS};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::shell::{Connector, SimpleCommand, SubstitutionKind, Word};
use crate::subject::{Subject, SubjectKind};
use crate::util::{basename, program_index};

pub static RULE: Rule = Rule {
    code: "PC43105",
    name: "unverified-downloaded-script",
    title: "A downloaded script run without verification",
    category: Category::SupplyChain,
    severity: Severity::High,
    remediation: "Download the script to a file, check it before running it (`echo \"<sha256>  install.sh\" | sha256sum -c -`, or `gpg --verify install.sh.asc install.sh` with the publisher's key), then run the file; better, install the tool from a signed package or a pinned release artefact.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "A build step that runs a script straight from the network: `curl … | sh`, `wget -O- … | bash` (any shell, or `python`, `perl`, `ruby`, `node`, `php` reading the script from stdin, also after `sudo` or through `tee`), `bash <(curl …)`, `sh -c \"$(curl …)\"`, `eval \"$(wget -qO- …)\"`, and a file downloaded by `curl -o`/`-O`, `wget` or `> file` that the same script then runs (`sh install.sh`, `./install.sh`, `. ./env.sh`) with no checksum or signature check between (`sha256sum -c`, `shasum -c`, `gpg --verify`, `gpgv`, `cosign verify-blob`, `minisign -V`, `openssl dgst -verify`, or any checksum tool naming the file). Read in `RUN` scripts as the shell reads them (pipes, `&&`, `;`, `sh -c '…'` bodies, heredocs, substitutions); in an image, the history's `RUN` entries of this build. The finding is at the program that runs the script.",
        why: "Whoever controls the server, the DNS answer or the CDN edge at build time decides what runs as root inside the build, and what ends up in the image. A script piped to a shell is not kept anywhere to review afterwards; a truncated download can even run half a script.",
        fix: "Download to a file, compare its SHA-256 with a value committed next to the Dockerfile (or verify the publisher's signature), and only then run it. Pin the script's version in its URL so the checksum stays valid.",
        bad: "FROM debian:12\nRUN curl -fsSL https://example.com/install.sh | sh\n",
        good: "FROM debian:12\nRUN curl -fsSL -o /tmp/install.sh https://example.com/v1.2.3/install.sh \\\n && echo \"3f2a…  /tmp/install.sh\" | sha256sum -c - \\\n && sh /tmp/install.sh\n",
    },
    check,
};

struct Hit {
    /// The program that runs the script (range in the script text).
    start: usize,
    end: usize,
    /// The download (its program word), when elsewhere.
    download: Option<(usize, usize)>,
    message: String,
}

fn check(subject: &Subject, out: &mut Findings) {
    for script in scripts(subject).iter().filter(|s| !s.data) {
        let mut hits = Vec::new();
        level(&script.commands, &mut hits);
        for h in hits {
            let at = script.locate(subject, h.start, h.end);
            let related = h
                .download
                .map(|(s, e)| script.locate(subject, s, e).location)
                .filter(|l| *l != at.location)
                .into_iter()
                .collect();
            out.report_related(h.message, at, related);
        }
    }
}

/// Where a download goes.
#[derive(Debug, PartialEq, Eq)]
enum Output {
    Stdout,
    File(String),
}

struct Download {
    tool: String,
    url: String,
    to: Output,
    start: usize,
    end: usize,
}

/// One level of a script (substitutions are levels of their own).
fn level(commands: &[SimpleCommand], hits: &mut Vec<Hit>) {
    // Pipelines: a download to stdout feeding an interpreter reading stdin.
    let mut start = 0;
    for (i, c) in commands.iter().enumerate() {
        if c.next == Connector::Pipe {
            continue;
        }
        let pipeline = &commands[start..=i];
        start = i + 1;
        let Some((d, dl)) = pipeline.iter().enumerate().find_map(|(j, c)| {
            download(c)
                .filter(|d| d.to == Output::Stdout)
                .map(|d| (j, d))
        }) else {
            continue;
        };
        if let Some(runner) = pipeline[d + 1..].iter().find_map(stdin_interpreter) {
            hits.push(Hit {
                start: runner.start,
                end: runner.end,
                download: Some((dl.start, dl.end)),
                message: format!(
                    "`{} … | {}` runs a script downloaded from {} without verifying it",
                    dl.tool,
                    runner.text,
                    shown_url(&dl.url)
                ),
            });
        }
    }
    // Substitutions: `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(curl …)"`.
    for c in commands {
        let texts = c.texts();
        let Some(p) = program_index(&texts) else {
            continue;
        };
        let name = basename(texts[p]);
        let runs_file = is_interpreter(name) || matches!(name, "source" | "." | "eval");
        if !runs_file {
            continue;
        }
        let takes_body = |w: &Word, kind: SubstitutionKind| {
            w.substitutions
                .iter()
                .filter(|s| s.kind == kind)
                .find_map(|s| {
                    s.commands
                        .iter()
                        .find_map(|c| download(c).filter(|d| d.to == Output::Stdout))
                })
        };
        let args = &c.words[p + 1..];
        let found = args
            .iter()
            .find_map(|w| takes_body(w, SubstitutionKind::ProcessIn).map(|d| (d, "<(")))
            .or_else(|| {
                let body = if name == "eval" {
                    args.first()
                } else {
                    args.iter()
                        .position(|w| {
                            w.text.starts_with('-')
                                && !w.text.starts_with("--")
                                && w.text.contains('c')
                        })
                        .and_then(|i| args.get(i + 1))
                };
                body.and_then(|w| takes_body(w, SubstitutionKind::Command))
                    .map(|d| (d, "\"$("))
            });
        if let Some((dl, form)) = found {
            let program = &c.words[p];
            let shown = match form {
                "<(" => format!("{} <({} …)", program.text, dl.tool),
                _ if name == "eval" => format!("eval \"$({} …)\"", dl.tool),
                _ => format!("{} -c \"$({} …)\"", program.text, dl.tool),
            };
            hits.push(Hit {
                start: program.start,
                end: program.end,
                download: Some((dl.start, dl.end)),
                message: format!(
                    "`{shown}` runs a script downloaded from {} without verifying it",
                    shown_url(&dl.url)
                ),
            });
        }
    }
    // A file downloaded, then run with no check between.
    let mut downloaded: Vec<(Download, bool)> = Vec::new();
    for c in commands {
        if verifies(c) {
            for d in &mut downloaded {
                d.1 = true;
            }
        }
        if let Some((word, path)) = runs(c) {
            if let Some((d, _)) = downloaded.iter().find(|(d, checked)| {
                !checked && matches!(&d.to, Output::File(f) if same_file(f, &path))
            }) {
                hits.push(Hit {
                    start: word.start,
                    end: word.end,
                    download: Some((d.start, d.end)),
                    message: format!(
                        "`{}` runs `{path}`, downloaded by {} from {}, with no checksum or signature check before it",
                        run_shown(c, word),
                        d.tool,
                        shown_url(&d.url)
                    ),
                });
            }
        }
        if let Some(d) = download(c).filter(|d| matches!(d.to, Output::File(_))) {
            downloaded.push((d, false));
        }
    }
    for c in commands {
        for w in c.words.iter().chain(c.redirects.iter().map(|r| &r.target)) {
            for s in &w.substitutions {
                level(&s.commands, hits);
            }
        }
    }
}

fn shown_url(url: &str) -> String {
    if url.is_empty() {
        "the network".into()
    } else {
        format!("`{url}`")
    }
}

/// The last path component of a URL, without query or fragment.
fn remote_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    match path.split_once('/') {
        Some((_, p)) if !p.is_empty() => basename(p).to_owned(),
        _ => "index.html".into(),
    }
}

/// `curl` or `wget` and where its download goes.
fn download(c: &SimpleCommand) -> Option<Download> {
    let texts = c.texts();
    let p = program_index(&texts)?;
    let tool = basename(texts[p]);
    if !matches!(tool, "curl" | "wget") {
        return None;
    }
    let args = &texts[p + 1..];
    let url = args
        .iter()
        .find(|a| a.contains("://"))
        .or_else(|| args.iter().rev().find(|a| !a.starts_with('-')))
        .map(|u| (*u).to_owned())
        .unwrap_or_default();
    let mut to = match tool {
        "curl" => Output::Stdout,
        _ => Output::File(remote_name(&url)),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let value = |i: usize| args.get(i + 1).map(|v| (*v).to_owned()).unwrap_or_default();
        let named = |v: String| {
            if v == "-" {
                Output::Stdout
            } else {
                Output::File(v)
            }
        };
        match (tool, a) {
            ("curl", "-o" | "--output") | ("wget", "-O" | "--output-document") => {
                to = named(value(i));
                i += 1;
            }
            ("curl", "-O" | "--remote-name" | "--remote-name-all") => {
                to = Output::File(remote_name(&url))
            }
            _ if a.starts_with("--output=") || a.starts_with("--output-document=") => {
                to = named(
                    a.split_once('=')
                        .map(|(_, v)| v.to_owned())
                        .unwrap_or_default(),
                );
            }
            _ if a.starts_with('-') && !a.starts_with("--") => {
                // A cluster: `-fsSLo FILE`, `-qO-`, `-sSLO`.
                let letter = if tool == "curl" { 'o' } else { 'O' };
                let cluster = &a[1..];
                if let Some(at) = cluster.find(letter) {
                    let rest = &cluster[at + 1..];
                    if rest.is_empty() {
                        to = named(value(i));
                        i += 1;
                    } else {
                        to = named(rest.to_owned());
                    }
                } else if tool == "curl" && cluster.contains('O') {
                    to = Output::File(remote_name(&url));
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(r) = c
        .redirects
        .iter()
        .rev()
        .find(|r| matches!(r.op.as_str(), ">" | ">>" | "1>" | ">|"))
    {
        to = Output::File(r.target.text.clone());
    }
    let w = &c.words[p];
    Some(Download {
        tool: tool.to_owned(),
        url,
        to,
        start: w.start,
        end: w.end,
    })
}

/// The program word of a command that runs a script read from stdin.
fn stdin_interpreter(c: &SimpleCommand) -> Option<&Word> {
    let texts = c.texts();
    let p = program_index(&texts)?;
    let name = basename(texts[p]);
    if !is_interpreter(name) {
        return None;
    }
    let shell = SHELLS.contains(&name);
    let mut args = texts[p + 1..].iter();
    while let Some(a) = args.next() {
        match *a {
            "-" | "-s" => return Some(&c.words[p]),
            "--" => return None.or(args.next().is_none().then_some(&c.words[p])),
            "-c" | "-m" | "-e" | "-E" | "-r" => return None,
            "-o" | "-O" | "+o" | "+O" if shell => {
                args.next();
            }
            a if shell && a.starts_with('-') && !a.starts_with("--") && a.contains('c') => {
                return None
            }
            a if shell && a.starts_with('-') && a.contains('s') && !a.starts_with("--") => {
                return Some(&c.words[p])
            }
            a if a.starts_with('-') || a.starts_with('+') => {}
            _ => return None,
        }
    }
    Some(&c.words[p])
}

/// A command that runs a file: `sh f`, `bash ./f args`, `./f`, `/tmp/f`, `. f`.
fn runs(c: &SimpleCommand) -> Option<(&Word, String)> {
    let texts = c.texts();
    let p = program_index(&texts)?;
    let name = basename(texts[p]);
    if is_interpreter(name) || matches!(name, "source" | ".") {
        let file = (p + 1..texts.len()).find(|&i| !texts[i].starts_with('-'))?;
        // `-c` gives the script inline: no file runs.
        if texts[p + 1..file]
            .iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('c'))
        {
            return None;
        }
        return Some((&c.words[p], texts[file].to_owned()));
    }
    texts[p]
        .contains('/')
        .then(|| (&c.words[p], texts[p].to_owned()))
}

fn run_shown(c: &SimpleCommand, program: &Word) -> String {
    let at = c
        .words
        .iter()
        .position(|w| std::ptr::eq(w, program))
        .unwrap_or(0);
    let texts = c.texts();
    let end = (at + 2).min(texts.len());
    if basename(&program.text) == program.text.trim_start_matches("./")
        && program.text.contains('/')
    {
        program.text.clone()
    } else {
        texts[at..end].join(" ")
    }
}

fn same_file(a: &str, b: &str) -> bool {
    let a = a.trim_start_matches("./");
    let b = b.trim_start_matches("./");
    a == b || ((!a.contains('/') || !b.contains('/')) && basename(a) == basename(b))
}

/// A checksum or signature check, in the command or its substitutions.
fn verifies(c: &SimpleCommand) -> bool {
    let texts = c.texts();
    let own = program_index(&texts).is_some_and(|p| {
        let name = basename(texts[p]);
        let args = &texts[p + 1..];
        let has = |w: &str| args.contains(&w);
        match name {
            n if n.ends_with("sum")
                && (n.starts_with("sha")
                    || n.starts_with("md5")
                    || n.starts_with("b2")
                    || n == "cksum") =>
            {
                true
            }
            "gpg" | "gpg2" => has("--verify"),
            "gpgv" | "gpgv2" => true,
            "cosign" => has("verify-blob") || has("verify"),
            "minisign" => has("-V"),
            "signify" | "signify-openbsd" => has("-V") || has("-C"),
            "openssl" => has("dgst") && (has("-verify") || has("-signature") || has("-prverify")),
            "ssh-keygen" => has("-Y") && has("verify"),
            _ => false,
        }
    });
    own || c
        .words
        .iter()
        .flat_map(|w| &w.substitutions)
        .flat_map(|s| &s.commands)
        .any(verifies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse;

    fn messages(script: &str) -> Vec<String> {
        let mut hits = Vec::new();
        level(&parse(script), &mut hits);
        hits.into_iter()
            .map(|h| format!("{} {}", &script[h.start..h.end], h.message))
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(
            messages("curl -fsSL https://x.io/i.sh | sudo -E bash -"),
            vec!["bash `curl … | bash` runs a script downloaded from `https://x.io/i.sh` without verifying it"]
        );
        assert_eq!(
            messages("wget -qO- https://x.io/i | tee /tmp/log | sh -s -- --yes"),
            vec!["sh `wget … | sh` runs a script downloaded from `https://x.io/i` without verifying it"]
        );
        assert_eq!(
            messages("wget https://x.io/i.tgz | sh"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("curl -o /tmp/i.sh https://x.io/i.sh | sh"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("curl https://x.io/k.asc | gpg --dearmor -o /k.gpg"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("curl https://x.io/x | python3 -c 'import sys'"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("bash <(curl -s https://x.io/i.sh)"),
            vec!["bash `bash <(curl …)` runs a script downloaded from `https://x.io/i.sh` without verifying it"]
        );
        assert_eq!(
            messages("sh -c \"$(wget -qO- https://x.io/i.sh)\""),
            vec!["sh `sh -c \"$(wget …)\"` runs a script downloaded from `https://x.io/i.sh` without verifying it"]
        );
        assert_eq!(
            messages("curl -fsSLO https://x.io/v1/install.sh && chmod +x install.sh && ./install.sh"),
            vec!["./install.sh `./install.sh` runs `./install.sh`, downloaded by curl from `https://x.io/v1/install.sh`, with no checksum or signature check before it"]
        );
        assert_eq!(
            messages("curl -fsSL -o /tmp/i.sh https://x.io/i.sh && echo \"abc  /tmp/i.sh\" | sha256sum -c - && sh /tmp/i.sh"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("wget https://x.io/i.sh https://x.io/i.sh.asc && gpg --verify i.sh.asc i.sh && bash i.sh"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("curl https://x.io/i.sh > i.sh; sh i.sh"),
            vec!["sh `sh i.sh` runs `i.sh`, downloaded by curl from `https://x.io/i.sh`, with no checksum or signature check before it"]
        );
    }
}
