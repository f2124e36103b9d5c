//! Kubernetes manifests and Compose files as targets: which files are
//! ones (by content, and by name where only the name can tell), reading
//! them without ever holding more than a manifest may have, and the
//! one-line errors of YAML that cannot be read.

use std::io::Read;
use std::path::{Path, PathBuf};

use portcullis_manifests::{compose, yaml, Platform};

/// The most bytes a manifest file (or standard input) may hold: what the
/// YAML reader accepts. More is refused before the rest is read.
pub fn max_bytes() -> usize {
    yaml::Limits::default().max_bytes
}

/// Whether a name is a YAML file's (`.yaml`, `.yml`).
pub fn is_yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The names `docker compose` reads without `-f`: a main file, or an
/// override of one. A file of such a name is a Compose file whatever it
/// holds, so YAML in it that cannot be read is an error, never skipped.
pub fn is_compose_name(name: &str) -> bool {
    const MAIN: [&str; 4] = [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    ];
    MAIN.contains(&name)
        || MAIN
            .iter()
            .any(|main| compose::override_names(main).contains(&name))
}

/// Whether `name` in `dir` is the override file of a main Compose file
/// beside it (then it is read with that file, not as a target of its own).
pub fn is_override_of_a_main(dir: &Path, name: &str) -> bool {
    main_of_override(dir, name).is_some()
}

/// The main Compose file beside an override file `name` in `dir`, the
/// first `docker compose` would read; `None` when `name` is no override or
/// no main file is there.
pub fn main_of_override(dir: &Path, name: &str) -> Option<PathBuf> {
    [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    ]
    .iter()
    .filter(|main| compose::override_names(main).contains(&name))
    .map(|main| dir.join(main))
    .find(|main| main.is_file())
}

/// Up to `max` bytes of `reader`; `Err(None)` when it holds more (one byte
/// past `max` is read to tell, never the rest).
pub fn read_capped(reader: impl Read, max: usize) -> Result<Vec<u8>, Option<std::io::Error>> {
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(limit).read_to_end(&mut bytes).map_err(Some)?;
    if bytes.len() > max {
        return Err(None);
    }
    Ok(bytes)
}

/// A file's bytes, capped at [`max_bytes`]; `None` over the cap. Anything
/// but a regular file (a FIFO would block, a device never end) is refused
/// unopened.
pub fn read_file_capped(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let max = u64::try_from(max_bytes()).unwrap_or(u64::MAX);
    portcullis_policy::paths::read_regular_within(path, max)
}

/// What is said of a file over [`max_bytes`].
pub fn too_big() -> String {
    format!(
        "more than the {} MiB a manifest may have: not read further",
        max_bytes() >> 20
    )
}

/// What YAML text is, by content.
pub fn platform(bytes: &[u8]) -> Option<Platform> {
    portcullis_manifests::detect(bytes)
}

/// Why YAML text cannot be read (`None`: it can): the first error the
/// YAML reader finds under its limits (the bomb, the nesting, a duplicate
/// key, a tag, a byte that is not UTF-8, the size).
pub fn yaml_error(bytes: &[u8]) -> Option<yaml::YamlError> {
    yaml::for_each_document(bytes, &yaml::Limits::default(), |_| {
        Ok::<(), yaml::YamlError>(())
    })
    .err()
}

/// The manifests and Compose files directly in `dir` (not below it), by
/// content or by a Compose name, sorted; an override beside its main file
/// is left to that file.
pub fn manifests_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| is_manifest_file(p))
        .collect();
    found.sort();
    found
}

/// Whether a file found in a directory is a target: a YAML file that is a
/// Kubernetes manifest or Compose file by content, or of a Compose name (its
/// errors are then reported); not an override beside its main file. Other
/// YAML, YAML that cannot be read, and YAML over the size limit that no
/// name marks, are skipped.
pub fn is_manifest_file(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return false;
    };
    if !is_yaml_name(&name) {
        return false;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    if is_override_of_a_main(dir, &name) {
        return false;
    }
    if is_compose_name(&name) {
        return true;
    }
    matches!(read_file_capped(path), Ok(Some(bytes)) if platform(&bytes).is_some())
}

/// A file `include` names, capped as [`read_file_capped`]; anything but a
/// regular file is refused unopened (a FIFO would block the scan).
pub fn read_included_file(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    read_file_capped(path)
}

/// The files a Compose main file's `include` reads (Compose files and env
/// files), as the scan of it will read them, for the guard that keeps a
/// report from overwriting an input. Empty for a file that is no Compose
/// file or whose project cannot be read (its scan then fails, writing
/// nothing).
pub fn compose_includes(main: &Path) -> Vec<PathBuf> {
    let Ok(Some(bytes)) = read_included_file(main) else {
        return Vec::new();
    };
    if platform(&bytes) != Some(Platform::Compose) {
        return Vec::new();
    }
    let dir = main.parent().unwrap_or(Path::new(""));
    let name = main
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read = |path: &Path| read_included_file(path).ok().flatten();
    let mut files = vec![(main.display().to_string(), bytes)];
    if let Some((path, bytes)) = compose::override_names(&name)
        .iter()
        .map(|o| dir.join(o))
        .find_map(|p| Some((p.display().to_string(), read(&p)?)))
    {
        files.push((path, bytes));
    }
    let dotenv = read(&dir.join(".env"));
    let reader = |file: &str| Ok(read(Path::new(file)));
    let input = compose::ComposeInput {
        files: files
            .iter()
            .map(|(p, b)| (std::sync::Arc::from(p.as_str()), b.as_slice()))
            .collect(),
        dotenv: dotenv
            .as_ref()
            .map(|b| (std::sync::Arc::from(".env"), b.as_slice())),
        environment: std::env::vars().collect(),
        include: Some(compose::IncludeReader(&reader)),
    };
    compose::load(&input).map_or_else(
        |_| Vec::new(),
        |project| {
            project
                .included
                .iter()
                .map(|(p, _)| PathBuf::from(&**p))
                .collect()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in ["a.yaml", "B.YML", "compose.yaml", "x.y.yml"] {
            assert!(is_yaml_name(yes), "{yes}");
        }
        for no in ["yaml", "a.yaml.bak", "Dockerfile", "a.json"] {
            assert!(!is_yaml_name(no), "{no}");
        }
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
            "compose.override.yaml",
            "docker-compose.override.yml",
        ] {
            assert!(is_compose_name(yes), "{yes}");
        }
        for no in ["Compose.yaml", "compose.json", "stack.yml", "k8s.yaml"] {
            assert!(!is_compose_name(no), "{no}");
        }
    }

    #[test]
    fn reading_stops_one_byte_past_the_cap() {
        let data = [b'a'; 100];
        assert_eq!(read_capped(&data[..], 100).ok().map(|b| b.len()), Some(100));
        assert!(matches!(read_capped(&data[..], 99), Err(None)));
        // The reader is not drained: one byte past the cap is all it gives.
        let mut source = &data[..];
        assert!(matches!(read_capped(&mut source, 10), Err(None)));
        assert_eq!(source.len(), 89);
    }

    #[test]
    fn yaml_errors_are_found_under_the_limits() {
        assert_eq!(yaml_error(b"a: 1\nb: [2]\n"), None);
        let dup = yaml_error(b"a: 1\na: 2\n").expect("duplicate key");
        assert_eq!((dup.line, dup.column), (2, 1));
        let bad = yaml_error(b"a: 1\nb: \xff\n").expect("not UTF-8");
        assert_eq!(
            (bad.line, bad.column, bad.message.as_str()),
            (2, 4, "not UTF-8 text")
        );
    }
}
