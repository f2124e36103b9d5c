//! `[licenses]` in the policy file: SPDX ids and family names are checked
//! when the file is read, each mistake an error at its place with the
//! exact message; what is valid reaches the policy as written.

use portcullis_policy::Policy;

fn load(text: &str) -> Result<Policy, Vec<String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portcullis.toml");
    std::fs::write(&path, text).expect("write");
    Policy::load(&path, "portcullis.toml")
        .map_err(|errors| errors.iter().map(|e| e.to_string()).collect())
}

#[test]
fn valid_lists_reach_the_policy() {
    let p = load(
        "[licenses]\nwarn-families = [\"GPL\", \"lgpl\", \"public-domain\", \"GPL\"]\nwarn = [\"MPL-2.0\", \"GPL-2.0-only WITH Classpath-exception-2.0\", \"LicenseRef-acme-eula\"]\nrestricted = [\"AGPL-3.0-only\", \"SSPL-1.0\", \"Sendmail\"]\n",
    )
    .expect("loads");
    // Families by their canonical names, once each.
    assert_eq!(p.licenses.warn_families, ["GPL", "LGPL", "public-domain"]);
    assert_eq!(
        p.licenses.warn,
        [
            "MPL-2.0",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            "LicenseRef-acme-eula"
        ]
    );
    // An SPDX id the facts table does not know (Sendmail) is still an id.
    assert_eq!(
        p.licenses.restricted,
        ["AGPL-3.0-only", "SSPL-1.0", "Sendmail"]
    );
}

#[test]
fn every_family_named_in_the_schema_is_one() {
    let schema = portcullis_policy::json_schema();
    for f in portcullis_packages::license::Family::ALL {
        assert!(
            schema.contains(&format!("`{f}`")),
            "the schema's [licenses] description lacks family `{f}`"
        );
        load(&format!("[licenses]\nwarn-families = [\"{f}\"]\n")).expect("family loads");
    }
}

#[test]
fn unknown_ids_and_families_are_errors_at_their_place() {
    let cases: &[(&str, &[&str])] = &[
        (
            "[licenses]\nwarn = [\"gpl-3.0-only\"]\n",
            &["portcullis.toml:2:9: unknown SPDX license id `gpl-3.0-only`; did you mean `GPL-3.0-only`?"],
        ),
        (
            "[licenses]\nrestricted = [\"Apache-2.0\", \"agpl-3.0-or-later\"]\n",
            &["portcullis.toml:2:29: unknown SPDX license id `agpl-3.0-or-later`; did you mean `AGPL-3.0-or-later`?"],
        ),
        (
            "[licenses]\nwarn = [\"GPL-3.0\"]\n",
            &["portcullis.toml:2:9: `GPL-3.0` is a deprecated SPDX license id; did you mean `GPL-3.0-only`?"],
        ),
        (
            "[licenses]\nwarn = [\"GPL-2.0+\"]\n",
            &["portcullis.toml:2:9: `GPL-2.0+` is a deprecated SPDX license id; did you mean `GPL-2.0-or-later`?"],
        ),
        (
            "[licenses]\nwarn = [\"Apache 2\"]\n",
            &["portcullis.toml:2:9: unknown SPDX license id `Apache 2`; ids are those of the SPDX License List (`GPL-3.0-only`, `Apache-2.0`), or `LicenseRef-…` for others"],
        ),
        (
            "[licenses]\nrestricted = [\"GPL\"]\n",
            &["portcullis.toml:2:15: unknown SPDX license id `GPL`: it is a license family, which `warn-families` lists"],
        ),
        (
            "[licenses]\nwarn = [\"MIT OR GPL-2.0-only\"]\n",
            &["portcullis.toml:2:9: `MIT OR GPL-2.0-only` is a license expression: list each license on its own"],
        ),
        (
            "[licenses]\nwarn = [\"GPL-2.0-only WITH Foo-exception\"]\n",
            &["portcullis.toml:2:9: unknown SPDX license exception in `GPL-2.0-only WITH Foo-exception`; exceptions are those of the SPDX License List (`Classpath-exception-2.0`)"],
        ),
        (
            "[licenses]\nwarn = [\"GPL-2.0-only with classpath-exception-2.0\"]\n",
            &["portcullis.toml:2:9: unknown SPDX license id `GPL-2.0-only with classpath-exception-2.0`; did you mean `GPL-2.0-only WITH Classpath-exception-2.0`?"],
        ),
        (
            "[licenses]\nwarn = [\"licenseref-acme\"]\n",
            &["portcullis.toml:2:9: unknown SPDX license id `licenseref-acme`; did you mean `LicenseRef-acme`?"],
        ),
        (
            "[licenses]\nwarn = [\"LicenseRef-acme eula\"]\n",
            &["portcullis.toml:2:9: `LicenseRef-acme eula` is not a license reference: after `LicenseRef-` come letters, digits, `.` and `-`"],
        ),
        (
            "[licenses]\nwarn = [\"MIT+\"]\n",
            &["portcullis.toml:2:9: `MIT+`: name the license itself, `MIT`; the lists match it with or without `+`"],
        ),
        (
            "[licenses]\nwarn-families = [\"CC-BY-NC\"]\n",
            &["portcullis.toml:2:18: unknown license family `CC-BY-NC`; did you mean `CC`?"],
        ),
        (
            "[licenses]\nwarn-families = [\"GPL-3.0-only\"]\n",
            &["portcullis.toml:2:18: `GPL-3.0-only` is a license, not a license family: list it in `warn`, or name its family `GPL`"],
        ),
        (
            "[licenses]\nwarn-families = [\"copyleft\"]\n",
            &["portcullis.toml:2:18: unknown license family `copyleft`; expected one of `GPL`, `LGPL`, `AGPL`, `GFDL`, `MPL`, `EPL`, `CDDL`, `EUPL`, `OSL`, `CeCILL`, `BSD`, `MIT`, `ISC`, `Apache`, `Zlib`, `Boost`, `Python`, `Artistic`, `CC`, `public-domain`, `Zope`, `OFL`, `OpenLDAP`, `BUSL`, `SSPL`, `Elastic`, `PolyForm`, `other`"],
        ),
        (
            // Every mistake of a file at once, in file order.
            "[licenses]\nwarn-families = [\"gnu\"]\nwarn = [\"Foo\"]\nrestricted = [\"mit\"]\n",
            &[
                "portcullis.toml:2:18: unknown license family `gnu`; expected one of `GPL`, `LGPL`, `AGPL`, `GFDL`, `MPL`, `EPL`, `CDDL`, `EUPL`, `OSL`, `CeCILL`, `BSD`, `MIT`, `ISC`, `Apache`, `Zlib`, `Boost`, `Python`, `Artistic`, `CC`, `public-domain`, `Zope`, `OFL`, `OpenLDAP`, `BUSL`, `SSPL`, `Elastic`, `PolyForm`, `other`",
                "portcullis.toml:3:9: unknown SPDX license id `Foo`; ids are those of the SPDX License List (`GPL-3.0-only`, `Apache-2.0`), or `LicenseRef-…` for others",
                "portcullis.toml:4:15: unknown SPDX license id `mit`; did you mean `MIT`?",
            ],
        ),
        (
            "[licenses]\nforbid = [\"MIT\"]\n",
            &["portcullis.toml:2:1: unknown key `forbid`, expected one of `warn-families`, `warn`, `restricted`"],
        ),
    ];
    for (text, want) in cases {
        let got = load(text).expect_err(text);
        assert_eq!(&got, want, "for {text:?}");
    }
}

#[test]
fn lists_add_up_along_extends() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("org.toml"),
        "[licenses]\nrestricted = [\"AGPL-3.0-only\"]\nwarn-families = [\"LGPL\"]\n",
    )
    .expect("write");
    let path = dir.path().join("portcullis.toml");
    std::fs::write(
        &path,
        "extends = \"org.toml\"\n[licenses]\nrestricted = [\"SSPL-1.0\", \"AGPL-3.0-only\"]\n",
    )
    .expect("write");
    let p = Policy::load(&path, "portcullis.toml").expect("loads");
    assert_eq!(p.licenses.restricted, ["AGPL-3.0-only", "SSPL-1.0"]);
    assert_eq!(p.licenses.warn_families, ["LGPL"]);
}
