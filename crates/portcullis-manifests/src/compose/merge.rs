//! One Compose file over another, by the specification's merge rules
//! (13-merge.md) and compose-go's special cases (`override/merge.go`).

use super::tree::{error, Kind, Value};
use super::ComposeError;

const RESET: &str = "!reset";
const OVERRIDE: &str = "!override";

/// Service keys whose value the later file replaces instead of merging.
const REPLACED: &[&str] = &["command", "entrypoint"];
/// Service keys written as `KEY=value` lists or mappings, merged by key.
const KEYED: &[&str] = &[
    "environment",
    "labels",
    "annotations",
    "sysctls",
    "extra_hosts",
];
/// Service keys that are a string or a list of them, appended.
const LISTS: &[&str] = &["dns", "dns_opt", "dns_search", "env_file", "tmpfs"];
/// Service keys that are a list of names or a mapping by name.
const NAMED: &[&str] = &["depends_on", "networks"];

/// The first file's tree, with `!reset` values removed (nothing to reset).
pub(crate) fn strip_resets(mut value: Value) -> Value {
    match &mut value.kind {
        Kind::Map(entries) => {
            entries.retain(|(_, _, v)| !v.has_tag(RESET));
            for (_, _, v) in entries.iter_mut() {
                *v = strip_resets(std::mem::replace(v, placeholder()));
            }
        }
        Kind::Seq(items) => {
            items.retain(|v| !v.has_tag(RESET));
            for v in items.iter_mut() {
                *v = strip_resets(std::mem::replace(v, placeholder()));
            }
        }
        Kind::Scalar { .. } => {}
    }
    value
}

fn placeholder() -> Value {
    Value {
        kind: Kind::Seq(Vec::new()),
        at: crate::model::Loc {
            path: std::sync::Arc::from(""),
            document: 0,
            pointer: crate::pointer::Pointer::root(),
            span: crate::yaml::Span::default(),
        },
        tag: None,
    }
}

/// `over` merged into `base`; `path` is the keys down to here.
pub(crate) fn merge(
    base: Value,
    over: Value,
    path: &mut Vec<String>,
) -> Result<Value, ComposeError> {
    if over.has_tag(OVERRIDE) {
        let mut over = strip_resets(over);
        over.tag = None;
        return Ok(over);
    }
    let service_key = match path.as_slice() {
        [s, _, key] if s == "services" => Some(key.as_str()),
        _ => None,
    };
    let is_healthcheck_test = matches!(path.as_slice(), [s, _, h, t] if s == "services" && h == "healthcheck" && t == "test");
    if is_healthcheck_test || service_key.is_some_and(|k| REPLACED.contains(&k)) {
        return Ok(strip_resets(over));
    }
    if over.is_null() {
        // compose-go: a null override keeps what was there.
        return Ok(base);
    }
    if let Some(key) = service_key {
        if KEYED.contains(&key) {
            return Ok(merge_keyed(base, over));
        }
        if LISTS.contains(&key) {
            let mut items = as_list(base);
            items.extend(as_list(strip_resets(over.clone())));
            return Ok(Value {
                kind: Kind::Seq(items),
                at: over.at,
                tag: None,
            });
        }
        if NAMED.contains(&key) {
            return merge_maps(names_to_map(base), names_to_map(over), path);
        }
        if key == "build" {
            return merge_maps(build_to_map(base), build_to_map(over), path);
        }
    }
    match (&base.kind, &over.kind) {
        (Kind::Map(_), Kind::Map(_)) => merge_maps(base, over, path),
        (Kind::Seq(_), Kind::Seq(_)) => {
            let (Kind::Seq(mut items), Kind::Seq(more)) = (base.kind, over.kind) else {
                return Err(error(&over.at, "unreachable"));
            };
            items.extend(
                more.into_iter()
                    .filter(|v| !v.has_tag(RESET))
                    .map(strip_resets),
            );
            Ok(Value {
                kind: Kind::Seq(items),
                at: over.at,
                tag: None,
            })
        }
        (Kind::Scalar { .. }, _) => Ok(strip_resets(over)),
        _ => Err(error(
            &over.at,
            format!(
                "cannot override {}: a {} over a {}",
                path.join("."),
                shape(&over),
                shape(&base)
            ),
        )),
    }
}

fn shape(v: &Value) -> &'static str {
    match v.kind {
        Kind::Map(_) => "mapping",
        Kind::Seq(_) => "sequence",
        Kind::Scalar { .. } => "scalar",
    }
}

fn merge_maps(base: Value, over: Value, path: &mut Vec<String>) -> Result<Value, ComposeError> {
    let at = base.at.clone();
    let (Kind::Map(mut entries), Kind::Map(more)) = (base.kind, over.kind) else {
        return Err(error(
            &over.at,
            format!("cannot override {}", path.join(".")),
        ));
    };
    for (key, key_at, value) in more {
        let existing = entries.iter().position(|(k, _, _)| *k == key);
        if value.has_tag(RESET) {
            if let Some(i) = existing {
                entries.remove(i);
            }
            continue;
        }
        match existing {
            None => entries.push((key, key_at, strip_resets(value))),
            Some(i) => {
                let (_, _, old) = entries.remove(i);
                path.push(key.clone());
                let merged = merge(old, value, path);
                path.pop();
                entries.insert(i, (key, key_at, merged?));
            }
        }
    }
    Ok(Value {
        kind: Kind::Map(entries),
        at,
        tag: None,
    })
}

/// `KEY=value` items and `KEY: value` entries, merged by key (a later
/// value replaces an earlier one in its place); the result is a mapping
/// whose values keep their own places.
fn merge_keyed(base: Value, over: Value) -> Value {
    let at = base.at.clone();
    let mut entries: Vec<(String, crate::model::Loc, Value)> = Vec::new();
    for v in [base, over] {
        for (key, key_at, value) in keyed_entries(v) {
            let existing = entries.iter().position(|(k, _, _)| *k == key);
            match existing {
                // `FOO: !reset null` removes the key.
                Some(i) if value.has_tag(RESET) => {
                    entries.remove(i);
                }
                _ if value.has_tag(RESET) => {}
                Some(i) => entries[i] = (key, key_at, strip_resets(value)),
                None => entries.push((key, key_at, strip_resets(value))),
            }
        }
    }
    Value {
        kind: Kind::Map(entries),
        at,
        tag: None,
    }
}

/// The entries of a `KEY=value` list (or `host:ip` for `extra_hosts`) or
/// mapping; a list item's value is the item with its text after the `=`.
pub(crate) fn keyed_entries(v: Value) -> Vec<(String, crate::model::Loc, Value)> {
    match v.kind {
        Kind::Map(entries) => entries,
        Kind::Seq(items) => items
            .into_iter()
            .filter_map(|item| {
                let text = item.as_str()?.to_owned();
                let (key, value) = match text.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (text.clone(), None),
                };
                let plain = value.is_some();
                Some((
                    key,
                    item.at.clone(),
                    Value {
                        kind: Kind::Scalar {
                            text: value.unwrap_or_default(),
                            plain: !plain,
                        },
                        at: item.at,
                        tag: None,
                    },
                ))
            })
            .collect(),
        Kind::Scalar { .. } => Vec::new(),
    }
}

fn as_list(v: Value) -> Vec<Value> {
    match v.kind {
        Kind::Seq(items) => items,
        _ if v.is_null() => Vec::new(),
        _ => vec![v],
    }
}

fn names_to_map(v: Value) -> Value {
    match v.kind {
        Kind::Seq(items) => {
            let entries = items
                .into_iter()
                .filter_map(|item| {
                    let name = item.as_str()?.to_owned();
                    let null = Value {
                        kind: Kind::Scalar {
                            text: String::new(),
                            plain: true,
                        },
                        at: item.at.clone(),
                        tag: None,
                    };
                    Some((name, item.at, null))
                })
                .collect();
            Value {
                kind: Kind::Map(entries),
                at: v.at,
                tag: None,
            }
        }
        _ => v,
    }
}

fn build_to_map(v: Value) -> Value {
    match v.kind {
        Kind::Scalar { .. } => Value {
            kind: Kind::Map(vec![("context".to_owned(), v.at.clone(), v.clone())]),
            at: v.at,
            tag: None,
        },
        _ => v,
    }
}
