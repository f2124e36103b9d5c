use super::*;

#[test]
fn osv_ecosystems() {
    for (eco, scheme) in [
        ("Debian:12", Scheme::Dpkg),
        ("Debian", Scheme::Dpkg),
        ("Ubuntu:22.04:LTS", Scheme::Dpkg),
        ("Ubuntu:Pro:18.04:LTS", Scheme::Dpkg),
        ("Alpine:v3.20", Scheme::Apk),
        ("Wolfi", Scheme::Apk),
        ("Chainguard", Scheme::Apk),
        ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
        ("Rocky Linux:9", Scheme::Rpm),
        ("AlmaLinux:8", Scheme::Rpm),
        ("SUSE:Linux Enterprise Server 15 SP5", Scheme::Rpm),
        ("openSUSE:Tumbleweed", Scheme::Rpm),
        ("Mageia:9", Scheme::Rpm),
        ("PyPI", Scheme::Pep440),
        ("npm", Scheme::Npm),
        ("Go", Scheme::Go),
        ("Maven", Scheme::Maven),
        ("RubyGems", Scheme::RubyGems),
        ("Packagist", Scheme::Composer),
        ("NuGet", Scheme::NuGet),
        ("crates.io", Scheme::Cargo),
    ] {
        assert_eq!(Scheme::for_osv_ecosystem(eco), Some(scheme), "{eco}");
    }
    for eco in ["", "debian", "Hackage", "GitHub Actions", "Linux", "pypi"] {
        assert_eq!(Scheme::for_osv_ecosystem(eco), None, "{eco}");
    }
}

#[test]
fn osv_ranges() {
    assert_eq!(Scheme::for_osv_range("SEMVER", "Go"), Some(Scheme::Go));
    assert_eq!(Scheme::for_osv_range("SEMVER", "npm"), Some(Scheme::Npm));
    assert_eq!(
        Scheme::for_osv_range("SEMVER", "PyPI"),
        Some(Scheme::SemVer)
    );
    assert_eq!(Scheme::for_osv_range("SEMVER", "Hex"), Some(Scheme::SemVer));
    assert_eq!(
        Scheme::for_osv_range("ECOSYSTEM", "PyPI"),
        Some(Scheme::Pep440)
    );
    assert_eq!(Scheme::for_osv_range("GIT", "Go"), None);
    assert_eq!(Scheme::for_purl_type("deb"), Some(Scheme::Dpkg));
    assert_eq!(Scheme::for_purl_type("gem"), Some(Scheme::RubyGems));
    assert_eq!(Scheme::for_purl_type("generic"), None);
}

#[test]
fn names_are_distinct() {
    let mut names: Vec<_> = ALL_SCHEMES.iter().map(|s| s.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ALL_SCHEMES.len());
}

#[test]
fn errors_name_the_version_and_reason() {
    let e = match compare(Scheme::Dpkg, "1.0", "a:1") {
        Err(e) => e,
        Ok(o) => panic!("accepted: {o:?}"),
    };
    assert_eq!(e.version(), "a:1");
    assert_eq!(e.scheme(), Scheme::Dpkg);
    assert_eq!(e.reason(), "epoch in version is empty");
    assert_eq!(
        e.to_string(),
        "invalid dpkg version \"a:1\": epoch in version is empty"
    );
    assert!(validate(Scheme::SemVer, "1.2").is_err());
    assert!(validate(Scheme::SemVer, "1.2.3").is_ok());
}

#[test]
fn every_scheme_rejects_the_empty_string() {
    for s in ALL_SCHEMES {
        assert!(validate(s, "").is_err(), "{s}");
        assert!(compare(s, "1.0.0", "").is_err(), "{s}");
    }
}
