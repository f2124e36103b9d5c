super::port_rule! {
    code: "SQ40107", name: "exposed-rsh-port", service: "rsh",
    ports: &[(514, "tcp")],
    daemons: &["in.rshd", "rshd"],
    init_names: &["rshd"],
    what_extra: "514/tcp; 514/udp is syslog, which is not reported",
    why: "rsh runs commands for any client whose host and user name it trusts, without a password and in clear text: remote code execution by design.",
    bad: "FROM debian:bookworm\nEXPOSE 514/tcp\n",
    good: "FROM debian:bookworm\n# syslog over UDP is a different service\nEXPOSE 514/udp\n",
}
