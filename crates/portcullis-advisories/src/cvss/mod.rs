//! CVSS v3.0/v3.1 and v4.0 base scores from vector strings.
