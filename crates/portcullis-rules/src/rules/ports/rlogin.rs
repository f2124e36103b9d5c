super::port_rule! {
    code: "SQ40106", name: "exposed-rlogin-port", service: "rlogin",
    ports: &[(513, "tcp")],
    daemons: &["in.rlogind", "rlogind"],
    init_names: &["rlogind"],
    what_extra: "513/tcp; 513/udp is the unrelated `who` service",
    why: "rlogin trusts the client's claimed host and user name (`.rhosts`), sends everything in clear text, and is trivially spoofed.",
    bad: "FROM debian:bookworm\nEXPOSE 513\n",
    good: "FROM debian:bookworm\nEXPOSE 8443\n",
}
