//! Keys and key stores made at test time by the real tools, then read.
//!
//! Needs these Debian packages (a missing tool fails its test, naming the
//! package): `openssh-client` (ssh-keygen), `openssl`, `gnupg` (gpg,
//! gpgconf), `default-jre-headless` (keytool), and `ca-certificates-java`
//! (Debian's `/etc/ssl/certs/java/cacerts`, a dependency of the JRE).
//! Nothing here holds key material: every key is generated in a temporary
//! directory and gone with it.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;

use super::*;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The Debian package of each tool used.
fn package(program: &str) -> &'static str {
    match program {
        "ssh-keygen" => "openssh-client",
        "openssl" => "openssl",
        "gpg" | "gpgconf" => "gnupg",
        "keytool" => "default-jre-headless",
        _ => "?",
    }
}

/// Runs `program args…` in `dir` (with `env`), which must succeed.
fn run_env(dir: &Path, env: &[(&str, &Path)], program: &str, args: &[&str]) -> Vec<u8> {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    for (k, v) in env {
        command.env(k, v);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{program}` is not installed: these tests need the Debian package {}",
            package(program)
        ),
        Err(e) => panic!("cannot run {program}: {e}"),
    };
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Vec<u8> {
    run_env(dir, &[], program, args)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
}

/// Every block of `bytes` that [`pem_block`] reports, with its offset,
/// read the way the scanner does: at each `-----BEGIN `, past a block once
/// found.
fn blocks(bytes: &[u8]) -> Vec<(usize, Pem)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&bytes[at..], armor::BEGIN) {
        let start = at + i;
        match pem_block(&bytes[start..]) {
            Some(pem) => {
                at = start + pem.len;
                out.push((start, pem));
            }
            None => at = start + 1,
        }
    }
    out
}

/// The file is exactly one block, of this kind and label.
#[track_caller]
fn assert_one(bytes: &[u8], kind: PemKind, label: &str) -> Pem {
    let pem = pem_block(bytes).unwrap_or_else(|| {
        panic!(
            "not read as a {label} block:\n{}",
            String::from_utf8_lossy(bytes.get(..200).unwrap_or(bytes))
        )
    });
    assert_eq!((pem.kind, pem.label.as_str()), (kind, label));
    assert_eq!(pem.len, bytes.len(), "the block is the whole file");
    let found = blocks(bytes);
    assert_eq!(found.len(), 1);
    pem
}

/// The decoded body of the one block of a PEM file.
fn body_of(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).expect("PEM is text");
    let b64: String = text
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains(':') && !l.starts_with('='))
        .collect();
    B64.decode(b64.trim()).expect("base64")
}

/// A PEM block of `label` around `body`, 64 characters a line.
fn armor_of(label: &str, body: &[u8]) -> Vec<u8> {
    let b64 = B64.encode(body);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out.into_bytes()
}

/// Every strict prefix of `body` under `label` is refused, and a flipped
/// byte anywhere is read without a panic.
#[track_caller]
fn assert_prefixes_refused(label: &str, body: &[u8]) {
    assert!(pem_block(&armor_of(label, body)).is_some(), "{label} whole");
    for cut in 0..body.len() {
        assert_eq!(
            pem_block(&armor_of(label, &body[..cut])),
            None,
            "{label} cut at {cut}"
        );
    }
    let mut flipped = body.to_vec();
    for i in 0..flipped.len() {
        flipped[i] ^= 0xff;
        let _ = pem_block(&armor_of(label, &flipped));
        flipped[i] ^= 0xff;
    }
}

/// Every strict prefix of a key store is refused; a flipped byte anywhere
/// is read without a panic.
#[track_caller]
fn assert_store_prefixes_refused(path: &str, bytes: &[u8]) {
    for cut in 0..bytes.len() {
        assert_eq!(
            key_store(path.as_bytes(), &bytes[..cut]),
            None,
            "{path} cut at {cut}"
        );
    }
    let mut flipped = bytes.to_vec();
    for i in 0..flipped.len() {
        flipped[i] ^= 0xff;
        let _ = key_store(path.as_bytes(), &flipped);
        flipped[i] ^= 0xff;
    }
}

fn ssh_keygen(dir: &Path, name: &str, args: &[&str], passphrase: &str) -> Vec<u8> {
    let path = dir.join(name);
    let path = path.to_str().expect("a UTF-8 temp path");
    let mut all = vec![
        "-q",
        "-C",
        "test@example.invalid",
        "-N",
        passphrase,
        "-f",
        path,
    ];
    all.extend_from_slice(args);
    run(dir, "ssh-keygen", &all);
    read(dir, name)
}

#[test]
fn ssh_keygen_openssh_format() {
    let dir = tmp();
    let dir = dir.path();
    for (name, args) in [
        ("id_ed25519", &["-t", "ed25519"][..]),
        ("id_rsa", &["-t", "rsa", "-b", "2048"]),
        ("id_ecdsa", &["-t", "ecdsa", "-b", "256"]),
        ("id_ecdsa384", &["-t", "ecdsa", "-b", "384"]),
        ("id_ecdsa521", &["-t", "ecdsa", "-b", "521"]),
    ] {
        let plain = ssh_keygen(dir, name, args, "");
        assert_one(&plain, PemKind::SshPrivate, "OPENSSH PRIVATE KEY");
        let locked = ssh_keygen(dir, &format!("{name}_locked"), args, "correct horse");
        assert_one(&locked, PemKind::SshEncrypted, "OPENSSH PRIVATE KEY");
        // The public key beside it is not a block at all.
        let public = read(dir, &format!("{name}.pub"));
        assert!(blocks(&public).is_empty());
    }
    for name in ["id_ed25519", "id_rsa", "id_ecdsa", "id_ed25519_locked"] {
        assert_prefixes_refused("OPENSSH PRIVATE KEY", &body_of(&read(dir, name)));
    }
    // `-m PEM` keeps the OpenSSH format for Ed25519.
    let ed = ssh_keygen(dir, "ed_pem", &["-t", "ed25519", "-m", "PEM"], "");
    assert_one(&ed, PemKind::SshPrivate, "OPENSSH PRIVATE KEY");
}

#[test]
fn ssh_keygen_pem_and_pkcs8_formats() {
    let dir = tmp();
    let dir = dir.path();
    let cases = [
        (
            "rsa",
            &["-t", "rsa", "-b", "2048", "-m", "PEM"][..],
            "",
            PemKind::Private,
            "RSA PRIVATE KEY",
        ),
        (
            "rsa_enc",
            &["-t", "rsa", "-b", "2048", "-m", "PEM"],
            "pass phrase",
            PemKind::Encrypted,
            "RSA PRIVATE KEY",
        ),
        (
            "ec",
            &["-t", "ecdsa", "-m", "PEM"],
            "",
            PemKind::Private,
            "EC PRIVATE KEY",
        ),
        (
            "ec_enc",
            &["-t", "ecdsa", "-m", "PEM"],
            "pass phrase",
            PemKind::Encrypted,
            "EC PRIVATE KEY",
        ),
        (
            "rsa8",
            &["-t", "rsa", "-b", "2048", "-m", "PKCS8"],
            "",
            PemKind::Private,
            "PRIVATE KEY",
        ),
        (
            "rsa8_enc",
            &["-t", "rsa", "-b", "2048", "-m", "PKCS8"],
            "pass phrase",
            PemKind::Encrypted,
            "ENCRYPTED PRIVATE KEY",
        ),
        (
            "ec8",
            &["-t", "ecdsa", "-m", "PKCS8"],
            "",
            PemKind::Private,
            "PRIVATE KEY",
        ),
    ];
    for (name, args, passphrase, kind, label) in cases {
        let key = ssh_keygen(dir, name, args, passphrase);
        assert_one(&key, kind, label);
    }
    // Public keys exported in PEM forms, and RFC 4716's four-dash armor.
    for format in ["PEM", "PKCS8", "RFC4716"] {
        let public = run(dir, "ssh-keygen", &["-e", "-m", format, "-f", "rsa.pub"]);
        assert!(blocks(&public).is_empty(), "{format} public key");
    }
}

fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    run(dir, "openssl", args)
}

#[test]
fn openssl_private_keys() {
    let dir = tmp();
    let dir = dir.path();
    let o = |args: &[&str]| openssl(dir, args);
    o(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "rsa8.pem",
    ]);
    o(&[
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "pss8.pem",
    ]);
    o(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-out",
        "ec8.pem",
    ]);
    for alg in ["ED25519", "X25519", "ED448", "X448"] {
        o(&["genpkey", "-algorithm", alg, "-out", &format!("{alg}.pem")]);
    }
    o(&["genrsa", "-traditional", "-out", "rsa1.pem", "2048"]);
    o(&[
        "genrsa",
        "-traditional",
        "-aes256",
        "-passout",
        "pass:secret",
        "-out",
        "rsa1_aes.pem",
        "2048",
    ]);
    o(&[
        "rsa",
        "-in",
        "rsa1.pem",
        "-traditional",
        "-des3",
        "-passout",
        "pass:secret",
        "-out",
        "rsa1_des3.pem",
    ]);
    o(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DSA",
        "-pkeyopt",
        "dsa_paramgen_bits:1024",
        "-out",
        "dsa_params.pem",
    ]);
    o(&[
        "genpkey",
        "-paramfile",
        "dsa_params.pem",
        "-out",
        "dsa8.pem",
    ]);
    o(&[
        "pkey",
        "-in",
        "dsa8.pem",
        "-traditional",
        "-out",
        "dsa1.pem",
    ]);
    o(&[
        "pkey",
        "-in",
        "dsa8.pem",
        "-traditional",
        "-aes128",
        "-passout",
        "pass:secret",
        "-out",
        "dsa1_aes.pem",
    ]);
    o(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DH",
        "-pkeyopt",
        "group:ffdhe2048",
        "-out",
        "dh_params.pem",
    ]);
    o(&["genpkey", "-paramfile", "dh_params.pem", "-out", "dh8.pem"]);
    o(&[
        "pkcs8",
        "-topk8",
        "-in",
        "rsa1.pem",
        "-passout",
        "pass:secret",
        "-out",
        "rsa8_pbes2.pem",
    ]);
    o(&[
        "pkcs8",
        "-topk8",
        "-v1",
        "PBE-SHA1-3DES",
        "-in",
        "rsa1.pem",
        "-passout",
        "pass:secret",
        "-out",
        "rsa8_pbes1.pem",
    ]);
    o(&["ec", "-in", "ec8.pem", "-out", "ec1.pem"]);
    o(&[
        "ec",
        "-in",
        "ec8.pem",
        "-aes-128-cbc",
        "-passout",
        "pass:secret",
        "-out",
        "ec1_aes.pem",
    ]);

    let private = [
        ("rsa8.pem", "PRIVATE KEY"),
        ("pss8.pem", "PRIVATE KEY"),
        ("ec8.pem", "PRIVATE KEY"),
        ("ED25519.pem", "PRIVATE KEY"),
        ("X25519.pem", "PRIVATE KEY"),
        ("ED448.pem", "PRIVATE KEY"),
        ("X448.pem", "PRIVATE KEY"),
        ("dsa8.pem", "PRIVATE KEY"),
        ("dh8.pem", "PRIVATE KEY"),
        ("rsa1.pem", "RSA PRIVATE KEY"),
        ("dsa1.pem", "DSA PRIVATE KEY"),
        ("ec1.pem", "EC PRIVATE KEY"),
    ];
    for (file, label) in private {
        assert_one(&read(dir, file), PemKind::Private, label);
    }
    let encrypted = [
        ("rsa1_aes.pem", "RSA PRIVATE KEY"),
        ("rsa1_des3.pem", "RSA PRIVATE KEY"),
        ("dsa1_aes.pem", "DSA PRIVATE KEY"),
        ("ec1_aes.pem", "EC PRIVATE KEY"),
        ("rsa8_pbes2.pem", "ENCRYPTED PRIVATE KEY"),
        ("rsa8_pbes1.pem", "ENCRYPTED PRIVATE KEY"),
    ];
    for (file, label) in encrypted {
        assert_one(&read(dir, file), PemKind::Encrypted, label);
    }
    for (file, label) in [
        ("rsa1.pem", "RSA PRIVATE KEY"),
        ("rsa8.pem", "PRIVATE KEY"),
        ("ec1.pem", "EC PRIVATE KEY"),
        ("ec8.pem", "PRIVATE KEY"),
        ("dsa1.pem", "DSA PRIVATE KEY"),
        ("ED25519.pem", "PRIVATE KEY"),
        ("rsa8_pbes2.pem", "ENCRYPTED PRIVATE KEY"),
    ] {
        assert_prefixes_refused(label, &body_of(&read(dir, file)));
    }
    // Parameters are not keys.
    for file in ["dsa_params.pem", "dh_params.pem"] {
        assert!(blocks(&read(dir, file)).is_empty(), "{file}");
    }
    // `ecparam -genkey` writes the parameters, then the key.
    let both = o(&["ecparam", "-name", "prime256v1", "-genkey"]);
    let found = blocks(&both);
    assert_eq!(found.len(), 1);
    let (start, pem) = &found[0];
    assert_eq!(
        (pem.kind, pem.label.as_str()),
        (PemKind::Private, "EC PRIVATE KEY")
    );
    assert!(both.starts_with(b"-----BEGIN EC PARAMETERS-----\n"));
    assert_eq!(start + pem.len, both.len());
    // The fingerprint is of the decoded body.
    let rsa = read(dir, "rsa1.pem");
    let hash: [u8; 32] = Sha256::digest(body_of(&rsa)).into();
    assert_eq!(pem_block(&rsa).map(|p| p.body_sha256), Some(hash));
    assert_eq!(known_key(&hash), None);
}

#[test]
fn public_keys_requests_and_certificates() {
    let dir = tmp();
    let dir = dir.path();
    let o = |args: &[&str]| openssl(dir, args);
    o(&["genrsa", "-traditional", "-out", "key.pem", "2048"]);
    o(&["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"]);
    o(&[
        "rsa",
        "-in",
        "key.pem",
        "-RSAPublicKey_out",
        "-out",
        "rsapub.pem",
    ]);
    o(&[
        "req", "-new", "-key", "key.pem", "-subj", "/CN=test", "-out", "csr.pem",
    ]);
    o(&[
        "req", "-x509", "-key", "key.pem", "-subj", "/CN=test", "-days", "1", "-out", "cert.pem",
    ]);
    o(&[
        "x509",
        "-in",
        "cert.pem",
        "-trustout",
        "-addtrust",
        "serverAuth",
        "-out",
        "trusted.pem",
    ]);
    for file in ["pub.pem", "rsapub.pem", "csr.pem"] {
        assert!(blocks(&read(dir, file)).is_empty(), "{file}");
    }
    let cert = read(dir, "cert.pem");
    assert_one(&cert, PemKind::Certificate, "CERTIFICATE");
    assert_one(
        &read(dir, "trusted.pem"),
        PemKind::Certificate,
        "TRUSTED CERTIFICATE",
    );
    // A certificate with its key in one file: two blocks, in order.
    let key = read(dir, "key.pem");
    let pair = [cert.as_slice(), &key].concat();
    let found = blocks(&pair);
    let kinds: Vec<_> = found.iter().map(|(at, p)| (*at, p.kind, p.len)).collect();
    assert_eq!(
        kinds,
        vec![
            (0, PemKind::Certificate, cert.len()),
            (cert.len(), PemKind::Private, key.len())
        ]
    );
}

#[test]
fn truncated_fake_and_corrupted_keys_are_not_keys() {
    let dir = tmp();
    let dir = dir.path();
    openssl(dir, &["genrsa", "-traditional", "-out", "key.pem", "2048"]);
    let key = read(dir, "key.pem");
    assert_one(&key, PemKind::Private, "RSA PRIVATE KEY");
    let text = std::str::from_utf8(&key).expect("text");
    let lines: Vec<&str> = text.lines().collect();
    let body_lines = &lines[1..lines.len() - 1];

    // Half the body.
    let half = [
        &lines[..1],
        &body_lines[..body_lines.len() / 2],
        &lines[lines.len() - 1..],
    ]
    .concat()
    .join("\n")
        + "\n";
    assert_eq!(pem_block(half.as_bytes()), None);
    // A README's example.
    let readme = b"-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n";
    assert_eq!(pem_block(readme), None);
    let readme =
        b"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";
    assert_eq!(pem_block(readme), None);
    // A character that is not base64.
    let starred = text.replacen(&body_lines[3][10..11], "*", 1);
    assert_eq!(pem_block(starred.as_bytes()), None);
    // One byte of the modulus changed: still DER, but n ≠ p·q.
    let mut der = body_of(&key);
    assert_eq!(
        der[..12],
        [0x30, 0x82, der[2], der[3], 2, 1, 0, 2, 0x82, 1, 1, 0]
    );
    der[12 + 128] ^= 0x01;
    assert_eq!(pem_block(&armor_of("RSA PRIVATE KEY", &der)), None);
    der[12 + 128] ^= 0x01;
    assert!(pem_block(&armor_of("RSA PRIVATE KEY", &der)).is_some());
    // A length byte changed: not DER.
    der[9] ^= 0x01;
    assert_eq!(pem_block(&armor_of("RSA PRIVATE KEY", &der)), None);
    der[9] ^= 0x01;
    // The body of another label.
    assert_eq!(pem_block(&armor_of("EC PRIVATE KEY", &der)), None);
    assert_eq!(pem_block(&armor_of("PRIVATE KEY", &der)), None);
    // END of another label.
    let other_end = text.replace(
        "-----END RSA PRIVATE KEY-----",
        "-----END EC PRIVATE KEY-----",
    );
    assert_eq!(pem_block(other_end.as_bytes()), None);
    // No END at all.
    let no_end = text.replace("-----END RSA PRIVATE KEY-----\n", "");
    assert_eq!(pem_block(no_end.as_bytes()), None);
    // `Proc-Type: 4,ENCRYPTED` with a DEK-Info not matching the body.
    let fake_encrypted = text.replacen(
        "-----\n",
        "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEE\n\n",
        1,
    );
    assert_eq!(pem_block(fake_encrypted.as_bytes()), None);
}

/// The offset of the private section's first check-int in an
/// `openssh-key-v1` body.
fn ssh_checkint_offset(body: &[u8]) -> usize {
    let u32_at =
        |at: usize| u32::from_be_bytes(body[at..at + 4].try_into().expect("4 bytes")) as usize;
    let mut at = b"openssh-key-v1\0".len();
    for _ in 0..3 {
        at += 4 + u32_at(at);
    }
    let keys = u32_at(at);
    at += 4;
    for _ in 0..keys {
        at += 4 + u32_at(at);
    }
    at + 4
}

#[test]
fn openssh_check_ints_and_corruption() {
    let dir = tmp();
    let dir = dir.path();
    let key = ssh_keygen(dir, "id_ed25519", &["-t", "ed25519"], "");
    let mut body = body_of(&key);
    assert_eq!(
        pem_block(&armor_of("OPENSSH PRIVATE KEY", &body)).map(|p| p.kind),
        Some(PemKind::SshPrivate)
    );
    let at = ssh_checkint_offset(&body);
    assert_eq!(body[at..at + 4], body[at + 4..at + 8], "the two check-ints");
    body[at + 4] ^= 0x40;
    assert_eq!(pem_block(&armor_of("OPENSSH PRIVATE KEY", &body)), None);
    body[at + 4] ^= 0x40;
    // The private section cut short.
    let cut = body.len() - 40;
    assert_eq!(
        pem_block(&armor_of("OPENSSH PRIVATE KEY", &body[..cut])),
        None
    );
    // The magic changed.
    body[0] = b'O';
    assert_eq!(pem_block(&armor_of("OPENSSH PRIVATE KEY", &body)), None);
}

#[test]
fn keys_inside_other_text() {
    let dir = tmp();
    let dir = dir.path();
    let key = ssh_keygen(dir, "id_rsa", &["-t", "rsa", "-b", "2048", "-m", "PEM"], "");
    let text = std::str::from_utf8(&key).expect("text");

    // A JSON string with escaped line breaks (a service-account file).
    let escaped = text.replace('\n', "\\n");
    let json = format!("{{\"type\": \"x\", \"private_key\": \"{escaped}\", \"id\": 1}}");
    let at = json.find("-----BEGIN").expect("BEGIN");
    let pem = pem_block(&json.as_bytes()[at..]).expect("the escaped key");
    assert_eq!((pem.kind, pem.len), (PemKind::Private, escaped.len()));

    // A YAML block scalar: every line indented, the document going on.
    let indented: String = text.lines().map(|l| format!("    {l}\n")).collect();
    let yaml = format!("tls:\n  key: |\n{indented}  other: value\n");
    let at = yaml.find("-----BEGIN").expect("BEGIN");
    let pem = pem_block(&yaml.as_bytes()[at..]).expect("the indented key");
    assert_eq!((pem.kind, pem.len), (PemKind::Private, indented.len() - 4));

    // CRLF line breaks.
    let crlf = text.replace('\n', "\r\n");
    assert_one(crlf.as_bytes(), PemKind::Private, "RSA PRIVATE KEY");

    // Flattened onto one line of an environment variable.
    let flat = text.trim_end().replace('\n', " ");
    let env = format!("KEY=\"{flat}\"\nNEXT=1\n");
    let pem = pem_block(&env.as_bytes()[5..]).expect("the flattened key");
    assert_eq!((pem.kind, pem.len), (PemKind::Private, flat.len()));

    // In a shell script, between other lines; the same key's fingerprint.
    let script = format!(
        "#!/bin/sh\ncat > /root/.ssh/id_rsa <<'EOF'\n{text}EOF\nchmod 600 /root/.ssh/id_rsa\n"
    );
    let found = blocks(script.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1.len, key.len());
    assert_eq!(
        Some(found[0].1.body_sha256),
        pem_block(&key).map(|p| p.body_sha256)
    );
}

#[test]
fn a_million_begin_lines_each_bounded() {
    let line = b"-----BEGIN RSA PRIVATE KEY-----\n";
    let text = line.repeat(1_000_000);
    let mut found = 0;
    for start in (0..text.len()).step_by(line.len()) {
        found += usize::from(pem_block(&text[start..]).is_some());
    }
    assert_eq!(found, 0);
    // The same with base64-looking lines between them.
    let pair =
        b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n";
    let text = pair.repeat(200_000);
    for start in (0..text.len()).step_by(pair.len()) {
        assert_eq!(pem_block(&text[start..]), None);
    }
}

#[test]
fn long_bodies_without_end_are_bounded() {
    let mut text = b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec();
    let line = [b"A".repeat(64).as_slice(), b"\n"].concat();
    while text.len() < 100 << 20 {
        text.extend_from_slice(&line);
    }
    assert_eq!(pem_block(&text), None);
    // An END past MAX_PEM is not looked for.
    text.truncate(MAX_PEM + 1000);
    text.extend_from_slice(b"-----END RSA PRIVATE KEY-----\n");
    assert_eq!(pem_block(&text), None);
}

#[test]
fn ssh_key_paths() {
    for path in [
        "root/.ssh/id_rsa",
        "home/app/.ssh/id_ed25519",
        "home/app/.ssh/deploy_key",
        ".ssh/id_ecdsa",
        "etc/ssh/ssh_host_rsa_key",
        "etc/ssh/ssh_host_ed25519_key",
        "etc/ssh/ssh_host_key",
        "opt/app/keys/id_rsa_ci",
        "etc/dropbear/dropbear_rsa_host_key",
    ] {
        assert!(ssh_key_path(path.as_bytes()), "{path}");
    }
    for path in [
        "root/.ssh/id_rsa.pub",
        "etc/ssh/ssh_host_rsa_key.pub",
        "etc/ssl/private/server.key",
        "app/config/key.pem",
        "etc/ssh/sshd_config",
        "root/.ssh/",
    ] {
        assert!(!ssh_key_path(path.as_bytes()), "{path}");
    }
}

/// The first bytes of a file, as the scanner gives them to `wants_store`.
fn head(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(16)]
}

#[track_caller]
fn assert_store(path: &str, bytes: &[u8], expected: Option<(Code, &str)>) {
    assert!(
        wants_store(path.as_bytes(), head(bytes), bytes.len() as u64),
        "wants_store({path})"
    );
    let found = key_store(path.as_bytes(), bytes);
    assert_eq!(found.as_ref().map(|f| (f.code, f.kind)), expected, "{path}");
    if let Some(found) = found {
        assert_eq!(found.range, 0..bytes.len());
        assert_eq!(found.pair, None);
    }
}

#[test]
fn pkcs12_files() {
    let dir = tmp();
    let dir = dir.path();
    let o = |args: &[&str]| openssl(dir, args);
    o(&[
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-subj", "/CN=test",
        "-days", "1", "-out", "cert.pem",
    ]);
    let export = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            "cert.pem",
            "-passout",
            "pass:secret",
            "-out",
            out,
        ];
        args.extend_from_slice(extra);
        o(&args);
        read(dir, out)
    };
    let key = Some((Code::SQ34107, "pkcs12"));
    // OpenSSL's default: the shrouded key bag in plain data.
    assert_store(
        "app/server.p12",
        &export("both.p12", &["-inkey", "key.pem"]),
        key,
    );
    // A plain key bag, nothing encrypted, no MAC; and a name not saying PKCS#12.
    let plain = export(
        "plain.p12",
        &[
            "-inkey", "key.pem", "-keypbe", "NONE", "-certpbe", "NONE", "-nomac",
        ],
    );
    assert_store("app/server.bin", &plain, key);
    assert_store("app/SERVER.PFX", &plain, key);
    // Certificates only, readable: no key.
    let certs = export("certs.p12", &["-nokeys", "-certpbe", "NONE"]);
    assert_store("app/trust.p12", &certs, None);
    // Certificates only, but encrypted: a trust store in practice (key bags
    // are in plain data wherever OpenSSL, Java or Windows write one), not
    // reported.
    let encrypted = export("certs_enc.p12", &["-nokeys"]);
    assert_store("app/trust_enc.p12", &encrypted, None);
    assert_store_prefixes_refused("app/server.p12", &read(dir, "both.p12"));
    assert_store_prefixes_refused("app/server.p12", &plain);
    // Not a PKCS#12 at all, by the name.
    assert_eq!(key_store(b"app/x.p12", b"not a pkcs12 file"), None);
    // Truncated.
    let both = read(dir, "both.p12");
    assert_eq!(key_store(b"app/server.p12", &both[..both.len() / 2]), None);
}

fn keytool(dir: &Path, args: &[&str]) {
    run(dir, "keytool", args);
}

#[test]
fn java_keystores() {
    let dir = tmp();
    let dir = dir.path();
    let genkeypair = |store: &str, kind: &str| {
        keytool(
            dir,
            &[
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=test",
                "-validity",
                "1",
                "-storetype",
                kind,
                "-keystore",
                store,
                "-storepass",
                "changeit",
                "-keypass",
                "changeit",
            ],
        );
        read(dir, store)
    };
    let java = Some((Code::SQ34107, "java-keystore"));
    let jks = genkeypair("server.jks", "JKS");
    assert!(jks.starts_with(&[0xfe, 0xed, 0xfe, 0xed]));
    assert_store("app/server.jks", &jks, java);
    let jceks = genkeypair("server.jceks", "JCEKS");
    assert!(jceks.starts_with(&[0xce, 0xce, 0xce, 0xce]));
    assert_store("app/server.jceks", &jceks, java);
    // Modern keytool's default: PKCS#12.
    let p12 = genkeypair("server.p12", "PKCS12");
    assert_store("app/keystore", &p12, Some((Code::SQ34107, "pkcs12")));
    // A JCEKS secret key entry.
    keytool(
        dir,
        &[
            "-genseckey",
            "-alias",
            "aes",
            "-keyalg",
            "AES",
            "-keysize",
            "128",
            "-storetype",
            "JCEKS",
            "-keystore",
            "secret.jceks",
            "-storepass",
            "changeit",
            "-keypass",
            "changeit",
        ],
    );
    let secret = read(dir, "secret.jceks");
    assert_store("app/secret.jceks", &secret, java);
    assert_eq!(
        key_store(b"app/secret.jceks", &secret).map(|f| f.what),
        Some("Java keystore (JCEKS) holding a secret key")
    );

    // Trusted certificates only.
    keytool(
        dir,
        &[
            "-exportcert",
            "-rfc",
            "-alias",
            "server",
            "-keystore",
            "server.jks",
            "-storepass",
            "changeit",
            "-file",
            "cert.pem",
        ],
    );
    let import = |store: &str, kind: &str, extra: &[&str]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend_from_slice(&[
            "-importcert",
            "-noprompt",
            "-alias",
            "ca",
            "-file",
            "cert.pem",
            "-storetype",
            kind,
            "-keystore",
            store,
            "-storepass",
            "changeit",
        ]);
        keytool(dir, &args);
        read(dir, store)
    };
    assert_store("app/trust.jks", &import("trust.jks", "JKS", &[]), None);
    // A password-less PKCS#12 trust store (as OpenJDK 18+'s cacerts): the
    // certificates are readable, no key.
    let open = import(
        "trust_open.p12",
        "PKCS12",
        &[
            "-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE",
            "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
        ],
    );
    assert_store("app/trust_open.p12", &open, None);
    // keytool's default PKCS#12 encrypts the certificates: with no key bag
    // in sight it is a trust store, not reported (see key_store).
    let closed = import("trust.p12", "PKCS12", &[]);
    assert_store("app/trust.p12", &closed, None);
    // A truncated keystore is not read.
    assert_store_prefixes_refused("app/server.jks", &jks);
    assert_store_prefixes_refused("app/server.jceks", &jceks);
    assert_store_prefixes_refused("app/keystore", &p12);
}

#[test]
fn debian_java_cacerts_is_not_a_private_key_store() {
    let path = "/etc/ssl/certs/java/cacerts";
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        panic!("{path}: {e}: this test needs the Debian package ca-certificates-java")
    });
    assert!(wants_store(
        &path.as_bytes()[1..],
        head(&bytes),
        bytes.len() as u64
    ));
    assert_eq!(key_store(&path.as_bytes()[1..], &bytes), None);
}

/// A GnuPG home with one Ed25519 / Cv25519 key, made with `passphrase`.
struct Gnupg {
    dir: tempfile::TempDir,
}

impl Gnupg {
    fn new(passphrase: &str) -> Gnupg {
        let dir = tmp();
        let home = dir.path().join("gnupg");
        std::fs::create_dir(&home).expect("mkdir");
        let gnupg = Gnupg { dir };
        gnupg.gpg(&[
            "--quick-gen-key",
            "--passphrase",
            passphrase,
            "Test Key <test@example.invalid>",
            "future-default",
            "default",
            "never",
        ]);
        gnupg
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("gnupg")
    }

    fn gpg(&self, args: &[&str]) -> Vec<u8> {
        let mut all = vec!["--batch", "--pinentry-mode", "loopback", "--no-tty"];
        if !args.contains(&"--passphrase") {
            all.extend_from_slice(&["--passphrase", "test passphrase"]);
        }
        all.extend_from_slice(args);
        run_env(self.dir.path(), &[("GNUPGHOME", &self.home())], "gpg", &all)
    }

    fn key_files(&self) -> Vec<(String, Vec<u8>)> {
        let dir = self.home().join("private-keys-v1.d");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("private-keys-v1.d")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let name = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("a name")
                    .to_string();
                let bytes = std::fs::read(&p).expect("read");
                (format!("root/.gnupg/private-keys-v1.d/{name}"), bytes)
            })
            .collect()
    }
}

impl Drop for Gnupg {
    fn drop(&mut self) {
        // The agent this home started.
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.home())
            .status();
    }
}

#[test]
fn gnupg_keys() {
    for passphrase in ["", "test passphrase"] {
        let gnupg = Gnupg::new(passphrase);
        let files = gnupg.key_files();
        assert_eq!(files.len(), 2, "a primary key and a subkey");
        let gnupg_key = Some((Code::SQ34106, "gnupg-private-key"));
        for (path, bytes) in &files {
            assert_store(path, bytes, gnupg_key);
            // Not under private-keys-v1.d: not read as one.
            assert_eq!(key_store(b"tmp/x.key", bytes), None);
        }

        let armored = gnupg.gpg(&[
            "--passphrase",
            passphrase,
            "--armor",
            "--export-secret-keys",
        ]);
        assert_one(&armored, PemKind::PgpPrivate, "PGP PRIVATE KEY BLOCK");
        // Without its CRC-24 line (optional), still a key; a changed
        // character breaks the CRC.
        let text = String::from_utf8(armored.clone()).expect("text");
        let no_crc: String = text
            .lines()
            .filter(|l| !l.starts_with('='))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_one(
            no_crc.as_bytes(),
            PemKind::PgpPrivate,
            "PGP PRIVATE KEY BLOCK",
        );
        let lines: Vec<&str> = text.lines().collect();
        let body_line = lines
            .iter()
            .position(|l| l.len() == 64)
            .expect("a full body line");
        let mut corrupted: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let c = if corrupted[body_line].as_bytes()[20] == b'A' {
            "B"
        } else {
            "A"
        };
        corrupted[body_line].replace_range(20..21, c);
        let corrupted = corrupted.join("\n") + "\n";
        assert_eq!(pem_block(corrupted.as_bytes()), None);
        // Half of it.
        let half = [&lines[..lines.len() / 2], &lines[lines.len() - 1..]]
            .concat()
            .join("\n")
            + "\n";
        assert_eq!(pem_block(half.as_bytes()), None);

        // The public key block is not a secret.
        let public = gnupg.gpg(&["--armor", "--export"]);
        assert!(public.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assert!(blocks(&public).is_empty());

        // Binary: a secret keyring by its name, or by its content.
        let binary = gnupg.gpg(&["--passphrase", passphrase, "--export-secret-keys"]);
        let keyring = Some((Code::SQ34106, "pgp-secret-keyring"));
        assert_store("root/.gnupg/secring.gpg", &binary, keyring);
        assert_store("srv/backup/signing-key.gpg", &binary, keyring);
        // Cut inside a packet: refused. Cut between packets after the user
        // ID: the secret key packet is whole, still a key.
        let first_packet_end =
            pgp::packet(&binary).map_or(0, |(_, after)| binary.len() - after.len());
        let mut boundaries = Vec::new();
        let mut rest = binary.as_slice();
        let mut seen_user_id = false;
        while let Some((packet, after)) = pgp::packet(rest) {
            seen_user_id |= packet.tag == pgp::USER_ID;
            rest = after;
            if seen_user_id {
                boundaries.push(binary.len() - rest.len());
            }
        }
        assert!(rest.is_empty() && boundaries.len() >= 3, "{boundaries:?}");
        for cut in 0..binary.len() {
            let whole_packets = boundaries.contains(&cut);
            let found = key_store(b"root/.gnupg/secring.gpg", &binary[..cut]).is_some();
            assert_eq!(found, whole_packets, "secring cut at {cut}");
            // Armored, a user ID is not required.
            let armored = pem_block(&armor_of("PGP PRIVATE KEY BLOCK", &binary[..cut]));
            let expected = whole_packets || cut == first_packet_end;
            assert_eq!(armored.is_some(), expected, "armored cut at {cut}");
        }
        let public = gnupg.gpg(&["--export"]);
        assert_eq!(key_store(b"root/.gnupg/pubring.gpg", &public), None);
    }
}

#[test]
fn gnupg_key_file_forms() {
    let store =
        |bytes: &[u8]| key_store(b"root/.gnupg/private-keys-v1.d/0123.key", bytes).map(|f| f.kind);
    let gnupg_key = Some("gnupg-private-key");
    assert_eq!(store(b"(11:private-key(3:rsa(1:n3:abc)))"), gnupg_key);
    assert_eq!(
        store(b"(21:protected-private-key(3:rsa(1:n3:abc)))"),
        gnupg_key
    );
    assert_eq!(store(b"Created: 20240101T000000\nKey: (protected-private-key (ecc (curve Ed25519)\n  (q #40#)))\n"), gnupg_key);
    // A key on a smartcard: only a stub.
    assert_eq!(store(b"(20:shadowed-private-key(3:rsa(1:n3:abc)))"), None);
    assert_eq!(store(b"Key: (shadowed-private-key (rsa (n #00#)))\n"), None);
    assert_eq!(store(b"just text\n"), None);
}

#[test]
fn stores_by_path_and_head() {
    assert!(!wants_store(b"app/readme.txt", b"hello world", 11));
    assert!(wants_store(b"app/x.p12", b"", 10));
    assert!(wants_store(
        b"root/.gnupg/private-keys-v1.d/AB.key",
        b"(",
        10
    ));
    assert!(!wants_store(
        b"root/.gnupg/private-keys-v1.d/AB.key",
        b"(",
        MAX_STORE + 1
    ));
    assert!(wants_store(
        b"x",
        &[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2],
        100
    ));
    assert!(wants_store(
        b"x",
        &[0x30, 0x82, 0x09, 0x99, 0x02, 0x01, 0x03, 0x30],
        100
    ));
    assert!(!wants_store(
        b"x",
        &[0x30, 0x82, 0x09, 0x99, 0x02, 0x01, 0x02, 0x30],
        100
    ));
}

#[test]
fn known_keys_list() {
    assert_eq!(known_key(&[0; 32]), None);
    let mut seen = std::collections::HashSet::new();
    for known in known::KNOWN {
        assert!(
            seen.insert(known.body_sha256),
            "listed twice: {}",
            known.source
        );
        assert_eq!(known_key(&known.body_sha256), Some(known.source));
    }
    assert!(known::KNOWN.len() >= 3);
}
