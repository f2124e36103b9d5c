//! Image history: what each `created_by` says, in Dockerfile terms, and where
//! the base image ends.
//!
//! Builders write history differently (POLICIES.md lists the forms seen):
//! - Docker classic: `/bin/sh -c #(nop)  EXPOSE 22`, `/bin/sh -c #(nop) COPY file:… in /dst `,
//!   `/bin/sh -c #(nop)  HEALTHCHECK &{["CMD" "true"] "30s" …}`, RUN as `/bin/sh -c cmd`
//!   or `|2 A=1 B=2 /bin/sh -c cmd`;
//! - BuildKit: `RUN /bin/sh -c cmd # buildkit`, `EXPOSE map[22/tcp:{}]`, `COPY a /b # buildkit`;
//! - buildah/podman: like classic, with Dockerfile-style HEALTHCHECK flags, and a
//!   `FROM <base>` comment on the first entry of the new build;
//! - kaniko: the instruction as written (`RUN cmd`).
//!
//! Each is turned into the text of one Dockerfile instruction, which callers
//! parse with the Dockerfile parser: one reading of instructions for both.

use crate::config::HistoryEntry;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builder {
    Classic,
    BuildKit,
    Kaniko,
    Unknown,
}

/// One history entry, understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub index: usize,
    pub created_by: String,
    /// The instruction as Dockerfile text (`EXPOSE 22/tcp`), when recognised.
    pub instruction: Option<String>,
    /// The instruction keyword, upper-case, when recognised.
    pub keyword: Option<String>,
    pub builder: Builder,
    /// The layer this entry made, if any.
    pub layer: Option<usize>,
    pub comment: Option<String>,
    /// `created`, as seconds since the epoch, when it parses.
    pub created: Option<i64>,
}

const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

fn keyword_of(text: &str) -> Option<&'static str> {
    let word = text.split_whitespace().next()?;
    KEYWORDS
        .iter()
        .copied()
        .find(|k| k.eq_ignore_ascii_case(word))
}

/// `|2 A=1 B=2 /bin/sh -c cmd` → `/bin/sh -c cmd` (build args of a RUN).
fn strip_run_args(s: &str) -> &str {
    let Some(rest) = s.strip_prefix('|') else {
        return s;
    };
    let mut parts = rest.splitn(2, ' ');
    let count: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut rest = parts.next().unwrap_or("");
    for _ in 0..count {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    rest
}

/// Go's `%q` of a string slice: `["a" "b c"]` → `["a", "b c"]` as JSON.
fn go_quoted_list(s: &str) -> Option<(Vec<String>, &str)> {
    let mut rest = s.trim_start().strip_prefix('[')?;
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(']') {
            return Some((items, r));
        }
        let body = rest.strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = body.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '"' => break i,
                '\\' => {
                    let (_, e) = chars.next()?;
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    });
                }
                c => out.push(c),
            }
        };
        items.push(out);
        rest = &body[end + 1..];
    }
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// `HEALTHCHECK &{["CMD" "curl" "-f"] "30s" …}` → `HEALTHCHECK CMD ["curl","-f"]`.
fn healthcheck_struct(rest: &str) -> Option<String> {
    let (test, _) = go_quoted_list(rest.trim_start().strip_prefix("&{")?)?;
    let (kind, args) = test.split_first()?;
    Some(match kind.as_str() {
        "NONE" => "HEALTHCHECK NONE".to_owned(),
        "CMD" => format!("HEALTHCHECK CMD {}", json_list(args)),
        "CMD-SHELL" => format!("HEALTHCHECK CMD {}", args.join(" ")),
        _ => return None,
    })
}

/// Normalise a metadata instruction's arguments as builders print them.
fn normalise(keyword: &str, text: &str) -> String {
    let rest = text[keyword.len()..].trim();
    match keyword {
        // `map[22/tcp:{} 8080/tcp:{}]` (BuildKit) → `22/tcp 8080/tcp`.
        "EXPOSE" if rest.starts_with("map[") => {
            let inner = rest.trim_start_matches("map[").trim_end_matches(']');
            let ports: Vec<&str> = inner
                .split_whitespace()
                .map(|p| p.trim_end_matches(":{}"))
                .collect();
            format!("EXPOSE {}", ports.join(" "))
        }
        "HEALTHCHECK" if rest.starts_with("&{") => {
            healthcheck_struct(rest).unwrap_or_else(|| text.to_owned())
        }
        // Go-quoted lists (`CMD ["a" "b"]`) → JSON (`CMD ["a","b"]`).
        "CMD" | "ENTRYPOINT" | "SHELL" if rest.starts_with('[') => match go_quoted_list(rest) {
            Some((items, tail)) if tail.trim().is_empty() => {
                format!("{keyword} {}", json_list(&items))
            }
            _ => text.to_owned(),
        },
        // `COPY file:abc in /dst` (classic, buildah) → `COPY file:abc /dst`.
        "COPY" | "ADD" => match rest.split_once(" in ") {
            Some((src, dst)) if src.split_whitespace().count() == 1 && src.contains(':') => {
                format!("{keyword} {src} {}", dst.trim())
            }
            _ => format!("{keyword} {rest}"),
        },
        _ => format!("{keyword} {rest}"),
    }
}

/// The instruction a `created_by` records, and who wrote it.
pub fn parse_created_by(created_by: &str) -> (Option<String>, Builder) {
    let s = created_by.trim();
    if let Some(body) = s.strip_suffix("# buildkit").map(str::trim_end) {
        let text = match keyword_of(body) {
            Some("RUN") => {
                let cmd = strip_run_args(body[3..].trim_start());
                format!("RUN {}", cmd.strip_prefix("/bin/sh -c ").unwrap_or(cmd))
            }
            Some(k) => normalise(k, body),
            None => return (None, Builder::BuildKit),
        };
        return (Some(text), Builder::BuildKit);
    }
    let shell = strip_run_args(s);
    if let Some(rest) = shell
        .strip_prefix("/bin/sh -c ")
        .or_else(|| shell.strip_prefix("cmd /S /C "))
    {
        if let Some(meta) = rest.trim_start().strip_prefix("#(nop)") {
            let meta = meta.trim();
            return (
                keyword_of(meta).map(|k| normalise(k, meta)),
                Builder::Classic,
            );
        }
        return (Some(format!("RUN {rest}")), Builder::Classic);
    }
    // BuildKit writes metadata instructions without the `# buildkit` marker.
    if let Some(k) = keyword_of(s) {
        let builder = if s.contains("map[") || s.contains("&{") {
            Builder::BuildKit
        } else {
            Builder::Kaniko
        };
        return (Some(normalise(k, s)), builder);
    }
    (None, Builder::Unknown)
}

/// Understand every history entry and map the non-empty ones to layers.
pub fn steps(history: &[HistoryEntry]) -> Vec<Step> {
    let mut layer = 0;
    history
        .iter()
        .enumerate()
        .map(|(index, h)| {
            let created_by = h.created_by.clone().unwrap_or_default();
            let (instruction, builder) = parse_created_by(&created_by);
            let keyword = instruction
                .as_deref()
                .and_then(keyword_of)
                .map(str::to_owned);
            let this_layer = (!h.empty_layer).then(|| {
                layer += 1;
                layer - 1
            });
            Step {
                index,
                created_by,
                instruction,
                keyword,
                builder,
                layer: this_layer,
                comment: h.comment.clone(),
                created: h.created.as_deref().and_then(epoch_seconds),
            }
        })
        .collect()
}

/// Where the base image ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// No base: every entry belongs to this build (single stage `FROM scratch`).
    NoBase,
    /// Entries `0..=last` belong to the base.
    Base { last: usize, how: Signal },
}

/// What told where the base image ends, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// The base image named with `--base`: its layers are the image's first.
    BaseImage,
    /// buildah/podman's `FROM <base>` comment on the first entry of this build.
    FromMarker,
    /// BuildKit's comment on every entry of this build.
    BuildKitComments,
    /// A gap in `created` times that stands out after a CMD/ENTRYPOINT.
    TimeGap,
    /// Only the shape of the history: the last CMD/ENTRYPOINT followed by
    /// other entries. A build that sets CMD before other instructions misleads it.
    LastCmd,
}

impl Signal {
    pub fn describe(self) -> &'static str {
        match self {
            Signal::BaseImage => "the base image given with --base",
            Signal::FromMarker => "the builder's FROM marker",
            Signal::BuildKitComments => "BuildKit's history comments",
            Signal::TimeGap => "the time between the base image's history and this build's",
            Signal::LastCmd => "the base image's last CMD/ENTRYPOINT",
        }
    }

    /// Whether the history says so outright, rather than by its shape.
    pub fn is_certain(self) -> bool {
        !matches!(self, Signal::LastCmd)
    }
}

impl Boundary {
    pub fn is_base(&self, index: usize) -> bool {
        matches!(self, Boundary::Base { last, .. } if index <= *last)
    }

    /// The base's last entry and the signal, when the boundary is only a
    /// guess from the history's shape (reports must say so).
    pub fn guessed(&self) -> Option<(usize, Signal)> {
        match *self {
            Boundary::Base { last, how } if !how.is_certain() => Some((last, how)),
            _ => None,
        }
    }
}

/// The boundary a known base image gives: its layers are the first of the
/// image's (the longest common prefix of the two diff_id lists), and its
/// history the first entries of the image's when they agree (`created_by`);
/// else the base ends at the entry that made its last shared layer. `None`
/// when they share no layer: it is not this image's base.
pub fn boundary_from_base(
    steps: &[Step],
    diff_ids: &[String],
    base_diff_ids: &[String],
    base_history: &[HistoryEntry],
) -> Option<Boundary> {
    let shared = diff_ids
        .iter()
        .zip(base_diff_ids)
        .take_while(|(a, b)| a == b)
        .count();
    if shared == 0 {
        return None;
    }
    let same_history = shared == base_diff_ids.len()
        && base_history.len() <= steps.len()
        && base_history
            .iter()
            .zip(steps)
            .all(|(b, s)| b.created_by.as_deref().unwrap_or("") == s.created_by);
    let last = if same_history && !base_history.is_empty() {
        base_history.len() - 1
    } else {
        steps.iter().rposition(|s| s.layer == Some(shared - 1))?
    };
    Some(Boundary::Base {
        last,
        how: Signal::BaseImage,
    })
}

/// `2024-05-01T12:34:56.789Z` (RFC 3339) → seconds since the epoch.
fn epoch_seconds(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (mo + if mo > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

/// Find the base boundary, from the strongest signal to the weakest:
/// 1. a `FROM <base>` comment (buildah, podman) on the first entry of this build;
/// 2. BuildKit's `buildkit.dockerfile.v0` comment on every entry of this build
///    and on none just before them;
/// 3. a gap in `created` times right after a CMD/ENTRYPOINT (the base was
///    built earlier than this build);
/// 4. the last CMD/ENTRYPOINT followed by something other than CMD/ENTRYPOINT.
///
/// With none of these there is no known base.
pub fn boundary(steps: &[Step]) -> Boundary {
    // buildah also writes `FROM <12 hex>` (its intermediate images) on later
    // entries: only a named reference marks where a build started, and the
    // last one is this build's (earlier ones are its bases' own).
    let from_marker = |s: &Step| {
        s.comment
            .as_deref()
            .and_then(|c| c.strip_prefix("FROM "))
            .is_some_and(|r| !r.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if let Some(first_own) = steps.iter().rposition(from_marker) {
        return match first_own {
            0 => Boundary::NoBase,
            n => Boundary::Base {
                last: n - 1,
                how: Signal::FromMarker,
            },
        };
    }
    let is_end = |s: &Step| matches!(s.keyword.as_deref(), Some("CMD" | "ENTRYPOINT"));
    let buildkit = |s: &Step| s.comment.as_deref() == Some("buildkit.dockerfile.v0");
    if let Some(first_own) = steps.iter().position(buildkit) {
        if first_own > 0 && steps[first_own..].iter().all(buildkit) {
            return Boundary::Base {
                last: first_own - 1,
                how: Signal::BuildKitComments,
            };
        }
    }
    // A time gap counts only when it stands out: the base was built well
    // before this build (5 s or more, and 3 times any other gap in the history).
    let gaps: Vec<(i64, usize)> = (0..steps.len().saturating_sub(1))
        .filter_map(|i| Some((steps[i + 1].created? - steps[i].created?, i)))
        .collect();
    if let Some(&(gap, last)) = gaps.iter().filter(|(_, i)| is_end(&steps[*i])).max() {
        let next = gaps
            .iter()
            .filter(|(_, i)| *i != last)
            .map(|(g, _)| *g)
            .max()
            .unwrap_or(0);
        if gap >= 5 && gap >= 3 * next.max(1) {
            return Boundary::Base {
                last,
                how: Signal::TimeGap,
            };
        }
    }
    // The last CMD/ENTRYPOINT that has a layer-making or configuration step
    // after it other than more CMD/ENTRYPOINT: what follows is this build.
    // (Linear: "something other than CMD/ENTRYPOINT after i" is "i is before
    // the last such step"; histories can be huge.)
    let Some(last_other) = steps.iter().rposition(|t| !is_end(t)) else {
        return Boundary::NoBase;
    };
    let candidate = steps[..last_other].iter().rposition(is_end);
    match candidate {
        Some(last) => {
            // Extend over CMD/ENTRYPOINT entries right after it (a base ending
            // in ENTRYPOINT then CMD).
            let mut last = last;
            while last + 1 < last_other && is_end(&steps[last + 1]) {
                last += 1;
            }
            Boundary::Base {
                last,
                how: Signal::LastCmd,
            }
        }
        None => Boundary::NoBase,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Option<String>, Builder) {
        parse_created_by(s)
    }

    fn some(s: &str, b: Builder) -> (Option<String>, Builder) {
        (Some(s.to_owned()), b)
    }

    #[test]
    fn classic_forms() {
        assert_eq!(
            p("/bin/sh -c #(nop)  EXPOSE 2222 8080/tcp"),
            some("EXPOSE 2222 8080/tcp", Builder::Classic)
        );
        assert_eq!(
            p(r#"/bin/sh -c #(nop)  HEALTHCHECK &{["CMD" "/bin/true"] "30s" "3s" "0s" '\x00'}"#),
            some(r#"HEALTHCHECK CMD ["/bin/true"]"#, Builder::Classic)
        );
        assert_eq!(
            p(r#"/bin/sh -c #(nop)  HEALTHCHECK &{["NONE"] "0s" "0s" "0s" '\x00'}"#),
            some("HEALTHCHECK NONE", Builder::Classic)
        );
        assert_eq!(
            p("/bin/sh -c #(nop) COPY file:3a7c6c3f0b8f5d6a in /dst "),
            some("COPY file:3a7c6c3f0b8f5d6a /dst", Builder::Classic)
        );
        assert_eq!(
            p("/bin/sh -c #(nop) ADD file:abc in / "),
            some("ADD file:abc /", Builder::Classic)
        );
        assert_eq!(
            p(r#"/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo \"hi\""]"#),
            some(r#"CMD ["/bin/sh","-c","echo \"hi\""]"#, Builder::Classic)
        );
        assert_eq!(
            p("/bin/sh -c apt-get update"),
            some("RUN apt-get update", Builder::Classic)
        );
        assert_eq!(
            p("|2 A=1 B=2 /bin/sh -c chmod u+s /x"),
            some("RUN chmod u+s /x", Builder::Classic)
        );
        assert_eq!(
            p("/bin/sh -c #(nop)  USER root"),
            some("USER root", Builder::Classic)
        );
    }

    #[test]
    fn buildkit_buildah_kaniko_forms() {
        assert_eq!(
            p("RUN /bin/sh -c apt-get update # buildkit"),
            some("RUN apt-get update", Builder::BuildKit)
        );
        assert_eq!(
            p("RUN |2 A=1 B=2 /bin/sh -c make # buildkit"),
            some("RUN make", Builder::BuildKit)
        );
        assert_eq!(
            p("EXPOSE map[8443/tcp:{} 22/tcp:{}]"),
            some("EXPOSE 8443/tcp 22/tcp", Builder::BuildKit)
        );
        assert_eq!(
            p("COPY app /app # buildkit"),
            some("COPY app /app", Builder::BuildKit)
        );
        assert_eq!(
            p(r#"CMD ["a" "b"]"#),
            some(r#"CMD ["a","b"]"#, Builder::Kaniko)
        );
        assert_eq!(
            p(
                r#"HEALTHCHECK &{["CMD-SHELL" "curl -f http://x || exit 1"] "30s" "3s" "0s" "0s" '\x03'}"#
            ),
            some(
                "HEALTHCHECK CMD curl -f http://x || exit 1",
                Builder::BuildKit
            )
        );
        assert_eq!(
            p(r#"/bin/sh -c #(nop) HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/true"]"#),
            some(
                r#"HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/true"]"#,
                Builder::Classic
            )
        );
        assert_eq!(
            p("/bin/sh -c #(nop) EXPOSE 8080/tcp 2222"),
            some("EXPOSE 8080/tcp 2222", Builder::Classic)
        );
        assert_eq!(
            p("RUN apt-get update"),
            some("RUN apt-get update", Builder::Kaniko)
        );
        assert_eq!(p("something odd"), (None, Builder::Unknown));
    }

    fn entry(created_by: &str, empty: bool, comment: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            created_by: Some(created_by.to_owned()),
            empty_layer: empty,
            comment: comment.map(str::to_owned),
            created: Some("2024-01-01T00:00:00Z".to_owned()),
        }
    }

    #[test]
    fn layers_and_boundary() {
        let h = vec![
            entry("/bin/sh -c #(nop) ADD file:abc in / ", false, None),
            entry("/bin/sh -c #(nop)  CMD [\"sh\"]", true, None),
            entry("/bin/sh -c #(nop)  USER root", true, None),
            entry("/bin/sh -c chmod u+s /x", false, None),
            entry("/bin/sh -c #(nop)  CMD [\"a\"]", true, None),
            entry("/bin/sh -c #(nop)  CMD [\"b\"]", true, None),
        ];
        let s = steps(&h);
        assert_eq!(
            s.iter().map(|s| s.layer).collect::<Vec<_>>(),
            [Some(0), None, None, Some(1), None, None]
        );
        assert_eq!(
            boundary(&s),
            Boundary::Base {
                last: 1,
                how: Signal::LastCmd
            }
        );
        // buildah's marker wins; its intermediate-image comments are not markers.
        let mut h2 = h.clone();
        h2[1].comment = Some("FROM 0123456789ab".into());
        h2[2].comment = Some("FROM localhost/base:1".into());
        h2[3].comment = Some("FROM 89abcdef0123".into());
        assert_eq!(
            boundary(&steps(&h2)),
            Boundary::Base {
                last: 1,
                how: Signal::FromMarker
            }
        );
        // A later build: the gap after the base's CMD decides, even with COPY after our CMDs.
        let mut h4 = h.clone();
        for (n, e) in h4[2..].iter_mut().enumerate() {
            e.created = Some(format!("2024-03-01T10:00:{:02}.123456789Z", n * 2));
        }
        h4.push(entry(
            "/bin/sh -c #(nop) COPY file:abc in rel/ ",
            false,
            None,
        ));
        h4[6].created = Some("2024-03-01T10:00:30Z".to_owned());
        assert_eq!(
            boundary(&steps(&h4)),
            Boundary::Base {
                last: 1,
                how: Signal::TimeGap
            }
        );
        // BuildKit's comments.
        let mut h5 = h.clone();
        for e in &mut h5[2..] {
            e.comment = Some("buildkit.dockerfile.v0".to_owned());
        }
        assert_eq!(
            boundary(&steps(&h5)),
            Boundary::Base {
                last: 1,
                how: Signal::BuildKitComments
            }
        );
        assert_eq!(epoch_seconds("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(epoch_seconds("2024-03-01T10:00:00.5Z"), Some(1_709_287_200));
        // FROM scratch: no CMD before this build's own steps.
        let h3 = vec![
            entry("COPY busybox /bin/ # buildkit", false, None),
            entry("CMD [\"sh\"]", true, None),
        ];
        assert_eq!(boundary(&steps(&h3)), Boundary::NoBase);
    }
}
