//! SQ34202: A debug database file is in the image.

use portcullis_elf::DebugDatabaseFormat;

use crate::finding::{Category, Findings, Located, Severity};
use crate::registry::{Doc, Rule};
use crate::subject::Subject;

pub static RULE: Rule = Rule {
    code: "SQ34202",
    name: "debug-database",
    title: "A debug database file is in the image",
    category: Category::SensitiveInformation,
    severity: Severity::Medium,
    remediation: "Keep `.pdb` files out of the image: publish them to a symbol server or keep them as build artefacts, and exclude them from the `COPY` (a `.dockerignore` entry or a multi-stage build).",
    applies_to: super::APPLIES_TO,
    doc: Doc {
        what: "A file of the final filesystem named `*.pdb` whose content is a debug database: Microsoft's MSF 7.00 format (`Microsoft C/C++ MSF 7.00`) or a .NET portable PDB (`BSJB` metadata). Other `.pdb` files (Protein Data Bank structures are text) are not reported.",
        why: "A debug database holds the program's symbols, types, and source file names and lines: a map of its internals for whoever reverse-engineers it, and paths of the build machine.",
        fix: "Build in release mode without emitting PDBs into the output, or exclude `*.pdb` when copying the build output (`dotnet publish -p:DebugType=None`, a `.dockerignore` entry, or copying only the binaries from a build stage).",
        bad: "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY bin/Release/net8.0/publish/ /app/\n",
        good: "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nCOPY . /src\nRUN dotnet publish /src -c Release -o /out -p:DebugType=None\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app/\n",
    },
    check,
};

fn check(subject: &Subject, out: &mut Findings) {
    let Some(binaries) = &subject.binaries else {
        return;
    };
    for db in &binaries.debug_databases {
        let format = match db.format {
            DebugDatabaseFormat::Msf7 => "an MSF 7.00 (Windows) debug database",
            DebugDatabaseFormat::Portable => "a .NET portable debug database",
        };
        let location = crate::rules::package::layer_location(subject, db.layer, &db.path);
        let at = Located {
            location,
            snippet: db.path.clone(),
        };
        let message = format!("{}: {format}", db.path);
        if crate::rules::hardening::in_base(subject, db.layer) {
            out.report_from_base(message, at, Vec::new());
        } else {
            out.report(message, at);
        }
    }
}
