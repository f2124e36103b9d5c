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
    applies_to: &[SubjectKind::Dockerfile],
    doc: Doc {
        what: "A `CMD` whose arguments are not a valid JSON array of strings, which Docker runs as `/bin/sh -c \"…\"`. As in Docker, single quotes are not JSON: `CMD ['app']` is shell form.",
        why: "In shell form the shell is the container's main process (PID 1): `docker stop` sends SIGTERM to the shell, which does not forward it, so the application is killed after the timeout instead of shutting down cleanly. It also needs a shell in the image and makes arguments subject to shell parsing.",
        fix: "Use exec form, a JSON array with double quotes: `CMD [\"app\", \"--port\", \"8080\"]`. If you need shell features, put them in a script that ends with `exec \"$@\"`.",
        bad: "FROM alpine:3.20\nCOPY app /app\nCMD /app --port 8080\n",
        good: "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\", \"--port\", \"8080\"]\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    for step in subject.steps.iter().filter(|s| !s.inherited) {
        let Op::Cmd(Command::Shell(arg)) = &step.op else {
            continue;
        };
        // One line, blanks collapsed, long commands shortened.
        let mut text = arg.raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 60 {
            text = text.chars().take(57).collect::<String>() + "…";
        }
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
