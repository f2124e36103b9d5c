use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Arg, Op, StageBase, Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ41102",
    name: "add-instruction",
    title: "ADD instruction used",
    category: Category::BuildInstructions,
    severity: Severity::Low,
    remediation: "Use COPY for local files; download remote files in a RUN step that verifies a pinned checksum; unpack archives explicitly with RUN tar.",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "Every `ADD` in every stage, except the one that lays down a root filesystem: `FROM scratch` followed immediately by `ADD <archive> /`. Remote URLs and git sources get their own message. In an image, `ADD` entries of this build's history (classic `ADD file:… in /dst`, BuildKit `ADD src dst`), not the base's, and not a first entry `ADD file:… in /` that lays down the root filesystem.",
        why: "`ADD` does more than it says: it unpacks local archives, fetches URLs and clones repositories. A file that happens to be a tarball is silently extracted; a remote source can change between builds and is not verified unless `--checksum` pins it. `COPY` does only what it says.",
        fix: "Use `COPY` for files from the build context. For remote files, download them in `RUN` and verify a pinned checksum (`ADD --checksum=sha256:…` verifies too, but is still reported: the download stays hidden in an instruction that also unpacks and clones). Unpack archives explicitly with `RUN tar`.",
        bad: "FROM debian:bookworm\nADD app.tar.gz /opt/\nADD https://example.com/tool /usr/local/bin/tool\n",
        good: "FROM debian:bookworm\nCOPY app/ /opt/app/\nRUN curl -fsSLo /usr/local/bin/tool https://example.com/tool \\\n && echo \"<sha256>  /usr/local/bin/tool\" | sha256sum -c -\n",
    },
    check,
};

const ARCHIVES: [&str; 12] = [
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.xz",
    ".txz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.zst",
    ".tzst",
    ".tar.lz4",
    ".tar.lzma",
];

fn is_remote(src: &str) -> bool {
    src.starts_with("http://") || src.starts_with("https://")
}

fn is_git(src: &str) -> bool {
    src.starts_with("git@")
        || src.starts_with("git://")
        || (is_remote(src) && (src.split('#').next().unwrap_or("").ends_with(".git")))
}

/// `FROM scratch` + `ADD rootfs.tar /` as the stage's first instruction; in
/// an image, a first history entry `ADD file:… in /`.
fn is_rootfs(subject: &Subject, index: usize, sources: &[Arg], dest: &Arg) -> bool {
    if subject.kind == SubjectKind::Image {
        // Classic `ADD file:… in /`, BuildKit `ADD rootfs.tar / # buildkit`.
        return index == 0
            && dest.text == "/"
            && sources.len() == 1
            && !is_remote(&sources[0].text);
    }
    let step = &subject.steps[index];
    let first_after_from = index > 0 && matches!(subject.steps[index - 1].op, Op::From { .. });
    let from_scratch = subject
        .stages
        .get(step.stage)
        .is_some_and(|s| s.base == StageBase::Scratch);
    let to_root = matches!(dest.text.as_str(), "/" | "/." | "./" | ".");
    first_after_from
        && from_scratch
        && to_root
        && sources.len() == 1
        && !is_remote(&sources[0].text)
        && ARCHIVES
            .iter()
            .any(|ext| sources[0].text.to_ascii_lowercase().ends_with(ext))
}

fn check(subject: &Subject, out: &mut Findings) {
    for (i, step) in subject.steps.iter().enumerate() {
        let Op::Add { sources, dest } = &step.op else {
            continue;
        };
        if step.inherited || is_rootfs(subject, i, sources, dest) {
            continue;
        }
        let git = sources.iter().find(|s| is_git(&s.text));
        let remote = sources.iter().find(|s| is_remote(&s.text));
        let (message, at) = match (git, remote) {
            (Some(src), _) => {
                let reference = src
                    .text
                    .split_once('#')
                    .map(|(_, r)| r.split(':').next().unwrap_or(r));
                let pin = match reference {
                    Some(r) if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) => {
                        String::new()
                    }
                    Some(r) if !r.is_empty() => {
                        format!(" at ref `{r}`, which can move (pin a commit)")
                    }
                    _ => " without pinning a commit".to_owned(),
                };
                (
                    format!(
                        "ADD clones git repository `{}` at build time{pin}",
                        src.text
                    ),
                    src.at.clone(),
                )
            }
            (None, Some(src)) => (
                if step.flag("checksum").is_some() {
                    format!("ADD downloads `{}` at build time; prefer an explicit, verified download in RUN", src.text)
                } else {
                    format!(
                        "ADD downloads `{}` at build time without verifying its checksum",
                        src.text
                    )
                },
                src.at.clone(),
            ),
            (None, None) => {
                let names: Vec<String> = sources.iter().map(|s| format!("`{}`", s.text)).collect();
                let archive = sources.iter().find(|s| {
                    ARCHIVES
                        .iter()
                        .any(|ext| s.text.to_ascii_lowercase().ends_with(ext))
                });
                let message = match archive {
                    Some(a) => format!(
                        "ADD unpacks archive `{}` into `{}`; use COPY and an explicit RUN tar",
                        a.text, dest.text
                    ),
                    None => format!(
                        "ADD used to copy {} to `{}`; use COPY",
                        names.join(", "),
                        dest.text
                    ),
                };
                (message, step.at.clone())
            }
        };
        out.report(message, at);
    }
}
