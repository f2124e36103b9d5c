//! Composer (PHP): `…/vendor/composer/installed.json`, Composer's record of
//! what it installed into that `vendor` directory.
//!
//! - Composer 2 writes `{"packages": [...], "dev": …, "dev-package-names":
//!   [...]}`; Composer 1 wrote the package array alone. Both are read.
//! - Each package: `name` `vendor/pkg` → namespace `vendor`, name `pkg` (as
//!   written; Composer names are lower case); `version` as written (`v2.0.0`,
//!   `dev-main`), which is what `composer show` prints and what
//!   Packagist's and the advisories' version strings are;
//!   `version_normalized` (`2.0.0.0`) only when `version` is missing; the
//!   `license` array (or a string) raw. A package without a name or a
//!   version is a note. Packages installed for development
//!   (`dev-package-names`) are installed too, and listed.
//! - Read whole up to [`INSTALLED_CAP`] into typed structures that keep
//!   only these fields (serde_json's recursion limit bounds nesting).
//!
//! The project's `composer.lock` is what would be installed: not read.

use serde::Deserialize;
use serde_json::Value;

use crate::catalog::{FileCataloger, Whole};
use crate::model::{Ecosystem, Found, Package};

/// The largest installed.json read (about 1.5 KiB per package).
pub const INSTALLED_CAP: usize = 32 << 20;

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    (path == "vendor/composer/installed.json" || path.ends_with("/vendor/composer/installed.json"))
        .then(|| Whole::new(path, size, INSTALLED_CAP, parse) as Box<dyn FileCataloger>)
}

#[derive(Deserialize)]
struct Installed {
    packages: Option<Vec<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    name: Option<Value>,
    version: Option<Value>,
    version_normalized: Option<Value>,
    license: Option<Value>,
}

/// The packages of an installed.json.
pub fn parse(_path: &str, bytes: &[u8]) -> Found {
    let mut found = Found::default();
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let entries: Result<Vec<Entry>, _> = match first {
        Some(b'[') => serde_json::from_slice(bytes),
        _ => serde_json::from_slice::<Installed>(bytes).map(|i| i.packages.unwrap_or_default()),
    };
    let entries = match entries {
        Ok(e) => e,
        Err(e) => {
            found
                .notes
                .push(format!("not a JSON Composer installed.json: {e}"));
            return found;
        }
    };
    for (i, e) in entries.into_iter().enumerate() {
        let name = e
            .name
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        let version = e
            .version
            .as_ref()
            .and_then(Value::as_str)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| e.version_normalized.as_ref().and_then(Value::as_str))
            .unwrap_or_default()
            .trim();
        if name.is_empty() || version.is_empty() {
            found
                .notes
                .push(format!("package {i} has no name or no version: not read"));
            continue;
        }
        let (namespace, name) = match name.split_once('/') {
            Some((v, n)) if !v.is_empty() && !n.is_empty() => (Some(v.to_owned()), n.to_owned()),
            _ => (None, name.to_owned()),
        };
        let mut licenses: Vec<String> = Vec::new();
        let mut push = |s: &str| {
            let s = s.trim();
            if !s.is_empty() && !licenses.iter().any(|l| l == s) {
                licenses.push(s.to_owned());
            }
        };
        match &e.license {
            Some(Value::String(s)) => push(s),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).for_each(push),
            _ => {}
        }
        found.packages.push(Package {
            ecosystem: Some(Ecosystem::Composer),
            namespace,
            name,
            version: version.to_owned(),
            licenses,
            ..Package::default()
        });
    }
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn which_files() {
        assert!(cataloger("var/www/vendor/composer/installed.json", 1).is_some());
        assert!(cataloger("vendor/composer/installed.json", 1).is_some());
        for p in [
            "var/www/composer.lock",
            "vendor/composer/installed.php",
            "x/myvendor/composer/installed.json",
            "composer/installed.json",
        ] {
            assert!(cataloger(p, 1).is_none(), "{p}");
        }
    }

    #[test]
    fn odd_entries() {
        let f = parse(
            "",
            br#"{"packages":[
                {"name":"a/b","version_normalized":"1.0.0.0","license":"MIT"},
                {"name":"solo","version":"1"},
                {"name":"c/d"},
                {"version":"1"},
                {"name":"e/f","version":"2","license":[1,"BSD-3-Clause",{"x":1}]}
            ]}"#,
        );
        let got: Vec<_> = f
            .packages
            .iter()
            .map(|p| {
                (
                    p.namespace.as_deref(),
                    p.name.as_str(),
                    p.version.as_str(),
                    p.licenses.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("a"), "b", "1.0.0.0", vec!["MIT".to_owned()]),
                (None, "solo", "1", vec![]),
                (Some("e"), "f", "2", vec!["BSD-3-Clause".to_owned()]),
            ]
        );
        assert_eq!(f.notes.len(), 2);
    }

    #[test]
    fn hostile() {
        let deep = format!(
            r#"{{"packages":[{{"name":"a/b","version":"1","license":{}{}}}]}}"#,
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        for bad in [
            br#"{"packages":[{"name":"a/b","vers"#.to_vec(),
            br#"[{"name":"a/b","version":"1"}"#.to_vec(),
            deep.into_bytes(),
            b"{\"packages\":[{\"name\":\"a/\xff\",\"version\":\"1\"}]}".to_vec(),
            b"".to_vec(),
            b"\"x\"".to_vec(),
            br#"{"packages":{"a":1}}"#.to_vec(),
        ] {
            let f = parse("", &bad);
            assert!(f.packages.is_empty());
            assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        }
        assert!(parse("", b"{}").notes.is_empty());
    }
}
