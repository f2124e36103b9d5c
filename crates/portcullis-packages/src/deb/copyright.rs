//! Licenses from a Debian package's `usr/share/doc/NAME/copyright`.
//!
//! Machine-readable files (the copyright format 1.0, "DEP-5",
//! <https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/>)
//! name each `Files:` paragraph's license on the first line of its
//! `License:` field, as a short name (`GPL-2+`, `Expat`), possibly an
//! expression of them (`LGPL-2.1+ or MPL-1.1`), possibly with an exception
//! (`GPL-3+ with Bison exception`). Those are returned raw, as written;
//! mapping them to SPDX is the license module's work. Standalone
//! `License:` paragraphs (no `Files:`) only hold the texts of licenses the
//! `Files:` paragraphs name, and are not counted.
//!
//! Other copyright files are free text: only references to the licenses
//! Debian ships in `/usr/share/common-licenses/` are taken, the one thing
//! in such text that names a license without guessing.

use std::collections::HashSet;

use super::control::paragraphs;

/// The license texts `base-files` installs in `/usr/share/common-licenses`
/// (Debian 12): a reference to one of these names it unambiguously. `GPL`,
/// `LGPL` and `GFDL` are symlinks to the latest version there; they are
/// kept as written.
const COMMON_LICENSES: &[&str] = &[
    "Apache-2.0",
    "Artistic",
    "BSD",
    "CC0-1.0",
    "GFDL",
    "GFDL-1.2",
    "GFDL-1.3",
    "GPL",
    "GPL-1",
    "GPL-2",
    "GPL-3",
    "LGPL",
    "LGPL-2",
    "LGPL-2.1",
    "LGPL-3",
    "MPL-1.1",
    "MPL-2.0",
];

const COMMON_LICENSES_DIR: &str = "/usr/share/common-licenses/";

/// Is this copyright text machine-readable (its first paragraph has a
/// `Format:` naming the 1.0 format, or one of the DEP-5 drafts' URLs that
/// older packages still carry)?
pub fn is_machine_readable(text: &str) -> bool {
    let Some(first) = paragraphs(text).into_iter().next() else {
        return false;
    };
    first.get("Format").is_some_and(|f| {
        f.contains("copyright-format/1.0") || f.contains("/deps/dep5") || f.contains("/dep5.mdwn")
    })
}

/// The licenses a copyright file declares, distinct, in the order they
/// first appear: raw `License:` short names of a machine-readable file's
/// header and `Files:` paragraphs, or the `/usr/share/common-licenses/`
/// names a free-text file refers to. Empty when none is recognisable.
pub fn licenses(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut add = |name: &str| {
        if !name.is_empty() && seen.insert(name.to_owned()) {
            out.push(name.to_owned());
        }
    };
    let paras = paragraphs(&text);
    if is_machine_readable(&text) {
        for (i, p) in paras.iter().enumerate() {
            if i == 0 || p.has("Files") {
                if let Some(l) = p.get("License") {
                    add(l);
                }
            }
        }
    } else {
        for (at, _) in text.match_indices(COMMON_LICENSES_DIR) {
            let rest = text.get(at + COMMON_LICENSES_DIR.len()..).unwrap_or("");
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
                .unwrap_or(rest.len());
            // A sentence may end right after the name ("…/GPL-2.").
            let name = rest.get(..end).unwrap_or("").trim_end_matches(['.', '-']);
            if COMMON_LICENSES.contains(&name) {
                add(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep5_header_files_paragraphs_not_standalone() {
        let text = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nLicense: MIT\n\nFiles: *\nCopyright: x\nLicense: GPL-2+\n long text\n\nFiles: a/*\nLicense: LGPL-2.1+ or MPL-1.1\n\nFiles: b/*\nLicense: GPL-2+\n\nLicense: Unused-1.0\n text\n";
        assert_eq!(
            licenses(text.as_bytes()),
            ["MIT", "GPL-2+", "LGPL-2.1+ or MPL-1.1"]
        );
    }

    #[test]
    fn dep5_draft_url() {
        let text = "Format: http://dep.debian.net/deps/dep5\n\nFiles: *\nLicense: BSD-3-clause\n";
        assert_eq!(licenses(text.as_bytes()), ["BSD-3-clause"]);
    }

    #[test]
    fn free_text_only_known_common_licenses() {
        let text =
            "see /usr/share/common-licenses/GPL-2. Also `/usr/share/common-licenses/LGPL-2.1'\n\
                    and /usr/share/common-licenses/GPL-2 again, /usr/share/common-licenses/Foo-1,\n\
                    /usr/share/common-licenses/ and the GNU GPL version 3 (not a reference).\n\
                    License: MIT (free text: not read)\n/usr/share/common-licenses/GPL-3";
        assert_eq!(licenses(text.as_bytes()), ["GPL-2", "LGPL-2.1", "GPL-3"]);
    }

    #[test]
    fn nothing_recognisable() {
        assert!(licenses(b"Copyright 2020 someone. All rights reserved.").is_empty());
        assert!(licenses(b"").is_empty());
        assert!(licenses(&[0xff, 0xfe, 0, 0]).is_empty());
    }
}
