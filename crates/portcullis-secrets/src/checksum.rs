//! Checksums embedded in tokens (GitHub's and npm's CRC32 in base62).
