//! Published private keys (SQ34101): the SHA-256 of each one's decoded PEM
//! body, and where it is published. Only fingerprints are kept here, never
//! the keys.

/// One published key.
pub(super) struct Known {
    pub(super) body_sha256: [u8; 32],
    pub(super) source: &'static str,
}

const fn hex(s: &str) -> [u8; 32] {
    let s = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not a lowercase hex digit"),
    }
}

/// Each fingerprint was computed here, with [`super::pem_block`], from the
/// published file (and for the PKCS#8 forms from OpenSSL's conversion of it).
pub(super) const KNOWN: &[Known] = &[
    // PKCS#1 `RSA PRIVATE KEY`; unchanged since 2011
    Known {
        body_sha256: hex("56fb5326a1d72a4080d4870034ecac85b4ae1159f84b9bc458d46327083921e0"),
        source: "Vagrant's insecure RSA key (github.com/hashicorp/vagrant keys/vagrant, also keys/vagrant.key.rsa)",
    },
    // the same key as `PRIVATE KEY` (`openssl pkcs8 -topk8 -nocrypt`, a deterministic encoding)
    Known {
        body_sha256: hex("2832688da596d74a9ef2ff63cdb8d7f45b15ddba225e04ab344457801408be72"),
        source: "Vagrant's insecure RSA key as PKCS#8 (github.com/hashicorp/vagrant keys/vagrant, converted)",
    },
    // `OPENSSH PRIVATE KEY`, added in b40f6e5fd (2023)
    Known {
        body_sha256: hex("c68c1b1e6727cd0ed7cf48b926e4d0ae7608a90b178406fe505bb359355baa93"),
        source: "Vagrant's insecure Ed25519 key (github.com/hashicorp/vagrant keys/vagrant.key.ed25519)",
    },
    // PKCS#1 `RSA PRIVATE KEY`, 9adbd42
    Known {
        body_sha256: hex("5de4a2f5ec921b8221a03c2099f19e95b704c4923386834fd61e036c87976d10"),
        source: "phusion/baseimage-docker's insecure SSH key (github.com/phusion/baseimage-docker image/services/sshd/keys/insecure_key)",
    },
    // the same key as `PRIVATE KEY` (`openssl pkcs8 -topk8 -nocrypt`)
    Known {
        body_sha256: hex("4249708d84f85796a09ca148456ec47be8ea976af23b93468e57d977b16d9fad"),
        source: "phusion/baseimage-docker's insecure SSH key as PKCS#8 (github.com/phusion/baseimage-docker image/services/sshd/keys/insecure_key, converted)",
    },
    // PKCS#1
    Known {
        body_sha256: hex("9c0ba9b4f3e7993a90ff9572fbf1670b80f86ba3843220d8b7f8ecd90aafb54b"),
        source: "Paramiko's test RSA key (github.com/paramiko/paramiko demos/test_rsa.key, tests/_support/rsa.key)",
    },
    // PKCS#1
    Known {
        body_sha256: hex("68849d4d43beb9a9c9abba857efeed225d543d0323b500e7e8c72b61446ee937"),
        source: "Paramiko's demo user RSA key (github.com/paramiko/paramiko demos/user_rsa_key)",
    },
    // SEC1 `EC PRIVATE KEY`
    Known {
        body_sha256: hex("06e7389b22ff4370213b9c1efce39d86166e18a431bcdfbd0636f6f40774cc11"),
        source: "Paramiko's test ECDSA P-256 key (github.com/paramiko/paramiko tests/_support/ecdsa-256.key)",
    },
    // SEC1
    Known {
        body_sha256: hex("361721ece86b2732a41b2a31cea9f47b83f4eaa26e4fcd85049b64e690bc877c"),
        source: "Paramiko's test ECDSA P-384 key (github.com/paramiko/paramiko tests/test_ecdsa_384.key)",
    },
    // SEC1
    Known {
        body_sha256: hex("c6fd92719dc3c79142e0cf934faf8f9822d62a4fb715b7b803bed9077012642b"),
        source: "Paramiko's test ECDSA P-521 key (github.com/paramiko/paramiko tests/test_ecdsa_521.key)",
    },
    // `OPENSSH PRIVATE KEY`
    Known {
        body_sha256: hex("cd31b2c71ecab6d599bd6f53d14fa54423eeb272d5f6a3f6cc8e0d94b697e9e8"),
        source: "Paramiko's test Ed25519 key (github.com/paramiko/paramiko tests/_support/ed25519.key)",
    },
    // PKCS#8
    Known {
        body_sha256: hex("b1a22da21484690a5c5f5e117f16d237e0b6d02ad00ea9c64cefb99d39ed9c02"),
        source: "Paramiko's test Ed448 key (github.com/paramiko/paramiko tests/_support/ed448.key)",
    },
    // PKCS#1 with `Proc-Type: 4,ENCRYPTED`
    Known {
        body_sha256: hex("e4feee3f7a55cb771d44be1f6725fd74061e3d54c972ddd926a99a054f0e8a73"),
        source: "Paramiko's test RSA key, encrypted with its published passphrase (github.com/paramiko/paramiko tests/test_rsa_password.key)",
    },
    // SEC1 with `Proc-Type: 4,ENCRYPTED`
    Known {
        body_sha256: hex("d886fca5fc87afc7c9423b1bfccb333d8a363eb91ef3308015060f9cb09ea38f"),
        source: "Paramiko's test ECDSA P-256 key, encrypted with its published passphrase (github.com/paramiko/paramiko tests/test_ecdsa_password_256.key)",
    },
    // `OPENSSH PRIVATE KEY`, bcrypt KDF
    Known {
        body_sha256: hex("b2c1ad01558ec9f7165a4ec5fefe8fe6ec5a9880d6e9e7c49ca547fef5bc079a"),
        source: "Paramiko's test Ed25519 key, encrypted with its published passphrase (github.com/paramiko/paramiko tests/test_ed25519_password.key)",
    },
    // PKCS#8 `PRIVATE KEY`; shipped in Tornado's package (tornado/test/).
    Known {
        body_sha256: hex("7029036295be093b969d7976868a4ac00e941046ad620097ebecd118d9d5e47e"),
        source: "Tornado's test TLS key (github.com/tornadoweb/tornado tornado/test/test.key)",
    },
    // PKCS#1; shipped in Twisted's package (twisted/test/).
    Known {
        body_sha256: hex("61454321ddf8dc45d05987cc5ec1d883e1cdf2b0bab1365fe57ec3dd34448195"),
        source: "Twisted's test TLS key (github.com/twisted/twisted src/twisted/test/server.pem, key.pem.no_trailing_newline)",
    },
    // PKCS#1, after the example certificate in the same file.
    Known {
        body_sha256: hex("cbe49ca3e0307324bf7c132244c4bb75f34ccd55af48845a8d1c79ea47ad62f1"),
        source: "Twisted's example server key (github.com/twisted/twisted docs/core/examples/server.pem)",
    },
];

/// Where the key whose decoded PEM body has this SHA-256
/// ([`super::Pem::body_sha256`]) is published, when it is one of the
/// built-in list of published test and insecure keys.
pub fn known_key(body_sha256: &[u8; 32]) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|k| &k.body_sha256 == body_sha256)
        .map(|k| k.source)
}
