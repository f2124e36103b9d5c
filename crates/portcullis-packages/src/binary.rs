//! PLACEHOLDER: being written (issue 14).

use crate::catalog::FileCataloger;

pub fn cataloger(_path: &str, _size: u64) -> Option<Box<dyn FileCataloger>> {
    None
}
