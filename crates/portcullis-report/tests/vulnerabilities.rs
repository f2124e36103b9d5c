//! Vulnerabilities in every output, on a saved JSON report
//! (tests/data/vulnerabilities/report.json, see the README beside it): a
//! Debian 12 image (an unfixed glibc one with Debian's note, a critical zlib
//! one a VEX document suppresses, an unrated one whose summary is hostile
//! markup, two PyPI ones: one CVSS-scored with EPSS, one rated by GHSA
//! only), a Debian 7 image with Heartbleed (fixed, in KEV) in two packages
//! of one source, and an image scanned without an advisory database. Every
//! CycloneDX BOM is checked against the official 1.6 schema and every SARIF
//! log against the 2.1.0 one; the HTML table's sorting and filtering run in
//! a browser in vulnerabilities_browser.rs.

use std::collections::HashSet;

use portcullis_policy::Report;
use portcullis_report::{
    read_json, render_cyclonedx, render_html, render_human, render_markdown, render_sarif,
    HumanOptions, MarkdownLimits,
};
use serde_json::{json, Value};

#[path = "support/sbom_checks.rs"]
mod sbom_checks;
use sbom_checks::{cyclonedx_validator, schema_errors};

fn report_json() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/vulnerabilities/report.json");
    serde_json::from_slice(&std::fs::read(&path).expect("the report")).expect("JSON")
}

/// The report, after `edit` of its JSON (read back as `portcullis convert`
/// would read it).
fn report_with(edit: impl FnOnce(&mut Value)) -> Report {
    let mut value = report_json();
    edit(&mut value);
    read_json(value.to_string().as_bytes()).expect("a valid JSON report")
}

fn report() -> Report {
    report_with(|_| {})
}

// ---------------------------------------------------------------- CycloneDX

/// Render, parse and validate: the official schema, unique bom-refs, and
/// every `affects` ref a component of the BOM.
fn cyclonedx(report: &Report) -> Value {
    let bom: Value = serde_json::from_str(&render_cyclonedx(report)).expect("CycloneDX is JSON");
    let mut problems = schema_errors(cyclonedx_validator(), &bom);
    let mut refs = Vec::new();
    fn walk(c: &Value, out: &mut Vec<String>) {
        if let Some(r) = c["bom-ref"].as_str() {
            out.push(r.to_owned());
        }
        for n in c["components"].as_array().into_iter().flatten() {
            walk(n, out);
        }
    }
    walk(&bom["metadata"]["component"], &mut refs);
    for c in bom["components"].as_array().into_iter().flatten() {
        walk(c, &mut refs);
    }
    let components: HashSet<String> = refs.iter().cloned().collect();
    for v in bom["vulnerabilities"].as_array().into_iter().flatten() {
        refs.push(v["bom-ref"].as_str().unwrap_or("").to_owned());
        for a in v["affects"].as_array().into_iter().flatten() {
            let r = a["ref"].as_str().unwrap_or("");
            if !components.contains(r) {
                problems.push(format!("{}: affects unknown ref {r:?}", v["id"]));
            }
        }
    }
    let unique: HashSet<&String> = refs.iter().collect();
    if unique.len() != refs.len() {
        problems.push(format!("duplicate bom-refs in {refs:?}"));
    }
    assert!(
        problems.is_empty(),
        "invalid CycloneDX:\n{}",
        problems.join("\n")
    );
    bom
}

fn entries<'a>(bom: &'a Value, id: &str) -> Vec<&'a Value> {
    bom["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .filter(|v| v["id"] == id)
        .collect()
}

fn entry<'a>(bom: &'a Value, id: &str) -> &'a Value {
    let found = entries(bom, id);
    assert_eq!(found.len(), 1, "one entry for {id}: {found:#?}");
    found[0]
}

#[test]
fn cyclonedx_has_one_entry_per_vulnerability_with_every_component_it_affects() {
    let bom = cyclonedx(&report());
    let ids: Vec<&str> = bom["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| v["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "CVE-2010-4756",
            "CVE-2023-45853",
            "TEMP-0628843-DBAD28",
            "CVE-2024-35195",
            "CVE-2024-3651",
            "CVE-2014-0160"
        ]
    );
    // Heartbleed: two binary packages of one source, one entry; KEV and
    // EPSS as properties; NVD as the source of a CVE.
    assert_eq!(
        *entry(&bom, "CVE-2014-0160"),
        json!({
            "bom-ref": "vulnerability:CVE-2014-0160",
            "id": "CVE-2014-0160",
            "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2014-0160"},
            "references": [{"id": "DSA-2896-1", "source": {"name": "OSV", "url": "https://osv.dev/vulnerability/DSA-2896-1"}}],
            "ratings": [{
                "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2014-0160"},
                "score": 7.5,
                "severity": "high",
                "method": "CVSSv31",
                "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
            }],
            "description": "openssl -- security update",
            "recommendation": "Upgrade openssl to 1.0.1e-2+deb7u5 or later.",
            "advisories": [
                {"url": "https://www.debian.org/security/2014/dsa-2896"},
                {"title": "DSA-2896-1", "url": "https://osv.dev/vulnerability/DSA-2896-1"}
            ],
            "affects": [
                {"ref": "pkg:deb/debian/libssl1.0.0@1.0.1e-2%2Bdeb7u4?arch=amd64&distro=debian-7",
                 "versions": [{"version": "1.0.1e-2+deb7u4", "status": "affected"}]},
                {"ref": "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u4?arch=amd64&distro=debian-7",
                 "versions": [{"version": "1.0.1e-2+deb7u4", "status": "affected"}]}
            ],
            "properties": [
                {"name": "portcullis:ecosystem", "value": "Debian:7"},
                {"name": "portcullis:advisory-package", "value": "openssl"},
                {"name": "portcullis:fixed-version", "value": "1.0.1e-2+deb7u5"},
                {"name": "portcullis:severity-source", "value": "CVE-2014-0160"},
                {"name": "portcullis:kev:cveID", "value": "CVE-2014-0160"},
                {"name": "portcullis:kev:dateAdded", "value": "2022-05-04"},
                {"name": "portcullis:kev:dueDate", "value": "2022-05-25"},
                {"name": "portcullis:kev:knownRansomwareCampaignUse", "value": "Unknown"},
                {"name": "portcullis:kev:requiredAction", "value": "Apply updates per vendor instructions."},
                {"name": "portcullis:epss:score", "value": "0.94469"},
                {"name": "portcullis:epss:percentile", "value": "0.99983"}
            ]
        })
    );
    // Unfixed, with Debian's word; a CVSS v2 vector.
    let glibc = entry(&bom, "CVE-2010-4756");
    assert_eq!(
        glibc["recommendation"],
        "No fixed version of glibc is published yet (Debian: urgency: unimportant)."
    );
    assert_eq!(
        glibc["ratings"],
        json!([{"source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2010-4756"},
                "score": 4.0, "severity": "medium", "method": "CVSSv2", "vector": "AV:N/AC:L/Au:S/C:N/I:N/A:P"}])
    );
    assert_eq!(
        glibc["properties"],
        json!([
            {"name": "portcullis:ecosystem", "value": "Debian:12"},
            {"name": "portcullis:advisory-package", "value": "glibc"},
            {"name": "portcullis:fix", "value": "none published"},
            {"name": "portcullis:fix-note", "value": "Debian: urgency: unimportant"},
            {"name": "portcullis:severity-source", "value": "CVE-2010-4756"}
        ])
    );
    // The VEX verdict as the analysis; the OpenVEX words kept beside.
    let zlib = entry(&bom, "CVE-2023-45853");
    assert_eq!(
        zlib["analysis"],
        json!({"state": "not_affected", "justification": "code_not_present",
               "detail": "zlib1g is built without contrib/minizip, where the overflow is"})
    );
    let props = zlib["properties"].as_array().expect("properties");
    for (name, value) in [
        ("portcullis:vex:document", "vex/app.openvex.json"),
        ("portcullis:vex:status", "not_affected"),
        (
            "portcullis:vex:justification",
            "vulnerable_code_not_present",
        ),
    ] {
        assert!(
            props.contains(&json!({"name": name, "value": value})),
            "{name}: {props:#?}"
        );
    }
    assert_eq!(zlib["ratings"][0]["method"], "CVSSv31");
    assert_eq!(zlib["ratings"][0]["severity"], "critical");
    // Unrated: said so; the component's own version (a binNMU), not the
    // source version compared; a `javascript:` URL is no advisory link;
    // third-party text is data.
    let shadow = entry(&bom, "TEMP-0628843-DBAD28");
    assert_eq!(
        shadow["ratings"],
        json!([{"severity": "unknown", "justification": "no CVSS vector and no rating in its advisories (portcullis reports it as medium)"}])
    );
    assert_eq!(shadow["source"]["name"], "OSV");
    assert_eq!(
        shadow["affects"],
        json!([{"ref": "pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&epoch=1&distro=debian-12",
                "versions": [{"version": "1:4.13+dfsg1-1+b1", "status": "affected"}]}])
    );
    assert_eq!(
        shadow["advisories"],
        json!([{"title": "DEBIAN-TEMP-0628843-DBAD28", "url": "https://osv.dev/vulnerability/DEBIAN-TEMP-0628843-DBAD28"}])
    );
    assert_eq!(
        shadow["description"],
        "</td><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> & \u{202e}evil"
    );
    assert!(shadow.get("analysis").is_none());
    // PyPI: the GHSA alias with GitHub as its source; EPSS is no rating.
    let requests = entry(&bom, "CVE-2024-35195");
    assert_eq!(
        requests["references"],
        json!([{"id": "GHSA-9wx4-h78v-vm56", "source": {"name": "GitHub Advisories", "url": "https://github.com/advisories/GHSA-9wx4-h78v-vm56"}}])
    );
    assert_eq!(requests["ratings"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        requests["ratings"][0]["source"]["name"],
        "GitHub Advisories"
    );
    assert_eq!(
        requests["recommendation"],
        "Upgrade requests to 2.32.0 or later."
    );
    assert_eq!(
        requests["affects"],
        json!([{"ref": "pkg:pypi/requests@2.31.0", "versions": [{"version": "2.31.0", "status": "affected"}]}])
    );
    // A rating without a vector.
    assert_eq!(
        entry(&bom, "CVE-2024-3651")["ratings"],
        json!([{"source": {"name": "GitHub Advisories", "url": "https://github.com/advisories/GHSA-jjg7-2v4v-x38h"},
                "severity": "medium", "method": "other", "justification": "MODERATE rating of GHSA-jjg7-2v4v-x38h"}])
    );
    // How many each checked target has; the unchecked one says nothing.
    let count = |i: usize| {
        bom["components"][i]["properties"]
            .as_array()
            .expect("properties")
            .iter()
            .find(|p| p["name"] == "portcullis:vulnerabilities")
            .map(|p| p["value"].clone())
    };
    assert_eq!(count(0), Some(json!("5")));
    assert_eq!(count(1), Some(json!("2")));
    assert_eq!(count(2), None);
}

#[test]
fn cyclonedx_without_vulnerabilities_has_no_vulnerabilities_array() {
    let only_unchecked = report_with(|r| {
        let c = r["targets"][2].clone();
        r["targets"] = json!([c]);
    });
    let bom = cyclonedx(&only_unchecked);
    assert!(bom.get("vulnerabilities").is_none(), "{bom:#}");
    // Checked, nothing found: the count says so, no empty array.
    let none_found = report_with(|r| {
        r["targets"][2]["vulnerabilities"] = json!([]);
        let c = r["targets"][2].clone();
        r["targets"] = json!([c]);
    });
    let bom = cyclonedx(&none_found);
    assert!(bom.get("vulnerabilities").is_none(), "{bom:#}");
    assert!(bom["metadata"]["component"]["properties"]
        .as_array()
        .expect("properties")
        .contains(&json!({"name": "portcullis:vulnerabilities", "value": "0"})));
}

#[test]
fn cyclonedx_splits_an_id_only_where_the_verdict_or_the_fix_differs() {
    // A VEX statement about the openssl binary only: its own entry.
    let r = report_with(|r| {
        r["targets"][1]["vulnerabilities"][1]["vex"] = json!({
            "status": "under_investigation", "document": "vex/legacy.openvex.json"
        });
    });
    let bom = cyclonedx(&r);
    let hb = entries(&bom, "CVE-2014-0160");
    assert_eq!(hb.len(), 2, "{hb:#?}");
    assert_eq!(hb[0]["bom-ref"], "vulnerability:CVE-2014-0160");
    assert_eq!(hb[1]["bom-ref"], "vulnerability:CVE-2014-0160#2");
    assert!(hb[0].get("analysis").is_none());
    assert_eq!(hb[1]["analysis"], json!({"state": "in_triage"}));
    assert_eq!(hb[0]["affects"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        hb[1]["affects"][0]["ref"],
        "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u4?arch=amd64&distro=debian-7"
    );
    // The same vulnerability in two images: one entry, both images'
    // components (the second image's package numbered, being the same
    // purl); another fixed version: another entry.
    let r = report_with(|r| {
        let mut again = r["targets"][0].clone();
        again["target"] = json!("docker-archive:images/app-2.tar");
        r["targets"]
            .as_array_mut()
            .expect("targets")
            .push(again.clone());
        again["target"] = json!("docker-archive:images/app-3.tar");
        again["vulnerabilities"][3]["fix"] = json!({"state": "fixed", "version": "2.32.3"});
        r["targets"].as_array_mut().expect("targets").push(again);
    });
    let bom = cyclonedx(&r);
    let requests = entries(&bom, "CVE-2024-35195");
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0]["affects"],
        json!([
            {"ref": "pkg:pypi/requests@2.31.0", "versions": [{"version": "2.31.0", "status": "affected"}]},
            {"ref": "pkg:pypi/requests@2.31.0#2", "versions": [{"version": "2.31.0", "status": "affected"}]}
        ])
    );
    assert_eq!(
        requests[1]["recommendation"],
        "Upgrade requests to 2.32.3 or later."
    );
    assert_eq!(
        requests[1]["affects"],
        json!([{"ref": "pkg:pypi/requests@2.31.0#3", "versions": [{"version": "2.31.0", "status": "affected"}]}])
    );
    assert_eq!(
        entry(&bom, "CVE-2010-4756")["affects"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

#[test]
fn cyclonedx_maps_openvex_statuses_and_justifications() {
    for (status, justification, state, mapped) in [
        (
            "not_affected",
            "component_not_present",
            "not_affected",
            Some("code_not_present"),
        ),
        (
            "not_affected",
            "vulnerable_code_not_present",
            "not_affected",
            Some("code_not_present"),
        ),
        (
            "not_affected",
            "vulnerable_code_not_in_execute_path",
            "not_affected",
            Some("code_not_reachable"),
        ),
        (
            "not_affected",
            "vulnerable_code_cannot_be_controlled_by_adversary",
            "not_affected",
            Some("requires_environment"),
        ),
        (
            "not_affected",
            "inline_mitigations_already_exist",
            "not_affected",
            Some("protected_by_mitigating_control"),
        ),
        // A CycloneDX VEX document's own value passes through.
        (
            "not_affected",
            "protected_at_perimeter",
            "not_affected",
            Some("protected_at_perimeter"),
        ),
        ("not_affected", "because we say so", "not_affected", None),
        ("fixed", "", "resolved", None),
        ("affected", "", "exploitable", None),
        ("under_investigation", "", "in_triage", None),
    ] {
        let r = report_with(|r| {
            let vex = &mut r["targets"][0]["vulnerabilities"][1]["vex"];
            vex["status"] = json!(status);
            vex["justification"] = if justification.is_empty() {
                Value::Null
            } else {
                json!(justification)
            };
            vex["action"] = json!("Rebuild without contrib/minizip");
        });
        let bom = cyclonedx(&r);
        let analysis = &entry(&bom, "CVE-2023-45853")["analysis"];
        assert_eq!(analysis["state"], state, "{status}");
        assert_eq!(
            analysis["justification"].as_str(),
            mapped,
            "{justification}"
        );
        assert_eq!(
            analysis["detail"],
            "zlib1g is built without contrib/minizip, where the overflow is\nRebuild without contrib/minizip"
        );
    }
}

#[test]
fn the_cyclonedx_schema_check_catches_a_bad_vulnerability() {
    let mut bom: Value = serde_json::from_str(&render_cyclonedx(&report())).expect("JSON");
    bom["vulnerabilities"][1]["analysis"]["state"] = json!("probably fine");
    bom["vulnerabilities"][0]["ratings"][0]["method"] = json!("CVSSv5");
    bom["vulnerabilities"][0]["advisories"][0]["url"] = json!("not a url at all");
    bom["vulnerabilities"][2]["affects"][0]["versions"][0]["status"] = json!("doomed");
    let errors = schema_errors(cyclonedx_validator(), &bom);
    for at in [
        "/vulnerabilities/1/analysis/state",
        "/vulnerabilities/0/ratings/0/method",
        "/vulnerabilities/0/advisories/0/url",
        "/vulnerabilities/2/affects/0/versions/0",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(at)),
            "no error at {at}: {errors:#?}"
        );
    }
}

// ---------------------------------------------------------------- human, Markdown

const SUMMARY_APP: &str =
    "vulnerabilities: 5 (critical 1, medium 3, unrated 1); 0 in KEV; 2 with a fix; 1 suppressed by VEX";
const SUMMARY_LEGACY: &str =
    "vulnerabilities: 2 (high 2); 2 in KEV; 2 with a fix; 0 suppressed by VEX";
const NO_DB: &str = "no advisory database at /root/.cache/portcullis/advisories.db: run `portcullis db update` (or `portcullis db import FILE` on a machine without network)";

#[test]
fn human_report_has_one_vulnerability_line_per_target() {
    let text = render_human(&report(), HumanOptions::default());
    assert!(
        text.contains(&format!(
            "  packages by layer: layer 0: 3, layer 2: 2\n  {SUMMARY_APP}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  packages by layer: layer 0: 1, layer 1: 1\n  {SUMMARY_LEGACY}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  packages by layer: layer 0: 1\n  vulnerabilities: not checked: {NO_DB}\n  no findings; 0 policies checked\n"
        )),
        "{text}"
    );
    // Checked and clean; and a target the vulnerability policies say
    // nothing about (a Dockerfile, an older report): no line.
    let r = report_with(|r| {
        r["targets"][2]["vulnerabilities"] = json!([]);
        r["targets"][1]["policies"] = json!([]);
        r["targets"][1]["vulnerabilities"] = Value::Null;
    });
    let text = render_human(&r, HumanOptions::default());
    assert!(text.contains("  vulnerabilities: none known\n"), "{text}");
    assert_eq!(text.matches("vulnerabilities: ").count(), 2, "{text}");
    // The EPSS-only reason of SQ31102 is not the database's.
    let r = report_with(|r| {
        r["targets"][2]["policies"][1]["reason"] = json!("no EPSS scores in the advisory database");
        r["targets"][2]["policies"][0]["status"] = json!("pass");
    });
    let text = render_human(&r, HumanOptions::default());
    assert!(
        text.contains(&format!("  vulnerabilities: not checked: {NO_DB}\n")),
        "{text}"
    );
}

#[test]
fn markdown_has_the_same_line() {
    let md = render_markdown(&report(), MarkdownLimits::default());
    let sentence = |s: &str| format!("V{}.\n", &s[1..]);
    assert!(md.contains(&format!(
        "5 findings (1 high, 4 medium), 4 failing, 1 suppressed; 7 policies checked.\n\n{}\n| | rule |",
        sentence(SUMMARY_APP)
    )), "{md}");
    assert!(md.contains(&sentence(SUMMARY_LEGACY)), "{md}");
    // A target without findings gets its section for the line; the
    // backquotes of the reason are escaped, not code.
    assert!(md.contains(
        "\n### `docker-archive:images/nodb.tar`: **PASS**\n\nno findings; 0 policies checked.\n\nVulnerabilities: not checked: no advisory database at /root/.cache/portcullis/advisories.db: run \\`portcullis db update\\` (or \\`portcullis db import FILE\\` on a machine without network).\n"
    ), "{md}");
    // No table for it.
    let tail = &md[md.find("images/nodb.tar`: **PASS**").expect("section")..];
    assert!(!tail.contains("| | rule |"), "{tail}");
}

// ---------------------------------------------------------------- SARIF

fn sarif(report: &Report) -> Value {
    let log: Value = serde_json::from_str(&render_sarif(report)).expect("SARIF is JSON");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/sarif-schema-2.1.0.json"),
        )
        .expect("schema file"),
    )
    .expect("schema JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors = schema_errors(&validator, &log);
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

fn result_for<'a>(log: &'a Value, id: &str, purl_part: &str) -> &'a Value {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| {
            r["properties"]["vulnerability"]["id"] == id
                && r["properties"]["vulnerability"]["purl"]
                    .as_str()
                    .is_some_and(|p| p.contains(purl_part))
        })
        .unwrap_or_else(|| panic!("no result for {id} {purl_part}"))
}

#[test]
fn sarif_vulnerability_results_carry_ids_and_a_security_severity() {
    let log = sarif(&report());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = |code: &str| {
        rules
            .iter()
            .find(|r| r["id"] == code)
            .unwrap_or_else(|| panic!("rule {code}"))
    };
    // Code scanning reads the severity from the rule, and counts a rule as
    // a security one by it.
    for (code, value) in [
        ("SQ31101", "8.0"),
        ("SQ31103", "8.0"),
        ("SQ31104", "9.5"),
        ("SQ31105", "8.0"),
        ("SQ31106", "5.5"),
        ("SQ31107", "2.0"),
    ] {
        assert_eq!(
            rule(code)["properties"]["security-severity"],
            value,
            "{code}"
        );
        assert_eq!(
            rule(code)["properties"]["tags"],
            json!(["security", "vulnerabilities"]),
            "{code}"
        );
    }
    assert_eq!(
        result_for(&log, "CVE-2024-35195", "requests")["properties"],
        json!({
            "target": "docker-archive:images/app.tar",
            "targetKind": "docker-archive",
            "digest": format!("sha256:{}", "a1".repeat(32)),
            "severity": "medium",
            "category": "vulnerabilities",
            "action": "fail",
            "remediation": "Upgrade requests to 2.32.0 or later (a newer base image, or the package manager's upgrade in the build).",
            "security-severity": "5.6",
            "vulnerability": {
                "id": "CVE-2024-35195",
                "aliases": ["GHSA-9wx4-h78v-vm56"],
                "cves": ["CVE-2024-35195"],
                "purl": "pkg:pypi/requests@2.31.0",
                "advisoryPackage": "requests",
                "installedVersion": "2.31.0",
                "fixedVersion": "2.32.0",
                "severityClass": "medium",
                "cvssScore": 5.6,
                "cvssVector": "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N",
                "kev": false,
                "epss": 0.00043,
                "url": "https://github.com/psf/requests/security/advisories/GHSA-9wx4-h78v-vm56"
            }
        })
    );
    let hb = result_for(&log, "CVE-2014-0160", "libssl1.0.0");
    assert_eq!(hb["properties"]["security-severity"], "7.5");
    assert_eq!(hb["properties"]["vulnerability"]["kev"], true);
    assert_eq!(
        hb["properties"]["vulnerability"]["aliases"],
        json!(["DSA-2896-1"])
    );
    assert_eq!(hb["ruleId"], "SQ31101");
    // Unrated: medium's value, as the rules report it. Its `javascript:`
    // URL is left out.
    let shadow = result_for(&log, "TEMP-0628843-DBAD28", "login");
    assert_eq!(shadow["properties"]["security-severity"], "5.5");
    assert_eq!(
        shadow["properties"]["vulnerability"]["severityClass"],
        "unknown"
    );
    assert!(shadow["properties"]["vulnerability"].get("url").is_none());
    assert!(shadow["properties"]["vulnerability"].get("cves").is_none());
    // Rated without a vector: its class's value.
    let idna = result_for(&log, "CVE-2024-3651", "idna");
    assert_eq!(idna["properties"]["security-severity"], "5.5");
    assert_eq!(
        idna["properties"]["vulnerability"]["aliases"],
        json!(["GHSA-jjg7-2v4v-x38h", "PYSEC-2024-60"])
    );
    // Suppressed by VEX: its own score, and the suppression with the reason.
    let zlib = result_for(&log, "CVE-2023-45853", "zlib1g");
    assert_eq!(zlib["properties"]["security-severity"], "9.8");
    assert_eq!(
        zlib["suppressions"],
        json!([{"kind": "external", "status": "accepted", "justification": "VEX vex/app.openvex.json: not_affected (vulnerable_code_not_present): zlib1g is built without contrib/minizip, where the overflow is"}])
    );
    // Without the vulnerability list (a report trimmed by hand), the rule's value.
    let r = report_with(|r| r["targets"][1]["vulnerabilities"] = Value::Null);
    let log = sarif(&r);
    let hb = result_for(&log, "CVE-2014-0160", "openssl@");
    assert_eq!(hb["properties"]["security-severity"], "8.0");
    assert!(hb["properties"]["vulnerability"].get("cvssScore").is_none());
}

// ---------------------------------------------------------------- HTML

fn section(html: &str, i: usize) -> &str {
    let start = html
        .find(&format!("<section class=\"target\" id=\"target-{i}\""))
        .expect("target section");
    let end = start + html[start..].find("</section>").expect("section end");
    &html[start..end]
}

fn rows(part: &str) -> Vec<&str> {
    part.split("<tr class=\"vuln ")
        .skip(1)
        .map(|r| &r[..r.find("</tr>").expect("row end")])
        .collect()
}

#[test]
fn html_vulnerability_table_is_static_escaped_and_in_severity_order() {
    let html = render_html(&report());
    // Still one file: the data block and the one script, nothing loaded.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    for never in [
        "<img",
        "<link",
        "<iframe",
        "@import",
        "url(",
        "javascript:",
        "\u{202e}",
    ] {
        assert!(!html.contains(never), "the page contains {never:?}");
    }
    // The hostile summary, as text.
    assert!(html.contains(
        "<td class=\"summary\">&lt;/td&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt; &amp; \\u{202e}evil</td>"
    ));

    let app = section(&html, 0);
    assert!(app.contains(
        "<h3 id=\"vulns-0-title\">Vulnerabilities</h3>\n<p class=\"vuln-summary\" id=\"vulns-0-summary\">5 (critical 1, medium 3, unrated 1); 0 in KEV; 2 with a fix; 1 suppressed by VEX</p>"
    ), "{app}");
    // The filters wait for the script.
    assert!(app.contains("<form class=\"vfilter\" id=\"vulns-0-filters\" data-target=\"0\" aria-label=\"Filter the vulnerabilities\" hidden>"));
    assert!(app.contains(
        "<option value=\"0\">layer 0 (3)</option><option value=\"2\">layer 2 (2)</option>"
    ));
    let ids: Vec<&str> = rows(app)
        .iter()
        .map(|r| {
            let at = r.find("data-key-id=\"").expect("id") + 13;
            &r[at..at + r[at..].find('"').expect("end")]
        })
        .collect();
    // Critical, then medium by score (5.6, 4.0, a rating without one), then unrated.
    assert_eq!(
        ids,
        [
            "CVE-2023-45853",
            "CVE-2024-35195",
            "CVE-2010-4756",
            "CVE-2024-3651",
            "TEMP-0628843-DBAD28"
        ]
    );
    let r = rows(app);
    // VEX-suppressed: greyed, with the verdict.
    assert!(
        r[0].starts_with(
            "sev-critical vex-suppressed\" data-severity=\"critical\" data-key-severity=\"6098\""
        ),
        "{}",
        r[0]
    );
    assert!(r[0].contains("<div class=\"vex suppressed\"><strong>Suppressed by VEX.</strong> VEX vex/app.openvex.json: not_affected (vulnerable_code_not_present): zlib1g is built without contrib/minizip, where the overflow is</div>"), "{}", r[0]);
    assert!(r[0].contains("<td class=\"fix none\"><span class=\"muted\">no fix yet</span><div class=\"note\">Debian: urgency: not yet assigned</div></td>"));
    // The id links to the advisory; aliases under it; EPSS as a percentage.
    assert!(r[1].contains("<td class=\"id\"><a href=\"https://github.com/psf/requests/security/advisories/GHSA-9wx4-h78v-vm56\" rel=\"noreferrer noopener\" target=\"_blank\"><code>CVE-2024-35195</code></a><div class=\"aliases\">GHSA-9wx4-h78v-vm56</div></td>"), "{}", r[1]);
    assert!(r[1].contains("data-fix=\"1\""));
    assert!(r[1].contains("<td class=\"fix\"><code>2.32.0</code></td><td class=\"num\">2</td>"));
    assert!(r[1].contains(">EPSS 0.04%</div>"), "{}", r[1]);
    // No link for a `javascript:` URL; the component's version.
    assert!(
        r[4].contains("<td class=\"id\"><code>TEMP-0628843-DBAD28</code></td>"),
        "{}",
        r[4]
    );
    assert!(r[4].contains("<td class=\"inst\"><code>1:4.13+dfsg1-1+b1</code></td>"));
    assert!(r[4].contains("<span class=\"sev sev-unknown\">unrated</span><div class=\"from\">no rating; reported as medium</div>"));

    // KEV: the badge, the date, its sort key.
    let legacy = section(&html, 1);
    let r = rows(legacy);
    assert_eq!(r.len(), 2);
    assert!(r[0].contains("data-key-kev=\"20220504\""));
    assert!(r[0].contains("<span class=\"kev\" title=\"In CISA's Known Exploited Vulnerabilities catalog since 2022-05-04; federal remediation due 2022-05-25\">KEV</span> <span class=\"muted\">2022-05-04</span>"), "{}", r[0]);
    assert!(!r[0].contains("ransomware"));
    // The Debian 7 image has no VEX statements: no such filter.
    assert!(!legacy.contains("name=\"hide-vex\""));

    // Not checked: the reason, no table.
    let nodb = section(&html, 2);
    assert!(
        nodb.contains(&format!(
            "<p class=\"vuln-summary\" id=\"vulns-2-summary\">not checked: {NO_DB}</p>"
        )),
        "{nodb}"
    );
    assert!(!nodb.contains("<table class=\"grid vulns\""));
}
