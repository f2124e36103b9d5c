//! Version order per package ecosystem.
