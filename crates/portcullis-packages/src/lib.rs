//! Package catalogers: what software an image holds, read from the bytes of
//! package databases, package manifests and binaries. Every cataloger is a
//! pure function (or a streaming state machine) over bytes: no I/O, no
//! knowledge of images or layers, so each can be tested and fuzzed on bytes
//! in memory. The image side (the content pass) asks [`cataloger_for`]
//! which files to feed and merges what each layer held.

pub mod catalog;
pub mod inventory;
pub mod merge;
pub mod model;

pub mod apk;
pub mod binary;
pub mod composer;
pub mod deb;
pub mod dotnet;
pub mod gem;
pub mod java;
pub mod license;
pub mod npm;
pub mod os;
pub mod purl;
pub mod python;
pub mod rpm;

pub use catalog::{cataloger_for, FileCataloger, Whole};
pub use inventory::{Evidence, InstalledPackage, Inventory};
pub use model::{Attachment, AttachmentKind, Ecosystem, Found, Os, Package, SourcePackage};
