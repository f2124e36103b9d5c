//! Decoders whose memory does not follow what a hostile header asks for.
//! A zstd frame names its window and an xz stream its dictionary; both
//! decoders allocate that much up front, so a 6 MiB file patched to ask for
//! a 4 GiB dictionary would take 4 GiB. These caps keep every real image
//! readable (zstd up to level 19 uses at most an 8 MiB window, `xz -9` a
//! 64 MiB dictionary) and refuse, with a message that says so, the rest.

use std::io::{self, BufRead};

/// Largest zstd window decoded: 2^25 bytes = 32 MiB (`zstd --ultra -20`
/// and `--long` ask for more).
pub const ZSTD_WINDOW_LOG_MAX: u32 = 25;

/// Most memory the xz decoder may use: room for `xz -9`'s 64 MiB dictionary.
pub const XZ_MEMORY_LIMIT: u64 = 80 << 20;

/// A zstd decoder of concatenated frames with the window capped.
pub fn zstd<R: BufRead>(r: R) -> io::Result<zstd::stream::read::Decoder<'static, R>> {
    let mut d = zstd::stream::read::Decoder::with_buffer(r)?;
    d.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
    Ok(d)
}

/// An xz decoder of concatenated streams with its memory capped.
pub fn xz<R: BufRead>(r: R) -> liblzma::bufread::XzDecoder<R> {
    let stream =
        liblzma::stream::Stream::new_stream_decoder(XZ_MEMORY_LIMIT, liblzma::stream::CONCATENATED);
    match stream {
        Ok(stream) => liblzma::bufread::XzDecoder::new_stream(r, stream),
        // Only out of memory makes a decoder fail to start; the plain one
        // then fails the same way on its first read.
        Err(_) => liblzma::bufread::XzDecoder::new_multi_decoder(r),
    }
}

/// An xz decoder of one stream (a squashfs block) with its memory capped.
pub fn xz_single<R: BufRead>(r: R) -> liblzma::bufread::XzDecoder<R> {
    match liblzma::stream::Stream::new_stream_decoder(XZ_MEMORY_LIMIT, 0) {
        Ok(stream) => liblzma::bufread::XzDecoder::new_stream(r, stream),
        Err(_) => liblzma::bufread::XzDecoder::new(r),
    }
}

/// The message for a decoder error that is one of these caps, if it is.
/// The tar reader wraps the decoder's error, so the whole chain is read.
pub fn over_cap(compression: &str, e: &io::Error) -> Option<String> {
    let mut zstd_memory = false;
    let mut xz_memory = false;
    let mut at: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|e| e as _);
    zstd_memory |= e.to_string().contains("too much memory");
    while let Some(err) = at {
        zstd_memory |= err.to_string().contains("too much memory");
        xz_memory |= err
            .downcast_ref::<liblzma::stream::Error>()
            .is_some_and(|e| matches!(e, liblzma::stream::Error::MemLimit));
        at = err
            .downcast_ref::<io::Error>()
            .and_then(|e| e.get_ref().map(|e| e as _))
            .or_else(|| err.source());
    }
    let window = (1u64 << ZSTD_WINDOW_LOG_MAX) >> 20;
    match compression {
        "zstd" if zstd_memory => Some(format!(
            "the zstd stream needs a window over {window} MiB (compressed with --long or --ultra?); portcullis decodes at most {window} MiB windows"
        )),
        "xz" if xz_memory => Some(format!(
            "the xz stream needs more than {} MiB to decode (a dictionary larger than xz -9 uses); refusing it",
            XZ_MEMORY_LIMIT >> 20
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn decode_zstd(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        zstd(bytes)?.read_to_end(&mut out)?;
        Ok(out)
    }

    /// A zstd frame of 64 KiB whose header asks for a window of 2^`log`
    /// bytes, as a hostile file would: the streaming encoder writes a
    /// window descriptor (byte 5, exponent in the top five bits) and no
    /// header checksum, so the byte is patched.
    fn zstd_frame(log: u32) -> Vec<u8> {
        let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("encoder");
        encoder.window_log(20).expect("window");
        std::io::Write::write_all(&mut encoder, &[b'z'; 1 << 16]).expect("write");
        let mut frame = encoder.finish().expect("finish");
        assert_eq!(
            frame[4] & 0x20,
            0,
            "not single-segment: has a window descriptor"
        );
        assert_eq!(frame[5], (20 - 10) << 3);
        frame[5] = ((log - 10) << 3) as u8;
        frame
    }

    #[test]
    fn zstd_windows_are_capped() {
        let ok = decode_zstd(&zstd_frame(ZSTD_WINDOW_LOG_MAX)).expect("at the cap");
        assert_eq!(ok.len(), 1 << 16);
        let e = decode_zstd(&zstd_frame(ZSTD_WINDOW_LOG_MAX + 2)).expect_err("past the cap");
        assert_eq!(
            over_cap("zstd", &e).as_deref(),
            Some("the zstd stream needs a window over 32 MiB (compressed with --long or --ultra?); portcullis decodes at most 32 MiB windows")
        );
    }

    /// An xz file of a few bytes whose LZMA2 dictionary size code is
    /// `code` (size `(2 | code & 1) << (code / 2 + 11)`), patched into the
    /// block header as a hostile file would, its CRC32 recomputed.
    fn xz_with_dictionary(code: u8) -> Vec<u8> {
        let mut file = Vec::new();
        let mut encoder = liblzma::write::XzEncoder::new(&mut file, 0);
        std::io::Write::write_all(&mut encoder, b"xz data").expect("write");
        encoder.finish().expect("finish");
        // Stream header (12 bytes), then the block header: size, flags
        // (no sizes, one filter), LZMA2 (0x21) with one property byte.
        let size = (usize::from(file[12]) + 1) * 4;
        assert_eq!(&file[13..16], &[0x00, 0x21, 0x01]);
        file[16] = code;
        let mut crc = flate2::Crc::new();
        crc.update(&file[12..12 + size - 4]);
        file[12 + size - 4..12 + size].copy_from_slice(&crc.sum().to_le_bytes());
        file
    }

    #[test]
    fn xz_dictionaries_are_capped() {
        let mut out = Vec::new();
        // 64 MiB (code 28), what xz -9 uses.
        xz(&xz_with_dictionary(28)[..])
            .read_to_end(&mut out)
            .expect("xz -9's dictionary");
        assert_eq!(out, b"xz data");
        // 1.5 GiB (code 37).
        let e = xz(&xz_with_dictionary(37)[..])
            .read_to_end(&mut Vec::new())
            .expect_err("1.5 GiB dictionary");
        assert_eq!(
            over_cap("xz", &e).as_deref(),
            Some("the xz stream needs more than 80 MiB to decode (a dictionary larger than xz -9 uses); refusing it")
        );
    }
}
