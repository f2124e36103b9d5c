//! The library front door: [`Scanner`] turns a target string into
//! [`TargetReport`]s (one per image in an archive, one for a Dockerfile).
//! The binary is a thin shell around it.

use portcullis_manifests::Platform;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod advisories;
pub mod config;
pub mod manifests;
mod signatures;
pub mod walk;

use portcullis_policy::paths::{read_regular, MAX_DOCKERFILE_BYTES};
use portcullis_policy::{
    BaseBoundary, HistoryDetails, ImageDetails, LayerDetails, Policy, Report, TargetInfo,
    TargetReport,
};
use portcullis_rules::subject::SourceFile;

/// Why a target could not be scanned: one line that starts with the target.
#[derive(Debug)]
pub struct ScanError {
    pub message: String,
}

impl ScanError {
    fn at(target: &str, message: impl std::fmt::Display) -> Self {
        ScanError {
            message: format!("{target}: {message}"),
        }
    }
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScanError {}

pub struct Scanner {
    pub policy: Policy,
    /// `NAME=VALUE` pairs, as `docker build --build-arg`.
    pub build_args: Vec<(String, String)>,
    /// Keep each Dockerfile's text and tree in its report, for renderers that
    /// show source lines. Off, a report holds only its findings.
    pub keep_source: bool,
    /// `os/arch[/variant]` to pick from multi-platform images (default: the host's).
    pub platform: Option<String>,
    /// Refuse to decompress more than this many bytes of layers per image.
    pub max_uncompressed: u64,
    /// The Dockerfile the scanned images were built from: findings that come
    /// from an instruction get its line as a related location.
    pub dockerfile: Option<PathBuf>,
    /// `--base`: the base image the scanned images were built on, as an
    /// image target; its config alone gives the base boundary.
    pub base: Option<String>,
    /// Told about image reading as it goes (for a progress bar).
    pub progress: Option<Box<dyn Fn(Progress) + Send + Sync>>,
    /// How `docker://` targets reach their registry.
    pub registry: portcullis_image::RegistryOptions,
    /// Directories files are named relative to in fingerprints when they are
    /// in no project (no `.git` or `portcullis.toml` above them): the
    /// baseline file's, before the current directory (see docs/policy.md).
    pub fingerprint_roots: Vec<PathBuf>,
    /// Compute digests the scan does not need (`--full-digests`): see
    /// [`portcullis_image::LoadOptions::full_digests`]. Also on when an
    /// exception names images by digest.
    pub full_digests: bool,
    /// The advisory database and VEX documents packages are matched against.
    pub advisories: advisories::Advisories,
    /// `--name`: what fingerprints call the (one) image target, so that
    /// images sharing a baseline are told apart. Default: nothing, and
    /// every image is the same target to fingerprints.
    pub name: Option<String>,
    /// The names every Dockerfile scanned so far declares with `ARG`: a
    /// `--build-arg` none declares was not consumed (see
    /// [`Scanner::unconsumed_build_args`]).
    pub declared_args: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// `--images`: also scan the images the manifests name, and judge
    /// each container with its image. `None`: manifests are judged alone.
    pub images: Option<ImageSources>,
    /// `--skip-other-yaml`: a YAML target that is neither a Kubernetes
    /// manifest nor a Compose file gives no report instead of an error
    /// (YAML that cannot be read is still one).
    pub skip_other_yaml: bool,
    /// What [`Scanner::content_analyser`] chose for the policy.
    pub chosen_analyser: std::sync::OnceLock<Option<&'static dyn portcullis_image::Analyser>>,
}

/// Where `--images` finds the images the manifests name.
#[derive(Clone, Debug, Default)]
pub struct ImageSources {
    /// `--image REF=TARGET`: the image target (an archive, a layout,
    /// `docker-daemon:…`, `docker://…`) scanned for a reference, matched
    /// as Docker normalises references (`nginx` is
    /// `docker.io/library/nginx:latest`).
    pub mapped: Vec<(String, String)>,
    /// Where the references no `--image` maps come from.
    pub others: ImageOrigin,
}

/// Where an image reference no `--image` maps is read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImageOrigin {
    /// `docker://REF`.
    #[default]
    Registry,
    /// `docker-daemon:REF`.
    Daemon,
    /// Nowhere: only mapped references are scanned; the others are noted.
    Mapped,
}

/// What scanning one target gives before the images manifests name are
/// known: reports, or a manifest still to judge.
enum Scanned {
    Reports(Vec<TargetReport>),
    Manifest(Box<LoadedManifest>),
}

/// A manifest read into its subject (what [`Scanner::judge_manifest`]
/// needs).
struct LoadedManifest {
    shown: String,
    path: Option<PathBuf>,
    platform: Platform,
    digest: String,
    subject: portcullis_rules::Subject,
    /// What fingerprints call the file.
    key: String,
    /// Every file read, as locations name it.
    texts: Vec<(String, Vec<u8>)>,
    notes: Vec<portcullis_rules::finding::Note>,
}

/// Image reading progress.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    /// An image starts loading: this many compressed layer bytes to read.
    Image { layer_bytes: u64 },
    /// This many more bytes were read.
    Read(u64),
}

/// The default cap on decompressed layer bytes per image (a bomb guard).
pub const DEFAULT_MAX_UNCOMPRESSED: u64 = 64 << 30;

impl Default for Scanner {
    fn default() -> Self {
        Scanner {
            policy: Policy::default(),
            build_args: Vec::new(),
            keep_source: false,
            platform: None,
            max_uncompressed: DEFAULT_MAX_UNCOMPRESSED,
            dockerfile: None,
            base: None,
            progress: None,
            registry: portcullis_image::RegistryOptions::default(),
            fingerprint_roots: Vec::new(),
            full_digests: false,
            advisories: advisories::Advisories::default(),
            name: None,
            declared_args: std::sync::Mutex::default(),
            images: None,
            skip_other_yaml: false,
            chosen_analyser: std::sync::OnceLock::new(),
        }
    }
}

impl Scanner {
    /// The `--build-arg` names that no Dockerfile scanned declares with an
    /// `ARG`, in the order given, as `docker build` warns about them
    /// ("One or more build-args … were not consumed"). The proxy variables
    /// Docker predefines are consumed without an `ARG`.
    pub fn unconsumed_build_args(&self) -> Vec<String> {
        const PREDEFINED: [&str; 8] = [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "FTP_PROXY",
            "NO_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "ftp_proxy",
        ];
        let declared = self
            .declared_args
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        for (name, _) in &self.build_args {
            let predefined = PREDEFINED.contains(&name.as_str())
                || matches!(name.as_str(), "no_proxy" | "all_proxy");
            if !predefined && !declared.contains(name) && !out.contains(name) {
                out.push(name.clone());
            }
        }
        out
    }

    /// Note the `ARG` names a Dockerfile declares.
    fn note_declared_args(&self, dockerfile: &portcullis_dockerfile::Dockerfile) {
        use portcullis_dockerfile::{Arguments, Keyword};
        let names = dockerfile
            .instructions()
            .filter(|i| i.keyword == Keyword::Arg)
            .filter_map(|i| match &i.args {
                Arguments::Pairs(pairs) => Some(pairs.iter().map(|p| p.key.raw.clone())),
                _ => None,
            })
            .flatten();
        if let Ok(mut declared) = self.declared_args.lock() {
            declared.extend(names);
        }
    }

    /// The target key image findings are fingerprinted under. It rests on
    /// what the image is, not on how it was reached (archive path, layout,
    /// registry host, tag), so a baseline written from `docker save` output
    /// holds for the same image pulled from a registry, and for a rebuild:
    /// a fixed word per kind, or `--name`.
    fn image_key(&self, kind: &str) -> String {
        match &self.name {
            Some(name) => format!("{kind}:{name}"),
            None => kind.to_owned(),
        }
    }

    /// The policy file's canaries and examples, applied to what was found,
    /// and the lists rules read (licenses, trusted image sources).
    fn reclassify(&self, subject: &mut portcullis_rules::Subject) {
        portcullis_rules::subject::secrets::reclassify(
            subject,
            &self.policy.secret_canaries,
            &self.policy.secret_examples,
            self.policy.report_package_files,
        );
        subject.licenses = self.policy.licenses.clone();
        subject.trusted_images = self.policy.trusted_images.clone();
        if let Some(v) = self.policy.kubernetes_version {
            subject.kubernetes_version = (v.major, v.minor);
        }
    }

    /// The content pass's analysers: the package catalogers always (every
    /// image report carries its inventory), the secret scanner unless the
    /// policy turned off every rule that reads what files hold, the ELF
    /// reader unless it turned off every rule that reads binaries.
    fn content_analyser(&self) -> Option<&'static dyn portcullis_image::Analyser> {
        // Asked for every target (a gzip archive's index pass needs it):
        // the policy does not change during a scan, so it is chosen once.
        *self
            .chosen_analyser
            .get_or_init(|| self.choose_content_analyser())
    }

    fn choose_content_analyser(&self) -> Option<&'static dyn portcullis_image::Analyser> {
        use portcullis_image::{Analyser, Analysers};
        use portcullis_rules::subject::{packages::PackageAnalyser, secrets::SecretAnalyser};
        static SECRETS: SecretAnalyser = SecretAnalyser;
        static PACKAGES: PackageAnalyser = PackageAnalyser;
        use portcullis_elf::BINARIES;
        static SPB: Analysers = Analysers(&[&SECRETS, &PACKAGES, &BINARIES]);
        static SP: Analysers = Analysers(&[&SECRETS, &PACKAGES]);
        static PB: Analysers = Analysers(&[&PACKAGES, &BINARIES]);
        static SB: Analysers = Analysers(&[&SECRETS, &BINARIES]);
        // The debug artefact policies (SQ342xx) read binaries, not text.
        let reads_binaries = |r: &portcullis_rules::Rule| {
            r.category == portcullis_rules::Category::BinaryHardening
                || matches!(r.code, "SQ34202" | "SQ34203" | "SQ34204")
        };
        let secrets = portcullis_rules::RULES
            .iter()
            // The secret policies that read what files hold (SQ34201 reads
            // names; the online ones apply to nothing).
            .filter(|r| {
                r.category == portcullis_rules::Category::SensitiveInformation
                    && !r.applies_to.is_empty()
                    && r.code != "SQ34201"
                    && !reads_binaries(r)
            })
            .any(|r| self.policy.enabled(r));
        let binaries = portcullis_rules::RULES
            .iter()
            .filter(|r| reads_binaries(r))
            .any(|r| self.policy.enabled(r))
            // The image benchmark's knob, to measure what the pass costs.
            && std::env::var_os("PORTCULLIS_BENCH_NO_BINARIES").is_none();
        // The package inventory is part of every image report (JSON
        // `packages`, the SBOM formats), so its pass always runs; only the
        // image benchmark turns it off, to measure what it costs.
        let packages = std::env::var_os("PORTCULLIS_BENCH_NO_PACKAGES").is_none();
        let chosen: &'static dyn Analyser = match (secrets, packages, binaries) {
            (true, true, true) => &SPB,
            (true, true, false) => &SP,
            (false, true, true) => &PB,
            (false, true, false) => &PACKAGES,
            (true, false, true) => &SB,
            (true, false, false) => &SECRETS,
            (false, false, true) => &BINARIES,
            (false, false, false) => return None,
        };
        Some(chosen)
    }

    /// How images are loaded, progress aside: also what a gzip archive's
    /// index pass reads its large layers with, so that loading them later
    /// reads nothing again.
    fn index_options(&self) -> portcullis_image::LoadOptions<'static> {
        /// The one file the rules need whole (the user's UID).
        fn wanted(path: &[u8]) -> bool {
            path == b"etc/passwd"
        }
        fn unreported(_: u64) {}
        portcullis_image::LoadOptions {
            max_uncompressed: self.max_uncompressed,
            want: &wanted,
            progress: &unreported,
            full_digests: self.full_digests || self.policy.names_digests(),
            analyser: self.content_analyser(),
        }
    }

    /// Scan one target: an image (`docker-archive:`, `oci:`, `oci-archive:`,
    /// or a path that is one), a Dockerfile path, a directory holding a
    /// `Dockerfile`, or `-` for a Dockerfile on stdin.
    pub fn scan(&self, target: &str) -> Result<Vec<TargetReport>, ScanError> {
        self.scan_target(target).map(|scanned| match scanned {
            Scanned::Reports(reports) => reports,
            Scanned::Manifest(loaded) => vec![self.judge_manifest(*loaded, None)],
        })
    }

    /// [`Scanner::scan`], leaving a manifest unjudged until the images it
    /// names are known.
    fn scan_target(&self, target: &str) -> Result<Scanned, ScanError> {
        if target == "-" {
            return self.scan_stdin();
        }
        {
            match portcullis_image::Target::parse_analysing(target, &self.index_options()) {
                Ok(Some(portcullis_image::Target::Lxd(layout))) => {
                    return self
                        .scan_lxd(target, &layout)
                        .map(|r| Scanned::Reports(vec![r]))
                }
                Ok(Some(image)) => {
                    return self
                        .scan_images(target, &image, &[], &self.registry)
                        .map(|found| Scanned::Reports(found.into_iter().map(|(r, _)| r).collect()))
                }
                Ok(None) => {}
                Err(e) => return Err(ScanError { message: e.message }),
            }
        }
        if let Some(scanned) = self.scan_manifest_target(target)? {
            return Ok(scanned);
        }
        if let Some(name) = &self.name {
            return Err(ScanError::at(
                target,
                format!(
                    "--name {name} names an image, and this is a Dockerfile (named by its path)"
                ),
            ));
        }
        self.scan_dockerfile_target(target)
            .map(|r| Scanned::Reports(vec![r]))
    }

    /// Every image in an image target, with what a manifest that runs it
    /// needs of it. `runs`: the containers that run it (`--images`), whose
    /// settings make some of its findings moot.
    fn scan_images(
        &self,
        shown: &str,
        target: &portcullis_image::Target,
        runs: &[portcullis_rules::together::RunBy],
        registry: &portcullis_image::RegistryOptions,
    ) -> Result<Vec<(TargetReport, portcullis_rules::together::RunImage)>, ScanError> {
        let refs = match target {
            portcullis_image::Target::Registry(reference) => {
                portcullis_image::registry::resolve(reference, self.platform.as_deref(), registry)
            }
            portcullis_image::Target::DockerDaemon { .. } => Ok(Vec::new()),
            _ => portcullis_image::resolve_analysing(
                target,
                self.platform.as_deref(),
                &self.index_options(),
            ),
        }
        .map_err(|e| ScanError { message: e.message })?;
        if self.name.is_some() && refs.len() > 1 {
            // One name for several images would merge their fingerprints.
            let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
            return Err(ScanError::at(
                shown,
                format!(
                    "--name names one image, but this target holds {}: {}; scan one of them",
                    refs.len(),
                    names.join(", ")
                ),
            ));
        }
        let tell = |p: Progress| {
            if let Some(progress) = &self.progress {
                progress(p);
            }
        };
        let read = |n: u64| tell(Progress::Read(n));
        let options = portcullis_image::LoadOptions {
            progress: &read,
            ..self.index_options()
        };
        let path = match target {
            portcullis_image::Target::DockerArchive { path, .. }
            | portcullis_image::Target::OciLayout { path, .. }
            | portcullis_image::Target::OciArchive { path, .. } => Some(path.clone()),
            portcullis_image::Target::Registry(_)
            | portcullis_image::Target::DockerDaemon { .. }
            | portcullis_image::Target::Lxd(_) => None,
        };
        let built_from = match &self.dockerfile {
            Some(path) => Some(self.dockerfile_subject(path)?),
            None => None,
        };
        let known_base = match &self.base {
            Some(base) => Some(self.known_base(base)?),
            None => None,
        };
        let images: Box<dyn Iterator<Item = Result<portcullis_image::Image, ScanError>>> =
            match target {
                portcullis_image::Target::DockerDaemon { name } => {
                    Box::new(std::iter::once_with(|| {
                        let image =
                            portcullis_image::daemon::load(name, &options, self.registry.timeout)
                                .map_err(|e| ScanError { message: e.message })?;
                        // The daemon holds one platform of a name; a
                        // --platform it contradicts is an error, as for archives.
                        match &self.platform {
                            Some(wanted) => portcullis_image::check_platform(&image.config, wanted)
                                .map(|()| image)
                                .map_err(|m| ScanError::at(shown, m)),
                            None => Ok(image),
                        }
                    }))
                }
                _ => Box::new(refs.iter().map(|r| {
                    tell(Progress::Image {
                        layer_bytes: r.layer_bytes(),
                    });
                    r.load(&options)
                        .map_err(|e| ScanError { message: e.message })
                })),
            };
        images
            .map(|image| {
                let mut image = image?;
                // Secrets in the config and history are found first and
                // masked in place: nothing shown afterwards holds them.
                let config_secrets =
                    portcullis_rules::subject::secrets::take_config_secrets(&mut image.config);
                let config = config_summary(&image.config);
                let (name, kind, digest) = (image.name.clone(), image.kind, image.digest.clone());
                let references = image.references.clone();
                let key = self.image_key("image");
                let mut details = image_details(&image);
                let identity = advisories::image_identity(&digest, &references);
                let mut subject = portcullis_rules::subject::from_image_on(
                    image,
                    config_secrets,
                    known_base.as_ref(),
                );
                self.reclassify(&mut subject);
                subject.signatures = signatures::state(
                    &self.policy.signatures,
                    refs.iter()
                        .find(|r| r.manifest_digest.as_deref() == Some(digest.as_str())),
                    kind,
                    &references,
                );
                subject.vulnerabilities =
                    self.advisories
                        .scan(&subject, &identity, &self.policy.vulnerabilities);
                details.base_boundary = subject
                    .image
                    .as_ref()
                    .and_then(|facts| base_boundary(&facts.boundary));
                let mut outcomes = portcullis_rules::check(&subject, &key);
                portcullis_rules::together::judge_image(&mut outcomes, runs, &subject);
                let run_image = portcullis_rules::together::RunImage::of(&subject, shown);
                let scope_note = portcullis_rules::scope_to_build(&subject, &mut outcomes, &|r| {
                    self.policy.build_only(r)
                });
                let linked = built_from.as_ref().map(|dockerfile| {
                    let linked = portcullis_rules::subject::link_dockerfile(&subject, dockerfile);
                    relate_to_dockerfile(&mut outcomes, &linked.links, &subject);
                    linked
                });
                let mut report = self.policy.evaluate(
                    TargetInfo {
                        target: name,
                        kind: kind.into(),
                        digest: Some(digest),
                        path: path.clone(),
                        references,
                        // The Dockerfile's lines, for the reports that show
                        // the line a finding was linked to.
                        source: built_from
                            .as_ref()
                            .filter(|_| self.keep_source)
                            .and_then(|d| d.source.as_ref())
                            .map(masked_source),
                    },
                    outcomes,
                );
                report
                    .notes
                    .extend(portcullis_rules::subject::boundary_note(&subject));
                report.notes.extend(scope_note);
                if let (Some(base), Some(known)) = (&self.base, &known_base) {
                    report.notes.extend(portcullis_rules::subject::base_label_note(
                        &subject, known, base,
                    ));
                }
                if let (Some(base), Some(facts), Some(known)) =
                    (&self.base, &subject.image, &known_base)
                {
                    let shared = facts
                        .diff_ids
                        .iter()
                        .zip(&known.diff_ids)
                        .take_while(|(a, b)| a == b)
                        .count();
                    if !matches!(
                        facts.boundary,
                        portcullis_image::history::Boundary::Base {
                            how: portcullis_image::history::Signal::BaseImage,
                            ..
                        }
                    ) {
                        report.notes.push(portcullis_rules::finding::Note {
                            rule: "base-boundary".into(),
                            message: if shared == 0 {
                                format!("--base {base} shares no layer with this image, so it is not its base: where the base ends is taken from the history")
                            } else {
                                // The boundary is a history entry: an image without one for its layers cannot be given one.
                                format!("--base {base} is the base of this image's first {shared} layer{}, but no history entry of the image made them, so the boundary cannot be placed: where the base ends is taken from the history", if shared == 1 { "" } else { "s" })
                            },
                            location: portcullis_rules::Location::Config { pointer: "/rootfs/diff_ids".into() },
                        });
                    }
                }
                if let (Some(linked), Some(dockerfile)) = (&linked, &built_from) {
                    let path = dockerfile.source.as_ref().map_or("", |s| s.path.as_str());
                    report
                        .notes
                        .extend(portcullis_rules::subject::link_note(path, linked));
                }
                report
                    .notes
                    .extend(portcullis_rules::together::run_notes(runs));
                report.image = Some(details);
                report.config = Some(config);
                attach_packages(&mut report, &mut subject);
                mask_report(&mut report);
                Ok((report, run_image))
            })
            .collect()
    }

    /// An LXD image: its root filesystem checked by the policies that mean
    /// something for a system container; the others are listed as not
    /// applicable.
    fn scan_lxd(
        &self,
        target: &str,
        layout: &portcullis_image::lxd::Layout,
    ) -> Result<TargetReport, ScanError> {
        use portcullis_image::lxd::{metadata::rfc3339, Layout};
        let want = |path: &[u8]| portcullis_rules::subject::lxd_wants(path);
        let read = |n: u64| {
            if let Some(progress) = &self.progress {
                progress(Progress::Read(n));
            }
        };
        let options = portcullis_image::LoadOptions {
            max_uncompressed: self.max_uncompressed,
            want: &want,
            progress: &read,
            full_digests: self.full_digests || self.policy.names_digests(),
            analyser: self.content_analyser(),
        };
        if let Some(progress) = &self.progress {
            let layer_bytes = match layout {
                Layout::Unified { path } => file_size(path),
                Layout::Split { metadata, rootfs } => file_size(metadata) + file_size(rootfs),
            };
            progress(Progress::Image { layer_bytes });
        }
        let image = portcullis_image::lxd::load(target, layout, &options)
            .map_err(|e| ScanError { message: e.message })?;
        // An LXD image is of one architecture, as a single-platform image.
        if let (Some(wanted), Some(config)) =
            (&self.platform, lxd_platform(&image.metadata.architecture))
        {
            portcullis_image::check_platform(&config, wanted)
                .map_err(|m| ScanError::at(target, m))?;
        }
        let m = &image.metadata;
        let details = portcullis_policy::LxdDetails {
            layout: match layout {
                Layout::Unified { .. } => "unified".into(),
                Layout::Split { .. } => "split".into(),
            },
            fingerprint: image.fingerprint.clone(),
            architecture: m.architecture.clone(),
            creation_date: rfc3339(m.creation_date),
            expiry_date: m.expiry_date.map(rfc3339),
            os: m.property("os").map(str::to_owned),
            release: m.property("release").map(str::to_owned),
            description: m.property("description").map(str::to_owned),
            rootfs_format: image.rootfs_format.to_owned(),
            compression: image.compression.clone(),
            entries: image.entries,
        };
        let path = match layout {
            Layout::Unified { path } => path.clone(),
            Layout::Split { metadata, .. } => metadata.clone(),
        };
        // As for OCI images: the same LXD image as a unified tarball or a
        // split pair, wherever it lies, keeps its fingerprints.
        let key = self.image_key("lxd");
        let digest = image.fingerprint.clone();
        let mut subject = portcullis_rules::from_lxd(image);
        self.reclassify(&mut subject);
        let identity = advisories::image_identity(digest.as_deref().unwrap_or(""), &[]);
        subject.vulnerabilities =
            self.advisories
                .scan(&subject, &identity, &self.policy.vulnerabilities);
        let mut outcomes = portcullis_rules::check(&subject, &key);
        let scope_note = portcullis_rules::scope_to_build(&subject, &mut outcomes, &|r| {
            self.policy.build_only(r)
        });
        let mut report = self.policy.evaluate(
            TargetInfo {
                target: target.to_owned(),
                kind: "lxd".into(),
                digest,
                path: Some(path),
                references: Vec::new(),
                source: None,
            },
            outcomes,
        );
        report.notes.extend(scope_note);
        report.lxd = Some(details);
        attach_packages(&mut report, &mut subject);
        mask_report(&mut report);
        Ok(report)
    }

    /// The `--base` image's layers and history, from its config alone.
    fn known_base(&self, base: &str) -> Result<portcullis_rules::subject::KnownBase, ScanError> {
        let fail = |m: String| ScanError {
            message: format!("--base {m}"),
        };
        let target = match portcullis_image::Target::parse(base) {
            Ok(Some(t)) => t,
            Ok(None) => return Err(fail(format!("{base}: not an image target"))),
            Err(e) => return Err(fail(e.message)),
        };
        let refs = match &target {
            portcullis_image::Target::Registry(reference) => portcullis_image::registry::resolve(
                reference,
                self.platform.as_deref(),
                &self.registry,
            ),
            portcullis_image::Target::DockerDaemon { .. } | portcullis_image::Target::Lxd(_) => {
                return Err(fail(format!(
                    "{base}: give the base as a docker-archive, OCI layout or archive, or registry image"
                )))
            }
            _ => portcullis_image::resolve(&target, self.platform.as_deref()),
        }
        .map_err(|e| fail(e.message))?;
        let [one] = &refs[..] else {
            return Err(fail(format!(
                "{base}: holds {} images; name one (docker-archive:FILE:NAME:TAG, oci:DIR:REF)",
                refs.len()
            )));
        };
        let (config, diff_ids) = one.load_config().map_err(|e| fail(e.message))?;
        Ok(portcullis_rules::subject::KnownBase {
            diff_ids,
            history: config.history,
            references: one.references.clone(),
            digest: one.manifest_digest.clone(),
        })
    }

    /// The subject of the `--dockerfile` given with images.
    fn dockerfile_subject(&self, path: &Path) -> Result<portcullis_rules::Subject, ScanError> {
        let shown = path.display().to_string();
        let bytes = read_regular(path, MAX_DOCKERFILE_BYTES)
            .map_err(|e| ScanError::at(&shown, io_message(&shown, path, &e)))?;
        let syntax_error = |e: &portcullis_dockerfile::ParseError| {
            let at = portcullis_dockerfile::error_position(&bytes, e);
            ScanError::at(&format!("{shown}:{}:{}", at.line, at.column), &e.message)
        };
        let dockerfile =
            portcullis_dockerfile::parse_bytes(&bytes).map_err(|e| syntax_error(&e))?;
        self.note_declared_args(&dockerfile);
        portcullis_rules::from_dockerfile(&shown, dockerfile, &self.build_args)
            .map_err(|e| syntax_error(&e))
    }

    fn scan_dockerfile_target(&self, target: &str) -> Result<TargetReport, ScanError> {
        let fail = |message: String| ScanError::at(target, message);
        let (display, bytes) = {
            let mut path = PathBuf::from(target);
            if path.is_dir() {
                path = walk::dockerfile_in(&path);
            }
            let bytes = read_regular(&path, MAX_DOCKERFILE_BYTES)
                .map_err(|e| fail(io_message(target, &path, &e)))?;
            // A file that is not text and not named as a Dockerfile is none
            // of the kinds portcullis reads; a Dockerfile by name keeps the
            // line and column of its bad byte.
            let named = path
                .file_name()
                .is_some_and(|n| walk::is_dockerfile_name(&n.to_string_lossy()));
            if !named && (!looks_like_text(&bytes) || starts_unlike_a_dockerfile(&bytes)) {
                return Err(fail(UNRECOGNISED.to_owned()));
            }
            (Some(path.display().to_string()), bytes)
        };
        let mut report = self.scan_dockerfile(display.as_deref().unwrap_or("<stdin>"), &bytes)?;
        report.path = display;
        Ok(report)
    }

    /// Standard input: a Dockerfile, a Kubernetes manifest stream
    /// (`helm template … | portcullis scan -`) or a Compose file, told by
    /// content. No more than a manifest may hold is read.
    fn scan_stdin(&self) -> Result<Scanned, ScanError> {
        const SHOWN: &str = "<stdin>";
        let bytes = match manifests::read_capped(std::io::stdin().lock(), manifests::max_bytes()) {
            Ok(bytes) => bytes,
            Err(None) => {
                return Err(ScanError::at(
                    &format!("{SHOWN}:1:1"),
                    format!("standard input holds {}", manifests::too_big()),
                ))
            }
            Err(Some(e)) => {
                return Err(ScanError::at(
                    "-",
                    format!("cannot read standard input: {e}"),
                ))
            }
        };
        if let Some(platform) = manifests::platform(&bytes) {
            return self
                .load_manifest(SHOWN, None, platform, &bytes)
                .map(|loaded| Scanned::Manifest(Box::new(loaded)));
        }
        // Not a manifest, or YAML that cannot be read: a Dockerfile is
        // told by its first instruction; anything else is YAML's to judge.
        if looks_like_text(&bytes) && !starts_unlike_a_dockerfile(&bytes) {
            return self
                .scan_dockerfile(SHOWN, &bytes)
                .map(|r| Scanned::Reports(vec![r]));
        }
        if let Some(e) = manifests::yaml_error(&bytes) {
            return Err(yaml_error(SHOWN, &e));
        }
        Err(ScanError::at(
            "-",
            "unrecognised input: not a Dockerfile, Kubernetes manifest or Compose file",
        ))
    }

    /// A file that is a Kubernetes manifest or Compose file (by content, or
    /// YAML by name, whose errors are then reported), loaded; no reports for
    /// YAML that is neither, with [`Scanner::skip_other_yaml`]; `None` for
    /// other files, which are read as Dockerfiles. Never reads more of a
    /// file than a manifest may hold.
    fn scan_manifest_target(&self, target: &str) -> Result<Option<Scanned>, ScanError> {
        let path = Path::new(target);
        if !path.is_file() {
            return Ok(None);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if walk::is_dockerfile_name(&name) {
            return Ok(None);
        }
        let named = manifests::is_yaml_name(&name) || manifests::is_compose_name(&name);
        let bytes = match manifests::read_file_capped(path) {
            Ok(Some(bytes)) => bytes,
            // Over the limit: only a YAML name says it was meant as a manifest.
            Ok(None) if named => {
                return Err(ScanError::at(
                    &format!("{target}:1:1"),
                    manifests::too_big(),
                ))
            }
            Ok(None) => return Ok(None),
            Err(e) if named => return Err(ScanError::at(target, io_message(target, path, &e))),
            Err(_) => return Ok(None),
        };
        let platform = match manifests::platform(&bytes) {
            Some(platform) => platform,
            None if !named => return Ok(None),
            None => {
                if let Some(e) = manifests::yaml_error(&bytes) {
                    return Err(yaml_error(target, &e));
                }
                if !manifests::is_compose_name(&name) {
                    if self.skip_other_yaml {
                        return Ok(Some(Scanned::Reports(Vec::new())));
                    }
                    return Err(ScanError::at(
                        target,
                        "YAML that is neither a Kubernetes manifest (no `apiVersion` and `kind`) nor a Compose file (no `services`)",
                    ));
                }
                // A Compose file by its name: what is wrong with it is
                // the Compose reader's to say.
                Platform::Compose
            }
        };
        if let Some(name) = &self.name {
            return Err(ScanError::at(
                target,
                format!(
                    "--name {name} names an image, and this is a {} file (named by its path)",
                    match platform {
                        Platform::Kubernetes => "Kubernetes manifest",
                        Platform::Compose => "Compose",
                    }
                ),
            ));
        }
        self.load_manifest(target, Some(path), platform, &bytes)
            .map(|loaded| Some(Scanned::Manifest(Box::new(loaded))))
    }

    /// Scan a Kubernetes manifest stream or a Compose project whose (main)
    /// file's bytes were read already. `shown` names it in locations; `path`
    /// is the file (`None`: standard input, whose Compose project is the
    /// working directory's, as `docker compose -f -` has it).
    pub fn scan_manifest(
        &self,
        shown: &str,
        path: Option<&Path>,
        platform: Platform,
        bytes: &[u8],
    ) -> Result<TargetReport, ScanError> {
        self.load_manifest(shown, path, platform, bytes)
            .map(|loaded| self.judge_manifest(loaded, None))
    }

    /// Read a manifest (and a Compose project's other files) into its
    /// subject, to be judged once the images it names are known.
    fn load_manifest(
        &self,
        shown: &str,
        path: Option<&Path>,
        platform: Platform,
        bytes: &[u8],
    ) -> Result<LoadedManifest, ScanError> {
        let main: Arc<str> = Arc::from(shown);
        // Every file read, as locations name it, for inline suppressions
        // and the source lines renderers show.
        let mut texts: Vec<(String, Vec<u8>)> = vec![(shown.to_owned(), bytes.to_vec())];
        let mut notes = Vec::new();
        let workloads = match platform {
            Platform::Kubernetes => portcullis_manifests::kubernetes::load(main, bytes)
                .map_err(|e| yaml_error(shown, &e))?,
            Platform::Compose => {
                let dir = match path {
                    Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
                    None => PathBuf::new(),
                };
                let name = path
                    .and_then(Path::file_name)
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let read = |file: &Path, shown: &str| -> Result<Option<Vec<u8>>, ScanError> {
                    match manifests::read_file_capped(file) {
                        Ok(Some(bytes)) => Ok(Some(bytes)),
                        Ok(None) => {
                            Err(ScanError::at(&format!("{shown}:1:1"), manifests::too_big()))
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                        Err(e) => Err(ScanError::at(shown, io_message(shown, file, &e))),
                    }
                };
                let beside = |file: &str| -> String {
                    if dir.as_os_str().is_empty() {
                        file.to_owned()
                    } else {
                        dir.join(file).display().to_string()
                    }
                };
                // The override file `docker compose` reads: the first of
                // its names that exists.
                for candidate in portcullis_manifests::compose::override_names(&name) {
                    let shown = beside(candidate);
                    if let Some(bytes) = read(Path::new(&shown), &shown)? {
                        texts.push((shown, bytes));
                        break;
                    }
                }
                let dotenv_shown = beside(".env");
                let dotenv = read(Path::new(&dotenv_shown), &dotenv_shown)?;
                // The files `include` names, capped as the main file is.
                let read_included =
                    |file: &str| match manifests::read_included_file(Path::new(file)) {
                        Ok(Some(bytes)) => Ok(Some(bytes)),
                        Ok(None) => Err(manifests::too_big()),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                        Err(e) => Err(io_message(file, Path::new(file), &e)),
                    };
                let input = portcullis_manifests::compose::ComposeInput {
                    files: texts
                        .iter()
                        .map(|(p, b)| (Arc::from(p.as_str()), b.as_slice()))
                        .collect(),
                    dotenv: dotenv
                        .as_ref()
                        .map(|b| (Arc::from(dotenv_shown.as_str()), b.as_slice())),
                    environment: std::env::vars().collect(),
                    include: Some(portcullis_manifests::compose::IncludeReader(&read_included)),
                };
                let project =
                    portcullis_manifests::compose::load(&input).map_err(|e| ScanError {
                        message: e.to_string(),
                    })?;
                if let Some(b) = dotenv {
                    texts.push((dotenv_shown.clone(), b));
                }
                texts.extend(
                    project
                        .included
                        .into_iter()
                        .map(|(p, b)| (p.to_string(), b)),
                );
                notes = project.notes;
                project.workloads
            }
        };
        let key = match path {
            Some(p) => portcullis_policy::paths::stable_name(p, &self.fingerprint_roots),
            None => shown.to_owned(),
        };
        let mut subject = portcullis_rules::subject::from_workloads(shown, workloads);
        self.reclassify(&mut subject);
        Ok(LoadedManifest {
            shown: shown.to_owned(),
            path: path.map(Path::to_path_buf),
            platform,
            digest: sha256_digest(bytes),
            subject,
            key,
            texts,
            notes: notes
                .into_iter()
                .map(|(at, message)| portcullis_rules::finding::Note {
                    rule: "compose".into(),
                    message,
                    location: portcullis_rules::subject::manifest_location(&at),
                })
                .collect(),
        })
    }

    /// Judge a loaded manifest; `images`: what scanning the images it
    /// names found (`--images`), with the notes of those it did not scan.
    fn judge_manifest(
        &self,
        loaded: LoadedManifest,
        images: Option<(
            &Arc<portcullis_rules::together::RunImages>,
            &[portcullis_rules::finding::Note],
        )>,
    ) -> TargetReport {
        let LoadedManifest {
            shown,
            path,
            platform,
            digest,
            mut subject,
            key,
            texts,
            mut notes,
        } = loaded;
        if let Some((run_images, unscanned)) = images {
            subject.images = Some(Arc::clone(run_images));
            notes.extend_from_slice(unscanned);
        }
        let outcomes = portcullis_rules::check(&subject, &key);
        let texts: Vec<(String, String)> = texts
            .into_iter()
            .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
            .collect();
        let inline: Vec<portcullis_policy::InlineSuppression> = texts
            .iter()
            .filter(|(p, _)| !p.ends_with(".env"))
            .flat_map(|(p, t)| portcullis_policy::inline::yaml_suppressions(p, t))
            .collect();
        let mut report = self.policy.evaluate_with(
            TargetInfo {
                target: shown,
                kind: platform.as_str().into(),
                digest: Some(digest),
                path: path.map(|p| p.display().to_string()),
                references: Vec::new(),
                source: None,
            },
            outcomes,
            &inline,
        );
        report.notes.extend(notes);
        if self.keep_source {
            // Shown with every secret starred (same length, so columns
            // still point where they did).
            report.texts = texts
                .into_iter()
                .map(|(path, text)| {
                    let text =
                        portcullis_rules::subject::secrets::mask_same_length(&text).into_owned();
                    Arc::new(portcullis_policy::SourceText { path, text })
                })
                .collect();
        }
        mask_report(&mut report);
        report
    }

    /// Scan Dockerfile text that was read already. `path` names it in locations.
    pub fn scan_dockerfile(&self, path: &str, bytes: &[u8]) -> Result<TargetReport, ScanError> {
        let syntax_error = |e: &portcullis_dockerfile::ParseError| {
            let at = portcullis_dockerfile::error_position(bytes, e);
            ScanError::at(&format!("{path}:{}:{}", at.line, at.column), &e.message)
        };
        let dockerfile = portcullis_dockerfile::parse_bytes(bytes).map_err(|e| syntax_error(&e))?;
        self.note_declared_args(&dockerfile);
        let inline = portcullis_policy::inline::suppressions(path, &dockerfile);
        let mut subject = portcullis_rules::from_dockerfile(path, dockerfile, &self.build_args)
            .map_err(|e| syntax_error(&e))?;
        self.reclassify(&mut subject);
        let key = if path == "<stdin>" {
            path.to_owned()
        } else {
            portcullis_policy::paths::stable_name(Path::new(path), &self.fingerprint_roots)
        };
        let outcomes = portcullis_rules::check(&subject, &key);
        // Source lines are shown with every secret starred (same length, so
        // spans still point where they did).
        let source: Option<Arc<SourceFile>> = subject
            .source
            .as_ref()
            .filter(|_| self.keep_source)
            .map(masked_source);
        let mut report = self.policy.evaluate_with(
            TargetInfo {
                target: path.to_owned(),
                kind: "dockerfile".into(),
                digest: Some(sha256_digest(bytes)),
                path: None,
                references: Vec::new(),
                source,
            },
            outcomes,
            &inline,
        );
        mask_report(&mut report);
        Ok(report)
    }

    /// Scan targets in parallel; reports come back in the order given.
    /// With [`Scanner::images`], the images the manifests name follow,
    /// once each, in the order first named.
    pub fn scan_all(&self, targets: &[String]) -> Vec<Result<Vec<TargetReport>, ScanError>> {
        use rayon::prelude::*;
        let Some(sources) = &self.images else {
            // Each target read and judged on one thread: nothing is held
            // for the others.
            return targets.par_iter().map(|t| self.scan(t)).collect();
        };
        let scanned: Vec<Result<Scanned, ScanError>> =
            targets.par_iter().map(|t| self.scan_target(t)).collect();
        let workloads: Vec<Arc<Vec<portcullis_manifests::Workload>>> = scanned
            .iter()
            .filter_map(|r| match r {
                Ok(Scanned::Manifest(loaded)) => loaded.subject.workloads.clone(),
                _ => None,
            })
            .collect();
        // Each image once: references Docker reads as the same image
        // (`nginx`, `docker.io/library/nginx:latest`) are one, scanned under
        // the first spelling, at the first place that names it.
        let mut named: Vec<NamedImage> = Vec::new();
        for image in workloads
            .iter()
            .flat_map(|w| w.iter())
            .flat_map(|w| &w.containers)
            .filter_map(|c| c.image.as_ref())
        {
            let normal = portcullis_image::Reference::parse_name(&image.value).ok();
            let same = named.iter_mut().find(|n| match (&n.normal, &normal) {
                (Some(a), Some(b)) => a == b,
                _ => n.spellings[0] == image.value,
            });
            match same {
                Some(n) if n.spellings.contains(&image.value.as_str()) => {}
                Some(n) => n.spellings.push(&image.value),
                None => named.push(NamedImage {
                    spellings: vec![&image.value],
                    at: &image.at,
                    normal,
                }),
            }
        }
        // As many as one archive may hold: a manifest naming more is
        // hostile (each is pulled and its report kept).
        if let Some(over) = named.get(portcullis_image::MAX_IMAGES) {
            let at = over.at;
            let place = at.place();
            let error = ScanError::at(
                &place,
                format!(
                    "the manifests name more than {} images: refusing to scan them all with --images",
                    portcullis_image::MAX_IMAGES
                ),
            );
            return vec![Err(error)];
        }
        let images: Vec<Result<RunImageScan, ScanError>> = named
            .par_iter()
            .map(|n| {
                let runs: Vec<portcullis_rules::together::RunBy> = workloads
                    .iter()
                    .flat_map(|w| {
                        n.spellings
                            .iter()
                            .flat_map(|r| portcullis_rules::together::runs_of(w, r))
                    })
                    .collect();
                self.scan_run_image(n.spellings[0], n.at, &runs, sources)
            })
            .collect();
        let mut run_images = portcullis_rules::together::RunImages::new();
        let mut unscanned = Vec::new();
        for (scan, n) in images.iter().zip(&named) {
            match scan {
                Ok(RunImageScan::Scanned(_, run)) => {
                    for spelling in &n.spellings {
                        run_images.insert((*spelling).to_owned(), run.clone());
                    }
                }
                Ok(RunImageScan::NotScanned(note)) => unscanned.push(note.clone()),
                Err(_) => {}
            }
        }
        drop(named);
        drop(workloads);
        let run_images = Arc::new(run_images);
        let mut results: Vec<Result<Vec<TargetReport>, ScanError>> = scanned
            .into_par_iter()
            .map(|r| {
                r.map(|s| match s {
                    Scanned::Reports(reports) => reports,
                    Scanned::Manifest(loaded) => {
                        // A manifest's notes name only the images it names.
                        let mine: Vec<portcullis_rules::finding::Note> = unscanned
                            .iter()
                            .filter(|n| location_path(&n.location) == Some(loaded.shown.as_str()))
                            .cloned()
                            .collect();
                        vec![self.judge_manifest(*loaded, Some((&run_images, &mine)))]
                    }
                })
            })
            .collect();
        results.extend(images.into_iter().filter_map(|scan| match scan {
            Ok(RunImageScan::Scanned(report, _)) => Some(Ok(vec![*report])),
            Ok(RunImageScan::NotScanned(_)) => None,
            Err(e) => Some(Err(e)),
        }));
        results
    }

    /// Scan the image `reference` names for the containers in `runs`
    /// (`--images`): the target `--image` maps it to, else from the
    /// registry or the daemon. Errors start at the manifest's `image:`.
    fn scan_run_image(
        &self,
        reference: &str,
        at: &portcullis_manifests::Loc,
        runs: &[portcullis_rules::together::RunBy],
        sources: &ImageSources,
    ) -> Result<RunImageScan, ScanError> {
        let place = at.place();
        let fail =
            |message: String| ScanError::at(&place, format!("image `{reference}`: {message}"));
        let wanted = portcullis_image::Reference::parse_name(reference).ok();
        let same = |other: &str| {
            other == reference
                || wanted.is_some() && portcullis_image::Reference::parse_name(other).ok() == wanted
        };
        // A Compose service that builds its image (`build:`) has none in a
        // registry to compare with what it runs.
        let built = runs
            .iter()
            .find_map(|run| run.container.build.as_ref().map(|at| (run, at)))
            .filter(|_| runs.iter().all(|run| run.container.build.is_some()));
        let mapped = sources.mapped.iter().find(|(r, _)| same(r));
        if let (None, ImageOrigin::Registry, Some((run, at))) = (mapped, sources.others, built) {
            return Ok(RunImageScan::NotScanned(portcullis_rules::finding::Note {
                rule: "images".into(),
                message: format!(
                    "image `{reference}` was not scanned: service `{}` builds it (`build:`), so a registry's copy is not what it runs; map it with --image {reference}=TARGET, or scan with --images=daemon after `docker compose build`",
                    run.container.name
                ),
                location: portcullis_rules::subject::manifest_location(at),
            }));
        }
        let target = match mapped {
            Some((_, target)) => target.clone(),
            None => match sources.others {
                ImageOrigin::Registry => format!("docker://{reference}"),
                ImageOrigin::Daemon => format!("docker-daemon:{reference}"),
                ImageOrigin::Mapped => {
                    return Ok(RunImageScan::NotScanned(portcullis_rules::finding::Note {
                        rule: "images".into(),
                        message: format!(
                            "image `{reference}` was not scanned: no --image maps it, so its containers are judged by the manifest alone"
                        ),
                        location: portcullis_rules::subject::manifest_location(at),
                    }))
                }
            },
        };
        let image = match portcullis_image::Target::parse_analysing(&target, &self.index_options()) {
            Ok(Some(portcullis_image::Target::Lxd(_))) => {
                return Err(fail(format!(
                    "{target} is an LXD image, which no container runs"
                )))
            }
            Ok(Some(image)) => image,
            Ok(None) if !Path::new(&target).exists() => {
                return Err(fail(format!("{target} does not exist")))
            }
            Ok(None) => {
                return Err(fail(format!(
                    "{target} is not an image (an archive, an OCI layout, docker://… or docker-daemon:…)"
                )))
            }
            Err(e) => return Err(fail(e.message)),
        };
        // The command line's credentials are for the registries the user
        // named as targets: a manifest under review may name any host, and
        // would receive them (its own host's auth files still apply).
        let registry = portcullis_image::RegistryOptions {
            credentials: None,
            ..self.registry.clone()
        };
        let mut found = self
            .scan_images(&target, &image, runs, &registry)
            .map_err(|e| fail(e.message))?;
        let chosen = if found.len() == 1 {
            found.pop()
        } else {
            let at = found
                .iter()
                .position(|(report, _)| report.references.iter().any(|r| same(r)));
            at.map(|i| found.swap_remove(i))
        };
        match chosen {
            Some((report, run)) => Ok(RunImageScan::Scanned(Box::new(report), run)),
            None => Err(fail(format!(
                "{target} holds {} images and none is named `{reference}`: map the reference to one of them ({})",
                found.len(),
                found
                    .iter()
                    .map(|(r, _)| r.target.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    pub fn report(targets: Vec<TargetReport>) -> Report {
        Report::new(env!("CARGO_PKG_VERSION"), targets)
    }

    /// The report of a scan that started at `clock`, with its scan block:
    /// the time, this scanner's policy and advisory database, and the
    /// baseline file (as named) findings were compared with.
    pub fn report_of_scan(
        &self,
        targets: Vec<TargetReport>,
        clock: &portcullis_policy::ScanClock,
        baseline: Option<String>,
    ) -> Report {
        let mut report = Self::report(targets);
        let mut scan = self
            .policy
            .scan_info(clock, baseline, self.advisories.db_info());
        scan.tool_version = report.tool.version.clone();
        report.scan = Some(scan);
        report
    }
}

/// An image the manifests name, however they spell it.
struct NamedImage<'a> {
    spellings: Vec<&'a str>,
    /// The first place that names it.
    at: &'a portcullis_manifests::Loc,
    /// As Docker reads it; `None` when it does not parse.
    normal: Option<portcullis_image::Reference>,
}

/// An image a manifest names, scanned or not (`--images`).
enum RunImageScan {
    Scanned(Box<TargetReport>, portcullis_rules::together::RunImage),
    /// Not scanned, as the note (for the manifest's report) says.
    NotScanned(portcullis_rules::finding::Note),
}

/// The file a location is in, when it is a manifest's.
fn location_path(location: &portcullis_rules::Location) -> Option<&str> {
    match location {
        portcullis_rules::Location::Manifest { path, .. } => Some(path),
        _ => None,
    }
}

/// A Dockerfile's text with every secret starred (same length, so spans
/// still point where they did), for reports that show its lines.
fn masked_source(src: &Arc<SourceFile>) -> Arc<SourceFile> {
    match portcullis_rules::subject::secrets::mask_same_length(&src.dockerfile.source) {
        std::borrow::Cow::Borrowed(_) => src.clone(),
        std::borrow::Cow::Owned(masked) => {
            let mut copy = SourceFile {
                path: src.path.clone(),
                dockerfile: src.dockerfile.clone(),
            };
            copy.dockerfile.source = masked;
            Arc::new(copy)
        }
    }
}

/// Add the Dockerfile line to findings located at, or related to, a history
/// entry that the Dockerfile's instruction made.
fn relate_to_dockerfile(
    outcomes: &mut [(
        &'static portcullis_rules::Rule,
        portcullis_rules::registry::Outcome,
    )],
    links: &[(usize, portcullis_rules::Location)],
    image: &portcullis_rules::Subject,
) {
    use portcullis_rules::registry::Outcome;
    for (_, outcome) in outcomes.iter_mut() {
        let Outcome::Checked { findings, .. } = outcome else {
            continue;
        };
        for f in findings {
            let entries: Vec<usize> = std::iter::once(&f.location)
                .chain(&f.related)
                .filter_map(|l| portcullis_rules::subject::history_entries(image, l))
                .collect();
            for index in entries {
                if let Some((_, line)) = links.iter().find(|(i, _)| *i == index) {
                    if !f.related.contains(line) {
                        f.related.push(line.clone());
                    }
                }
            }
        }
    }
}

/// The layers and history of a loaded image, as the report shows them (the
/// base boundary is filled in from the subject, which finds it).
/// The subject's inventory into its report: the OS, the packages, and a
/// note for each evidence file that could not be read whole.
fn attach_packages(report: &mut TargetReport, subject: &mut portcullis_rules::Subject) {
    report
        .notes
        .extend(portcullis_rules::subject::packages::read_notes(subject));
    if let Some(inventory) = subject.packages.take() {
        report.os = inventory.os;
        report.packages = Some(inventory.packages);
    }
    if let portcullis_rules::subject::vulnerabilities::VulnerabilityScan::Matched(matched) =
        &subject.vulnerabilities
    {
        report.vulnerabilities = Some(matched.vulnerabilities.clone());
    }
}

fn image_details(image: &portcullis_image::Image) -> ImageDetails {
    let layers = image
        .layers
        .iter()
        .map(|l| LayerDetails {
            diff_id: l.diff_id.clone(),
            digest: l.blob_digest.clone(),
            compression: l.compression.to_owned(),
            size: l.uncompressed_size,
            compressed_size: l.compressed_size,
            entries: l.entries,
        })
        .collect();
    // As `portcullis_image::history::steps` counts: each entry that is not
    // `empty_layer` made the next layer.
    let mut next_layer = 0;
    let history = image
        .config
        .history
        .iter()
        .map(|h| HistoryDetails {
            created: h.created.clone(),
            created_by: h.created_by.clone().unwrap_or_default(),
            comment: h.comment.clone(),
            layer: (!h.empty_layer).then(|| {
                next_layer += 1;
                next_layer - 1
            }),
        })
        .collect();
    ImageDetails {
        layers,
        history,
        base_boundary: None,
    }
}

/// The runtime configuration for the report, from a config whose secrets
/// are masked already (`take_config_secrets`); the user and working
/// directory, which that leaves, are masked here.
fn config_summary(config: &portcullis_image::ImageConfig) -> portcullis_policy::ConfigSummary {
    use portcullis_rules::subject::secrets::mask_text;
    let masked = |s: &String| mask_text(s).into_owned();
    let c = config.config.clone().unwrap_or_default();
    portcullis_policy::ConfigSummary {
        os: config.os.clone(),
        architecture: config.architecture.clone(),
        variant: config.variant.clone(),
        user: c.user.as_ref().filter(|u| !u.is_empty()).map(masked),
        entrypoint: c.entrypoint,
        cmd: c.cmd,
        working_dir: c.working_dir.as_ref().filter(|w| !w.is_empty()).map(masked),
        exposed_ports: c.exposed_ports.unwrap_or_default().into_keys().collect(),
        labels: c.labels.unwrap_or_default(),
    }
}

fn base_boundary(boundary: &portcullis_image::history::Boundary) -> Option<BaseBoundary> {
    use portcullis_image::history::{Boundary, Signal};
    let Boundary::Base { last, how } = boundary else {
        return None;
    };
    let signal = match how {
        Signal::BaseImage => "base-image",
        Signal::FromMarker => "from-marker",
        Signal::BuildKitComments => "buildkit-comments",
        Signal::TimeGap => "time-gap",
        Signal::LastCmd => "last-cmd",
    };
    Some(BaseBoundary {
        last: *last,
        signal: signal.to_owned(),
        certain: how.is_certain(),
        how: how.describe().to_owned(),
    })
}

/// An LXD architecture name as the OCI platform it is (`aarch64` is
/// `linux/arm64`); `None` for those OCI has no name for.
fn lxd_platform(architecture: &str) -> Option<portcullis_image::ImageConfig> {
    let (arch, variant) = match architecture {
        "x86_64" => ("amd64", None),
        "i686" => ("386", None),
        "aarch64" => ("arm64", None),
        "armv6l" => ("arm", Some("v6")),
        "armv7l" => ("arm", Some("v7")),
        "ppc64le" => ("ppc64le", None),
        "s390x" => ("s390x", None),
        "riscv64" => ("riscv64", None),
        _ => return None,
    };
    Some(portcullis_image::ImageConfig {
        os: Some("linux".into()),
        architecture: Some(arch.into()),
        variant: variant.map(str::to_owned),
        ..portcullis_image::ImageConfig::default()
    })
}

/// A YAML error as one line: `FILE:LINE:COLUMN: message`.
fn yaml_error(shown: &str, e: &portcullis_manifests::YamlError) -> ScanError {
    ScanError::at(&format!("{shown}:{}:{}", e.line, e.column), &e.message)
}

/// What a target that is none of the known kinds is told.
const UNRECOGNISED: &str =
    "unrecognised input: not a Dockerfile, image archive, OCI layout or LXD image";

/// UTF-8 without NUL bytes in its first 8 KiB (a cut multi-byte character
/// at the end of that window is allowed).
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() < bytes.len(),
    }
}

/// Whether text's first instruction is not one (`{` of a JSON file, `# `
/// headings count as comments): then it is not a Dockerfile with a typo
/// further down, but some other file.
fn starts_unlike_a_dockerfile(bytes: &[u8]) -> bool {
    match portcullis_dockerfile::parse_bytes(bytes) {
        Err(e) if e.message.starts_with("unknown instruction") => {
            let at = portcullis_dockerfile::error_position(bytes, &e);
            let first = String::from_utf8_lossy(bytes)
                .lines()
                .position(|l| {
                    let l = l.trim();
                    !l.is_empty() && !l.starts_with('#')
                })
                .map_or(0, |i| i + 1);
            at.line == first
        }
        _ => false,
    }
}

fn file_size(path: &str) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn sha256_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// "cannot read: No such file or directory", without Rust's "(os error 2)";
/// names the file when it is not the target itself (a directory's Dockerfile).
fn io_message(target: &str, path: &Path, e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    if path == Path::new(target) {
        format!("cannot read: {text}")
    } else {
        format!("cannot read {}: {text}", path.display())
    }
}

/// The last guard of "never the value": every text a report holds that
/// could quote input (messages, history entries, notes) with any secret in
/// it masked. Secrets' own findings never hold their value; this catches
/// other rules quoting an instruction that has one (`ADD https://u:p@…`).
fn mask_report(report: &mut TargetReport) {
    use portcullis_rules::subject::secrets::mask_text;
    use portcullis_rules::Location;
    fn mask(text: &mut String) {
        if let std::borrow::Cow::Owned(masked) = mask_text(text) {
            *text = masked;
        }
    }
    fn mask_location(location: &mut Location) {
        if let Location::History { created_by, .. } = location {
            mask(created_by);
        }
    }
    for f in &mut report.findings {
        mask(&mut f.message);
        mask_location(&mut f.location);
        f.related.iter_mut().for_each(mask_location);
    }
    for n in &mut report.notes {
        mask(&mut n.message);
        mask_location(&mut n.location);
    }
    if let Some(image) = &mut report.image {
        for h in &mut image.history {
            mask(&mut h.created_by);
        }
    }
}
