//! Splitting an instruction's logical line into keyword, flags and arguments,
//! the way BuildKit's parser does for each instruction.

use crate::ast::*;
use crate::expand::excerpt;
use crate::parser::Logical;
use crate::ParseError;

/// Docker's separator for keyword/flags/whitespace-delimited lists: `[\t\v\f\r ]`.
fn is_token_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// Byte ranges of whitespace-separated tokens in `text[start..end]`.
fn split_tokens(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut word_start = None;
    for (i, c) in text[start..end].char_indices() {
        let at = start + i;
        match (is_token_space(c), word_start) {
            (true, Some(ws)) => {
                out.push((ws, at));
                word_start = None;
            }
            (false, None) => word_start = Some(at),
            _ => {}
        }
    }
    if let Some(ws) = word_start {
        out.push((ws, end));
    }
    out
}

/// Quote-aware words (BuildKit's `parseWords`): quotes and escapes stay in the
/// word; whitespace inside quotes or after the escape character does not split.
pub(crate) fn split_words(
    text: &str,
    start: usize,
    end: usize,
    escape: char,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = text[start..end].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == escape && q != '\'' {
                    chars.next();
                }
            }
            None => {
                if c.is_whitespace() {
                    if let Some(ws) = word_start.take() {
                        out.push((ws, at));
                    }
                    continue;
                }
                if word_start.is_none() {
                    word_start = Some(at);
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == escape {
                    chars.next();
                }
            }
        }
    }
    if let Some(ws) = word_start {
        out.push((ws, end));
    }
    out
}

fn trim_range(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let s = &text[start..end];
    start += s.len() - s.trim_start().len();
    let s = &text[start..end];
    end = start + s.trim_end().len();
    (start, end)
}

fn err(logical: &Logical, message: impl Into<String>, start: usize, end: usize) -> ParseError {
    ParseError::new(message, logical.span(start, end))
}

/// Parse the instruction in `logical.text[start..end]`. The returned span is
/// the instruction text only; the caller widens it to whole lines.
pub(crate) fn parse_instruction(
    logical: &Logical,
    start: usize,
    end: usize,
    escape: char,
) -> Result<Instruction, ParseError> {
    let text = logical.text.as_str();
    let (start, end) = trim_range(text, start, end);
    let keyword_end = text[start..end]
        .find(is_token_space)
        .map_or(end, |i| start + i);
    let keyword_word = &text[start..keyword_end];
    let keyword = Keyword::parse(keyword_word).ok_or_else(|| {
        err(
            logical,
            format!("unknown instruction: {}", excerpt(keyword_word)),
            start,
            keyword_end,
        )
    })?;
    let rest_start = keyword_end
        + (text[keyword_end..end].len()
            - text[keyword_end..end]
                .trim_start_matches(is_token_space)
                .len());
    let (flags, args_start) = parse_flags(logical, rest_start, end, keyword)?;
    let args_span = logical.span(args_start, end);
    let args = parse_arguments(
        logical,
        keyword,
        args_start,
        end,
        escape,
        start,
        keyword_end,
    )?;
    Ok(Instruction {
        span: logical.span(start, end),
        keyword,
        keyword_span: logical.span(start, keyword_end),
        flags,
        args,
        args_span,
        heredocs: Vec::new(),
    })
}

/// BuildKit's `extractBuilderFlags`: leading `--name[=value]` words, with
/// quotes and escapes processed inside them; `--` alone ends the flags.
fn parse_flags(
    logical: &Logical,
    start: usize,
    end: usize,
    keyword: Keyword,
) -> Result<(Vec<Flag>, usize), ParseError> {
    let text = logical.text.as_str();
    let mut flags = Vec::new();
    let mut pos = start;
    loop {
        while let Some(c) = text[pos..end].chars().next().filter(|c| c.is_whitespace()) {
            pos += c.len_utf8();
        }
        if !text[pos..end].starts_with("--") {
            return Ok((flags, pos));
        }
        let word_start = pos;
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut eq_at: Option<(usize, usize)> = None; // (index in word, logical offset after '=')
        let mut chars = text[pos..end].char_indices().peekable();
        let mut word_end = end;
        while let Some((i, c)) = chars.next() {
            let at = pos + i;
            match quote {
                None if c.is_whitespace() => {
                    word_end = at;
                    break;
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                _ if c == '\\' => {
                    if let Some((_, next)) = chars.next() {
                        word.push(next);
                    }
                }
                _ => {
                    if c == '=' && eq_at.is_none() && quote.is_none() {
                        eq_at = Some((word.len(), at + 1));
                    }
                    word.push(c);
                }
            }
        }
        pos = word_end;
        if word == "--" {
            while let Some(c) = text[pos..end].chars().next().filter(|c| c.is_whitespace()) {
                pos += c.len_utf8();
            }
            return Ok((flags, pos));
        }
        let (name, value) = match eq_at {
            Some((i, value_start)) => (
                word[2..i].to_owned(),
                Some(Word {
                    raw: word[i + 1..].to_owned(),
                    span: logical.span(value_start, word_end),
                }),
            ),
            None => (word[2..].to_owned(), None),
        };
        if !keyword.allowed_flags().contains(&name.as_str()) {
            return Err(err(
                logical,
                format!("unknown flag --{} for {keyword}", excerpt(&name)),
                word_start,
                word_end,
            ));
        }
        flags.push(Flag {
            span: logical.span(word_start, word_end),
            name,
            value,
        });
    }
}

fn parse_arguments(
    logical: &Logical,
    keyword: Keyword,
    start: usize,
    end: usize,
    escape: char,
    kw_start: usize,
    kw_end: usize,
) -> Result<Arguments, ParseError> {
    let text = logical.text.as_str();
    let rest = &text[start..end];
    let words = || -> Vec<Word> {
        split_tokens(text, start, end)
            .into_iter()
            .map(|(s, e)| logical.word(s, e))
            .collect()
    };
    let missing = |what: &str| {
        err(
            logical,
            format!("{keyword} requires {what}"),
            kw_start,
            kw_end,
        )
    };
    Ok(match keyword {
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint => {
            Arguments::Command(parse_command(logical, start, end)?)
        }
        Keyword::Shell => match parse_command(logical, start, end)? {
            Command::Exec(items) if !items.is_empty() => Arguments::Command(Command::Exec(items)),
            _ => return Err(err(
                logical,
                "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]",
                kw_start,
                end.max(kw_end),
            )),
        },
        Keyword::Copy | Keyword::Add | Keyword::Volume => {
            let (json, items) = match json_string_array(logical, start, end)? {
                Some(items) => (true, items),
                None => (false, words()),
            };
            let needed = if keyword == Keyword::Volume { 1 } else { 2 };
            if items.len() < needed {
                return Err(missing(if needed == 1 {
                    "at least one argument"
                } else {
                    "at least two arguments: one or more sources and a destination"
                }));
            }
            Arguments::List { json, items }
        }
        Keyword::Expose => {
            let items = words();
            if items.is_empty() {
                return Err(missing("at least one argument"));
            }
            Arguments::Words(items)
        }
        Keyword::From => {
            let items = words();
            let ok =
                items.len() == 1 || (items.len() == 3 && items[1].raw.eq_ignore_ascii_case("as"));
            if !ok {
                return Err(err(
                    logical,
                    "FROM requires either one argument, or three: FROM <image> AS <name>",
                    kw_start,
                    end.max(kw_end),
                ));
            }
            if let Some(name) = items.get(2) {
                if !is_valid_stage_name(&name.raw) {
                    return Err(ParseError::new(
                        format!(
                            "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                            excerpt(&name.raw)
                        ),
                        name.span,
                    ));
                }
            }
            Arguments::Words(items)
        }
        Keyword::User | Keyword::Workdir | Keyword::Maintainer | Keyword::Stopsignal => {
            if rest.is_empty() {
                return Err(missing("exactly one argument"));
            }
            Arguments::Text(logical.word(start, end))
        }
        Keyword::Env | Keyword::Label => {
            let pairs = parse_name_values(logical, keyword, start, end, escape)?;
            if pairs.is_empty() {
                return Err(missing("at least one argument"));
            }
            Arguments::Pairs(pairs)
        }
        Keyword::Arg => {
            let pairs: Vec<Pair> = split_words(text, start, end, escape)
                .into_iter()
                .map(|(s, e)| pair_from_word(logical, s, e))
                .collect();
            if pairs.is_empty() {
                return Err(missing("at least one argument"));
            }
            Arguments::Pairs(pairs)
        }
        Keyword::Healthcheck => {
            let Some((s, e)) = split_tokens(text, start, end).first().copied() else {
                return Err(missing("at least one argument: NONE, or CMD and a command"));
            };
            let kind = &text[s..e];
            if kind.eq_ignore_ascii_case("none") {
                if text[e..end].trim().is_empty() {
                    Arguments::Healthcheck(None)
                } else {
                    return Err(err(logical, "HEALTHCHECK NONE takes no arguments", s, end));
                }
            } else if kind.eq_ignore_ascii_case("cmd") {
                let cmd_start = e + (text[e..end].len() - text[e..end].trim_start().len());
                if cmd_start >= end {
                    return Err(err(logical, "missing command after HEALTHCHECK CMD", s, e));
                }
                Arguments::Healthcheck(Some(parse_command(logical, cmd_start, end)?))
            } else {
                return Err(err(
                    logical,
                    format!("unknown type {:?} in HEALTHCHECK (try CMD)", excerpt(kind)),
                    s,
                    e,
                ));
            }
        }
        Keyword::Onbuild => {
            if rest.is_empty() {
                return Err(missing("at least one argument"));
            }
            // Refuse a nested ONBUILD before parsing it: `ONBUILD ONBUILD …`
            // repeated would otherwise recurse once per word.
            let trigger_end = text[start..end]
                .find(is_token_space)
                .map_or(end, |i| start + i);
            if Keyword::parse(&text[start..trigger_end]) == Some(Keyword::Onbuild) {
                return Err(err(
                    logical,
                    "ONBUILD isn't allowed as an ONBUILD trigger",
                    start,
                    trigger_end,
                ));
            }
            let trigger = parse_instruction(logical, start, end, escape)?;
            if matches!(
                trigger.keyword,
                Keyword::Onbuild | Keyword::From | Keyword::Maintainer
            ) {
                return Err(ParseError::new(
                    format!("{} isn't allowed as an ONBUILD trigger", trigger.keyword),
                    trigger.keyword_span,
                ));
            }
            Arguments::Onbuild(Box::new(trigger))
        }
    })
}

/// Stage names: `[a-z][a-z0-9-_.]*`, case-insensitively.
fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `name=value` or bare `name` from one quote-aware word.
fn pair_from_word(logical: &Logical, s: usize, e: usize) -> Pair {
    let word = &logical.text[s..e];
    match word.find('=') {
        Some(i) => Pair {
            span: logical.span(s, e),
            key: logical.word(s, s + i),
            value: Some(logical.word(s + i + 1, e)),
        },
        None => Pair {
            span: logical.span(s, e),
            key: logical.word(s, e),
            value: None,
        },
    }
}

/// ENV/LABEL: `KEY value with spaces` (old form) or `k=v k2="v 2"…`.
fn parse_name_values(
    logical: &Logical,
    keyword: Keyword,
    start: usize,
    end: usize,
    escape: char,
) -> Result<Vec<Pair>, ParseError> {
    let text = logical.text.as_str();
    let words = split_words(text, start, end, escape);
    let Some(&(fs, fe)) = words.first() else {
        return Ok(Vec::new());
    };
    if !text[fs..fe].contains('=') {
        let tokens = split_tokens(text, start, end);
        let key_end = tokens.first().map_or(end, |t| t.1);
        let value_start = tokens.get(1).map(|t| t.0).ok_or_else(|| {
            err(
                logical,
                format!("{keyword} must have two arguments: {keyword} <key> <value>, or {keyword} <key>=<value>"),
                start,
                end,
            )
        })?;
        return Ok(vec![Pair {
            span: logical.span(start, end),
            key: logical.word(start, key_end),
            value: Some(logical.word(value_start, end)),
        }]);
    }
    words
        .into_iter()
        .map(|(s, e)| {
            if !text[s..e].contains('=') {
                return Err(err(
                    logical,
                    format!(
                        "syntax error: can't find = in {:?}; must be of the form name=value",
                        excerpt(&text[s..e])
                    ),
                    s,
                    e,
                ));
            }
            Ok(pair_from_word(logical, s, e))
        })
        .collect()
}

/// RUN/CMD/ENTRYPOINT arguments: exec form if the text is a JSON array of
/// strings, a parse error if it is a JSON array of anything else, else shell form.
fn parse_command(logical: &Logical, start: usize, end: usize) -> Result<Command, ParseError> {
    Ok(match json_string_array(logical, start, end)? {
        Some(items) => Command::Exec(items),
        None => Command::Shell(logical.word(start, end)),
    })
}

/// `Some(strings)` when `text[start..end]` is exactly a JSON array of strings;
/// `None` when it is not JSON (Docker then falls back to shell form); an error
/// when it is a JSON array holding something other than strings (as Docker).
fn json_string_array(
    logical: &Logical,
    start: usize,
    end: usize,
) -> Result<Option<Vec<Word>>, ParseError> {
    let text = &logical.text[start..end];
    if !text.starts_with('[') {
        return Ok(None);
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(text) else {
        return Ok(None);
    };
    if values.iter().any(|v| !v.is_string()) {
        return Err(err(
            logical,
            "when using JSON array syntax, arrays must be comprised of strings only",
            start,
            end,
        ));
    }
    // Valid JSON of strings only: find each string literal's extent for its span.
    let bytes = text.as_bytes();
    let mut items = Vec::with_capacity(values.len());
    let mut i = 0;
    for value in values {
        while bytes[i] != b'"' {
            i += 1;
        }
        let lit_start = i;
        i += 1;
        while bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
        items.push(Word {
            raw: value.as_str().unwrap_or_default().to_owned(),
            span: logical.span(start + lit_start, start + i),
        });
    }
    Ok(Some(items))
}

/// Heredoc markers among an instruction's argument words: `[n]<<[-]NAME`,
/// where a quoted NAME disables expansion. Quoted `"<<EOF"` is not a marker.
pub(crate) fn heredoc_markers(
    logical: &Logical,
    instruction: &Instruction,
    escape: char,
) -> Vec<Heredoc> {
    let text = logical.text.as_str();
    let mut out = Vec::new();
    for (s, e) in split_words(text, 0, text.len(), escape) {
        let word = &text[s..e];
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, name) = match after.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, after),
        };
        if name.is_empty() || name.contains('<') {
            continue;
        }
        let quoted = name.contains(['"', '\'']);
        let unquoted: String = name.chars().filter(|c| !matches!(c, '"' | '\'')).collect();
        if unquoted.is_empty() {
            continue;
        }
        // Markers inside the flags (e.g. a --mount value) are not heredocs.
        let span = logical.span(s, e);
        if span.start < instruction.args_span.start {
            continue;
        }
        out.push(Heredoc {
            name: unquoted,
            chomp,
            expand: !quoted,
            fd: word[..digits].parse().ok(),
            marker: span,
            body: Default::default(),
            terminator: Default::default(),
        });
    }
    out
}
