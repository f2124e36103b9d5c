//! stub
use super::Notes;
pub fn is_berkeley_db(_b: &[u8]) -> bool {
    false
}
pub fn headers(_bytes: &[u8], _notes: &mut Notes, _emit: &mut dyn FnMut(&[u8])) {}
