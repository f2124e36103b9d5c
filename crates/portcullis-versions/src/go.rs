//! Go module versions, ordered as `golang.org/x/mod/semver.Compare`.
//!
//! `vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]` with x/mod's grammar:
//! SemVer 2.0.0 identifiers, plus the shorthands `v1` and `v1.2` (for
//! `v1.0.0`, `v1.2.0`, never with a pre-release or build). Pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`,
//! `v1.2.3-pre.0.20191109021931-daa7c04131f5`) are pre-releases and order as
//! such, which is how Go orders them. Build metadata, `+incompatible`
//! included, is ignored.
//!
//! Difference from x/mod: the leading `v` is optional, because OSV's Go
//! ranges write `1.2.3` while modules write `v1.2.3` (`1.2.3` equals
//! `v1.2.3`). x/mod orders invalid versions below valid ones; here they are
//! an `Err`.

use crate::semver::{parse_dialect, Dialect, Version};
use crate::{parse_both, CmpResult};

const GO: Dialect = Dialect {
    v_prefix: true,
    shorthand: true,
};

/// Parses a Go module version (with or without its `v`).
pub fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    parse_dialect(s, GO)
}

pub(crate) fn compare(a: &str, b: &str) -> CmpResult {
    let (va, vb) = parse_both(a, b, parse)?;
    Ok(va.precedence(&vb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn with_and_without_v() {
        assert_eq!(compare("v1.2.3", "1.2.3"), Ok(Equal));
        assert_eq!(compare("v1.2", "1.2.0"), Ok(Equal));
        assert_eq!(compare("v2.0.0+incompatible", "v2.0.0"), Ok(Equal));
        assert_eq!(
            compare("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1"),
            Ok(Less)
        );
        assert_eq!(
            compare("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"),
            Ok(Greater)
        );
        assert_eq!(
            compare("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre"),
            Ok(Greater)
        );
        assert_eq!(
            compare("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre.1"),
            Ok(Less)
        );
        assert!(parse("v1.2-pre").is_err());
        assert!(parse("vv1.2.3").is_err());
    }
}
