super::port_rule! {
    code: "SQ40108", name: "exposed-rdp-port", service: "RDP",
    ports: &[(3389, "tcp"), (3389, "udp")],
    daemons: &["xrdp", "freerdp-shadow-cli"],
    init_names: &["xrdp"],
    what_extra: "3389/tcp and 3389/udp",
    why: "Remote desktop servers are among the most attacked services on the internet; one inside a container exposes a full interactive session behind a password.",
    bad: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y xrdp\nEXPOSE 3389\nCMD [\"xrdp\", \"--nodaemon\"]\n",
    good: "FROM debian:bookworm\nCOPY app /usr/local/bin/app\nEXPOSE 8080\nCMD [\"app\"]\n",
}
