//! Property tests: the parse tree prints back to the input byte for byte, the
//! items tile the input, spans nest inside their instruction, and no input
//! makes the parser panic.

use portcullis_dockerfile::{parse, Build, Item};
use proptest::prelude::*;

/// Lines from real Dockerfiles and their edge cases, to stitch together.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM debian:bookworm AS base".to_owned()),
        Just("FROM base".to_owned()),
        Just("# syntax=docker/dockerfile:1".to_owned()),
        Just("# escape=`".to_owned()),
        Just("# a comment".to_owned()),
        Just(String::new()),
        Just("   ".to_owned()),
        Just("RUN apt-get update && \\".to_owned()),
        Just("RUN echo a `".to_owned()),
        Just("    apt-get install -y curl".to_owned()),
        Just("RUN <<EOF".to_owned()),
        Just("RUN <<-EOT cat > /x && cat <<\"E2\"".to_owned()),
        Just("EOF".to_owned()),
        Just("\tEOT".to_owned()),
        Just("E2".to_owned()),
        Just("CMD [\"a\", \"b\"]".to_owned()),
        Just("CMD ['a']".to_owned()),
        Just("ENTRYPOINT [\"x\", 1]".to_owned()),
        Just("COPY --from=base --chmod=4755 a b /c/".to_owned()),
        Just("ADD https://example.com/x.tar.gz /".to_owned()),
        Just("ENV A=1 B=\"two words\" C=${A:-x}".to_owned()),
        Just("ARG U".to_owned()),
        Just("USER $U".to_owned()),
        Just("EXPOSE 22 8000-8010/udp".to_owned()),
        Just("HEALTHCHECK --interval=5s CMD true".to_owned()),
        Just("HEALTHCHECK NONE".to_owned()),
        Just("ONBUILD RUN x".to_owned()),
        Just("WORKDIR /app".to_owned()),
        Just("LABEL a=b".to_owned()),
        Just("onbuild copy . .".to_owned()),
        "[ -~\t]{0,30}",
        "\\PC{0,12}",
    ]
}

fn dockerfile() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..25),
        prop::sample::select(vec!["\n", "\r\n"]),
        any::<bool>(),
    )
        .prop_map(|(lines, nl, trailing)| {
            let mut s = lines.join(nl);
            if trailing {
                s.push_str(nl);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parse_prints_back_byte_for_byte(src in dockerfile()) {
        if let Ok(df) = parse(&src) {
            prop_assert_eq!(df.to_source(), src.clone());
            let mut at = 0;
            for item in &df.items {
                let span = item.span();
                prop_assert_eq!(span.start, at, "items must be contiguous");
                prop_assert!(span.end > span.start, "items are not empty");
                at = span.end;
                if let Item::Instruction(i) = item {
                    prop_assert!(i.keyword_span.start >= span.start && i.keyword_span.end <= span.end);
                    for f in &i.flags {
                        prop_assert!(f.span.start >= i.keyword_span.end && f.span.end <= span.end);
                    }
                    prop_assert!(i.args_span.start >= i.keyword_span.end && i.args_span.end <= span.end);
                    for h in &i.heredocs {
                        prop_assert!(h.body.start >= i.args_span.end && h.terminator.end <= span.end);
                    }
                }
            }
            prop_assert_eq!(at, src.len());
            let _ = Build::new(&df, &[]);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        if let Ok(df) = parse(&src) {
            let _ = Build::new(&df, &[]);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(df) = portcullis_dockerfile::parse_bytes(&bytes) {
            let _ = Build::new(&df, &[]);
        }
    }
}
