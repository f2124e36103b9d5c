//! The supply-chain policies' documented examples: each bad example fires
//! its rule, each good one does not. PC43101's examples name the trusted
//! list they assume in a first comment line, which is read here.

use portcullis_rules::reference::{TrustedList, TrustedPattern};
use portcullis_rules::registry::{check, Outcome};
use portcullis_rules::{from_dockerfile, Category, Location, RULES};

/// `CODE LINE:COLUMN message` for each finding of `code` on `text`.
fn findings(code: &str, text: &str) -> Vec<String> {
    let dockerfile = portcullis_dockerfile::parse(text).expect("parses");
    let mut subject = from_dockerfile("Dockerfile", dockerfile, &[]).expect("builds");
    if let Some(list) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# portcullis.toml: [images] trusted = "))
    {
        let patterns: Vec<String> = serde_json::from_str(list).expect("a JSON list");
        subject.trusted_images = Some(TrustedList {
            patterns: patterns
                .iter()
                .map(|p| TrustedPattern::parse(p).expect("pattern"))
                .collect(),
        });
    }
    let mut out = Vec::new();
    for (rule, outcome) in check(&subject, "Dockerfile") {
        if rule.code != code {
            continue;
        }
        let Outcome::Checked { findings, .. } = outcome else {
            panic!("{code} not applicable");
        };
        for f in findings {
            let Location::Dockerfile { line, column, .. } = f.location else {
                panic!("not a Dockerfile location");
            };
            out.push(format!("{code} {line}:{column} {}", f.message));
        }
    }
    out
}

#[test]
fn documented_examples_fire_and_their_fixes_do_not() {
    let rules: Vec<_> = RULES
        .iter()
        .filter(|r| r.category == Category::SupplyChain)
        // The signature policies judge images' signatures, not Dockerfiles
        // (tests/signatures.rs).
        .filter(|r| r.applies(portcullis_rules::SubjectKind::Dockerfile))
        .collect();
    assert_eq!(rules.len(), 5);
    let mut fired = Vec::new();
    for rule in rules {
        fired.extend(findings(rule.code, rule.doc.bad));
        assert_eq!(
            findings(rule.code, rule.doc.good),
            Vec::<String>::new(),
            "{}",
            rule.code
        );
    }
    assert_eq!(
        fired,
        [
            "PC43101 2:6 FROM `ghcr.io/someone/base:1.0` comes from `ghcr.io/someone/base`, which the trusted list (`docker.io/library/*`) does not match",
            "PC43102 1:6 FROM `nginx:1.27` is not pinned by digest: the tag `1.27` can be moved to other content",
            "PC43103 1:6 FROM `python` has no tag, so it means `latest`: whatever was pushed last is what the build gets",
            "PC43103 2:13 COPY --from `alpine:latest` uses the `latest` tag: whatever was pushed last is what the build gets",
            "PC43104 2:10 `curl -k` accepts any TLS certificate",
            "PC43104 3:24 `apt-get --allow-unauthenticated` installs packages from repositories whose signatures are not checked",
            "PC43104 4:5 ENV NODE_TLS_REJECT_UNAUTHORIZED=0 makes Node.js accept any TLS certificate",
            "PC43105 2:49 `curl … | sh` runs a script downloaded from `https://example.com/install.sh` without verifying it",
        ]
    );
}

#[test]
fn without_a_trusted_list_pc43101_does_not_apply() {
    let dockerfile =
        portcullis_dockerfile::parse("FROM ghcr.io/someone/base:1.0\n").expect("parses");
    let subject = from_dockerfile("Dockerfile", dockerfile, &[]).expect("builds");
    let outcome = check(&subject, "Dockerfile")
        .into_iter()
        .find(|(r, _)| r.code == "PC43101")
        .map(|(_, o)| o);
    match outcome {
        Some(Outcome::NotApplicable { reason }) => assert_eq!(
            reason.as_deref(),
            Some("the policy file has no `[images] trusted` list")
        ),
        other => panic!("{other:?}"),
    }
}
