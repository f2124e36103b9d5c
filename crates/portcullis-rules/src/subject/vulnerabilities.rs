//! The known vulnerabilities of a subject's packages, as the CLI matched
//! them against the advisory database before the rules run
//! (`portcullis-advisories`): the rules only choose a code for each and
//! write the finding.

use std::sync::Arc;

use portcullis_advisories::Vulnerability;

/// What the vulnerability policies have to go on.
#[derive(Clone, Debug, Default)]
pub enum VulnerabilityScan {
    /// Nothing to match (a Dockerfile, or no package pass).
    #[default]
    NotRun,
    /// There are packages but no advisory database: the policies are not
    /// applicable, for this reason (and how to get one).
    NoDatabase {
        reason: String,
    },
    Matched(Arc<Matched>),
}

/// The vulnerabilities found, once per (vulnerability, package).
#[derive(Clone, Debug, Default)]
pub struct Matched {
    /// Sorted by package (inventory order), then id.
    pub vulnerabilities: Vec<Vulnerability>,
    /// The index in the inventory of each vulnerability's package.
    pub packages: Vec<usize>,
    /// An EPSS file is loaded (SQ31102 applies).
    pub has_epss: bool,
    /// The EPSS score from which a vulnerability counts as exploited for
    /// SQ31102 (the policy file's `[vulnerabilities] epss-threshold`).
    pub epss_threshold: f32,
    /// What could not be matched, one line each (no advisories for the
    /// distribution's release, versions the ecosystem's order rejects).
    pub notes: Vec<String>,
    /// Unfixed vulnerabilities left out because the policy file says
    /// `ignore-unfixed`.
    pub unfixed_ignored: usize,
}
