use super::scripts::{is_interpreter, scripts, Script};
use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::shell::{all_commands, SimpleCommand, Word};
use crate::subject::{Op, Subject, SubjectKind};
use crate::util::{basename, program_index};

pub static RULE: Rule = Rule {
    code: "PC43104",
    name: "verification-disabled",
    title: "TLS or signature verification switched off in a build step",
    category: Category::SupplyChain,
    severity: Severity::High,
    remediation: "Remove the switch and fix what it worked around: install the CA certificate the server needs (`COPY ca.crt /usr/local/share/ca-certificates/` then `update-ca-certificates`), import the repository's signing key (`/etc/apt/keyrings/…` with `signed-by=`, `rpm --import`), or use the HTTPS URL.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "A build step that turns off the checks that downloads are what they claim: `curl -k`/`--insecure`, `wget --no-check-certificate`, `git -c http.sslVerify=false` and `git config http.sslVerify false`, `GIT_SSL_NO_VERIFY`, `pip --trusted-host` (and `PIP_TRUSTED_HOST`, `pip config set global.trusted-host`), `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `npm config set strict-ssl false` (and `--strict-ssl=false`, `NPM_CONFIG_STRICT_SSL=false`, yarn and pnpm alike), `apt-get --allow-unauthenticated`/`--allow-insecure-repositories` (and the same `-o APT::Get::AllowUnauthenticated=true`, `Acquire::AllowInsecureRepositories`, `Acquire::https::Verify-Peer=false`), an apt source with `[trusted=yes]`, `apk --allow-untrusted`, `rpm --nogpgcheck`/`--nosignature`, `dnf`/`yum`/`microdnf`/`tdnf --nogpgcheck` or `--setopt=gpgcheck=0`/`sslverify=0`, `zypper --no-gpg-checks`. Read in `RUN` scripts as the shell reads them (through pipes, `&&`, `;`, `sh -c '…'` bodies, heredocs, assignments before a command and `export`), in exec form, and in `ENV`. In an image, the history's `RUN` and `ENV` entries of this build (not the base image's). Each finding is at the switch itself.",
        why: "TLS certificates and package signatures are what stop a network attacker, a hijacked mirror or a poisoned cache from handing the build other bytes. With the check off, whatever answers is installed into the image and runs in every container made from it; set in `ENV`, the switch also stays on in the running container.",
        fix: "Remove the switch. If a private CA signs the server's certificate, add that CA to the image's trust store; if a repository's key is missing, import it and name it with `signed-by=`; use HTTPS rather than trusting a plain-HTTP host.",
        bad: "FROM debian:12\nRUN curl -k -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz \\\n && apt-get install -y --allow-unauthenticated tool\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n",
        good: "FROM debian:12\nCOPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt\nRUN update-ca-certificates \\\n && curl -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz \\\n && apt-get install -y tool\n",
    },
    check,
};

/// A switch found in a script: its range in the script's text and what it does.
struct Hit {
    start: usize,
    end: usize,
    message: String,
}

fn check(subject: &Subject, out: &mut Findings) {
    for script in scripts(subject) {
        let mut hits = Vec::new();
        if script.data {
            trusted_yes_lines(&script, &mut hits);
        }
        for cmd in all_commands(&script.commands) {
            // Heredocs inside the script are scripts of their own (see scripts.rs).
            command_hits(cmd, &mut hits);
        }
        hits.sort_by_key(|h| (h.start, h.end));
        hits.dedup_by_key(|h| (h.start, h.end));
        for h in hits {
            out.report(h.message, script.locate(subject, h.start, h.end));
        }
    }
    for step in subject.steps.iter().filter(|s| !s.inherited) {
        let Op::Env(pairs) = &step.op else {
            continue;
        };
        for (key, value) in pairs {
            if let Some(effect) = assignment(&key.text, &value.text) {
                out.report(
                    format!("ENV {}={} {effect}", key.text, value.text),
                    key.at.clone(),
                );
            }
        }
    }
}

fn truthy(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

fn falsy(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

/// What setting `name` to `value` switches off, if anything.
fn assignment(name: &str, value: &str) -> Option<&'static str> {
    match name {
        "GIT_SSL_NO_VERIFY" if !value.is_empty() && !falsy(value) => {
            Some("makes git accept any TLS certificate")
        }
        "PYTHONHTTPSVERIFY" if value == "0" => {
            Some("makes Python's HTTPS clients accept any TLS certificate")
        }
        "NODE_TLS_REJECT_UNAUTHORIZED" if value == "0" => {
            Some("makes Node.js accept any TLS certificate")
        }
        "PIP_TRUSTED_HOST" if !value.is_empty() => {
            Some("makes pip trust those hosts over plain HTTP or with any certificate")
        }
        "NPM_CONFIG_STRICT_SSL" | "npm_config_strict_ssl" if falsy(value) => {
            Some("makes npm accept any TLS certificate")
        }
        _ => None,
    }
}

fn hit(w: &Word, message: String, hits: &mut Vec<Hit>) {
    hits.push(Hit {
        start: w.start,
        end: w.end,
        message,
    });
}

fn command_hits(cmd: &SimpleCommand, hits: &mut Vec<Hit>) {
    let texts = cmd.texts();
    for w in &cmd.words {
        trusted_yes_word(w, hits);
    }
    let Some(p) = program_index(&texts) else {
        // Assignments alone: `GIT_SSL_NO_VERIFY=1` for the rest of the script.
        assignments(&cmd.words, hits);
        return;
    };
    assignments(&cmd.words[..p], hits);
    let program = basename(texts[p]);
    let args = &cmd.words[p + 1..];
    let arg_texts = &texts[p + 1..];
    let flag = |hits: &mut Vec<Hit>, names: &[&str], effect: &str| {
        for w in args {
            let name = w.text.split('=').next().unwrap_or("");
            if names.contains(&name) {
                hit(w, format!("`{program} {}` {effect}", w.text), hits);
            }
        }
    };
    let false_flag = |hits: &mut Vec<Hit>, name: &str, effect: &str| {
        for w in args {
            if let Some(v) = w.text.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                if falsy(v) {
                    hit(w, format!("`{program} {}` {effect}", w.text), hits);
                }
            }
        }
    };
    match program {
        "export" | "declare" | "typeset" | "readonly" => assignments(args, hits),
        "curl" => {
            flag(
                hits,
                &["--insecure", "--proxy-insecure"],
                "accepts any TLS certificate",
            );
            let mut skip = false;
            for w in args {
                if std::mem::take(&mut skip) {
                    // The argument of the option before (`-o -k` writes to a file `-k`).
                    continue;
                }
                if short_cluster_has(&w.text, 'k', CURL_ARG_LETTERS) {
                    hit(
                        w,
                        format!("`curl {}` accepts any TLS certificate", w.text),
                        hits,
                    );
                }
                skip = takes_argument(&w.text);
            }
        }
        "wget" => flag(
            hits,
            &["--no-check-certificate"],
            "accepts any TLS certificate",
        ),
        "git" => git(args, arg_texts, hits),
        "apk" => flag(
            hits,
            &["--allow-untrusted"],
            "installs packages whose signatures are not checked",
        ),
        "rpm" => flag(
            hits,
            &["--nogpgcheck", "--nosignature"],
            "installs packages whose signatures are not checked",
        ),
        "dnf" | "yum" | "microdnf" | "tdnf" | "dnf5" => {
            flag(
                hits,
                &["--nogpgcheck"],
                "installs packages whose signatures are not checked",
            );
            for w in args {
                if let Some(opt) = w.text.strip_prefix("--setopt=") {
                    let (key, value) = opt.split_once('=').unwrap_or((opt, ""));
                    let key = key.rsplit('.').next().unwrap_or(key);
                    let effect = match key {
                        "gpgcheck" | "repo_gpgcheck" | "localpkg_gpgcheck" if falsy(value) => {
                            "installs packages whose signatures are not checked"
                        }
                        "sslverify" if falsy(value) => {
                            "accepts any TLS certificate from the repositories"
                        }
                        _ => continue,
                    };
                    hit(w, format!("`{program} {}` {effect}", w.text), hits);
                }
            }
        }
        "zypper" => flag(
            hits,
            &["--no-gpg-checks"],
            "installs packages whose signatures are not checked",
        ),
        "apt-get" | "apt" | "aptitude" => {
            flag(
                hits,
                &["--allow-unauthenticated", "--allow-insecure-repositories"],
                "installs packages from repositories whose signatures are not checked",
            );
            for (i, w) in args.iter().enumerate() {
                let option = match w.text.strip_prefix("-o") {
                    Some("") => args.get(i + 1).map(|n| (n, n.text.as_str())),
                    Some(rest) => Some((w, rest)),
                    None => None,
                };
                let Some((at, option)) = option else {
                    continue;
                };
                let (key, value) = option.split_once('=').unwrap_or((option, ""));
                let key = key.to_ascii_lowercase();
                let off = match key.as_str() {
                    "apt::get::allowunauthenticated"
                    | "acquire::allowinsecurerepositories"
                    | "acquire::allowdowngradetoinsecurerepositories" => truthy(value),
                    k if k.starts_with("acquire::https::")
                        && (k.ends_with("::verify-peer") || k.ends_with("::verify-host")) =>
                    {
                        falsy(value)
                    }
                    _ => false,
                };
                if off {
                    hit(
                        at,
                        format!("`{program} -o {option}` turns off apt's signature or TLS checks"),
                        hits,
                    );
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            flag(hits, &["--no-strict-ssl"], "accepts any TLS certificate");
            false_flag(hits, "--strict-ssl", "accepts any TLS certificate");
            config_set(program, args, arg_texts, hits, |key, value| {
                (key == "strict-ssl" && falsy(value)).then_some("accepts any TLS certificate")
            });
        }
        _ => {}
    }
    let pip_like = program.starts_with("pip")
        || is_interpreter(program) && program.starts_with("python")
        || matches!(program, "uv" | "pipenv" | "poetry" | "pipx");
    if pip_like {
        for (i, w) in args.iter().enumerate() {
            let shown = match w.text.as_str() {
                "--trusted-host" => match args.get(i + 1) {
                    Some(host) => format!("--trusted-host {}", host.text),
                    None => w.text.clone(),
                },
                t if t.starts_with("--trusted-host=") => t.to_owned(),
                _ => continue,
            };
            hit(
                w,
                format!("`pip {shown}` trusts that host over plain HTTP or with any certificate"),
                hits,
            );
        }
        config_set(program, args, arg_texts, hits, |key, value| {
            (key.ends_with("trusted-host") && !value.is_empty())
                .then_some("trusts that host over plain HTTP or with any certificate")
        });
    }
}

/// `export GIT_SSL_NO_VERIFY=1`, `PYTHONHTTPSVERIFY=0 python …`.
fn assignments(words: &[Word], hits: &mut Vec<Hit>) {
    for w in words {
        if let Some((name, value)) = w.text.split_once('=') {
            if let Some(effect) = assignment(name, value) {
                hit(w, format!("`{}` {effect}", w.text), hits);
            }
        }
    }
}

/// Curl's short options that take an argument: a cluster ends at one.
const CURL_ARG_LETTERS: &str = "oHdXuAeFTwxUbcCKmrYyzEDPQt";

/// Whether a curl option word leaves its argument to the next word: `-o`,
/// `-sSLo`, `--output` (long options with `=` carry theirs).
fn takes_argument(word: &str) -> bool {
    if let Some(long) = word.strip_prefix("--") {
        return !long.contains('=') && CURL_LONG_WITH_ARGUMENT.contains(&long);
    }
    word.strip_prefix('-')
        .and_then(|cluster| cluster.chars().last())
        .is_some_and(|last| CURL_ARG_LETTERS.contains(last))
}

/// Curl's common long options that take an argument.
const CURL_LONG_WITH_ARGUMENT: &[&str] = &[
    "output",
    "header",
    "data",
    "data-raw",
    "data-binary",
    "request",
    "user",
    "user-agent",
    "referer",
    "form",
    "upload-file",
    "write-out",
    "proxy",
    "cacert",
    "capath",
    "cert",
    "key",
    "config",
    "max-time",
    "connect-timeout",
    "retry",
    "output-dir",
    "url",
    "resolve",
];

/// Whether `-abc` holds `letter` before any option that takes an argument.
fn short_cluster_has(word: &str, letter: char, arg_letters: &str) -> bool {
    let Some(cluster) = word.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
        return false;
    };
    for c in cluster.chars() {
        if c == letter {
            return true;
        }
        if arg_letters.contains(c) || !c.is_ascii_alphanumeric() {
            return false;
        }
    }
    false
}

/// `git -c http.sslVerify=false …` and `git config [--global] http.sslVerify false`.
fn git(args: &[Word], texts: &[&str], hits: &mut Vec<Hit>) {
    let ssl_key = |key: &str| {
        let key = key.to_ascii_lowercase();
        key.starts_with("http.") && key.ends_with(".sslverify")
    };
    let mut i = 0;
    while i < texts.len() && texts[i].starts_with('-') {
        if texts[i] == "-c" {
            if let Some(setting) = texts.get(i + 1) {
                let (key, value) = setting.split_once('=').unwrap_or((setting, "true"));
                if ssl_key(key) && falsy(value) {
                    hit(
                        &args[i + 1],
                        format!("`git -c {setting}` makes git accept any TLS certificate"),
                        hits,
                    );
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    if texts.get(i) == Some(&"config") {
        let positional: Vec<usize> = (i + 1..texts.len())
            .filter(|&j| !texts[j].starts_with('-'))
            .collect();
        if let [key, value, ..] = positional[..] {
            if ssl_key(texts[key]) && falsy(texts[value]) {
                hit(
                    &args[key],
                    format!(
                        "`git config {} {}` makes git accept any TLS certificate",
                        texts[key], texts[value]
                    ),
                    hits,
                );
            }
        }
    }
}

/// `npm config set KEY VALUE`, `npm set KEY=VALUE`, `pip config set KEY VALUE`.
fn config_set(
    program: &str,
    args: &[Word],
    texts: &[&str],
    hits: &mut Vec<Hit>,
    judge: impl Fn(&str, &str) -> Option<&'static str>,
) {
    let positional: Vec<usize> = (0..texts.len())
        .filter(|&j| !texts[j].starts_with('-'))
        .collect();
    let words: Vec<&str> = positional.iter().map(|&j| texts[j]).collect();
    let at = match words[..] {
        ["config", "set", ..] => 2,
        ["set", ..] => 1,
        _ => return,
    };
    let Some(&key_index) = positional.get(at) else {
        return;
    };
    let (key, value) = match texts[key_index].split_once('=') {
        Some((k, v)) => (k, v.to_owned()),
        None => (
            texts[key_index],
            positional
                .get(at + 1)
                .map(|&j| texts[j].to_owned())
                .unwrap_or_default(),
        ),
    };
    if let Some(effect) = judge(&key.to_ascii_lowercase(), &value) {
        let shown = if texts[key_index].contains('=') {
            texts[key_index].to_owned()
        } else {
            format!("{key} {value}")
        };
        hit(
            &args[key_index],
            format!("`{program} {} {shown}` {effect}", words[..at].join(" ")),
            hits,
        );
    }
}

/// apt's `[trusted=yes]` (also among other options: `[arch=amd64 trusted=yes]`).
fn trusted_yes_range(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('[').map(|i| from + i) {
        let close = text[open..].find(']').map(|i| open + i)?;
        let inside = &text[open + 1..close];
        if let Some(at) = inside.find("trusted=yes") {
            let start = open + 1 + at;
            return Some((start, start + "trusted=yes".len()));
        }
        from = close + 1;
    }
    None
}

fn trusted_yes_word(w: &Word, hits: &mut Vec<Hit>) {
    if let Some((s, e)) = trusted_yes_range(&w.text) {
        let (start, end) = w.source_range(s, e);
        hits.push(Hit {
            start,
            end,
            message: TRUSTED_YES.into(),
        });
    }
}

const TRUSTED_YES: &str =
    "an apt source with `[trusted=yes]` is installed from without checking its signature";

/// `deb [trusted=yes] …` lines of a text (offsets shifted by `base`).
fn trusted_yes_in(text: &str, base: usize, hits: &mut Vec<Hit>) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("deb") {
            if let Some((s, e)) = trusted_yes_range(line) {
                hits.push(Hit {
                    start: base + offset + s,
                    end: base + offset + e,
                    message: TRUSTED_YES.into(),
                });
            }
        } else if trimmed.to_ascii_lowercase().starts_with("trusted:") && trimmed.contains("yes") {
            // deb822 sources: `Trusted: yes`.
            let s = line.len() - trimmed.len();
            hits.push(Hit {
                start: base + offset + s,
                end: base + offset + line.trim_end().len(),
                message: "an apt source with `Trusted: yes` is installed from without checking its signature".into(),
            });
        }
        offset += line.len();
    }
}

fn trusted_yes_lines(script: &Script<'_>, hits: &mut Vec<Hit>) {
    trusted_yes_in(&script.text, 0, hits);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters() {
        assert!(short_cluster_has("-k", 'k', CURL_ARG_LETTERS));
        assert!(short_cluster_has("-fsSLk", 'k', CURL_ARG_LETTERS));
        assert!(!short_cluster_has("-fsSLo", 'k', CURL_ARG_LETTERS));
        assert!(!short_cluster_has("-ok", 'k', CURL_ARG_LETTERS));
        assert!(!short_cluster_has("--keepalive", 'k', CURL_ARG_LETTERS));
        assert_eq!(
            trusted_yes_range("deb [arch=amd64 trusted=yes] http://x ./"),
            Some((16, 27))
        );
        assert_eq!(
            trusted_yes_range("deb [signed-by=/k.gpg] http://x ./"),
            None
        );
    }
}
