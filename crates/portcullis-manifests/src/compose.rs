//! Compose projects: the files `docker compose` would read (a main file and
//! its override), merged and interpolated as `docker compose config` does,
//! into `Workload`s with every value's place kept.
//!
//! Each file is interpolated on its own (as the specification says: before
//! the merge), then merged into the one before by the rules of the
//! specification's 13-merge.md and compose-go's `override` package
//! (mappings key by key, sequences appended, `command`/`entrypoint`/
//! `healthcheck.test` replaced, `ports`/`volumes`/`cap_add`… made unique by
//! their keys, `!reset` and `!override`). Every value keeps the file and
//! place it came from, so a setting from the override points into the
//! override. `extends` is followed within a file and into the other files
//! given. `include` is followed when the caller gives a reader for the
//! files it names (`ComposeInput::include`), else noted as not followed;
//! included services keep the places in their own files.

mod dotenv;
mod extends;
mod include;
mod interpolate;
mod merge;
mod service;
mod tree;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Loc, Workload};
use crate::yaml::{self, Limits};

/// What a Compose project is read from; the CLI reads the files.
#[derive(Clone, Debug)]
pub struct ComposeInput<'a> {
    /// The main file, then its overrides, in merge order.
    pub files: Vec<(Arc<str>, &'a [u8])>,
    /// The project's `.env`, when there is one.
    pub dotenv: Option<(Arc<str>, &'a [u8])>,
    /// The environment of the process, which wins over `.env`.
    pub environment: BTreeMap<String, String>,
    /// Reads the files `include` names; `None` leaves `include` unread.
    pub include: Option<IncludeReader<'a>>,
}

/// The caller's reader of the files an `include` names: given the path as
/// the loader joined it (`/`-separated, relative to where the main file's
/// path is relative to), the file's bytes (capped as the caller caps the
/// main file), `Ok(None)` when there is no such file, or why it could not
/// be read.
#[derive(Clone, Copy)]
pub struct IncludeReader<'a>(pub &'a ReadIncluded<'a>);

/// What an [`IncludeReader`] calls.
pub type ReadIncluded<'a> = dyn Fn(&str) -> Result<Option<Vec<u8>>, String> + 'a;

impl std::fmt::Debug for IncludeReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IncludeReader")
    }
}

/// A Compose project, read.
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub workloads: Vec<Workload>,
    /// What could not be judged, and where (an unset variable, say).
    pub notes: Vec<(Loc, String)>,
    /// The files read for `include` (Compose files and their env files),
    /// in the order read, with the paths locations name them by.
    pub included: Vec<(Arc<str>, Vec<u8>)>,
}

/// Why a project could not be read: the file and position, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeError {
    pub path: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ComposeError {}

/// The override files `docker compose` reads beside a main file of this
/// name, in the order it tries them (the first that exists is used).
pub fn override_names(main: &str) -> &'static [&'static str] {
    match main {
        "compose.yaml" | "compose.yml" => &["compose.override.yaml", "compose.override.yml"],
        "docker-compose.yaml" | "docker-compose.yml" => &[
            "docker-compose.override.yaml",
            "docker-compose.override.yml",
        ],
        _ => &[],
    }
}

/// What reading a project keeps across its files and included projects.
pub(crate) struct Loader<'a> {
    limits: Limits,
    reader: Option<IncludeReader<'a>>,
    notes: Vec<(Loc, String)>,
    included: Vec<(Arc<str>, Vec<u8>)>,
    included_bytes: usize,
    /// The project directory of each included file, which its relative
    /// bind sources are resolved against (the main project's otherwise).
    dirs: BTreeMap<Arc<str>, String>,
}

impl Loader<'_> {
    /// A file's documents, interpolated by `lookup`, each a tree.
    fn trees(
        &mut self,
        path: &Arc<str>,
        bytes: &[u8],
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<(Arc<str>, tree::Value)>, ComposeError> {
        let documents = yaml::documents(bytes, &self.limits).map_err(|e| ComposeError {
            path: path.clone(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        let mut trees = Vec::new();
        // compose-go reads every document of a file, each over the last.
        for document in documents {
            let Some(root) = document.root.as_ref().filter(|r| !r.is_null()) else {
                continue;
            };
            let value = tree::from_yaml(path, document.index, root, lookup, &mut self.notes)?;
            if value.as_map().is_none() {
                return Err(tree::error(
                    &value.at,
                    "a Compose file is a mapping (services, volumes, …)",
                ));
            }
            trees.push((path.clone(), value));
        }
        Ok(trees)
    }

    /// The files of one project (the main one or an included one), each
    /// with its `include` followed, then its `extends`, merged in order.
    fn project(
        &mut self,
        mut trees: Vec<(Arc<str>, tree::Value)>,
        working_dir: &str,
        env: &include::Env,
        chain: &mut Vec<Arc<str>>,
    ) -> Result<Option<tree::Value>, ComposeError> {
        for (path, value) in &mut trees {
            chain.push(path.clone());
            self.include(value, working_dir, env, chain)?;
            chain.pop();
        }
        let files = extends::Files { trees: &trees };
        let mut merged: Option<tree::Value> = None;
        for index in 0..trees.len() {
            let value = extends::apply(&files, index, &mut self.notes)?;
            merged = Some(match merged {
                None => merge::strip_resets(value),
                Some(base) => merge::merge(base, value, &mut Vec::new())?,
            });
        }
        Ok(merged)
    }
}

/// The project's workloads.
pub fn load(input: &ComposeInput<'_>) -> Result<Project, ComposeError> {
    let mut loader = Loader {
        limits: Limits::default(),
        reader: input.include,
        notes: Vec::new(),
        included: Vec::new(),
        included_bytes: 0,
        dirs: BTreeMap::new(),
    };
    let Some((main_path, _)) = input.files.first() else {
        return Err(ComposeError {
            path: Arc::from("compose.yaml"),
            line: 1,
            column: 1,
            message: "no Compose file given".into(),
        });
    };
    let dotenv = match &input.dotenv {
        None => BTreeMap::new(),
        Some((path, bytes)) => {
            let text = yaml::text(bytes, &loader.limits).map_err(|e| ComposeError {
                path: path.clone(),
                line: e.line,
                column: e.column,
                message: e.message,
            })?;
            dotenv::parse(text, &input.environment).map_err(|e| ComposeError {
                path: path.clone(),
                line: e.line,
                column: 1,
                message: e.message,
            })?
        }
    };
    // The environment wins over `.env`.
    let mut env = dotenv;
    env.extend(input.environment.clone());
    let lookup = |name: &str| env.get(name).cloned();
    let mut trees = Vec::new();
    for (path, bytes) in &input.files {
        trees.extend(loader.trees(path, bytes, &lookup)?);
    }
    let project_dir = parent_dir(main_path);
    let Some(root) = loader.project(trees, &project_dir, &env, &mut Vec::new())? else {
        return Err(ComposeError {
            path: main_path.clone(),
            line: 1,
            column: 1,
            message: "empty Compose file".into(),
        });
    };
    let home = input.environment.get("HOME").cloned();
    let mut notes = loader.notes;
    let workloads = service::workloads(
        &root,
        &project_dir,
        &loader.dirs,
        home.as_deref(),
        &mut notes,
    )?;
    // In the order of the files, then of their text (the .env first).
    let order: Vec<&Arc<str>> = input
        .files
        .iter()
        .map(|(p, _)| p)
        .chain(loader.included.iter().map(|(p, _)| p))
        .collect();
    let file_order = |path: &Arc<str>| order.iter().position(|p| *p == path);
    notes.sort_by_key(|(at, _)| (file_order(&at.path), at.span.start));
    Ok(Project {
        workloads,
        notes,
        included: loader.included,
    })
}

/// `path` relative to `dir` (absolute paths as they are), `.` and `..`
/// folded as compose-go's `filepath.Join` does.
pub(crate) fn join(dir: &str, path: &str) -> String {
    service::resolve(path, dir, None)
}

/// The directory of the main file, as given (empty for a bare name), which
/// relative bind-mount sources are resolved against, as compose does.
pub(crate) fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(0) => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
        None => String::new(),
    }
}
