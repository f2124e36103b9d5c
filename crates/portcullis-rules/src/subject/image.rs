//! Subject from a loaded image: history entries as steps (parsed with the
//! Dockerfile parser), the base boundary, runtime settings from the config
//! (located by JSON pointer, related to the history entry that set them),
//! and the merged filesystem.

use std::sync::Arc;

use portcullis_dockerfile as df;
use portcullis_dockerfile::{Arguments, Keyword};
use portcullis_image::history;
use portcullis_image::Image;

use super::*;

/// A JSON pointer token: `~` → `~0`, `/` → `~1`.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn config_at(pointer: &str) -> Located {
    Located::new(Location::Config {
        pointer: pointer.to_owned(),
    })
}

fn arg(text: &str, at: &Located) -> Arg {
    Arg {
        text: text.to_owned(),
        raw: text.to_owned(),
        unresolved: Vec::new(),
        at: at.clone(),
        locator: Locator::Whole,
    }
}

/// The Op a history instruction stands for; its arguments are located at the entry.
fn op_of(instruction: &df::Instruction, at: &Located) -> Op {
    let words = |items: &[df::Word]| items.iter().map(|w| arg(&w.raw, at)).collect::<Vec<_>>();
    let command = |c: &df::Command| match c {
        df::Command::Exec(items) => Command::Exec(words(items)),
        df::Command::Shell(w) => Command::Shell(arg(&w.raw, at)),
    };
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Run, Arguments::Command(c)) => Op::Run {
            command: command(c),
            heredocs: Vec::new(),
        },
        (Keyword::Cmd, Arguments::Command(c)) => Op::Cmd(command(c)),
        (Keyword::Entrypoint, Arguments::Command(c)) => Op::Entrypoint(command(c)),
        (Keyword::Healthcheck, Arguments::Healthcheck(c)) => {
            Op::Healthcheck(c.as_ref().map(command))
        }
        (Keyword::Expose, Arguments::Words(items)) => Op::Expose(words(items)),
        (Keyword::User, Arguments::Text(w)) => Op::User(arg(&w.raw, at)),
        (Keyword::Workdir, Arguments::Text(w)) => Op::Workdir(arg(&w.raw, at)),
        (Keyword::Copy | Keyword::Add, Arguments::List { items, .. }) => {
            let mut all = words(items);
            match all.pop() {
                Some(dest) if instruction.keyword == Keyword::Copy => {
                    Op::Copy { sources: all, dest }
                }
                Some(dest) => Op::Add { sources: all, dest },
                None => Op::Other(instruction.keyword.as_str()),
            }
        }
        (Keyword::Env, Arguments::Pairs(pairs)) => Op::Env(
            pairs
                .iter()
                .map(|p| {
                    let value = p.value.as_ref().map_or("", |v| v.raw.as_str());
                    // History keeps the instruction's text; its quotes are not the value's.
                    let value = value
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(value);
                    (arg(&p.key.raw, at), arg(value, at))
                })
                .collect(),
        ),
        (k, _) => Op::Other(k.as_str()),
    }
}

/// Which EXPOSE history entry last declared each port (directly or in a
/// range). Filled from the last entry backwards, skipping ports already
/// claimed, so a hostile history of many wide ranges stays linear.
struct ExposeIndex {
    /// Per protocol (tcp, udp, sctp): the step for each port.
    slots: [Vec<Option<usize>>; 3],
}

const PROTOS: [&str; 3] = ["tcp", "udp", "sctp"];

impl ExposeIndex {
    fn new(steps: &[Step]) -> ExposeIndex {
        let mut slots: [Vec<Option<usize>>; 3] = Default::default();
        // next[p]: the first unclaimed port >= p (with path halving).
        let mut next: [Vec<u32>; 3] = Default::default();
        for (index, step) in steps.iter().enumerate().rev() {
            let Op::Expose(specs) = &step.op else {
                continue;
            };
            for range in specs
                .iter()
                .filter_map(|a| crate::util::parse_port_spec(&a.text))
            {
                let Some(p) = PROTOS.iter().position(|&x| x == range.proto) else {
                    continue;
                };
                if slots[p].is_empty() {
                    slots[p] = vec![None; 65536];
                    next[p] = (0..=65536).collect();
                }
                let next = &mut next[p];
                let find = |next: &mut Vec<u32>, mut at: u32| {
                    while next[at as usize] != at {
                        let up = next[next[at as usize] as usize];
                        next[at as usize] = up;
                        at = up;
                    }
                    at
                };
                let mut port = find(next, u32::from(range.first));
                while port <= u32::from(range.last) {
                    slots[p][port as usize] = Some(index);
                    next[port as usize] = port + 1;
                    port = find(next, port + 1);
                }
            }
        }
        ExposeIndex { slots }
    }

    fn last_step(&self, port: u16, proto: &str) -> Option<usize> {
        let p = PROTOS.iter().position(|&x| x == proto)?;
        *self.slots[p].get(usize::from(port))?
    }
}

/// Build the subject of an image. The image's filesystem moves into it.
pub fn from_image(mut image: Image) -> Subject {
    let config_secrets = super::secrets::take_config_secrets(&mut image.config);
    from_image_masked(image, config_secrets)
}

/// [`from_image`] for an image whose config went through
/// [`super::secrets::take_config_secrets`] already (which found
/// `config_secrets` and masked them): the caller showed the masked config
/// elsewhere (report details) first.
pub fn from_image_masked(image: Image, config_secrets: Vec<super::secrets::SecretAt>) -> Subject {
    from_image_on(image, config_secrets, None)
}

/// A base image named by the user (`--base`): its layers' diff_ids and its
/// history, read from its config alone.
pub struct KnownBase {
    pub diff_ids: Vec<String>,
    pub history: Vec<portcullis_image::config::HistoryEntry>,
    /// Its references in its source (RepoTags, OCI ref names) and its
    /// manifest digest when it has one: what the scanned image's
    /// `org.opencontainers.image.base.*` labels are checked against.
    pub references: Vec<String>,
    pub digest: Option<String>,
}

/// With `--base` given (`shown` as typed): a note when the image's
/// `org.opencontainers.image.base.*` labels name another base (by digest,
/// else by name; a name matches a reference of the base, with or without
/// the registry host, or the `--base` text itself).
pub fn base_label_note(
    subject: &Subject,
    base: &KnownBase,
    shown: &str,
) -> Option<crate::finding::Note> {
    let declared = subject.image.as_ref()?.declared_base.as_ref()?;
    let differs = match (&declared.digest, &base.digest, &declared.name) {
        (Some(d), Some(b), _) => d != b,
        (_, _, Some(name)) => {
            let short = |r: &str| -> String {
                let r = r.strip_prefix("docker.io/").unwrap_or(r);
                r.strip_prefix("library/").unwrap_or(r).to_owned()
            };
            !base
                .references
                .iter()
                .map(String::as_str)
                .chain([shown])
                .any(|r| short(r) == short(name) || r.ends_with(&format!(":{name}")))
        }
        _ => false,
    };
    differs.then(|| crate::finding::Note {
        rule: "base-boundary".into(),
        message: format!(
            "the image's labels declare its base {}, but --base {shown} is {}: the boundary is taken from --base, as its layers are the image's first",
            declared.shown(),
            match (&base.digest, base.references.first()) {
                (Some(d), Some(r)) => format!("`{r}` ({d})"),
                (Some(d), None) => format!("`{d}`"),
                (None, Some(r)) => format!("`{r}`"),
                (None, None) => "another image".to_owned(),
            }
        ),
        location: Location::Config {
            pointer: "/config/Labels".into(),
        },
    })
}

/// [`from_image_masked`], with the base boundary taken from `base` when it
/// is given and shares the image's first layers (else from the history).
pub fn from_image_on(
    image: Image,
    config_secrets: Vec<super::secrets::SecretAt>,
    base: Option<&KnownBase>,
) -> Subject {
    let hsteps = history::steps(&image.config.history);
    let declared_base = super::DeclaredBase::from_labels(
        image.config.config.as_ref().and_then(|c| c.labels.as_ref()),
    );
    let diff_ids: Vec<String> = image.layers.iter().map(|l| l.diff_id.clone()).collect();
    let boundary = base
        .and_then(|b| history::boundary_from_base(&hsteps, &diff_ids, &b.diff_ids, &b.history))
        .unwrap_or_else(|| history::boundary(&hsteps));
    let mut steps = Vec::with_capacity(hsteps.len());
    for h in &hsteps {
        let at = Located {
            location: Location::History {
                index: h.index,
                created_by: h.created_by.clone(),
            },
            snippet: String::new(),
        };
        let parsed = h.instruction.as_deref().and_then(|text| {
            let dockerfile = df::parse(text).ok()?;
            let first = dockerfile.instructions().next().cloned();
            first
        });
        let op = match (&parsed, h.keyword.as_deref()) {
            (Some(instruction), _) => op_of(instruction, &at),
            // Recognised but not parseable (e.g. a RUN heredoc): keep the keyword.
            (None, Some("RUN")) => Op::Run {
                command: Command::Shell(arg(
                    h.instruction
                        .as_deref()
                        .unwrap_or("")
                        .trim_start_matches("RUN "),
                    &at,
                )),
                heredocs: Vec::new(),
            },
            _ => Op::Other("?"),
        };
        let flags = parsed
            .iter()
            .flat_map(|i| &i.flags)
            .filter_map(|f| Some((f.name.clone(), arg(&f.value.as_ref()?.raw, &at))))
            .collect();
        steps.push(Step {
            op,
            stage: 0,
            inherited: boundary.is_base(h.index),
            at,
            flags,
            record: h
                .instruction
                .as_deref()
                .and_then(|text| super::link::record_history(text, parsed.as_ref())),
        });
    }

    let last_step = |keyword: &str| steps.iter().rposition(|s| s.op.keyword() == keyword);
    let cfg = image.config.config.clone().unwrap_or_default();
    let list = |pointer: &str, items: &[String]| {
        Command::Exec(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| arg(item, &config_at(&format!("{pointer}/{i}"))))
                .collect(),
        )
    };
    let user = match cfg.user.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => Setting::Set {
            value: arg(u, &config_at("/config/User")),
            step: last_step("USER"),
        },
        None => Setting::NotSet,
    };
    let healthcheck = match cfg.healthcheck.as_ref().and_then(|h| h.test.clone()) {
        Some(test) if test.first().map(String::as_str) == Some("NONE") => Setting::Set {
            value: None,
            step: last_step("HEALTHCHECK"),
        },
        Some(test) if !test.is_empty() => Setting::Set {
            value: Some(list("/config/Healthcheck/Test", &test)),
            step: last_step("HEALTHCHECK"),
        },
        _ => Setting::NotSet,
    };
    let command = |items: &Option<Vec<String>>, pointer: &str, keyword: &str| match items {
        Some(items) if !items.is_empty() => Setting::Set {
            value: list(pointer, items),
            step: last_step(keyword),
        },
        _ => Setting::NotSet,
    };
    let declared_by = ExposeIndex::new(&steps);
    let exposed = cfg
        .exposed_ports
        .iter()
        .flat_map(|ports| ports.keys())
        .map(|key| {
            let step = crate::util::parse_config_port_key(key)
                .and_then(|port| declared_by.last_step(port.first, port.proto));
            (
                arg(
                    key,
                    &config_at(&format!("/config/ExposedPorts/{}", pointer_token(key))),
                ),
                step,
            )
        })
        .collect();
    let runtime = Runtime {
        user,
        healthcheck,
        cmd: command(&cfg.cmd, "/config/Cmd", "CMD"),
        entrypoint: command(&cfg.entrypoint, "/config/Entrypoint", "ENTRYPOINT"),
        exposed,
        anchor: config_at("/config"),
    };
    // The history goes back to an empty filesystem, base included, so the one
    // stage starts from scratch; `inherited` marks the base's steps.
    let stages = vec![StageInfo {
        name: None,
        base: StageBase::Scratch,
    }];
    let layer_history = {
        let mut by_layer = vec![None; image.layers.len()];
        for h in hsteps.iter().rev() {
            if let Some(slot) = h.layer.and_then(|l| by_layer.get_mut(l)) {
                *slot = Some(h.index);
            }
        }
        by_layer
    };
    let mut found = super::secrets::in_layers(
        &image.facts,
        &diff_ids,
        &image.fs,
        &layer_history,
        &image.config.history,
    );
    found.extend(config_secrets);
    let (skipped, found) = super::secrets::split_packaged(found);
    let (packages, package_notes) = super::packages::in_layers(&image.facts, &image.fs).unzip();
    let binaries = super::binaries::in_layers(&image.facts, &image.fs, packages.as_ref());
    let image_uses = super::image_uses::of_declared_base(declared_base.as_ref());
    Subject {
        kind: SubjectKind::Image,
        steps,
        stages,
        runtime,
        source: None,
        image: Some(Arc::new(ImageFacts {
            diff_ids,
            layer_history,
            fs: image.fs,
            boundary,
            declared_base,
        })),
        secrets: found,
        secrets_skipped: skipped,
        packages,
        package_notes: package_notes.unwrap_or_default(),
        licenses: Default::default(),
        license_assessments: Default::default(),
        image_uses,
        trusted_images: None,
        vulnerabilities: Default::default(),
        binaries,
        workloads: None,
        kubernetes_version: super::KUBERNETES_VERSION,
        images: None,
        signatures: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{check, Outcome};

    fn image(config: serde_json::Value) -> Image {
        Image {
            references: Vec::new(),
            name: "test".into(),
            kind: "oci",
            digest: "sha256:0".into(),
            config_digest: "sha256:0".into(),
            config: serde_json::from_value(config).expect("config"),
            layers: Vec::new(),
            fs: portcullis_image::Filesystem::default(),
            facts: Vec::new(),
        }
    }

    fn exposed(created_by: &[&str], keys: &[&str]) -> Vec<(String, Option<usize>)> {
        let history: Vec<_> = created_by
            .iter()
            .map(|c| serde_json::json!({"created_by": c, "empty_layer": true}))
            .collect();
        let ports: serde_json::Map<_, _> = keys
            .iter()
            .map(|k| (k.to_string(), serde_json::json!({})))
            .collect();
        let subject = from_image(image(serde_json::json!({
            "config": {"ExposedPorts": ports},
            "history": history,
        })));
        subject
            .runtime
            .exposed
            .iter()
            .map(|(a, step)| (a.text.clone(), *step))
            .collect()
    }

    #[test]
    fn exposed_ports_relate_to_the_last_expose_entry_that_declared_them() {
        let history = [
            "/bin/sh -c #(nop)  EXPOSE 20-25/tcp",
            "/bin/sh -c #(nop)  EXPOSE 514/udp",
            "/bin/sh -c #(nop)  EXPOSE 22/tcp 80",
            "/bin/sh -c #(nop)  CMD [\"app\"]",
        ];
        assert_eq!(
            exposed(
                &history,
                &["21/tcp", "22/tcp", "514/udp", "514/tcp", "80/tcp"]
            ),
            [
                ("21/tcp".to_owned(), Some(0)),
                ("22/tcp".to_owned(), Some(2)),
                ("514/tcp".to_owned(), None),
                ("514/udp".to_owned(), Some(1)),
                ("80/tcp".to_owned(), Some(2)),
            ]
        );
    }

    #[test]
    fn a_config_key_with_a_host_part_is_not_a_port() {
        let subject = from_image(image(serde_json::json!({
            "config": {"User": "app", "ExposedPorts": {"0.0.0.0:22/tcp": {}, "23/tcp": {}}},
        })));
        let fired: Vec<(&str, String)> = check(&subject, "test")
            .into_iter()
            .filter_map(|(rule, outcome)| match outcome {
                Outcome::Checked { findings, .. } => Some((rule.code, findings)),
                Outcome::NotApplicable { .. } => None,
            })
            .flat_map(|(code, findings)| findings.into_iter().map(move |f| (code, f.message)))
            .filter(|(code, _)| code.starts_with("SQ401"))
            .collect();
        assert_eq!(
            fired,
            [("SQ40105", "port 23/tcp (Telnet) is exposed".to_owned())]
        );
    }

    #[test]
    fn many_wide_ranges_and_many_ports_stay_linear() {
        // 3,000 entries each exposing every port, and 65,535 keys: a
        // keys-times-entries search would do ~10^11 comparisons.
        let history: Vec<String> = (0..3000)
            .map(|_| "/bin/sh -c #(nop)  EXPOSE 1-65535/tcp".to_owned())
            .collect();
        let history: Vec<&str> = history.iter().map(String::as_str).collect();
        let keys: Vec<String> = (1..=65535).map(|p| format!("{p}/tcp")).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let found = exposed(&history, &keys);
        assert_eq!(found.len(), 65535);
        assert!(found.iter().all(|(_, step)| *step == Some(2999)));
    }

    #[test]
    fn a_boundary_guessed_from_the_history_shape_is_said_so() {
        let history = [
            "/bin/sh -c #(nop) ADD file:0123 in / ",
            "/bin/sh -c #(nop)  CMD [\"sh\"]",
            "/bin/sh -c #(nop)  USER app",
            "/bin/sh -c #(nop)  CMD [\"a\"]",
            "/bin/sh -c #(nop)  CMD [\"b\"]",
        ];
        let history: Vec<_> = history
            .iter()
            .map(|c| serde_json::json!({"created_by": c, "empty_layer": true}))
            .collect();
        let subject = from_image(image(serde_json::json!({
            "config": {"User": "app", "Cmd": ["b"]},
            "history": history,
        })));
        let messages: Vec<String> = check(&subject, "test")
            .into_iter()
            .filter(|(rule, _)| rule.code == "SQ41104")
            .flat_map(|(_, outcome)| match outcome {
                Outcome::Checked { findings, .. } => findings,
                Outcome::NotApplicable { .. } => Vec::new(),
            })
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            ["this build's history has 2 CMD instructions; only the last one takes effect (unsure where the base image ends: taken to be at history entry 1, the base image's last CMD/ENTRYPOINT)"]
        );
        let note = crate::subject::boundary_note(&subject).expect("note");
        assert_eq!(note.rule, "base-boundary");
        assert_eq!(
            note.location,
            Location::History {
                index: 1,
                created_by: "/bin/sh -c #(nop)  CMD [\"sh\"]".into()
            }
        );
        assert_eq!(note.message, "no builder marker or time gap shows where the base image ends; history entries 0 to 1 (up to the base image's last CMD/ENTRYPOINT) are taken as the base and not checked for build-instruction policies; name the base image with `--base TARGET` (its config alone is read), or build with the `org.opencontainers.image.base.name` and `org.opencontainers.image.base.digest` labels so the image says which base it has; a rule with `scope = \"build\"` in portcullis.toml is then judged on this build's layers alone");
    }

    /// The SQ40101 findings and notes for an image whose one layer has
    /// `etc/passwd` as `kind` (with `link` for a symlink, `content` for a file).
    fn with_passwd(kind: tar::EntryType, content: &[u8], link: Option<&str>) -> Vec<String> {
        let mut tar = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_mode(0o644);
        h.set_size(if kind == tar::EntryType::Regular {
            content.len() as u64
        } else {
            0
        });
        if let Some(to) = link {
            h.set_link_name(to).expect("link");
        }
        let body = if kind == tar::EntryType::Regular {
            content
        } else {
            &[]
        };
        tar.append_data(&mut h, "etc/passwd", body).expect("append");
        let bytes = tar.into_inner().expect("tar");
        let want = |p: &[u8]| p == b"etc/passwd";
        let budget = portcullis_image::Budget::new(u64::MAX);
        let table =
            portcullis_image::layer::read_layer(&bytes[..], &budget, &want, true).expect("layer");
        let mut img = image(serde_json::json!({"config": {"User": "app"}}));
        img.layers.push(portcullis_image::Layer {
            blob_digest: table.blob_digest.clone(),
            diff_id: table.diff_id.clone().expect("hashed"),
            compression: "none",
            compressed_size: 0,
            uncompressed_size: 0,
            entries: 1,
        });
        img.fs = portcullis_image::Filesystem::merge([table], &want);
        let subject = from_image(img);
        check(&subject, "test")
            .into_iter()
            .filter(|(rule, _)| rule.code == "SQ40101")
            .flat_map(|(_, outcome)| match outcome {
                Outcome::Checked { findings, notes } => findings
                    .into_iter()
                    .map(|f| format!("finding: {}", f.message))
                    .chain(notes.into_iter().map(|n| format!("note: {}", n.message)))
                    .collect(),
                Outcome::NotApplicable { .. } => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_named_user_is_looked_up_in_etc_passwd_or_said_unverifiable() {
        use tar::EntryType::{Directory, Regular, Symlink};
        let root = b"root:x:0:0::/root:/bin/sh\napp:x:0:0::/:/bin/sh\n";
        assert_eq!(
            with_passwd(Regular, root, None),
            ["finding: the config user `app` has UID 0 in the image's /etc/passwd: it is root"]
        );
        let fine = b"root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n";
        assert!(with_passwd(Regular, fine, None).is_empty());
        assert_eq!(
            with_passwd(Regular, b"root:x:0:0::/root:/bin/sh\n", None),
            ["note: the config user `app` is not in the image's /etc/passwd: the container will not start as that user"]
        );
        assert_eq!(
            with_passwd(Symlink, b"", Some("../usr/share/passwd")),
            ["note: cannot tell whether the config user `app` is root: /etc/passwd is a symbolic link (to ../usr/share/passwd), which portcullis does not follow"]
        );
        let mut big = root.to_vec();
        big.resize(2 << 20, b'#');
        assert_eq!(
            with_passwd(Regular, &big, None),
            ["note: cannot tell whether the config user `app` is root: /etc/passwd is 2097152 bytes, more than the 1048576 bytes portcullis reads"]
        );
        assert_eq!(
            with_passwd(Directory, b"", None),
            ["note: cannot tell whether the config user `app` is root: /etc/passwd is not a regular file"]
        );
    }

    /// The PC431xx findings of an image, `CODE location message` each.
    fn supply_chain(config: serde_json::Value, trusted: &[&str]) -> Vec<String> {
        let mut subject = from_image(image(config));
        if !trusted.is_empty() {
            subject.trusted_images = Some(crate::reference::TrustedList {
                patterns: trusted
                    .iter()
                    .map(|p| crate::reference::TrustedPattern::parse(p).expect("pattern"))
                    .collect(),
            });
        }
        let mut out = Vec::new();
        for (rule, outcome) in check(&subject, "image") {
            let Outcome::Checked { findings, notes } = outcome else {
                continue;
            };
            if !rule.code.starts_with("PC431") {
                continue;
            }
            for f in findings {
                let at = match &f.location {
                    Location::Config { pointer } => pointer.clone(),
                    Location::History { index, .. } => format!("history {index}"),
                    other => format!("{other:?}"),
                };
                out.push(format!("{} {at} {}", rule.code, f.message));
            }
            for n in notes {
                out.push(format!("{} note {}", rule.code, n.message));
            }
        }
        out
    }

    #[test]
    fn declared_base_and_history_steps_for_supply_chain_rules() {
        let digest = "sha256:21dc6063fd678b478f57c0e13f47560d0ea4eeba26dfc947b2a4f81f686b9f45";
        let found = supply_chain(
            serde_json::json!({
                "config": {"Labels": {
                    "org.opencontainers.image.base.name": "quay.io/other/base:1",
                }},
                "history": [
                    // A buildah base marker, so entry 0 is the base's: not this build's step.
                    {"created_by": "/bin/sh -c curl -k https://a.example/x | sh", "empty_layer": true},
                    {"created_by": "/bin/sh -c #(nop) CMD [\"sh\"]", "empty_layer": true,
                     "comment": "FROM docker.io/library/busybox:1"},
                    {"created_by": "RUN /bin/sh -c wget -qO- https://b.example/i | bash # buildkit", "empty_layer": true},
                    {"created_by": "ENV NODE_TLS_REJECT_UNAUTHORIZED=0", "empty_layer": true},
                    {"created_by": "/bin/sh -c #(nop)  ENV GIT_SSL_NO_VERIFY=\"1\"", "empty_layer": true},
                ],
            }),
            &["docker.io/library/*"],
        );
        assert_eq!(
            found,
            [
                "PC43101 /config/Labels/org.opencontainers.image.base.name the declared base image `quay.io/other/base:1` (org.opencontainers.image.base.name) comes from `quay.io/other/base`, which the trusted list (`docker.io/library/*`) does not match",
                "PC43102 /config/Labels/org.opencontainers.image.base.name the declared base image `quay.io/other/base:1` (org.opencontainers.image.base.name) is not pinned by digest: the tag `1` can be moved to other content",
                "PC43104 history 3 ENV NODE_TLS_REJECT_UNAUTHORIZED=0 makes Node.js accept any TLS certificate",
                "PC43104 history 4 ENV GIT_SSL_NO_VERIFY=1 makes git accept any TLS certificate",
                "PC43105 history 2 `wget … | bash` runs a script downloaded from `https://b.example/i` without verifying it",
            ]
        );
        // Pinned by the digest label, trusted: nothing; a digest alone names no repository.
        let config = |labels: serde_json::Value| serde_json::json!({"config": {"Labels": labels}, "history": []});
        assert_eq!(
            supply_chain(
                config(serde_json::json!({
                    "org.opencontainers.image.base.name": "docker.io/library/debian:12",
                    "org.opencontainers.image.base.digest": digest,
                })),
                &["docker.io/library/*"]
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            supply_chain(
                config(serde_json::json!({"org.opencontainers.image.base.digest": digest})),
                &["docker.io/library/*"]
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            supply_chain(
                config(serde_json::json!({"org.opencontainers.image.base.name": "Not A Reference"})),
                &[]
            ),
            ["PC43102 note the declared base image `Not A Reference` is not a valid image reference (\"library/Not A Reference\" is not a valid repository name (lowercase letters, digits and . _ - separators)): its source, tag and digest are not checked"]
        );
    }
}
