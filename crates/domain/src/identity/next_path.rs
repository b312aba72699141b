//! Where to send a browser after signing in: a path of this site only, never another origin (no open redirect).

use std::fmt;

/// A path of this site to send a browser to after sign-in (see [`NextPath::parse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextPath(String);

/// A `next` value that could send the browser to another site, or is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a path on this site")]
pub struct ForeignRedirect;

impl NextPath {
    /// Accepts `/path?query#fragment` of this origin; refuses absolute URLs, scheme-relative `//host`, backslashes
    /// (which browsers read as slashes), control characters and anything longer than 2,000 characters.
    pub fn parse(raw: &str) -> Result<Self, ForeignRedirect> {
        let path = raw.trim();
        let same_origin = path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.chars().any(char::is_control)
            && path.len() <= 2000;
        if same_origin {
            Ok(Self(path.to_owned()))
        } else {
            Err(ForeignRedirect)
        }
    }

    /// The path, with its query and fragment, as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NextPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept() {
        for raw in ["/", "/account/orders", "/shop?page=2#top", "/a/b/../c"] {
            assert_eq!(NextPath::parse(raw).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for raw in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "evil.example",
            "javascript:alert(1)",
            "",
            "/\nLocation: x",
            "/\tx",
        ] {
            assert_eq!(NextPath::parse(raw), Err(ForeignRedirect), "{raw:?}");
        }
        assert!(NextPath::parse(&format!("/{}", "a".repeat(2000))).is_err());
    }
}
