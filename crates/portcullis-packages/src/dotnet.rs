//! .NET: an application's `*.deps.json`, written by the SDK beside the app
//! (format: dotnet/sdk's documentation/specs/runtime-configuration-file.md).
//!
//! `libraries` maps `Name/Version` to the library's kind:
//!
//! - `"type": "package"`: a NuGet package the app was built with — a
//!   package (name as written: NuGet ids are case-insensitive, the purl
//!   lower-cases).
//! - `"type": "runtimepack"`: a self-contained app's copy of the runtime,
//!   `runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0`: the NuGet
//!   package after the `runtimepack.` prefix, a package (the runtime's
//!   advisories are filed against those package ids).
//! - `"type": "project"`: the application itself and the projects it
//!   references, built from source with it: not packages (the app is the
//!   image's own software, not a dependency).
//! - anything else (`reference`: a plain assembly reference): not a
//!   package.
//!
//! deps.json holds no licenses. Read whole up to [`DEPS_CAP`] into typed
//! structures keeping only `libraries` (serde_json's recursion limit bounds
//! nesting; `targets` is skipped without recursion).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::catalog::{FileCataloger, Whole};
use crate::model::{Ecosystem, Found, Package};

/// The largest deps.json read (large apps' are a few hundred KiB).
pub const DEPS_CAP: usize = 16 << 20;

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    let file = path.rsplit('/').next().unwrap_or(path);
    (file.ends_with(".deps.json") && file.len() > ".deps.json".len())
        .then(|| Whole::new(path, size, DEPS_CAP, parse) as Box<dyn FileCataloger>)
}

#[derive(Deserialize)]
struct Deps {
    libraries: Option<BTreeMap<String, Library>>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    kind: Option<Value>,
}

/// The packages of a deps.json.
pub fn parse(_path: &str, bytes: &[u8]) -> Found {
    let mut found = Found::default();
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let deps: Deps = match serde_json::from_slice(bytes) {
        Ok(d) => d,
        Err(e) => {
            found.notes.push(format!("not a JSON deps.json: {e}"));
            return found;
        }
    };
    for (key, lib) in deps.libraries.unwrap_or_default() {
        let kind = lib
            .kind
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default();
        let key = match kind {
            "package" => key.as_str(),
            "runtimepack" => key.strip_prefix("runtimepack.").unwrap_or(&key),
            _ => continue,
        };
        let Some((name, version)) = key.rsplit_once('/') else {
            found
                .notes
                .push(format!("library `{key}` is not NAME/VERSION: not read"));
            continue;
        };
        let (name, version) = (name.trim(), version.trim());
        if name.is_empty() || version.is_empty() {
            found
                .notes
                .push(format!("library `{key}` is not NAME/VERSION: not read"));
            continue;
        }
        found.packages.push(Package {
            ecosystem: Some(Ecosystem::Nuget),
            name: name.to_owned(),
            version: version.to_owned(),
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
        assert!(cataloger("app/MyApp.deps.json", 1).is_some());
        assert!(cataloger("MyApp.deps.json", 1).is_some());
        for p in [
            "app/.deps.json",
            "app/MyApp.runtimeconfig.json",
            "app/deps.json",
            "app/x.deps.json.bak",
        ] {
            assert!(cataloger(p, 1).is_none(), "{p}");
        }
    }

    #[test]
    fn odd_keys() {
        let f = parse(
            "",
            br#"{"libraries":{
                "NoVersion":{"type":"package"},
                "/1.0":{"type":"package"},
                "A/":{"type":"package"},
                "B/2.0":{"type":"Package"},
                "C/3.0":{"type":"package","serviceable":true},
                "D/4.0":{},
                "E/5.0":{"type":"reference"}
            }}"#,
        );
        let got: Vec<_> = f
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(got, [("C", "3.0")]);
        assert_eq!(f.notes.len(), 3);
    }

    #[test]
    fn hostile() {
        let deep = format!(
            r#"{{"libraries":{{"A/1":{{"type":{}1{}}}}}}}"#,
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        for bad in [
            br#"{"libraries":{"A/1":{"type":"pack"#.to_vec(),
            deep.into_bytes(),
            b"{\"libraries\":{\"A\xff/1\":{\"type\":\"package\"}}}".to_vec(),
            b"".to_vec(),
            b"[1]".to_vec(),
            br#"{"libraries":[]}"#.to_vec(),
        ] {
            let f = parse("", &bad);
            assert!(f.packages.is_empty());
            assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        }
        // Deep nesting where it is skipped: read.
        let deep = format!(
            r#"{{"targets":{}1{},"libraries":{{"A/1":{{"type":"package"}}}}}}"#,
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        assert_eq!(parse("", deep.as_bytes()).packages.len(), 1);
        assert!(parse("", b"{}").notes.is_empty());
    }
}
