//! The Subject: one model of "what will run and how it was built", made from
//! a Dockerfile or (later) an image, so rules never see a file format.

pub mod binaries;
mod dockerfile;
mod image;
pub mod image_uses;
mod link;
mod lxd;
mod manifest;
pub mod packages;
pub mod secrets;
pub mod vulnerabilities;

use std::sync::Arc;

use crate::finding::{Located, Location};
pub use dockerfile::from_dockerfile;
pub use image::{base_label_note, from_image, from_image_masked, from_image_on, KnownBase};
pub use image_uses::{ImageUse, ImageUseOrigin};
pub use link::{history_entries, link_dockerfile, link_note, Linked};
pub use lxd::{from_lxd, lxd_wants};
pub use manifest::{from_workloads, location as manifest_location};
use portcullis_dockerfile::{Dockerfile, Word};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubjectKind {
    Dockerfile,
    Image,
    /// An LXD (or Incus) image: a system container's root filesystem.
    Lxd,
    /// A Kubernetes manifest stream or a Compose project: how containers
    /// are run (`Subject::workloads`).
    Manifest,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Dockerfile => "dockerfile",
            SubjectKind::Image => "image",
            SubjectKind::Lxd => "lxd",
            SubjectKind::Manifest => "manifest",
        }
    }
}

/// An argument: its text after variable expansion and where it is.
#[derive(Clone, Debug)]
pub struct Arg {
    /// Expanded (for the instructions Docker expands) or as written.
    pub text: String,
    /// As written.
    pub raw: String,
    /// Variables without a known value that `text` depends on, and why.
    pub unresolved: Vec<portcullis_dockerfile::Unresolved>,
    pub at: Located,
    /// How to find sub-ranges of `raw` in the source.
    pub(crate) locator: Locator,
}

/// How offsets into an argument's `raw` text map to the source.
#[derive(Clone, Debug)]
pub(crate) enum Locator {
    /// Not exactly: a sub-range is the whole argument (JSON strings, history).
    Whole,
    /// Instruction text, whose raw form drops line continuations.
    Logical(Word),
    /// Text copied verbatim from the source (heredoc bodies).
    Verbatim(portcullis_dockerfile::Span),
}

/// How a command is given: exec form (argv) or shell form (a script for `/bin/sh -c`).
#[derive(Clone, Debug)]
// One per instruction: boxing the shell form would cost more code than bytes.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    Exec(Vec<Arg>),
    Shell(Arg),
}

impl Command {
    pub fn is_shell(&self) -> bool {
        matches!(self, Command::Shell(_))
    }
}

/// A build instruction, reduced to what rules look at.
#[derive(Clone, Debug)]
pub enum Op {
    From {
        image: Arg,
    },
    Run {
        command: Command,
        heredocs: Vec<Arg>,
    },
    Cmd(Command),
    Entrypoint(Command),
    /// `None` is `HEALTHCHECK NONE`.
    Healthcheck(Option<Command>),
    Expose(Vec<Arg>),
    User(Arg),
    Workdir(Arg),
    Copy {
        sources: Vec<Arg>,
        dest: Arg,
    },
    Add {
        sources: Vec<Arg>,
        dest: Arg,
    },
    /// `ENV` pairs: each key (as written) and its value (expanded).
    Env(Vec<(Arg, Arg)>),
    /// Any other instruction, by keyword.
    Other(&'static str),
}

impl Op {
    pub fn keyword(&self) -> &'static str {
        match self {
            Op::From { .. } => "FROM",
            Op::Run { .. } => "RUN",
            Op::Cmd(_) => "CMD",
            Op::Entrypoint(_) => "ENTRYPOINT",
            Op::Healthcheck(_) => "HEALTHCHECK",
            Op::Expose(_) => "EXPOSE",
            Op::User(_) => "USER",
            Op::Workdir(_) => "WORKDIR",
            Op::Copy { .. } => "COPY",
            Op::Add { .. } => "ADD",
            Op::Env(_) => "ENV",
            Op::Other(k) => k,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Step {
    pub op: Op,
    pub stage: usize,
    /// Part of the base image, not of this build.
    pub inherited: bool,
    /// The instruction (Dockerfile: its keyword) or history entry.
    pub at: Located,
    /// `--name=value` flags, expanded.
    pub flags: Vec<(String, Arg)>,
    /// What the instruction leaves in a history entry, canonical for every
    /// builder, to link an image to its Dockerfile by content (see link.rs);
    /// `None` when unknown.
    pub record: Option<String>,
}

impl Step {
    pub fn flag(&self, name: &str) -> Option<&Arg> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a)
    }
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageBase {
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An external image, whose own configuration is not known here.
    Image(String),
}

#[derive(Clone, Debug)]
pub struct StageInfo {
    pub name: Option<String>,
    pub base: StageBase,
}

/// A runtime setting of the container.
#[derive(Clone, Debug)]
pub enum Setting<T> {
    /// Set by this build (`step`: the instruction or history entry that set it).
    Set { value: T, step: Option<usize> },
    /// Not set anywhere: Docker's default applies.
    NotSet,
    /// Not set here; it comes from an external base image whose value is unknown.
    Inherited { base: String },
}

/// The configuration the container starts with.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub user: Setting<Arg>,
    pub healthcheck: Setting<Option<Command>>,
    pub cmd: Setting<Command>,
    pub entrypoint: Setting<Command>,
    /// Port specs as declared (`22`, `8000-8010/udp`), each with its step.
    pub exposed: Vec<(Arg, Option<usize>)>,
    /// Where to report a setting that is missing: the final `FROM` line, or `/config`.
    pub anchor: Located,
}

/// The Dockerfile a subject came from, for exact sub-locations.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub dockerfile: Dockerfile,
}

/// What only an image has: its layers and merged filesystem.
#[derive(Debug)]
pub struct ImageFacts {
    /// diff_id of each layer, by index.
    pub diff_ids: Vec<String>,
    /// The history entry that made each layer, by layer index.
    pub layer_history: Vec<Option<usize>>,
    pub fs: portcullis_image::Filesystem,
    pub boundary: portcullis_image::history::Boundary,
    /// The base the image's config labels declare
    /// (`org.opencontainers.image.base.name` / `.digest`), when they do.
    pub declared_base: Option<DeclaredBase>,
}

/// A base image as the `org.opencontainers.image.base.*` labels name it.
/// Offline, it says which image the build started from, not where its
/// layers end: that takes the base's config (`--base`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredBase {
    pub name: Option<String>,
    pub digest: Option<String>,
}

impl DeclaredBase {
    pub const NAME: &'static str = "org.opencontainers.image.base.name";
    pub const DIGEST: &'static str = "org.opencontainers.image.base.digest";

    /// From an image config's labels; `None` when neither is set (or both empty).
    pub fn from_labels(
        labels: Option<&std::collections::BTreeMap<String, String>>,
    ) -> Option<DeclaredBase> {
        let get = |key: &str| {
            labels
                .and_then(|l| l.get(key))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let declared = DeclaredBase {
            name: get(Self::NAME),
            digest: get(Self::DIGEST),
        };
        (declared != DeclaredBase::default()).then_some(declared)
    }

    /// `debian:12 (sha256:…)`, `debian:12` or `sha256:…`.
    pub fn shown(&self) -> String {
        match (&self.name, &self.digest) {
            (Some(n), Some(d)) => format!("`{n}` ({d})"),
            (Some(n), None) => format!("`{n}`"),
            (None, Some(d)) => format!("`{d}`"),
            (None, None) => String::new(),
        }
    }
}

/// How to tell portcullis where the base image ends, for the notes that
/// say it does not know: `--base`, else the labels, and what it then allows.
pub fn boundary_advice(declared: Option<&DeclaredBase>) -> String {
    let scope = "a rule with `scope = \"build\"` in portcullis.toml is then judged on this build's layers alone";
    match declared {
        Some(d) => format!(
            "the image's `org.opencontainers.image.base.*` labels declare its base {}: `--base {}` reads that image's config and gives the exact boundary; {scope}",
            d.shown(),
            d.name.as_deref().or(d.digest.as_deref()).unwrap_or("TARGET")
        ),
        None => format!(
            "name the base image with `--base TARGET` (its config alone is read), or build with the `{}` and `{}` labels so the image says which base it has; {scope}",
            DeclaredBase::NAME,
            DeclaredBase::DIGEST
        ),
    }
}

impl ImageFacts {
    /// Appended to findings at history entries when the base boundary comes
    /// from the history's shape alone (POLICIES.md: say so rather than guess
    /// silently). After the fingerprint, so it does not change it.
    pub fn boundary_caveat(&self) -> Option<String> {
        let (last, how) = self.boundary.guessed()?;
        Some(format!(
            " (unsure where the base image ends: taken to be at history entry {last}, {})",
            how.describe()
        ))
    }
}

/// A note for the report when the base boundary of an image is a guess from
/// the history's shape: what was taken as the base is not checked for
/// build-instruction policies.
pub fn boundary_note(subject: &Subject) -> Option<crate::finding::Note> {
    let facts = subject.image.as_ref()?;
    // No boundary at all on an image of several layers: likely a base whose
    // files now count as this build's (one layer is most often FROM scratch).
    // A single layer that its labels say has a base is the same case.
    if subject.kind == SubjectKind::Image
        && facts.boundary == portcullis_image::history::Boundary::NoBase
        && (facts.diff_ids.len() > 1 || facts.declared_base.is_some())
    {
        return Some(crate::finding::Note {
            rule: "base-boundary".into(),
            message: format!(
                "no builder marker or time gap shows where a base image ends: every layer and history entry is taken as this build's, and a base image's files count as its findings; {}",
                boundary_advice(facts.declared_base.as_ref())
            ),
            location: Location::Config {
                pointer: "/history".into(),
            },
        });
    }
    let (last, how) = facts.boundary.guessed()?;
    let location = subject
        .steps
        .iter()
        .map(|s| &s.at.location)
        .find(|l| matches!(l, Location::History { index, .. } if *index == last))?
        .clone();
    Some(crate::finding::Note {
        rule: "base-boundary".into(),
        message: format!(
            "no builder marker or time gap shows where the base image ends; history entries 0 to {last} (up to {}) are taken as the base and not checked for build-instruction policies; {}",
            how.describe(),
            boundary_advice(facts.declared_base.as_ref())
        ),
        location,
    })
}

#[derive(Clone, Debug)]
pub struct Subject {
    pub kind: SubjectKind,
    pub steps: Vec<Step>,
    pub stages: Vec<StageInfo>,
    pub runtime: Runtime,
    pub source: Option<Arc<SourceFile>>,
    pub image: Option<Arc<ImageFacts>>,
    /// Every secret found: in layer files, the config and history, or the
    /// Dockerfile's instructions.
    pub secrets: Vec<secrets::SecretAt>,
    /// Secrets found only by shape-less detectors (secret-named
    /// assignments, URI passwords) in files OS packages own: documentation
    /// and tests of the packages, not reported but counted in a note
    /// (`[secrets] package-files = "report"` moves them to `secrets`).
    pub secrets_skipped: Vec<secrets::SecretAt>,
    /// The packages, once each, and the OS; `None` when the package pass did
    /// not run (a Dockerfile, or no rule or output needs packages).
    pub packages: Option<portcullis_packages::Inventory>,
    /// Evidence files the catalogers could not read whole (what and why).
    pub package_notes: Vec<portcullis_packages::merge::ReadNote>,
    /// The policy file's license lists (the CLI sets them before the rules
    /// run).
    pub licenses: packages::LicenseLists,
    /// Each package's licenses assessed against `licenses` (in inventory
    /// order), made by the first license policy that needs them.
    pub license_assessments: std::sync::OnceLock<Vec<portcullis_packages::license::Assessment>>,
    /// The images this subject names (Dockerfile `FROM`, `COPY --from`,
    /// `RUN --mount=from=`; an image's declared base; a manifest's `image:`
    /// fields): what PC43101–PC43103 judge.
    pub image_uses: Vec<ImageUse>,
    /// The policy file's `[images] trusted` list (the CLI sets it before the
    /// rules run); `None`: no list, PC43101 does not apply.
    pub trusted_images: Option<crate::reference::TrustedList>,
    /// The packages' known vulnerabilities (the CLI matches them before the
    /// rules run).
    pub vulnerabilities: vulnerabilities::VulnerabilityScan,
    /// The ELF files and debug databases of the final filesystem; `None`
    /// for a Dockerfile, or when the binary pass did not run.
    pub binaries: Option<binaries::Binaries>,
    /// The workloads of a Kubernetes manifest stream or Compose project;
    /// `None` for Dockerfiles and images.
    pub workloads: Option<Arc<Vec<portcullis_manifests::Workload>>>,
    /// The Kubernetes version (major, minor) whose Pod Security Standards
    /// the runtime rules apply (the policy file's `[kubernetes] version`);
    /// [`KUBERNETES_VERSION`] unless set.
    pub kubernetes_version: (u32, u32),
    /// The images a manifest's containers run, as scanning them in the same
    /// run found them (`--images`), by reference as written; `None` when
    /// they were not scanned.
    pub images: Option<Arc<crate::together::RunImages>>,
    /// The image's signatures and attestations as checked against the
    /// policy file's `[[signatures]]` (the CLI fetches and checks them
    /// before the rules run, only when the policy asks): PC43201–PC43203.
    pub signatures: crate::signatures::SignatureState,
}

/// The newest Kubernetes version the Pod Security Standards rules know
/// (that of the admission library they follow, see rules/runtime).
pub const KUBERNETES_VERSION: (u32, u32) = (1, 37);

impl Subject {
    /// A subject of `kind` with no build steps (one stage on scratch), no
    /// runtime settings and nothing found yet; missing settings are
    /// reported at `anchor`. Subjects that are not built from steps (an LXD
    /// image, a manifest) start here and fill in what they have.
    pub(crate) fn without_steps(kind: SubjectKind, anchor: Located) -> Subject {
        Subject {
            kind,
            steps: Vec::new(),
            stages: vec![StageInfo {
                name: None,
                base: StageBase::Scratch,
            }],
            runtime: Runtime {
                user: Setting::NotSet,
                healthcheck: Setting::NotSet,
                cmd: Setting::NotSet,
                entrypoint: Setting::NotSet,
                exposed: Vec::new(),
                anchor,
            },
            source: None,
            image: None,
            secrets: Vec::new(),
            secrets_skipped: Vec::new(),
            packages: None,
            package_notes: Vec::new(),
            licenses: Default::default(),
            license_assessments: Default::default(),
            image_uses: Vec::new(),
            trusted_images: None,
            vulnerabilities: Default::default(),
            binaries: None,
            workloads: None,
            kubernetes_version: KUBERNETES_VERSION,
            images: None,
            signatures: Default::default(),
        }
    }

    pub fn final_stage(&self) -> usize {
        self.stages.len().saturating_sub(1)
    }

    /// Stage indexes from the root of `stage`'s `FROM <stage>` chain to `stage`.
    pub fn chain(&self, stage: usize) -> Vec<usize> {
        let mut chain = vec![stage];
        let mut at = stage;
        while let Some(StageBase::Stage(parent)) = self.stages.get(at).map(|s| &s.base) {
            if *parent >= at {
                break;
            }
            chain.push(*parent);
            at = *parent;
        }
        chain.reverse();
        chain
    }

    /// The steps of each stage, in order, found in one pass (filtering all
    /// steps once per stage is quadratic in the number of stages).
    pub fn steps_by_stage(&self) -> Vec<Vec<&Step>> {
        let mut by_stage: Vec<Vec<&Step>> = vec![Vec::new(); self.stages.len()];
        for step in &self.steps {
            if let Some(steps) = by_stage.get_mut(step.stage) {
                steps.push(step);
            }
        }
        by_stage
    }

    /// The external image (or scratch) at the root of `stage`'s chain.
    pub fn root_base(&self, stage: usize) -> &StageBase {
        let root = self.chain(stage)[0];
        &self.stages[root].base
    }

    /// Where `arg.raw[start..end]` is: exact in a Dockerfile, else the whole argument.
    pub fn locate(&self, arg: &Arg, start: usize, end: usize) -> Located {
        match (&self.source, &arg.locator) {
            (Some(src), Locator::Logical(word)) => {
                located(src, src.dockerfile.sub_span(word, start, end))
            }
            (Some(src), Locator::Verbatim(span)) => {
                let at = |offset: usize| (span.start + offset).min(span.end);
                located(src, portcullis_dockerfile::Span::new(at(start), at(end)))
            }
            _ => arg.at.clone(),
        }
    }
}

/// A Dockerfile location for `span`, with its text as the snippet.
pub(crate) fn located(src: &SourceFile, span: portcullis_dockerfile::Span) -> Located {
    let df = &src.dockerfile;
    let start = df.position(span.start);
    let end = df.position(span.end);
    Located {
        location: Location::Dockerfile {
            path: src.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
        snippet: df
            .text(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}
