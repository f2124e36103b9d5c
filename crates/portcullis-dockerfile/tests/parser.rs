//! Parser behaviour, one section per bullet of the parser's contract.

use portcullis_dockerfile::{
    parse, Arguments, Base, Build, Command, Dockerfile, Item, Keyword, ParseError, Position, Why,
};

fn ok(src: &str) -> Dockerfile {
    parse(src).unwrap_or_else(|e| panic!("parse error {e} at {:?} in:\n{src}", e.span))
}

fn err(src: &str) -> (String, Position) {
    let e: ParseError = match parse(src) {
        Ok(df) => match Build::new(&df, &[]) {
            Ok(_) => panic!("expected an error for:\n{src}"),
            Err(e) => e,
        },
        Err(e) => e,
    };
    let pos = portcullis_dockerfile::error_position(src.as_bytes(), &e);
    (e.message, pos)
}

fn pos(line: usize, column: usize) -> Position {
    Position { line, column }
}

fn keywords(df: &Dockerfile) -> Vec<Keyword> {
    df.instructions().map(|i| i.keyword).collect()
}

fn shell(df: &Dockerfile, n: usize) -> String {
    match &df.instructions().nth(n).expect("instruction").args {
        Arguments::Command(Command::Shell(w)) => w.raw.clone(),
        other => panic!("not shell form: {other:?}"),
    }
}

fn exec(df: &Dockerfile, n: usize) -> Vec<String> {
    match &df.instructions().nth(n).expect("instruction").args {
        Arguments::Command(Command::Exec(w)) => w.iter().map(|w| w.raw.clone()).collect(),
        other => panic!("not exec form: {other:?}"),
    }
}

// --- parser directives ---

#[test]
fn directives_at_the_top_are_recognised() {
    let df = ok("# syntax=docker/dockerfile:1.7\n#escape = `\n# check=skip=JSONArgsRecommended\nFROM scratch\n");
    let d: Vec<(String, String)> = df
        .directives()
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    assert_eq!(
        d,
        vec![
            ("syntax".into(), "docker/dockerfile:1.7".into()),
            ("escape".into(), "`".into()),
            ("check".into(), "skip=JSONArgsRecommended".into())
        ]
    );
    assert_eq!(df.escape, '`');
}

#[test]
fn directives_after_a_comment_blank_line_or_instruction_are_comments() {
    for src in [
        "# hello\n# escape=`\nFROM scratch\n",
        "\n# escape=`\nFROM scratch\n",
        "FROM scratch\n# escape=`\n",
        "# unknowndirective=x\n# escape=`\nFROM scratch\n",
    ] {
        let df = ok(src);
        assert_eq!(df.escape, '\\', "{src:?}");
        assert_eq!(df.directives().count(), 0, "{src:?}");
    }
}

#[test]
fn duplicate_and_invalid_directives_are_errors() {
    assert_eq!(
        err("# escape=`\n# escape=\\\nFROM scratch\n"),
        (
            "only one escape parser directive can be used".into(),
            pos(2, 3)
        )
    );
    assert_eq!(
        err("# escape=x\nFROM scratch\n"),
        (
            "invalid escape token 'x' does not match ` or \\".into(),
            pos(1, 10)
        )
    );
}

// --- escape character and continuations ---

#[test]
fn backtick_escape_continues_lines_and_leaves_backslashes_alone() {
    let df = ok("# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo done\nCOPY app C:\\app\\\n");
    assert_eq!(shell(&df, 1), "dir c:\\     && echo done");
    match &df.instructions().nth(2).map(|i| &i.args) {
        Some(Arguments::List { items, .. }) => assert_eq!(items[1].raw, "C:\\app\\"),
        other => panic!("{other:?}"),
    };
}

#[test]
fn continuations_skip_comment_lines_and_empty_lines() {
    let src = "FROM debian\nRUN apt-get update \\\n  # install things\n\n   \\\n    && apt-get install -y curl\nUSER app\n";
    let df = ok(src);
    assert_eq!(
        keywords(&df),
        vec![Keyword::From, Keyword::Run, Keyword::User]
    );
    assert_eq!(
        shell(&df, 1),
        "apt-get update        && apt-get install -y curl"
    );
    let run = df.instructions().nth(1).expect("run");
    assert_eq!(df.position(run.span.start), pos(2, 1));
    assert_eq!(df.position(run.span.end), pos(7, 1));
}

#[test]
fn continuation_allows_trailing_blanks_after_the_escape() {
    let df = ok("FROM a\nRUN a \\  \t\n b\n");
    assert_eq!(shell(&df, 1), "a  b");
}

#[test]
fn crlf_line_endings() {
    let df = ok("FROM a\r\nRUN a \\\r\n b\r\nCMD [\"x\"]\r\n");
    assert_eq!(shell(&df, 1), "a  b");
    assert_eq!(exec(&df, 2), vec!["x"]);
    assert_eq!(
        df.to_source(),
        "FROM a\r\nRUN a \\\r\n b\r\nCMD [\"x\"]\r\n"
    );
}

// --- heredocs ---

#[test]
fn heredoc_bodies_belong_to_their_instruction() {
    let src = "FROM a\nRUN <<EOF\nFROM not-an-instruction\nEOF\nUSER app\n";
    let df = ok(src);
    assert_eq!(
        keywords(&df),
        vec![Keyword::From, Keyword::Run, Keyword::User]
    );
    let run = df.instructions().nth(1).expect("run");
    let h = &run.heredocs[0];
    assert_eq!((h.name.as_str(), h.chomp, h.expand), ("EOF", false, true));
    assert_eq!(df.text(h.body), "FROM not-an-instruction\n");
    assert_eq!(df.text(h.terminator), "EOF\n");
}

#[test]
fn heredoc_chomp_quoted_and_several_on_one_line() {
    let src = "FROM a\nCOPY <<-\"ONE\" 3<<'TWO' /dst/\n\tfirst $X\n\tONE\nsecond\nTWO\n";
    let df = ok(src);
    let copy = df.instructions().nth(1).expect("copy");
    let hs: Vec<_> = copy
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.chomp, h.expand, h.fd))
        .collect();
    assert_eq!(
        hs,
        vec![("ONE", true, false, None), ("TWO", false, false, Some(3))]
    );
    assert_eq!(df.text(copy.heredocs[0].body), "\tfirst $X\n");
    assert_eq!(df.text(copy.heredocs[1].body), "second\n");
}

#[test]
fn quoted_heredoc_marker_and_json_form_are_not_heredocs() {
    let df = ok("FROM a\nRUN echo \"<<EOF\"\nRUN [\"cat\", \"<<EOF\"]\nRUN cat <<<here\n");
    assert!(df.instructions().all(|i| i.heredocs.is_empty()));
}

#[test]
fn heredocs_only_in_run_copy_add() {
    let df = ok("FROM a\nCMD cat <<EOF\nUSER x\n");
    assert_eq!(
        keywords(&df),
        vec![Keyword::From, Keyword::Cmd, Keyword::User]
    );
}

#[test]
fn unterminated_heredoc_is_an_error_at_its_marker() {
    assert_eq!(
        err("FROM a\nRUN cat <<END\nhello\n"),
        (
            "unterminated heredoc: no line `END` ends it".into(),
            pos(2, 9)
        )
    );
}

// --- exec vs shell form ---

#[test]
fn exec_form_is_a_json_array_of_strings_and_anything_else_is_shell_form() {
    let df = ok("FROM a\nCMD [\"a\", \"b c\", \"\\u0041\"]\nCMD ['a']\nCMD [a]\nCMD [\"a\"] extra\nENTRYPOINT  [ \"x\" ]\nRUN [\"a\",\n");
    assert_eq!(exec(&df, 1), vec!["a", "b c", "A"]);
    assert_eq!(shell(&df, 2), "['a']");
    assert_eq!(shell(&df, 3), "[a]");
    assert_eq!(shell(&df, 4), "[\"a\"] extra");
    assert_eq!(exec(&df, 5), vec!["x"]);
    assert_eq!(shell(&df, 6), "[\"a\",");
}

#[test]
fn json_array_of_non_strings_is_an_error() {
    assert_eq!(
        err("FROM a\nCMD [\"a\", 1]\n"),
        (
            "when using JSON array syntax, arrays must be comprised of strings only".into(),
            pos(2, 5)
        )
    );
}

#[test]
fn exec_items_have_spans_of_their_literals() {
    let df = ok("FROM a\nCMD [\"a\", \"b\"]\n");
    let Arguments::Command(Command::Exec(items)) = &df.instructions().nth(1).expect("cmd").args
    else {
        panic!()
    };
    assert_eq!(df.text(items[1].span), "\"b\"");
    assert_eq!(df.position(items[1].span.start), pos(2, 11));
}

// --- flags, keywords, stages ---

#[test]
fn instruction_flags_are_parsed_with_values() {
    let src = "FROM --platform=$BUILDPLATFORM golang AS build\n\
RUN --mount=type=cache,target=/root/.cache --network=none --security=insecure go build\n\
COPY --from=build --chown=\"app:app\" --chmod=0755 --link --parents --exclude=*.md src /dst\n\
ADD --checksum=sha256:abc --keep-git-dir=true --chown=1 --chmod=644 --link --exclude=x https://x/y /z\n\
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 CMD true\n";
    let df = ok(src);
    let flags: Vec<Vec<(String, Option<String>)>> = df
        .instructions()
        .map(|i| {
            i.flags
                .iter()
                .map(|f| (f.name.clone(), f.value.as_ref().map(|v| v.raw.clone())))
                .collect()
        })
        .collect();
    let f = |n: &str, v: Option<&str>| (n.to_owned(), v.map(str::to_owned));
    assert_eq!(flags[0], vec![f("platform", Some("$BUILDPLATFORM"))]);
    assert_eq!(
        flags[1],
        vec![
            f("mount", Some("type=cache,target=/root/.cache")),
            f("network", Some("none")),
            f("security", Some("insecure"))
        ]
    );
    assert_eq!(
        flags[2],
        vec![
            f("from", Some("build")),
            f("chown", Some("app:app")),
            f("chmod", Some("0755")),
            f("link", None),
            f("parents", None),
            f("exclude", Some("*.md"))
        ]
    );
    assert_eq!(flags[3].len(), 6);
    assert_eq!(
        flags[4].iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries"
        ]
    );
    assert!(matches!(
        df.instructions().nth(4).map(|i| &i.args),
        Some(Arguments::Healthcheck(Some(Command::Shell(_))))
    ));
}

#[test]
fn unknown_flags_and_instructions_are_errors_with_positions() {
    assert_eq!(
        err("FROM a\nCOPY --frm=x a b\n"),
        ("unknown flag --frm for COPY".into(), pos(2, 6))
    );
    assert_eq!(
        err("FROM a\n  RUNN echo\n"),
        ("unknown instruction: RUNN".into(), pos(2, 3))
    );
    assert_eq!(
        err("FROM a\nHEALTHCHECK CURL x\n"),
        (
            "unknown type \"CURL\" in HEALTHCHECK (try CMD)".into(),
            pos(2, 13)
        )
    );
    assert_eq!(
        err("FROM a\nHEALTHCHECK NONE x\n"),
        ("HEALTHCHECK NONE takes no arguments".into(), pos(2, 13))
    );
    assert_eq!(
        err("FROM a b\n"),
        (
            "FROM requires either one argument, or three: FROM <image> AS <name>".into(),
            pos(1, 1)
        )
    );
    assert_eq!(err("FROM a AS 1st\n").1, pos(1, 11));
    assert_eq!(err("FROM a\nCOPY onlyone\n").1, pos(2, 1));
    assert_eq!(err("FROM a\nENV novalue\n").1, pos(2, 5));
    assert_eq!(err("FROM a\nSHELL /bin/sh -c\n").1, pos(2, 1));
    assert_eq!(
        err("FROM a\nONBUILD FROM b\n"),
        ("FROM isn't allowed as an ONBUILD trigger".into(), pos(2, 9))
    );
    assert_eq!(
        err("RUN x\nFROM a\n"),
        (
            "RUN before the first FROM: only ARG may come before FROM".into(),
            pos(1, 1)
        )
    );
    assert_eq!(
        err("# just a comment\n").0,
        "no FROM instruction: a Dockerfile needs at least one build stage"
    );
}

#[test]
fn keywords_are_case_insensitive_and_onbuild_wraps_an_instruction() {
    let df = ok("from a As Build\nrun echo\nOnBuild copy . /app\n");
    assert_eq!(
        keywords(&df),
        vec![Keyword::From, Keyword::Run, Keyword::Onbuild]
    );
    let Arguments::Onbuild(trigger) = &df.instructions().nth(2).expect("onbuild").args else {
        panic!()
    };
    assert_eq!(trigger.keyword, Keyword::Copy);
    let build = Build::new(&df, &[]).expect("build");
    assert_eq!(build.stages[0].name.as_deref(), Some("build"));
}

#[test]
fn stages_chain_through_from_stage_names() {
    let df = ok("ARG V=1\nFROM debian:$V AS base\nFROM base AS mid\nFROM scratch\nFROM MID\n");
    let b = Build::new(&df, &[]).expect("build");
    let bases: Vec<&Base> = b.stages.iter().map(|s| &s.base).collect();
    assert!(matches!(bases[0], Base::Image(v) if v.text == "debian:1"));
    assert_eq!(bases[1], &Base::Stage(0));
    assert_eq!(bases[2], &Base::Scratch);
    assert_eq!(bases[3], &Base::Stage(1));
    assert_eq!(b.global_args.len(), 1);
}

// --- variable substitution ---

fn expanded(src: &str, build_args: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
    let df = ok(src);
    let args: Vec<(String, String)> = build_args
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let b = Build::new(&df, &args).expect("build");
    let last = b.final_stage().steps.last().expect("step");
    last.args
        .iter()
        .map(|v| {
            (
                v.text.clone(),
                v.unresolved.iter().map(|u| u.name.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn substitution_forms() {
    let src = "FROM a\nENV A=x EMPTY=\nARG NODEF\nEXPOSE $A ${A} ${A:-d} ${NOPE:-d} ${A:+alt} ${NOPE:+alt} ${EMPTY:-e} ${EMPTY-e} \\$A '$A' \"$A\" $NODEF a$A-b\n";
    let got = expanded(src, &[]);
    let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        ["x", "x", "x", "d", "alt", "", "e", "", "$A", "$A", "x", "", "ax-b"]
    );
    assert_eq!(got[5].1, vec!["NOPE"]);
    assert_eq!(got[11].1, vec!["NODEF"]);
    assert!(got[0].1.is_empty());
}

#[test]
fn env_shadows_arg_and_build_args_override_defaults() {
    let src = "FROM a\nARG U=1\nENV U=2\nARG U=3\nUSER $U\n";
    assert_eq!(expanded(src, &[]), vec![("2".into(), vec![])]);
    let src = "FROM a\nARG U=1\nUSER $U\n";
    assert_eq!(expanded(src, &[("U", "9")]), vec![("9".into(), vec![])]);
}

#[test]
fn global_args_reach_from_lines_and_redeclared_args_only() {
    let src = "ARG TAG=1 USERNAME=app\nFROM img:$TAG\nUSER $USERNAME\n";
    assert_eq!(
        expanded(src, &[]),
        vec![("".into(), vec!["USERNAME".into()])]
    );
    let src = "ARG TAG=1 USERNAME=app\nFROM img:$TAG\nARG USERNAME\nUSER $USERNAME\n";
    assert_eq!(expanded(src, &[]), vec![("app".into(), vec![])]);
}

#[test]
fn unresolved_variables_say_why() {
    let df = ok("ARG G=1\nFROM a\nARG N\nUSER $G:$N:$U\n");
    let b = Build::new(&df, &[]).expect("build");
    let user = &b.final_stage().steps.last().expect("user").args[0];
    let why: Vec<(&str, Why)> = user
        .unresolved
        .iter()
        .map(|u| (u.name.as_str(), u.why))
        .collect();
    assert_eq!(
        why,
        [
            ("G", Why::GlobalNotRedeclared),
            ("N", Why::NoDefault),
            ("U", Why::Undeclared)
        ]
    );
}

#[test]
fn from_stage_inherits_env_but_not_args() {
    let src = "FROM a AS one\nENV E=e\nARG R=r\nFROM one\nUSER $E:$R\n";
    assert_eq!(expanded(src, &[]), vec![("e:".into(), vec!["R".into()])]);
}

#[test]
fn env_and_label_forms() {
    let df = ok("FROM a\nENV KEY value with spaces\nLABEL a=\"x y\" b=c\\ d\n");
    let b = Build::new(&df, &[]).expect("build");
    let steps = &b.final_stage().steps;
    assert_eq!(steps[1].args[0].text, "value with spaces");
    let labels: Vec<&str> = steps[2].args.iter().map(|v| v.text.as_str()).collect();
    assert_eq!(labels, ["x y", "c d"]);
}

#[test]
fn bad_substitution_is_an_error_at_the_word() {
    assert_eq!(
        err("FROM a\nUSER ${}\n"),
        ("syntax error: bad substitution".into(), pos(2, 6))
    );
    assert_eq!(err("FROM a\nUSER \"unterminated\n").1, pos(2, 6));
}

// --- spans, positions, losslessness ---

#[test]
fn positions_are_one_based_and_count_characters() {
    let df = ok("FROM a\nLABEL x=\"é\" y=z\n");
    let Arguments::Pairs(pairs) = &df.instructions().nth(1).expect("label").args else {
        panic!()
    };
    assert_eq!(df.position(pairs[1].key.span.start), pos(2, 13));
}

#[test]
fn sub_span_maps_through_continuations() {
    let src = "FROM a\nRUN apt-get update \\\n  # comment\n    && chmod u+s /bin/x\n";
    let df = ok(src);
    let Arguments::Command(Command::Shell(w)) = &df.instructions().nth(1).expect("run").args else {
        panic!()
    };
    let at = w.raw.find("u+s").expect("u+s");
    let span = df.sub_span(w, at, at + 3);
    assert_eq!(df.text(span), "u+s");
    assert_eq!(df.position(span.start), pos(4, 14));
}

#[test]
fn byte_order_mark_is_kept_and_ignored() {
    let src = "\u{feff}# escape=`\nFROM a\n";
    let df = ok(src);
    assert_eq!(df.escape, '`');
    assert_eq!(df.to_source(), src);
}

#[test]
fn items_tile_the_source() {
    let src = "# syntax=x\n\n# c\nFROM a\nRUN <<E\nbody\nE\n  \nCMD x";
    let df = ok(src);
    let kinds: Vec<&str> = df
        .items
        .iter()
        .map(|i| match i {
            Item::Directive(_) => "directive",
            Item::Comment(_) => "comment",
            Item::Blank(_) => "blank",
            Item::Instruction(_) => "instruction",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "directive",
            "blank",
            "comment",
            "instruction",
            "instruction",
            "blank",
            "instruction"
        ]
    );
    assert_eq!(df.to_source(), src);
}

#[test]
fn invalid_utf8_is_an_error_at_the_byte() {
    let e = portcullis_dockerfile::parse_bytes(b"FROM a\nRUN \xff\n").expect_err("invalid");
    assert_eq!(e.message, "invalid UTF-8");
    assert_eq!(
        portcullis_dockerfile::error_position(b"FROM a\nRUN \xff\n", &e),
        pos(2, 5)
    );
}
