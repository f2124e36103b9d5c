//! The debug artefact policies (SQ34202–SQ34204, HARDENING.md): debug
//! databases, debug information and source paths shipped in the image,
//! read in the same pass as the binary facts (`portcullis-elf`). They tell
//! an attacker the program's internals (types, names, source layout) and
//! the build machine's paths; a production image needs none of them.

pub mod debug_database;
pub mod debug_info;
pub mod source_paths;

use crate::subject::SubjectKind;

pub(crate) const APPLIES_TO: &[SubjectKind] = &[SubjectKind::Image, SubjectKind::Lxd];

pub(crate) const BAD: &str = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc\nCOPY server.c .\nRUN gcc -g -O2 -o /usr/local/bin/server server.c\n";
pub(crate) const GOOD: &str = "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc\nCOPY server.c .\nRUN gcc -g -O2 -o server server.c \\\n && objcopy --only-keep-debug server server.debug \\\n && strip --strip-debug --strip-unneeded server\n\nFROM debian:bookworm\nCOPY --from=build /server /usr/local/bin/server\n";
