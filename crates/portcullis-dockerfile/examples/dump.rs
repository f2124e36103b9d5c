//! Print the parse tree of a Dockerfile (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump DOCKERFILE");
    let bytes = std::fs::read(&path).expect("read");
    match portcullis_dockerfile::parse_bytes(&bytes) {
        Ok(df) => {
            for i in df.instructions() {
                let p = df.position(i.keyword_span.start);
                println!(
                    "{}:{} {} flags={:?} args={:?} heredocs={:?}",
                    p.line, p.column, i.keyword, i.flags, i.args, i.heredocs
                );
            }
            match portcullis_dockerfile::Build::new(&df, &[]) {
                Ok(b) => {
                    for s in &b.stages {
                        println!("stage {} {:?} base={:?}", s.index, s.name, s.base);
                        for st in &s.steps {
                            println!(
                                "   {} {:?}",
                                st.instruction.keyword,
                                st.args
                                    .iter()
                                    .map(|v| (&v.text, &v.unresolved))
                                    .collect::<Vec<_>>()
                            );
                        }
                    }
                }
                Err(e) => println!(
                    "build error {:?} at {:?}",
                    e.message,
                    df.position(e.span.start)
                ),
            }
        }
        Err(e) => println!(
            "error {} at {:?}",
            e.message,
            portcullis_dockerfile::error_position(&bytes, &e)
        ),
    }
}
