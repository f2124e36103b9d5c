//! `portcullis`: the command line. Parses arguments, runs the [`Scanner`],
//! renders, and exits 0 (pass), 1 (policy failed) or 2 (could not scan).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use portcullis::{Progress, Scanner};
use portcullis_policy::Verdict;
use portcullis_report::{render_human, render_json, HumanOptions};

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
    /// Check Dockerfiles against the policies. Exit status: 0 pass, 1 policy failed, 2 could not scan.
    Scan(ScanArgs),
    /// List the rules: code, name, severity, title.
    Rules {
        /// Print the generated rules documentation (docs/rules.md) instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code, e.g. SQ40104.
        code: String,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// What to scan: images (docker-archive:PATH[:NAME:TAG], oci:DIR[:REF],
    /// oci-archive:PATH[:REF], or such a path) and Dockerfiles (a path, a
    /// directory holding a Dockerfile, or - for stdin). Default: ./Dockerfile
    targets: Vec<String>,
    /// The Dockerfile the images were built from: findings that come from an
    /// instruction also point at its line.
    #[arg(long, value_name = "PATH")]
    dockerfile: Option<PathBuf>,
    /// Platform to pick from multi-platform images, as os/arch[/variant]. Default: the host's.
    #[arg(long, value_name = "OS/ARCH")]
    platform: Option<String>,
    /// Refuse to decompress more than this many bytes of layers per image
    /// (guards against decompression bombs). Suffixes K, M, G, T (powers of 1024).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64G")]
    max_uncompressed: u64,
    /// Report format.
    #[arg(long, short, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print nothing on standard output; the exit status tells the verdict.
    #[arg(long, short)]
    quiet: bool,
    /// Set a build argument, as `docker build --build-arg NAME=VALUE`.
    #[arg(long = "build-arg", value_name = "NAME=VALUE", value_parser = parse_build_arg)]
    build_args: Vec<(String, String)>,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Scan(args) => scan(args),
        Command::Rules { markdown } => {
            if markdown {
                print!("{}", portcullis_rules::registry::markdown());
            } else {
                for r in portcullis_rules::RULES {
                    println!(
                        "{:<8} {:<30} {:<7} {}",
                        r.code,
                        r.name,
                        r.severity.as_str(),
                        r.title
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Explain { code } => match portcullis_rules::registry::find(&code) {
            Some(rule) => {
                print!("{}", portcullis_rules::registry::explain(rule));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no rule {code:?}; `portcullis rules` lists them");
                ExitCode::from(2)
            }
        },
    }
}

fn scan(args: ScanArgs) -> ExitCode {
    let targets = if args.targets.is_empty() {
        vec!["Dockerfile".to_owned()]
    } else {
        args.targets
    };
    if targets.iter().filter(|t| *t == "-").count() > 1 {
        eprintln!("error: standard input (-) can be scanned only once");
        return ExitCode::from(2);
    }
    let scanner = Scanner {
        build_args: args.build_args,
        keep_source: args.format == Format::Human,
        platform: args.platform,
        max_uncompressed: args.max_uncompressed,
        dockerfile: args.dockerfile,
        ..Scanner::default()
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(progress_bar);
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
    let report = Scanner::report(reports);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let rendered = match args.format {
        Format::Human => render_human(&report, HumanOptions { color }),
        Format::Json => render_json(&report),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = write_atomically(path, rendered.as_bytes()) {
                eprintln!("error: {}: cannot write the report: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        None if !args.quiet => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(rendered.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
        }
        None => {}
    }
    match report.verdict {
        Verdict::Pass => ExitCode::SUCCESS,
        Verdict::Fail => ExitCode::from(1),
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

/// Write to a temporary file beside `path`, then rename: readers never see half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Devices such as /dev/null or /dev/stdout cannot be replaced by rename.
    if path.exists() && !path.is_file() {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(bytes);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
