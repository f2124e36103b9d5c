//! What a scan matches packages against: the local advisory database
//! (`portcullis db …`) and the VEX documents given with `--vex`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use portcullis_advisories::db::Database;
use portcullis_advisories::matching::{match_inventory, MatchOptions};
use portcullis_advisories::vex::{ImageIdentity, VexSet};
use portcullis_rules::subject::vulnerabilities::{Matched, VulnerabilityScan};

/// A database older than this is named in a warning (`--db-max-age` makes
/// an age an error instead).
pub const WARN_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The advisory data of a scan.
#[derive(Clone, Debug)]
pub enum Advisories {
    /// No database: the vulnerability policies are not applicable, with
    /// this reason.
    Missing {
        reason: String,
    },
    Loaded(Arc<Loaded>),
}

impl Default for Advisories {
    fn default() -> Self {
        Advisories::Missing {
            reason: "no advisory database was given to the scanner".into(),
        }
    }
}

#[derive(Debug)]
pub struct Loaded {
    pub db: Database,
    pub vex: VexSet,
    /// The database file.
    pub path: PathBuf,
}

/// What `load` has to say besides its result: a warning about the
/// database's age, or that there is none.
#[derive(Debug, Default)]
pub struct LoadNotes {
    pub warnings: Vec<String>,
}

impl Advisories {
    /// Open the database (`path`, else [`Database::default_path`]) and read
    /// the VEX documents. A missing database is not an error (the policies
    /// say why they are not applicable); a damaged one, a database older
    /// than `max_age`, or a VEX document that cannot be used is.
    pub fn load(
        path: Option<&Path>,
        vex_files: &[PathBuf],
        max_age: Option<Duration>,
    ) -> Result<(Advisories, LoadNotes), String> {
        let mut notes = LoadNotes::default();
        let mut vex = VexSet::new();
        for file in vex_files {
            let shown = portcullis_report::printable(&file.display().to_string()).into_owned();
            let bytes = portcullis_policy::paths::read_regular(
                file,
                portcullis_policy::paths::MAX_DOCUMENT_BYTES,
            )
            .map_err(|e| format!("{shown}: cannot read: {e}"))?;
            vex.load(file, &bytes).map_err(|e| e.to_string())?;
        }
        let path = match path.map(Path::to_path_buf).or_else(Database::default_path) {
            Some(path) => path,
            None => {
                return Ok((
                    Advisories::Missing {
                        reason: "no advisory database: neither --db, PORTCULLIS_DB, XDG_CACHE_HOME nor HOME says where one is".into(),
                    },
                    notes,
                ))
            }
        };
        let shown = portcullis_report::printable(&path.display().to_string()).into_owned();
        if !path.exists() {
            return Ok((
                Advisories::Missing {
                    reason: format!(
                        "no advisory database at {shown}: run `portcullis db update` (or `portcullis db import FILE` on a machine without network)"
                    ),
                },
                notes,
            ));
        }
        let db = Database::open(&path).map_err(|e| e.to_string())?;
        if let Some(age) = age(&db) {
            if let Some(max) = max_age {
                if age > max {
                    return Err(format!(
                        "{shown}: the advisory database is {} old, older than --db-max-age allows ({}): run `portcullis db update`",
                        age_text(age),
                        duration_text(max)
                    ));
                }
            } else if age > WARN_AGE {
                notes.warnings.push(format!(
                    "the advisory database {shown} is {} old: run `portcullis db update` (--db-max-age makes an old database an error)",
                    age_text(age)
                ));
            }
        }
        Ok((
            Advisories::Loaded(Arc::new(Loaded { db, vex, path })),
            notes,
        ))
    }

    /// Match the subject's packages, for the rules.
    pub(crate) fn scan(
        &self,
        subject: &portcullis_rules::Subject,
        image: &ImageIdentity,
        policy: &portcullis_policy::VulnerabilityPolicy,
    ) -> VulnerabilityScan {
        let Some(inventory) = &subject.packages else {
            return VulnerabilityScan::NotRun;
        };
        match self {
            Advisories::Missing { reason } => VulnerabilityScan::NoDatabase {
                reason: reason.clone(),
            },
            Advisories::Loaded(loaded) => {
                let found = match_inventory(
                    &loaded.db,
                    inventory,
                    &loaded.vex,
                    image,
                    MatchOptions {
                        ignore_unfixed: policy.ignore_unfixed,
                    },
                );
                VulnerabilityScan::Matched(Arc::new(Matched {
                    vulnerabilities: found.vulnerabilities,
                    packages: found.packages,
                    has_epss: loaded.db.has_epss(),
                    epss_threshold: policy.epss_threshold,
                    notes: found.notes,
                    unfixed_ignored: found.unfixed_ignored,
                }))
            }
        }
    }
}

impl Advisories {
    /// The database, for the report's scan block; `None` without one.
    pub fn db_info(&self) -> Option<portcullis_policy::AdvisoryDbInfo> {
        let Advisories::Loaded(loaded) = self else {
            return None;
        };
        let built = SystemTime::UNIX_EPOCH + Duration::from_secs(loaded.db.meta().built_at);
        Some(portcullis_policy::AdvisoryDbInfo {
            path: loaded.path.display().to_string(),
            built: portcullis_policy::scan::rfc3339(built),
            age_seconds: age(&loaded.db).map_or(0, |a| a.as_secs()),
        })
    }
}

/// How old the database's newest data is.
fn age(db: &Database) -> Option<Duration> {
    let built = SystemTime::UNIX_EPOCH + Duration::from_secs(db.meta().built_at);
    SystemTime::now().duration_since(built).ok()
}

/// `36h`, `7d`, `90m`, `5s`: as `--db-max-age` takes it.
fn duration_text(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s > 0 && s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `3.2 days`, `5 hours`, `12 minutes`, `40 seconds`.
fn age_text(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 86_400 {
        format!("{:.1} days", d.as_secs_f64() / 86_400.0)
    } else if secs >= 3600 {
        format!("{} hours", secs / 3600)
    } else if secs >= 60 {
        format!("{} minutes", secs / 60)
    } else {
        format!("{secs} seconds")
    }
}

/// `7d`, `36h`, `90m`, or seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("expected a duration such as 7d, 36h or 90m, got {text:?}"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("unknown unit in {text:?} (use s, m, h, d or w)")),
    };
    n.checked_mul(secs)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("duration {text:?} is too long"))
}

/// What identifies an image to VEX statements: its digest, references, and
/// a `pkg:oci` purl made from them.
pub(crate) fn image_identity(digest: &str, references: &[String]) -> ImageIdentity {
    let name = references.first().map(|r| {
        let without_tag = r
            .rsplit_once(':')
            .filter(|(_, tag)| !tag.contains('/'))
            .map_or(r.as_str(), |(n, _)| n);
        let without_digest = without_tag.split('@').next().unwrap_or(without_tag);
        without_digest
            .rsplit('/')
            .next()
            .unwrap_or(without_digest)
            .to_ascii_lowercase()
    });
    ImageIdentity {
        digest: (!digest.is_empty()).then(|| digest.to_owned()),
        names: references.to_vec(),
        purl: name
            .filter(|_| !digest.is_empty())
            .map(|n| format!("pkg:oci/{n}@{}", digest.replace(':', "%3A"))),
    }
}
