//! Deterministic fake tokens for tests and fixtures.
