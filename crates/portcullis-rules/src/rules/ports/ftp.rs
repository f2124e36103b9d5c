super::port_rule! {
    code: "SQ40103", name: "exposed-ftp-port", service: "FTP",
    ports: &[(21, "tcp")],
    daemons: &["vsftpd", "proftpd", "pure-ftpd", "pure-ftpd-wrapper", "in.ftpd", "ftpd"],
    init_names: &["vsftpd", "proftpd", "pure-ftpd"],
    what_extra: "21/tcp",
    why: "FTP sends credentials and data in clear text and its servers have a long record of remote exploits. A container that offers FTP invites password sniffing and brute force against a service nobody is watching.",
    bad: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y vsftpd\nEXPOSE 21\nCMD [\"vsftpd\"]\n",
    good: "FROM debian:bookworm\nCOPY app /usr/local/bin/app\nEXPOSE 8080\nCMD [\"app\"]\n",
}
