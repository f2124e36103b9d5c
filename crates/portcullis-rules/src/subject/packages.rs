//! Packages as the Subject holds them: every evidence file of every layer
//! read by the catalogers of `portcullis-packages` as its bytes stream
//! ([`PackageAnalyser`]), then merged in layer order with the final
//! filesystem (a database a later layer replaced or deleted lists nothing).

use portcullis_image::{Facts, LayerAnalyser};
use portcullis_packages::merge::{LayerFile, ReadNote};
use portcullis_packages::{FileCataloger, Inventory};

/// The content-pass analyser: each file a cataloger wants (by path, and
/// binaries by their first bytes) is fed to it as it streams.
#[derive(Debug, Default)]
pub struct PackageAnalyser;

impl portcullis_image::Analyser for PackageAnalyser {
    fn layer(&self) -> Box<dyn LayerAnalyser + '_> {
        Box::new(PackageLayer::default())
    }
}

/// The evidence files of one layer and what they held: plain data, a
/// function of the layer's bytes alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LayerPackages {
    pub files: Vec<LayerFile>,
}

#[derive(Default)]
struct PackageLayer {
    open: Option<(String, Box<dyn FileCataloger>)>,
    files: Vec<LayerFile>,
}

impl LayerAnalyser for PackageLayer {
    fn open(&mut self, path: &[u8], size: u64) -> bool {
        // Names that are not UTF-8 are no package manager's evidence.
        let Ok(path) = std::str::from_utf8(path) else {
            return false;
        };
        self.open = portcullis_packages::cataloger_for(path, size).map(|c| (path.to_owned(), c));
        self.open.is_some()
    }

    fn chunk(&mut self, bytes: &[u8]) -> bool {
        self.open.as_mut().is_some_and(|(_, c)| c.chunk(bytes))
    }

    fn close(&mut self) {
        if let Some((path, cataloger)) = self.open.take() {
            let found = cataloger.finish(true);
            if found != portcullis_packages::Found::default() {
                self.files.push(LayerFile { path, found });
            }
        }
    }

    fn finish(self: Box<Self>) -> Facts {
        Facts::new(LayerPackages { files: self.files })
    }
}

/// The inventory of an image: `facts` per layer (as the content pass left
/// them), `fs` the merged filesystem. `None` when the package pass did not
/// run on any layer.
pub(crate) fn in_layers(
    facts: &[Option<Facts>],
    fs: &portcullis_image::Filesystem,
) -> Option<(Inventory, Vec<ReadNote>)> {
    let layers: Vec<Option<&LayerPackages>> = facts
        .iter()
        .map(|f| f.as_ref().and_then(|f| f.get::<LayerPackages>()))
        .collect();
    if layers.iter().all(Option::is_none) {
        return None;
    }
    let files: Vec<&[LayerFile]> = layers
        .iter()
        .map(|l| l.map_or(&[][..], |l| &l.files[..]))
        .collect();
    let live = |path: &str, layer: usize| fs.get(path.as_bytes()).is_some_and(|e| e.layer == layer);
    Some(portcullis_packages::merge::inventory(&files, &live))
}

/// The notes of evidence files that could not be read whole, at the file.
pub fn read_notes(subject: &crate::Subject) -> Vec<crate::finding::Note> {
    let digest = |layer: usize| {
        subject
            .image
            .as_ref()
            .and_then(|i| i.diff_ids.get(layer).cloned())
            .unwrap_or_default()
    };
    subject
        .package_notes
        .iter()
        .map(|n| crate::finding::Note {
            rule: "packages".into(),
            message: format!("/{}: {}", n.path, n.message),
            location: crate::finding::Location::Layer {
                index: n.layer,
                digest: digest(n.layer),
                path: format!("/{}", n.path),
                line: None,
                column: None,
            },
        })
        .collect()
}

/// The policy file's `[licenses]` lists, as the license policies read them
/// (SPDX identifiers and license family names, validated when the policy
/// file was read).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicenseLists {
    /// Families a package is SQ12401 under.
    pub warn_families: Vec<String>,
    /// Licenses a package is SQ12402 under.
    pub warn: Vec<String>,
    /// Licenses a package is SQ12403 (high) under.
    pub restricted: Vec<String>,
}
