//! stub
use super::Notes;
pub const MAGIC: &[u8] = b"RpmP";
pub fn headers(_bytes: &[u8], _notes: &mut Notes, _emit: &mut dyn FnMut(&[u8])) {}
