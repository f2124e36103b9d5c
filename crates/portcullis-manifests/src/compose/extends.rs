//! `extends`: a service built on another one, of the same file or of a
//! file the caller gave, resolved in each file before the merge (as
//! compose-go does), the service's own settings merged over the base's
//! by the merge rules. A base in a file that was not given is noted.

use std::sync::Arc;

use super::merge::merge;
use super::tree::{error, Kind, Value};
use super::ComposeError;
use crate::model::Loc;

/// Chains longer than this are refused (a cycle is refused at once).
const MAX_CHAIN: usize = 32;

/// The files of the project, each interpolated (the base of a file's
/// `extends` may be in any of them).
pub(crate) struct Files<'a> {
    pub trees: &'a [(Arc<str>, Value)],
}

/// `tree` (file `index` of `files`) with every service's `extends` applied.
pub(crate) fn apply(
    files: &Files<'_>,
    index: usize,
    notes: &mut Vec<(Loc, String)>,
) -> Result<Value, ComposeError> {
    let (_, tree) = &files.trees[index];
    let mut tree = tree.clone();
    let Some(names) = tree
        .get("services")
        .and_then(Value::as_map)
        .map(|services| {
            services
                .iter()
                .filter(|(_, _, s)| s.get("extends").is_some())
                .map(|(n, _, _)| n.clone())
                .collect::<Vec<_>>()
        })
    else {
        return Ok(tree);
    };
    for name in names {
        let mut chain = Vec::new();
        let resolved = resolve(files, index, &name, &mut chain, notes)?;
        if let Some(resolved) = resolved {
            set_service(&mut tree, &name, resolved);
        }
    }
    Ok(tree)
}

fn set_service(tree: &mut Value, name: &str, value: Value) {
    if let Kind::Map(entries) = &mut tree.kind {
        for (k, _, v) in entries.iter_mut() {
            if k == "services" {
                if let Kind::Map(services) = &mut v.kind {
                    for (n, _, s) in services.iter_mut() {
                        if n == name {
                            *s = value;
                            return;
                        }
                    }
                }
            }
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Service `name` of file `index`, its `extends` followed; `None` when the
/// base is somewhere not given (noted).
fn resolve(
    files: &Files<'_>,
    index: usize,
    name: &str,
    chain: &mut Vec<(usize, String)>,
    notes: &mut Vec<(Loc, String)>,
) -> Result<Option<Value>, ComposeError> {
    let (path, tree) = &files.trees[index];
    let Some(service) = tree.get("services").and_then(|s| s.get(name)) else {
        return Ok(None);
    };
    let Some(extends) = service.get("extends") else {
        return Ok(Some(service.clone()));
    };
    if chain.iter().any(|(i, n)| *i == index && n == name) || chain.len() > MAX_CHAIN {
        return Err(error(
            &extends.at,
            format!(
                "service `{name}` extends itself (through {} services)",
                chain.len()
            ),
        ));
    }
    chain.push((index, name.to_owned()));
    let (base_name, base_file) = match extends.as_str() {
        Some(s) => (Some(s.to_owned()), None),
        None => (
            extends
                .get("service")
                .and_then(Value::as_str)
                .map(str::to_owned),
            extends
                .get("file")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ),
    };
    let Some(base_name) = base_name else {
        return Err(error(&extends.at, "`extends` needs a `service`"));
    };
    let base_index = match &base_file {
        None => Some(index),
        // The caller's paths and the file's may be written differently:
        // the same file name is the same file.
        Some(f) => files
            .trees
            .iter()
            .position(|(p, _)| file_name(p) == file_name(f)),
    };
    let Some(base_index) = base_index else {
        notes.push((
            extends.at.clone(),
            format!(
                "`extends` is not followed: {} was not given with {path}",
                base_file.unwrap_or_default()
            ),
        ));
        return Ok(None);
    };
    let Some(base) = resolve(files, base_index, &base_name, chain, notes)? else {
        if files.trees[base_index]
            .1
            .get("services")
            .and_then(|s| s.get(&base_name))
            .is_none()
        {
            return Err(error(
                &extends.at,
                format!("service `{name}` extends `{base_name}`, which is not defined"),
            ));
        }
        return Ok(None);
    };
    let mut own = service.clone();
    if let Kind::Map(entries) = &mut own.kind {
        entries.retain(|(k, _, _)| k != "extends");
    }
    let at = own.at.clone();
    let mut merged = merge(base, own, &mut vec!["services".into(), name.into()])?;
    // The service is where it is written, whatever its settings' origins.
    merged.at = at;
    Ok(Some(merged))
}
