//! JSON pointers (RFC 6901) into a document, built as a walk goes down.

/// `/spec/template/spec/containers/0`: each segment escaped (`~` as `~0`,
/// `/` as `~1`), as reports and SARIF expect.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Pointer {
        Pointer(String::new())
    }

    /// This pointer with one more segment (a key or an index).
    pub fn at(&self, segment: impl std::fmt::Display) -> Pointer {
        let segment = segment.to_string();
        let mut text = String::with_capacity(self.0.len() + segment.len() + 1);
        text.push_str(&self.0);
        text.push('/');
        for c in segment.chars() {
            match c {
                '~' => text.push_str("~0"),
                '/' => text.push_str("~1"),
                c => text.push(c),
            }
        }
        Pointer(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn segments_are_escaped() {
        let p = Pointer::root()
            .at("metadata")
            .at("annotations")
            .at("container.apparmor.security.beta.kubernetes.io/app")
            .at(0)
            .at("a~b");
        assert_eq!(
            p.as_str(),
            "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app/0/a~0b"
        );
        assert_eq!(Pointer::root().as_str(), "");
    }
}
