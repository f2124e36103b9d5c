//! The policies: the [`Subject`] model they read, the [`registry`] of rules,
//! and one module per rule under [`rules`].

pub mod finding;
pub mod reference;
pub mod registry;
pub mod rules;
pub mod shell;
pub mod signatures;
pub mod subject;
pub mod together;
mod util;

pub use finding::{
    Category, Finding, Findings, Located, Location, SecretValue, Severity, Suppressed,
    VulnerabilityRef,
};
pub use registry::{check, scope_to_build, Doc, Rule, RULES};
pub use subject::packages::LicenseLists;
pub use subject::{from_dockerfile, from_image, from_lxd, Subject, SubjectKind};
