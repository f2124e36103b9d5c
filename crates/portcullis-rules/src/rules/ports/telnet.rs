super::port_rule! {
    code: "SQ40105", name: "exposed-telnet-port", service: "Telnet",
    ports: &[(23, "tcp")],
    daemons: &["in.telnetd", "telnetd", "utelnetd"],
    init_names: &["telnetd", "inetutils-telnetd"],
    what_extra: "23/tcp",
    why: "Telnet carries logins and sessions in clear text with no server authentication; anyone on the path can read or hijack them.",
    bad: "FROM debian:bookworm\nEXPOSE 23/tcp\n",
    good: "FROM debian:bookworm\nEXPOSE 8080/tcp\n",
}
