//! The subcommands that only print: `rules`, `explain`, `completions`, `man`.

use std::io::Write;
use std::process::ExitCode;

use portcullis_rules::Rule;

/// How `portcullis rules` prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// One line a rule: code, name, severity, title.
    Text,
    /// A JSON array, one object a rule (stable field names).
    Json,
    /// The rules documentation (docs/rules.md).
    Markdown,
}

/// Every rule a report can carry: the container policies, then the policy
/// file's own (SQ49xxx).
fn all_rules() -> impl Iterator<Item = &'static Rule> {
    portcullis_rules::RULES
        .iter()
        .chain(portcullis_policy::meta::RULES.iter())
        .copied()
}

pub fn rules(format: RulesFormat) -> ExitCode {
    use std::fmt::Write;
    let mut out = String::new();
    match format {
        RulesFormat::Markdown => {
            out.push_str(&portcullis_rules::registry::markdown());
            out.push_str(
                "\n# Findings about the policy file\n\nReported about `portcullis.toml` and inline suppressions; see [policy.md](policy.md).\n"
            );
            for r in portcullis_policy::meta::RULES {
                let _ = write!(
                    out,
                    "\n<a id=\"{}\"></a>\n\n{}",
                    r.code.to_ascii_lowercase(),
                    portcullis_policy::meta::explain(r)
                );
            }
        }
        RulesFormat::Text => {
            for r in all_rules() {
                let _ = writeln!(
                    out,
                    "{:<8} {:<30} {:<7} {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.title
                );
            }
        }
        RulesFormat::Json => {
            // The default policy's action: what a finding does with no
            // portcullis.toml.
            let policy = portcullis_policy::Policy::default();
            let rules: Vec<serde_json::Value> = all_rules()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "title": r.title,
                        "severity": r.severity.as_str(),
                        "category": r.category.as_str(),
                        "default_action": policy.action(r),
                        "applies_to": r.applies_to.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                        "remediation": r.remediation,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&rules).unwrap_or_default();
            out.push('\n');
        }
    }
    emit(out.as_bytes())
}

/// A rule by code or name, case-insensitively.
fn find(query: &str) -> Option<&'static Rule> {
    all_rules().find(|r| r.code.eq_ignore_ascii_case(query) || r.name.eq_ignore_ascii_case(query))
}

pub fn explain(query: &str) -> ExitCode {
    let Some(rule) = find(query) else {
        let shown = portcullis_report::printable(query);
        let hint = match nearest(query) {
            Some(r) => format!("did you mean {} ({})? ", r.code, r.name),
            None => String::new(),
        };
        eprintln!("error: no rule {shown:?}; {hint}`portcullis rules` lists them");
        return ExitCode::from(2);
    };
    let text = match portcullis_policy::meta::find(rule.code) {
        Some(_) => portcullis_policy::meta::explain(rule),
        None => portcullis_rules::registry::explain(rule),
    };
    emit(text.as_bytes())
}

/// The rule whose code or name is nearest `query` by edit distance, when it
/// is near enough to be what was meant (at most a third of the query wrong).
fn nearest(query: &str) -> Option<&'static Rule> {
    let query = query.to_ascii_lowercase();
    let (distance, rule) = all_rules()
        .flat_map(|r| [(r.code, r), (r.name, r)])
        .map(|(key, r)| (edit_distance(&query, &key.to_ascii_lowercase()), r))
        .min_by_key(|(d, _)| *d)?;
    (distance <= query.chars().count().div_ceil(3)).then_some(rule)
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// A shell completion script for `portcullis`, from the CLI definition.
pub fn completions(shell: clap_complete::Shell, mut command: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "portcullis", &mut out);
    emit(&out)
}

/// The man page, portcullis(1), from the CLI definition: the top-level page,
/// then a section for each subcommand with its synopsis and options.
pub fn man(command: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    let mut command = command.name("portcullis").bin_name("portcullis");
    // Building sets each subcommand's bin name (`portcullis db update`),
    // which their synopses show.
    command.build();
    let page = clap_mangen::Man::new(command.clone());
    if page.render(&mut out).is_err() {
        return ExitCode::from(2);
    }
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        if render_subcommand(&mut out, &command, sub).is_err() {
            return ExitCode::from(2);
        }
    }
    emit(&out)
}

/// `.SH PORTCULLIS SCAN` and its options; nested subcommands (`db update`)
/// as `.SS`.
fn render_subcommand(
    out: &mut Vec<u8>,
    parent: &clap::Command,
    sub: &clap::Command,
) -> std::io::Result<()> {
    let full = format!("{} {}", parent.get_name(), sub.get_name());
    writeln!(out, ".SH \"{}\"", full.to_ascii_uppercase())?;
    if let Some(about) = sub.get_about() {
        writeln!(out, "{}", roff_text(&about.to_string()))?;
    }
    let page = clap_mangen::Man::new(sub.clone());
    page.render_synopsis_section(out)?;
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        page.render_options_section(out)?;
    }
    for nested in sub
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let nested_full = format!("{full} {}", nested.get_name());
        writeln!(out, ".SS \"{nested_full}\"")?;
        if let Some(about) = nested.get_about() {
            writeln!(out, "{}", roff_text(&about.to_string()))?;
        }
        let page = clap_mangen::Man::new(nested.clone());
        page.render_synopsis_section(out)?;
        if nested.get_arguments().any(|a| !a.is_hide_set()) {
            page.render_options_section(out)?;
        }
    }
    Ok(())
}

/// Text as a roff paragraph: no line may start with `.` or `'`, and
/// backslashes are escaped.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e");
    let lines: Vec<String> = escaped
        .lines()
        .map(|l| match l.starts_with(['.', '\'']) {
            true => format!("\\&{l}"),
            false => l.to_owned(),
        })
        .collect();
    format!(".PP\n{}", lines.join("\n"))
}

fn emit(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("sq40114", "sq40104"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("root-usr", "root-user"), 1);
    }

    #[test]
    fn nearest_is_near_or_nothing() {
        assert_eq!(nearest("SQ40114").map(|r| r.code), Some("SQ40104"));
        assert_eq!(nearest("root-usr").map(|r| r.name), Some("root-user"));
        assert!(nearest("completely-unrelated-words").is_none());
    }
}
