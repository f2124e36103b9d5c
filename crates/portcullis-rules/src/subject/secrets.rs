//! Secrets as the Subject holds them: found in every file of every layer
//! by the content pass ([`SecretAnalyser`]), in the image config (`Env`,
//! `Labels`, `Cmd`, `Entrypoint`) and history (`created_by`, with the build
//! arguments Docker records), and in a Dockerfile's instructions. Each with
//! its exact location and, for a file that a later layer hid, which layer
//! hid it. The detectors are `portcullis-secrets`'; nothing here sees a value.

use std::collections::HashMap;

use portcullis_image::{Facts, LayerAnalyser};
use portcullis_secrets::{Scanner, Secret};
use serde::{Deserialize, Serialize};

use crate::finding::{Located, Location};

/// The content-pass analyser: every regular file of every layer goes
/// through the secret scanner as its bytes stream.
#[derive(Debug, Default)]
pub struct SecretAnalyser;

impl portcullis_image::Analyser for SecretAnalyser {
    fn layer(&self) -> Box<dyn LayerAnalyser + '_> {
        Box::new(SecretLayer::default())
    }
}

/// The secrets of one layer: plain data, a function of its bytes alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerSecrets {
    pub files: Vec<FileSecrets>,
}

/// The secrets of one file of a layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSecrets {
    /// Relative to the root, no leading `/` (bytes: names need not be UTF-8).
    pub path: Vec<u8>,
    pub secrets: Vec<Secret>,
    /// More were found than a file may report.
    pub truncated: bool,
}

#[derive(Default)]
struct SecretLayer {
    open: Option<(Vec<u8>, u64, Scanner)>,
    files: Vec<FileSecrets>,
}

impl LayerAnalyser for SecretLayer {
    fn open(&mut self, path: &[u8], size: u64) -> bool {
        self.open = Some((path.to_vec(), size, Scanner::new(path)));
        true
    }

    fn chunk(&mut self, bytes: &[u8]) -> bool {
        if let Some((_, size, scanner)) = &mut self.open {
            scanner.feed_sized(bytes, Some(*size));
        }
        true
    }

    fn close(&mut self) {
        if let Some((path, _, scanner)) = self.open.take() {
            let scanned = scanner.finish();
            if !scanned.secrets.is_empty() {
                self.files.push(FileSecrets {
                    path,
                    secrets: scanned.secrets,
                    truncated: scanned.truncated,
                });
            }
        }
    }

    fn finish(self: Box<Self>) -> Facts {
        Facts::new(LayerSecrets { files: self.files })
    }
}

/// One secret found in the subject, located.
#[derive(Clone, Debug)]
pub struct SecretAt {
    pub secret: Secret,
    pub at: Located,
    /// Other places of the same credential (its other part) or the same
    /// value (each history entry that records the same build argument).
    pub related: Vec<Location>,
    /// For a file that is not in the final filesystem: what hid it, said
    /// in words (still in this layer's blob).
    pub hidden: Option<String>,
}

/// The secrets in the files of an image's layers. `facts` per layer (from
/// [`SecretAnalyser`]), `digests` the diff_ids, `fs` the merged filesystem
/// (to tell which files a later layer hid), `layer_history` the history
/// entry that made each layer.
pub(crate) fn in_layers(
    facts: &[Option<Facts>],
    digests: &[String],
    fs: &portcullis_image::Filesystem,
    layer_history: &[Option<usize>],
    history: &[portcullis_image::config::HistoryEntry],
) -> Vec<SecretAt> {
    use portcullis_image::fs::Gone;
    let layers: Vec<Option<&LayerSecrets>> = facts
        .iter()
        .map(|f| f.as_ref().and_then(|f| f.get::<LayerSecrets>()))
        .collect();
    // What hid each earlier file that holds a secret, by (path, layer).
    let wanted: std::collections::HashSet<(&[u8], usize)> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            l.iter()
                .flat_map(move |l| l.files.iter().map(move |f| (&f.path[..], i)))
        })
        .collect();
    let mut gone: HashMap<(Vec<u8>, usize), Gone> = HashMap::new();
    if !wanted.is_empty() {
        for s in fs.shadowed() {
            if wanted.contains(&(s.file.entry.path, s.file.layer)) {
                gone.insert((s.file.entry.path.to_vec(), s.file.layer), s.gone);
            }
        }
    }
    let history_at = |layer: usize| -> Option<Location> {
        let index = (*layer_history.get(layer)?)?;
        Some(Location::History {
            index,
            created_by: history.get(index)?.created_by.clone().unwrap_or_default(),
        })
    };
    let mut out = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        let Some(layer) = layer else { continue };
        for file in &layer.files {
            let path = portcullis_image::display_path(&file.path);
            let final_layer = fs.get(&file.path).map(|e| e.layer);
            let (hidden, hider) = match (final_layer, gone.get(&(file.path.clone(), index))) {
                (Some(l), _) if l == index => (None, None),
                (_, Some(Gone::Deleted(by))) => (
                    Some(format!("deleted by layer {by}, but still in this layer's blob")),
                    Some(*by),
                ),
                (_, Some(Gone::Hidden(by))) => (
                    Some(format!(
                        "hidden by an opaque directory in layer {by}, but still in this layer's blob"
                    )),
                    Some(*by),
                ),
                (_, Some(Gone::Replaced(by))) => (
                    Some(format!(
                        "replaced by layer {by}, but still in this layer's blob"
                    )),
                    Some(*by),
                ),
                (Some(l), None) => (
                    Some(format!(
                        "replaced by layer {l}, but still in this layer's blob"
                    )),
                    Some(l),
                ),
                (None, None) => (
                    Some(
                        "replaced later in the same layer, but still in its blob".to_owned(),
                    ),
                    None,
                ),
            };
            for secret in &file.secrets {
                let at = Located::new(Location::Layer {
                    index,
                    digest: digests.get(index).cloned().unwrap_or_default(),
                    path: path.clone(),
                    line: Some(secret.line as usize),
                    column: Some(secret.column as usize),
                });
                let mut related = Vec::new();
                if let Some((line, column)) = secret.related {
                    related.push(Location::Layer {
                        index,
                        digest: digests.get(index).cloned().unwrap_or_default(),
                        path: path.clone(),
                        line: Some(line as usize),
                        column: Some(column as usize),
                    });
                }
                related.extend(hider.and_then(history_at));
                out.push(SecretAt {
                    secret: secret.clone(),
                    at,
                    related,
                    hidden: hidden.clone(),
                });
            }
        }
    }
    out
}

/// `text` with every secret in it replaced by its masked preview: what
/// reports may show of a history entry, a message or a source line.
pub fn mask_text(text: &str) -> std::borrow::Cow<'_, str> {
    mask_with(text, |secret, _| secret.preview.clone())
}

/// `text` with every secret's bytes replaced by as many `*`: the same
/// length, so that spans into it (a Dockerfile's source) stay valid.
pub fn mask_same_length(text: &str) -> std::borrow::Cow<'_, str> {
    mask_with(text, |_, value: &str| "*".repeat(value.len()))
}

fn mask_with(text: &str, with: impl Fn(&Secret, &str) -> String) -> std::borrow::Cow<'_, str> {
    let found = Scanner::scan(b"", text.as_bytes()).secrets;
    if found.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for secret in &found {
        let mut start = (secret.offset as usize).min(text.len());
        let mut end = (start + secret.len as usize).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&with(secret, &text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// The secrets in an image config's `Env`, `Labels`, `Cmd` and
/// `Entrypoint`, and in its history (each value once: the first entry that
/// records it, the others related), and the config with each of those
/// values masked in place, so that nothing built from it afterwards (steps,
/// report details) holds one.
pub fn take_config_secrets(config: &mut portcullis_image::ImageConfig) -> Vec<SecretAt> {
    let found = in_config(config);
    for entry in &mut config.history {
        if let Some(text) = &mut entry.created_by {
            if let std::borrow::Cow::Owned(masked) = mask_text(text) {
                *text = masked;
            }
        }
        if let Some(text) = &mut entry.comment {
            if let std::borrow::Cow::Owned(masked) = mask_text(text) {
                *text = masked;
            }
        }
    }
    if let Some(c) = &mut config.config {
        let lists = [&mut c.env, &mut c.cmd, &mut c.entrypoint];
        for list in lists.into_iter().flatten() {
            for text in list.iter_mut() {
                if let std::borrow::Cow::Owned(masked) = mask_text(text) {
                    *text = masked;
                }
            }
        }
        for value in c.labels.iter_mut().flat_map(|l| l.values_mut()) {
            if let std::borrow::Cow::Owned(masked) = mask_text(value) {
                *value = masked;
            }
        }
    }
    // The locations quote `created_by`: the masked text.
    let mut found = found;
    for s in &mut found {
        for location in std::iter::once(&mut s.at.location).chain(s.related.iter_mut()) {
            if let Location::History { index, created_by } = location {
                if let Some(text) = config
                    .history
                    .get(*index)
                    .and_then(|h| h.created_by.clone())
                {
                    *created_by = text;
                }
            }
        }
    }
    found
}

fn in_config(config: &portcullis_image::ImageConfig) -> Vec<SecretAt> {
    let mut out: Vec<SecretAt> = Vec::new();
    let scan = |text: &str, pointer: String, out: &mut Vec<SecretAt>| {
        for secret in Scanner::scan(b"", text.as_bytes()).secrets {
            let at = Located::new(Location::Config {
                pointer: pointer.clone(),
            });
            push_once(out, secret, at);
        }
    };
    if let Some(c) = &config.config {
        for (i, env) in c.env.iter().flatten().enumerate() {
            scan(env, format!("/config/Env/{i}"), &mut out);
        }
        for (key, value) in c.labels.iter().flatten() {
            let pointer = format!(
                "/config/Labels/{}",
                key.replace('~', "~0").replace('/', "~1")
            );
            scan(&format!("{key}={value}"), pointer, &mut out);
        }
        for (field, list) in [("Cmd", &c.cmd), ("Entrypoint", &c.entrypoint)] {
            for (i, arg) in list.iter().flatten().enumerate() {
                scan(arg, format!("/config/{field}/{i}"), &mut out);
            }
        }
    }
    for (index, entry) in config.history.iter().enumerate() {
        let Some(created_by) = &entry.created_by else {
            continue;
        };
        for secret in Scanner::scan(b"", created_by.as_bytes()).secrets {
            let at = Located::new(Location::History {
                index,
                created_by: created_by.clone(),
            });
            push_once(&mut out, secret, at);
        }
    }
    out
}

/// Add `secret` at `at`, or, when the same value was found already, add
/// `at` to that finding's related places: an `ENV` is in the config and in
/// its history entry, a build argument in every `RUN` entry after it.
fn push_once(out: &mut Vec<SecretAt>, secret: Secret, at: Located) {
    if let Some(first) = out
        .iter_mut()
        .find(|s| s.secret.fingerprint == secret.fingerprint)
    {
        if first.related.len() < 16 && first.at.location != at.location {
            first.related.push(at.location);
        }
        return;
    }
    out.push(SecretAt {
        secret,
        at,
        related: Vec::new(),
        hidden: None,
    });
}

/// The secrets in a Dockerfile's instructions (not its comments), each at
/// its exact line and column.
pub(crate) fn in_dockerfile(src: &super::SourceFile) -> Vec<SecretAt> {
    let df = &src.dockerfile;
    let instructions: Vec<portcullis_dockerfile::Span> = df
        .items
        .iter()
        .filter(|i| matches!(i, portcullis_dockerfile::Item::Instruction(_)))
        .map(|i| i.span())
        .collect();
    let mut out = Vec::new();
    for secret in Scanner::scan(b"", df.source.as_bytes()).secrets {
        let start = secret.offset as usize;
        let end = start + secret.len as usize;
        if !instructions
            .iter()
            .any(|s| s.start <= start && start < s.end)
        {
            continue;
        }
        // No snippet: the located text is the value (fingerprints use the
        // value's fingerprint instead).
        let from = df.position(start);
        let to = df.position(end.min(df.source.len()));
        let at = Located::new(Location::Dockerfile {
            path: src.path.clone(),
            line: from.line,
            column: from.column,
            end_line: to.line,
            end_column: to.column,
        });
        out.push(SecretAt {
            secret,
            at,
            related: Vec::new(),
            hidden: None,
        });
    }
    out
}

/// Give the secrets the policy file names their declared policy: a canary
/// (SQ34252) or a documented example (SQ34251), by value fingerprint.
pub fn reclassify(secrets: &mut [SecretAt], canaries: &[String], examples: &[String]) {
    use portcullis_secrets::Code;
    for s in secrets {
        if canaries.contains(&s.secret.fingerprint) {
            s.secret.code = Code::SQ34252;
        } else if examples.contains(&s.secret.fingerprint) {
            s.secret.code = Code::SQ34251;
        }
    }
}
