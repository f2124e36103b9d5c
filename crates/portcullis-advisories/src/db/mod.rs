//! The local advisory database: one compact file built from OSV records and the KEV catalog.
