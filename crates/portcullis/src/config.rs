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
/// on a terminal, with the line and a marker under the column: at most
/// [`SNIPPET_CHARS`] characters of it around the column, and none of a line
/// holding control characters (a file that is not text, such as
/// `/proc/self/environ`, is never echoed).
pub fn print_errors(errors: &[PolicyError]) {
    let snippets = std::io::stderr().is_terminal();
    for e in errors {
        eprintln!("error: {}", portcullis_report::printable(&e.to_string()));
        if snippets && e.line > 0 {
            if let Some((text, caret)) = snippet(&e.source_line, e.column) {
                let number = e.line.to_string();
                let pad = " ".repeat(number.len());
                eprintln!("{pad} |");
                eprintln!("{number} | {}", portcullis_report::printable(&text));
                eprintln!("{pad} | {caret}^");
            }
        }
    }
}

/// The most characters of a source line quoted under an error.
pub const SNIPPET_CHARS: usize = 120;

/// The part of `line` shown under an error at 1-based `column`, and the
/// padding that puts a caret under that column; `None` for a line that is
/// not plain text.
pub fn snippet(line: &str, column: usize) -> Option<(String, String)> {
    if line.chars().any(|c| c.is_control() && c != '\t') {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SNIPPET_CHARS / 2);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    let mut caret: String = chars[start..at]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    if start > 0 {
        text.insert(0, '…');
        caret.insert(0, ' ');
    }
    if end < chars.len() {
        text.push('…');
    }
    Some((text, caret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_bounded_and_only_of_text() {
        assert_eq!(
            snippet("disable = [\"SQ9*\"]", 12),
            Some(("disable = [\"SQ9*\"]".to_owned(), " ".repeat(11)))
        );
        let long = format!("{}X{}", "a".repeat(100_000), "b".repeat(100_000));
        let (text, caret) = snippet(&long, 100_001).expect("text");
        assert_eq!(text, format!("…{}X{}…", "a".repeat(60), "b".repeat(59)));
        assert_eq!(caret.len(), 61);
        assert_eq!(snippet("HOME=/root\0SECRET=x", 1), None);
    }
}
