/// Why an image could not be read. Displayed as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `std::io::Error` text without Rust's "(os error N)" suffix.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// An I/O error of the source a layer is read from (a registry stream that
/// stalled or broke), said as it is rather than as a corrupt layer.
#[derive(Debug)]
pub(crate) struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// Open a file that must be a regular one (links followed): a FIFO would
/// block the open forever and a device never end, so both are refused
/// before they are opened, with an error that reads as the tail of
/// "cannot read: …".
pub(crate) fn open_file(path: impl AsRef<std::path::Path>) -> std::io::Result<std::fs::File> {
    let path = path.as_ref();
    use std::os::unix::fs::FileTypeExt;
    let t = std::fs::metadata(path)?.file_type();
    let kind = if t.is_file() {
        return std::fs::File::open(path);
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "a socket"
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("not a regular file ({kind})"),
    ))
}
