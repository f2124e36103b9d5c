//! `portcullis`: the command line. Parses arguments, runs the [`Scanner`],
//! renders, and exits 0 (pass), 1 (policy failed) or 2 (could not scan).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use portcullis::{Progress, Scanner};
use portcullis_policy::Verdict;
use portcullis_report::Format;

mod commands;
mod db_command;

#[derive(Parser)]
#[command(
    name = "portcullis",
    version,
    about = "Container image and Dockerfile policy gate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Dockerfiles and container images against the policies. Exit status: 0 pass, 1 policy failed, 2 could not scan.
    Scan(Box<ScanArgs>),
    /// List the rules: code, name, severity, title.
    Rules {
        /// Print the generated rules documentation (docs/rules.md) instead
        /// (as --format markdown).
        #[arg(long, conflicts_with = "format")]
        markdown: bool,
        /// text: one line a rule; json: an array of {code, name, title,
        /// severity, category, default_action, applies_to, remediation};
        /// markdown: the rules documentation.
        #[arg(long, value_enum, default_value_t = commands::RulesFormat::Text)]
        format: commands::RulesFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code or name, e.g. SQ40104 or exposed-ssh-port.
        code: String,
    },
    /// Render a saved JSON report in other formats, without scanning again.
    ///
    /// The report is one `scan --format json` wrote. Exit status as the
    /// report's verdict: 0 pass, 1 fail; 2 for a file that is not a report
    /// this portcullis reads.
    Convert(ConvertArgs),
    /// Work with the policy file, portcullis.toml.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The local advisory database that vulnerability policies match against.
    #[command(subcommand)]
    Db(db_command::DbCommand),
    /// Print a shell completion script: `source <(portcullis completions bash)`,
    /// or save it where the shell loads completions from.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page, portcullis(1), in roff: `portcullis man > portcullis.1`,
    /// or `portcullis man | man -l -`.
    Man,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Check a policy file (and the files it extends) without scanning.
    /// Exit status: 0 valid, 2 errors (each printed as FILE:LINE:COL: message).
    Check {
        /// The file. Default: the nearest portcullis.toml from the working directory up.
        path: Option<PathBuf>,
    },
    /// Print the JSON Schema of portcullis.toml (docs/portcullis.schema.json).
    Schema {
        /// The JSON report's schema instead (docs/report.schema.json).
        #[arg(long)]
        report: bool,
    },
}

/// Which policy applies; shared by `scan`.
#[derive(clap::Args)]
struct PolicyArgs {
    /// The policy file. Default: the nearest portcullis.toml from the working
    /// directory up.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use the built-in default policy; ignore any portcullis.toml.
    #[arg(long)]
    no_config: bool,
    /// Findings of this severity or higher fail: info, low, medium, high,
    /// critical, or never. Wins over the policy file's fail-on.
    #[arg(long, value_name = "LEVEL")]
    fail_on: Option<String>,
    /// Findings recorded in this baseline (by fingerprint) are reported as
    /// suppressed by the baseline and do not fail; only new ones do.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record the findings of this scan in FILE (JSON), then report them as
    /// the baseline: the run passes unless the policy file itself fails.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// The JSON report, or - for standard input.
    report: String,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// What to scan: Dockerfiles (a path, a directory holding a Dockerfile
    /// or Containerfile, or - for stdin) and images: docker-archive:PATH[:NAME:TAG]
    /// (docker save output, plain or gzip-compressed), oci:DIR[:REF],
    /// oci-archive:PATH[:REF], or such a path; docker://HOST[:PORT]/REPO[:TAG|@DIGEST]
    /// from a registry (short names as Docker reads them); docker-daemon:NAME[:TAG]
    /// from the Docker engine; lxd:PATH or lxd:METADATA,ROOTFS, an LXD/Incus
    /// image (or its path). Default: ./Dockerfile, else ./Containerfile
    targets: Vec<String>,
    /// Search each directory target, and the directories in it, for
    /// Dockerfiles, Containerfiles, image archives, OCI layouts and LXD
    /// images, and scan all of them (in path order; symbolic links are not
    /// followed).
    #[arg(long, short)]
    recursive: bool,
    /// For hooks that pass every YAML file (pre-commit): a YAML target that
    /// is neither a Kubernetes manifest nor a Compose file is skipped, not
    /// an error (YAML that cannot be read still is one), and a Compose
    /// override file stands for the main file beside it, scanned once.
    #[arg(long)]
    skip_other_yaml: bool,
    /// What fingerprints call the image (with one image target): images
    /// that share one baseline are told apart by name. Without it an
    /// image's fingerprints rest only on what it holds, wherever it is read
    /// from (archive, layout, registry, daemon).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The Dockerfile the images were built from: findings that come from an
    /// instruction also point at its line.
    #[arg(long, value_name = "PATH")]
    dockerfile: Option<PathBuf>,
    /// The base image the images were built on, as any image target: only
    /// its config is read; its layers are the first of the image's, so
    /// they are the base's (the base image findings warn). For images whose
    /// history does not show where the base ends.
    #[arg(long, value_name = "TARGET")]
    base: Option<String>,
    /// Platform to pick from multi-platform images, as os/arch[/variant]. Default: the host's.
    #[arg(long, value_name = "OS/ARCH")]
    platform: Option<String>,
    /// Refuse to decompress more than this many bytes of layers per image
    /// (guards against decompression bombs). Suffixes K, M, G, T (powers of 1024).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64G")]
    max_uncompressed: u64,
    /// Also compute digests the scan does not need: the diff_id of each
    /// compressed layer (its blob digest, which the manifest pins, is always
    /// checked) and the LXD fingerprint of a split image whose rootfs is a
    /// squashfs (hashing the whole file). On by itself when an exception
    /// names images by digest (`sha256:…` or 12+ hex digits).
    #[arg(long)]
    full_digests: bool,
    /// Reach this registry (HOST or HOST:PORT) without verifying its TLS
    /// certificate, or over plain HTTP if it does not speak TLS; repeatable.
    /// Loopback registries always are.
    #[arg(long = "insecure-registry", value_name = "HOST")]
    insecure_registries: Vec<String>,
    /// User name for docker:// registries (with --password-stdin); never
    /// sent to the registries manifests name (--images). Without it,
    /// credentials come from REGISTRY_AUTH_FILE, DOCKER_CONFIG or
    /// ~/.docker/config.json (auths, credHelpers, credsStore).
    #[arg(long, value_name = "USER", requires = "password_stdin")]
    username: Option<String>,
    /// Read the registry password (or token) from standard input.
    #[arg(long, requires = "username")]
    password_stdin: bool,
    /// Give up on a registry or Docker daemon that stays silent this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    registry_timeout: u64,
    /// Also scan the images the Kubernetes manifests and Compose files
    /// name, and judge each container with its image: the effective user
    /// (`runAsUser`, else the image's USER), whether `runAsNonRoot: true`
    /// lets it start, and which exposed ports are published. Where the
    /// images come from: `registry` (docker://REF, the default), `daemon`
    /// (docker-daemon:REF) or `mapped` (only those --image maps).
    #[arg(
        long,
        value_name = "FROM",
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "registry"
    )]
    images: Option<ImagesFrom>,
    /// With --images: scan TARGET (an image archive, an OCI layout,
    /// docker-daemon:…, docker://…) for the image reference REF a manifest
    /// names, e.g. registry.example/app:1.4=app.tar; repeatable. Given
    /// alone, it means --images=mapped.
    #[arg(long = "image", value_name = "REF=TARGET", value_parser = parse_image_map)]
    image_map: Vec<(String, String)>,
    #[command(flatten)]
    output: OutputArgs,
    /// Set a build argument, as `docker build --build-arg NAME=VALUE`.
    #[arg(long = "build-arg", value_name = "NAME=VALUE", value_parser = parse_build_arg)]
    build_args: Vec<(String, String)>,
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    advisories: AdvisoryArgs,
}

/// What packages are matched against (the vulnerability policies, SQ31xxx).
#[derive(clap::Args)]
struct AdvisoryArgs {
    /// The advisory database (made by `portcullis db update` or `db import`).
    /// Default: PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/advisories.db,
    /// else ~/.cache/portcullis/advisories.db. Without one, the
    /// vulnerability policies are listed as not applicable.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Refuse (exit 2) a database older than this: 36h, 7d, 2w. Without it,
    /// one older than 7 days is a warning.
    #[arg(long, value_name = "AGE", value_parser = portcullis::advisories::parse_duration)]
    db_max_age: Option<std::time::Duration>,
    /// A VEX document (OpenVEX or CycloneDX JSON): its `not_affected` and
    /// `fixed` statements suppress the vulnerabilities they name for the
    /// products and packages they name, with their justification shown.
    /// Repeatable.
    #[arg(long, value_name = "FILE")]
    vex: Vec<PathBuf>,
}

/// Where reports go; shared by `scan` and `convert`.
#[derive(clap::Args)]
struct OutputArgs {
    /// Report format; repeat it for several reports in one run. FORMAT alone
    /// goes to standard output (or --output), FORMAT=PATH to that file,
    /// written atomically (FORMAT=- is standard output). Formats: human,
    /// json, sarif, junit, markdown, html, cyclonedx, spdx, codequality,
    /// gitlab-container-scanning.
    /// Default: human; when every format given has a file, the human report
    /// still goes to standard output.
    #[arg(long, short, value_name = "FORMAT[=PATH]", value_parser = parse_format_spec)]
    format: Vec<FormatSpec>,
    /// Write the report that would go to standard output (the format given
    /// without a file, or human) to FILE instead; - is standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print nothing on standard output; the exit status tells the verdict.
    /// Files are still written.
    #[arg(long, short)]
    quiet: bool,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Leave suppressed findings (exception, baseline, inline) out of the
    /// human, Markdown and HTML listings; their summary still counts them.
    /// JSON, SARIF and the others keep every finding.
    #[arg(long)]
    hide_suppressed: bool,
}

impl OutputArgs {
    /// `--output`, unless it is `-` (standard output).
    fn output_file(&self) -> Option<&PathBuf> {
        self.output.as_ref().filter(|p| p.as_os_str() != "-")
    }
}

#[derive(Clone, Debug)]
struct FormatSpec {
    format: Format,
    path: Option<PathBuf>,
}

fn parse_format_spec(s: &str) -> Result<FormatSpec, String> {
    let (name, path) = match s.split_once('=') {
        Some((_, "")) => return Err("no file after '='".to_owned()),
        // `FORMAT=-` is standard output, as `FORMAT` alone.
        Some((name, "-")) => (name, None),
        Some((name, path)) => (name, Some(PathBuf::from(path))),
        None => (s, None),
    };
    let format = Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format (use {})", names.join(", "))
    })?;
    Ok(FormatSpec { format, path })
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown size suffix in {s:?} (use K, M, G or T)")),
            };
            (&s[..i], shift)
        }
        _ => (s, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("expected a size such as 512M or 64G, got {s:?}"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

fn parse_build_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {s:?}")),
    }
}

/// Where `--images` reads the images no `--image` maps.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImagesFrom {
    Registry,
    Daemon,
    Mapped,
}

fn parse_image_map(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((reference, target)) if !reference.is_empty() && !target.is_empty() => {
            Ok((reference.to_owned(), target.to_owned()))
        }
        _ => Err(format!("expected REF=TARGET, got {s:?}")),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Scan(args) => scan(*args),
        Command::Convert(args) => convert(args),
        Command::Db(command) => db_command::run(command),
        Command::Completions { shell } => commands::completions(shell, Cli::command()),
        Command::Man => commands::man(Cli::command()),
        Command::Config(ConfigCommand::Check { path }) => config_check(path),
        Command::Config(ConfigCommand::Schema { report }) => {
            if report {
                print!("{}", portcullis_policy::report_schema());
            } else {
                print!("{}", portcullis_policy::json_schema());
            }
            ExitCode::SUCCESS
        }
        Command::Rules { markdown, format } => commands::rules(match markdown {
            true => commands::RulesFormat::Markdown,
            false => format,
        }),
        Command::Explain { code } => commands::explain(&code),
    }
}

fn scan(args: ScanArgs) -> ExitCode {
    let clock = portcullis_policy::ScanClock::start();
    let plan = match Plan::new(&args.output) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let targets = if args.targets.is_empty() {
        vec![portcullis::walk::dockerfile_in(Path::new(""))
            .display()
            .to_string()]
    } else {
        args.targets
    };
    if let (Some(name), true) = (
        &args.name,
        args.images.is_some() || !args.image_map.is_empty(),
    ) {
        eprintln!("error: --name {name} names one image target, and --images scans the images manifests name (each by its reference): use one or the other");
        return ExitCode::from(2);
    }
    let targets = match expand_targets(targets, args.recursive, args.name.as_deref()) {
        Ok(targets) => targets,
        Err(e) => {
            eprintln!("error: {}", portcullis_report::printable(&e));
            return ExitCode::from(2);
        }
    };
    let targets = if args.skip_other_yaml {
        mains_for_overrides(targets)
    } else {
        targets
    };
    if targets.iter().filter(|t| *t == "-").count() > 1 {
        eprintln!("error: standard input (-) can be scanned only once");
        return ExitCode::from(2);
    }
    if let Err(e) = check_written_files(&args.output, &args.policy, &targets, &args.dockerfile) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let policy = match load_policy(&args.policy) {
        Ok(policy) => policy,
        Err(code) => return code,
    };
    let baseline = match &args.policy.baseline {
        Some(path) => {
            let shown = portcullis_report::printable(&path.display().to_string()).into_owned();
            let read = portcullis_policy::paths::read_regular(
                path,
                portcullis_policy::paths::MAX_DOCUMENT_BYTES,
            )
            .map_err(|e| format!("cannot read: {}", io_text(&e)))
            .and_then(|bytes| portcullis_policy::Baseline::from_json(&bytes));
            match read {
                Ok(baseline) => Some((shown, baseline)),
                Err(e) => {
                    eprintln!("error: {shown}: {}", portcullis_report::printable(&e));
                    return ExitCode::from(2);
                }
            }
        }
        None => None,
    };
    let (advisories, advisory_notes) = match portcullis::advisories::Advisories::load(
        args.advisories.db.as_deref(),
        &args.advisories.vex,
        args.advisories.db_max_age,
    ) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {}", portcullis_report::printable(&e));
            return ExitCode::from(2);
        }
    };
    for warning in &advisory_notes.warnings {
        eprintln!("warning: {}", portcullis_report::printable(warning));
    }
    let no_database = match &advisories {
        portcullis::advisories::Advisories::Missing { reason } => Some(reason.clone()),
        portcullis::advisories::Advisories::Loaded(_) => None,
    };
    let credentials = match (&args.username, args.password_stdin) {
        (Some(username), true) => {
            let mut password = String::new();
            if let Err(e) = std::io::stdin().read_line(&mut password) {
                eprintln!(
                    "error: cannot read the password from standard input: {}",
                    io_text(&e)
                );
                return ExitCode::from(2);
            }
            Some(portcullis_image::Credentials {
                username: username.clone(),
                password: password.trim_end_matches(['\n', '\r']).to_owned(),
            })
        }
        _ => None,
    };
    let scanner = Scanner {
        registry: portcullis_image::RegistryOptions {
            insecure: args.insecure_registries,
            credentials,
            timeout: std::time::Duration::from_secs(args.registry_timeout.max(1)),
        },
        policy,
        advisories,
        build_args: args.build_args,
        keep_source: plan.renders(Format::Human) || plan.renders(Format::Html),
        platform: args.platform,
        max_uncompressed: args.max_uncompressed,
        full_digests: args.full_digests,
        dockerfile: args.dockerfile,
        skip_other_yaml: args.skip_other_yaml,
        images: match (args.images, args.image_map.is_empty()) {
            (None, true) => None,
            (from, _) => Some(portcullis::ImageSources {
                mapped: args.image_map,
                others: match from {
                    Some(ImagesFrom::Registry) => portcullis::ImageOrigin::Registry,
                    Some(ImagesFrom::Daemon) => portcullis::ImageOrigin::Daemon,
                    Some(ImagesFrom::Mapped) | None => portcullis::ImageOrigin::Mapped,
                },
            }),
        },
        name: args.name,
        base: args.base,
        // Outside a project, fingerprints name files relative to the
        // baseline's directory (docs/policy.md, "Baselines").
        fingerprint_roots: args
            .policy
            .baseline
            .iter()
            .chain(&args.policy.write_baseline)
            .filter_map(|b| std::path::absolute(b).ok()?.parent().map(Path::to_path_buf))
            .collect(),
        ..Scanner::default()
    };
    let bar = (!args.output.quiet && std::io::stderr().is_terminal()).then(progress_bar);
    let scanner = Scanner {
        progress: bar
            .clone()
            .map(|bar| -> Box<dyn Fn(Progress) + Send + Sync> {
                let started = std::time::Instant::now();
                Box::new(move |p| {
                    match p {
                        Progress::Image { layer_bytes } => bar.inc_length(layer_bytes),
                        Progress::Read(n) => bar.inc(n),
                    }
                    // Only scans that take more than a moment show a bar.
                    if bar.is_hidden() && started.elapsed() > std::time::Duration::from_millis(300)
                    {
                        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    }
                })
            }),
        ..scanner
    };
    let results = scanner.scan_all(&targets);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let unconsumed = scanner.unconsumed_build_args();
    if !unconsumed.is_empty() {
        // As `docker build` warns; a scan of images alone consumes none.
        eprintln!(
            "warning: one or more build-args [{}] were not consumed: no Dockerfile scanned declares them with ARG",
            portcullis_report::printable(&unconsumed.join(" "))
        );
    }
    let mut reports = Vec::with_capacity(targets.len());
    let mut failed = false;
    for result in results {
        match result {
            Ok(found) => reports.extend(found),
            Err(e) => {
                eprintln!("error: {}", portcullis_report::printable(&e.to_string()));
                failed = true;
            }
        }
    }
    if failed {
        // Nothing is written when any target could not be scanned: a partial
        // report would read as a pass for the targets it leaves out.
        return ExitCode::from(2);
    }
    // Said once, on one line, and only when a scanned target has packages.
    if let Some(reason) = no_database {
        if reports.iter().any(|r| r.packages.is_some()) {
            eprintln!(
                "note: {}; the vulnerability policies (SQ31xxx) are not applicable",
                portcullis_report::printable(&reason)
            );
        }
    }
    if let Some(own) = scanner.policy.policy_findings(&reports) {
        reports.push(own);
    }
    // The baseline is written with the reports, all or none: a run whose
    // reports cannot be written leaves no baseline either.
    let mut baseline_write = None;
    if let Some(path) = &args.policy.write_baseline {
        let shown = portcullis_report::printable(&path.display().to_string()).into_owned();
        let recorded = portcullis_policy::Baseline::record(&reports);
        baseline_write = Some((path.as_path(), recorded.to_json()));
        recorded.apply(&shown, &mut reports);
    } else if let Some((shown, baseline)) = &baseline {
        baseline.apply(shown, &mut reports);
    }
    let baseline_file = (args.policy.write_baseline.as_ref())
        .or(args.policy.baseline.as_ref())
        .map(|p| p.display().to_string());
    let report = scanner.report_of_scan(reports, &clock, baseline_file);
    plan.emit(&report, baseline_write)
}

/// The targets to scan: directories searched with `--recursive`, and
/// `--name` checked to name one image.
fn expand_targets(
    targets: Vec<String>,
    recursive: bool,
    name: Option<&str>,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for target in targets {
        let dir = Path::new(&target);
        let searched = recursive && dir.is_dir() && !dir.join("oci-layout").is_file();
        if !searched {
            // A directory's Dockerfile, and the manifests and Compose
            // files beside it; the Dockerfile alone (or the error that
            // names it) when there are none.
            let beside = if dir.is_dir() && !portcullis_image::is_image(dir) {
                portcullis::manifests::manifests_in(dir)
            } else {
                Vec::new()
            };
            if beside.is_empty() {
                out.push(target);
            } else {
                if portcullis::walk::dockerfile_in(dir).is_file() {
                    out.push(target);
                }
                out.extend(beside.iter().map(|p| p.display().to_string()));
            }
            continue;
        }
        let found = portcullis::walk::find_targets(dir)?;
        if found.is_empty() {
            return Err(format!(
                "{target}: nothing to scan: no Dockerfile, Containerfile, Kubernetes manifest, Compose file, image archive, OCI layout or LXD image in it"
            ));
        }
        out.extend(found);
    }
    // That the one target is an image is checked as it is read (a gzip
    // archive is not decompressed twice to tell).
    if let Some(name) = name.filter(|_| out.len() > 1) {
        return Err(format!(
            "--name {name}: names one image, but {} targets are given; scan each image with its own --name",
            out.len()
        ));
    }
    Ok(out)
}

/// Each Compose override file target replaced by the main file beside it
/// (which `docker compose` reads it with), every target once, in order.
fn mains_for_overrides(targets: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(targets.len());
    for target in targets {
        let path = Path::new(&target);
        let main = match (path.parent(), path.file_name().and_then(|n| n.to_str())) {
            (Some(dir), Some(name)) if path.is_file() => {
                portcullis::manifests::main_of_override(dir, name)
                    .map(|main| main.display().to_string())
            }
            _ => None,
        };
        let target = main.unwrap_or(target);
        if !out.contains(&target) {
            out.push(target);
        }
    }
    out
}

fn load_policy(args: &PolicyArgs) -> Result<portcullis_policy::Policy, ExitCode> {
    use portcullis::config::ConfigChoice;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let choice = match (&args.config, args.no_config) {
        (_, true) => ConfigChoice::None,
        (Some(path), false) => ConfigChoice::File(path),
        (None, false) => ConfigChoice::Discover(&cwd),
    };
    portcullis::config::load_policy(choice, args.fail_on.as_deref()).map_err(|errors| {
        portcullis::config::print_errors(&errors);
        ExitCode::from(2)
    })
}

fn config_check(path: Option<PathBuf>) -> ExitCode {
    let (path, shown) = match path {
        Some(path) => {
            let shown = path.display().to_string();
            (path, shown)
        }
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match portcullis_policy::discover(&cwd) {
                Some(found) => found,
                None => {
                    eprintln!(
                        "error: no {} in the working directory or above",
                        portcullis_policy::FILE_NAME
                    );
                    return ExitCode::from(2);
                }
            }
        }
    };
    match portcullis_policy::Policy::load(&path, &shown) {
        Ok(mut policy) => {
            match portcullis::config::today() {
                Ok(today) => policy.today = today,
                Err(e) => {
                    eprintln!("error: PORTCULLIS_TODAY: {e}");
                    return ExitCode::from(2);
                }
            }
            // Warnings do not fail the check (exit 0): the file is valid.
            for w in policy.warnings() {
                eprintln!("warning: {}", portcullis_report::printable(&w.to_string()));
            }
            let rules = portcullis_policy::known_codes().len() - policy.disabled.len();
            println!(
                "{}: ok ({rules} rules enabled, {} exception{}, fail-on {})",
                portcullis_report::printable(&shown),
                policy.exceptions.len(),
                if policy.exceptions.len() == 1 {
                    ""
                } else {
                    "s"
                },
                policy.fail_on.map_or("never", |s| s.as_str()),
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            portcullis::config::print_errors(&errors);
            ExitCode::from(2)
        }
    }
}

fn convert(args: ConvertArgs) -> ExitCode {
    let plan = match Plan::new(&args.output) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (shown, bytes) = if args.report == "-" {
        let read = portcullis_policy::paths::read_capped(
            std::io::stdin().lock(),
            portcullis_policy::paths::MAX_DOCUMENT_BYTES,
        );
        ("<stdin>".to_owned(), read)
    } else {
        (
            args.report.clone(),
            portcullis_policy::paths::read_regular(
                Path::new(&args.report),
                portcullis_policy::paths::MAX_DOCUMENT_BYTES,
            ),
        )
    };
    let shown = portcullis_report::printable(&shown).into_owned();
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {shown}: cannot read: {}", io_text(&e));
            return ExitCode::from(2);
        }
    };
    match portcullis_report::read_json(&bytes) {
        Ok(report) => plan.emit(&report, None),
        Err(e) => {
            eprintln!("error: {shown}: {}", portcullis_report::printable(&e));
            ExitCode::from(2)
        }
    }
}

/// "No such file or directory", without Rust's "(os error 2)".
fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Which reports go where, checked before any work is done.
struct Plan {
    /// `FORMAT=PATH` reports.
    files: Vec<(Format, PathBuf)>,
    /// The report for standard output, or for `--output`.
    main: Format,
    main_file: Option<PathBuf>,
    quiet: bool,
    color: Color,
    hide_suppressed: bool,
}

impl Plan {
    fn new(args: &OutputArgs) -> Result<Plan, String> {
        let mut main: Vec<Format> = Vec::new();
        let mut files: Vec<(Format, PathBuf)> = Vec::new();
        for spec in &args.format {
            match &spec.path {
                Some(path) => files.push((spec.format, path.clone())),
                None => main.push(spec.format),
            }
        }
        if main.len() > 1 {
            let names: Vec<&str> = main.iter().map(|f| f.name()).collect();
            return Err(format!(
                "only one report can go to {} ({} given); name a file for the others, e.g. --format {}=report.{}",
                if args.output_file().is_some() { "--output" } else { "standard output" },
                names.join(", "),
                main[1],
                extension(main[1])
            ));
        }
        let mut paths: Vec<&PathBuf> = files.iter().map(|(_, p)| p).collect();
        paths.extend(args.output_file());
        let keys: Vec<PathBuf> = paths.iter().map(|p| file_key(p)).collect();
        for (i, p) in paths.iter().enumerate() {
            if keys[..i].contains(&keys[i]) {
                return Err(format!(
                    "{}: two reports would be written to the same file",
                    portcullis_report::printable(&p.display().to_string())
                ));
            }
        }
        Ok(Plan {
            files,
            main: main.first().copied().unwrap_or(Format::Human),
            main_file: args.output_file().cloned(),
            quiet: args.quiet,
            color: args.color,
            hide_suppressed: args.hide_suppressed,
        })
    }

    /// Whether any report is rendered in `format`.
    fn renders(&self, format: Format) -> bool {
        self.main == format || self.files.iter().any(|(f, _)| *f == format)
    }

    /// Render every report, write the files (all or none), print the main
    /// report and exit by the verdict.
    fn emit(
        &self,
        report: &portcullis_policy::Report,
        baseline: Option<(&Path, String)>,
    ) -> ExitCode {
        let file_color = self.color == Color::Always;
        let hide_suppressed = self.hide_suppressed;
        let render = |format, report, color| {
            let options = portcullis_report::RenderOptions {
                color,
                hide_suppressed,
            };
            portcullis_report::render_with(format, report, options)
        };
        let mut writes: Vec<(&Path, String)> = self
            .files
            .iter()
            .map(|(format, path)| (path.as_path(), render(*format, report, file_color)))
            .collect();
        let mut stdout_text = None;
        match &self.main_file {
            Some(path) => writes.push((path.as_path(), render(self.main, report, file_color))),
            None if !self.quiet => {
                let color = match self.color {
                    Color::Always => true,
                    Color::Never => false,
                    Color::Auto => {
                        std::io::stdout().is_terminal()
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    }
                };
                stdout_text = Some(render(self.main, report, color));
            }
            None => {}
        }
        let baseline_path = baseline.as_ref().map(|(path, _)| *path);
        writes.extend(baseline);
        if let Err((path, e)) = write_all_atomically(&writes) {
            let what = if Some(path) == baseline_path {
                "baseline"
            } else {
                "report"
            };
            eprintln!(
                "error: {}: cannot write the {what}: {}",
                portcullis_report::printable(&path.display().to_string()),
                io_text(&e)
            );
            return ExitCode::from(2);
        }
        if let Some(text) = stdout_text {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A reader that went away (`| head`) needs no message; a
                // full disk or device does.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!(
                        "error: standard output: cannot write the report: {}",
                        io_text(&e)
                    );
                }
                return ExitCode::from(2);
            }
        }
        match report.verdict {
            Verdict::Pass => ExitCode::SUCCESS,
            Verdict::Fail => ExitCode::from(1),
        }
    }
}

/// What tells two report paths apart: the real directory and the name, so
/// `r.json`, `./r.json` and `dir/../r.json` are one file.
/// The files a scan writes (reports, `--write-baseline`) must differ from
/// each other (Plan::new checks the reports among themselves) and from
/// every file it reads: the targets, their Dockerfiles, `--dockerfile`,
/// `--baseline`, the policy file.
fn check_written_files(
    output: &OutputArgs,
    policy: &PolicyArgs,
    targets: &[String],
    dockerfile: &Option<PathBuf>,
) -> Result<(), String> {
    let shown = |p: &Path| portcullis_report::printable(&p.display().to_string()).into_owned();
    let reports: Vec<&PathBuf> = output
        .format
        .iter()
        .filter_map(|spec| spec.path.as_ref())
        .chain(output.output_file())
        .collect();
    if let Some(base) = &policy.write_baseline {
        if reports.iter().any(|r| file_key(r) == file_key(base)) {
            return Err(format!(
                "{}: the baseline and a report would be written to the same file",
                shown(base)
            ));
        }
    }
    // A Compose file's includes must exist to be read: when no report or
    // baseline path is an existing file, none can be one, and no target has
    // to be read an extra time to find what it includes.
    let existing = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file());
    let includes_matter = reports
        .iter()
        .map(|p| p.as_path())
        .chain(policy.write_baseline.as_deref())
        .any(existing);
    let mut read: Vec<PathBuf> = Vec::new();
    for t in targets.iter().filter(|t| *t != "-") {
        let rest = ["docker-archive:", "oci-archive:", "oci:", "lxd:"]
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .unwrap_or(t);
        // `PATH:REF` and `lxd:META,ROOTFS` name files too: every part
        // before a `,` and every prefix before a `:` is taken as a path
        // read (a report named like one is refused, never the input lost).
        let mut paths = vec![rest.to_owned()];
        for part in rest.split(',') {
            paths.push(part.to_owned());
            paths.extend(part.match_indices(':').map(|(i, _)| part[..i].to_owned()));
        }
        for path in paths.iter().map(Path::new) {
            read.push(path.to_path_buf());
            let mut manifests = Vec::new();
            if path.is_dir() {
                // The file the scan reads there: its Dockerfile or
                // Containerfile, and the manifests beside it.
                read.push(portcullis::walk::dockerfile_in(path));
                manifests = portcullis::manifests::manifests_in(path);
                read.extend(manifests.iter().cloned());
            } else {
                manifests.push(path.to_path_buf());
            }
            // What a Compose main file brings: its override files and `.env`.
            for main in &manifests {
                let name = main
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let overrides = portcullis_manifests::compose::override_names(&name);
                if !overrides.is_empty() {
                    let dir = main.parent().unwrap_or(Path::new(""));
                    read.extend(overrides.iter().map(|o| dir.join(o)));
                    read.push(dir.join(".env"));
                }
                if includes_matter {
                    read.extend(portcullis::manifests::compose_includes(main));
                }
            }
        }
    }
    read.extend(dockerfile.iter().cloned());
    read.extend(policy.baseline.iter().cloned());
    read.extend(policy.config.iter().cloned());
    let read_keys: Vec<PathBuf> = read.iter().map(|p| file_key(p)).collect();
    for w in reports.iter().copied().chain(&policy.write_baseline) {
        if read_keys.contains(&file_key(w)) {
            return Err(format!(
                "{}: would overwrite a file this scan reads",
                shown(w)
            ));
        }
    }
    Ok(())
}

fn file_key(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let real_dir = absolute.parent().and_then(|d| d.canonicalize().ok());
    match (real_dir, absolute.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => absolute.components().collect(),
    }
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Human => "txt",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Junit => "xml",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Cyclonedx => "cdx.json",
        Format::Spdx => "spdx.json",
        Format::Codequality => "codequality.json",
        Format::GitlabContainerScanning => "container-scanning.json",
    }
}

/// Bytes of image layers read so far, hidden until the scan takes a moment.
fn progress_bar() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::hidden());
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} reading layers {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Write each file to a temporary file beside it, then rename them all:
/// readers never see half a report, and when any cannot be written none is.
fn write_all_atomically<'a>(
    writes: &'a [(&'a Path, String)],
) -> Result<(), (&'a Path, std::io::Error)> {
    enum Staged<'a> {
        Temp { tmp: PathBuf, path: &'a Path },
        // Devices such as /dev/null or /dev/stdout cannot be replaced by rename.
        Device { path: &'a Path, bytes: &'a [u8] },
    }
    let clean = |staged: &[Staged]| {
        for s in staged {
            if let Staged::Temp { tmp, .. } = s {
                let _ = std::fs::remove_file(tmp);
            }
        }
    };
    let mut staged = Vec::with_capacity(writes.len());
    for (path, text) in writes.iter() {
        if path.is_dir() {
            clean(&staged);
            return Err((
                path,
                std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory"),
            ));
        }
        if path.exists() && !path.is_file() {
            staged.push(Staged::Device {
                path,
                bytes: text.as_bytes(),
            });
            continue;
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (tmp, mut file) = match create_temp(dir, &name) {
            Ok(created) => created,
            Err(e) => {
                clean(&staged);
                return Err((path, e));
            }
        };
        if let Err(e) = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
        {
            let _ = std::fs::remove_file(&tmp);
            clean(&staged);
            return Err((path, e));
        }
        staged.push(Staged::Temp { tmp, path });
    }
    // Devices first: a write to one can fail (`/dev/full`) and cannot be
    // undone, while the renames after it almost never fail; so a failing
    // device leaves no report file behind.
    staged.sort_by_key(|s| matches!(s, Staged::Temp { .. }));
    for (i, s) in staged.iter().enumerate() {
        let result = match s {
            Staged::Temp { tmp, path } => std::fs::rename(tmp, path).map_err(|e| (*path, e)),
            Staged::Device { path, bytes } => std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| (*path, e)),
        };
        if let Err(e) = result {
            clean(&staged[i..]);
            return Err(e);
        }
    }
    Ok(())
}

/// A new file next to `name` in `dir`, under a name no one can predict, that
/// did not exist before (`O_CREAT|O_EXCL`: a planted file or symlink of that
/// name makes the attempt fail, never gets written through).
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::hash::{BuildHasher, Hasher};
    for _ in 0..16 {
        // RandomState is seeded from the operating system's randomness.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let tmp = dir.join(format!(".{name}.{:016x}.tmp", hasher.finish()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free temporary file name beside it",
    ))
}
