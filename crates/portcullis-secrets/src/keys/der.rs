//! A small ASN.1 reader: tag, length (short or long form), value, nested
//! within the bounds of its parent. Strict DER for PEM bodies (definite
//! lengths only); for PKCS#12 also the BER forms some writers use
//! (indefinite lengths, constructed OCTET STRINGs).

use std::borrow::Cow;

pub(super) const SEQUENCE: u8 = 0x30;
pub(super) const SET: u8 = 0x31;
pub(super) const INTEGER: u8 = 0x02;
pub(super) const BIT_STRING: u8 = 0x03;
pub(super) const OCTET_STRING: u8 = 0x04;
pub(super) const OID: u8 = 0x06;
/// `[0]` constructed (EXPLICIT, or IMPLICIT of a constructed type).
pub(super) const CONTEXT_0: u8 = 0xa0;
/// `[1]` constructed.
pub(super) const CONTEXT_1: u8 = 0xa1;
/// `[1]` primitive (an IMPLICIT BIT STRING).
pub(super) const CONTEXT_1_PRIMITIVE: u8 = 0x81;

/// Deeper nesting than this is not a key or a key store.
const MAX_DEPTH: u8 = 24;

/// One element: its tag byte and its content (for an indefinite length,
/// the content without the end-of-contents octets).
#[derive(Clone, Copy, Debug)]
pub(super) struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    ber: bool,
    depth: u8,
}

impl<'a> Tlv<'a> {
    /// A reader over the content of this (constructed) element.
    pub fn inner(&self) -> Der<'a> {
        Der {
            rest: self.value,
            ber: self.ber,
            depth: self.depth.saturating_add(1),
        }
    }

    /// The octets of an OCTET STRING, primitive or (BER) constructed from
    /// primitive or constructed chunks.
    pub fn octets(&self) -> Option<Cow<'a, [u8]>> {
        match self.tag {
            OCTET_STRING => Some(Cow::Borrowed(self.value)),
            0x24 if self.ber => {
                let mut out = Vec::new();
                self.collect_octets(&mut out)?;
                Some(Cow::Owned(out))
            }
            _ => None,
        }
    }

    fn collect_octets(&self, out: &mut Vec<u8>) -> Option<()> {
        let mut chunks = self.inner();
        while !chunks.is_empty() {
            let chunk = chunks.next()?;
            match chunk.tag {
                OCTET_STRING => out.extend_from_slice(chunk.value),
                0x24 => chunk.collect_octets(out)?,
                _ => return None,
            }
        }
        Some(())
    }
}

/// A sequence of elements in a buffer.
#[derive(Clone, Copy, Debug)]
pub(super) struct Der<'a> {
    rest: &'a [u8],
    ber: bool,
    depth: u8,
}

impl<'a> Der<'a> {
    /// Strict DER: definite lengths only.
    pub fn new(buf: &'a [u8]) -> Self {
        Der {
            rest: buf,
            ber: false,
            depth: 0,
        }
    }

    /// BER as PKCS#12 writers use it.
    pub fn ber(buf: &'a [u8]) -> Self {
        Der {
            rest: buf,
            ber: true,
            depth: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element, or `None` when what follows is not a whole one.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Tlv<'a>> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        let (&tag, after_tag) = self.rest.split_first()?;
        // High tag numbers (0x1f) are used by none of the structures read here.
        if tag & 0x1f == 0x1f || tag == 0 {
            return None;
        }
        let (&first, after_len) = after_tag.split_first()?;
        let (value, rest) = if first < 0x80 {
            after_len.split_at_checked(usize::from(first))?
        } else if first == 0x80 {
            // Indefinite length: BER only, constructed only.
            if !self.ber || tag & 0x20 == 0 {
                return None;
            }
            let mut children = Der {
                rest: after_len,
                ber: true,
                depth: self.depth.saturating_add(1),
            };
            loop {
                if children.rest.starts_with(&[0, 0]) {
                    break;
                }
                children.next()?;
            }
            let content_len = after_len.len() - children.rest.len();
            let value = after_len.get(..content_len)?;
            let rest = children.rest.get(2..)?;
            (value, rest)
        } else {
            let octets = usize::from(first & 0x7f);
            if octets > 4 {
                return None;
            }
            let (len_bytes, after) = after_len.split_at_checked(octets)?;
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            after.split_at_checked(len)?
        };
        self.rest = rest;
        Some(Tlv {
            tag,
            value,
            ber: self.ber,
            depth: self.depth,
        })
    }

    /// The next element's content when it has tag `tag`.
    pub fn expect(&mut self, tag: u8) -> Option<Tlv<'a>> {
        let tlv = self.next()?;
        (tlv.tag == tag).then_some(tlv)
    }

    /// The next element when it has tag `tag`; nothing consumed otherwise.
    pub fn optional(&mut self, tag: u8) -> Option<Tlv<'a>> {
        if self.rest.first() == Some(&tag) {
            self.next()
        } else {
            None
        }
    }

    /// The next element is an INTEGER: its magnitude (leading zero octets
    /// dropped), when it is not negative.
    pub fn unsigned(&mut self) -> Option<&'a [u8]> {
        let value = self.expect(INTEGER)?.value;
        let first = *value.first()?;
        if first & 0x80 != 0 {
            return None;
        }
        let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
        value.get(start..)
    }

    /// The next element is a small non-negative INTEGER.
    pub fn small(&mut self) -> Option<u64> {
        let magnitude = self.unsigned()?;
        if magnitude.len() > 8 {
            return None;
        }
        Some(
            magnitude
                .iter()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        )
    }

    /// The next element is an OBJECT IDENTIFIER: its encoded content.
    pub fn oid(&mut self) -> Option<&'a [u8]> {
        let value = self.expect(OID)?.value;
        (!value.is_empty()).then_some(value)
    }
}

/// The one element that is the whole of `buf` (nothing before or after).
pub(super) fn whole(buf: &[u8], tag: u8) -> Option<Tlv<'_>> {
    let mut der = Der::new(buf);
    let tlv = der.expect(tag)?;
    der.is_empty().then_some(tlv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_short_long_and_out_of_bounds() {
        let mut der = Der::new(&[0x04, 0x02, 1, 2, 0x04, 0x81, 0x01, 9]);
        assert_eq!(der.expect(OCTET_STRING).map(|t| t.value), Some(&[1, 2][..]));
        assert_eq!(der.expect(OCTET_STRING).map(|t| t.value), Some(&[9][..]));
        assert!(der.is_empty());
        assert!(Der::new(&[0x04, 0x03, 1, 2]).next().is_none());
        assert!(Der::new(&[0x04, 0x85, 0, 0, 0, 0, 1]).next().is_none());
        assert!(Der::new(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff])
            .next()
            .is_none());
        // Indefinite lengths only in BER and only constructed.
        let indefinite = [0x30, 0x80, 0x02, 0x01, 0x03, 0x00, 0x00];
        assert!(Der::new(&indefinite).next().is_none());
        let tlv = Der::ber(&indefinite).next();
        assert_eq!(tlv.map(|t| t.value), Some(&[0x02, 0x01, 0x03][..]));
        assert!(Der::ber(&[0x04, 0x80, 0, 0]).next().is_none());
        // Unterminated indefinite length.
        assert!(Der::ber(&[0x30, 0x80, 0x02, 0x01, 0x03]).next().is_none());
    }

    #[test]
    fn constructed_octet_strings_are_joined() {
        let ber = [
            0x24, 0x80, 0x04, 0x01, b'a', 0x04, 0x02, b'b', b'c', 0x00, 0x00,
        ];
        let tlv = Der::ber(&ber).next();
        let octets = tlv.and_then(|t| t.octets().map(|o| o.into_owned()));
        assert_eq!(octets.as_deref(), Some(&b"abc"[..]));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut ber = Vec::new();
        for _ in 0..100 {
            ber.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..100 {
            ber.extend_from_slice(&[0, 0]);
        }
        assert!(Der::ber(&ber).next().is_none());
    }

    #[test]
    fn integers() {
        assert_eq!(Der::new(&[0x02, 0x01, 0x03]).small(), Some(3));
        assert_eq!(Der::new(&[0x02, 0x02, 0x00, 0x80]).small(), Some(128));
        assert_eq!(Der::new(&[0x02, 0x01, 0x80]).small(), None);
        assert_eq!(Der::new(&[0x02, 0x00]).small(), None);
    }
}
