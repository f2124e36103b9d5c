//! How the package policies (licenses, vulnerabilities) name a package and
//! where they report it.

use portcullis_packages::{Ecosystem, InstalledPackage, Inventory};

use crate::finding::{Located, Location};
use crate::subject::Subject;

/// How a package is named in messages: `deb package bash 5.2.15-2+b13`,
/// `npm package @babel/runtime 7.27.0`, `golang package
/// golang.org/x/text v0.14.0`; with the architecture when another package
/// has the same name and version (`same_name`: `deb package libzstd1 1.5.4
/// (i386)`).
pub(crate) fn label(pkg: &InstalledPackage, same_name: bool) -> String {
    let arch = match (&pkg.arch, same_name) {
        (Some(arch), true) => format!(" ({arch})"),
        _ => String::new(),
    };
    format!(
        "{} package {} {}{arch}",
        pkg.ecosystem,
        full_name(pkg),
        pkg.version
    )
}

/// The package's name with its namespace, as its ecosystem writes it.
pub(crate) fn full_name(pkg: &InstalledPackage) -> String {
    match (&pkg.namespace, pkg.ecosystem) {
        (Some(ns), Ecosystem::Maven) => format!("{ns}:{}", pkg.name),
        (Some(ns), Ecosystem::Npm | Ecosystem::Golang | Ecosystem::Composer) => {
            format!("{ns}/{}", pkg.name)
        }
        _ => pkg.name.clone(),
    }
}

/// Which packages of the inventory share type, name and version with
/// another (a multi-arch library), so messages name their architecture.
pub(crate) fn same_names(inventory: &Inventory) -> Vec<bool> {
    let mut keys: Vec<_> = inventory.packages.iter().map(key).collect();
    keys.sort();
    inventory
        .packages
        .iter()
        .map(|p| {
            let k = key(p);
            let at = keys.partition_point(|x| *x < k);
            keys.get(at + 1) == Some(&k)
        })
        .collect()
}

/// What tells packages apart in messages, but for the architecture.
fn key(p: &InstalledPackage) -> (&'static str, Option<&str>, &str, &str) {
    (
        p.ecosystem.purl_type(),
        p.namespace.as_deref(),
        &p.name,
        &p.version,
    )
}

pub(crate) fn layer_location(subject: &Subject, layer: usize, path: &str) -> Location {
    let digest = subject
        .image
        .as_ref()
        .and_then(|i| i.diff_ids.get(layer).cloned())
        .unwrap_or_default();
    Location::Layer {
        index: layer,
        digest,
        path: path.to_owned(),
        line: None,
        column: None,
    }
}

/// The package's first evidence, the others related. The snippet names
/// the package (type, namespace, name, arch; not the version, so an upgrade
/// keeps the finding), then `key` (a vulnerability's id): the fingerprint
/// holds it, as many packages share one database file.
pub(crate) fn located(
    subject: &Subject,
    pkg: &InstalledPackage,
    key: &str,
) -> (Located, Vec<Location>) {
    let mut places = pkg
        .evidence
        .iter()
        .map(|e| layer_location(subject, e.layer, &e.path));
    let first = places
        .next()
        .unwrap_or_else(|| layer_location(subject, pkg.layer.unwrap_or(0), "/"));
    let related = places.collect();
    let mut snippet = format!(
        "{}/{}/{}/{}",
        pkg.ecosystem,
        pkg.namespace.as_deref().unwrap_or(""),
        pkg.name,
        pkg.arch.as_deref().unwrap_or("")
    );
    if !key.is_empty() {
        snippet.push('/');
        snippet.push_str(key);
    }
    (
        Located {
            location: first,
            snippet,
        },
        related,
    )
}

/// The history entry that made the layer which introduced the package,
/// as the subject locates it (with `--dockerfile`, the CLI relates it to
/// the instruction).
pub(crate) fn installed_by(subject: &Subject, pkg: &InstalledPackage) -> Option<Location> {
    layer_step(subject, pkg.layer?)
}

/// The history entry that made `layer`, as the subject locates it.
pub(crate) fn layer_step(subject: &Subject, layer: usize) -> Option<Location> {
    let image = subject.image.as_ref()?;
    let entry = image.layer_history.get(layer).copied().flatten()?;
    subject
        .steps
        .iter()
        .map(|s| &s.at.location)
        .find(|l| matches!(l, Location::History { index, .. } if *index == entry))
        .cloned()
}
