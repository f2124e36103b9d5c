//! Container images as portcullis reads them: find the images in a target
//! ([`Target`], [`resolve`]), then [`ImageRef::load`] them — the config
//! verified against its digest, every layer read exactly once (blob digest,
//! decompression and tar walk in the same pass, layers in parallel), and the
//! layers merged into one [`Filesystem`]. Nothing is extracted.

pub mod config;
pub mod content;
pub mod daemon;
pub mod decompress;
mod error;
pub mod fs;
pub mod history;
pub mod layer;
pub mod lxd;
pub mod registry;
pub mod signatures;
mod source;
mod store;

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

pub use config::ImageConfig;
pub use content::{Analyser, Analysers, Facts, LayerAnalyser};
pub use error::{Error, Result};
pub use fs::Filesystem;
pub use layer::{display_path, Budget, Entry, EntryKind};
pub use registry::{Credentials, Reference, RegistryOptions};
pub use signatures::SignatureMaterial;
pub use source::{
    check_platform, host_platform, is_image, resolve, resolve_analysing, BlobRef, ImageRef, Target,
    MAX_IMAGES,
};

/// What a scan asks of the loader.
pub struct LoadOptions<'a> {
    /// Refuse to decompress more than this many bytes over all layers.
    pub max_uncompressed: u64,
    /// Paths (relative, e.g. `etc/passwd`) whose contents the rules need.
    pub want: &'a (dyn Fn(&[u8]) -> bool + Sync),
    /// Told how many more compressed layer bytes were read, as they are.
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Compute digests the scan itself does not need: the diff_id of a
    /// compressed layer whose blob digest is verified (the manifest pins the
    /// blob, the config's diff_id is then taken as it is; hashing the
    /// decompressed stream costs a third of a gzip layer's CPU time), and
    /// LXD's fingerprint of a split image whose rootfs is a squashfs (which
    /// is otherwise read only where its metadata is).
    pub full_digests: bool,
    /// The content pass: every regular file of every layer is offered to
    /// it as its bytes stream (its facts land in [`Image::facts`]).
    pub analyser: Option<&'a dyn Analyser>,
}

/// Run `work` on every item, on several threads at once; the first error
/// stops the items not yet started and is returned.
///
/// More threads than cores: a layer's reading is decompression-bound, and
/// with one thread per core three equal layers on two cores take as long
/// as four (the third runs alone); with a thread more, the kernel shares
/// the cores out and the image takes its CPU time divided by the cores.
fn each_in_parallel<T: Sync>(
    items: &[T],
    work: impl Fn(usize, &T) -> Result<()> + Sync,
) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = items.len().min(cores * 2);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    if let Err(e) = work(index, item) {
                        failed.store(true, Ordering::Relaxed);
                        first_error
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .get_or_insert(e);
                    }
                }
            });
        }
    });
    match first_error
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

impl Layer {
    /// The layer a table was read from, whose diff_id is the config's
    /// `diff_id`: checked against the one the reader computed, when it
    /// computed one.
    pub(crate) fn checked(
        table: &layer::LayerTable,
        diff_id: &str,
    ) -> std::result::Result<Layer, String> {
        if let Some(got) = table.diff_id.as_ref().filter(|got| *got != diff_id) {
            return Err(format!(
                "uncompressed content does not match the config's diff_id: expected {diff_id}, got {got}"
            ));
        }
        Ok(Layer {
            blob_digest: table.blob_digest.clone(),
            diff_id: diff_id.to_owned(),
            compression: table.compression,
            compressed_size: table.compressed_size,
            uncompressed_size: table.uncompressed_size,
            entries: table.entries,
        })
    }
}

/// Reports bytes as they are read.
struct Progressing<'a, R> {
    inner: R,
    report: &'a (dyn Fn(u64) + Sync),
}

impl<R: std::io::Read> std::io::Read for Progressing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.report)(n as u64);
        Ok(n)
    }
}

/// One layer as read.
#[derive(Clone, Debug)]
pub struct Layer {
    pub blob_digest: String,
    pub diff_id: String,
    pub compression: &'static str,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub entries: usize,
}

/// Layers read but not merged yet, and the filesystem so far.
struct Merging {
    fs: Filesystem,
    /// The next layer to merge.
    next: usize,
    ready: Vec<Option<layer::LayerTable>>,
    layers: Vec<Option<Layer>>,
    facts: Vec<Option<Facts>>,
}

/// A loaded image.
#[derive(Debug)]
pub struct Image {
    pub name: String,
    /// The image's references in its source (RepoTags, OCI ref names).
    pub references: Vec<String>,
    pub kind: &'static str,
    /// The manifest digest where there is one, else the config digest (the image ID).
    pub digest: String,
    pub config_digest: String,
    pub config: ImageConfig,
    pub layers: Vec<Layer>,
    pub fs: Filesystem,
    /// What the content pass learnt of each layer, by index (`None`
    /// without an analyser).
    pub facts: Vec<Option<Facts>>,
}

/// The image config, and its diff_ids, which must be one per layer of the
/// manifest. The error text is for the caller to prefix with the image name.
pub(crate) fn parse_config(
    bytes: &[u8],
    digest: &str,
    layers: usize,
) -> std::result::Result<(ImageConfig, Vec<String>), String> {
    let config: ImageConfig = serde_json::from_slice(bytes)
        .map_err(|e| format!("image config {digest} is not valid: {e}"))?;
    let diff_ids: Vec<String> = config
        .rootfs
        .as_ref()
        .map(|r| r.diff_ids.clone())
        .unwrap_or_default();
    if diff_ids.len() != layers {
        return Err(format!(
            "the config lists {} layer diff_ids but the manifest has {layers} layers",
            diff_ids.len(),
        ));
    }
    Ok((config, diff_ids))
}

impl ImageRef {
    /// The compressed size of all layer blobs (what a progress bar counts).
    pub fn layer_bytes(&self) -> u64 {
        self.layers
            .iter()
            .filter_map(|l| self.store.size(&l.name))
            .sum()
    }

    /// The config alone, and its layers' diff_ids: no layer is read (a
    /// registry gives the config blob by itself; an archive or layout reads
    /// its manifest and config). For `--base`, which needs only the base
    /// image's diff_ids and history.
    pub fn load_config(&self) -> Result<(ImageConfig, Vec<String>)> {
        let fail = |m: String| Error::new(format!("{}: {m}", self.name));
        let bytes = self
            .store
            .read_small(&self.config.name, source::METADATA_CAP)?;
        let digest = layer::sha256_hex(&bytes);
        if let Some(expected) = self.config.digest.as_ref().filter(|d| **d != digest) {
            return Err(fail(format!(
                "config {} does not match its digest: expected {expected}, got {digest}",
                self.config.name
            )));
        }
        parse_config(&bytes, &digest, self.layers.len()).map_err(fail)
    }

    pub fn load(&self, options: &LoadOptions<'_>) -> Result<Image> {
        let store = &*self.store;
        let fail = |m: String| Error::new(format!("{}: {m}", self.name));
        let config_bytes = store.read_small(&self.config.name, source::METADATA_CAP)?;
        let config_digest = layer::sha256_hex(&config_bytes);
        if let Some(expected) = self.config.digest.as_ref().filter(|d| **d != config_digest) {
            return Err(fail(format!(
                "config {} does not match its digest: expected {expected}, got {config_digest}",
                self.config.name
            )));
        }
        let (config, diff_ids) =
            parse_config(&config_bytes, &config_digest, self.layers.len()).map_err(fail)?;
        // Before any layer is read: the wrong image is refused at once.
        if let Some(wanted) = &self.platform {
            source::check_platform(&config, wanted).map_err(fail)?;
        }
        let budget = Budget::new(options.max_uncompressed);
        // Layers are read in parallel and merged in order as soon as they
        // can be, so each layer's table is freed while later layers are
        // still being read.
        let merging = Mutex::new(Merging {
            fs: Filesystem::default(),
            next: 0,
            ready: (0..self.layers.len()).map(|_| None).collect(),
            layers: vec![None; self.layers.len()],
            facts: vec![None; self.layers.len()],
        });
        each_in_parallel(&self.layers, |index, blob| {
            let at = |m: String| fail(format!("layer {index} ({}): {m}", blob.name));
            // Read already (a gzip archive's index pass), or read now.
            let analysed = store.analysed(&blob.name);
            let (reader, size) = match &analysed {
                Some((_, size)) => {
                    // Read by then: counted as read now, for progress bars.
                    (options.progress)(*size);
                    (Box::new(std::io::empty()) as Box<dyn Read + Send>, *size)
                }
                None => store.open(&blob.name)?,
            };
            // A registry's size is the descriptor's own (or unknown).
            let local = !matches!(store, store::Store::Registry(_));
            if let Some(expected) = blob.size.filter(|&expected| local && expected != size) {
                return Err(at(format!(
                    "blob is {size} bytes but its descriptor says {expected}: refusing it unread"
                )));
            }
            let reader = Progressing {
                inner: reader,
                report: options.progress,
            };
            // A blob without a digest to check (a legacy `docker save`
            // layer.tar) is checked by its diff_id alone.
            let diff_id = options.full_digests || blob.digest.is_none();
            let mut table = match analysed {
                Some((table, _)) => table,
                None => {
                    layer::read_layer_with(reader, &budget, options.want, diff_id, options.analyser)
                        .map_err(at)?
                }
            };
            if let Some(expected) = &blob.digest {
                if *expected != table.blob_digest {
                    return Err(at(format!(
                        "blob does not match its digest: expected {expected}, got {}",
                        table.blob_digest
                    )));
                }
            }
            let layer = Layer::checked(&table, &diff_ids[index]).map_err(at)?;
            let mut m = merging.lock().unwrap_or_else(PoisonError::into_inner);
            m.layers[index] = Some(layer);
            m.facts[index] = table.facts.take();
            m.ready[index] = Some(table);
            while let Some(table) = {
                let next = m.next;
                m.ready.get_mut(next).and_then(Option::take)
            } {
                m.fs.apply(table, options.want);
                m.next += 1;
            }
            Ok(())
        })?;
        let Merging {
            fs, layers, facts, ..
        } = merging.into_inner().unwrap_or_else(PoisonError::into_inner);
        let layers = layers
            .into_iter()
            .collect::<Option<Vec<Layer>>>()
            .ok_or_else(|| fail("a layer was not read".into()))?;
        Ok(Image {
            name: self.name.clone(),
            references: self.references.clone(),
            kind: self.kind,
            digest: self
                .manifest_digest
                .clone()
                .unwrap_or_else(|| config_digest.clone()),
            config_digest,
            config,
            layers,
            fs,
            facts,
        })
    }
}
