//! The ASN.1 structures of PEM bodies: PKCS#8 (plain and encrypted),
//! PKCS#1 RSA, SEC1 EC and DSA private keys, X.509 certificates, and the
//! `DEK-Info` header of traditional encrypted keys.

use super::der::{
    whole, Der, BIT_STRING, CONTEXT_0, CONTEXT_1, CONTEXT_1_PRIMITIVE, INTEGER, OCTET_STRING,
    SEQUENCE,
};

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
const DH_PKCS3: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01];
const DH_X942: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3e, 0x02, 0x01];
const X25519: &[u8] = &[0x2b, 0x65, 0x6e];
const X448: &[u8] = &[0x2b, 0x65, 0x6f];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const ED448: &[u8] = &[0x2b, 0x65, 0x71];

/// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5958): version 0 or
/// 1, an AlgorithmIdentifier, the private key OCTET STRING (itself checked
/// for the algorithms whose inner structure is known), then optional
/// attributes `[0]` and public key `[1]`.
pub(super) fn pkcs8(body: &[u8]) -> bool {
    pkcs8_checked(body).is_some()
}

fn pkcs8_checked(body: &[u8]) -> Option<()> {
    let mut seq = whole(body, SEQUENCE)?.inner();
    let version = seq.small()?;
    if version > 1 {
        return None;
    }
    let algorithm = algorithm_identifier(&mut seq)?;
    let key = seq.expect(OCTET_STRING)?.value;
    seq.optional(CONTEXT_0);
    if version == 1 && seq.optional(CONTEXT_1_PRIMITIVE).is_none() {
        seq.optional(CONTEXT_1);
    }
    if !seq.is_empty() {
        return None;
    }
    let inner_ok = match algorithm {
        RSA_ENCRYPTION | RSASSA_PSS => pkcs1(key),
        EC_PUBLIC_KEY => sec1(key),
        DSA | DH_PKCS3 | DH_X942 => {
            let mut der = Der::new(key);
            der.unsigned().is_some_and(|x| !x.is_empty()) && der.is_empty()
        }
        X25519 | ED25519 => curve_private(key, 32),
        X448 => curve_private(key, 56),
        ED448 => curve_private(key, 57),
        // Another algorithm (post-quantum, GOST, …): a non-empty key.
        _ => !key.is_empty(),
    };
    inner_ok.then_some(())
}

/// RFC 8410 `CurvePrivateKey`: an OCTET STRING of the curve's length.
fn curve_private(key: &[u8], len: usize) -> bool {
    whole(key, OCTET_STRING).is_some_and(|k| k.value.len() == len)
}

/// `AlgorithmIdentifier ::= SEQUENCE { OID, parameters ANY OPTIONAL }`:
/// the OID.
fn algorithm_identifier<'a>(der: &mut Der<'a>) -> Option<&'a [u8]> {
    let mut alg = der.expect(SEQUENCE)?.inner();
    let oid = alg.oid()?;
    if !alg.is_empty() {
        alg.next()?;
    }
    alg.is_empty().then_some(oid)
}

/// PKCS#1 `RSAPrivateKey`: version 0 and the nine INTEGERs of a two-prime
/// key (n = p·q is checked for keys of up to 16,384 bits), or version 1
/// with `otherPrimeInfos`.
pub(super) fn pkcs1(body: &[u8]) -> bool {
    pkcs1_checked(body).is_some()
}

fn pkcs1_checked(body: &[u8]) -> Option<()> {
    let mut seq = whole(body, SEQUENCE)?.inner();
    let version = seq.small()?;
    let n = seq.unsigned()?;
    let e = seq.unsigned()?;
    let mut rest = [&[][..]; 6];
    for slot in &mut rest {
        *slot = seq.unsigned()?;
    }
    let [d, p, q, dp, dq, qinv] = rest;
    match version {
        0 => {}
        1 => {
            seq.expect(SEQUENCE)?;
        }
        _ => return None,
    }
    if !seq.is_empty() {
        return None;
    }
    // n of at least 256 bits, e odd and > 1, no zero parameter.
    let e_odd = e.last().is_some_and(|&b| b & 1 == 1) && e != [1];
    if n.len() < 32 || !e_odd || [d, p, q, dp, dq, qinv].iter().any(|x| x.is_empty()) {
        return None;
    }
    if version == 0 && p.len() <= 1024 && q.len() <= 1024 && !product_is(n, p, q) {
        return None;
    }
    Some(())
}

/// SEC1 `ECPrivateKey` (RFC 5915): version 1, the private key octets,
/// optional `[0]` parameters and `[1]` public key.
pub(super) fn sec1(body: &[u8]) -> bool {
    sec1_checked(body).is_some()
}

fn sec1_checked(body: &[u8]) -> Option<()> {
    let mut seq = whole(body, SEQUENCE)?.inner();
    if seq.small()? != 1 {
        return None;
    }
    let key = seq.expect(OCTET_STRING)?.value;
    if key.is_empty() || key.len() > 80 || key.iter().all(|&b| b == 0) {
        return None;
    }
    if let Some(params) = seq.optional(CONTEXT_0) {
        let mut params = params.inner();
        params.next()?;
        if !params.is_empty() {
            return None;
        }
    }
    if let Some(public) = seq.optional(CONTEXT_1) {
        let mut public = public.inner();
        public.expect(BIT_STRING)?;
        if !public.is_empty() {
            return None;
        }
    }
    seq.is_empty().then_some(())
}

/// OpenSSL's traditional DSA private key: version 0, p, q, g, y, x.
pub(super) fn dsa(body: &[u8]) -> bool {
    dsa_checked(body).is_some()
}

fn dsa_checked(body: &[u8]) -> Option<()> {
    let mut seq = whole(body, SEQUENCE)?.inner();
    if seq.small()? != 0 {
        return None;
    }
    let mut values = [&[][..]; 5];
    for slot in &mut values {
        *slot = seq.unsigned()?;
    }
    let [p, q, g, y, x] = values;
    if !seq.is_empty() || values.iter().any(|v| v.is_empty()) {
        return None;
    }
    (q.len() < p.len() && g.len() <= p.len() && y.len() <= p.len() && x.len() <= q.len())
        .then_some(())
}

/// PKCS#8 `EncryptedPrivateKeyInfo`: an AlgorithmIdentifier (PBES2,
/// PKCS#12 PBE, …) and the ciphertext, at least one block.
pub(super) fn encrypted_pkcs8(body: &[u8]) -> bool {
    let check = || -> Option<()> {
        let mut seq = whole(body, SEQUENCE)?.inner();
        algorithm_identifier(&mut seq)?;
        let ciphertext = seq.expect(OCTET_STRING)?.value;
        (seq.is_empty() && ciphertext.len() >= 8).then_some(())
    };
    check().is_some()
}

/// An X.509 certificate: `SEQUENCE { tbsCertificate, signatureAlgorithm,
/// signature BIT STRING }`, the TBS starting with its `[0]` version or its
/// serial number. OpenSSL's `TRUSTED CERTIFICATE` appends its trust
/// settings (one more SEQUENCE).
pub(super) fn certificate(body: &[u8], trusted: bool) -> bool {
    let check = || -> Option<()> {
        let mut outer = Der::new(body);
        let mut cert = outer.expect(SEQUENCE)?.inner();
        let mut tbs = cert.expect(SEQUENCE)?.inner();
        // [0] version (absent in v1), serial number.
        tbs.optional(CONTEXT_0);
        tbs.expect(INTEGER)?;
        tbs.expect(SEQUENCE)?;
        algorithm_identifier(&mut cert)?;
        cert.expect(BIT_STRING)?;
        if !cert.is_empty() {
            return None;
        }
        if trusted && !outer.is_empty() {
            outer.expect(SEQUENCE)?;
        }
        outer.is_empty().then_some(())
    };
    check().is_some()
}

/// RFC 1421 `DEK-Info: <cipher>,<hex IV>` as OpenSSL writes it, for a
/// ciphertext of `body_len` bytes: a known cipher, an IV of its block size,
/// and for block modes a whole number of blocks.
pub(super) fn dek_info(value: &[u8], body_len: usize) -> bool {
    let Some(comma) = value.iter().position(|&b| b == b',') else {
        return false;
    };
    let (cipher, iv) = (value.get(..comma), value.get(comma + 1..));
    let (Some(cipher), Some(iv)) = (cipher, iv) else {
        return false;
    };
    let cipher = cipher.trim_ascii().to_ascii_uppercase();
    let iv = iv.trim_ascii();
    let Some((block, whole_blocks)) = cipher_block(&cipher) else {
        return false;
    };
    let iv_ok = iv.len() == 2 * block && iv.iter().all(u8::is_ascii_hexdigit);
    let len_ok = body_len >= block && (!whole_blocks || body_len.is_multiple_of(block));
    iv_ok && len_ok
}

/// The block size of an OpenSSL cipher name (`AES-256-CBC`,
/// `DES-EDE3-CBC`, `BF-CBC`, `CAMELLIA-128-CBC`, …), and whether its mode
/// takes whole blocks (CBC, ECB) rather than a stream (CFB, OFB, CTR).
fn cipher_block(cipher: &[u8]) -> Option<(usize, bool)> {
    let family = cipher.split(|&b| b == b'-').next()?;
    let whole_blocks = match cipher.rsplit(|&b| b == b'-').next()? {
        b"CBC" | b"ECB" => true,
        b"CFB" | b"CFB1" | b"CFB8" | b"OFB" | b"CTR" => false,
        // Names without a mode: `DES-EDE3`, `DES-EDE` (ECB), `DESX` (CBC).
        _ if matches!(cipher, b"DES-EDE3" | b"DES-EDE" | b"DESX") => true,
        _ => return None,
    };
    let block = match family {
        b"DES" | b"DESX" | b"BF" | b"CAST5" | b"CAST" | b"IDEA" | b"RC2" => 8,
        b"AES" | b"CAMELLIA" | b"ARIA" | b"SEED" | b"SM4" => 16,
        _ => return None,
    };
    Some((block, whole_blocks))
}

/// Whether n = p·q, all three big-endian magnitudes.
pub(super) fn product_is(n: &[u8], p: &[u8], q: &[u8]) -> bool {
    let (p, q) = (limbs(p), limbs(q));
    let mut product = vec![0u32; p.len() + q.len()];
    for (i, &a) in p.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &b) in q.iter().enumerate() {
            let Some(slot) = product.get_mut(i + j) else {
                return false;
            };
            let t = u64::from(a) * u64::from(b) + u64::from(*slot) + carry;
            *slot = t as u32;
            carry = t >> 32;
        }
        if let Some(slot) = product.get_mut(i + q.len()) {
            *slot = carry as u32;
        }
    }
    trim(&mut product);
    let mut n = limbs(n);
    trim(&mut n);
    product == n
}

/// Little-endian 32-bit limbs of a big-endian magnitude.
fn limbs(bytes: &[u8]) -> Vec<u32> {
    bytes
        .rchunks(4)
        .map(|chunk| chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
        .collect()
}

fn trim(limbs: &mut Vec<u32>) {
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products() {
        assert!(product_is(&[0x0f], &[3], &[5]));
        assert!(product_is(
            &[0x01, 0x00, 0x00, 0x00, 0x00],
            &[0x01, 0, 0],
            &[0x01, 0, 0]
        ));
        assert!(!product_is(&[0x10], &[3], &[5]));
        // (2^32 - 1)^2 = 0xfffffffe00000001
        let m = [0xff; 4];
        assert!(product_is(&[0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 1], &m, &m));
    }

    #[test]
    fn dek_info_headers() {
        assert!(dek_info(
            b"AES-128-CBC,00112233445566778899AABBCCDDEEFF",
            32
        ));
        assert!(!dek_info(
            b"AES-128-CBC,00112233445566778899AABBCCDDEEFF",
            33
        ));
        assert!(!dek_info(b"AES-128-CBC,0011223344556677", 32));
        assert!(dek_info(b"DES-EDE3-CBC,0011223344556677", 1192));
        assert!(!dek_info(b"DES-EDE3-CBC,00112233445566zz", 1192));
        assert!(!dek_info(b"ROT13-CBC,0011223344556677", 16));
        assert!(!dek_info(b"AES-128-CBC", 16));
    }
}
