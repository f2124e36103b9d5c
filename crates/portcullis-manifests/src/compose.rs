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
//! given; `include` is not followed (a note says so).

mod dotenv;
mod extends;
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
}

/// A Compose project, read.
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub workloads: Vec<Workload>,
    /// What could not be judged, and where (an unset variable, say).
    pub notes: Vec<(Loc, String)>,
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

/// The project's workloads.
pub fn load(input: &ComposeInput<'_>) -> Result<Project, ComposeError> {
    let limits = Limits::default();
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
            let text = yaml::text(bytes, &limits).map_err(|e| ComposeError {
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
    let lookup = |name: &str| {
        input
            .environment
            .get(name)
            .or_else(|| dotenv.get(name))
            .cloned()
    };
    let mut notes = Vec::new();
    let mut trees: Vec<(Arc<str>, tree::Value)> = Vec::new();
    for (path, bytes) in &input.files {
        let documents = yaml::documents(bytes, &limits).map_err(|e| ComposeError {
            path: path.clone(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        // compose-go reads every document of a file, each over the last.
        for document in documents {
            let Some(root) = document.root.as_ref().filter(|r| !r.is_null()) else {
                continue;
            };
            let value = tree::from_yaml(path, document.index, root, &lookup, &mut notes)?;
            if value.as_map().is_none() {
                return Err(tree::error(
                    &value.at,
                    "a Compose file is a mapping (services, volumes, …)",
                ));
            }
            trees.push((path.clone(), value));
        }
    }
    let files = extends::Files { trees: &trees };
    let mut merged: Option<tree::Value> = None;
    for index in 0..trees.len() {
        let value = extends::apply(&files, index, &mut notes)?;
        merged = Some(match merged {
            None => merge::strip_resets(value),
            Some(base) => merge::merge(base, value, &mut Vec::new())?,
        });
    }
    let Some(root) = merged else {
        return Err(ComposeError {
            path: main_path.clone(),
            line: 1,
            column: 1,
            message: "empty Compose file".into(),
        });
    };
    let project_dir = parent_dir(main_path);
    let home = input.environment.get("HOME").cloned();
    let workloads = service::workloads(&root, &project_dir, home.as_deref(), &mut notes)?;
    // In the order of the files, then of their text (the .env first).
    let file_order = |path: &Arc<str>| input.files.iter().position(|(p, _)| p == path);
    notes.sort_by_key(|(at, _)| (file_order(&at.path), at.span.start));
    Ok(Project { workloads, notes })
}

/// The directory of the main file, as given (empty for a bare name), which
/// relative bind-mount sources are resolved against, as compose does.
fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(0) => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
        None => String::new(),
    }
}
