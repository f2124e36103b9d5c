//! `include`: other Compose projects whose resources are copied into the
//! including file, as compose-go's `ApplyInclude` does it: per file, after
//! its interpolation and before its `extends` and the merge with the next
//! file. Each entry is a project of its own (its files merged, its own
//! `include`s followed, its `extends` applied), read with its own project
//! directory (the directory of its first file unless `project_directory`
//! says otherwise) and environment (the including project's, over its
//! `env_file`s, by default the `.env` of its project directory).
//!
//! Relative paths of an entry are relative to the including project's
//! directory, and may go up (`../shared/compose.yaml`). A service, volume,
//! network, secret or config of the same name as one the including file
//! has is an error unless the two are the same (compose-go's
//! `importResources`). Bounded: at most `MAX_FILES` files read, nesting
//! `MAX_DEPTH` deep, `MAX_BYTES` in all, and a cycle is an error.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::tree::{error, Kind, Value};
use super::{dotenv, join, parent_dir, ComposeError, IncludeReader, Loader};
use crate::model::Loc;
use crate::yaml;

/// Files read for `include` (Compose files and env files) in one project.
pub(crate) const MAX_FILES: usize = 100;
/// Includes within includes.
pub(crate) const MAX_DEPTH: usize = 16;
/// Bytes of every file read for `include`, together: memory stays bounded
/// however many files there are.
pub(crate) const MAX_BYTES: usize = 64 << 20;

/// The top-level keys whose entries are imported.
const RESOURCES: &[&str] = &["services", "volumes", "networks", "secrets", "configs"];

pub(crate) type Env = BTreeMap<String, String>;

/// One entry of `include`, its paths joined to the including directory.
struct Entry {
    at: Loc,
    /// The Compose files, the first the main one, and where each is named.
    paths: Vec<(Arc<str>, Loc)>,
    project_dir: String,
    env_files: Vec<(Arc<str>, Loc)>,
}

fn strings(v: &Value, what: &str) -> Result<Vec<(String, Loc)>, ComposeError> {
    let one = |v: &Value| {
        v.as_str()
            .map(|s| (s.to_owned(), v.at.clone()))
            .ok_or_else(|| {
                error(
                    &v.at,
                    format!("`{what}` must be a string or a list of them"),
                )
            })
    };
    match v.as_seq() {
        Some(items) => items.iter().map(one).collect(),
        None => Ok(vec![one(v)?]),
    }
}

fn entry(item: &Value, working_dir: &str) -> Result<Entry, ComposeError> {
    let joined = |list: Vec<(String, Loc)>| -> Vec<(Arc<str>, Loc)> {
        list.into_iter()
            .map(|(p, at)| (Arc::from(join(working_dir, &p)), at))
            .collect()
    };
    let (paths, project_directory, env_files) = if item.as_map().is_some() {
        let Some(path) = item.get("path").filter(|p| !p.is_null()) else {
            return Err(error(&item.at, "an `include` entry needs a `path`"));
        };
        let project_directory = match item.get("project_directory").filter(|p| !p.is_null()) {
            Some(d) => Some(
                d.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| error(&d.at, "`project_directory` must be a string"))?,
            ),
            None => None,
        };
        let env_files = match item.get("env_file").filter(|p| !p.is_null()) {
            Some(e) => strings(e, "env_file")?,
            None => Vec::new(),
        };
        (strings(path, "path")?, project_directory, env_files)
    } else if let Some(path) = item.as_str() {
        (vec![(path.to_owned(), item.at.clone())], None, Vec::new())
    } else {
        return Err(error(
            &item.at,
            "an `include` entry is a path or a mapping with a `path`",
        ));
    };
    let paths = joined(paths);
    let Some((main, _)) = paths.first() else {
        return Err(error(&item.at, "an `include` entry needs a `path`"));
    };
    let project_dir = match project_directory {
        Some(d) => join(working_dir, &d),
        None => parent_dir(main),
    };
    Ok(Entry {
        at: item.at.clone(),
        paths,
        project_dir,
        env_files: joined(env_files),
    })
}

/// Whether two values are the same, wherever they were written.
fn same(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Scalar { text: x, .. }, Kind::Scalar { text: y, .. }) => {
            x == y && a.is_null() == b.is_null()
        }
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, _, v)| y.iter().any(|(l, _, w)| k == l && same(v, w)))
        }
        _ => false,
    }
}

/// The entries of `imported`'s resources added to `tree`'s.
fn import(tree: &mut Value, imported: Value, from: &str) -> Result<(), ComposeError> {
    let Kind::Map(imported) = imported.kind else {
        return Ok(());
    };
    let Kind::Map(top) = &mut tree.kind else {
        return Ok(());
    };
    for (key, key_at, resources) in imported {
        if !RESOURCES.contains(&key.as_str()) {
            continue;
        }
        let Kind::Map(entries) = resources.kind else {
            continue;
        };
        let here = match top.iter().position(|(k, _, _)| *k == key) {
            Some(i) => i,
            None => {
                top.push((
                    key.clone(),
                    key_at,
                    Value {
                        kind: Kind::Map(Vec::new()),
                        at: resources.at.clone(),
                        tag: None,
                    },
                ));
                top.len() - 1
            }
        };
        let target = &mut top[here].2;
        if target.is_null() {
            target.kind = Kind::Map(Vec::new());
        }
        let Kind::Map(local) = &mut target.kind else {
            return Err(error(&target.at, format!("`{key}` must be a mapping")));
        };
        for (name, name_at, value) in entries {
            match local.iter().find(|(n, _, _)| *n == name) {
                Some((_, _, existing)) if same(existing, &value) => {}
                Some((_, at, _)) => {
                    return Err(error(
                        at,
                        format!("{key}.{name} conflicts with the one included from {from}"),
                    ))
                }
                None => local.push((name, name_at, value)),
            }
        }
    }
    Ok(())
}

impl Loader<'_> {
    /// A file an `include` names (or its env file), through the caller's
    /// reader, counted against the bounds; `None` when it does not exist.
    fn read_included(
        &mut self,
        reader: IncludeReader<'_>,
        path: &Arc<str>,
        at: &Loc,
    ) -> Result<Option<Vec<u8>>, ComposeError> {
        if self.included.len() >= MAX_FILES {
            return Err(error(
                at,
                format!("`include` reads more than {MAX_FILES} files"),
            ));
        }
        let bytes = (reader.0)(path).map_err(|m| error(at, format!("{path}: {m}")))?;
        if let Some(bytes) = &bytes {
            self.included_bytes = self.included_bytes.saturating_add(bytes.len());
            if self.included_bytes > MAX_BYTES {
                return Err(error(
                    at,
                    format!(
                        "the files `include` reads are more than {} MiB together",
                        MAX_BYTES >> 20
                    ),
                ));
            }
            self.included.push((path.clone(), bytes.clone()));
        }
        Ok(bytes)
    }

    /// `tree`'s `include` followed and removed (the file is `chain`'s
    /// last; `working_dir` and `env` are its project's).
    pub(crate) fn include(
        &mut self,
        tree: &mut Value,
        working_dir: &str,
        env: &Env,
        chain: &mut Vec<Arc<str>>,
    ) -> Result<(), ComposeError> {
        let Some(reader) = self.reader else {
            return Ok(());
        };
        let Some(list) = tree.get("include") else {
            return Ok(());
        };
        let items = match list.as_seq() {
            Some(items) => items.to_vec(),
            None if list.is_null() => Vec::new(),
            None => return Err(error(&list.at, "`include` must be a list")),
        };
        for item in &items {
            let entry = entry(item, working_dir)?;
            if chain.len() > MAX_DEPTH {
                return Err(error(
                    &entry.at,
                    format!("`include` nested more than {MAX_DEPTH} deep"),
                ));
            }
            let (main, main_at) = &entry.paths[0];
            if chain.contains(main) {
                let cycle: Vec<&str> = chain.iter().map(|p| &**p).collect();
                return Err(error(
                    main_at,
                    format!(
                        "include cycle: {} includes {main}",
                        cycle.join(" includes ")
                    ),
                ));
            }
            let env = self.included_env(reader, &entry, env)?;
            let lookup = |name: &str| env.get(name).cloned();
            let mut trees = Vec::new();
            for (path, at) in &entry.paths {
                let Some(bytes) = self.read_included(reader, path, at)? else {
                    return Err(error(at, format!("included file {path} does not exist")));
                };
                self.dirs.insert(path.clone(), entry.project_dir.clone());
                trees.extend(self.trees(path, &bytes, &lookup)?);
            }
            let imported = self.project(trees, &entry.project_dir, &env, chain)?;
            if let Some(imported) = imported {
                import(tree, imported, main)?;
            }
        }
        if let Kind::Map(top) = &mut tree.kind {
            top.retain(|(k, _, _)| k != "include");
        }
        Ok(())
    }

    /// The environment of an included project: the including one's, over
    /// its env files (the later file's value winning among them).
    fn included_env(
        &mut self,
        reader: IncludeReader<'_>,
        entry: &Entry,
        env: &Env,
    ) -> Result<Env, ComposeError> {
        let default = || {
            let path: Arc<str> = Arc::from(join(&entry.project_dir, ".env"));
            vec![(path, entry.at.clone())]
        };
        let (files, required) = if entry.env_files.is_empty() {
            (default(), false)
        } else {
            (entry.env_files.clone(), true)
        };
        let mut from_files = Env::new();
        for (path, at) in &files {
            let Some(bytes) = self.read_included(reader, path, at)? else {
                if required {
                    return Err(error(at, format!("env file {path} does not exist")));
                }
                continue;
            };
            let place = |line, column, message| ComposeError {
                path: path.clone(),
                line,
                column,
                message,
            };
            let text =
                yaml::text(&bytes, &self.limits).map_err(|e| place(e.line, e.column, e.message))?;
            let mut lookups = env.clone();
            lookups.extend(from_files.clone());
            let values = dotenv::parse(text, &lookups).map_err(|e| place(e.line, 1, e.message))?;
            from_files.extend(values);
        }
        from_files.extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(from_files)
    }
}
