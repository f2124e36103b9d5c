//! The content-pass analyser: ELF facts of every ELF file of a layer, and
//! the private debug databases (`.pdb`) it ships.

use portcullis_image::{Analyser, Facts, LayerAnalyser};
use serde::{Deserialize, Serialize};

use crate::facts::ElfFacts;
use crate::reader::ElfReader;

/// The analyser to run in the content pass.
pub static BINARIES: BinaryAnalyser = BinaryAnalyser;

/// Files smaller than the smallest ELF header are not offered.
pub const MIN_SIZE: u64 = 52;

/// Reads every ELF file's facts ([`BinaryLayer`] per layer).
pub struct BinaryAnalyser;

/// One layer's binaries, in stream order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryLayer {
    pub files: Vec<BinaryFile>,
    pub debug_databases: Vec<DebugDatabase>,
}

/// An ELF file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryFile {
    /// As the content pass gives it: relative, no leading `/`.
    pub path: String,
    pub size: u64,
    /// The facts, or why they could not be read (one line).
    pub facts: Result<ElfFacts, String>,
}

/// A `.pdb` file that is a debug database (not a Protein Data Bank text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugDatabase {
    pub path: String,
    pub size: u64,
    pub format: DebugDatabaseFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DebugDatabaseFormat {
    /// The Microsoft MSF 7.00 container (native PDB).
    Msf7,
    /// A .NET portable PDB: ECMA-335 metadata ("BSJB").
    Portable,
}

const MSF7_MAGIC: &[u8] = b"Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0";
const PORTABLE_MAGIC: &[u8] = b"BSJB";

impl Analyser for BinaryAnalyser {
    fn layer(&self) -> Box<dyn LayerAnalyser + '_> {
        Box::new(BinaryLayerAnalysis::default())
    }
}

enum Open {
    Elf {
        path: String,
        size: u64,
        reader: Box<ElfReader>,
    },
    Pdb {
        path: String,
        size: u64,
        head: Vec<u8>,
    },
}

#[derive(Default)]
struct BinaryLayerAnalysis {
    layer: BinaryLayer,
    open: Option<Open>,
}

impl LayerAnalyser for BinaryLayerAnalysis {
    fn open(&mut self, path: &[u8], size: u64) -> bool {
        self.open = None;
        if size < MIN_SIZE {
            return false;
        }
        let path = String::from_utf8_lossy(path).into_owned();
        let is_pdb = path
            .len()
            .checked_sub(4)
            .and_then(|at| path.get(at..))
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".pdb"));
        self.open = Some(if is_pdb {
            Open::Pdb {
                path,
                size,
                head: Vec::new(),
            }
        } else {
            Open::Elf {
                path,
                size,
                reader: Box::new(ElfReader::new(size)),
            }
        });
        true
    }

    fn chunk(&mut self, bytes: &[u8]) -> bool {
        match &mut self.open {
            Some(Open::Elf { reader, .. }) => reader.push(bytes),
            Some(Open::Pdb { head, .. }) => {
                let room = MSF7_MAGIC.len() - head.len();
                head.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
                head.len() < MSF7_MAGIC.len()
            }
            None => false,
        }
    }

    fn close(&mut self) {
        match self.open.take() {
            Some(Open::Elf { path, size, reader }) => {
                if let Some(facts) = reader.finish() {
                    self.layer.files.push(BinaryFile {
                        path,
                        size,
                        facts: facts.map_err(|e| e.0),
                    });
                }
            }
            Some(Open::Pdb { path, size, head }) => {
                let format = if head.starts_with(MSF7_MAGIC) {
                    Some(DebugDatabaseFormat::Msf7)
                } else if head.starts_with(PORTABLE_MAGIC) {
                    Some(DebugDatabaseFormat::Portable)
                } else {
                    None
                };
                if let Some(format) = format {
                    self.layer
                        .debug_databases
                        .push(DebugDatabase { path, size, format });
                }
            }
            None => {}
        }
    }

    fn finish(self: Box<Self>) -> Facts {
        Facts::new(self.layer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(layer: &mut dyn LayerAnalyser, path: &str, bytes: &[u8]) -> usize {
        let mut chunks = 0;
        if layer.open(path.as_bytes(), bytes.len() as u64) {
            for chunk in bytes.chunks(64 << 10) {
                chunks += 1;
                if !layer.chunk(chunk) {
                    break;
                }
            }
            layer.close();
        }
        chunks
    }

    #[test]
    fn elf_files_and_debug_databases_by_magic() {
        // This test program: an ELF file made by rustc and the system linker.
        let exe = std::fs::read(std::env::current_exe().expect("exe")).expect("read");
        let mut layer = BINARIES.layer();
        let mut msf = MSF7_MAGIC.to_vec();
        msf.resize(4096, 0);
        let mut portable = b"BSJB".to_vec();
        portable.resize(100, 1);
        let protein =
            b"HEADER    PROTEIN                                 01-JAN-00   1ABC              \n"
                .repeat(3);
        let text = b"#!/bin/sh\necho not a binary, though long enough to be offered\n".repeat(2);
        assert_eq!(
            feed(layer.as_mut(), "usr/bin/self", &exe),
            exe.len().div_ceil(64 << 10)
        );
        assert_eq!(feed(layer.as_mut(), "app/App.PDB", &msf), 1);
        assert_eq!(feed(layer.as_mut(), "app/lib.pdb", &portable), 1);
        assert_eq!(feed(layer.as_mut(), "data/1abc.pdb", &protein), 1);
        assert_eq!(feed(layer.as_mut(), "usr/bin/script", &text), 1);
        assert_eq!(feed(layer.as_mut(), "tiny", b"\x7fELF"), 0);
        let facts = layer.finish();
        let got = facts.get::<BinaryLayer>().expect("binary facts");
        assert_eq!(got.files.len(), 1);
        assert_eq!(got.files[0].path, "usr/bin/self");
        assert_eq!(got.files[0].size, exe.len() as u64);
        let elf = got.files[0].facts.as_ref().expect("facts");
        assert_eq!(elf, &crate::parse(&exe).expect("parse"));
        assert!(elf.symbol_table);
        assert_eq!(
            got.debug_databases,
            [
                DebugDatabase {
                    path: "app/App.PDB".into(),
                    size: 4096,
                    format: DebugDatabaseFormat::Msf7
                },
                DebugDatabase {
                    path: "app/lib.pdb".into(),
                    size: 100,
                    format: DebugDatabaseFormat::Portable
                },
            ]
        );
    }
}
