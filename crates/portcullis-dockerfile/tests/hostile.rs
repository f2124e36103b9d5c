//! Hostile Dockerfiles: each bound of the parser and of expansion, crossed
//! (a one-line error at the right place) and stayed under (a build), and the
//! inputs that were once super-linear, at sizes that would take minutes if
//! they still were.

use portcullis_dockerfile::expand::{EXPANSION_BUDGET, MAX_NESTING};
use portcullis_dockerfile::{error_position, parse, Base, Build, Position};

fn build_error(src: &str) -> (String, Position) {
    let df = parse(src).unwrap_or_else(|e| panic!("parse error {e}"));
    let e = match Build::new(&df, &[]) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    };
    let at = error_position(src.as_bytes(), &e);
    (e.message, at)
}

fn nested(depth: usize, quoted: bool) -> String {
    let (open, close) = if quoted {
        ("\"${a:-", "}\"")
    } else {
        ("${a:-", "}")
    };
    format!(
        "FROM alpine\nLABEL x={}v{}\n",
        open.repeat(depth),
        close.repeat(depth)
    )
}

fn label_text(src: &str) -> String {
    let df = parse(src).expect("parses");
    let build = Build::new(&df, &[]).expect("builds");
    build.final_stage().steps[1].args[0].text.clone()
}

#[test]
fn nesting_up_to_the_limit_expands() {
    assert_eq!(label_text(&nested(MAX_NESTING, false)), "v");
    assert_eq!(label_text(&nested(MAX_NESTING, true)), "v");
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
    for quoted in [false, true] {
        for depth in [MAX_NESTING + 1, 100_000] {
            let (message, at) = build_error(&nested(depth, quoted));
            assert_eq!(
                message,
                format!("variable substitutions nested more than {MAX_NESTING} deep")
            );
            assert_eq!(at, Position { line: 2, column: 9 });
        }
    }
}

fn doubling(keyword: &str, lines: usize) -> String {
    let mut src = format!("FROM alpine\n{keyword} a0=xx\n");
    for i in 1..=lines {
        src.push_str(&format!("{keyword} a{i}=$a{}$a{}\n", i - 1, i - 1));
    }
    src
}

#[test]
fn doubling_values_stop_at_the_budget() {
    // a{i} (line i + 2) copies 2 × 2^i bytes: the sum passes 16 MiB at a23.
    let message = format!(
        "variable expansion exceeds {} MiB (ARG/ENV values that repeat each other grow without bound); portcullis stops here",
        EXPANSION_BUDGET >> 20
    );
    for keyword in ["ARG", "ENV"] {
        let (got, at) = build_error(&doubling(keyword, 40));
        assert_eq!(got, message, "{keyword}");
        assert_eq!(
            at,
            Position {
                line: 25,
                column: 9
            },
            "{keyword}"
        );
        // Twenty doublings (4 MiB of copies in all) build.
        let src = doubling(keyword, 20);
        let df = parse(&src).expect("parses");
        let build = Build::new(&df, &[]).expect("builds");
        let last = build.final_stage().steps.last().expect("step");
        assert_eq!(last.args[0].text.len(), 2 << 20, "{keyword}");
    }
}

#[test]
fn a_stage_environment_inherited_many_times_is_charged() {
    // 40 ENV values of 256 KiB (10 MiB, under the budget) inherited by a
    // chain of stages: each inheritance copies only names.
    let big = "x".repeat(256 << 10);
    let mut src = String::from("FROM alpine AS s0\n");
    for i in 0..40 {
        src.push_str(&format!("ENV e{i}=\"{big}\"\n"));
    }
    for i in 1..2_000 {
        src.push_str(&format!("FROM s{} AS s{i}\n", i - 1));
    }
    src.push_str("LABEL last=$e39\n");
    let df = parse(&src).expect("parses");
    let build = Build::new(&df, &[]).expect("builds");
    assert_eq!(build.stages.len(), 2_000);
    assert_eq!(build.final_stage().steps[1].args[0].text.len(), 256 << 10);
}

#[test]
fn nested_onbuild_is_refused_before_it_recurses() {
    let src = format!("FROM alpine\n{}RUN x\n", "ONBUILD ".repeat(100_000));
    let e = parse(&src).expect_err("refused");
    assert_eq!(e.message, "ONBUILD isn't allowed as an ONBUILD trigger");
    assert_eq!(
        error_position(src.as_bytes(), &e),
        Position { line: 2, column: 9 }
    );
}

#[test]
fn a_bad_substitution_message_quotes_a_bounded_excerpt() {
    let src = format!(
        "FROM alpine\nENV a=\"\"\nLABEL x=${{a:?{}}}\n",
        "w".repeat(100_000)
    );
    let (message, _) = build_error(&src);
    assert_eq!(message, format!("a: {}…", "w".repeat(80)));
}

// --- sizes that were quadratic: each runs in well under a second now ---

#[test]
fn many_distinct_undefined_variables_in_one_label() {
    let vars: String = (0..100_000).map(|i| format!("$v{i}")).collect();
    let src = format!("FROM alpine\nLABEL x=\"{vars}\"\n");
    let df = parse(&src).expect("parses");
    let build = Build::new(&df, &[]).expect("builds");
    let value = &build.final_stage().steps[1].args[0];
    assert_eq!(value.unresolved.len(), 100_000);
    assert_eq!(value.unresolved[99_999].name, "v99999");
}

#[test]
fn long_arg_and_env_chains() {
    let mut src = String::from("FROM alpine\n");
    for i in 0..200_000 {
        src.push_str(&format!("ARG a{i}=v\n"));
    }
    src.push_str("ENV e0=v\n");
    for i in 1..200_000 {
        src.push_str(&format!("ENV e{i}=$e{}\n", i - 1));
    }
    let df = parse(&src).expect("parses");
    let build = Build::new(&df, &[]).expect("builds");
    let last = build.final_stage().steps.last().expect("step");
    assert_eq!(last.args[0].text, "v");
}

#[test]
fn a_long_from_chain() {
    let mut src = String::from("FROM alpine AS s0\n");
    for i in 1..100_000 {
        src.push_str(&format!("FROM s{} AS s{i}\n", i - 1));
    }
    let df = parse(&src).expect("parses");
    let build = Build::new(&df, &[]).expect("builds");
    assert_eq!(build.final_stage().base, Base::Stage(99_998));
}

#[test]
fn many_global_args() {
    let mut src = String::new();
    for i in 0..100_000 {
        src.push_str(&format!("ARG g{i}=v\n"));
    }
    src.push_str("FROM alpine\nARG g99999\nLABEL x=$g99999\n");
    let df = parse(&src).expect("parses");
    let build = Build::new(&df, &[]).expect("builds");
    assert_eq!(build.final_stage().steps[2].args[0].text, "v");
}

#[test]
fn messages_quote_bounded_excerpts() {
    let long = "X".repeat(100_000);
    let e = parse(&format!("FROM alpine\n{long} a\n")).expect_err("unknown");
    assert_eq!(
        e.message,
        format!("unknown instruction: {}…", "X".repeat(80))
    );
    let e = parse(&format!("FROM alpine\nCOPY --{long}=1 a b\n")).expect_err("flag");
    assert_eq!(
        e.message,
        format!("unknown flag --{}… for COPY", "X".repeat(80))
    );
    let e = parse(&format!("FROM alpine AS a{long}\n")).map(|_| ());
    assert!(e.is_ok(), "a long valid stage name is a name");
    let e = parse(&format!("FROM alpine AS 1{long}\n")).expect_err("stage");
    assert_eq!(
        e.message,
        format!(
            "invalid name for build stage: \"1{}…\", name can't start with a number or contain symbols",
            "X".repeat(79)
        )
    );
}
