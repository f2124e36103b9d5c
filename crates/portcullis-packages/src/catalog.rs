//! Which cataloger reads a file, and the streaming interface they share.
//!
//! The content pass calls [`cataloger_for`] when a regular file starts;
//! the cataloger it returns is fed the file's bytes in order, as they
//! stream, and says when it wants no more. Whole-file formats (a dpkg
//! `status`, an rpm database, a `package.json`) are buffered up to a cap
//! of their own by [`Whole`]; binaries and archives are read as they
//! stream, keeping only what they need.

use crate::model::Found;

/// One file's cataloger, fed as the file streams.
pub trait FileCataloger: Send {
    /// The file's next bytes, in order, never empty. `false`: no more are
    /// wanted (the rest of the file is not fed).
    fn chunk(&mut self, bytes: &[u8]) -> bool;
    /// The file ended (every byte fed, or `chunk` said `false`): what it
    /// held. `complete` is `false` when the feed stopped early for a reason
    /// of the caller's (a truncated layer).
    fn finish(self: Box<Self>, complete: bool) -> Found;
}

/// A cataloger of a file read whole, up to `cap` bytes: `parse` gets the
/// file's normalised path and its bytes.
pub struct Whole {
    path: String,
    cap: usize,
    bytes: Vec<u8>,
    too_big: bool,
    parse: fn(&str, &[u8]) -> Found,
}

impl Whole {
    /// `size` is the file's size as its tar header says; a file larger than
    /// `cap` is not read, and its note says so.
    pub fn new(path: &str, size: u64, cap: usize, parse: fn(&str, &[u8]) -> Found) -> Box<Whole> {
        let too_big = size > cap as u64;
        Box::new(Whole {
            path: path.to_owned(),
            cap,
            bytes: Vec::with_capacity(if too_big { 0 } else { size as usize }),
            too_big,
            parse,
        })
    }
}

impl FileCataloger for Whole {
    fn chunk(&mut self, bytes: &[u8]) -> bool {
        if self.too_big || self.bytes.len() + bytes.len() > self.cap {
            self.too_big = true;
            self.bytes = Vec::new();
            return false;
        }
        self.bytes.extend_from_slice(bytes);
        true
    }

    fn finish(self: Box<Self>, complete: bool) -> Found {
        if self.too_big {
            return Found {
                notes: vec![format!(
                    "larger than the {} MiB this cataloger reads: not read",
                    self.cap >> 20
                )],
                ..Found::default()
            };
        }
        if !complete {
            return Found {
                notes: vec!["the file is truncated: not read".to_owned()],
                ..Found::default()
            };
        }
        (self.parse)(&self.path, &self.bytes)
    }
}

/// `bytes` as text: lossily where they are not UTF-8, which `notes` then
/// says.
pub(crate) fn text<'a>(bytes: &'a [u8], notes: &mut Vec<String>) -> std::borrow::Cow<'a, str> {
    let text = String::from_utf8_lossy(bytes);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        notes.push("not UTF-8: read with replacement characters".to_owned());
    }
    text
}

/// The cap for text databases and manifests read whole.
pub const TEXT_CAP: usize = 64 << 20;

/// The cataloger for the file at `path` (normalised: relative to the root,
/// no leading `/`) of `size` bytes, if any wants it. Binaries and archives
/// are recognised by name here and by their magic bytes in their first
/// chunk (a cataloger that finds none stops the feed at once).
pub fn cataloger_for(path: &str, size: u64) -> Option<Box<dyn FileCataloger>> {
    crate::os::cataloger(path, size)
        .or_else(|| crate::deb::cataloger(path, size))
        .or_else(|| crate::apk::cataloger(path, size))
        .or_else(|| crate::rpm::cataloger(path, size))
        .or_else(|| crate::python::cataloger(path, size))
        .or_else(|| crate::npm::cataloger(path, size))
        .or_else(|| crate::gem::cataloger(path, size))
        .or_else(|| crate::composer::cataloger(path, size))
        .or_else(|| crate::dotnet::cataloger(path, size))
        .or_else(|| crate::java::cataloger(path, size))
        .or_else(|| crate::binary::cataloger(path, size))
}
