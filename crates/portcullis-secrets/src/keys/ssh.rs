//! OpenSSH's own private key format (PROTOCOL.key in the OpenSSH
//! sources): `openssh-key-v1\0`, cipher, KDF, KDF options, the public keys,
//! then the private section, encrypted unless the cipher is `none`.

use super::PemKind;

const MAGIC: &[u8] = b"openssh-key-v1\0";
/// More keys than this in one file is not a key file.
const MAX_KEYS: u32 = 64;

/// SSH wire-format reader: `uint32`, `string` (a `uint32` length then bytes).
struct Wire<'a>(&'a [u8]);

impl<'a> Wire<'a> {
    fn u32(&mut self) -> Option<u32> {
        let (bytes, rest) = self.0.split_at_checked(4)?;
        self.0 = rest;
        Some(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
    }

    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        let (bytes, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(bytes)
    }

    /// An mpint's magnitude (leading zero octets dropped); not negative.
    fn mpint(&mut self) -> Option<&'a [u8]> {
        let bytes = self.string()?;
        if bytes.first().is_some_and(|&b| b & 0x80 != 0) {
            return None;
        }
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        bytes.get(start..)
    }
}

/// `Some(SshPrivate)` for a well-formed key with cipher `none` (equal
/// check-ints, each private key of the type of its public key, the
/// private fields of the known key types and the padding checked),
/// `Some(SshEncrypted)` for a well-formed encrypted one (bcrypt KDF
/// options, a whole number of cipher blocks), `None` otherwise.
pub(super) fn classify(body: &[u8]) -> Option<PemKind> {
    let mut wire = Wire(body.strip_prefix(MAGIC)?);
    let cipher = wire.string()?;
    let kdf = wire.string()?;
    let kdf_options = wire.string()?;
    let count = wire.u32()?;
    if count == 0 || count > MAX_KEYS {
        return None;
    }
    let mut types = Vec::new();
    for _ in 0..count {
        let blob = wire.string()?;
        let key_type = Wire(blob).string()?;
        if key_type.is_empty() || !key_type.iter().all(u8::is_ascii_graphic) {
            return None;
        }
        types.push(key_type);
    }
    let private = wire.string()?;
    let trailing = wire.0;

    if cipher == b"none" {
        if kdf != b"none" || !kdf_options.is_empty() || !trailing.is_empty() {
            return None;
        }
        if !private.len().is_multiple_of(8) || !private_section(private, &types) {
            return None;
        }
        return Some(PemKind::SshPrivate);
    }

    let (block, tag) = cipher_block(cipher)?;
    if kdf != b"bcrypt" {
        return None;
    }
    let mut options = Wire(kdf_options);
    let salt = options.string()?;
    let rounds = options.u32()?;
    if salt.is_empty() || salt.len() > 1024 || rounds == 0 || !options.0.is_empty() {
        return None;
    }
    // The authenticated ciphers append their tag after the section.
    if private.len() < block
        || !private.len().is_multiple_of(block)
        || !(trailing.is_empty() || trailing.len() == tag)
    {
        return None;
    }
    Some(PemKind::SshEncrypted)
}

/// The block size and authentication tag length of an OpenSSH cipher.
fn cipher_block(cipher: &[u8]) -> Option<(usize, usize)> {
    match cipher {
        b"aes128-ctr"
        | b"aes192-ctr"
        | b"aes256-ctr"
        | b"aes128-cbc"
        | b"aes192-cbc"
        | b"aes256-cbc"
        | b"rijndael-cbc@lysator.liu.se" => Some((16, 0)),
        b"aes128-gcm@openssh.com" | b"aes256-gcm@openssh.com" => Some((16, 16)),
        b"chacha20-poly1305@openssh.com" => Some((8, 16)),
        b"3des-cbc" => Some((8, 0)),
        _ => None,
    }
}

/// The decrypted private section: two equal check-ints, one private key
/// per public key (same type) each followed by its comment, then padding
/// 1, 2, 3, … to the block size.
fn private_section(section: &[u8], types: &[&[u8]]) -> bool {
    let mut wire = Wire(section);
    let (Some(check1), Some(check2)) = (wire.u32(), wire.u32()) else {
        return false;
    };
    if check1 != check2 {
        return false;
    }
    for &expected in types {
        let Some(key_type) = wire.string() else {
            return false;
        };
        if key_type != expected {
            return false;
        }
        match private_fields(&mut wire, key_type) {
            Some(true) => {}
            Some(false) => return false,
            // A type whose fields are not known here: checked this far.
            None => return true,
        }
        if wire.string().is_none() {
            return false;
        }
    }
    let padding = wire.0;
    padding.len() < 8 && padding.iter().zip(1u8..).all(|(&b, i)| b == i)
}

/// The private fields of a key of a known type: `Some(valid)`, or `None`
/// for a type not known here.
fn private_fields(wire: &mut Wire<'_>, key_type: &[u8]) -> Option<bool> {
    let valid = match key_type {
        b"ssh-ed25519" => ed25519(wire),
        b"ssh-rsa" => rsa(wire),
        b"ssh-dss" => dss(wire),
        b"ecdsa-sha2-nistp256" | b"ecdsa-sha2-nistp384" | b"ecdsa-sha2-nistp521" => {
            ecdsa(wire, key_type)
        }
        b"sk-ecdsa-sha2-nistp256@openssh.com" => sk_ecdsa(wire),
        b"sk-ssh-ed25519@openssh.com" => sk_ed25519(wire),
        _ => return None,
    };
    Some(valid.unwrap_or(false))
}

fn ed25519(wire: &mut Wire<'_>) -> Option<bool> {
    let public = wire.string()?;
    let secret = wire.string()?;
    // The secret is the seed then the public key.
    Some(public.len() == 32 && secret.len() == 64 && secret.get(32..) == Some(public))
}

fn rsa(wire: &mut Wire<'_>) -> Option<bool> {
    let n = wire.mpint()?;
    let e = wire.mpint()?;
    let d = wire.mpint()?;
    let iqmp = wire.mpint()?;
    let p = wire.mpint()?;
    let q = wire.mpint()?;
    let nonzero = [e, d, iqmp, p, q].iter().all(|x| !x.is_empty());
    let product = p.len() > 1024 || q.len() > 1024 || super::pkcs::product_is(n, p, q);
    Some(nonzero && n.len() >= 32 && product)
}

fn dss(wire: &mut Wire<'_>) -> Option<bool> {
    let mut nonzero = true;
    for _ in 0..5 {
        nonzero &= !wire.mpint()?.is_empty();
    }
    Some(nonzero)
}

fn ecdsa(wire: &mut Wire<'_>, key_type: &[u8]) -> Option<bool> {
    let curve = wire.string()?;
    let point = wire.string()?;
    let d = wire.mpint()?;
    let named = key_type.strip_prefix(b"ecdsa-sha2-") == Some(curve);
    Some(named && point.first() == Some(&4) && !d.is_empty())
}

fn sk_ecdsa(wire: &mut Wire<'_>) -> Option<bool> {
    let curve = wire.string()?;
    let point = wire.string()?;
    let _application = wire.string()?;
    let _flags = wire.u8()?;
    let handle = wire.string()?;
    let _reserved = wire.string()?;
    Some(curve == b"nistp256" && point.first() == Some(&4) && !handle.is_empty())
}

fn sk_ed25519(wire: &mut Wire<'_>) -> Option<bool> {
    let public = wire.string()?;
    let _application = wire.string()?;
    let _flags = wire.u8()?;
    let handle = wire.string()?;
    let _reserved = wire.string()?;
    Some(public.len() == 32 && !handle.is_empty())
}
