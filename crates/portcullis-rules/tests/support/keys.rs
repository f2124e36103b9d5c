//! Private keys made by real tools (ssh-keygen, openssl, gpg) when the tests
//! run, once per run: fixtures hold markers, never keys.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

fn run(program: &str, args: &[&str], dir: &std::path::Path) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (openssh-client, openssl, gnupg): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The key `name` as text: `ed25519` (OpenSSH, unencrypted),
/// `ed25519-encrypted`, `rsa-pem` (`openssl genrsa`, traditional PEM),
/// `pkcs8`, `pkcs8-encrypted`, `cert-and-key` (a self-signed certificate
/// followed by its key), `pgp` (an armored GnuPG secret key).
pub fn key(name: &str) -> String {
    static KEYS: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut keys = keys.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = keys.get(name) {
        return k.clone();
    }
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let read = |file: &str| std::fs::read_to_string(d.join(file)).expect("key file");
    let text = match name {
        "ed25519" => {
            run(
                "ssh-keygen",
                &["-q", "-t", "ed25519", "-N", "", "-f", "k"],
                d,
            );
            read("k")
        }
        "ed25519-encrypted" => {
            run(
                "ssh-keygen",
                &["-q", "-t", "ed25519", "-N", "fixture passphrase", "-f", "k"],
                d,
            );
            read("k")
        }
        "rsa-pem" => {
            run(
                "openssl",
                &["genrsa", "-traditional", "-out", "k.pem", "2048"],
                d,
            );
            read("k.pem")
        }
        "pkcs8" => {
            run(
                "openssl",
                &[
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-out",
                    "k.pem",
                ],
                d,
            );
            read("k.pem")
        }
        "pkcs8-encrypted" => {
            run(
                "openssl",
                &[
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-aes-256-cbc",
                    "-pass",
                    "pass:fixture",
                    "-out",
                    "k.pem",
                ],
                d,
            );
            read("k.pem")
        }
        "cert-and-key" => {
            run(
                "openssl",
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-nodes",
                    "-keyout",
                    "k.pem",
                    "-out",
                    "c.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=fixture",
                ],
                d,
            );
            format!("{}{}", read("c.pem"), read("k.pem"))
        }
        "pgp" => {
            let home = d.join("gnupg");
            std::fs::create_dir(&home).expect("mkdir");
            let home = home.to_string_lossy().into_owned();
            run(
                "gpg",
                &[
                    "--homedir",
                    &home,
                    "--batch",
                    "--passphrase",
                    "",
                    "--quick-gen-key",
                    "Fixture <fixture@example.invalid>",
                    "ed25519",
                    "sign",
                    "1d",
                ],
                d,
            );
            let out = Command::new("gpg")
                .args([
                    "--homedir",
                    &home,
                    "--batch",
                    "--pinentry-mode",
                    "loopback",
                    "--passphrase",
                    "",
                    "--armor",
                    "--export-secret-keys",
                ])
                .output()
                .expect("gpg");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("armor is text")
        }
        other => panic!("no fixture key {other}"),
    };
    keys.insert(name.to_owned(), text.clone());
    text
}
