//! Known vulnerabilities. Advisory data is OSV (one schema for distributions
//! and language ecosystems) plus CISA's KEV catalog, kept in one compact
//! local database file ([`db`]); severities come from CVSS vectors scored by
//! our own code ([`cvss`]); VEX documents ([`vex`]) say what does not apply;
//! [`matching`] puts an image's package inventory against all of it.

pub mod cvss;
pub mod db;
pub mod epss;
pub mod kev;
pub mod matching;
pub mod osv;
pub mod source;
pub mod vex;
pub mod vulnerability;

pub use vulnerability::{Class, Epss, Fix, Kev, Severity, VexVerdict, Vulnerability};
