use crate::finding::{Category, Findings, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::{Command, Op, Subject, SubjectKind};

pub static RULE: Rule = Rule {
    code: "SQ41103",
    name: "shell-form-cmd",
    title: "CMD in shell form",
    category: Category::BuildInstructions,
    severity: Severity::Low,
    remediation: "Write CMD as a JSON array of strings with double quotes: CMD [\"executable\", \"arg\"].",
    applies_to: &[SubjectKind::Dockerfile, SubjectKind::Image],
    doc: Doc {
        what: "A `CMD` whose arguments are not a valid JSON array of strings, which Docker runs as `/bin/sh -c \"…\"`. As in Docker, single quotes are not JSON: `CMD ['app']` is shell form. In an image, a config `Cmd` of the form `[\"/bin/sh\", \"-c\", …]` (Windows: `cmd /S /C`), which is what shell form produces.",
        why: "In shell form the shell is the container's main process (PID 1): `docker stop` sends SIGTERM to the shell, which does not forward it, so the application is killed after the timeout instead of shutting down cleanly. It also needs a shell in the image and makes arguments subject to shell parsing.",
        fix: "Use exec form, a JSON array with double quotes: `CMD [\"app\", \"--port\", \"8080\"]`. If you need shell features, put them in a script that ends with `exec \"$@\"`.",
        bad: "FROM alpine:3.20\nCOPY app /app\nCMD /app --port 8080\n",
        good: "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\", \"--port\", \"8080\"]\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    if subject.kind == SubjectKind::Image {
        // What shell form produces in the config: ["/bin/sh", "-c", …] (Windows: cmd /S /C).
        let crate::subject::Setting::Set {
            value: Command::Exec(argv),
            step,
        } = &subject.runtime.cmd
        else {
            return;
        };
        let words: Vec<&str> = argv.iter().map(|a| a.text.as_str()).collect();
        let shell = matches!(words.as_slice(), ["/bin/sh", "-c", ..])
            || matches!(words.as_slice(), [cmd, s, c, ..] if cmd.eq_ignore_ascii_case("cmd") && s.eq_ignore_ascii_case("/S") && c.eq_ignore_ascii_case("/C"));
        if shell {
            let related = step
                .and_then(|i| subject.steps.get(i))
                .map(|s| s.at.location.clone());
            let script: String = words[2..].join(" ");
            out.report_related(
                format!("the config's Cmd runs `{}` through {} {}: the command was written in shell form", shorten(&script), words[0], words[1]),
                crate::Located::new(crate::Location::Config { pointer: "/config/Cmd".into() }),
                related.into_iter().collect(),
            );
        }
        return;
    }
    for step in subject.steps.iter().filter(|s| !s.inherited) {
        let Op::Cmd(Command::Shell(arg)) = &step.op else {
            continue;
        };
        let text = shorten(&arg.raw);
        let text = text.as_str();
        let message = if text.starts_with('[') && text.contains('\'') {
            format!("CMD {text} is shell form: single quotes are not JSON, so it runs through /bin/sh -c")
        } else if text.starts_with('[') {
            format!(
                "CMD {text} is not a valid JSON array of strings, so it runs through /bin/sh -c"
            )
        } else if text.is_empty() {
            "CMD without arguments is shell form".to_owned()
        } else {
            format!("CMD {text} is shell form: it runs through /bin/sh -c, which does not forward signals")
        };
        let at = if text.is_empty() {
            step.at.clone()
        } else {
            arg.at.clone()
        };
        out.report(message, at);
    }
}

/// One line, blanks collapsed, long commands shortened.
fn shorten(command: &str) -> String {
    let text = command.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 60 {
        text.chars().take(57).collect::<String>() + "…"
    } else {
        text
    }
}
