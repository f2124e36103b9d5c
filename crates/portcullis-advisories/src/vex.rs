//! VEX documents (OpenVEX, CycloneDX VEX): statements that a vulnerability does not affect a product.
