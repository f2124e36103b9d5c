//! The content pass: every regular file's bytes, as they stream out of the
//! decompressor, offered to the analysers that want the file. The image
//! crate streams and dispatches; what a file means (a secret, a package
//! database, an ELF header) is the analysers' business, and what they learn
//! of a layer comes back as opaque per-layer [`Facts`].
//!
//! An analyser decides by path and size when a file starts
//! ([`LayerAnalyser::open`]), by the first bytes it is given (returning
//! `false` from [`LayerAnalyser::chunk`] stops the feed for that file), and
//! keeps what it needs within its own bound: nothing here buffers a file.

use std::any::Any;
use std::sync::Arc;

/// Something that reads file contents, one fresh state per layer.
pub trait Analyser: Sync {
    /// The state for one layer (or root filesystem), used on the thread
    /// that reads it.
    fn layer(&self) -> Box<dyn LayerAnalyser + '_>;
}

/// One layer's analysis: told of each regular file in stream order.
pub trait LayerAnalyser: Send {
    /// A regular file starts: its normalised path (relative to the root, no
    /// leading `/`) and size. Whether to be fed its bytes.
    fn open(&mut self, path: &[u8], size: u64) -> bool;
    /// The open file's next bytes, in order, never empty (64 KiB from a
    /// tar; a squashfs block, at most 1 MiB). `false`: no more are wanted
    /// for this file.
    fn chunk(&mut self, bytes: &[u8]) -> bool;
    /// The open file ended: every byte was fed, or `chunk` said `false`.
    fn close(&mut self);
    /// What the layer held: plain data, a function of its bytes alone.
    fn finish(self: Box<Self>) -> Facts;
}

/// What an analyser learnt of one layer, for the caller to take back by
/// type ([`Facts::get`]). Shared (`Arc`) so that tables stay cheap to clone.
#[derive(Clone)]
pub struct Facts(Arc<dyn Any + Send + Sync>);

impl Facts {
    pub fn new<T: Any + Send + Sync>(facts: T) -> Facts {
        Facts(Arc::new(facts))
    }

    /// The facts, when they are a `T` (or, for several analysers run as
    /// one ([`Analysers`]), when one of theirs is).
    pub fn get<T: Any>(&self) -> Option<&T> {
        if let Some(own) = self.0.downcast_ref() {
            return Some(own);
        }
        self.0
            .downcast_ref::<Several>()
            .and_then(|several| several.0.iter().find_map(|f| f.get::<T>()))
    }
}

/// The facts of several analysers of one layer.
struct Several(Vec<Facts>);

/// Several analysers fed in one pass: each file's bytes go to those that
/// want it, until none does. Each analyser's facts stay its own
/// ([`Facts::get`] finds them by type).
pub struct Analysers(pub &'static [&'static dyn Analyser]);

impl Analyser for Analysers {
    fn layer(&self) -> Box<dyn LayerAnalyser + '_> {
        Box::new(SeveralLayer {
            each: self.0.iter().map(|a| (a.layer(), false)).collect(),
        })
    }
}

/// One layer of [`Analysers`]: each analyser and whether it wants the open
/// file's next bytes.
struct SeveralLayer<'a> {
    each: Vec<(Box<dyn LayerAnalyser + 'a>, bool)>,
}

impl LayerAnalyser for SeveralLayer<'_> {
    fn open(&mut self, path: &[u8], size: u64) -> bool {
        let mut any = false;
        for (analysis, wants) in &mut self.each {
            *wants = analysis.open(path, size);
            any |= *wants;
        }
        any
    }

    fn chunk(&mut self, bytes: &[u8]) -> bool {
        let mut any = false;
        for (analysis, wants) in &mut self.each {
            if *wants && !analysis.chunk(bytes) {
                // It said "no more": it is closed now, the others go on.
                analysis.close();
                *wants = false;
            }
            any |= *wants;
        }
        any
    }

    fn close(&mut self) {
        for (analysis, wants) in &mut self.each {
            if std::mem::take(wants) {
                analysis.close();
            }
        }
    }

    fn finish(self: Box<Self>) -> Facts {
        Facts::new(Several(
            self.each.into_iter().map(|(a, _)| a.finish()).collect(),
        ))
    }
}

impl std::fmt::Debug for Facts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Facts(..)")
    }
}

/// Bytes handed to an analyser at a time.
pub(crate) const CHUNK: usize = 64 << 10;

/// Feed `reader` (one regular file's data) to `analysis` and, when `keep`
/// is given, append it there too. Stops reading once neither wants more
/// (the tar reader skips the rest of the entry by itself).
pub(crate) fn feed(
    reader: &mut dyn std::io::Read,
    mut analysis: Option<&mut (dyn LayerAnalyser + '_)>,
    mut keep: Option<&mut Vec<u8>>,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    if buf.len() < CHUNK {
        buf.resize(CHUNK, 0);
    }
    loop {
        if analysis.is_none() && keep.is_none() {
            return Ok(());
        }
        let n = match reader.read(&mut buf[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if let Some(a) = analysis {
                    a.close();
                }
                return Err(e);
            }
        };
        if let Some(kept) = keep.as_deref_mut() {
            kept.extend_from_slice(&buf[..n]);
        }
        if let Some(a) = analysis.as_deref_mut() {
            if !a.chunk(&buf[..n]) {
                a.close();
                analysis = None;
            }
        }
    }
    if let Some(a) = analysis {
        a.close();
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::layer::tests::{tar, T};
    use crate::layer::{read_layer_with, Budget};

    /// Records what it is fed: (path, size, bytes seen, chunks), taking at
    /// most `take` bytes of each file and none of files named `skip*`.
    pub(crate) struct Recorder {
        pub take: usize,
        pub layers: Mutex<usize>,
    }

    pub(crate) struct Recording {
        take: usize,
        open: Option<(Vec<u8>, u64, Vec<u8>, usize)>,
        files: Vec<(Vec<u8>, u64, Vec<u8>, usize)>,
    }

    impl Analyser for Recorder {
        fn layer(&self) -> Box<dyn LayerAnalyser + '_> {
            *self.layers.lock().expect("lock") += 1;
            Box::new(Recording {
                take: self.take,
                open: None,
                files: Vec::new(),
            })
        }
    }

    impl LayerAnalyser for Recording {
        fn open(&mut self, path: &[u8], size: u64) -> bool {
            assert!(self.open.is_none(), "open while a file is open");
            if path
                .rsplit(|&b| b == b'/')
                .next()
                .is_some_and(|n| n.starts_with(b"skip"))
            {
                return false;
            }
            self.open = Some((path.to_vec(), size, Vec::new(), 0));
            true
        }
        fn chunk(&mut self, bytes: &[u8]) -> bool {
            let open = self.open.as_mut().expect("a file is open");
            assert!(!bytes.is_empty());
            open.2.extend_from_slice(bytes);
            open.3 += 1;
            open.2.len() < self.take
        }
        fn close(&mut self) {
            let open = self.open.take().expect("close after open");
            self.files.push(open);
        }
        fn finish(self: Box<Self>) -> Facts {
            assert!(self.open.is_none(), "finish with a file open");
            Facts::new(self.files)
        }
    }

    pub(crate) type Recorded = Vec<(Vec<u8>, u64, Vec<u8>, usize)>;

    #[test]
    fn every_regular_file_is_fed_in_order_once_and_early_stops_are_honoured() {
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let layer = tar(&[
            T::Dir("etc"),
            T::File("etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n"),
            T::File("etc/empty", 0o644, b""),
            T::Sym("etc/link", "passwd"),
            T::Hard("etc/hard", "etc/passwd"),
            T::File("opt/big.bin", 0o644, &big),
            T::File("opt/skip.me", 0o644, b"never fed"),
            T::File("opt/after", 0o644, b"still read after a stop"),
        ]);
        let want = |p: &[u8]| p == b"etc/passwd" || p == b"opt/big.bin";
        let all = Recorder {
            take: usize::MAX,
            layers: Mutex::new(0),
        };
        let table = read_layer_with(&layer[..], &Budget::new(u64::MAX), &want, true, Some(&all))
            .expect("layer");
        let files = table
            .facts
            .as_ref()
            .and_then(|f| f.get::<Recorded>())
            .expect("facts");
        let seen: Vec<(&[u8], u64, usize)> =
            files.iter().map(|f| (&f.0[..], f.1, f.2.len())).collect();
        assert_eq!(
            seen,
            [
                (&b"etc/passwd"[..], 26, 26),
                (&b"opt/big.bin"[..], 300_000, 300_000),
                (&b"opt/after"[..], 23, 23),
            ]
        );
        assert_eq!(files[1].2, big);
        assert_eq!(files[1].3, 300_000usize.div_ceil(CHUNK));
        // Wanted contents are kept whole although the analyser read them too.
        assert_eq!(table.contents.len(), 2);
        assert_eq!(table.contents[1].1, big);

        // An analyser that stops after the first chunk: the wanted file is
        // still kept whole, the rest of the layer still read.
        let first = Recorder {
            take: 1,
            layers: Mutex::new(0),
        };
        let table = read_layer_with(
            &layer[..],
            &Budget::new(u64::MAX),
            &want,
            true,
            Some(&first),
        )
        .expect("layer");
        let files = table
            .facts
            .as_ref()
            .and_then(|f| f.get::<Recorded>())
            .expect("facts");
        assert_eq!(files.iter().map(|f| f.3).collect::<Vec<_>>(), [1, 1, 1]);
        assert_eq!(files[1].2.len(), CHUNK);
        assert_eq!(table.contents[1].1, big);
        assert_eq!(table.entries, 8);
        assert_eq!(*first.layers.lock().expect("lock"), 1);
    }

    #[test]
    fn without_an_analyser_there_are_no_facts() {
        let layer = tar(&[T::File("a", 0o644, b"x")]);
        let table = read_layer_with(
            &layer[..],
            &Budget::new(u64::MAX),
            &|_: &[u8]| false,
            true,
            None,
        )
        .expect("layer");
        assert!(table.facts.is_none());
    }

    #[test]
    fn bytes_fed_count_against_the_decompression_budget() {
        let layer = tar(&[T::File("zeros", 0o644, &vec![0u8; 4 << 20])]);
        let all = Recorder {
            take: usize::MAX,
            layers: Mutex::new(0),
        };
        let err = read_layer_with(
            &layer[..],
            &Budget::new(1 << 20),
            &|_: &[u8]| false,
            true,
            Some(&all),
        )
        .expect_err("bomb");
        assert_eq!(err, "more than 1048576 bytes after decompression (the --max-uncompressed limit): refusing a possible decompression bomb");
    }
}
