//! One module per rule. Each declares a `RULE` (code, docs, check function).

pub mod add_instruction;
pub mod debug_artefacts;
pub mod hardening;
pub mod licenses;
pub mod missing_healthcheck;
pub mod multiple_cmd;
pub mod multiple_entrypoint;
pub(crate) mod package;
pub mod ports;
pub mod relative_copy_without_workdir;
pub mod root_user;
pub mod runtime;
pub mod secrets;
pub mod setuid_setgid;
pub mod shell_form_cmd;
pub mod supply_chain;
pub mod vulnerabilities;
