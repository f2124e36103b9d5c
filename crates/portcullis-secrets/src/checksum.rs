//! Checksums embedded in tokens: CRC32 in base 62 (GitHub, npm), in base 36
//! (GitLab's routable tokens), in hex (Cloudflare, Grafana, Atlassian), and
//! the bech32 checksum of age secret keys.
//!
//! Every function here is allocation-free and works on the token's bytes;
//! the validators in [`crate::tokens`] decide which part of a token each
//! checksum covers, and [`crate::fake`] uses the same functions to build
//! tokens whose checksums are valid.

/// The base-62 digits GitHub and npm use: digits, then upper case, then
/// lower case (checked against published, since-revoked tokens: the
/// checksum of their random part only matches in this order).
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE 802.3, the polynomial zlib uses).
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// `n` in base 62, left-padded with `0` to six digits (62^6 > 2^32, so
/// every `u32` fits).
pub fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// The six checksum characters of a GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`,
/// `ghr_`) or npm (`npm_`) token: the CRC32 of the random part, in base 62.
///
/// GitHub's blog post ("Behind GitHub's new authentication token formats",
/// 2021) and npm's ("Announcing npm's new access token format", 2021) say
/// the last six characters are a base-62 CRC32; which bytes it covers is
/// not written there. Public, since-revoked tokens settle it: the random
/// part only, without the prefix (the 30 characters of a 36-character body,
/// the first 70 of a 76-character `ghr_` body).
pub fn github(random: &[u8]) -> [u8; 6] {
    base62_6(crc32(random))
}

/// Whether `body` (a token without its prefix) ends with the GitHub/npm
/// checksum of the rest of it.
pub fn github_ok(body: &[u8]) -> bool {
    if body.len() <= 6 {
        return false;
    }
    let (random, check) = body.split_at(body.len() - 6);
    github(random) == check
}

/// `n` in lower-case base 36, left-padded with `0` to `N` digits; `None`
/// when it needs more than `N` digits.
pub fn base36<const N: usize>(mut n: u64) -> Option<[u8; N]> {
    let mut out = [b'0'; N];
    for slot in out.iter_mut().rev() {
        *slot = BASE36[(n % 36) as usize];
        n /= 36;
    }
    (n == 0).then_some(out)
}

/// The value of lower-case base-36 digits; `None` for any other byte or
/// an overflow.
pub fn parse_base36(digits: &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for &d in digits {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'z' => d - b'a' + 10,
            _ => return None,
        };
        n = n.checked_mul(36)?.checked_add(u64::from(v))?;
    }
    Some(n)
}

/// The seven checksum characters of a GitLab routable token: the CRC32 of
/// everything before them (prefix, payload, `.01.` and the length field),
/// in lower-case base 36 padded to seven (GitLab's
/// `Authn::TokenField::Generator::RoutableToken`).
pub fn gitlab_routable(covered: &[u8]) -> [u8; 7] {
    // u32::MAX is "1z141z3" in base 36: seven digits always suffice.
    base36::<7>(u64::from(crc32(covered))).unwrap_or([b'0'; 7])
}

/// Whether a whole GitLab routable token ends with the checksum of the
/// rest of it.
pub fn gitlab_routable_ok(token: &[u8]) -> bool {
    if token.len() <= 7 {
        return false;
    }
    let (covered, check) = token.split_at(token.len() - 7);
    gitlab_routable(covered) == check
}

fn hex8(n: u32, digits: &[u8; 16]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = digits[((n >> (28 - 4 * i)) & 0xf) as usize];
    }
    out
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The eight checksum characters of a Cloudflare `cfk_`/`cfut_`/`cfat_`
/// credential: the CRC32 of the 40 random characters in lower-case hex
/// (Cloudflare docs, "Token formats", say 40 characters and a checksum;
/// which CRC, over what, and its spelling were checked against a
/// published token).
pub fn cloudflare(random: &[u8]) -> [u8; 8] {
    hex8(crc32(random), HEX_LOWER)
}

/// The eight checksum characters of a Grafana service account token
/// (`glsa_<32>_<8>`): the CRC32 of `glsa_` and the secret, its four bytes
/// little-endian, in lower-case hex (Grafana's satokengen format, checked
/// against published tokens).
pub fn grafana(prefix_and_secret: &[u8]) -> [u8; 8] {
    hex8(crc32(prefix_and_secret).swap_bytes(), HEX_LOWER)
}

/// The eight checksum characters that end an Atlassian API token
/// (`ATATT3…=<8>`): the CRC32 of everything before them, the `=` included,
/// in upper-case hex (checked against published tokens).
pub fn atlassian(covered: &[u8]) -> [u8; 8] {
    hex8(crc32(covered), HEX_UPPER)
}

/// Bech32 (BIP 173), as age uses it for `AGE-SECRET-KEY-1…` (age spec,
/// C2SP: "the secret key is Bech32-encoded with HRP `AGE-SECRET-KEY-`,
/// upper case").
pub mod bech32 {
    /// The 32 data characters, in value order.
    pub const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];

    fn step(chk: u32, v: u8) -> u32 {
        let top = chk >> 25;
        let mut chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
        chk
    }

    fn hrp_state(hrp: &[u8]) -> u32 {
        let mut chk = 1;
        for &c in hrp {
            chk = step(chk, c.to_ascii_lowercase() >> 5);
        }
        chk = step(chk, 0);
        for &c in hrp {
            chk = step(chk, c.to_ascii_lowercase() & 31);
        }
        chk
    }

    /// The 5-bit value of a data character, either case.
    pub fn value(c: u8) -> Option<u8> {
        let c = c.to_ascii_lowercase();
        CHARSET.iter().position(|&x| x == c).map(|p| p as u8)
    }

    /// Whether `data` (the characters after the `1` separator, checksum
    /// included, either case) is a valid bech32 string for `hrp`.
    pub fn verify(hrp: &[u8], data: &[u8]) -> bool {
        if data.len() < 6 {
            return false;
        }
        let mut chk = hrp_state(hrp);
        for &c in data {
            match value(c) {
                Some(v) => chk = step(chk, v),
                None => return false,
            }
        }
        chk == 1
    }

    /// The six checksum values (not characters) for `hrp` and the 5-bit
    /// `values` of the data part.
    pub fn checksum(hrp: &[u8], values: &[u8]) -> [u8; 6] {
        let mut chk = hrp_state(hrp);
        for &v in values {
            chk = step(chk, v);
        }
        for _ in 0..6 {
            chk = step(chk, 0);
        }
        chk ^= 1;
        let mut out = [0u8; 6];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = ((chk >> (5 * (5 - i))) & 31) as u8;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::bech32::checksum;
    use super::*;

    // Vectors computed independently (Python's zlib.crc32 and a base-62
    // encoder written from the description above).
    #[test]
    fn github_checksum_vectors() {
        assert_eq!(&github(&[b'a'; 30]), b"1yLcDB");
        assert_eq!(crc32(b"Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e"), 3_552_318_696);
        assert_eq!(&github(b"Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e"), b"3sPAMq");
        assert_eq!(&base62_6(0), b"000000");
        assert!(github_ok(b"Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e3sPAMq"));
        assert!(!github_ok(b"Zx8K2mPq9vLw4nRt7yHs3jFd6gBc1e3sPAMr"));
        assert!(!github_ok(b"3sPAMq"));
    }

    #[test]
    fn base36_round_trip_and_bounds() {
        assert_eq!(base36::<7>(u64::from(u32::MAX)), Some(*b"1z141z3"));
        assert_eq!(base36::<2>(27), Some(*b"0r"));
        assert_eq!(base36::<2>(36 * 36), None);
        assert_eq!(parse_base36(b"0r"), Some(27));
        assert_eq!(parse_base36(b"0R"), None);
    }

    #[test]
    fn gitlab_routable_vector() {
        // 16 bytes 0..16, payload "o:1", its length byte; base64url, no
        // padding; computed independently.
        let token = b"glpat-AAECAwQFBgcICQoLDA0OD286MQM.01.0r0hrjm3p";
        assert!(gitlab_routable_ok(token));
        let mut bad = *token;
        bad[10] = b'B';
        assert!(!gitlab_routable_ok(&bad));
    }

    #[test]
    fn hex_checksums() {
        assert_eq!(&cloudflare(&[b'U'; 40]), b"7c28ef30");
        // Byte order: Grafana writes the CRC little-endian, Atlassian
        // big-endian and upper case.
        let c = crc32(b"glsa_x");
        assert_eq!(grafana(b"glsa_x"), hex8(c.swap_bytes(), HEX_LOWER));
        assert_eq!(atlassian(b"x="), hex8(crc32(b"x="), HEX_UPPER));
    }

    #[test]
    fn bech32_checksum_verifies() {
        let hrp = b"age-secret-key-";
        let values: Vec<u8> = (0..52u16).map(|i| ((i * 7) % 32) as u8).collect();
        let check = checksum(hrp, &values);
        let data: Vec<u8> = values
            .iter()
            .chain(check.iter())
            .map(|&v| bech32::CHARSET[v as usize].to_ascii_uppercase())
            .collect();
        assert!(bech32::verify(b"AGE-SECRET-KEY-", &data));
        let mut bad = data.clone();
        bad[3] = if bad[3] == b'Q' { b'P' } else { b'Q' };
        assert!(!bech32::verify(hrp, &bad));
    }
}
