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
    /// Hashes ([`path_hash`]) of the paths that the layer's dpkg file
    /// lists (`var/lib/dpkg/info/*.list`) say installed packages own,
    /// sorted: what tells a package's own files (a library's built-in test
    /// keys, documentation) from what the image's builder put there.
    pub package_files: Vec<u64>,
}

/// A 64-bit FNV-1a hash of a path (relative, no leading `/`): enough to
/// tell package-owned files apart, 8 bytes a path.
pub fn path_hash(path: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in path {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Whether `path` is a dpkg file list.
fn is_dpkg_list(path: &[u8]) -> bool {
    path.starts_with(b"var/lib/dpkg/info/") && path.ends_with(b".list")
}

/// The longest line of a dpkg file list kept while it streams.
const MAX_LIST_LINE: usize = 4096;

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
    /// The open file is a dpkg file list: its current partial line.
    list_line: Option<Vec<u8>>,
    package_files: Vec<u64>,
}

impl SecretLayer {
    fn list_line_done(&mut self) {
        if let Some(line) = &mut self.list_line {
            let path = line.strip_prefix(b"/").unwrap_or(line);
            if !path.is_empty() && line.len() <= MAX_LIST_LINE {
                self.package_files.push(path_hash(path));
            }
            line.clear();
        }
    }
}

impl LayerAnalyser for SecretLayer {
    fn open(&mut self, path: &[u8], size: u64) -> bool {
        self.open = Some((path.to_vec(), size, Scanner::new(path)));
        self.list_line = is_dpkg_list(path).then(Vec::new);
        true
    }

    fn chunk(&mut self, bytes: &[u8]) -> bool {
        if let Some((_, size, scanner)) = &mut self.open {
            scanner.feed_sized(bytes, Some(*size));
        }
        if self.list_line.is_some() {
            for piece in bytes.split_inclusive(|&b| b == b'\n') {
                let (text, ends) = match piece.strip_suffix(b"\n") {
                    Some(text) => (text, true),
                    None => (piece, false),
                };
                if let Some(line) = &mut self.list_line {
                    if line.len() + text.len() <= MAX_LIST_LINE + 1 {
                        line.extend_from_slice(text);
                    }
                }
                if ends {
                    self.list_line_done();
                }
            }
        }
        true
    }

    fn close(&mut self) {
        self.list_line_done();
        self.list_line = None;
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
        let mut package_files = self.package_files;
        package_files.sort_unstable();
        package_files.dedup();
        Facts::new(LayerSecrets {
            files: self.files,
            package_files,
        })
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
    /// In a file an installed OS package owns (dpkg's file lists).
    pub packaged: bool,
}

/// Whether a secret of this policy is a private key or key store.
fn is_key(code: portcullis_secrets::Code) -> bool {
    use portcullis_secrets::Code::*;
    matches!(
        code,
        SQ34102
            | SQ34103
            | SQ34104
            | SQ34105
            | SQ34106
            | SQ34107
            | SQ34108
            | SQ34109
            | SQ34110
            | SQ34111
    )
}

/// Whether a secret was found by shape-less detectors only (a secret-named
/// assignment, a password in a URI): in an OS package's own files these
/// are documentation and tests, not the image builder's secrets.
pub fn is_generic(secret: &Secret) -> bool {
    secret.kind == "generic-secret" || secret.kind.starts_with("uri-")
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
    let mut owned: Vec<u64> = layers
        .iter()
        .flatten()
        .flat_map(|l| l.package_files.iter().copied())
        .collect();
    owned.sort_unstable();
    owned.dedup();
    let mut out = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        let Some(layer) = layer else { continue };
        for file in &layer.files {
            let packaged = owned.binary_search(&path_hash(&file.path)).is_ok();
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
                    line: (!secret.whole_file).then_some(secret.line as usize),
                    column: (!secret.whole_file).then_some(secret.column as usize),
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
                let mut secret = secret.clone();
                if packaged && is_key(secret.code) {
                    // A key shipped in an OS package (a library's test
                    // keys): published with the package, so known.
                    secret.code = portcullis_secrets::Code::SQ34101;
                    secret.what = format!("{} shipped in an OS package's file", secret.what);
                }
                out.push(SecretAt {
                    secret,
                    at,
                    related,
                    hidden: hidden.clone(),
                    packaged,
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
        packaged: false,
    });
}

/// The secrets in a Dockerfile's instructions (not its comments), each at
/// its exact line and column.
pub(crate) fn in_dockerfile(src: &super::SourceFile) -> Vec<SecretAt> {
    let df = &src.dockerfile;
    // Each instruction's span and its heredoc bodies, where a `#` line is
    // content (a file's, or a script's that the history records), not a
    // Dockerfile comment.
    let instructions: Vec<(
        portcullis_dockerfile::Span,
        Vec<portcullis_dockerfile::Span>,
    )> = df
        .items
        .iter()
        .filter_map(|i| match i {
            portcullis_dockerfile::Item::Instruction(instruction) => Some((
                i.span(),
                instruction.heredocs.iter().map(|h| h.body).collect(),
            )),
            _ => None,
        })
        .collect();
    let source = df.source.as_bytes();
    let line_of = |offset: usize| -> &[u8] {
        let start = source[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = source[offset..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(source.len(), |i| offset + i);
        &source[start..end]
    };
    // `COPY <<EOF /dest` writes its body as the file /dest: scanned as that
    // file (a key at an SSH path, a credential file read by its structure),
    // not as text of the Dockerfile.
    let copied: Vec<(portcullis_dockerfile::Span, Vec<u8>)> = df
        .items
        .iter()
        .filter_map(|i| match i {
            portcullis_dockerfile::Item::Instruction(instruction)
                if matches!(
                    instruction.keyword,
                    portcullis_dockerfile::Keyword::Copy | portcullis_dockerfile::Keyword::Add
                ) && instruction.heredocs.len() == 1 =>
            {
                let portcullis_dockerfile::Arguments::List { items, .. } = &instruction.args else {
                    return None;
                };
                let dest = items
                    .last()?
                    .raw
                    .trim_start_matches('/')
                    .as_bytes()
                    .to_vec();
                let heredoc = &instruction.heredocs[0];
                let dest = if dest.ends_with(b"/") || dest.is_empty() {
                    [&dest[..], heredoc.name.as_bytes()].concat()
                } else {
                    dest
                };
                // Only where the destination changes what the body means:
                // a credential file read by its structure, a key at an SSH
                // path.
                (portcullis_secrets::files::wants(&dest)
                    || portcullis_secrets::keys::ssh_key_path(&dest))
                .then_some((heredoc.body, dest))
            }
            _ => None,
        })
        .collect();
    let mut found: Vec<Secret> = Scanner::scan(b"", source)
        .secrets
        .into_iter()
        .filter(|s| {
            let at = s.offset as usize;
            !copied
                .iter()
                .any(|(body, _)| body.start <= at && at < body.end)
        })
        .collect();
    for (body, dest) in &copied {
        let text = source.get(body.start..body.end).unwrap_or_default();
        let base_line = df.position(body.start).line as u32;
        for mut secret in Scanner::scan(dest, text).secrets {
            // In the image it would be a key file of its own; here it is
            // written into the Dockerfile: embedded.
            use portcullis_secrets::Code;
            secret.code = match secret.code {
                Code::SQ34102 => Code::SQ34103,
                Code::SQ34104 => Code::SQ34105,
                Code::SQ34108 => Code::SQ34109,
                Code::SQ34110 => Code::SQ34111,
                other => other,
            };
            secret.offset += body.start as u64;
            secret.line += base_line - 1;
            if let Some((line, column)) = secret.related {
                secret.related = Some((line + base_line - 1, column));
            }
            found.push(secret);
        }
    }
    found.sort_by_key(|s| s.offset);
    let mut out = Vec::new();
    for secret in found {
        let start = (secret.offset as usize).min(source.len());
        let end = start + secret.len as usize;
        let Some((_, bodies)) = instructions
            .iter()
            .find(|(s, _)| s.start <= start && start < s.end)
        else {
            continue;
        };
        let in_body = bodies.iter().any(|b| b.start <= start && start < b.end);
        // Comment lines inside an instruction (between continuation lines)
        // are dropped by Docker.
        if !in_body && line_of(start).trim_ascii_start().starts_with(b"#") {
            continue;
        }
        let related = secret
            .related
            .map(|(line, column)| {
                vec![Location::Dockerfile {
                    path: src.path.clone(),
                    line: line as usize,
                    column: column as usize,
                    end_line: line as usize,
                    end_column: column as usize,
                }]
            })
            .unwrap_or_default();
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
            related,
            hidden: None,
            packaged: false,
        });
    }
    out
}

/// Set aside the secrets [`Subject::secrets_skipped`](super::Subject)
/// holds by default: shape-less finds in OS packages' own files.
pub(crate) fn split_packaged(found: Vec<SecretAt>) -> (Vec<SecretAt>, Vec<SecretAt>) {
    found
        .into_iter()
        .partition(|s| s.packaged && is_generic(&s.secret))
}

/// Apply the policy file's `[secrets]`: report what was set aside in OS
/// packages' files when it says so, and give the secrets it names their
/// declared policy: a canary (SQ34252) or a documented example (SQ34251),
/// by value fingerprint.
pub fn reclassify(
    subject: &mut super::Subject,
    canaries: &[String],
    examples: &[String],
    report_package_files: bool,
) {
    use portcullis_secrets::Code;
    if report_package_files {
        let skipped = std::mem::take(&mut subject.secrets_skipped);
        subject.secrets.extend(skipped);
    }
    for s in &mut subject.secrets {
        if canaries.contains(&s.secret.fingerprint) {
            s.secret.code = Code::SQ34252;
        } else if examples.contains(&s.secret.fingerprint) {
            s.secret.code = Code::SQ34251;
        }
    }
}
