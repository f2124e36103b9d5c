//! Linking an image to the Dockerfile that built it: which instruction made
//! each of this build's history entries, matched by what the entry records
//! (the command, the ports, the user…), not only by keyword, so a Dockerfile
//! that did not build the image is never pointed at.

use std::collections::HashMap;

use portcullis_dockerfile as df;
use portcullis_dockerfile::{Arguments, Keyword};

use super::*;

/// What an instruction leaves in a history entry, in one canonical text for
/// the Dockerfile and for every builder's `created_by` (the history side is
/// first turned into an instruction by `portcullis_image::history`).
/// `expanded`: the Dockerfile's expanded arguments (`df::Step::args`); `None`
/// for a history instruction, whose words are already what the builder used.
/// `None` when the content is unknown: a RUN heredoc or exec-form RUN (whose
/// history form differs by builder), a relative WORKDIR (builders record the
/// resolved path), a value with an unresolved variable, ARG, FROM, ONBUILD.
pub(crate) fn record(ins: &df::Instruction, expanded: Option<&[df::Value]>) -> Option<String> {
    let keyword = ins.keyword.as_str();
    let texts: Vec<String> = match expanded {
        Some(values) if values.iter().any(|v| !v.is_resolved()) => return None,
        Some(values) => values.iter().map(|v| v.text.clone()).collect(),
        None => match &ins.args {
            Arguments::List { items, .. } | Arguments::Words(items) => {
                items.iter().map(|w| w.raw.clone()).collect()
            }
            Arguments::Text(w) => vec![w.raw.clone()],
            Arguments::Pairs(pairs) => pairs
                .iter()
                .map(|p| p.value.as_ref().map(|v| v.raw.clone()).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        },
    };
    match (&ins.keyword, &ins.args) {
        (Keyword::Run, Arguments::Command(df::Command::Shell(w))) if ins.heredocs.is_empty() => {
            Some(format!("RUN {}", norm(&w.raw)))
        }
        (Keyword::Cmd | Keyword::Entrypoint, Arguments::Command(c)) => {
            Some(format!("{keyword} {}", command(c)))
        }
        (Keyword::Healthcheck, Arguments::Healthcheck(None)) => Some("HEALTHCHECK NONE".into()),
        (Keyword::Healthcheck, Arguments::Healthcheck(Some(c))) => {
            Some(format!("HEALTHCHECK {}", command(c)))
        }
        (Keyword::Expose, _) => ports(&texts).map(|p| format!("EXPOSE {p}")),
        (Keyword::Workdir, _) => {
            let dir = texts.first()?.trim();
            dir.starts_with('/')
                .then(|| format!("WORKDIR {}", trim_slash(dir)))
        }
        (Keyword::Copy | Keyword::Add, _) => Some(format!(
            "{keyword} {}",
            texts.iter().map(|t| norm(t)).collect::<Vec<_>>().join(" ")
        )),
        (Keyword::Env | Keyword::Label, Arguments::Pairs(pairs)) if pairs.len() == texts.len() => {
            let kv: Vec<String> = pairs
                .iter()
                .zip(&texts)
                .map(|(p, v)| format!("{}={}", p.key.raw, v))
                .collect();
            Some(norm(&format!("{keyword} {}", kv.join(" "))))
        }
        (Keyword::Shell, Arguments::Command(df::Command::Exec(items))) => Some(format!(
            "SHELL {}",
            json(items.iter().map(|w| norm(&w.raw)))
        )),
        (Keyword::User | Keyword::Stopsignal | Keyword::Maintainer | Keyword::Volume, _) => {
            Some(norm(&format!("{keyword} {}", texts.join(" "))))
        }
        _ => None,
    }
}

/// The record of a history entry's instruction (`text`, as
/// `portcullis_image::history` made it; `parsed`, its parse).
pub(crate) fn record_history(text: &str, parsed: Option<&df::Instruction>) -> Option<String> {
    // Builders record `ENV A="x y"` as `ENV A=x y`, unquoted, which does not
    // parse as a Dockerfile: the text itself is the record.
    let keyword = text.split_whitespace().next().unwrap_or("");
    if keyword.eq_ignore_ascii_case("ENV") || keyword.eq_ignore_ascii_case("LABEL") {
        return Some(norm(&format!(
            "{} {}",
            keyword.to_ascii_uppercase(),
            &text[keyword.len()..]
        )));
    }
    record(parsed?, None)
}

/// Whitespace runs as one space, none at the ends: builders keep the text
/// of a continued line with the continuation removed, not its spacing.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn trim_slash(path: &str) -> &str {
    match path.trim_end_matches('/') {
        "" => "/",
        p => p,
    }
}

fn json(items: impl Iterator<Item = String>) -> String {
    serde_json::to_string(&items.collect::<Vec<_>>()).unwrap_or_default()
}

/// A command as it runs: shell form and an exec form of `[shell, -c, S]`
/// are one (`shell: S`), since builders record shell-form CMD either way
/// (BuildKit and classic as `["/bin/sh","-c",S]`, buildah as written) and
/// the shell itself may be changed by SHELL.
fn command(c: &df::Command) -> String {
    match c {
        df::Command::Shell(w) => format!("shell: {}", norm(&w.raw)),
        df::Command::Exec(items) => {
            let n = items.len();
            if n >= 3 && matches!(items[n - 2].raw.as_str(), "-c" | "/C" | "/c") {
                format!("shell: {}", norm(&items[n - 1].raw))
            } else {
                json(items.iter().map(|w| norm(&w.raw)))
            }
        }
    }
}

/// Ports as sorted, merged ranges per protocol: BuildKit records `20-25` as
/// six ports and orders them its own way, buildah keeps the written order.
fn ports(specs: &[String]) -> Option<String> {
    let mut ranges = Vec::with_capacity(specs.len());
    for spec in specs {
        let r = crate::util::parse_port_spec(spec)?;
        ranges.push((r.proto, u32::from(r.first), u32::from(r.last)));
    }
    ranges.sort_unstable();
    let mut merged: Vec<(&str, u32, u32)> = Vec::new();
    for (proto, first, last) in ranges {
        match merged.last_mut() {
            Some((p, _, end)) if *p == proto && first <= *end + 1 => *end = (*end).max(last),
            _ => merged.push((proto, first, last)),
        }
    }
    Some(
        merged
            .iter()
            .map(|(p, a, b)| format!("{a}-{b}/{p}"))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A classic or buildah COPY/ADD records its sources only as a content hash
/// (`file:3a7c…`, `dir:…`, `multi:…`): only the destination can be compared.
fn hashed_sources(op: &Op) -> bool {
    let sources = match op {
        Op::Copy { sources, .. } | Op::Add { sources, .. } => sources,
        _ => return false,
    };
    !sources.is_empty()
        && sources.iter().all(|s| {
            ["file:", "dir:", "multi:"]
                .iter()
                .any(|p| s.text.strip_prefix(p).is_some_and(|h| !h.is_empty()))
        })
}

fn destination(op: &Op) -> Option<&str> {
    match op {
        Op::Copy { dest, .. } | Op::Add { dest, .. } if dest.unresolved.is_empty() => {
            Some(trim_slash(dest.text.trim()))
        }
        _ => None,
    }
}

/// What was linked: for each history index made by this build, the location
/// of the instruction that made it; and what did not line up.
#[derive(Debug, Default)]
pub struct Linked {
    pub links: Vec<(usize, Location)>,
    /// This build's history entries no instruction matched (index, created_by).
    pub unmatched_history: Vec<(usize, String)>,
    /// Instructions of the final stage chain that match no history entry.
    pub unmatched_instructions: Vec<Location>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Strength {
    /// Same keyword, and the recorded content agrees.
    Content,
    /// Same keyword; one side's content is unknown.
    Keyword,
    /// Different keyword or different content.
    Mismatch,
}

/// One side of the match, with texts interned so that comparing two is an
/// integer comparison (histories and Dockerfiles can be hostile in size).
struct Item {
    keyword: &'static str,
    record: Option<u32>,
    dest: Option<u32>,
    hashed: bool,
}

fn strength(h: &Item, d: &Item) -> Strength {
    if h.keyword != d.keyword {
        return Strength::Mismatch;
    }
    let (a, b) = if h.hashed {
        (h.dest, d.dest)
    } else {
        (h.record, d.record)
    };
    match (a, b) {
        (Some(a), Some(b)) if a == b => Strength::Content,
        (Some(_), Some(_)) => Strength::Mismatch,
        _ => Strength::Keyword,
    }
}

/// Link this build's history entries (not the base's) to the final stage
/// chain's instructions (not FROM, not ARG, which leave no entry).
///
/// First the entries whose content agrees with an instruction's are paired,
/// as the longest common subsequence of such pairs ("anchors"). An entry
/// whose content cannot be compared (a RUN heredoc, a value with an unknown
/// variable) is then paired by keyword only where it sits in a gap between
/// anchors (or the ends of the build) that lines up one to one: as many
/// entries as instructions, each pair of the same keyword, none of which
/// disagrees by content. Everything else stays unlinked, and is reported as
/// not matching rather than pointed at a line that did not make it.
pub fn link_dockerfile(image: &Subject, dockerfile: &Subject) -> Linked {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut intern = |text: Option<&str>| {
        text.map(|t| {
            let next = ids.len() as u32;
            *ids.entry(t.to_owned()).or_insert(next)
        })
    };
    let mut item = |s: &Step| Item {
        keyword: s.op.keyword(),
        record: intern(s.record.as_deref()),
        dest: intern(destination(&s.op)),
        hashed: hashed_sources(&s.op),
    };
    let history: Vec<(usize, &str, Item)> = image
        .steps
        .iter()
        .filter(|s| !s.inherited)
        .filter_map(|s| match &s.at.location {
            Location::History { index, created_by } => Some((*index, created_by.as_str(), item(s))),
            _ => None,
        })
        .collect();
    let chain = dockerfile.chain(dockerfile.final_stage());
    let instructions: Vec<(&Location, Item)> = dockerfile
        .steps
        .iter()
        .filter(|s| chain.contains(&s.stage) && !matches!(s.op, Op::From { .. } | Op::Other("ARG")))
        .map(|s| (&s.at.location, item(s)))
        .collect();
    let (n, m) = (history.len(), instructions.len());
    let content =
        |i: usize, j: usize| strength(&history[i].2, &instructions[j].1) == Strength::Content;

    let mut anchors: Vec<(usize, usize)> = Vec::new();
    if n.saturating_mul(m) > 4_000_000 {
        // Hostile sizes: an in-order greedy match, in linear memory.
        let mut j = 0;
        for i in 0..n {
            if let Some(k) = (j..m).find(|&k| content(i, k)) {
                anchors.push((i, k));
                j = k + 1;
            }
        }
    } else {
        // lcs[i][j]: the most content pairs of history[i..] and instructions[j..].
        let mut lcs = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                // The full recurrence: "agrees by content" compares the
                // destination for hashed COPY/ADD and the record otherwise,
                // so it is not one equality and a match is not always best.
                let skip = lcs[i + 1][j].max(lcs[i][j + 1]);
                lcs[i][j] = if content(i, j) {
                    skip.max(lcs[i + 1][j + 1] + 1)
                } else {
                    skip
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if content(i, j) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
                anchors.push((i, j));
                i += 1;
                j += 1;
            } else if lcs[i + 1][j] == lcs[i][j] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }

    // The gaps between anchors, the build's ends counting as anchors.
    let mut pairs = Vec::with_capacity(n.min(m));
    let mut from = (0, 0);
    for &(ai, aj) in anchors.iter().chain(std::iter::once(&(n, m))) {
        let (gi, gj) = (ai - from.0, aj - from.1);
        if gi == gj
            && (0..gi).all(|k| {
                strength(&history[from.0 + k].2, &instructions[from.1 + k].1) == Strength::Keyword
            })
        {
            pairs.extend((0..gi).map(|k| (from.0 + k, from.1 + k)));
        }
        if ai < n {
            pairs.push((ai, aj));
        }
        from = (ai + 1, aj + 1);
    }

    let mut out = Linked::default();
    let mut linked_h = vec![false; n];
    let mut linked_d = vec![false; m];
    for &(i, j) in &pairs {
        linked_h[i] = true;
        linked_d[j] = true;
        out.links.push((history[i].0, instructions[j].0.clone()));
    }
    out.unmatched_history = history
        .iter()
        .zip(&linked_h)
        .filter(|(_, linked)| !**linked)
        .map(|((index, created_by, _), _)| (*index, (*created_by).to_owned()))
        .collect();
    out.unmatched_instructions = instructions
        .iter()
        .zip(&linked_d)
        .filter(|(_, linked)| !**linked)
        .map(|((location, _), _)| (*location).clone())
        .collect();
    out
}

/// A note for the report when the Dockerfile given with an image does not
/// match the image's history: which entries no instruction made (and which
/// instructions made no entry). Findings from those entries keep their
/// image location only.
pub fn link_note(path: &str, linked: &Linked) -> Option<crate::finding::Note> {
    const SHOWN: usize = 5;
    let list = |items: Vec<String>| {
        let more = items.len().saturating_sub(SHOWN);
        let mut text = items.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        text
    };
    let mut parts = Vec::new();
    if !linked.unmatched_history.is_empty() {
        let entries = linked
            .unmatched_history
            .iter()
            .map(|(i, created_by)| format!("{i} ({})", shorten(created_by)))
            .collect();
        parts.push(format!(
            "no instruction of it made history {} {}",
            if linked.unmatched_history.len() == 1 {
                "entry"
            } else {
                "entries"
            },
            list(entries)
        ));
    }
    if !linked.unmatched_instructions.is_empty() {
        let lines = linked
            .unmatched_instructions
            .iter()
            .filter_map(|l| match l {
                Location::Dockerfile { line, .. } => Some(line.to_string()),
                _ => None,
            })
            .collect::<Vec<_>>();
        let word = if lines.len() == 1 { "line" } else { "lines" };
        parts.push(format!(
            "no history entry comes from its {word} {}",
            list(lines)
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let location = match linked.unmatched_history.first() {
        Some((index, created_by)) => Location::History {
            index: *index,
            created_by: created_by.clone(),
        },
        None => linked.unmatched_instructions.first()?.clone(),
    };
    Some(crate::finding::Note {
        rule: "dockerfile".into(),
        message: format!(
            "{path} does not match this image's history ({}); findings from those entries show their image location only",
            parts.join("; ")
        ),
        location,
    })
}

/// A history entry for a one-line note: the instruction it records, without
/// the builder's wrappers, in at most 60 characters.
fn shorten(text: &str) -> String {
    let text = crate::finding::normalise_created_by(text);
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The history entries a finding's location points at: a history location
/// itself, or the entry that made a layer.
pub fn history_entries(image: &Subject, location: &Location) -> Option<usize> {
    match location {
        Location::History { index, .. } => Some(*index),
        Location::Layer { index, .. } => image
            .image
            .as_ref()?
            .layer_history
            .get(*index)
            .copied()
            .flatten(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record of a Dockerfile's only instruction after FROM, expanded.
    fn from_dockerfile(text: &str, args: &[(&str, &str)]) -> Option<String> {
        let args: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let parsed = df::parse(&format!("FROM x\n{text}\n")).expect("parses");
        let build = df::Build::new(&parsed, &args).expect("builds");
        let step = build.stages[0].steps.last().expect("a step").clone();
        record(step.instruction, Some(&step.args))
    }

    /// The record of what a builder wrote in `created_by`.
    fn from_history(created_by: &str) -> Option<String> {
        let text = portcullis_image::history::parse_created_by(created_by).0?;
        let parsed = df::parse(&text).ok();
        let first = parsed.as_ref().and_then(|p| p.instructions().next());
        record_history(&text, first)
    }

    #[test]
    fn builders_record_what_the_dockerfile_says() {
        for (dockerfile, args, histories) in [
            (
                "ARG V\nENV A=\"x y\" B=${V}",
                &[("V", "2")][..],
                &["/bin/sh -c #(nop)  ENV A=x y B=2", "ENV A=x y B=2"][..],
            ),
            (
                "LABEL org.example.team=core",
                &[],
                &["LABEL org.example.team=core"],
            ),
            (
                "ARG P\nEXPOSE 20-22 ${P}/udp",
                &[("P", "53")],
                &[
                    "EXPOSE map[20/tcp:{} 21/tcp:{} 22/tcp:{} 53/udp:{}]",
                    "/bin/sh -c #(nop)  EXPOSE 20-22 53/udp",
                    "/bin/sh -c #(nop) EXPOSE 53/udp 20-22",
                ],
            ),
            (
                "HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1",
                &[],
                &[
                    r#"HEALTHCHECK &{["CMD-SHELL" "curl -f http://x/ || exit 1"] "5s" "0s" "0s" "0s" '\x00'}"#,
                ],
            ),
            (
                "ENTRYPOINT tini --  run",
                &[],
                &[
                    r#"/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c" "tini -- run"]"#,
                    "/bin/sh -c #(nop) ENTRYPOINT tini -- run",
                ],
            ),
            (
                "ARG D\nWORKDIR /srv/${D}/",
                &[("D", "app")],
                &["WORKDIR /srv/app"],
            ),
            (
                "ARG U\nUSER ${U}",
                &[("U", "10001")],
                &["/bin/sh -c #(nop)  USER 10001"],
            ),
        ] {
            let want = from_dockerfile(dockerfile, args);
            assert!(want.is_some(), "{dockerfile}");
            for h in histories {
                assert_eq!(from_history(h), want, "{dockerfile} vs {h}");
            }
        }
        // Different content, different records.
        assert_ne!(
            from_dockerfile("EXPOSE 8080", &[]),
            from_history("EXPOSE map[22/tcp:{} 8080/tcp:{}]")
        );
        assert_ne!(
            from_dockerfile(r#"CMD ["/app", "--listen", ":8080"]"#, &[]),
            from_history(r#"CMD ["/bin/sh" "-c" "/app --listen :8080"]"#)
        );
        // Unknown content: an unresolved variable, a relative WORKDIR, a heredoc.
        assert_eq!(from_dockerfile("USER ${NOBODY}", &[]), None);
        assert_eq!(from_dockerfile("WORKDIR app", &[]), None);
        assert_eq!(from_dockerfile("RUN <<EOF\necho hi\nEOF", &[]), None);
    }
}
