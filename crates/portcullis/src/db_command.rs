//! `portcullis db`: the local advisory database (update, import, export,
//! status). Exit status 0 done, 2 not done (the database is then as it was).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Subcommand;
use portcullis_advisories::db::{self, Database, Store, Timestamp};
use portcullis_advisories::source::{self, update, Report};

#[derive(Subcommand)]
pub enum DbCommand {
    /// Download the OSV archives of the catalogued ecosystems and CISA's KEV
    /// catalog (incrementally where the bucket's modified_id.csv allows).
    Update(UpdateArgs),
    /// Merge files into the database: OSV all.zip archives, directories of
    /// OSV JSON, single OSV records, the KEV JSON, EPSS csv/csv.gz, and
    /// files written by `db export`; each recognised by its content.
    Import {
        #[command(flatten)]
        db: DbPath,
        /// The files and directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Write the database as one file, for `db import` on a machine without
    /// network.
    Export {
        #[command(flatten)]
        db: DbPath,
        /// Where to write it.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the database's sources, record counts and age.
    Status {
        #[command(flatten)]
        db: DbPath,
        /// Machine-readable JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
pub struct DbPath {
    /// The database file. Default: PORTCULLIS_DB, else
    /// $XDG_CACHE_HOME/portcullis/advisories.db, else
    /// ~/.cache/portcullis/advisories.db.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    db: DbPath,
    /// The OSV bucket or a mirror of it (<URL>/<Ecosystem>/all.zip, …).
    /// Default: PORTCULLIS_OSV_URL, else the public OSV bucket.
    #[arg(long, value_name = "URL")]
    osv_url: Option<String>,
    /// The KEV catalog's JSON. Default: PORTCULLIS_KEV_URL, else CISA's feed.
    #[arg(long, value_name = "URL")]
    kev_url: Option<String>,
    /// Leave the KEV catalog as it is.
    #[arg(long, conflicts_with = "kev_url")]
    no_kev: bool,
    /// Also fetch EPSS scores (once loaded, later updates refresh them).
    #[arg(long)]
    epss: bool,
    /// The EPSS csv.gz. Default: PORTCULLIS_EPSS_URL, else FIRST's daily
    /// file. Implies --epss.
    #[arg(long, value_name = "URL")]
    epss_url: Option<String>,
    /// Only these OSV ecosystems (the bucket's directory names: Debian,
    /// Ubuntu, Alpine, "Red Hat", PyPI, npm, …). Repeatable or
    /// comma-separated. Default: all that portcullis catalogs.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    ecosystem: Vec<String>,
    /// Seconds to wait for a connection or data.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    timeout: u64,
    /// Print no progress.
    #[arg(long, short)]
    quiet: bool,
}

fn path_of(db: &DbPath) -> Result<PathBuf, String> {
    db.db
        .clone()
        .or_else(Database::default_path)
        .ok_or_else(|| {
            "no place for the advisory database: set --db, PORTCULLIS_DB, XDG_CACHE_HOME or HOME"
                .to_owned()
        })
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn fail(command: &str, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("portcullis db {command}: {message}");
    ExitCode::from(2)
}

pub fn run(command: DbCommand) -> ExitCode {
    match command {
        DbCommand::Update(args) => run_update(args),
        DbCommand::Import { db, paths } => run_import(&db, &paths),
        DbCommand::Export { db, file } => run_export(&db, &file),
        DbCommand::Status { db, json } => run_status(&db, json),
    }
}

fn print_warnings(report: &Report) {
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let untold = report.skipped.saturating_sub(report.warnings.len() as u64);
    if untold > 0 {
        eprintln!("warning: … and {untold} more skipped");
    }
}

fn summary(path: &Path, meta: &db::Meta, report: &Report, started: Instant) -> String {
    let c = &meta.counts;
    let mut parts = vec![format!(
        "{} records ({} new, {} replaced, {} withdrawn, {} older ignored, {} skipped)",
        c.records, report.added, report.replaced, report.withdrawn, report.older, report.skipped
    )];
    if c.kev > 0 || report.kev.is_some() {
        parts.push(format!("KEV {} entries", c.kev));
    }
    if c.epss > 0 || report.epss.is_some() {
        parts.push(format!("EPSS {} CVEs", c.epss));
    }
    format!(
        "{}: {}, in {:.1} s",
        path.display(),
        parts.join(", "),
        started.elapsed().as_secs_f64()
    )
}

/// Lock, load, change, write: the database is replaced only when `change`
/// succeeds.
fn transact(
    command: &str,
    path: &Path,
    change: impl FnOnce(&mut Store, &mut Report) -> Result<(), db::DbError>,
) -> ExitCode {
    let started = Instant::now();
    let _lock = match db::lock(path, &mut |lock| {
        eprintln!(
            "portcullis db {command}: waiting for another update of this database (lock {})",
            lock.display()
        )
    }) {
        Ok(l) => l,
        Err(e) => return fail(command, e),
    };
    let mut store = match Store::load(path) {
        Ok(s) => s,
        Err(e) => return fail(command, e),
    };
    let mut report = Report::default();
    if let Err(e) = change(&mut store, &mut report) {
        print_warnings(&report);
        return fail(command, format_args!("{e} (the database was not changed)"));
    }
    print_warnings(&report);
    match store.write(path) {
        Ok(meta) => {
            for note in &report.notes {
                eprintln!("{note}");
            }
            println!("{}", summary(path, &meta, &report, started));
            ExitCode::SUCCESS
        }
        Err(e) => fail(command, format_args!("{e} (the database was not changed)")),
    }
}

fn run_update(args: UpdateArgs) -> ExitCode {
    let path = match path_of(&args.db) {
        Ok(p) => p,
        Err(e) => return fail("update", e),
    };
    let ecosystems: Vec<String> = if args.ecosystem.is_empty() {
        update::ECOSYSTEMS.iter().map(|e| (*e).to_owned()).collect()
    } else {
        args.ecosystem
            .iter()
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty())
            .collect()
    };
    for e in &ecosystems {
        if !update::ECOSYSTEMS.iter().any(|k| k.eq_ignore_ascii_case(e)) {
            return fail(
                "update",
                format_args!(
                    "--ecosystem {e:?}: not one portcullis catalogs ({})",
                    update::ECOSYSTEMS.join(", ")
                ),
            );
        }
    }
    let ecosystems = ecosystems
        .iter()
        .filter_map(|e| {
            update::ECOSYSTEMS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(e))
                .map(|k| (*k).to_owned())
        })
        .collect();
    let epss_url = args
        .epss_url
        .clone()
        .unwrap_or_else(|| env_or("PORTCULLIS_EPSS_URL", update::DEFAULT_EPSS_URL));
    let explicit_epss = args.epss || args.epss_url.is_some();
    let options = update::Options {
        osv_url: args
            .osv_url
            .clone()
            .unwrap_or_else(|| env_or("PORTCULLIS_OSV_URL", update::DEFAULT_OSV_URL)),
        kev_url: (!args.no_kev).then(|| {
            args.kev_url
                .clone()
                .unwrap_or_else(|| env_or("PORTCULLIS_KEV_URL", update::DEFAULT_KEV_URL))
        }),
        epss_url: None,
        ecosystems,
        timeout: Duration::from_secs(args.timeout.max(1)),
        incremental_limit: update::INCREMENTAL_LIMIT,
    };
    let quiet = args.quiet;
    transact("update", &path, |store, report| {
        let mut options = options;
        let has_epss = store
            .sources()
            .iter()
            .any(|s| s.kind == db::SourceKind::Epss);
        if explicit_epss || has_epss {
            options.epss_url = Some(epss_url);
        }
        update::update(
            store,
            &path,
            &options,
            &mut |line| {
                if !quiet {
                    eprintln!("{line}");
                }
            },
            report,
        )
    })
}

fn run_import(db: &DbPath, paths: &[PathBuf]) -> ExitCode {
    let path = match path_of(db) {
        Ok(p) => p,
        Err(e) => return fail("import", e),
    };
    transact("import", &path, |store, report| {
        source::import(store, paths, report)
    })
}

fn run_export(db: &DbPath, file: &Path) -> ExitCode {
    let path = match path_of(db) {
        Ok(p) => p,
        Err(e) => return fail("export", e),
    };
    let database = match Database::open(&path) {
        Ok(d) => d,
        Err(e) => return fail("export", e),
    };
    let bytes = match database.file_bytes() {
        Ok(b) => b,
        Err(e) => return fail("export", e),
    };
    if let Err(e) = db::write_file(file, &bytes) {
        return fail("export", e);
    }
    let c = &database.meta().counts;
    println!(
        "{}: {} records, KEV {} entries, EPSS {} CVEs ({} bytes)",
        file.display(),
        c.records,
        c.kev,
        c.epss,
        database.len()
    );
    ExitCode::SUCCESS
}

fn age(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} seconds"),
        s if s < 2 * 3600 => format!("{} minutes", s / 60),
        s if s < 2 * 86_400 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

fn when(unix: u64) -> String {
    Timestamp {
        secs: i64::try_from(unix).unwrap_or(i64::MAX),
        nanos: 0,
    }
    .to_string()
}

fn run_status(db: &DbPath, json: bool) -> ExitCode {
    let path = match path_of(db) {
        Ok(p) => p,
        Err(e) => return fail("status", e),
    };
    let database = match Database::open(&path) {
        Ok(d) => d,
        Err(e) => return fail("status", e),
    };
    let meta = database.meta();
    let now = u64::try_from(Timestamp::now().secs).unwrap_or(0);
    let age_seconds = now.saturating_sub(meta.built_at);
    if json {
        println!("{}", db::status_json(&database, now));
        return ExitCode::SUCCESS;
    }
    let c = &meta.counts;
    println!(
        "database  {} ({:.1} MiB, format {})",
        path.display(),
        database.len() as f64 / (1024.0 * 1024.0),
        db::format::VERSION
    );
    println!(
        "written   {} ({} ago)",
        when(meta.built_at),
        age(age_seconds)
    );
    println!(
        "records   {} ({} withdrawn ids remembered), {} affected entries, {} packages in {} ecosystems",
        c.records, c.withdrawn, c.affected, c.packages, c.ecosystems
    );
    println!(
        "kev       {}",
        if database.has_kev() {
            format!("{} entries", c.kev)
        } else {
            "not loaded".into()
        }
    );
    println!(
        "epss      {}",
        if database.has_epss() {
            format!("{} CVEs", c.epss)
        } else {
            "not loaded (SQ31102 is not applicable; `db update --epss` loads it)".into()
        }
    );
    if meta.sources.is_empty() {
        println!("sources   none");
    } else {
        println!("sources");
    }
    for s in &meta.sources {
        let unit = match s.kind {
            db::SourceKind::Osv { .. } => "records",
            db::SourceKind::Kev => "entries",
            db::SourceKind::Epss => "CVEs",
        };
        let mut line = format!(
            "  {:<18} {}  fetched {}  {} {unit}",
            s.kind.to_string(),
            s.origin,
            when(s.fetched_at),
            s.records
        );
        if let Some(n) = &s.newest_modified {
            line.push_str(&format!("  newest {n}"));
        }
        if let Some(v) = &s.version {
            line.push_str(&format!("  version {v}"));
        }
        println!("{line}");
    }
    ExitCode::SUCCESS
}
