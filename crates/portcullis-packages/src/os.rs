//! The operating system of an image: `etc/os-release` and
//! `usr/lib/os-release` (os-release(5), freedesktop.org), and the older
//! release files as fallbacks: `etc/debian_version`, `etc/alpine-release`,
//! `etc/redhat-release` and its siblings.
//!
//! # Which one wins (for the image side)
//!
//! Every one of these files gives an [`Os`]; more than one is usually
//! present, and they do not agree in detail (Ubuntu's `debian_version`
//! says `bookworm/sid`). The image should take, from the merged
//! filesystem (the last layer's version of each file, deleted ones gone),
//! the `Os` of the file with the lowest [`precedence`]: `etc/os-release`
//! (0), then `usr/lib/os-release` (1; os-release(5): "/etc/os-release
//! takes precedence over /usr/lib/os-release"), then a release file (2).
//! Debian's and Rocky's `etc/os-release` is a symlink to
//! `../usr/lib/os-release`; the content pass feeds regular files only, so
//! there `usr/lib/os-release` is the one read, which is the same file.
//! Likewise `etc/redhat-release` is a symlink to `rocky-release`,
//! `centos-release`, `almalinux-release` or `fedora-release` on those
//! distributions: those names are read too, with the same parser.

use crate::catalog::{FileCataloger, Whole};
use crate::model::{Found, Os};

/// os-release files are a few hundred bytes; anything past a MiB is not one.
pub const OS_RELEASE_CAP: usize = 1 << 20;

/// The longest value kept; a longer one is dropped with a note.
const MAX_VALUE: usize = 1024;

const RELEASE_FILES: &[&str] = &[
    "etc/redhat-release",
    "etc/centos-release",
    "etc/rocky-release",
    "etc/almalinux-release",
    "etc/fedora-release",
    "etc/system-release",
];

/// Lower wins: see the module documentation. `None`: not an OS file.
pub fn precedence(path: &str) -> Option<u8> {
    match path {
        "etc/os-release" => Some(0),
        "usr/lib/os-release" => Some(1),
        "etc/debian_version" | "etc/alpine-release" => Some(2),
        p if RELEASE_FILES.contains(&p) => Some(2),
        _ => None,
    }
}

pub fn cataloger(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    let parse: fn(&str, &[u8]) -> Found = match path {
        "etc/os-release" | "usr/lib/os-release" => |_, b| parse_os_release(b),
        "etc/debian_version" => |_, b| parse_debian_version(b),
        "etc/alpine-release" => |_, b| parse_alpine_release(b),
        p if RELEASE_FILES.contains(&p) => |_, b| parse_redhat_release(b),
        _ => return None,
    };
    Some(Whole::new(path, size, OS_RELEASE_CAP, parse))
}

fn with_os(os: Option<Os>, mut notes: Vec<String>, what: &str) -> Found {
    if os.is_none() && notes.is_empty() {
        notes.push(format!("no {what} found"));
    }
    Found {
        os,
        notes,
        ..Found::default()
    }
}

/// One `os-release` value: shell-like, as os-release(5) allows. Unquoted
/// text ends at whitespace; `\` outside quotes takes the next character
/// literally; `'…'` is literal; in `"…"`, `\` escapes `"`, `\`, `$` and
/// `` ` `` and is otherwise kept; adjacent pieces concatenate, as in sh.
/// `Err` keeps what was read when a quote is not closed on the line.
fn shell_value(v: &str) -> Result<String, String> {
    #[derive(PartialEq)]
    enum Q {
        None,
        Single,
        Double,
    }
    let mut out = String::new();
    let mut q = Q::None;
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match q {
            Q::None => match c {
                '"' => q = Q::Double,
                '\'' => q = Q::Single,
                '\\' => {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                c if c.is_whitespace() => break,
                c => out.push(c),
            },
            Q::Single => match c {
                '\'' => q = Q::None,
                c => out.push(c),
            },
            Q::Double => match c {
                '"' => q = Q::None,
                '\\' => match chars.peek() {
                    Some(&n) if matches!(n, '"' | '\\' | '$' | '`') => {
                        out.push(n);
                        chars.next();
                    }
                    _ => out.push('\\'),
                },
                c => out.push(c),
            },
        }
    }
    if q == Q::None {
        Ok(out)
    } else {
        Err(out)
    }
}

fn valid_key(k: &str) -> bool {
    let mut cs = k.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An `os-release` file: `ID` (`linux` when absent, as os-release(5)
/// says), `VERSION_ID`, `VERSION_CODENAME`, `ID_LIKE` (space-separated),
/// `PRETTY_NAME`. Comments (`#`) and blank lines are skipped, and so are
/// lines that are not `KEY=value`; a repeated key's last value wins, as
/// when the shell sources it.
pub fn parse_os_release(bytes: &[u8]) -> Found {
    let text = String::from_utf8_lossy(bytes);
    let mut notes = Vec::new();
    let mut os = Os::default();
    let mut id = None;
    let mut any = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if !valid_key(key) {
            continue;
        }
        any = true;
        let value = match shell_value(value) {
            Ok(v) => v,
            Err(v) => {
                notes.push(format!("line {}: {key}: a quote is not closed", i + 1));
                v
            }
        };
        if value.len() > MAX_VALUE {
            notes.push(format!(
                "line {}: {key} of {} bytes: ignored",
                i + 1,
                value.len()
            ));
            continue;
        }
        let opt = Some(value.clone()).filter(|v| !v.is_empty());
        match key {
            "ID" => id = opt,
            "VERSION_ID" => os.version_id = opt,
            "VERSION_CODENAME" => os.version_codename = opt,
            "PRETTY_NAME" => os.pretty_name = opt,
            "ID_LIKE" => os.id_like = value.split_whitespace().map(str::to_owned).collect(),
            _ => {}
        }
    }
    if !any {
        return with_os(None, notes, "KEY=value line");
    }
    os.id = id.unwrap_or_else(|| "linux".to_owned());
    with_os(Some(os), notes, "")
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.split('\n').next().unwrap_or("");
    line.trim().chars().take(MAX_VALUE).collect()
}

/// Debian's codenames by major release (<https://www.debian.org/releases/>).
fn debian_codename(major: &str) -> Option<&'static str> {
    Some(match major {
        "7" => "wheezy",
        "8" => "jessie",
        "9" => "stretch",
        "10" => "buster",
        "11" => "bullseye",
        "12" => "bookworm",
        "13" => "trixie",
        "14" => "forky",
        _ => return None,
    })
}

/// `etc/debian_version`: `12.5` is Debian 12 (`VERSION_ID` is the major
/// release, as Debian's os-release has it), `trixie/sid` a testing or
/// unstable system (no version; the codename before the slash).
pub fn parse_debian_version(bytes: &[u8]) -> Found {
    let line = first_line(bytes);
    let os = if line.starts_with(|c: char| c.is_ascii_digit()) {
        let major = line.split('.').next().unwrap_or(&line);
        major.chars().all(|c| c.is_ascii_digit()).then(|| Os {
            id: "debian".to_owned(),
            version_id: Some(major.to_owned()),
            version_codename: debian_codename(major).map(str::to_owned),
            ..Os::default()
        })
    } else {
        line.split_once('/').and_then(|(codename, _)| {
            (!codename.is_empty() && codename.chars().all(|c| c.is_ascii_lowercase())).then(|| Os {
                id: "debian".to_owned(),
                version_codename: Some(codename.to_owned()),
                ..Os::default()
            })
        })
    };
    let notes = if os.is_none() {
        vec![format!("not a Debian version: {line:?}")]
    } else {
        Vec::new()
    };
    with_os(os, notes, "")
}

/// `etc/alpine-release`: the version (`3.20.1`), which is Alpine's
/// `VERSION_ID`.
pub fn parse_alpine_release(bytes: &[u8]) -> Found {
    let line = first_line(bytes);
    let ok = line.starts_with(|c: char| c.is_ascii_digit())
        && line
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        return with_os(None, vec![format!("not an Alpine version: {line:?}")], "");
    }
    with_os(
        Some(Os {
            id: "alpine".to_owned(),
            version_id: Some(line),
            ..Os::default()
        }),
        Vec::new(),
        "",
    )
}

/// `NAME release VERSION (CODENAME)` lines: the distribution's os-release
/// `ID`, whether its `VERSION_ID` is the major release only, and its
/// `ID_LIKE` (as those distributions' os-release files have them).
const RELEASE_NAMES: &[(&str, &str, bool, &[&str])] = &[
    ("Red Hat Enterprise Linux", "rhel", false, &["fedora"]),
    ("CentOS Stream", "centos", true, &["rhel", "fedora"]),
    ("CentOS", "centos", true, &["rhel", "fedora"]),
    ("Rocky Linux", "rocky", false, &["rhel", "centos", "fedora"]),
    (
        "AlmaLinux",
        "almalinux",
        false,
        &["rhel", "centos", "fedora"],
    ),
    ("Fedora", "fedora", false, &[]),
    ("Oracle Linux", "ol", false, &["fedora"]),
    ("Amazon Linux", "amzn", true, &["centos", "rhel", "fedora"]),
];

/// `etc/redhat-release` and its siblings: `Rocky Linux release 9.4 (Blue
/// Onyx)` is `rocky` 9.4; `CentOS Linux release 7.9.2009 (Core)` is
/// `centos` 7 (CentOS's and Amazon Linux's `VERSION_ID` is the major
/// release). A distribution not known here is a note, not a guess.
pub fn parse_redhat_release(bytes: &[u8]) -> Found {
    let line = first_line(bytes);
    let parsed = line.split_once(" release ").and_then(|(name, rest)| {
        let &(_, id, major_only, like) =
            RELEASE_NAMES.iter().find(|(n, ..)| name.starts_with(n))?;
        let version = rest.split_whitespace().next()?;
        if !version.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let version = if major_only {
            version.split('.').next().unwrap_or(version)
        } else {
            version
        };
        Some(Os {
            id: id.to_owned(),
            version_id: Some(version.to_owned()),
            id_like: like.iter().map(|s| (*s).to_owned()).collect(),
            pretty_name: Some(line.clone()),
            ..Os::default()
        })
    });
    let notes = if parsed.is_none() {
        vec![format!("not a release line known here: {line:?}")]
    } else {
        Vec::new()
    };
    with_os(parsed, notes, "")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is a failure
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_value(r#""a b""#).unwrap(), "a b");
        assert_eq!(shell_value(r#"'a "b" \n'"#).unwrap(), r#"a "b" \n"#);
        assert_eq!(
            shell_value(r#""x \"y\" \\ \$ \n""#).unwrap(),
            r#"x "y" \ $ \n"#
        );
        assert_eq!(shell_value(r#"a\ b"c"'d' # comment"#).unwrap(), "a bcd");
        assert_eq!(shell_value(r#""open"#).unwrap_err(), "open");
    }

    #[test]
    fn os_release_defaults_and_junk() {
        let f = parse_os_release(b"# c\nNAME=x\nnot a line\n1X=bad\n");
        assert_eq!(f.os.unwrap().id, "linux");
        let f = parse_os_release(b"\x00\xff garbage");
        assert_eq!(f.os, None);
        assert_eq!(f.notes, ["no KEY=value line found"]);
        let long = format!(
            "ID=debian\nPRETTY_NAME={}\nVERSION_ID=\"12",
            "x".repeat(5000)
        );
        let f = parse_os_release(long.as_bytes());
        let os = f.os.unwrap();
        assert_eq!(
            (os.id.as_str(), os.pretty_name, os.version_id.as_deref()),
            ("debian", None, Some("12"))
        );
        assert_eq!(
            f.notes,
            [
                "line 2: PRETTY_NAME of 5000 bytes: ignored",
                "line 3: VERSION_ID: a quote is not closed"
            ]
        );
    }

    #[test]
    fn fallbacks() {
        let os = parse_debian_version(b"12.5\n").os.unwrap();
        assert_eq!(
            (
                os.id.as_str(),
                os.version_id.as_deref(),
                os.version_codename.as_deref()
            ),
            ("debian", Some("12"), Some("bookworm"))
        );
        let os = parse_debian_version(b"trixie/sid\n").os.unwrap();
        assert_eq!(
            (os.version_id, os.version_codename.as_deref()),
            (None, Some("trixie"))
        );
        assert_eq!(
            parse_debian_version(b"hello").notes,
            ["not a Debian version: \"hello\""]
        );
        let os = parse_alpine_release(b"3.20.1\r\n").os.unwrap();
        assert_eq!(
            (os.id.as_str(), os.version_id.as_deref()),
            ("alpine", Some("3.20.1"))
        );
        assert!(parse_alpine_release(b"").os.is_none());
        let os = parse_redhat_release(b"Rocky Linux release 9.4 (Blue Onyx)\n")
            .os
            .unwrap();
        assert_eq!(
            (os.id.as_str(), os.version_id.as_deref()),
            ("rocky", Some("9.4"))
        );
        assert_eq!(
            os.pretty_name.as_deref(),
            Some("Rocky Linux release 9.4 (Blue Onyx)")
        );
        let os = parse_redhat_release(b"CentOS Linux release 7.9.2009 (Core)\n")
            .os
            .unwrap();
        assert_eq!(
            (os.id.as_str(), os.version_id.as_deref()),
            ("centos", Some("7"))
        );
        assert_eq!(os.id_like, ["rhel", "fedora"]);
        let os = parse_redhat_release(b"Red Hat Enterprise Linux release 8.10 (Ootpa)")
            .os
            .unwrap();
        assert_eq!(
            (os.id.as_str(), os.version_id.as_deref()),
            ("rhel", Some("8.10"))
        );
        let os = parse_redhat_release(b"Amazon Linux release 2023.4.20240611 (Amazon Linux)")
            .os
            .unwrap();
        assert_eq!(
            (os.id.as_str(), os.version_id.as_deref()),
            ("amzn", Some("2023"))
        );
        assert!(parse_redhat_release(b"Frobnix release 1.0").os.is_none());
        assert!(parse_redhat_release(b"Fedora release rawhide").os.is_none());
    }

    #[test]
    fn which_files() {
        assert!(cataloger("etc/os-release", 100).is_some());
        assert!(cataloger("usr/lib/os-release", 100).is_some());
        assert!(cataloger("etc/rocky-release", 100).is_some());
        assert!(cataloger("etc/os-release.bak", 100).is_none());
        assert!(cataloger("/etc/os-release", 100).is_none());
        assert_eq!(precedence("etc/os-release"), Some(0));
        assert_eq!(precedence("usr/lib/os-release"), Some(1));
        assert_eq!(precedence("etc/debian_version"), Some(2));
        assert_eq!(precedence("etc/hostname"), None);
    }
}
