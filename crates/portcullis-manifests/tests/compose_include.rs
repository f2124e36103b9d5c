//! `include` through `compose::load` with a reader over files held here:
//! included services at their places in their own files, the included
//! project's directory and environment, `path` lists merged, and every
//! bound (files, nesting, cycles, conflicts) a one-line error at its place.

use std::collections::BTreeMap;
use std::sync::Arc;

use portcullis_manifests::compose::{load, ComposeInput, IncludeReader, Project};
use portcullis_manifests::model::{Loc, VolumeSource, Workload};

/// Loads `app/compose.yaml` of `files` (path, text), reading includes
/// from `files` too, with `env` as the process environment.
fn project(files: &[(&str, &str)], env: &[(&str, &str)]) -> Result<Project, String> {
    let held: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
        .collect();
    let read = |path: &str| -> Result<Option<Vec<u8>>, String> {
        if path == "app/unreadable.yaml" {
            return Err("cannot read: Permission denied".into());
        }
        Ok(held.get(path).cloned())
    };
    let main = held.get("app/compose.yaml").expect("a main file");
    let dotenv = held.get("app/.env");
    load(&ComposeInput {
        files: vec![(Arc::from("app/compose.yaml"), main.as_slice())],
        dotenv: dotenv.map(|b| (Arc::from("app/.env"), b.as_slice())),
        environment: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        include: Some(IncludeReader(&read)),
    })
    .map_err(|e| e.to_string())
}

fn service<'p>(p: &'p Project, name: &str) -> &'p Workload {
    p.workloads
        .iter()
        .find(|w| w.name == name)
        .unwrap_or_else(|| panic!("service {name}"))
}

fn place(at: &Loc) -> String {
    format!(
        "{}:{}:{} {}",
        at.path, at.span.start.line, at.span.start.column, at.pointer
    )
}

const MAIN: &str = "include:\n  - ../shared/db.yaml\n  - path:\n      - ../shared/cache.yaml\n      - ../shared/cache.override.yaml\n    env_file: ../shared/cache.env\nservices:\n  web:\n    image: registry.example/web:${WEB_TAG}\n    depends_on: [db, cache]\n    volumes:\n      - ./static:/srv\n";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("app/compose.yaml", MAIN),
        ("app/.env", "WEB_TAG=1.4.2\nPG_TAG=from-app\n"),
        (
            "shared/db.yaml",
            "include:\n  - metrics/compose.yaml\nservices:\n  db:\n    image: postgres:${PG_TAG}\n    ports:\n      - \"5432:5432\"\n    volumes:\n      - ./data:/var/lib/postgresql/data\n",
        ),
        // The included project's own .env: the including project's
        // environment (and its .env) wins over it.
        ("shared/.env", "PG_TAG=16.4\nEXPORTER_TAG=0.15.0\n"),
        (
            "shared/metrics/compose.yaml",
            "services:\n  exporter:\n    image: exporter:${EXPORTER_TAG}\n    ports: [\"9187:9187\"]\n",
        ),
        (
            "shared/cache.yaml",
            "services:\n  cache:\n    image: redis:${REDIS_TAG}\n    ports:\n      - \"6379:6379\"\n",
        ),
        (
            "shared/cache.override.yaml",
            "services:\n  cache:\n    privileged: true\n",
        ),
        ("shared/cache.env", "REDIS_TAG=7.4\n"),
    ]
}

#[test]
fn included_services_keep_their_files_places_directories_and_environments() {
    let p = project(&files(), &[]).expect("loads");
    let names: Vec<&str> = p.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["web", "db", "exporter", "cache"]);
    let db = service(&p, "db");
    assert_eq!(place(&db.at), "shared/db.yaml:5:5 /services/db");
    let c = &db.containers[0];
    let image = c.image.as_ref().expect("image");
    // app/.env's PG_TAG wins over shared/.env's.
    assert_eq!(
        (image.value.as_str(), place(&image.at).as_str()),
        (
            "postgres:from-app",
            "shared/db.yaml:5:12 /services/db/image"
        )
    );
    assert_eq!(
        place(&c.ports[0].at),
        "shared/db.yaml:7:9 /services/db/ports/0"
    );
    // Relative bind sources: against the included project's directory.
    let bind = |w: &Workload| match &w.pod.volumes[0].source {
        VolumeSource::HostPath { path } => path.value.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(bind(db), "shared/data");
    assert_eq!(bind(service(&p, "web")), "app/static");
    // Nested: relative to the including file's directory (shared/), with
    // the including project's environment, shared/.env's EXPORTER_TAG in it.
    let exporter = service(&p, "exporter");
    assert_eq!(
        exporter.containers[0]
            .image
            .as_ref()
            .map(|i| i.value.as_str()),
        Some("exporter:0.15.0")
    );
    assert_eq!(
        place(&exporter.containers[0].ports[0].at),
        "shared/metrics/compose.yaml:4:13 /services/exporter/ports/0"
    );
    // `path` as a list: merged, each value from its file; env_file given.
    let cache = &service(&p, "cache").containers[0];
    assert_eq!(
        cache.image.as_ref().map(|i| i.value.as_str()),
        Some("redis:7.4")
    );
    assert_eq!(
        cache
            .security
            .privileged
            .as_ref()
            .map(|v| place(&v.at))
            .as_deref(),
        Some("shared/cache.override.yaml:3:17 /services/cache/privileged")
    );
    // The files read, in order, for the caller's source lines.
    let read: Vec<&str> = p.included.iter().map(|(path, _)| &**path).collect();
    assert_eq!(
        read,
        [
            "shared/.env",
            "shared/db.yaml",
            "shared/metrics/compose.yaml",
            "shared/cache.env",
            "shared/cache.yaml",
            "shared/cache.override.yaml",
        ]
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn the_process_environment_wins_over_every_env_file() {
    let p = project(&files(), &[("REDIS_TAG", "8.0"), ("PG_TAG", "17")]).expect("loads");
    let image = |name: &str| {
        service(&p, name).containers[0]
            .image
            .as_ref()
            .map(|i| i.value.clone())
    };
    assert_eq!(image("cache").as_deref(), Some("redis:8.0"));
    assert_eq!(image("db").as_deref(), Some("postgres:17"));
}

#[test]
fn a_project_directory_moves_relative_paths_and_the_default_env_file() {
    let p = project(
        &[
            (
                "app/compose.yaml",
                "include:\n  - path: ../shared/compose/db.yaml\n    project_directory: ../shared\nservices: {}\n",
            ),
            (
                "shared/compose/db.yaml",
                "services:\n  db:\n    image: postgres:${PG_TAG}\n    volumes: [\"./data:/data\"]\n",
            ),
            ("shared/.env", "PG_TAG=16.4\n"),
        ],
        &[],
    )
    .expect("loads");
    let db = service(&p, "db");
    assert_eq!(
        db.containers[0].image.as_ref().map(|i| i.value.as_str()),
        Some("postgres:16.4")
    );
    assert!(matches!(
        &db.pod.volumes[0].source,
        VolumeSource::HostPath { path } if path.value == "shared/data"
    ));
}

#[test]
fn the_same_service_twice_is_one_and_a_different_one_is_an_error() {
    let db = "services:\n  db:\n    image: postgres:16.4\n";
    let same = project(
        &[
            (
                "app/compose.yaml",
                "include: [db.yaml]\nservices:\n  db:\n    image: postgres:16.4\n",
            ),
            ("app/db.yaml", db),
        ],
        &[],
    )
    .expect("the same definition is no conflict");
    assert_eq!(same.workloads.len(), 1);
    assert_eq!(
        place(&same.workloads[0].at),
        "app/compose.yaml:4:5 /services/db"
    );
    assert_eq!(
        project(
            &[
                (
                    "app/compose.yaml",
                    "include: [db.yaml]\nservices:\n  db:\n    image: postgres:17\n",
                ),
                ("app/db.yaml", db),
            ],
            &[],
        )
        .map(|_| ())
        .expect_err("conflict"),
        "app/compose.yaml:3:3: services.db conflicts with the one included from app/db.yaml"
    );
}

fn refused(files: &[(&str, &str)]) -> String {
    project(files, &[]).map(|_| ()).expect_err("refused")
}

#[test]
fn bad_includes_are_one_line_errors_at_their_place() {
    let main = |text: &str| vec![("app/compose.yaml", text.to_owned())];
    let run = |files: Vec<(&str, String)>| {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        refused(&files)
    };
    assert_eq!(
        run(main("include:\n  - ../missing.yaml\n")),
        "app/compose.yaml:2:5: included file missing.yaml does not exist"
    );
    assert_eq!(
        run(main("include:\n  - unreadable.yaml\n")),
        "app/compose.yaml:2:5: app/unreadable.yaml: cannot read: Permission denied"
    );
    assert_eq!(
        run(main("include: a.yaml\n")),
        "app/compose.yaml:1:10: `include` must be a list"
    );
    assert_eq!(
        run(main("include:\n  - project_directory: ..\n")),
        "app/compose.yaml:2:5: an `include` entry needs a `path`"
    );
    assert_eq!(
        run(main("include:\n  - [a.yaml]\n")),
        "app/compose.yaml:2:5: an `include` entry is a path or a mapping with a `path`"
    );
    assert_eq!(
        run(main(
            "include:\n  - path: a.yaml\n    env_file: [missing.env]\n"
        )),
        "app/compose.yaml:3:16: env file app/missing.env does not exist"
    );
    // A cycle, through a file of another directory, at the entry that
    // closes it.
    let mut files = main("include: [../b/compose.yaml]\n");
    files.push(("b/compose.yaml", "include: [../app/compose.yaml]\n".into()));
    assert_eq!(
        run(files),
        "b/compose.yaml:1:11: include cycle: app/compose.yaml includes b/compose.yaml includes app/compose.yaml"
    );
    // Nesting: a chain of 20 files.
    let mut files = main("include: [n1.yaml]\n");
    for i in 1..20 {
        files.push((
            Box::leak(format!("app/n{i}.yaml").into_boxed_str()),
            format!("include: [n{}.yaml]\n", i + 1),
        ));
    }
    files.push(("app/n20.yaml", "services: {}\n".into()));
    assert_eq!(
        run(files),
        "app/n16.yaml:1:11: `include` nested more than 16 deep"
    );
    // Files: 101 includes of files that exist, each with no .env.
    let list: Vec<String> = (0..101).map(|i| format!("  - f{i}.yaml\n")).collect();
    let mut files = main(&format!("include:\n{}", list.concat()));
    for i in 0..101 {
        files.push((
            Box::leak(format!("app/f{i}.yaml").into_boxed_str()),
            format!("services:\n  s{i}:\n    image: x\n"),
        ));
    }
    assert_eq!(
        run(files),
        "app/compose.yaml:102:5: `include` reads more than 100 files"
    );
}

#[test]
fn without_a_reader_include_is_noted_and_not_followed() {
    let text = "include: [db.yaml]\nservices:\n  web:\n    image: x\n";
    let p = load(&ComposeInput {
        files: vec![(Arc::from("compose.yaml"), text.as_bytes())],
        dotenv: None,
        environment: BTreeMap::new(),
        include: None,
    })
    .expect("loads");
    assert_eq!(p.workloads.len(), 1);
    assert_eq!(
        p.notes
            .iter()
            .map(|(at, m)| format!("{}: {m}", place(at)))
            .collect::<Vec<_>>(),
        ["compose.yaml:1:10 /include: `include` is not followed: the included files are not read"]
    );
    assert!(p.included.is_empty());
}

#[test]
fn the_included_files_are_bounded_in_bytes_together() {
    // Three files of 22 MiB (a comment each): the third passes 64 MiB.
    let big = format!("#{}\nservices: {{}}\n", "x".repeat(22 << 20));
    let refused = project(
        &[
            (
                "app/compose.yaml",
                "include:\n  - a.yaml\n  - b.yaml\n  - c.yaml\n",
            ),
            ("app/a.yaml", &big),
            ("app/b.yaml", &big),
            ("app/c.yaml", &big),
        ],
        &[],
    )
    .map(|_| ())
    .expect_err("refused");
    assert_eq!(
        refused,
        "app/compose.yaml:4:5: the files `include` reads are more than 64 MiB together"
    );
}
