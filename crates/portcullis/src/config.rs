//! Finding and reading the policy file for the CLI: `--config`,
//! `--no-config`, or the nearest `portcullis.toml` from the working
//! directory up; `--fail-on`; and the day exceptions are judged on.

use std::io::IsTerminal;
use std::path::Path;

use portcullis_policy::{Date, Policy, PolicyError};

/// Where the policy comes from.
pub enum ConfigChoice<'a> {
    /// The nearest `portcullis.toml` from this directory up, or the default.
    Discover(&'a Path),
    File(&'a Path),
    /// `--no-config`: the built-in default policy.
    None,
}

/// Read the policy, set the day and apply `--fail-on` (which wins over the file).
pub fn load_policy(
    choice: ConfigChoice,
    fail_on: Option<&str>,
) -> Result<Policy, Vec<PolicyError>> {
    let mut policy = match choice {
        ConfigChoice::None => Policy::default(),
        ConfigChoice::File(path) => Policy::load(path, &path.display().to_string())?,
        ConfigChoice::Discover(dir) => match portcullis_policy::discover(dir) {
            Some((path, shown)) => Policy::load(&path, &shown)?,
            None => Policy::default(),
        },
    };
    policy.today = today().map_err(|message| vec![plain_error("PORTCULLIS_TODAY", message)])?;
    if let Some(text) = fail_on {
        policy.fail_on = portcullis_policy::parse_fail_on(text)
            .map_err(|message| vec![plain_error("--fail-on", message)])?;
    }
    Ok(policy)
}

/// `PORTCULLIS_TODAY=YYYY-MM-DD` (for tests and for checking ahead when
/// exceptions will expire), or the UTC date of the system clock.
pub fn today() -> Result<Date, String> {
    match std::env::var("PORTCULLIS_TODAY") {
        Ok(text) if !text.is_empty() => Date::parse(&text),
        _ => Ok(Date::today_utc()),
    }
}

fn plain_error(what: &str, message: String) -> PolicyError {
    PolicyError {
        path: what.to_owned(),
        line: 0,
        column: 0,
        message,
        source_line: String::new(),
    }
}

/// Print policy errors, one line each (`error: FILE:LINE:COL: message`);
/// on a terminal, with the line and a marker under the column.
pub fn print_errors(errors: &[PolicyError]) {
    let snippets = std::io::stderr().is_terminal();
    for e in errors {
        eprintln!("error: {}", portcullis_report::printable(&e.to_string()));
        if snippets && e.line > 0 {
            let number = e.line.to_string();
            let pad = " ".repeat(number.len());
            eprintln!("{pad} |");
            eprintln!(
                "{number} | {}",
                portcullis_report::printable(&e.source_line)
            );
            let before: String = e
                .source_line
                .chars()
                .take(e.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            eprintln!("{pad} | {before}^");
        }
    }
}
