//! npm packages installed in `node_modules` trees.
//!
//! - A package's own manifest: `…/node_modules/NAME/package.json` or
//!   `…/node_modules/@SCOPE/NAME/package.json`, at any nesting depth
//!   (`node_modules/a/node_modules/b/package.json`). The `package.json`
//!   files of a package's subfolders (`node_modules/x/lib/package.json`,
//!   often only `{"type": "module"}`) are not manifests and not read, nor
//!   are `node_modules/.bin`, `.cache` and other dot-folders. The
//!   application's own `package.json` outside any `node_modules` is not a
//!   package the image installed: not read (it is the project, often
//!   `private` and unversioned).
//! - The hidden lockfile `node_modules/.package-lock.json` (npm 7 and
//!   later; lockfile versions 2 and 3) is npm's own record of what that
//!   `node_modules` holds: [`parse_hidden_lock`] reads it (each `packages`
//!   entry under `node_modules/` that is not a link is a package), but
//!   [`cataloger`] does not hand it out. Each of its packages has its own
//!   manifest too, which says more (the lockfile drops the legacy
//!   `licenses` arrays), and the merge keeps the first evidence by path,
//!   where `.package-lock.json` sorts before every package folder: as a
//!   second evidence it would become the primary one and could blank a
//!   license. It is for a merge that ranks evidence. A project's
//!   `package-lock.json` outside `node_modules` lists what *would* be
//!   installed: not read.
//!
//! Name: the manifest's `name` (an alias installs the real package under
//! another folder name: the manifest names the real one), `@scope/x` →
//! namespace `@scope`, name `x`; a manifest without a name or a version is
//! not a package (a note). Licenses, raw, in order: `license` as a string
//! (`MIT`, `(MIT OR Apache-2.0)`), the legacy object (`{"type": "MIT"}`),
//! and the legacy `licenses` array (`[{"type": "MIT", "url": …}]`, or
//! strings). Manifests are read whole up to [`MANIFEST_CAP`], hidden
//! lockfiles up to [`LOCK_CAP`], into typed structures that keep only these
//! fields (serde_json's recursion limit bounds nesting).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::catalog::{FileCataloger, Whole};
use crate::model::{Ecosystem, Found, Package};

/// The largest `package.json` read (large real ones, with big `exports`
/// maps, are some tens of KiB).
pub const MANIFEST_CAP: usize = 4 << 20;
/// The largest hidden lockfile [`parse_hidden_lock`] is meant for (about
/// 500 bytes per package), for a caller that buffers it.
pub const LOCK_CAP: usize = 32 << 20;

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [.., "node_modules", name, "package.json"] if is_folder_name(name) => {
            Some(Whole::new(path, size, MANIFEST_CAP, parse_manifest))
        }
        [.., "node_modules", scope, name, "package.json"]
            if scope.starts_with('@') && scope.len() > 1 && is_folder_name(name) =>
        {
            Some(Whole::new(path, size, MANIFEST_CAP, parse_manifest))
        }
        _ => None,
    }
}

/// A folder that can hold a package (not `.bin`, `.cache`, a scope).
fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.starts_with('@')
}

#[derive(Deserialize)]
struct Manifest {
    name: Option<Value>,
    version: Option<Value>,
    license: Option<Value>,
    licenses: Option<Value>,
}

/// The bytes as JSON text: a UTF-8 byte order mark dropped.
fn json_text(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// A package from a `node_modules/…/package.json`.
pub fn parse_manifest(_path: &str, bytes: &[u8]) -> Found {
    let mut found = Found::default();
    let m: Manifest = match serde_json::from_slice(json_text(bytes)) {
        Ok(m) => m,
        Err(e) => {
            found
                .notes
                .push(format!("not a JSON package manifest: {e}"));
            return found;
        }
    };
    let name = m.name.as_ref().and_then(Value::as_str).unwrap_or_default();
    let version = m
        .version
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or_default();
    match package(name, version, m.license.as_ref(), m.licenses.as_ref()) {
        Some(p) => found.packages.push(p),
        None => found
            .notes
            .push("no name or no version in the manifest: not a package".to_owned()),
    }
    found
}

/// The package for a name, a version and the license fields; `None`
/// without a name or a version.
fn package(
    name: &str,
    version: &str,
    license: Option<&Value>,
    licenses: Option<&Value>,
) -> Option<Package> {
    let (name, version) = (name.trim(), version.trim());
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let (namespace, name) = match name.split_once('/') {
        Some((scope, rest)) if scope.starts_with('@') && !rest.is_empty() => {
            (Some(scope.to_owned()), rest.to_owned())
        }
        _ => (None, name.to_owned()),
    };
    let mut out = Vec::new();
    for v in [license, licenses].into_iter().flatten() {
        collect_licenses(v, &mut out);
    }
    Some(Package {
        ecosystem: Some(Ecosystem::Npm),
        namespace,
        name,
        version: version.to_owned(),
        licenses: out,
        ..Package::default()
    })
}

/// The licenses a `license` / `licenses` value names: a string, an object's
/// `type` (or `name`), or an array of those (one level deep).
fn collect_licenses(v: &Value, out: &mut Vec<String>) {
    fn one(v: &Value) -> Option<&str> {
        match v {
            Value::String(s) => Some(s),
            Value::Object(o) => o
                .get("type")
                .or_else(|| o.get("name"))
                .and_then(Value::as_str),
            _ => None,
        }
    }
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    };
    match v {
        Value::Array(items) => items.iter().filter_map(one).for_each(&mut push),
        v => {
            if let Some(s) = one(v) {
                push(s)
            }
        }
    }
}

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<Value>,
    packages: Option<BTreeMap<String, LockEntry>>,
}

#[derive(Deserialize)]
struct LockEntry {
    name: Option<Value>,
    version: Option<Value>,
    license: Option<Value>,
    link: Option<Value>,
}

/// The packages of a hidden lockfile (`node_modules/.package-lock.json`).
pub fn parse_hidden_lock(_path: &str, bytes: &[u8]) -> Found {
    let mut found = Found::default();
    let lock: Lock = match serde_json::from_slice(json_text(bytes)) {
        Ok(l) => l,
        Err(e) => {
            found.notes.push(format!("not a JSON npm lockfile: {e}"));
            return found;
        }
    };
    let Some(packages) = lock.packages else {
        let v = lock.lockfile_version.map(|v| v.to_string());
        found.notes.push(format!(
            "no `packages` in the lockfile (lockfile version {}): not read",
            v.as_deref().unwrap_or("unknown")
        ));
        return found;
    };
    for (key, entry) in packages {
        // Keys are install locations: "node_modules/a/node_modules/@s/b".
        let Some((_, folder)) = key.rsplit_once("node_modules/") else {
            continue; // the root project, or a workspace folder
        };
        if entry.link.as_ref().and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let name = entry
            .name
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or(folder);
        let version = entry
            .version
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default();
        match package(name, version, entry.license.as_ref(), None) {
            Some(p) => found.packages.push(p),
            None => found
                .notes
                .push(format!("`{key}` has no version: not a package")),
        }
    }
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn which_files() {
        let yes = [
            "app/node_modules/ms/package.json",
            "node_modules/@babel/runtime/package.json",
            "a/node_modules/debug/node_modules/ms/package.json",
            "a/node_modules/@s/x/node_modules/@t/y/package.json",
        ];
        for p in yes {
            assert!(cataloger(p, 10).is_some(), "{p}");
        }
        let no = [
            "app/package.json",
            "package.json",
            "node_modules/package.json",
            "node_modules/@babel/package.json",
            "node_modules/x/lib/package.json",
            "node_modules/@babel/runtime/helpers/esm/package.json",
            "node_modules/.bin/package.json",
            "node_modules/@/x/package.json",
            "app/package-lock.json",
            "node_modules/x/.package-lock.json",
            "usr/lib/node_modules/npm/node_modules/.package-lock.json",
        ];
        for p in no {
            assert!(cataloger(p, 10).is_none(), "{p}");
        }
    }

    fn licenses(json: &str) -> Vec<String> {
        let f = parse_manifest("", json.as_bytes());
        assert!(f.notes.is_empty(), "{:?}", f.notes);
        f.packages[0].licenses.clone()
    }

    #[test]
    fn license_forms() {
        let base = r#""name":"a","version":"1.0.0""#;
        assert_eq!(licenses(&format!(r#"{{{base},"license":"MIT"}}"#)), ["MIT"]);
        assert_eq!(
            licenses(&format!(r#"{{{base},"license":"(MIT OR Apache-2.0)"}}"#)),
            ["(MIT OR Apache-2.0)"]
        );
        assert_eq!(
            licenses(&format!(
                r#"{{{base},"license":{{"type":"MIT","url":"u"}}}}"#
            )),
            ["MIT"]
        );
        assert_eq!(
            licenses(&format!(
                r#"{{{base},"licenses":[{{"type":"MIT"}},{{"type":"Apache-2.0"}},"BSD"]}}"#
            )),
            ["MIT", "Apache-2.0", "BSD"]
        );
        assert_eq!(
            licenses(&format!(
                r#"{{{base},"license":["ISC"],"licenses":{{"type":"ISC"}}}}"#
            )),
            ["ISC"]
        );
        assert!(licenses(&format!(r#"{{{base},"license":42}}"#)).is_empty());
        assert!(licenses(&format!("{{{base}}}")).is_empty());
    }

    #[test]
    fn scoped_and_unnamed() {
        let f = parse_manifest("", br#"{"name":"@types/node","version":"20.1.0"}"#);
        assert_eq!(f.packages[0].namespace.as_deref(), Some("@types"));
        assert_eq!(f.packages[0].name, "node");
        for bad in [
            r#"{"name":"a"}"#,
            r#"{"version":"1"}"#,
            r#"{"name":"a","version":1}"#,
            r#"{"name":"","version":"1"}"#,
        ] {
            let f = parse_manifest("", bad.as_bytes());
            assert!(f.packages.is_empty(), "{bad}");
            assert_eq!(f.notes.len(), 1);
        }
    }

    #[test]
    fn hostile_json() {
        // Deep nesting in a field that is read: serde_json's recursion limit.
        let deep = format!(
            r#"{{"name":"a","version":"1","license":{}1{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        for bad in [
            br#"{"name":"a","version":"1.0."#.to_vec(),
            deep.into_bytes(),
            b"{\"name\":\"a\xff\",\"version\":\"1\"}".to_vec(),
            b"".to_vec(),
            b"[]".to_vec(),
            b"null".to_vec(),
        ] {
            let f = parse_manifest("", &bad);
            assert!(f.packages.is_empty());
            assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
            let f = parse_hidden_lock("", &bad);
            assert!(f.packages.is_empty());
            assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        }
        // Deep nesting in a field skipped: skipped without recursion.
        let deep = format!(
            r#"{{"name":"a","version":"1","x":{}1{}}}"#,
            "[{\"a\":".repeat(100_000),
            "}]".repeat(100_000)
        );
        assert_eq!(parse_manifest("", deep.as_bytes()).packages.len(), 1);
        // A BOM is fine.
        let f = parse_manifest("", b"\xef\xbb\xbf{\"name\":\"a\",\"version\":\"1\"}");
        assert_eq!(f.packages.len(), 1);
    }

    #[test]
    fn lock_links_and_aliases() {
        let lock = br#"{"lockfileVersion":3,"packages":{
            "":{"name":"app","version":"1.0.0"},
            "packages/w":{"name":"w","version":"0.1.0"},
            "node_modules/w":{"resolved":"packages/w","link":true},
            "node_modules/alias":{"name":"real","version":"2.0.0","license":"MIT"},
            "node_modules/x/node_modules/@s/y":{"version":"3.0.0"},
            "node_modules/nov":{}
        }}"#;
        let f = parse_hidden_lock("", lock);
        let got: Vec<_> = f
            .packages
            .iter()
            .map(|p| {
                (
                    p.namespace.clone(),
                    p.name.clone(),
                    p.version.clone(),
                    p.licenses.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (None, "real".into(), "2.0.0".into(), vec!["MIT".to_owned()]),
                (Some("@s".into()), "y".into(), "3.0.0".into(), vec![]),
            ]
        );
        assert_eq!(f.notes.len(), 1);
        let f = parse_hidden_lock("", br#"{"lockfileVersion":1,"dependencies":{}}"#);
        assert_eq!(f.notes.len(), 1);
    }
}
