//! From the parsed files of an `extends` chain to one [`Policy`], checking
//! every value; all errors are collected, each at its place in its file.

use std::ops::Range;

use portcullis_rules::{Location, Severity};
use toml::Spanned;

use crate::date::Date;
use crate::exception::{check_glob, excerpt, glob_set, Exception};
use crate::file::{
    ActionName, ExceptionEntry, FailOnName, Layer, PolicyError, ProfileName, SeverityName, Source,
};
use crate::{known_codes, Action, Policy, Profile};

pub(crate) fn resolve(chain: &[Layer]) -> Result<Policy, Vec<PolicyError>> {
    let mut errors = Vec::new();
    let mut policy = Policy::default();
    for layer in chain {
        let src = &layer.source;
        let file = &layer.file;
        // `profile` first, then `fail-on`: a file's own threshold wins over
        // the profile it names, and a project file over the organisation's.
        if let Some(profile) = file.profile {
            policy.fail_on = Profile::from(profile).fail_on();
            policy.profile = Some(Profile::from(profile));
            select_pss(&mut policy, Profile::from(profile));
        }
        if let Some(version) = &file.kubernetes.version {
            match crate::KubernetesVersion::parse(version.get_ref()) {
                Some(v) => policy.kubernetes_version = Some(v),
                None => errors.push(src.error(
                    version.span(),
                    format!(
                        "`version` is {:?}: write a Kubernetes version as 1.N (e.g. \"1.32\")",
                        version.get_ref()
                    ),
                )),
            }
        }
        if let Some(fail_on) = file.fail_on {
            policy.fail_on = fail_on_severity(fail_on);
        }
        if let Some(require) = file.require_reason {
            policy.require_reason = require;
        }
        if let Some(choice) = file.secrets.package_files {
            policy.report_package_files = choice == crate::file::PackageFiles::Report;
        }
        for (list, into) in [
            (&file.secrets.canaries, &mut policy.secret_canaries),
            (&file.secrets.examples, &mut policy.secret_examples),
        ] {
            for named in list {
                match secret_fingerprint(named.get_ref()) {
                    Some(f) => into.push(f),
                    None => {
                        errors.push(src.error(named.span(), not_a_fingerprint(named.get_ref())))
                    }
                }
            }
        }
        for (list, into, check) in [
            (
                &file.licenses.warn_families,
                &mut policy.licenses.warn_families,
                license_family as fn(&str) -> Result<String, String>,
            ),
            (&file.licenses.warn, &mut policy.licenses.warn, license_id),
            (
                &file.licenses.restricted,
                &mut policy.licenses.restricted,
                license_id,
            ),
        ] {
            for named in list {
                match check(named.get_ref()) {
                    Ok(name) => {
                        if !into.contains(&name) {
                            into.push(name);
                        }
                    }
                    Err(message) => errors.push(src.error(named.span(), message)),
                }
            }
        }
        if let Some(list) = &file.images.trusted {
            if list.get_ref().is_empty() {
                errors.push(src.error(
                    list.span(),
                    "`trusted` is empty: leave it out to trust every registry, or name the trusted ones (`docker.io/library/*`, `ghcr.io/acme/**`)",
                ));
            }
            let trusted = policy.trusted_images.get_or_insert_with(Default::default);
            for pattern in list.get_ref() {
                match portcullis_rules::reference::TrustedPattern::parse(pattern.get_ref()) {
                    Ok(p) => trusted.push(p),
                    Err(message) => errors.push(src.error(pattern.span(), message)),
                }
            }
        }
        if let Some(scope) = file.hardening.scope {
            policy.hardening_build_only = scope == crate::file::HardeningScope::Build;
        }
        if let Some(ignore) = file.vulnerabilities.ignore_unfixed {
            policy.vulnerabilities.ignore_unfixed = ignore;
        }
        if let Some(threshold) = &file.vulnerabilities.epss_threshold {
            let value = *threshold.get_ref();
            if (0.0..=1.0).contains(&value) {
                policy.vulnerabilities.epss_threshold = value as f32;
            } else {
                errors.push(src.error(
                    threshold.span(),
                    format!(
                        "`epss-threshold` is {value}: an EPSS score is between 0 and 1 (e.g. 0.1)"
                    ),
                ));
            }
        }
        for entry in &file.signatures {
            match signatures_entry(src, entry) {
                Ok(r) => policy.signatures.requirements.push(r),
                Err(mut e) => errors.append(&mut e),
            }
        }
        for pattern in &file.disable {
            if let Some(e) = always_fails_named(src, pattern, "disabled") {
                errors.push(e);
                continue;
            }
            match codes(src, pattern) {
                Ok(codes) => {
                    for code in codes {
                        if !policy.disabled.contains(&code.to_owned()) {
                            policy.disabled.push(code.to_owned());
                        }
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        for pattern in &file.enable {
            match codes(src, pattern) {
                Ok(codes) => policy.disabled.retain(|d| !codes.contains(&d.as_str())),
                Err(e) => errors.push(e),
            }
        }
        // Globs first (shorter, so broader, before longer), exact codes last:
        // the more specific setting wins.
        let mut settings: Vec<(&Spanned<String>, bool)> = file
            .rule
            .keys()
            .map(|k| (k, is_glob(k.get_ref())))
            .collect();
        settings.sort_by_key(|(k, glob)| (!glob, k.get_ref().len()));
        for (key, _) in settings {
            let Some(values) = file.rule.get(key) else {
                continue;
            };
            let codes = match codes(src, key) {
                Ok(codes) => codes,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let values = values.get_ref();
            if values.action.is_some() {
                if let Some(e) = always_fails_named(src, key, "given an action") {
                    errors.push(e);
                    continue;
                }
            }
            for code in codes {
                let entry = policy.overrides.entry(code.to_owned()).or_default();
                if let Some(s) = values.severity {
                    entry.severity = Some(severity(s));
                }
                if let Some(a) = values.action {
                    entry.action = Some(action(a));
                }
                if let Some(scope) = values.scope {
                    entry.build_only = Some(scope == crate::file::HardeningScope::Build);
                }
            }
        }
        for entry in &file.exception {
            match exception(src, entry) {
                Ok(e) => policy.exceptions.push(e),
                Err(mut e) => errors.append(&mut e),
            }
        }
    }
    if let Some(last) = chain.last() {
        policy.file = Some(last.source.shown.clone());
    }
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

/// An error when `named` is exactly a rule that always fails (PC43202):
/// what the file asks of it (`disabled`, `given an action`, `excepted`)
/// would not happen. A glob that covers it leaves it out instead.
fn always_fails_named(src: &Source, named: &Spanned<String>, what: &str) -> Option<PolicyError> {
    let code = named.get_ref().trim().to_ascii_uppercase();
    crate::always_fails(&code).then(|| {
        src.error(
            named.span(),
            format!("{code} cannot be {what}: a signature that does not verify, or signs another digest, is tampering and always fails (its severity can be set)"),
        )
    })
}

/// Largest key or trust-store file read.
const MAX_KEY_FILE_BYTES: u64 = 1 << 20;

/// A file a `[[signatures]]` entry names, relative to the policy file.
fn read_named(src: &Source, named: &Spanned<String>) -> Result<String, PolicyError> {
    let written = named.get_ref();
    let path = match &src.dir {
        Some(dir) => dir.join(written),
        None => std::path::PathBuf::from(written),
    };
    let bytes = crate::paths::read_regular(&path, MAX_KEY_FILE_BYTES).map_err(|e| {
        let text = e.to_string();
        let text = text.split(" (os error").next().unwrap_or(&text).to_owned();
        src.error(named.span(), format!("cannot read {written}: {text}"))
    })?;
    String::from_utf8(bytes)
        .map_err(|_| src.error(named.span(), format!("{written} is not PEM text")))
}

fn signatures_entry(
    src: &Source,
    entry: &Spanned<crate::file::SignaturesEntry>,
) -> Result<portcullis_rules::signatures::SignatureRequirement, Vec<PolicyError>> {
    use portcullis_rules::signatures::{NamedKey, NamedStore, SignatureRequirement};
    let e = entry.get_ref();
    let mut errors = Vec::new();
    let mut out = SignatureRequirement {
        require_provenance: e.require_provenance.unwrap_or(false),
        ..Default::default()
    };
    match &e.images {
        None => errors.push(src.error(
            entry.span(),
            "a `[[signatures]]` entry has no `images`: name the images it is about (`registry.acme.internal/**`)",
        )),
        Some(list) if list.get_ref().is_empty() => errors.push(src.error(
            list.span(),
            "`images` is empty: name the images the entry is about (`registry.acme.internal/**`)",
        )),
        Some(list) => {
            for pattern in list.get_ref() {
                match portcullis_rules::reference::TrustedPattern::parse(pattern.get_ref()) {
                    Ok(p) => out.images.push(p),
                    Err(message) => errors.push(src.error(pattern.span(), message)),
                }
            }
        }
    }
    for named in &e.keys {
        match read_named(src, named).and_then(|pem| {
            portcullis_signatures::PublicKey::from_pem(&pem).map_err(|why| {
                src.error(
                    named.span(),
                    format!("{} is not a public key: {why}", named.get_ref()),
                )
            })
        }) {
            Ok(key) => out.keys.push(NamedKey {
                shown: named.get_ref().clone(),
                key,
            }),
            Err(e) => errors.push(e),
        }
    }
    if let Some(named) = &e.trust_store {
        match read_named(src, named).and_then(|pem| {
            let store = portcullis_signatures::TrustStore::from_pem(&pem).map_err(|why| {
                src.error(
                    named.span(),
                    format!("{} is not a trust store: {why}", named.get_ref()),
                )
            })?;
            if store.is_empty() {
                return Err(src.error(
                    named.span(),
                    format!("{} holds no certificate", named.get_ref()),
                ));
            }
            Ok(store)
        }) {
            Ok(store) => out.trust_stores.push(NamedStore {
                shown: named.get_ref().clone(),
                store,
            }),
            Err(e) => errors.push(e),
        }
    }
    if e.keys.is_empty() && e.trust_store.is_none() && !out.require_provenance {
        errors.push(src.error(
            entry.span(),
            "a `[[signatures]]` entry names no `keys`, no `trust-store` and not `require-provenance = true`: it asks for nothing",
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

/// The rule codes a code or glob names; an error when it names none.
fn codes(src: &Source, pattern: &Spanned<String>) -> Result<Vec<&'static str>, PolicyError> {
    let text = pattern.get_ref().trim();
    let known = known_codes();
    if is_glob(text) {
        check_glob(text).map_err(|m| src.error(pattern.span(), m))?;
        let glob = globset::GlobBuilder::new(&text.to_ascii_uppercase())
            .build()
            .map_err(|e| {
                src.error(
                    pattern.span(),
                    format!("bad glob `{}`: {}", excerpt(text), e.kind()),
                )
            })?
            .compile_matcher();
        let found: Vec<&'static str> = known.into_iter().filter(|c| glob.is_match(c)).collect();
        if found.is_empty() {
            return Err(src.error(
                pattern.span(),
                format!(
                    "`{}` matches no rule; `portcullis rules` lists them",
                    excerpt(text)
                ),
            ));
        }
        Ok(found)
    } else {
        known
            .into_iter()
            .find(|c| c.eq_ignore_ascii_case(text))
            .map(|c| vec![c])
            .ok_or_else(|| {
                src.error(
                    pattern.span(),
                    format!(
                        "unknown rule code `{}`; `portcullis rules` lists them",
                        excerpt(text)
                    ),
                )
            })
    }
}

fn exception(src: &Source, entry: &Spanned<ExceptionEntry>) -> Result<Exception, Vec<PolicyError>> {
    let span = entry.span();
    let e = entry.get_ref();
    let mut errors = Vec::new();
    let mut rules = Vec::new();
    if e.rules.is_empty() && e.vulnerabilities.is_some() {
        rules.extend(
            portcullis_rules::RULES
                .iter()
                .filter(|r| r.category == portcullis_rules::Category::Vulnerabilities)
                .map(|r| r.code),
        );
    } else if e.rules.is_empty() {
        errors.push(src.error(
            span.clone(),
            "exception has no `rules`: name the rule codes it covers (globs such as `SQ401*` work)",
        ));
    }
    for pattern in &e.rules {
        if let Some(e) = always_fails_named(src, pattern, "excepted") {
            errors.push(e);
            continue;
        }
        match codes(src, pattern) {
            Ok(codes) => rules.extend(codes),
            Err(e) => errors.push(e),
        }
    }
    let mut globs = |list: &Option<Spanned<Vec<Spanned<String>>>>, key: &str, separator: bool| {
        let list = list.as_ref()?;
        if list.get_ref().is_empty() {
            let every = key.trim_end_matches('s');
            errors.push(src.error(
                list.span(),
                format!("`{key}` is empty: leave it out to cover every {every}"),
            ));
            return None;
        }
        let list = list.get_ref();
        let patterns: Vec<(String, Range<usize>)> = list
            .iter()
            .map(|p| {
                let text = p.get_ref();
                // Paths in the image are absolute; `usr/bin/*` means `/usr/bin/*`.
                let text = if key == "paths" && !text.starts_with('/') && !text.starts_with('*') {
                    format!("/{text}")
                } else {
                    text.clone()
                };
                (text, p.span())
            })
            .collect();
        match glob_set(&patterns, separator) {
            Ok(set) => Some(set),
            Err((at, message)) => {
                errors.push(src.error(at, message));
                None
            }
        }
    };
    let images = globs(&e.images, "images", false);
    let names_digest = |pattern: &str| {
        let longest_hex_run = pattern
            .split(|c: char| !c.is_ascii_hexdigit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        pattern.contains("sha256:") || longest_hex_run >= 12
    };
    let images_name_digest = e
        .images
        .as_ref()
        .is_some_and(|list| list.get_ref().iter().any(|p| names_digest(p.get_ref())));
    let dockerfiles = globs(&e.dockerfiles, "dockerfiles", true);
    let manifests = globs(&e.manifests, "manifests", true);
    let paths = globs(&e.paths, "paths", true);
    let secrets = e.secrets.as_ref().and_then(|list| {
        if list.get_ref().is_empty() {
            errors.push(src.error(
                list.span(),
                "`secrets` is empty: leave it out to cover every secret",
            ));
            return None;
        }
        let mut named = Vec::new();
        for s in list.get_ref() {
            match secret_fingerprint(s.get_ref()) {
                Some(f) => named.push(f),
                None => errors.push(src.error(s.span(), not_a_fingerprint(s.get_ref()))),
            }
        }
        Some(named)
    });
    let vulnerabilities = e.vulnerabilities.as_ref().and_then(|list| {
        if list.get_ref().is_empty() {
            errors.push(src.error(
                list.span(),
                "`vulnerabilities` is empty: leave it out to cover every vulnerability",
            ));
            return None;
        }
        let mut named = Vec::new();
        for id in list.get_ref() {
            match vulnerability_id(id.get_ref()) {
                Ok(id) => named.push(id),
                Err(message) => errors.push(src.error(id.span(), message)),
            }
        }
        Some(named)
    });
    let ports = e.ports.as_ref().map(|list| {
        list.iter()
            .filter_map(|p| match port(p.get_ref()) {
                Ok(port) => Some(port),
                Err(message) => {
                    errors.push(src.error(p.span(), message));
                    None
                }
            })
            .collect::<Vec<_>>()
    });
    let reason = match &e.reason {
        Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().trim().to_owned(),
        Some(r) => {
            errors.push(src.error(
                r.span(),
                "`reason` is empty: say why the exception is accepted",
            ));
            String::new()
        }
        None => {
            errors.push(src.error(
                span.clone(),
                "exception has no `reason`: say why it is accepted (reason = \"…\")",
            ));
            String::new()
        }
    };
    let expires = e
        .expires
        .as_ref()
        .and_then(|value| match date(value.get_ref()) {
            Ok(d) => Some(d),
            Err(message) => {
                errors.push(src.error(value.span(), message));
                None
            }
        });
    if !errors.is_empty() {
        return Err(errors);
    }
    let (line, column, end_line, end_column) = src.range(&span);
    let text = src.text.get(span.clone()).unwrap_or("").to_owned();
    Ok(Exception {
        rules,
        images,
        images_name_digest,
        dockerfiles,
        manifests,
        paths,
        secrets,
        vulnerabilities,
        ports,
        reason,
        expires,
        ticket: e.ticket.clone(),
        root: src.dir.clone(),
        at: Location::Policy {
            path: src.shown.clone(),
            line,
            column,
            end_line,
            end_column,
        },
        text,
    })
}

/// A vulnerability id as advisories write them: a prefix of letters, a
/// dash, then letters, digits and `-._:` (`CVE-2024-5535`, `GHSA-xxxx-…`,
/// `DSA-5726-1`, `PYSEC-2023-117`, `GO-2024-2687`).
fn vulnerability_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    let valid = id.split_once('-').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix.chars().all(|c| c.is_ascii_alphanumeric())
            && prefix.starts_with(|c: char| c.is_ascii_alphabetic())
            && !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._:".contains(c))
    });
    if valid {
        Ok(id.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a vulnerability id: expected one such as CVE-2024-5535, GHSA-xxxx-xxxx-xxxx or DSA-5726-1"
        ))
    }
}

fn port(value: &toml::Value) -> Result<(u16, Option<String>), String> {
    let bad = || format!("expected a port such as 22 or \"22/tcp\", got {value}");
    match value {
        toml::Value::Integer(n) => u16::try_from(*n)
            .ok()
            .filter(|n| *n > 0)
            .map(|n| (n, None))
            .ok_or_else(bad),
        toml::Value::String(s) => {
            let (number, proto) = match s.split_once('/') {
                Some((n, p)) => (n, Some(p.to_ascii_lowercase())),
                None => (s.as_str(), None),
            };
            let n = number
                .parse::<u16>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(bad)?;
            if proto
                .as_deref()
                .is_some_and(|p| !matches!(p, "tcp" | "udp" | "sctp"))
            {
                return Err(bad());
            }
            Ok((n, proto))
        }
        _ => Err(bad()),
    }
}

fn date(value: &toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::String(s) => Date::parse(s),
        toml::Value::Datetime(d) => match (d.date, d.time) {
            (Some(date), None) => Date::new(i32::from(date.year), date.month, date.day)
                .ok_or_else(|| format!("`{d}` is not a date")),
            _ => Err(format!(
                "`{d}` is a date and time; expected a date, YYYY-MM-DD"
            )),
        },
        other => Err(format!("expected a date, YYYY-MM-DD, got {other}")),
    }
}

fn fail_on_severity(f: FailOnName) -> Option<Severity> {
    match f {
        FailOnName::Info => Some(Severity::Info),
        FailOnName::Low => Some(Severity::Low),
        FailOnName::Medium => Some(Severity::Medium),
        FailOnName::High => Some(Severity::High),
        FailOnName::Critical => Some(Severity::Critical),
        FailOnName::Never => None,
    }
}

/// `--fail-on` on the command line: a severity or `never`.
pub fn parse_fail_on(text: &str) -> Result<Option<Severity>, String> {
    let name = match text {
        "info" => FailOnName::Info,
        "low" => FailOnName::Low,
        "medium" => FailOnName::Medium,
        "high" => FailOnName::High,
        "critical" => FailOnName::Critical,
        "never" => FailOnName::Never,
        _ => {
            return Err(format!(
                "expected info, low, medium, high, critical or never, got {text:?}"
            ))
        }
    };
    Ok(fail_on_severity(name))
}

fn severity(s: SeverityName) -> Severity {
    match s {
        SeverityName::Info => Severity::Info,
        SeverityName::Low => Severity::Low,
        SeverityName::Medium => Severity::Medium,
        SeverityName::High => Severity::High,
        SeverityName::Critical => Severity::Critical,
    }
}

fn action(a: ActionName) -> Action {
    match a {
        ActionName::Fail => Action::Fail,
        ActionName::Warn => Action::Warn,
        ActionName::Info => Action::Info,
    }
}

/// A Pod Security Standards profile: its level's runtime rules on, each
/// violation failing (admission rejects the pod), the other runtime rules
/// (PC42xxx) off. Rule settings and `enable`/`disable` of the same file,
/// applied after, win.
fn select_pss(policy: &mut Policy, profile: Profile) {
    let level: Vec<&str> = match profile {
        Profile::PssBaseline => crate::PSS_BASELINE.to_vec(),
        Profile::PssRestricted => [crate::PSS_BASELINE, crate::PSS_RESTRICTED_ONLY].concat(),
        Profile::Default | Profile::Strict | Profile::Audit => return,
    };
    for rule in portcullis_rules::RULES {
        let code = rule.code;
        if code.starts_with("PC42")
            && !level.contains(&code)
            && !policy.disabled.iter().any(|d| d == code)
        {
            policy.disabled.push(code.to_owned());
        }
    }
    policy.disabled.retain(|d| !level.contains(&d.as_str()));
    for code in level {
        policy
            .overrides
            .entry((*code).to_owned())
            .or_default()
            .action = Some(Action::Fail);
    }
}

impl From<ProfileName> for Profile {
    fn from(p: ProfileName) -> Self {
        match p {
            ProfileName::Default => Profile::Default,
            ProfileName::Strict => Profile::Strict,
            ProfileName::Audit => Profile::Audit,
            ProfileName::PssBaseline => Profile::PssBaseline,
            ProfileName::PssRestricted => Profile::PssRestricted,
        }
    }
}

/// A secret value fingerprint as reports show it (`sha256:` and 32 hex
/// digits), lower-cased.
fn secret_fingerprint(text: &str) -> Option<String> {
    let text = text.trim();
    let hex = text.strip_prefix("sha256:")?;
    (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.to_ascii_lowercase())
}

/// The error for a bad fingerprint. It does not repeat the text: the
/// likeliest mistake is the secret itself pasted in, and CI logs keep what
/// an error says.
fn not_a_fingerprint(text: &str) -> String {
    let looks = if text.trim().starts_with("sha256:") {
        "a fingerprint cut short or mistyped"
    } else {
        "not a fingerprint (if it is the secret itself, take it out of the file)"
    };
    format!("this is {looks}: a secret fingerprint is `sha256:` and 32 hex digits, as a report's `secret.fingerprint` shows it, never the value itself")
}

/// A `warn-families` entry: a family name as `portcullis config schema`
/// lists them (case-insensitively), as its canonical spelling.
fn license_family(text: &str) -> Result<String, String> {
    use portcullis_packages::license::{family_of, Family};
    let text = text.trim();
    if let Some(f) = Family::from_name(text) {
        return Ok(f.name().to_owned());
    }
    if let Ok(id) = license_id(text) {
        let family =
            family_of(&id).map_or(String::new(), |f| format!(", or name its family `{f}`"));
        return Err(format!(
            "`{text}` is a license, not a license family: list it in `warn`{family}"
        ));
    }
    if let Some(f) = family_of(text) {
        return Err(format!(
            "unknown license family `{text}`; did you mean `{f}`?"
        ));
    }
    let all: Vec<String> = Family::ALL.iter().map(|f| format!("`{f}`")).collect();
    Err(format!(
        "unknown license family `{text}`; expected one of {}",
        all.join(", ")
    ))
}

/// A `warn` or `restricted` entry: one SPDX license id (`GPL-3.0-only`),
/// optionally with an exception (`GPL-2.0-only WITH
/// Classpath-exception-2.0`), or `LicenseRef-…`; exactly as the SPDX
/// License List spells it, so a report's license reads the same.
fn license_id(text: &str) -> Result<String, String> {
    use portcullis_packages::license::{evaluate, Family};
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("LicenseRef-") {
        let ok = !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        return if ok {
            Ok(text.to_owned())
        } else {
            Err(format!(
                "`{text}` is not a license reference: after `LicenseRef-` come letters, digits, `.` and `-`"
            ))
        };
    }
    if let Some(rest) = text
        .get(..11)
        .filter(|p| p.eq_ignore_ascii_case("LicenseRef-"))
        .and_then(|_| text.get(11..))
    {
        return Err(format!(
            "unknown SPDX license id `{text}`; did you mean `LicenseRef-{rest}`?"
        ));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words
        .iter()
        .any(|w| w.eq_ignore_ascii_case("OR") || w.eq_ignore_ascii_case("AND"))
    {
        return Err(format!(
            "`{text}` is a license expression: list each license on its own"
        ));
    }
    let unknown = || {
        let family = Family::from_name(text)
            .map(|_| ": it is a license family, which `warn-families` lists".to_owned());
        format!(
            "unknown SPDX license id `{text}`{}",
            family.unwrap_or_else(|| "; ids are those of the SPDX License List (`GPL-3.0-only`, `Apache-2.0`), or `LicenseRef-…` for others".to_owned())
        )
    };
    let evaluation = evaluate(text).ok_or_else(unknown)?;
    let with_unknown_exception = evaluation.unknown.iter().any(|u| u.contains(" with "));
    let [canonical] = &evaluation.licenses[..] else {
        return Err(unknown());
    };
    if with_unknown_exception {
        return Err(format!(
            "unknown SPDX license exception in `{text}`; exceptions are those of the SPDX License List (`Classpath-exception-2.0`)"
        ));
    }
    if canonical.ends_with('+') {
        return Err(format!(
            "`{text}`: name the license itself, `{}`; the lists match it with or without `+`",
            canonical.trim_end_matches('+')
        ));
    }
    if canonical == text {
        Ok(text.to_owned())
    } else if canonical.eq_ignore_ascii_case(text) {
        Err(format!(
            "unknown SPDX license id `{text}`; did you mean `{canonical}`?"
        ))
    } else {
        Err(format!(
            "`{text}` is a deprecated SPDX license id; did you mean `{canonical}`?"
        ))
    }
}
