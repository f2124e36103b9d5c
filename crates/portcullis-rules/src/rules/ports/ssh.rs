super::port_rule! {
    code: "SQ40104", name: "exposed-ssh-port", service: "SSH",
    ports: &[(22, "tcp")],
    daemons: &["sshd", "dropbear"],
    init_names: &["ssh", "sshd", "dropbear"],
    what_extra: "22/tcp",
    why: "An SSH server in a container is a second way in that bypasses the orchestrator's access control and audit, usually with keys or passwords baked into the image, and it keeps the container alive as a pet to log into instead of a process to replace.",
    bad: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssh-server\nEXPOSE 22\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n",
    good: "FROM debian:bookworm\nCOPY app /usr/local/bin/app\nEXPOSE 8080\nCMD [\"app\"]\n",
}
