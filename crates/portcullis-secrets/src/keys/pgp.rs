//! OpenPGP (RFC 4880, RFC 9580): the armor checksum and the packets of a
//! transferable secret key.

/// CRC-24 of the armor checksum line (RFC 4880 §6.1).
pub(super) fn crc24(data: &[u8]) -> u32 {
    const INIT: u32 = 0x00b7_04ce;
    const POLY: u32 = 0x0186_4cfb;
    let mut crc = INIT;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= POLY;
            }
        }
    }
    crc & 0x00ff_ffff
}

pub(super) const SECRET_KEY: u8 = 5;
pub(super) const USER_ID: u8 = 13;

/// One packet: its tag and its body.
#[derive(Clone, Copy, Debug)]
pub(super) struct Packet<'a> {
    pub tag: u8,
    pub body: &'a [u8],
}

/// The packet at the start of `data` and what follows it; old and new
/// header formats, definite lengths (a key has no partial or indeterminate
/// lengths).
pub(super) fn packet(data: &[u8]) -> Option<(Packet<'_>, &[u8])> {
    let (&first, rest) = data.split_first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let (tag, len, rest) = if first & 0x40 != 0 {
        let tag = first & 0x3f;
        let (&o1, rest) = rest.split_first()?;
        match o1 {
            0..=191 => (tag, usize::from(o1), rest),
            192..=223 => {
                let (&o2, rest) = rest.split_first()?;
                (
                    tag,
                    ((usize::from(o1) - 192) << 8) + usize::from(o2) + 192,
                    rest,
                )
            }
            255 => {
                let (len, rest) = rest.split_at_checked(4)?;
                (tag, be(len), rest)
            }
            _ => return None,
        }
    } else {
        let tag = (first >> 2) & 0x0f;
        let octets = match first & 3 {
            0 => 1,
            1 => 2,
            2 => 4,
            _ => return None,
        };
        let (len, rest) = rest.split_at_checked(octets)?;
        (tag, be(len), rest)
    };
    if tag == 0 {
        return None;
    }
    let (body, rest) = rest.split_at_checked(len)?;
    Some((Packet { tag, body }, rest))
}

fn be(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
}

/// The public-key algorithms of RFC 4880 / RFC 9580 (and the private /
/// experimental range).
fn known_algorithm(algorithm: u8) -> bool {
    matches!(algorithm, 1..=3 | 16..=22 | 25..=28 | 100..=110)
}

/// A secret-key packet body: version 3 to 6, a known algorithm, and key
/// material after the fixed fields.
fn secret_key_body(body: &[u8]) -> bool {
    let (algorithm, fixed) = match body.first() {
        // version, created (4), validity days (2), algorithm
        Some(3) => (body.get(7), 8),
        // version, created (4), algorithm
        Some(4) => (body.get(5), 6),
        // version, created (4), algorithm, key material length (4)
        Some(5 | 6) => (body.get(5), 10),
        _ => return false,
    };
    algorithm.is_some_and(|&a| known_algorithm(a)) && body.len() > fixed + 2
}

/// Whether `data` is a sequence of whole OpenPGP packets, exactly, the
/// first a secret-key packet; with `user_id`, one of them also a user ID
/// (as every transferable key has).
pub(super) fn secret_keys(data: &[u8], user_id: bool) -> bool {
    let Some((first, mut rest)) = packet(data) else {
        return false;
    };
    if first.tag != SECRET_KEY || !secret_key_body(first.body) {
        return false;
    }
    let mut has_user_id = false;
    while !rest.is_empty() {
        let Some((p, after)) = packet(rest) else {
            return false;
        };
        has_user_id |= p.tag == USER_ID;
        if p.tag == SECRET_KEY && !secret_key_body(p.body) {
            return false;
        }
        rest = after;
    }
    has_user_id || !user_id
}

/// Whether `head` (the first bytes of a file) starts with a secret-key
/// packet header and a version byte.
pub(super) fn looks_like_secret_key(head: &[u8]) -> bool {
    let (version_at, ok) = match head.first() {
        // old format, tag 5, 1/2/4-octet length
        Some(0x94) => (2, true),
        Some(0x95) => (3, true),
        Some(0x96) => (5, true),
        // new format, tag 5
        Some(0xc5) => match head.get(1) {
            Some(0..=191) => (2, true),
            Some(192..=223) => (3, true),
            Some(255) => (6, true),
            _ => (0, false),
        },
        _ => (0, false),
    };
    ok && head.get(version_at).is_some_and(|v| (3..=6).contains(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_of_known_input() {
        // RFC 4880's CRC-24 of the empty string is its initial value; of
        // "123456789" it is 0x21cf02 (the CRC-24/OPENPGP check value).
        assert_eq!(crc24(b""), 0x00b7_04ce);
        assert_eq!(crc24(b"123456789"), 0x0021_cf02);
    }

    #[test]
    fn packet_headers() {
        // old format: tag 5, one-octet length
        let (p, rest) = packet(&[0x94, 0x02, 4, 0, 9]).expect("a packet");
        assert_eq!((p.tag, p.body, rest), (5, &[4, 0][..], &[9][..]));
        // new format: tag 13, two-octet length 192
        let mut new = vec![0xcd, 192, 0];
        new.extend(std::iter::repeat_n(b'a', 192));
        let (p, rest) = packet(&new).expect("a packet");
        assert_eq!((p.tag, p.body.len(), rest.len()), (13, 192, 0));
        // past the end; partial length; indeterminate length
        assert!(packet(&[0x94, 0x05, 4]).is_none());
        assert!(packet(&[0xc5, 0xe0, 4]).is_none());
        assert!(packet(&[0x97, 4]).is_none());
    }
}
