//! PLACEHOLDER: being written (issue 14).
